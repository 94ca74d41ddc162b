/**
 * `qb agents` (operator indicators) and `qb state` (every agent's state at an instant).
 *
 * @module
 */
import { type Command, Option } from "commander";
import process from "node:process";
import { loadFreeswitchStates, loadRoster, loadSchedules, loadServices } from "../ingest/mod.ts";
import { agentStateAt, buildAgentStatesInStore, caseWorkAccounting, caseWorkSentence, type OperatorKpiOptions, operatorKpis, type PeriodKind, periodOf } from "../operators/mod.ts";
import type { Store } from "../store/mod.ts";
import type { IngestCounts } from "../ingest/mod.ts";
import { collect, type CommonOptions, jsonText, kpiOptions, load, number, parseWhen, safe, UsageError, withCommonOptions } from "./_common.ts";
import { renderTable, type TableColumn } from "./_table.ts";
import { wrapupMap } from "./_wrapup.ts";
import { checkInputFile, checkOutput, writeFileAtomic } from "./_output.ts";
import { targetsOption } from "./_targets.ts";
import { buildOperatorsReport, type ExportTable } from "../reports/mod.ts";
import { checkExport, writeExport } from "./_export.ts";
import { resolve } from "node:path";

/** Options of the commands built with {@link withOperatorInputs}. */
export interface OperatorCliOptions extends CommonOptions {
  roster?: string;
  schedules?: string;
  agentStates?: string;
  wrapupS: number;
  wrapup: string[];
  json: boolean;
}

/** Options of the commands built with {@link withIndicatorOptions}. */
export interface IndicatorCliOptions extends OperatorCliOptions {
  adherenceRule: string;
  adherenceThresholdS: number;
  occupancyIncludesRing: boolean;
  timeAttribution: "split" | "call_end";
}

/** The indicator options of `agents` and `operators-report`, checked before anything is loaded. @throws {UsageError} */
export function operatorOptions(o: IndicatorCliOptions): OperatorKpiOptions {
  const { from_ms, to_ms } = kpiOptions(o); // the window, as for every other command
  const options: OperatorKpiOptions = {
    timeZone: o.tz, interval_minutes: o.intervalMinutes, wrapup_s: o.wrapupS, wrapup_by_queue: wrapupMap(o.wrapup), from_ms, to_ms,
    adherence_rule: o.adherenceRule as "raw", adherence_threshold_s: o.adherenceThresholdS, occupancy_includes_ring: o.occupancyIncludesRing,
    time_attribution: o.timeAttribution, states_built: true,
  };
  return options;
}

/** Loads the logs, roster, schedules and FreeSWITCH states, builds agent states, and reports them on stderr. */
export async function loadOperatorInputs(o: OperatorCliOptions): Promise<Store> {
  const wrapup_by_queue = wrapupMap(o.wrapup);
  const { store, archive } = await load(o);
  try {
    if (archive && (archive.tables.agent_states?.rows ?? 0) > 0) {
      // The archive's agent states were built when it was written: they are used as they are.
      if (!o.quiet) {
        process.stderr.write(`agent states: ${archive.tables.agent_states!.rows} segments from the archive (built with ${safe(JSON.stringify(archive.options.agent_states ?? {}))})\n`);
        if (o.wrapupS > 0 || o.wrapup.length > 0 || o.agentStates) process.stderr.write("qb: warning: --wrapup, --wrapup-s and --agent-states do not apply to an archive: its agent states are used as written\n");
      }
      if (o.roster) await tableReport(store, await loadRoster(store, o.roster), o);
      if (o.schedules) await tableReport(store, await loadSchedules(store, o.schedules, { timeZone: o.sourceTz ?? o.tz }), o);
      return store;
    }
    if (o.roster) await tableReport(store, await loadRoster(store, o.roster), o);
    if (o.schedules) await tableReport(store, await loadSchedules(store, o.schedules, { timeZone: o.sourceTz ?? o.tz }), o);
    if (o.agentStates) await tableReport(store, await loadFreeswitchStates(store, o.agentStates, { timeZone: o.sourceTz ?? o.tz }), o);
    const built = await buildAgentStatesInStore(store, { wrapup_s: o.wrapupS, wrapup_by_queue });
    if (!o.quiet) {
      const notes = Object.entries(built.notes).map(([k, v]) => `${k} ${v}`).join(", ");
      const wrap = Object.keys(wrapup_by_queue).length
        ? `wrap-up assumed: ${[...Object.entries(wrapup_by_queue).map(([q, s]) => `${safe(q)} ${s} s`), `others ${o.wrapupS} s`].join(", ")}`
        : o.wrapupS > 0 ? `wrap-up assumed: ${o.wrapupS} s after every call`
        : "no wrap-up assumed (queue_log has no wrap-up event; give --wrapup-s or --wrapup QUEUE=S)";
      process.stderr.write(`agent states: ${built.segments} segments of ${built.agents} agents; ${wrap}${notes ? `; rules: ${notes}` : ""}\n`);
      if (built.unknown_wrapup_queues.length) {
        process.stderr.write(`qb: warning: --wrapup names queue(s) no loaded call uses: ${built.unknown_wrapup_queues.map(safe).join(", ")} (their wrap-up assumes nothing)\n`);
      }
      if (built.notes.agents_in_both_sources) {
        process.stderr.write(`qb: note: ${built.notes.agents_in_both_sources} agent(s) appear in queue_log and in FreeSWITCH states; their states come from FreeSWITCH\n`);
      }
    }
    return store;
  } catch (err) {
    store.close();
    throw err;
  }
}

