/**
 * The operator performance report: one self-contained HTML file per period with, per operator
 * and per team and department, time (logged in, handling, paused by reason, idle), outcomes
 * (answered, ring-no-answer, calls per hour), occupancy, adherence and conformance, cost — an
 * agent-state timeline for one day, pauses by reason, and every definition and option used.
 *
 * @module
 */
import { DateTime } from "luxon";
import type { Store } from "../store/mod.ts";
import { isoInZone } from "../time/mod.ts";
import { caseWorkAccounting, caseWorkSentence, type OperatorKpiOptions, type OperatorKpiRow, operatorKpis, operatorKpisBy, periodOf } from "../operators/mod.ts";
import { escapeHtml, formatCount, isolate } from "./html.ts";
import { Plot, plotSvg } from "./plot_svg.ts";
import { REPORT_CSS } from "./_report_css.ts";
import type { Target } from "../ingest/mod.ts";
import { evaluateTargets, OPERATOR_KPIS, QUEUE_KPIS } from "../targets/mod.ts";
import { TARGET_CSS, targetsSection } from "./targets_section.ts";
import { openCasesByAgent } from "../services/mod.ts";
import { columnsOf, type ExportTable } from "./export.ts";

/** Options of the operator report: indicator options plus presentation. */
export interface OperatorsReportOptions extends OperatorKpiOptions {
  /** Title shown in the header (default "Operator performance"). */
  title?: string;
  /** Local day (`YYYY-MM-DD`) of the state timeline; default the day with the most answered calls. */
  timeline_day?: string;
  /** Shown in the header when given. */
  generated_at?: string;
  /** Targets (from `readTargets`): the operator, team, department and center time targets are evaluated over the window and listed with their status. */
  targets?: readonly Target[];
  /** When given, the report's tables are pushed into it (for CSV/XLSX export). */
  tables?: ExportTable[];
}

const NA = "n/a";
const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? NA : `${(x * 100).toFixed(1)} %`);
const HOURS = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const hours = (s: number | null) => (s === null ? NA : HOURS.format(s / 3600));
const MONEY = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const money = (x: number | null) => (x === null ? NA : MONEY.format(x));
const STATE_COLORS: Record<string, string> = {
  available: "#59a14f", ringing: "#edc948", on_call: "#4e79a7", wrap_up: "#76b7b2", paused: "#e15759", logged_out: "#d9e2ec",
};

interface Col {
  header: string;
  cell: (r: OperatorKpiRow) => string;
  /** The value sorted on (numbers sort numerically). */
  sort: (r: OperatorKpiRow) => number | string;
  numeric?: boolean;
  title?: string;
}

const MEASURES: Col[] = [
  { header: "Agents", cell: (r) => formatCount(r.agents), sort: (r) => r.agents, numeric: true },
  { header: "Logged in h", cell: (r) => hours(r.logged_in_s), sort: (r) => r.logged_in_s, numeric: true },
  { header: "Talk h", cell: (r) => hours(r.talk_s), sort: (r) => r.talk_s, numeric: true },
  { header: "Wrap-up h", cell: (r) => hours(r.wrap_s), sort: (r) => r.wrap_s, numeric: true },
  { header: "Paused h", cell: (r) => hours(r.paused_s), sort: (r) => r.paused_s, numeric: true },
  { header: "Idle h", cell: (r) => hours(r.available_idle_s), sort: (r) => r.available_idle_s, numeric: true, title: "available and idle" },
  { header: "Answered", cell: (r) => formatCount(r.calls_answered), sort: (r) => r.calls_answered, numeric: true },
  { header: "RNA", cell: (r) => formatCount(r.ring_no_answer), sort: (r) => r.ring_no_answer, numeric: true, title: "ring no answer" },
  { header: "Calls / h", cell: (r) => (r.calls_per_hour === null ? NA : r.calls_per_hour.toFixed(1)), sort: (r) => r.calls_per_hour ?? -1, numeric: true },
  { header: "Occupancy", cell: (r) => pct(r.occupancy), sort: (r) => r.occupancy ?? -1, numeric: true },
  { header: "Utilization", cell: (r) => pct(r.utilization), sort: (r) => r.utilization ?? -1, numeric: true },
  { header: "Adherence", cell: (r) => pct(r.adherence), sort: (r) => r.adherence ?? -1, numeric: true },
  { header: "Conformance", cell: (r) => pct(r.conformance), sort: (r) => r.conformance ?? -1, numeric: true },
  { header: "Cost", cell: (r) => money(r.cost), sort: (r) => r.cost ?? -1, numeric: true },
  { header: "Cost / call", cell: (r) => money(r.cost_per_answered_call), sort: (r) => r.cost_per_answered_call ?? -1, numeric: true },
];

