/**
 * The calls report: one self-contained HTML file with volumes, service level and ASA by interval,
 * per-queue and per-agent tables, ingest accounting and every definition used.
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import {
  agentKpis,
  type AgentKpiRow,
  type KpiOptions,
  queueKpis,
  type QueueKpiRow,
  resolveKpiOptions,
  scopeFilter,
  SL_FORMULAS,
  SL_VARIANTS,
} from "../indicators/mod.ts";
import type { IngestCounts, Reject, Target } from "../ingest/mod.ts";
import { type CallCostRow, callCosts, type CallFlow, callFlow, disconnectionCauses, type DisconnectionRow, type HourWeekdayCell, offeredByHourWeekday, type WaitBin, waitDistribution } from "../indicators/mod.ts";
import { evaluateTargets, QUEUE_KPIS, type TargetEvaluation } from "../targets/mod.ts";
import { TARGET_CSS, targetsSection } from "./targets_section.ts";
import { columnsOf, type ExportTable } from "./export.ts";
import { distributionSections } from "./calls_distributions.ts";
import { charts } from "./calls_charts.ts";
import { isoInZone } from "../time/mod.ts";
import { type Column, escapeHtml, formatCount, formatDuration, formatPercent, formatSeconds, htmlTable, isolate } from "./html.ts";
import { REPORT_CSS } from "./_report_css.ts";

/** Options of the calls report: indicator options plus presentation. */
export interface CallsReportOptions extends KpiOptions {
  /** Title shown in the header (default "Calls report"). */
  title?: string;
  /** Service-level target as a fraction, drawn as a line (default 0.8). */
  sl_target?: number;
  /** Text stating when the report was generated (default none: reports are reproducible). */
  generated_at?: string;
  /** Maximum number of rejected lines listed (default 50; all are counted). */
  max_rejects_listed?: number;
  /**
   * Targets (from `readTargets`): the queue and center call targets are evaluated over the
   * report's window and listed with their status; the center's service-level target, if any,
   * is the one drawn (instead of `sl_target`).
   */
  targets?: readonly Target[];
  /** Trunk cost per minute of line time (entry to end of a stint); default none. Agent costs come from a loaded roster's `hourly_cost`. */
  trunk_cost_per_min?: number | null;
  /** When given, the report's tables are pushed into it (for CSV/XLSX export: `tableCsv`, `tablesXlsx`). */
  tables?: ExportTable[];
  /** Display names of queues (from `readQueueMap`): shown as `name (id)`; exported tables keep the ids. */
  queue_names?: Readonly<Record<string, string>>;
}

/** Everything the report shows; {@link renderCallsReport} is a pure function of it. */
export interface CallsReportData {
  total: QueueKpiRow;
  by_queue: QueueKpiRow[];
  by_interval: QueueKpiRow[];
  by_day: QueueKpiRow[];
  agents: AgentKpiRow[];
  ingest: IngestCounts[];
  rejects: Reject[];
  rejects_total: number;
  outbound: { calls: number; connected: number; talk_s: number };
  period: { first: string | null; last: string | null };
  /** The call targets evaluated over the window (empty without targets). */
  targets: TargetEvaluation[];
  /** Waits of offered stints, binned (answered, abandoned and flow-outs in the same bins). */
  waits?: WaitBin[];
  /** Offered stints by local hour × weekday. */
  by_hour_weekday?: HourWeekdayCell[];
  /** Service level per queue and local day. */
  by_queue_day?: QueueKpiRow[];
  /** Calls and their queue attempts. */
  flow?: CallFlow;
  /** Stints per queue by disconnection cause, then the "All" row. */
  disconnections?: DisconnectionRow[];
  /** Costs per queue and the total row (absent without a roster cost or a trunk rate). */
  costs?: CallCostRow[];
  trunk_cost_per_min?: number | null;
}