/** Prints one input's accounting on stderr (unless quiet). */
export function reportCounts(c: { source: string; format: string; lines_read: number; used: number; ignored: number; rejected: number }, quiet: boolean): void {
  if (!quiet) process.stderr.write(`${safe(c.source)} (${c.format}): ${c.lines_read} lines read = ${c.used} used + ${c.ignored} ignored + ${c.rejected} rejected\n`);
}

/**
 * Reports a roster, schedules or states file: its counts and its first rejected lines (file, line,
 * field and reason) on stderr; with `--strict` a rejected line stops the command.
 *
 * @throws {UsageError} with `--strict`, naming the first rejected line
 */
export async function tableReport(store: Store, c: IngestCounts, o: Pick<OperatorCliOptions, "quiet" | "strict">): Promise<void> {
  reportCounts(c, o.quiet);
  if (c.rejected === 0) return;
  const first = await store.query<{ reason: string }>("SELECT reason FROM rejects WHERE source = $1 ORDER BY line LIMIT 3", [c.source]);
  if (o.strict) throw new UsageError(`--strict: ${safe(first[0]?.reason ?? `${c.source}: a line was rejected`)}`);
  if (!o.quiet) {
    for (const r of first) process.stderr.write(`  rejected: ${safe(r.reason)}\n`);
    if (c.rejected > first.length) process.stderr.write(`  … and ${c.rejected - first.length} more (table rejects)\n`);
  }
}

/** Times in hours for reading (the JSON keeps seconds). */
const HOURS = ["logged_in_s", "available_idle_s", "ring_s", "talk_s", "hold_s", "wrap_s", "other_call_s", "paused_s", "scheduled_s", "paid_s", "case_work_s"] as const;
const TABLE: TableColumn[] = [
  { key: "logged_in_h", header: "logged in h", format: "s" }, { key: "talk_h", header: "talk h", format: "s" },
  { key: "wrap_h", header: "wrap h", format: "s" }, { key: "paused_h", header: "paused h", format: "s" },
  { key: "available_idle_h", header: "idle h", format: "s" }, { key: "calls_answered", header: "answered", format: "int" },
  { key: "ring_no_answer", header: "RNA", format: "int" }, { key: "occupancy", header: "occupancy", format: "pct" },
  { key: "utilization", header: "utilization", format: "pct" }, { key: "adherence", header: "adherence", format: "pct" },
  { key: "conformance", header: "conformance", format: "pct" }, { key: "cost", header: "cost", format: "money" },
];

/** Indicator keys the readable table can show with `--columns` (the JSON keys; seconds shown as hours). */
const COLUMN_CHOICES: Record<string, TableColumn> = Object.fromEntries([
  ...["logged_in_s", "available_idle_s", "ring_s", "talk_s", "hold_s", "wrap_s", "other_call_s", "paused_s", "scheduled_s", "paid_s"]
    .map((k) => [k, { key: k.replace(/_s$/, "_h"), header: `${k.replace(/_s$/, "").replaceAll("_", " ")} h`, format: "s" as const }]),
  ...["longest_idle_s", "idle_before_call_s", "idle_before_call_incl_s"].map((k) => [k, { key: k, header: k.replaceAll("_", " "), format: "s" as const }]),
  ...["agents", "calls_presented", "calls_answered", "ring_no_answer", "ring_canceled", "outbound_calls", "outbound_connected"].map((k) => [k, { key: k, header: k.replaceAll("_", " "), format: "int" as const }]),
  ...["occupancy", "utilization", "adherence", "conformance", "shrinkage", "shrinkage_planned", "shrinkage_unplanned"]
    .map((k) => [k, { key: k, header: k.replaceAll("_", " "), format: "pct" as const }]),
  ...["calls_per_hour"].map((k) => [k, { key: k, header: k.replaceAll("_", " "), format: "s" as const }]),
  ...["cost", "cost_per_answered_call", "case_cost", "cost_per_handled_case"].map((k) => [k, { key: k, header: k.replaceAll("_", " "), format: "money" as const }]),
  ["cases_handled", { key: "cases_handled", header: "cases handled", format: "int" as const }],
  ["case_work_s", { key: "case_work_h", header: "case work h", format: "s" as const }],
]);