/** A sortable table (click a header; the inline script needs no network). The last row may be a total, kept last. */
function sortableTable(rows: readonly OperatorKpiRow[], keys: Col[], total: OperatorKpiRow | null, perOperator = false, extra: Col[] = []): string {
  const cols = [...keys, ...MEASURES.filter((c) => !(perOperator && c.header === "Agents")), ...extra];
  const head = cols.map((c, i) => `<th data-col="${i}"${c.numeric ? ' class="num"' : ""}${c.title ? ` title="${escapeHtml(c.title)}"` : ""}>${escapeHtml(c.header)}</th>`).join("");
  const tr = (r: OperatorKpiRow, cls = "") =>
    `<tr${cls}${r.agent ? ` title="${escapeHtml(r.agent)}"` : ""}>${cols.map((c) => `<td data-v="${escapeHtml(c.sort(r))}"${c.numeric ? ' class="num"' : ""}>${c.numeric ? escapeHtml(c.cell(r)) : isolate(c.cell(r))}</td>`).join("")}</tr>`;
  const body = rows.map((r) => tr(r)).join("\n") + (total ? "\n" + tr(total, ' class="total"') : "");
  return `<div class="table-wrap"><table class="data sortable${total ? " with-total" : ""}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const SORT_SCRIPT = `
document.querySelectorAll("table.sortable").forEach((t) => t.querySelectorAll("th").forEach((th) => th.addEventListener("click", () => {
  const i = Number(th.dataset.col), body = t.tBodies[0], total = body.querySelector("tr.total");
  const rows = [...body.rows].filter((r) => r !== total), dir = th.dataset.dir === "desc" ? 1 : -1;
  t.querySelectorAll("th").forEach((x) => delete x.dataset.dir); th.dataset.dir = dir === 1 ? "asc" : "desc";
  const v = (r) => { const s = r.cells[i].dataset.v; const n = Number(s); return s !== "" && !Number.isNaN(n) ? n : s; };
  rows.sort((a, b) => { const x = v(a), y = v(b); return (x < y ? -1 : x > y ? 1 : 0) * dir; });
  rows.forEach((r) => body.insertBefore(r, total));
})));`;

/**
 * Builds the operator report from the store (logs, and optionally `agents` and `schedules`,
 * already loaded). Operators are sorted by calls answered (volume), teams and departments
 * carry a total row.
 *
 * @returns a complete, self-contained HTML document
 * Source: OPERATIONS.md §2 (definitions), §5 (reports managers expect).
 */
export async function buildOperatorsReport(store: Store, options: OperatorsReportOptions = {}): Promise<string> {
  const zone = options.timeZone ?? "UTC";
  // One computation of the per-agent sums for the four tables, one for the days.
  const by = await operatorKpisBy(store, { ...options, period: "period" }, ["agent", "team", "department", "center"]);
  const agents = by.agent.sort((a, b) => b.calls_answered - a.calls_answered || String(a.agent).localeCompare(String(b.agent)));
  const [teams, depts, [center]] = [by.team, by.department, by.center];
  const days = await operatorKpis(store, { ...options, states_built: true, by: "department", period: "day" });
  const total: OperatorKpiRow = { ...(center ?? emptyTotal()), department: "Total", team: "Total", agent: "", name: "Total" };
  const day = options.timeline_day ?? busiestDay(days);
  const timeline = day ? await stateTimelineSvg(store, day, zone, agents) : "<p>No agent activity to chart.</p>";
  const reasons = new Map<string, number>();
  for (const a of agents) for (const [r, s] of Object.entries(a.paused_by_reason)) reasons.set(r || "(no reason)", (reasons.get(r || "(no reason)") ?? 0) + s);
  const pauseChart = reasons.size ? figure(plotSvg({
    width: 1100, height: 60 + 28 * reasons.size, marginLeft: 160,
    x: { label: "paused hours", grid: true }, y: { label: null },
    marks: [Plot.barX([...reasons].map(([reason, s]) => ({ reason, h: s / 3600 })), { x: "h", y: "reason", fill: "#e15759", sort: { y: "-x" } }), Plot.ruleX([0])],
  }), "Paused time by reason (idle pauses: a pause during a call counts as handling)") : "<p>No pauses in the data.</p>";
  // Operator targets: agent, team, department scopes, and center KPIs of agent time (a center call KPI is the calls report's).
  const opTargets = (options.targets ?? []).filter((t) => OPERATOR_KPIS.includes(t.kpi) && (t.scope_type !== "center" || !QUEUE_KPIS.includes(t.kpi)) && t.scope_type !== "queue");
  const targetRows = opTargets.length
    ? await evaluateTargets(store, opTargets, { timeZone: zone, from_ms: options.from_ms, to_ms: options.to_ms, period: "all", operator: options, states_built: true })
    : [];
  if (options.tables) {
    const t = (name: string, rows: readonly object[]): ExportTable => ({ name, columns: columnsOf(rows as Record<string, unknown>[]), rows: rows as Record<string, unknown>[] });
    options.tables.push(t("by_department", [...depts, total]), t("by_team", [...teams, total]), t("by_operator", [...agents, total]), ...(targetRows.length ? [t("targets", targetRows)] : []));
  }
  // Unresolved work: open cases per operator at the window's end (when services are loaded), summed per team and department.
  const open = await openCasesByAgent(store, options.to_ms ?? null);
  const hasServices = (await store.query<{ n: number }>("SELECT count(*) AS n FROM services"))[0]!.n > 0;
  const caseWork = hasServices ? caseWorkSentence(await caseWorkAccounting(store, { from_ms: options.from_ms, to_ms: options.to_ms, timeZone: zone })) : "";
  const teamOf = new Map(agents.map((a) => [a.agent!, a]));
  const openOf = (r: OperatorKpiRow): number => {
    if (r.agent) return open.get(r.agent) ?? 0;
    let n = 0;
    for (const [agent, k] of open) {
      const a = teamOf.get(agent);
      // The total rows (agent "", name "Total") sum everyone; a team row its team; a department row its department.
      if (r.name === "Total" || (r.team != null ? a?.team === r.team : r.department != null && a?.department === r.department)) n += k;
    }
    return n;
  };
  const openCol: Col[] = hasServices
    ? [
      { header: "Open cases", cell: (r) => formatCount(openOf(r)), sort: (r) => openOf(r), numeric: true, title: "unresolved cases assigned at the window's end" },
      { header: "Cases", cell: (r) => formatCount(r.cases_handled), sort: (r) => r.cases_handled, numeric: true, title: "cases handled (with a handling time) in the window; their handling time is the operator's other work" },
      { header: "Cost / case", cell: (r) => money(r.cost_per_handled_case), sort: (r) => r.cost_per_handled_case ?? -1, numeric: true, title: "hourly cost × case handling time / cases handled" },
    ]
    : [];
  const title = options.title ?? "Operator performance";
  const sources = (await store.query<{ source: string }>("SELECT source FROM ingest_runs ORDER BY source")).map((r) => r.source);
  const period = days.length ? `${days[0]!.day} to ${days[days.length - 1]!.day} (${zone})` : "no agent activity";
  const tiles = [
    tile("Operators", formatCount(agents.length), `${formatCount(teams.length)} teams`),
    tile("Logged in", `${hours(total.logged_in_s)} h`, `${hours(total.paused_s)} h paused`),
    tile("Answered", formatCount(total.calls_answered), `${formatCount(total.ring_no_answer)} ring-no-answer`),
    tile("Occupancy", pct(total.occupancy), `utilization ${pct(total.utilization)}`),
    tile("Adherence", pct(total.adherence), `conformance ${pct(total.conformance)}`),
    tile("Cost", money(total.cost), `paid time; per answered call ${money(total.cost_per_answered_call)}`),
    ...(hasServices ? [tile("Case work", `${hours(total.case_work_s)} h`, `${formatCount(total.cases_handled)} cases, ${money(total.case_cost)} (${money(total.cost_per_handled_case)} per case)`)] : []),
  ].join("");
  // Names are cut at 60 characters (a 200,000-character name pushed the numbers off the page).
  const clip = (t: string) => (t.length > 60 ? `${t.slice(0, 59)}…` : t);
  const key = (header: string, f: (r: OperatorKpiRow) => string | null | undefined): Col => ({ header, cell: (r) => clip(f(r) ?? NA), sort: (r) => f(r) ?? "" });
  const wrap = options.wrapup_by_queue && Object.keys(options.wrapup_by_queue).length
    ? `${Object.entries(options.wrapup_by_queue).map(([q, s]) => `${q}: ${s} s`).join(", ")}; other queues ${options.wrapup_s ?? 0} s`
    : (options.wrapup_s ?? 0) > 0 ? `${options.wrapup_s} s after every call` : "none assumed (queue_log has no wrap-up event)";
  const definitions: [string, string][] = [
    ["State axes", "session (logged in / out), availability (available / paused with reason), work (idle, ringing, talking, on hold, wrap-up, other call) — OPERATIONS.md §1"],
    ["Wrap-up", `${wrap}; clipped at the next call, pause or logoff`],
    ["Occupancy", `handling / (logged in − paused); handling = talk + hold + wrap-up${options.occupancy_includes_ring ? " + ring" : ""} (+ outbound calls)`],
    ["Utilization", "handling / logged in"],
    ["Paused", "paused while not handling (a pause taken during a call counts as handling until the call and its wrap-up end)"],
    ["Idle", "logged in, available and not handling"],
    ["Adherence", `1 − out-of-adherence time / scheduled time; exception rule ${options.adherence_rule ?? "raw"}, T = ${options.adherence_threshold_s ?? 60} s; n/a without schedules, and for on-call standby windows (not paid working time, not evaluated)`],
    ["Conformance", "on-queue time / scheduled on-queue time (can exceed 100 %)"],
    ["Shrinkage", "(scheduled breaks, lunch, training, meetings + scheduled on-queue time off the queue + absence) / scheduled time"],
    ["Cost", `hourly cost (roster) × paid time (${options.paid_time === "logged_in" ? "logged-in time" : "scheduled time, else logged-in time"}), in the roster's currency; n/a when an operator has no hourly cost`],
    ...(hasServices ? [["Case work", `other work beside calls: the handling time of the cases (services) an operator handled, credited where the work ended (solved, else closed; an unsolved case at its last update, else its opening); not placed in the state timeline nor in occupancy; its cost = hourly cost × case handling time, per handled case; ${caseWork}`] as [string, string]] : []),
    ["Interval attribution", options.time_attribution === "call_end"
      ? "a call's time is credited whole to the period where it ends (elsewhere it shows as idle); calls count when answered"
      : "agent time is split across periods by activity; calls count when answered"],
    ["Window", options.from_ms != null || options.to_ms != null
      ? `${options.from_ms != null ? isoInZone(options.from_ms, zone) : "start of the data"} to ${options.to_ms != null ? isoInZone(options.to_ms, zone) : "end of the data"} (end excluded)`
      : "all the data"],
    ["Time zone", zone],
    ["Input files", sources.join(", ") || "none"],
  ];
  const defs = definitions.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${isolate(v)}</dd>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title.replace(/[\u202a-\u202e\u2066-\u2069]/g, ""))}</title><style>${REPORT_CSS}${TARGET_CSS}