/**
 * Queries everything the calls report needs from a loaded store and renders it.
 *
 * @param store a store loaded by `loadLogs`
 * @param options indicator options (time zone, interval, T, S, SL variant) and presentation
 * @returns a complete HTML document (UTF-8, no external resources); everything from the logs is
 *   HTML-escaped
 * @throws {RangeError} for invalid indicator options
 * Source: DESIGN.md (definitions printed in the footer).
 */
export async function buildCallsReport(store: Store, options: CallsReportOptions = {}): Promise<string> {
  const o = resolveKpiOptions(options);
  const [total] = await queueKpis(store, [], o);
  const ingestRows = await store.query<{ source: string; format: string; lines_read: number; used: number; ignored: number; rejected: number; ignored_by_rule: string }>(
    "SELECT * FROM ingest_runs ORDER BY source",
  );
  const ingest: IngestCounts[] = ingestRows.map((r) => {
    const { notes, ...rules } = JSON.parse(r.ignored_by_rule) as Record<string, number> & { notes: Record<string, number> };
    return { ...r, ignored_by_rule: rules, notes: notes ?? {} };
  });
  const limit = options.max_rejects_listed ?? 50;
  const rejects = await store.query<Reject>(`SELECT source, line, raw, reason FROM rejects ORDER BY source, line LIMIT ${Math.max(0, Math.floor(limit))}`);
  const [{ n: rejects_total }] = await store.query<{ n: number }>("SELECT count(*) AS n FROM rejects") as [{ n: number }];
  const [outbound] = await store.query<{ calls: number; connected: number; talk_s: number }>(
    `SELECT count(*) AS calls, count(*) FILTER (answered_at IS NOT NULL) AS connected, coalesce(sum(talk_s), 0) AS talk_s
     FROM call_stints WHERE direction = 'outbound'${scopeFilter(o)}`,
  );
  // The period the report covers: every call in the window, inbound and outbound.
  const [period] = await store.query<{ first: Date | null; last: Date | null }>(
    `SELECT min(entered_at) AS first, max(entered_at) AS last FROM call_stints WHERE TRUE${scopeFilter(o)}`,
  );
  // Call targets (queue and center scopes, queue KPIs): the indicators of this report, no agent states needed.
  const callTargets = (options.targets ?? []).filter((t) => (t.scope_type === "queue" || t.scope_type === "center") && QUEUE_KPIS.includes(t.kpi));
  const targets = callTargets.length ? await evaluateTargets(store, callTargets, { ...options, period: "all", states_built: true }) : [];
  const data: CallsReportData = {
    targets,
    waits: await waitDistribution(store, o),
    by_hour_weekday: await offeredByHourWeekday(store, o),
    by_queue_day: await queueKpis(store, ["queue", "day"], o),
    flow: await callFlow(store, o),
    disconnections: await disconnectionCauses(store, o),
    costs: await costsIfAny(store, o, options.trunk_cost_per_min ?? null),
    trunk_cost_per_min: options.trunk_cost_per_min ?? null,
    total: total!,
    by_queue: await queueKpis(store, ["queue"], o),
    by_interval: await queueKpis(store, ["interval"], o),
    by_day: await queueKpis(store, ["day"], o),
    agents: await agentKpis(store, o),
    ingest,
    rejects,
    rejects_total,
    outbound: outbound!,
    period: { first: period?.first?.toISOString() ?? null, last: period?.last?.toISOString() ?? null },
  };
  if (options.tables) options.tables.push(...callsTables(data));
  return renderCallsReport(withQueueNames(data, options.queue_names ?? {}), options);
}

/** The data with each queue id shown as `name (id)` where the queue map names it. */
function withQueueNames(data: CallsReportData, names: Readonly<Record<string, string>>): CallsReportData {
  if (Object.keys(names).length === 0) return data;
  const label = (q: string | null | undefined) => (q != null && Object.hasOwn(names, q) ? `${names[q]} (${q})` : q);
  const each = <T extends { queue?: string | null }>(rows: T[] | undefined) => rows?.map((r) => ({ ...r, queue: label(r.queue) }) as T);
  return {
    ...data, by_queue: each(data.by_queue)!, by_queue_day: each(data.by_queue_day), costs: each(data.costs), disconnections: each(data.disconnections),
    targets: data.targets.map((t) => (t.scope_type === "queue" ? { ...t, scope: label(t.scope)! } : t)),
  };
}