/** The table columns of `--columns` (comma-separated JSON keys), or the default set. @throws {UsageError} for an unknown key */
function tableColumns(list: string | undefined): TableColumn[] {
  if (list === undefined) return TABLE;
  const keys = list.split(",").map((k) => k.trim()).filter((k) => k !== "");
  const unknown = keys.filter((k) => !Object.hasOwn(COLUMN_CHOICES, k));
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice !== undefined && !unknown.length) throw new UsageError(`--columns: '${safe(twice)}' is given twice`);
  if (unknown.length || keys.length === 0) {
    throw new UsageError(`--columns: ${unknown.length ? `unknown indicator(s) ${unknown.map((k) => `'${safe(k)}'`).join(", ")}` : "no indicator given"}; choose among ${Object.keys(COLUMN_CHOICES).join(", ")}`);
  }
  return keys.map((k) => COLUMN_CHOICES[k]!);
}

/** Adds the roster, schedules, FreeSWITCH states and wrap-up options (read by {@link loadOperatorInputs}). */
export function withOperatorInputs(cmd: Command): Command {
  return cmd
    .option("--roster <file>", "roster CSV: agent, name, team, department, hourly_cost, skills, on_call")
    .option("--schedules <file>", "schedules CSV: agent, activity, starts_at, ends_at")
    .option("--agent-states <file>", "FreeSWITCH mod_callcenter changes CSV: timestamp, agent, status, state (a second source of agent states)")
    .option("--wrapup-s <s>", "wrap-up seconds assumed after each call (queue_log has no wrap-up event)", number("--wrapup-s", 0), 0)
    .option("--wrapup <queue=s>", "wrap-up seconds for one queue (repeat)", collect, []);
}

/** Adds the operator indicator options (read by {@link operatorOptions}). */
export function withIndicatorOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--adherence-rule <rule>", "how the threshold applies").choices(["raw", "forgive_shorter_than", "deduct_per_segment"]).default("raw"))
    .option("--adherence-threshold-s <s>", "adherence exception threshold T", number("--adherence-threshold-s", 0), 60)
    .option("--occupancy-includes-ring", "count ring time as handling", false)
    .addOption(new Option("--time-attribution <how>", "agent time per period: split pro rata, or a call whole where it ends").choices(["split", "call_end"]).default("split"));
}