body { max-width: 1280px; padding: 16px; } table.sortable { font-size: 11.5px; } table.sortable th { cursor: pointer; white-space: normal; vertical-align: bottom; overflow-wrap: normal; }
table.sortable td { overflow-wrap: normal; } table.sortable th, table.sortable td { padding: 4px 5px; } table.sortable td:not(.num) { white-space: nowrap; } table.sortable th[data-dir="asc"]::after { content: " ▲"; } table.sortable th[data-dir="desc"]::after { content: " ▼"; }</style></head>
<body>
<header><h1>${isolate(title)}</h1><p class="sub">${escapeHtml(period)} · ${sources.map(isolate).join(", ")}${options.generated_at ? ` · generated ${escapeHtml(options.generated_at)}` : ""}</p></header>
<section class="tiles">${tiles}</section>
${targetsSection(targetRows, "Operator, team and department targets over the report's window")}
<section><h2>Agent states on ${escapeHtml(day ?? NA)}${options.timeline_day ? "" : ` <span class="sub">(the day with the most answered calls; choose another with --day)</span>`}</h2>${timeline}</section>
<section><h2>By department</h2>${sortableTable(depts, [key("Department", (r) => r.department)], total, false, openCol)}</section>
<section><h2>By team</h2>${sortableTable(teams, [key("Team", (r) => r.team), key("Department", (r) => r.department)], { ...total, department: "" }, false, openCol)}</section>
<section><h2>By operator</h2><p class="sub">Sorted by calls answered; click a header to sort; hover a row for the agent's id.</p>${sortableTable(agents, [key("Operator", (r) => r.name ?? r.agent), key("Team", (r) => r.team)], total, true, openCol)}</section>
<section><h2>Pauses by reason</h2>${pauseChart}</section>
<footer><h2>Definitions and parameters</h2><dl>${defs}</dl><p class="sub">queuebook · operator performance report</p></footer>
<script>${SORT_SCRIPT}</script>
</body></html>
`;
}

function emptyTotal(): OperatorKpiRow {
  return {
    agents: 0, logged_in_s: 0, available_idle_s: 0, ring_s: 0, talk_s: 0, hold_s: 0, wrap_s: 0, other_call_s: 0, paused_s: 0, paused_by_reason: {},
    calls_presented: 0, calls_answered: 0, ring_no_answer: 0, ring_canceled: 0, occupancy: null, utilization: null, longest_idle_s: null, idle_before_call_s: null, idle_before_call_incl_s: null, calls_per_hour: null,
    scheduled_s: 0, adherence: null, conformance: null, shrinkage: null, shrinkage_planned: null, shrinkage_unplanned: null, paid_s: 0, cost: null,
    cost_per_answered_call: null, outbound_calls: 0, outbound_connected: 0, cases_handled: 0, case_work_s: 0, case_cost: null, cost_per_handled_case: null,
  };
}

function tile(label: string, value: string, note: string): string {
  return `<div class="tile"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="note">${escapeHtml(note)}</div></div>`;
}

function figure(svg: string, caption: string): string {
  return `<figure class="chart">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