/** Call costs when the data can give them: a roster with hourly costs, or a trunk rate. */
async function costsIfAny(store: Store, o: KpiOptions, rate: number | null): Promise<CallCostRow[] | undefined> {
  const [{ n }] = await store.query<{ n: number }>("SELECT count(*) AS n FROM agents WHERE hourly_cost IS NOT NULL") as [{ n: number }];
  return Number(n) > 0 || rate !== null ? await callCosts(store, { ...o, trunk_cost_per_min: rate }) : undefined;
}

/** The report's tables for export, rows as the JSON keys of the indicator functions. */
export function callsTables(data: CallsReportData): ExportTable[] {
  const t = (name: string, rows: readonly object[]): ExportTable => ({ name, columns: columnsOf(rows as Record<string, unknown>[]), rows: rows as Record<string, unknown>[] });
  return [
    t("by_queue", [...data.by_queue, { ...data.total, queue: "All" }]), t("by_day", data.by_day), t("by_interval", data.by_interval),
    t("by_agent", data.agents), ...(data.targets.length ? [t("targets", data.targets)] : []),
    ...(data.waits ? [t("waits", data.waits)] : []), ...(data.by_hour_weekday ? [t("by_hour_weekday", data.by_hour_weekday)] : []),
    ...(data.by_queue_day ? [t("by_queue_day", data.by_queue_day)] : []),
    ...(data.flow ? [t("call_flow", [{ ...data.flow, final_outcome: data.flow.final_outcome }])] : []),
    ...(data.disconnections ? [t("disconnections", data.disconnections)] : []),
    ...(data.costs ? [t("costs", data.costs.map((r) => ({ queue: r.queue ?? "All", ...r })))] : []),
  ];
}

const QUEUE_COLUMNS: Column<QueueKpiRow>[] = [
  { header: "Queue", cell: (r) => r.queue ?? "All" },
  { header: "Offered", cell: (r) => formatCount(r.offered), numeric: true },
  { header: "Answered", cell: (r) => formatCount(r.answered), numeric: true },
  { header: "Abandoned", cell: (r) => formatCount(r.abandoned), numeric: true },
  { header: "Short ab.", cell: (r) => formatCount(r.short_abandoned), numeric: true },
  { header: "Timeouts/exits", cell: (r) => formatCount(r.timeouts), numeric: true },
  { header: "Open", cell: (r) => formatCount(r.open), numeric: true },
  { header: "Service level", cell: (r) => formatPercent(r.service_level), numeric: true },
  { header: "Abandon rate", cell: (r) => formatPercent(r.abandon_rate), numeric: true },
  { header: "ASA", cell: (r) => formatSeconds(r.asa_s), numeric: true },
  { header: "Avg wait (all)", cell: (r) => formatSeconds(r.avg_wait_s), numeric: true },
  { header: "Max wait", cell: (r) => formatSeconds(r.max_wait_s), numeric: true },
  { header: "AHT", cell: (r) => formatSeconds(r.aht_s), numeric: true },
];

const AGENT_COLUMNS: Column<AgentKpiRow>[] = [
  { header: "Agent", cell: (r) => r.agent },
  { header: "Presented", cell: (r) => formatCount(r.presented), numeric: true },
  { header: "Answered", cell: (r) => formatCount(r.answered), numeric: true },
  { header: "Ring no answer", cell: (r) => formatCount(r.ring_no_answer), numeric: true },
  { header: "Answer rate", cell: (r) => formatPercent(r.answer_rate), numeric: true },
  { header: "Talk time", cell: (r) => formatDuration(r.talk_s), numeric: true },
  { header: "AHT", cell: (r) => formatSeconds(r.aht_s), numeric: true },
  { header: "Transferred", cell: (r) => formatCount(r.transferred), numeric: true },
  { header: "Outbound", cell: (r) => formatCount(r.outbound_calls), numeric: true },
  { header: "Outbound connected", cell: (r) => formatCount(r.outbound_connected), numeric: true },
];