/** Adds `agents` and `state` to the program. */
export function addOperatorCommands(program: Command): void {
  const common = (cmd: Command, what: { window?: boolean; intervals?: boolean } = {}) => withOperatorInputs(withCommonOptions(cmd, { queue: false, ...what }));
  const indicatorOptions = (cmd: Command) => withIndicatorOptions(common(cmd));

  indicatorOptions(program.command("agents").description("operator indicators per agent, team or department: time, pauses, calls, occupancy, adherence, cost"))
    .option("--by <keys>", "agent | team | department, optionally with ,interval | ,day | ,week", "agent")
    .option("--json", "print a JSON array instead of a table", false)
    .option("--columns <keys>", "indicators of the table, comma-separated JSON keys (e.g. ring_s,shrinkage,calls_per_hour); default a summary set")
    .option("--services <file>", "services export (the demo's services.csv, Zendesk, ServiceNow, GLPI): cases handled and their handling time as each operator's case work, with its cost")
    .action(async (o: IndicatorCliOptions & { by: string; columns?: string; services?: string }) => {
      const [by, period = "period", ...rest] = o.by.split(",").map((s) => s.trim());
      if (!["agent", "team", "department"].includes(by!) || !["period", "interval", "day", "week"].includes(period) || rest.length) {
        throw new UsageError(`--by must be agent, team or department, optionally followed by ,interval ,day or ,week; got '${safe(o.by)}'`);
      }
      const columns = tableColumns(o.columns);
      if (o.json && o.columns !== undefined) throw new UsageError("--columns chooses the table's columns; --json prints every indicator");
      const options: OperatorKpiOptions = { ...operatorOptions(o), by: by as "agent", period: period as PeriodKind };
      if (o.services) checkInputFile("--services", o.services);
      const store = await loadOperatorInputs(o);
      try {
        if (o.services) await tableReport(store, await loadServices(store, o.services, { timeZone: o.sourceTz ?? "UTC" }), o);
        const rows = await operatorKpis(store, options);
        // Every case accounted for: credited, or left out and why.
        if (o.services && !o.quiet) process.stderr.write(`qb: note: ${caseWorkSentence(await caseWorkAccounting(store, options))}\n`);
        if (o.json) process.stdout.write(jsonText(rows));
        else {
          const keys: TableColumn[] = (by === "agent" ? ["agent", "name", "team"] : by === "team" ? ["team", "department"] : ["department"])
            .map((k) => ({ key: k, header: k, format: "text" as const }));
          if (period !== "period") keys.push({ key: period === "interval" ? "interval_start" : period, header: `${period} (${o.tz})`, format: "text" });
          const readable = rows.map((r) => ({ ...r, ...Object.fromEntries(HOURS.map((k) => [k.replace(/_s$/, "_h"), r[k] / 3600])) }));
          const caseCols: TableColumn[] = o.services && o.columns === undefined
            ? [{ key: "cases_handled", header: "cases", format: "int" }, { key: "cost_per_handled_case", header: "cost / case", format: "money" }]
            : [];
          process.stdout.write(renderTable(readable, [...keys, ...columns, ...caseCols]) +
            `occupancy = handling / (logged in − paused), handling = talk + hold + wrap-up${o.occupancyIncludesRing ? " + ring" : ""}; ` +
            `adherence rule ${o.adherenceRule}, T = ${o.adherenceThresholdS} s; time ${o.timeAttribution === "split" ? "split across periods" : "of a call credited where it ends"}; cost = hourly cost × paid time (scheduled, else logged in)${o.services ? "; cases: handled with a handling time, credited where the work ended, cost / case = hourly cost × case handling time / cases" : ""}; n/a: the data cannot give it\n`);
        }
      } finally {
        store.close();
      }
    });

  indicatorOptions(program.command("operators-report").description("write the HTML operator performance report"))
    .requiredOption("-o, --out <path>", "output HTML file")
    .option("--title <text>", "report title", "Operator performance")
    .option("--day <date>", "local day of the agent-state timeline (default: the busiest day)")
    .addOption(new Option("--period <p>", "one page for the whole window, or one page per local day or ISO week, written as <out>-<start>.html")
      .choices(["all", "day", "week"]).default("all"))
    .option("--targets <file>", "targets CSV: the operator, team, department and center time targets are evaluated over each page's window and listed with their status")
    .option("--export <prefix>", "also write every table as <prefix>-<table>.csv and all of them in <prefix>.xlsx (with --period all)")
    .option("--services <file>", "services export (the demo's services.csv, Zendesk, ServiceNow, GLPI): open cases per operator at the window's end")
    .action(async (o: IndicatorCliOptions & { out: string; title: string; day?: string; period: "all" | "day" | "week"; targets?: string; export?: string; services?: string }) => {
      if (o.export !== undefined && o.period !== "all") throw new UsageError("--export writes the tables of one page: use it with --period all");
      const tables: ExportTable[] = [];
      const options = { ...operatorOptions(o), targets: o.targets ? targetsOption(o.targets, o) : undefined, tables };
      if (o.period !== "all" && o.day !== undefined) throw new UsageError("--day picks the timeline of one page; with --period each page charts its busiest day");
      if (o.day !== undefined) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(o.day)) throw new UsageError(`--day must be a date such as 2026-10-05, got '${safe(o.day)}'`);
        const day = parseWhen("--day", o.day, o.tz);
        if ((options.from_ms != null && day < options.from_ms) || (options.to_ms != null && day >= options.to_ms)) {
          throw new UsageError(`--day ${safe(o.day)} is outside the window of --from/--to`);
        }
      }
      const inputs = [...o.input, ...[o.roster, o.schedules, o.agentStates, o.targets, o.services].filter((f): f is string => !!f)];
      if (o.services) checkInputFile("--services", o.services);
      checkOutput(o.out, { inputs, db: o.db });
      if (o.export !== undefined) checkExport(o.export, { inputs, db: o.db });
      const store = await loadOperatorInputs(o);
      try {
        if (o.services) await tableReport(store, await loadServices(store, o.services, { timeZone: o.sourceTz ?? "UTC" }), o);
        if (o.period === "all") {
          writeFileAtomic(o.out, await buildOperatorsReport(store, { ...options, title: o.title, timeline_day: o.day }));
          process.stderr.write(`report written to ${safe(resolve(o.out))}\n`);
          if (o.export !== undefined) await writeExport(o.export, tables);
          return;
        }
        const pages = await periodPages(store, o.period, options);
        if (pages.length === 0) process.stderr.write("qb: no agent activity in the window: no page written\n");
        for (const p of pages) {
          const out = `${o.out.replace(/\.html?$/i, "")}-${p.key}.html`;
          const title = `${o.title} — ${o.period === "day" ? p.key : `week of ${p.key}`}`;
          writeFileAtomic(out, await buildOperatorsReport(store, { ...options, from_ms: p.from_ms, to_ms: p.to_ms, title, tables: undefined }));
          process.stderr.write(`report written to ${safe(resolve(out))}\n`);
        }
      } finally {
        store.close();
      }
    });

  common(program.command("state").description("every agent's state at an instant (session, availability, work)"), { window: false, intervals: false })
    .requiredOption("--at <when>", "the instant (date-time in --tz)")
    .option("--json", "print a JSON array instead of a table", false)
    .action(async (o: OperatorCliOptions & { at: string }) => {
      const at = parseWhen("--at", o.at, o.tz);
      const store = await loadOperatorInputs(o);
      try {
        const rows = await agentStateAt(store, at);
        if (o.json) process.stdout.write(jsonText(rows));
        else {
          // A logged-out agent is neither available nor paused, nor idle: "–" in the table (the JSON keeps the axes as built).
          const shown = rows.map((r) => (r.session === "logged_out" && r.work === "idle" ? { ...r, availability: "–", work: "–" } : r));
          process.stdout.write(renderTable(shown as unknown as Record<string, unknown>[], [
            { key: "agent", header: "agent", format: "text" }, { key: "name", header: "name", format: "text" },
            { key: "state", header: "state", format: "text" }, { key: "session", header: "session", format: "text" },
            { key: "availability", header: "availability", format: "text" }, { key: "reason", header: "reason", format: "text" },
            { key: "work", header: "work", format: "text" }, { key: "queue", header: "queue", format: "text" },
            { key: "time_in_state_s", header: "in state s", format: "s" },
            { key: "since_last_call_s", header: "since last call s", format: "s" },
          ]) + (rows.some((r) => r.after_data_end) ? `${safe(o.at)} is past the end of the data: these are the last states known\n` : ""));
        }
      } finally {
        store.close();
      }
    });
}

