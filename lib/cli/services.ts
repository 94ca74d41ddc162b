/**
 * `qb services`: ticket indicators from service exports (the demo's services.csv, Zendesk
 * Explore, a mapped CSV) — a table, or the JSON contract with `--json`.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { readFileSync } from "node:fs";
import process from "node:process";
import { loadRoster, loadServices, SERVICE_FORMATS, type ServiceFormat } from "../ingest/mod.ts";
import { SERVICE_KPIS } from "../targets/mod.ts";
import { targetsOption } from "./_targets.ts";
import { applyBusinessCalendars, type BusinessCalendars, readBusinessCalendars, SERVICE_GROUPINGS, type ServiceGrouping, serviceKpis } from "../services/mod.ts";
import { openStore, type Store } from "../store/mod.ts";
import { buildServicesReport, type ExportTable } from "../reports/mod.ts";
import { checkExport, writeExport } from "./_export.ts";
import { resolve } from "node:path";
import { checkZone, collect, jsonText, number, parseWhen, safe, UsageError } from "./_common.ts";
import { checkInputFile, checkOutput, writeFileAtomic } from "./_output.ts";
import { renderTable } from "./_table.ts";

interface ServicesCliOptions {
  input: string[];
  format: ServiceFormat;
  map?: string;
  roster?: string;
  at?: string;
  by?: ServiceGrouping;
  tz: string;
  sourceTz?: string;
  firstReplyTargetMin: number;
  from?: string;
  to?: string;
  json: boolean;
  quiet: boolean;
  calendar?: string;
}

/** The `--map` file: a JSON object, logical column → the file's header name. @throws {UsageError} */
function columnMap(path: string | undefined): Record<string, string> {
  if (path === undefined) return {};
  checkInputFile("--map", path);
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UsageError(`--map '${safe(path)}' is not JSON: ${safe((err as Error).message)}`);
  }
  if (!m || typeof m !== "object" || Array.isArray(m) || !Object.values(m).every((v) => typeof v === "string")) {
    throw new UsageError(`--map '${safe(path)}' must be a JSON object of logical column → header name, e.g. {"service_id": "Ticket", "opened_at": "Created"}`);
  }
  return m as Record<string, string>;
}

/** The options shared by `services` and `services-report`. */
function withServiceOptions(cmd: Command): Command {
  return cmd
    .requiredOption("-i, --input <file>", "services export (repeat for several): the demo's services.csv, a Zendesk Explore ticket export, a mapped CSV; .gz ok", collect)
    .addOption(new Option("--format <format>", "export format").choices([...SERVICE_FORMATS]).default("auto"))
    .option("--map <file>", "with --format mapped: JSON column map, logical name → header (logical names: the demo's services.csv columns)")
    .option("--roster <file>", "roster CSV (teams, for --by team)")
    .option("--at <when>", "backlog snapshot instant in --tz (default: the latest instant in the data)")
    .option("--first-reply-target-min <min>", "first-reply target, minutes", number("--first-reply-target-min", 0.001), 480)
    .option("--tz <zone>", "zone of days, months and printed times", "UTC")
    .option("--source-tz <zone>", "zone of the export's local times (default UTC)")
    .option("--calendar <file>", "business-hours calendars JSON (zone, weekly hours, holidays, per group): business-hours first reply and resolution for cases whose export gives none")
    .option("-q, --quiet", "print no input accounting on stderr", false);
}

/** Checks the options and loads the exports (and roster) into a new store, reporting each file. @throws {UsageError} */
async function loadServiceInputs(o: ServicesCliOptions): Promise<{ store: Store; at_ms: number | null }> {
  checkZone("--tz", o.tz);
  if (o.sourceTz !== undefined) checkZone("--source-tz", o.sourceTz);
  for (const f of o.input) checkInputFile("--input", f);
  if (o.roster) checkInputFile("--roster", o.roster);
  if (o.calendar) checkInputFile("--calendar", o.calendar);
  const calendars = o.calendar ? calendarOption(o.calendar) : null;
  if (o.map !== undefined && o.format !== "mapped") throw new UsageError("--map is the column map of --format mapped");
  const columns = columnMap(o.map);
  const at_ms = o.at ? parseWhen("--at", o.at, o.tz) : null;
  const store = await openStore();
  try {
    for (const f of o.input) {
      const c = await loadServices(store, f, { format: o.format, timeZone: o.sourceTz ?? "UTC", columns });
      if (!o.quiet) process.stderr.write(`${safe(c.source)} (${c.format}): ${c.lines_read} lines read = ${c.used} used + ${c.ignored} ignored + ${c.rejected} rejected\n`);
      if (c.used === 0) process.stderr.write(`qb: warning: no case was read from '${safe(f)}'${c.lines_read === 0 ? " (the file is empty)" : ""}\n`);
      if (!o.quiet && c.rejected) {
        const first = await store.query<{ reason: string }>("SELECT reason FROM rejects WHERE source = $1 ORDER BY line LIMIT 5", [c.source]);
        for (const r of first) process.stderr.write(`  rejected: ${safe(r.reason)}\n`);
        if (c.rejected > first.length) process.stderr.write(`  … and ${c.rejected - first.length} more\n`);
      }
    }
    if (o.roster) await loadRoster(store, o.roster);
    if (calendars) await applyCalendar(store, o.calendar!, calendars, o.quiet);
  } catch (err) {
    store.close();
    throw err;
  }
  return { store, at_ms };
}