function tile(label: string, value: string, note = ""): string {
  return `<div class="tile"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="note">${escapeHtml(note)}</div></div>`;
}

/**
 * Renders the calls report from already computed data (pure: same data → same HTML).
 *
 * @param data indicators, agents, ingest accounting and rejects (see {@link CallsReportData})
 * @param options the options the data was computed with, plus title and SL target
 * @returns a complete, self-contained HTML document
 */
export function renderCallsReport(data: CallsReportData, options: CallsReportOptions = {}): string {
  const o = resolveKpiOptions(options);
  // The center's SL target at the report's threshold, when the targets file has one.
  const centerSl = (options.targets ?? []).find((t) => t.scope_type === "center" && t.kpi === "service_level" && (t.threshold_s ?? o.sl_threshold_s) === o.sl_threshold_s);
  const target = centerSl?.target ?? options.sl_target ?? 0.8;
  const title = options.title ?? "Calls report";
  const t = data.total;
  const sources = data.ingest.map((c) => c.source);
  const day = (iso: string) => isoInZone(Date.parse(iso), o.timeZone).slice(0, 10);
  const period = data.period.first && data.period.last ? `${day(data.period.first)} to ${day(data.period.last)} (${o.timeZone})` : "no calls";
  const ingestTable = htmlTable(data.ingest, [
    { header: "File", cell: (c) => c.source },
    { header: "Format", cell: (c) => c.format },
    { header: "Lines read", cell: (c) => formatCount(c.lines_read), numeric: true },
    { header: "Used", cell: (c) => formatCount(c.used), numeric: true },
    { header: "Ignored", cell: (c) => formatCount(c.ignored), numeric: true },
    { header: "Rejected", cell: (c) => formatCount(c.rejected), numeric: true },
    { header: "Ignored by rule", cell: (c) => Object.entries(c.ignored_by_rule).map(([k, v]) => `${k}: ${v}`).join("; ") },
    { header: "Notes", cell: (c) => Object.entries(c.notes).map(([k, v]) => `${k}: ${v}`).join("; ") },
  ]);
  const rejectTable = data.rejects_total === 0 ? "<p>No line was rejected.</p>" : htmlTable(data.rejects, [
    { header: "File", cell: (r) => r.source },
    { header: "Line", cell: (r) => String(r.line), numeric: true },
    { header: "Reason", cell: (r) => r.reason },
    { header: "Raw text", cell: (r) => r.raw.length > 160 ? r.raw.slice(0, 160) + "…" : r.raw },
  ], { caption: data.rejects.length < data.rejects_total ? `First ${data.rejects.length} of ${data.rejects_total} rejected lines` : undefined });
  const slName = SL_VARIANTS[o.sl_variant];
  const definitions = [
    ["Service level", `${o.sl_variant} ${slName} = ${SL_FORMULAS[o.sl_variant]}; T = ${o.sl_threshold_s} s, "within" means wait ≤ T; target ${formatPercent(target)}`],
    ["Short abandons", `abandoned with wait ≤ S = ${o.short_abandon_s} s`],
    ["Offered", "answered + abandoned + timeouts/exits (EXITWITHTIMEOUT, EXITEMPTY, EXITWITHKEY, WITHDRAW); stints still open at the end of the data are counted apart as Open"],
    ["Answered", "queue stints connected to an agent (CONNECT), including those later transferred"],
    ["Abandoned", "the caller hung up while queued (ABANDON; Technion HANG after queueing); IVR-only hang-ups are not offered"],
    ["Abandon rate", "abandoned / offered"],
    ["ASA", "Σ wait of answered / answered (wait = Asterisk holdtime, ring time included; Technion q_time)"],
    ["Average wait (all)", "Σ wait of every offered stint (answered, abandoned, timeouts and other exits) / offered"],
    ["AHT", "Σ (talk + hold + wrap) / handled calls; these logs record talk time only (queue_log calltime, Technion ser_time), so AHT here is talk time"],
    ["Disconnection cause", "who ended an answered stint: the agent (COMPLETEAGENT) or the caller (COMPLETECALLER); \"end not logged\" where the source does not say (table exports, databases loaded before this column); else how the caller left the queue"],
    ["Ring no answer", "RINGNOANSWER events per agent: presented but not answered; never counted as missed or abandoned calls"],
    ["Multi-stint calls", "each queue visit is a stint; KPIs count stints per queue (a call re-entering a queue is offered again)"],
    ["Interval attribution", `by ${o.attribution === "entered" ? "entry time into the queue" : "completion time"}; ${o.interval_minutes}-minute intervals in ${o.timeZone}, DST-safe (the repeated hour of a fall-back is two intervals)`],
    ["Time zone", `${o.timeZone}; instants are stored in UTC`],
    ["Window", o.from_ms === null && o.to_ms === null ? "all the data" : `stints entered ${o.from_ms === null ? "" : `from ${isoInZone(o.from_ms, o.timeZone)} `}${o.to_ms === null ? "" : `before ${isoInZone(o.to_ms, o.timeZone)}`}`.trim()],
    ["Input files", sources.join(", ") || "none"],
    ...(options.queue_names && Object.keys(options.queue_names).length ? [["Queue names", `from the queue map (${Object.keys(options.queue_names).length} queues), shown as name (id); exported tables keep the ids`]] : []),
    ["Rejected lines", `${formatCount(data.rejects_total)} (listed above under Input accounting, with file, line and reason)`],
    ["Empty rates", "a rate with an empty denominator is shown as —, never 0"],
  ];
  const defs = definitions.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${isolate(v)}</dd>`).join("");
  const tiles = [
    tile("Offered", formatCount(t.offered), `${formatCount(t.open)} still open`),
    tile("Answered", formatCount(t.answered), formatPercent(t.offered ? t.answered / t.offered : null) + " of offered"),
    tile("Abandoned", formatCount(t.abandoned), `abandon rate ${formatPercent(t.abandon_rate)}`),
    tile(`Service level ${o.sl_variant}`, formatPercent(t.service_level), `${o.sl_threshold_s} s threshold, target ${formatPercent(target)}`),
    tile("ASA", formatSeconds(t.asa_s), `max wait ${formatSeconds(t.max_wait_s)}`),
    tile("AHT", formatSeconds(t.aht_s), `${formatCount(t.handled)} handled`),
    tile("Outbound", formatCount(data.outbound.calls), `${formatCount(data.outbound.connected)} connected`),
  ].join("");
  const chartHtml = data.by_interval.length ? charts(data, o, target).join("\n") : "<p>No inbound calls to chart.</p>";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title.replace(/[\u202a-\u202e\u2066-\u2069]/g, ""))}</title><style>${REPORT_CSS}${TARGET_CSS}</style></head>
<body>
<header><h1>${isolate(title)}</h1><p class="sub">${escapeHtml(period)} · ${sources.map(isolate).join(", ")}${options.generated_at ? ` · generated ${escapeHtml(options.generated_at)}` : ""}</p></header>
<section class="tiles">${tiles}</section>
<section><h2>By interval</h2>${chartHtml}</section>
${distributionSections(data, o, target)}
${targetsSection(data.targets ?? [], "Queue and center call targets over the report's window")}
<section><h2>By queue</h2>${htmlTable([...data.by_queue, data.total], QUEUE_COLUMNS, { className: "data with-total" })}</section>
<section><h2>By agent</h2>${data.agents.length ? htmlTable(data.agents, AGENT_COLUMNS) : "<p>No agent activity in the data.</p>"}</section>
<section><h2>Input accounting</h2><p>Every line read is used, ignored by a named rule, or rejected: lines read = used + ignored + rejected.</p>${ingestTable}<h3>Rejected lines</h3>${rejectTable}</section>
<footer><h2>Definitions and parameters</h2><dl>${defs}</dl><p class="sub">queuebook · calls report</p></footer>
</body></html>
`;
}