/**
 * The local days or ISO weeks of the window (`from_ms`/`to_ms`, default the agent states' span)
 * that hold agent activity, each clipped to the window.
 */
async function periodPages(store: Store, kind: "day" | "week", o: OperatorKpiOptions): Promise<{ key: string; from_ms: number; to_ms: number }[]> {
  const [b] = await store.query<{ lo: number | null; hi: number | null }>("SELECT min(epoch_ms(started_at)) AS lo, max(epoch_ms(ended_at)) AS hi FROM agent_states");
  if (b?.lo == null || b.hi == null) return [];
  const zone = o.timeZone ?? "UTC";
  const from = Math.max(o.from_ms ?? -Infinity, periodOf("day", Number(b.lo), zone).start_ms), to = Math.min(o.to_ms ?? Infinity, Number(b.hi));
  const pages: { key: string; from_ms: number; to_ms: number }[] = [];
  for (let t = from; t < to;) {
    const p = periodOf(kind, t, zone);
    const [a, z] = [Math.max(p.start_ms, from), Math.min(p.end_ms, to)];
    const [n] = await store.query<{ n: number }>(
      `SELECT count(*) AS n FROM agent_states WHERE ended_at > make_timestamptz(${a * 1000}) AND started_at < make_timestamptz(${z * 1000}) AND session = 'logged_in'`,
    );
    if (Number(n?.n ?? 0) > 0) pages.push({ key: p.key, from_ms: a, to_ms: z });
    t = p.end_ms;
  }
  return pages;
}