/** Reads `--calendar`. @throws {UsageError} naming the file and the bad key */
export function calendarOption(path: string): BusinessCalendars {
  try {
    return readBusinessCalendars(path);
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(`--calendar: ${err.message}`);
    throw err;
  }
}

/** Applies `--calendar` to the loaded cases and says on stderr how many it gave business hours. */
export async function applyCalendar(store: Store, path: string, calendars: BusinessCalendars, quiet: boolean): Promise<void> {
  const n = await applyBusinessCalendars(store, calendars);
  if (!quiet) process.stderr.write(`${safe(path)} (calendar): business hours computed for ${n} case(s) whose export gives none\n`);
}

/** Adds `services` and `services-report` to the program. */
export function addServiceCommands(program: Command): void {
  withServiceOptions(program.command("services").description("ticket indicators: volume, backlog, first reply, resolution, reopen rate, CSAT, cost"))
    .addOption(new Option("--by <key>", "one row per group, channel, agent, team or month of creation (default: totals)").choices([...SERVICE_GROUPINGS]))
    .option("--from <when>", "cases created from (a date or date-time in --tz)")
    .option("--to <when>", "cases created before (an exclusive date-time, or a date: through that day)")
    .option("--json", "print the JSON array", false)
    .action(async (o: ServicesCliOptions) => {
      const from_ms = o.from ? parseWhen("--from", o.from, o.tz) : null;
      const to_ms = o.to ? parseWhen("--to", o.to, o.tz, true) : null;
      if (from_ms !== null && to_ms !== null && to_ms <= from_ms) throw new UsageError("--to must be after --from");
      if (o.by === "team" && !o.roster) throw new UsageError("--by team needs --roster (teams come from the roster)");
      const { store, at_ms } = await loadServiceInputs(o);
      try {
        const rows = await serviceKpis(store, { by: o.by, at_ms, first_reply_target_min: o.firstReplyTargetMin, timeZone: o.tz, from_ms, to_ms });
        if (o.json) {
          process.stdout.write(jsonText(rows));
          return;
        }
        const readable = rows.map((r) => ({ ...r, open_by_status: Object.entries(r.open_by_status).map(([k, v]) => `${k} ${v}`).join(", ") }));
        const key = o.by ? [{ key: o.by, header: o.by, format: "text" as const }] : [];
        process.stdout.write(renderTable(readable, [
          ...key, { key: "cases", header: "cases", format: "int" }, { key: "solved", header: "solved", format: "int" },
          { key: "open_at_snapshot", header: "open at snapshot", format: "int" }, { key: "open_by_status", header: "open by status", format: "text" },
          { key: "reopen_rate", header: "reopen rate", format: "pct" }, { key: "reassigned_cases", header: "reassigned", format: "int" },
          { key: "first_reply_median_min", header: "1st reply median min", format: "num" }, { key: "first_reply_median_bh_min", header: "1st reply median bh min", format: "num" },
          { key: "first_reply_within_target", header: `1st reply ≤ ${o.firstReplyTargetMin} min`, format: "pct" },
          { key: "resolution_median_h", header: "resolution median h", format: "num" }, { key: "resolution_median_bh_h", header: "resolution median bh h", format: "num" },
          { key: "csat", header: "CSAT", format: "pct" }, { key: "cost", header: "cost", format: "money" },
        ]) + `backlog at ${rows[0]?.snapshot_at ?? "n/a"} (by status at the export's instant, else created and not yet solved); first reply within target in ${rows[0]?.first_reply_basis?.replace("_", " ") ?? "n/a"}; ` +
          "medians of the cases with the duration; bh = business hours as the export computed them; n/a: the data cannot give it\n");
      } finally {
        store.close();
      }
    });

  withServiceOptions(program.command("services-report").description("write the HTML services report: backlog over time and aging, by month, group, channel and agent"))
    .requiredOption("-o, --out <path>", "output HTML file")
    .option("--title <text>", "report title", "Services report")
    .option("--export <prefix>", "also write every table as <prefix>-<table>.csv and all of them in <prefix>.xlsx")
    .option("--targets <file>", `targets CSV: its case targets (${SERVICE_KPIS.join(", ")}) are evaluated and listed with their status`)
    .action(async (o: ServicesCliOptions & { out: string; title: string; export?: string; targets?: string }) => {
      const inputs = [...o.input, ...[o.roster, o.targets, o.calendar].filter((f): f is string => !!f)];
      checkOutput(o.out, { inputs, db: ":memory:" });
      if (o.export !== undefined) checkExport(o.export, { inputs, db: ":memory:" });
      const targets = o.targets ? targetsOption(o.targets, { quiet: o.quiet, strict: false }) : undefined;
      const { store, at_ms } = await loadServiceInputs(o);
      try {
        const tables: ExportTable[] = [];
        writeFileAtomic(o.out, await buildServicesReport(store, { title: o.title, timeZone: o.tz, first_reply_target_min: o.firstReplyTargetMin, at_ms, tables, targets }));
        process.stderr.write(`report written to ${safe(resolve(o.out))}\n`);
        if (o.export !== undefined) await writeExport(o.export, tables);
      } finally {
        store.close();
      }
    });
}
