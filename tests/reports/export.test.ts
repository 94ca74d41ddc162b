/**
 * Report tables exported: the XLSX workbook (read back with exceljs) holds the CSV's cells, sheet
 * by sheet; a formula-like name is guarded the same way in both and is text, never a formula.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parse } from "csv-parse/sync";
import readXlsxFile from "read-excel-file/node";
import { strFromU8, unzipSync } from "fflate";
import { ROOT } from "../_helpers.ts";

describe("report export (--export)", () => {
  it("writes one CSV per table and a workbook with the same cells, formula-like text guarded in both", async () => {
    const d = mkdtempSync(join(tmpdir(), "qb-export-"));
    const f = join(d, "services.csv");
    writeFileSync(f, [
      "service_id,service_type,call_id,queue,agent,opened_at,closed_at,status,outcome,handling_s,cost",
      "S1,complaint,c1,\"=HYPERLINK(\"\"http://evil\"\")\",Agent/1,2026-10-01T08:00:00Z,2026-10-02T08:00:00Z,closed,resolved,600,5",
      "S2,complaint,c2,support,Agent/1,2026-10-01T09:00:00Z,,open,,,",
    ].join("\n") + "\n");
    const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "services-report", "-i", f, "-o", join(d, "r.html"), "--export", join(d, "t"), "-q"],
      { encoding: "utf8", cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    const names = ["total", "by_month", "by_group", "by_channel", "by_agent", "backlog_by_day", "backlog_aging"];
    const xlsx = join(d, "t.xlsx");
    const book = await readXlsxFile(readFileSync(xlsx));
    expect(book.map((s) => s.sheet)).toEqual(names);
    for (const name of names) {
      const csv = parse(readFileSync(join(d, `t-${name}.csv`), "utf8")) as string[][];
      const rows = book.find((s) => s.sheet === name)!.data as unknown[][];
      expect(rows.length, name).toBe(csv.length);
      csv.forEach((row, i) => {
        row.forEach((cell, j) => {
          const v = rows[i]![j];
          expect(v === undefined || v === null ? "" : String(v), `${name} row ${i + 1} col ${j + 1}`).toBe(cell);
        });
      });
    }
    // The group "=HYPERLINK(…)" is text with a leading apostrophe in both, and no cell of the workbook is a formula.
    const group = parse(readFileSync(join(d, "t-by_group.csv"), "utf8")) as string[][];
    expect(group.map((x) => x[0])).toContain("'=HYPERLINK(\"http://evil\")");
    const sheets = unzipSync(readFileSync(xlsx));
    const xml = Object.entries(sheets).filter(([k]) => k.startsWith("xl/worksheets/")).map(([, v]) => strFromU8(v)).join("");
    expect(xml).not.toContain("<f>");
  }, 60_000);
});
