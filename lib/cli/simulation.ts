/**
 * `qb demo` and `qb simulate`.
 *
 * @module
 */
import type { Command } from "commander";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import process from "node:process";
import { buildDemoCenter, type Estimate, type SimulatedQueueKpis, simulate, type SimulationResult, writeDemoCenter } from "../simulation/mod.ts";
import { jsonText, number, safe, UsageError } from "./_common.ts";
import { type CellFormat, cell, renderTable, type TableColumn } from "./_table.ts";
import { checkInputFile } from "./_output.ts";

/** A mean with its confidence interval, as the table prints it. */
function withCi(e: Estimate, format: CellFormat): string {
  if (e.mean === null) return "n/a";
  return e.ci_low === null || e.ci_high === null ? cell(e.mean, format) : `${cell(e.mean, format)} [${cell(e.ci_low, format)}, ${cell(e.ci_high, format)}]`;
}

const SIM_COLUMNS: [string, keyof SimulatedQueueKpis, CellFormat][] = [
  ["offered", "offered", "s"], ["answered", "answered", "s"], ["abandoned", "abandoned", "s"], ["SL V2", "service_level", "pct"],
  ["P(wait)", "p_wait", "pct"], ["P(abandon)", "p_abandon", "pct"], ["ASA s", "asa_s", "s"], ["AHT s", "aht_s", "s"],
];

function simulationTable(r: SimulationResult): string {
  const rows = r.queues.map((q) => Object.fromEntries([["queue", q.queue], ...SIM_COLUMNS.map(([h, k, f]) => [h, withCi(q[k] as Estimate, f)])]));
  const columns: TableColumn[] = [{ key: "queue", header: "queue", format: "text" }, ...SIM_COLUMNS.map(([h]) => ({ key: h, header: h, format: "text" as const }))];
  return renderTable(rows, columns) +
    `mean [95 % confidence interval] over ${r.replications} replications (seed ${r.seed}); SL = answered within ${r.threshold_s} s / offered; ` +
    `occupancy ${withCi(r.occupancy, "pct")}\n`;
}

/** Adds `demo` and `simulate` to the program. */
export function addSimulationCommands(program: Command): void {
  program.command("demo").description("write a realistic simulated demo contact center (roster, schedules, queue_log, services, targets)")
    .option("--days <n>", "days to simulate", number("--days", 1), 28)
    .option("--seed <n>", "random seed (same seed, same center)", number("--seed", 0), 42)
    .option("--start-date <date>", "first local day, YYYY-MM-DD", "2026-10-05")
    .option("--tz <zone>", "time zone of the center", "Europe/Rome")
    .requiredOption("--out <dir>", "output folder")
    .action((o: { days: number; seed: number; startDate: string; tz: string; out: string }) => {
      if (o.out.trim() === "") throw new UsageError("--out is empty: give a folder such as 'out/demo'");
      if (existsSync(o.out) && !statSync(o.out).isDirectory()) {
        const what = statSync(o.out).isFile() ? "is a file" : "is a device, a pipe or a socket";
        throw new UsageError(`--out '${safe(o.out)}' ${what}: give a folder for the demo center's files`);
      }
      try {
        mkdirSync(o.out, { recursive: true });
      } catch (err) {
        const code = (err as { code?: string }).code;
        const why = code === "ENOTDIR" ? "a part of the path is not a folder" : code === "EACCES" || code === "EPERM" ? "permission denied"
          : code === "EROFS" ? "the file system is read-only" : code === "ENOENT" ? "its parent does not accept new folders" : (err as Error).message;
        throw new UsageError(`Cannot create --out '${safe(o.out)}': ${why}`);
      }
      const center = buildDemoCenter({ days: o.days, seed: o.seed, start_date: o.startDate, time_zone: o.tz });
      const files = writeDemoCenter(o.out, center);
      const open = center.services.filter((s) => s.status === "open").length;
      process.stderr.write(
        `demo center: ${center.roster.length} operators, ${center.queue_log.length} queue_log lines, ${center.services.length} assistance cases (${open} open), ${center.targets.length} targets\n`,
      );
      for (const [role, path] of Object.entries(files)) process.stderr.write(`  ${role}: ${safe(resolve(path))}\n`);
    });

  program.command("simulate").description("simulate a scenario and print per-queue KPIs with confidence intervals")
    .requiredOption("--config <file>", "scenario JSON (see lib/simulation/config.ts; unknown keys are errors)")
    .option("--replications <n>", "override the scenario's replications", number("--replications", 2))
    .option("--json", "print one JSON object instead of a table", false)
    .action((o: { config: string; replications?: number; json: boolean }) => {
      checkInputFile("--config", o.config);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(o.config, "utf8"));
      } catch (err) {
        const e = err as { code?: string; message: string };
        throw new Error(`Cannot read scenario '${o.config}': ${e.code === "ENOENT" ? "no such file" : e.message}`);
      }
      if (o.replications !== undefined && raw && typeof raw === "object") (raw as Record<string, unknown>).replications = o.replications;
      const r = simulate(raw as never);
      const { tallies: _t, ...out } = r;
      process.stdout.write(o.json ? jsonText(out) : simulationTable(r));
    });
}
