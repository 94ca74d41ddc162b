/**
 * Services on the real Zendesk Explore sample (16,476 tickets), checked against the numbers of
 * the issue and against an independent reading of the file in this test (csv-parse, no product
 * code); the demo's services.csv and a mapped CSV on hand-written fixtures; bad rows rejected with
 * file, line and field; the `qb services --json` contract.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { gunzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { loadServices, openStore, readServices, serviceKpis } from "../../lib/mod.ts";
import { ROOT } from "../_helpers.ts";

/** The real sample, kept as a test fixture (no explicit licence: test data only, never in data/). */
const ZENDESK = `${ROOT}tests/fixtures/services/zendesk_explore_tickets_plum_2023.csv.gz`;
const dir = () => mkdtempSync(join(tmpdir(), "qb-services-"));
function qb(...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe("services from the Zendesk Explore sample", () => {
  it("gives the issue's numbers, each also computed here from the raw file", async () => {
    const raw = parse(gunzipSync(readFileSync(ZENDESK)), { columns: true }) as Record<string, string>[];
    const store = await openStore();
    const counts = await loadServices(store, ZENDESK);
    expect(counts).toMatchObject({ format: "zendesk", lines_read: 16_477, used: 16_476, ignored: 1, rejected: 0 });
    const [t] = await serviceKpis(store);
    // Volume, and by month of creation: 8,223 in April and 8,253 in May 2023.
    expect(t!.cases).toBe(16_476);
    expect(raw).toHaveLength(16_476);
    const months = await serviceKpis(store, { by: "month" });
    expect(months.map((m) => [m.month, m.cases])).toEqual([["2023-04", 8_223], ["2023-05", 8_253]]);
    expect(raw.filter((r) => r["Created at"]!.startsWith("2023-04")).length).toBe(8_223);
    // Backlog at the export's instant, 2023-06-19 08:47: 2,067 = Hold 790 + Pending 681 + Open 470 + New 126.
    expect(t!.snapshot_at).toBe("2023-06-19T08:47:00+00:00");
    expect(raw.map((r) => r["Updated at"]!).sort().at(-1)).toBe("2023-06-19 08:47:00");
    expect(t!.open_at_snapshot).toBe(2_067);
    expect(t!.open_by_status).toEqual({ Hold: 790, Pending: 681, Open: 470, New: 126 });
    expect(raw.filter((r) => ["Hold", "Pending", "Open", "New"].includes(r.Status!)).length).toBe(2_067);
    // Reopen rate: reopened ≥ 1 among solved or closed / solved or closed = 2,173 / 14,409 = 15.08 %.
    const done = raw.filter((r) => r.Status === "Solved" || r.Status === "Closed");
    expect(done.length).toBe(14_409);
    expect(done.filter((r) => Number(r.Reopens) >= 1).length).toBe(2_173);
    expect(t!.reopen_rate).toBeCloseTo(2_173 / 14_409, 12);
    // First reply in business hours: median 478 min over 12,760 replied tickets, 50.10 % within 480 min.
    const fr = raw.map((r) => r["First reply time in minutes within business hours"]!).filter((x) => x !== "").map(Number);
    expect(fr.length).toBe(12_760);
    expect(median(fr)).toBe(478);
    expect(t!.first_reply_median_bh_min).toBe(478);
    expect(t!.first_reply_cases).toBe(12_760);
    expect(t!.first_reply_basis).toBe("business_hours");
    expect(t!.first_reply_within_target).toBeCloseTo(fr.filter((x) => x <= 480).length / 12_760, 12);
    expect((100 * t!.first_reply_within_target!).toFixed(2)).toBe("50.10");
    // Full resolution, calendar hours: median of the solved tickets' minutes / 60.
    const res = raw.filter((r) => (r.Status === "Solved" || r.Status === "Closed" || !r["Solved at"]!.startsWith("1900")) && r["Full resolution time in minutes"] !== "")
      .map((r) => Number(r["Full resolution time in minutes"]));
    expect(t!.resolution_median_h).toBeCloseTo(median(res) / 60, 9);
    // CSAT on the 1–5 scale: 4–5 over answered surveys ("Offered" without an answer excluded).
    const scores = raw.map((r) => r["Satisfaction Score"]!).filter((x) => /^[1-5]$/.test(x)).map(Number);
    expect(t!.csat).toBeCloseTo(scores.filter((x) => x >= 4).length / scores.length, 12);
    // The sentinel 1900-01-01 is never read as a date.
    const sentinel = raw.filter((r) => r["Solved at"]!.startsWith("1900-01-01")).length;
    expect(sentinel).toBeGreaterThan(0);
    const [{ n1900, nulls }] = await store.query<{ n1900: number; nulls: number }>(
      "SELECT count(*) FILTER (year(solved_at) < 1971) AS n1900, count(*) FILTER (solved_at IS NULL) AS nulls FROM services",
    ) as [{ n1900: number; nulls: number }];
    expect(Number(n1900)).toBe(0);
    expect(Number(nulls)).toBe(sentinel + raw.filter((r) => r["Solved at"] === "").length);
    store.close();
  }, 120_000);
});

describe("services from the demo's file and a mapped CSV", () => {
  it("reads the demo's columns, rejects bad rows with file, line and field, and counts backlog before the export by solve times", async () => {
    const d = dir();
    const f = join(d, "services.csv");
    writeFileSync(f, [
      "service_id,service_type,call_id,queue,agent,opened_at,closed_at,status,outcome,handling_s,cost",
      "S1,complaint,c1,support,Agent/1,2026-10-05T08:00:00Z,2026-10-05T10:00:00Z,closed,resolved,600,5.00", // 2 h
      "S2,complaint,c2,support,Agent/1,2026-10-05T09:00:00Z,2026-10-06T09:00:00Z,closed,resolved,900,7.50", // 24 h
      "S3,quote,c3,sales,Agent/2,2026-10-05T11:00:00Z,,open,,,",
      "S4,quote,c4,sales,Agent/2,not a date,,open,,,", // 5: bad opened_at
      "S5,quote,c5,sales,Agent/2,2026-10-05T12:00:00Z,,open,,-3,", // 6: bad handling_s
    ].join("\n") + "\n");
    const store = await openStore();
    const c = await loadServices(store, f);
    expect(c).toMatchObject({ format: "demo", lines_read: 6, used: 3, ignored: 1, rejected: 2 });
    const rejects = await store.query<{ line: number; reason: string }>("SELECT line, reason FROM rejects ORDER BY line");
    expect(rejects.map((r) => Number(r.line))).toEqual([5, 6]);
    expect(rejects[0]!.reason).toMatch(/services\.csv:5: field 'opened_at': opened_at must be a date-time/);
    expect(rejects[1]!.reason).toMatch(/services\.csv:6: field 'handling_s': handling_s must be a number ≥ 0, got '-3'/);
    const [t] = await serviceKpis(store);
    // 3 cases, 2 solved; median resolution (2 h, 24 h) = 13 h; cost 12.50 over 2 solved = 6.25.
    expect(t).toMatchObject({ cases: 3, solved: 2, open_at_snapshot: 1, open_by_status: { open: 1 }, resolution_median_h: 13, cost: 12.5, cost_per_solved_case: 6.25 });
    expect(t!.reopen_rate).toBeNull(); // the demo's export has no reopen count: n/a, not 0 %
    // At 2026-10-05T12:00Z (before the export): S2 created and not solved yet, S3 created and open: 2; S1 solved at 10:00.
    const [early] = await serviceKpis(store, { at_ms: Date.parse("2026-10-05T12:00:00Z") });
    expect(early!.open_at_snapshot).toBe(2);
    const byGroup = await serviceKpis(store, { by: "group" });
    expect(byGroup.map((r) => [r.group, r.cases])).toEqual([["sales", 1], ["support", 2]]);
    store.close();
  });

  it("counts a case once: a repeated id is rejected in a file and across files; a close before the open is rejected; the ISO stand-in is no date", async () => {
    const d = dir();
    const head = "service_id,service_type,call_id,queue,agent,opened_at,closed_at,status,outcome,handling_s,cost";
    const a = join(d, "a.csv"), b = join(d, "b.csv");
    writeFileSync(a, [head, "S1,x,,q,,2026-10-05T08:00:00Z,,open,,,", "S1,x,,q,,2026-10-05T09:00:00Z,,open,,,", "S2,x,,q,,2026-10-05T10:00:00Z,2026-10-05T09:00:00Z,closed,,,"].join("\n") + "\n");
    writeFileSync(b, [head, "S1,x,,q,,2026-10-05T08:00:00Z,,open,,,", "S3,x,,q,,2026-10-05T08:00:00Z,,open,,,"].join("\n") + "\n");
    const store = await openStore();
    const ca = await loadServices(store, a);
    expect(ca).toMatchObject({ lines_read: 4, used: 1, ignored: 1, rejected: 2 });
    const cb = await loadServices(store, b);
    expect(cb).toMatchObject({ lines_read: 3, used: 1, ignored: 1, rejected: 1 });
    const rejects = await store.query<{ reason: string }>("SELECT reason FROM rejects ORDER BY source, line");
    expect(rejects.map((r) => r.reason.replace(/^.*\/(\w\.csv):/, "$1:"))).toEqual([
      "a.csv:3: field 'service_id': case 'S1' is already on line 2",
      "a.csv:4: field 'closed_at': closed_at is before opened_at",
      expect.stringMatching(/^b\.csv:2: field 'service_id': case 'S1' is already loaded from '.*a\.csv' line 2$/),
    ]);
    expect((await serviceKpis(store))[0]!.cases).toBe(2);
    store.close();
    const z = join(d, "zd.csv");
    writeFileSync(z, "Id,Group,Status,Created at,Updated at,Solved at\n1,g,Open,2023-04-01T10:00:00Z,2023-04-02T10:00:00Z,1900-01-01T00:00:00Z\n");
    const t = readServices(z);
    expect(t.rejects).toEqual([]);
    expect(t.rows[0]!.solved_at).toBeNull();
  });

  it("reads a ServiceNow incident audit log: each case is its last update by sys_mod_count, dates day first, ? is null", async () => {
    const f = join(dir(), "incidents.csv");
    const head = "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,opened_at,sys_updated_at,contact_type,category,priority,assignment_group,assigned_to,resolved_at,closed_at";
    writeFileSync(f, [
      head,
      "INC1,New,true,0,0,0,true,29/2/2016 01:16,29/2/2016 01:16,Phone,Cat 1,3 - Moderate,Group 1,?,?,?",
      "INC1,Active,true,1,0,1,true,29/2/2016 01:16,1/3/2016 08:00,Phone,Cat 1,3 - Moderate,Group 2,Res 7,?,?",
      "INC3,Closed,false,0,1,1,false,1/3/2016 10:00,3/3/2016 10:00,Email,Cat 2,2 - High,Group 1,Res 8,2/3/2016 10:00,3/3/2016 10:00", // mod 1 first in the file
      "INC2,New,true,0,0,0,false,1/3/2016 09:00,1/3/2016 09:00,Phone,Cat 1,3 - Moderate,Group 1,?,?,?",
      "INC1,Resolved,true,1,0,2,true,29/2/2016 01:16,5/3/2016 12:00,Phone,Cat 1,3 - Moderate,Group 2,Res 7,5/3/2016 12:00,?",
      "INC3,New,true,0,0,0,false,1/3/2016 10:00,1/3/2016 10:00,Email,Cat 2,2 - High,Group 1,?,?,?", // mod 0 later in the file: superseded
      "INC2,Active,true,0,0,1,false,1/3/2016 09:00,2/3/2016 09:00,Phone,Cat 1,3 - Moderate,Group 1,Res 9,?,?",
    ].join("\n") + "\n");
    const store = await openStore();
    const c = await loadServices(store, f);
    // 8 lines = 3 cases + 5 ignored (header, 4 superseded updates) + 0 rejected.
    expect(c).toMatchObject({ format: "servicenow", lines_read: 8, used: 3, ignored: 5, rejected: 0, ignored_by_rule: { header: 1, superseded_update: 4 } });
    const [t] = await serviceKpis(store);
    // Solved: INC1 (Resolved), INC3 (Closed); open: INC2 (Active); reopened among done: INC3 → 1/2;
    // SLA missed (made_sla false) 2 of 3; reassigned: INC1.
    expect(t).toMatchObject({ cases: 3, solved: 2, open_at_snapshot: 1, open_by_status: { Active: 1 }, reopen_rate: 0.5, reassigned_cases: 1 });
    expect(t!.sla_breach_rate).toBeCloseTo(2 / 3, 12);
    // Resolution: INC1 29 Feb 01:16 → 5 Mar 12:00 = 130 h 44 min; INC3 1 Mar 10:00 → 2 Mar 10:00 = 24 h; median 77.37 h.
    expect(t!.resolution_median_h).toBeCloseTo((130 + 44 / 60 + 24) / 2, 9);
    const byGroup = await serviceKpis(store, { by: "group" });
    expect(byGroup.map((r) => [r.group, r.cases])).toEqual([["Group 1", 2], ["Group 2", 1]]);
    store.close();
  });

  it("reads a French GLPI search export with its traps: BOM before a quoted header, ';', a trailing ';', spaced ids, DD-MM-YYYY dates, a multi-line cell, <br> between technicians", async () => {
    const f = join(dir(), "glpi.csv");
    const NB = "\u00a0";
    writeFileSync(f, "\uFEFF" + [
      '"ID";"Titre";"Statut";"Date d\'ouverture";"Dernière modification";"Priorité";"Attribué à - Technicien";"Attribué à - Groupe";"Catégorie";"Date de résolution";',
      `"1${NB}234";"Imprimante";"Résolu";"05-10-2026 08:00";"05-10-2026 12:00";"Moyenne";"Alice<br>Bob";"Support N1";"Matériel";"05-10-2026 12:00";`,
      '"1 235";"Écran noir',
      'depuis ce matin";"En cours (Attribué)";"05-10-2026 09:30";"05-10-2026 10:00";"Haute";"Bob";"Support N2";"Matériel";"";',
      '"1236";"Mot de passe";"Clos";"04-10-2026 16:00";"05-10-2026 09:00";"Basse";"";"Support N1";"Compte";"05-10-2026 08:00";',
    ].join("\r\n") + "\r\n");
    const store = await openStore();
    const c = await loadServices(store, f, { timeZone: "Europe/Paris" });
    // 5 lines (header, 1234, 1235 over two lines, 1236) = 3 cases + 2 ignored (header, one continuation line) + 0 rejected.
    expect(c).toMatchObject({ format: "glpi", lines_read: 5, used: 3, ignored: 2, rejected: 0 });
    const rows = await store.query<{ service_id: string; agent: string | null; group: string; opened: string; status: string }>(
      `SELECT service_id, agent, "group", strftime(timezone('Europe/Paris', opened_at), '%Y-%m-%d %H:%M') AS opened, status FROM services ORDER BY service_id`,
    );
    expect(rows).toEqual([
      { service_id: "1234", agent: "Alice", group: "Support N1", opened: "2026-10-05 08:00", status: "Résolu" },
      { service_id: "1235", agent: "Bob", group: "Support N2", opened: "2026-10-05 09:30", status: "En cours (Attribué)" },
      { service_id: "1236", agent: null, group: "Support N1", opened: "2026-10-04 16:00", status: "Clos" },
    ]);
    // Open: 1235 (en cours); solved: 1234 (4 h) and 1236 (16 h): median resolution 10 h.
    const [t] = await serviceKpis(store);
    expect(t).toMatchObject({ cases: 3, solved: 2, open_at_snapshot: 1, resolution_median_h: 10 });
    store.close();
  });

  it("takes a quoted cell with line breaks as one record, and a stray quote still costs only its own line", () => {
    const f = join(dir(), "multiline.csv");
    writeFileSync(f, [
      "service_id,service_type,call_id,queue,agent,opened_at,closed_at,status,outcome,handling_s,cost",
      'S1,"a note',
      'over two lines",c1,q,,2026-10-05T08:00:00Z,,open,,,', // lines 2-3: one record
      'S2,"stray quote,c2,q,,2026-10-05T09:00:00Z,,open,,,', // line 4: rejected alone
      "S3,x,c3,q,,2026-10-05T10:00:00Z,,open,,,", // line 5: kept
    ].join("\n") + "\n");
    const t = readServices(f);
    expect(t.rows.map((r) => [r.service_id, r.line, r.service_type])).toEqual([["S1", 2, "a note\nover two lines"], ["S3", 5, "x"]]);
    expect(t.rejects.map((r) => r.line)).toEqual([4]);
    // 5 lines = 2 used + 2 ignored (header, continuation) + 1 rejected.
    expect(t.counts).toMatchObject({ lines_read: 5, used: 2, ignored: 2, rejected: 1, ignored_by_rule: { header: 1, continuation_line: 1 } });
  });

  it("reads any CSV through a column map, and refuses a header it does not know without one", () => {
    const d = dir();
    const f = join(d, "tickets.csv");
    writeFileSync(f, "Ticket,Created,State,Team\nT-1,2026-10-05 08:00:00,closed,helpdesk\n");
    expect(() => readServices(f)).toThrow(/its header is not that of the demo's services\.csv, a Zendesk Explore export, a ServiceNow incident log or a GLPI search export .*--format mapped/);
    const t = readServices(f, { format: "mapped", columns: { service_id: "Ticket", opened_at: "Created", status: "State", queue: "Team" } });
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0]).toMatchObject({ service_id: "T-1", status: "closed", group: "helpdesk", opened_at: Date.parse("2026-10-05T08:00:00Z") });
    // An .xlsx workbook (a ZIP archive) is named as such, not as a CSV with an unknown header.
    const x = join(d, "tickets.xlsx");
    writeFileSync(x, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]));
    expect(() => readServices(x)).toThrow(/it is a ZIP archive \(an \.xlsx workbook\?\), not a CSV: save the sheet as CSV first/);
  });

  it("prints the JSON contract with qb services --json and refuses bad options with exit 2", () => {
    const r = qb("services", "-i", ZENDESK, "--by", "group", "--json", "-q");
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout);
    for (const k of ["cases", "solved", "open_at_snapshot", "reopen_rate", "sla_breach_rate", "reassigned_cases", "first_reply_median_min", "first_reply_within_target",
      "resolution_median_h", "resolution_median_bh_h", "cost"]) expect(rows[0]).toHaveProperty(k);
    expect(rows.reduce((s: number, x: { cases: number }) => s + x.cases, 0)).toBe(16_476);
    for (const [args, message] of [
      [["--by", "team"], /--by team needs --roster/],
      [["--map", "x.json"], /--map is the column map of --format mapped/],
      [["--at", "yesterday-ish"], /--at must be a date/],
    ] as const) {
      const bad = qb("services", "-i", ZENDESK, ...args);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toMatch(/^qb: /);
      expect(bad.stderr).toMatch(message);
    }
  }, 120_000);
});