function busiestDay(days: readonly OperatorKpiRow[]): string | null {
  const by = new Map<string, number>();
  for (const d of days) by.set(d.day!, (by.get(d.day!) ?? 0) + d.calls_answered);
  let best: string | null = null;
  for (const [d, n] of by) if (best === null || n > by.get(best)!) best = d;
  return best;
}

/**
 * The agent-state timeline of one local day: one row per agent (named by `agents`' roster
 * names), one bar per state segment, coloured by state (logged out left blank).
 *
 * @param day local date `YYYY-MM-DD` in `zone`
 * @param agents rows of `operatorKpis(…, { by: "agent" })`, for the names (may be empty)
 * @returns a `<figure>` with the SVG, or a sentence when nothing is logged in that day
 */
export async function stateTimelineSvg(store: Store, day: string, zone: string, agents: readonly OperatorKpiRow[] = []): Promise<string> {
  const start = DateTime.fromISO(day, { zone }).startOf("day");
  if (!start.isValid) return `<p>${escapeHtml(`Cannot chart '${day}': not a date`)}</p>`;
  const [a, b] = [start.toMillis(), periodOf("day", start.toMillis(), zone).end_ms];
  const segs = await store.query<{ agent: string; f: number; t: number; state: string }>(`
    SELECT agent, greatest(epoch_ms(started_at), ${a}) AS f, least(epoch_ms(ended_at), ${b}) AS t, state FROM agent_states
    WHERE ended_at > make_timestamptz(${a * 1000}) AND started_at < make_timestamptz(${b * 1000}) AND state <> 'logged_out'`);
  if (segs.length === 0) return "<p>No agent was logged in on that day.</p>";
  const names = new Map(agents.map((r) => [r.agent!, r.name ?? r.agent!]));
  const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset * 60_000; // wall clock on the axis
  const data = segs.map((s) => ({ who: names.get(s.agent) ?? s.agent, x1: new Date(Number(s.f) + offset(Number(s.f))), x2: new Date(Number(s.t) + offset(Number(s.t))), state: s.state }));
  // Rows by team, then by the first state of the day (shifts read top to bottom), then by name.
  const team = new Map(agents.map((r) => [r.name ?? r.agent!, r.team ?? ""]));
  const first = new Map<string, number>();
  for (const d of data) first.set(d.who, Math.min(first.get(d.who) ?? Infinity, d.x1.getTime()));
  const order = [...first.keys()].sort((x, y) => (team.get(x) ?? "").localeCompare(team.get(y) ?? "") || first.get(x)! - first.get(y)! || x.localeCompare(y));
  const states = Object.keys(STATE_COLORS).filter((s) => s !== "logged_out");
  return figure(plotSvg({
    width: 1100, height: 50 + 16 * order.length, marginLeft: 170,
    x: { type: "utc", label: `local time (${zone})`, grid: true, tickFormat: "%H:%M" },
    y: { label: null, tickSize: 0, domain: order },
    color: { domain: states, range: states.map((s) => STATE_COLORS[s]!), legend: true },
    marks: [Plot.barX(data, { x1: "x1", x2: "x2", y: "who", fill: "state" })],
  }), `One row per operator, by team and start of shift; white: logged out. ${formatCount(segs.length)} state segments.`);
}
