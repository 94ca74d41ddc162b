/**
 * The services report: assistance cases (tickets) delivered — number, time, period, outcomes,
 * costs — with the backlog over time, its aging, and tables by group, channel and agent; every
 * definition and option in the footer (OPERATIONS.md §4–§5).
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { offsetMinutes } from "../time/mod.ts";
import { AGING_BUCKETS, backlogAging, type BacklogPoint, backlogSeries, type ServiceKpiRow, serviceKpis } from "../services/mod.ts";
import { escapeHtml, formatCount, formatPercent, htmlTable, isolate, type Column } from "./html.ts";
import { Plot, plotSvg } from "./plot_svg.ts";
import { REPORT_CSS } from "./_report_css.ts";
import { columnsOf, type ExportTable } from "./export.ts";
import type { Target } from "../ingest/mod.ts";
import { evaluateTargets, SERVICE_KPIS } from "../targets/mod.ts";
import { TARGET_CSS, targetsSection } from "./targets_section.ts";

/** Options of {@link buildServicesReport}. */
export interface ServicesReportOptions {
  title?: string;
  /** Zone of days, months and printed times (default UTC). */
  timeZone?: string;
  /** First-reply target, minutes (default 480). */
  first_reply_target_min?: number;
  /** Backlog snapshot (epoch ms; default the latest instant in the data). */
  at_ms?: number | null;
  generated_at?: string;
  /** When given, the report's tables are pushed into it (for CSV/XLSX export). */
  tables?: ExportTable[];
  /** Targets (from `readTargets`): the case ones (`SERVICE_KPIS`) are evaluated over the data and listed with their status. */
  targets?: readonly Target[];
}

const NA = "n/a";
const clip = (t: string) => (t.length > 60 ? `${t.slice(0, 59)}…` : t);
const num = (x: number | null, digits = 1) => (x === null || !Number.isFinite(x) ? NA : x.toLocaleString("en-US", { maximumFractionDigits: digits }));
const pct = (x: number | null) => (x === null ? NA : formatPercent(x));
const money = (x: number | null) => (x === null ? NA : x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

function columns(key: "group" | "channel" | "agent" | "month", label: string): Column<ServiceKpiRow>[] {
  return [
    // Names are cut at 60 characters (a 210-character name pushed the numbers off the page).
    { header: label, cell: (r) => clip((r[key] ?? "(none)") as string) },
    { header: "Cases", cell: (r) => formatCount(r.cases), numeric: true },
    { header: "Solved", cell: (r) => formatCount(r.solved), numeric: true },
    { header: "Open at snapshot", cell: (r) => formatCount(r.open_at_snapshot), numeric: true },
    { header: "Reopen rate", cell: (r) => pct(r.reopen_rate), numeric: true },
    { header: "First reply median (min)", cell: (r) => num(r.first_reply_median_min ?? r.first_reply_median_bh_min, 0), numeric: true, title: "calendar minutes, else business minutes" },
    { header: "First reply within target", cell: (r) => pct(r.first_reply_within_target), numeric: true },
    { header: "Resolution median (h)", cell: (r) => num(r.resolution_median_h), numeric: true },
    { header: "Resolution median, business h", cell: (r) => num(r.resolution_median_bh_h), numeric: true },
    { header: "CSAT", cell: (r) => pct(r.csat), numeric: true },
    { header: "Cost", cell: (r) => money(r.cost), numeric: true },
    { header: "Cost / solved", cell: (r) => money(r.cost_per_solved_case), numeric: true },
  ];
}

function tile(label: string, value: string, note: string): string {
  return `<div class="tile"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="note">${escapeHtml(note)}</div></div>`;
}

/** The backlog, created/solved and aging charts (SVG), the axes in the report's zone. */
function servicesCharts(series: readonly BacklogPoint[], aging: readonly { label: string; open: number }[], zone: string) {
  const common = { width: 1100, height: 260, marginLeft: 60, style: { fontSize: "11px" } };
  // The axis shows the zone's wall clock: each point is drawn at the local end of its day.
  const wall = (ms: number) => new Date(ms + offsetMinutes(zone, ms - 1) * 60_000);
  const points = series.map((p) => ({ ...p, t: wall(p.at_ms) }));
  const backlogChart = points.length ? plotSvg({
    ...common, x: { type: "utc", label: null }, y: { label: "Open cases at the end of the day", grid: true },
    marks: [Plot.ruleY([0]), Plot.lineY(points, { x: "t", y: "open", stroke: "#4e79a7" })],
  }) : "<p>No cases.</p>";
  const flow = series.flatMap((p) => [{ t: wall(p.at_ms), what: "Created", n: p.created }, { t: wall(p.at_ms), what: "Solved", n: p.solved }]);
  const flowChart = points.length ? plotSvg({
    ...common, x: { type: "utc", label: null }, y: { label: "Cases per day", grid: true },
    color: { legend: true, domain: ["Created", "Solved"], range: ["#f28e2b", "#59a14f"] },
    marks: [Plot.ruleY([0]), Plot.lineY(flow, { x: "t", y: "n", stroke: "what", z: "what" })],
  }) : "";
  const agingChart = plotSvg({
    width: 760, height: 220, marginLeft: 90, marginRight: 60, x: { label: "open cases", grid: true }, y: { label: null, domain: AGING_BUCKETS.map((b) => b.label) },
    marks: [Plot.barX(aging, { x: "open", y: "label", fill: "#e15759" }), Plot.ruleX([0]), Plot.text(aging, { x: "open", y: "label", text: (d: { open: number }) => formatCount(d.open), dx: 14 })],
  });
  return { backlogChart, flowChart, agingChart };
}

/**
 * Builds the services report from a store holding `services` (and `agents` for names).
 *
 * @returns a complete HTML document (UTF-8, no external resources); everything from the data is escaped
 * @throws {RangeError} for a bad zone or target
 */
export async function buildServicesReport(store: Store, options: ServicesReportOptions = {}): Promise<string> {
  const zone = options.timeZone ?? "UTC";
  const k = { timeZone: zone, first_reply_target_min: options.first_reply_target_min, at_ms: options.at_ms ?? null };
  const [total] = await serviceKpis(store, k);
  const by = {
    group: await serviceKpis(store, { ...k, by: "group" }), channel: await serviceKpis(store, { ...k, by: "channel" }),
    agent: await serviceKpis(store, { ...k, by: "agent" }), month: await serviceKpis(store, { ...k, by: "month" }),
  };
  const caseTargets = (options.targets ?? []).filter((x) => SERVICE_KPIS.includes(x.kpi));
  const targets = caseTargets.length ? await evaluateTargets(store, caseTargets, { timeZone: zone, period: "all", states_built: true }) : [];
  const series = await backlogSeries(store, zone);
  const aging = await backlogAging(store, options.at_ms ?? null);
  const t = total!;
  if (options.tables) {
    const tab = (name: string, rows: readonly object[]): ExportTable => ({ name, columns: columnsOf(rows as Record<string, unknown>[]), rows: rows as Record<string, unknown>[] });
    options.tables.push(
      tab("total", [t]), tab("by_month", by.month), tab("by_group", by.group), tab("by_channel", by.channel), tab("by_agent", by.agent),
      tab("backlog_by_day", series.map(({ at_ms: _a, ...p }) => p)), tab("backlog_aging", aging),
      ...(targets.length ? [tab("targets", targets)] : []),
    );
  }
  const title = options.title ?? "Services report";
  const sources = (await store.query<{ source: string; lines_read: number; used: number; ignored: number; rejected: number }>(
    "SELECT source, lines_read, used, ignored, rejected FROM ingest_runs WHERE format = 'services' ORDER BY source",
  ));
  const { backlogChart, flowChart, agingChart } = servicesCharts(series, aging, zone);
  const period = series.length ? `${series[0]!.day} to ${series[series.length - 1]!.day} (${zone})` : "no cases";
  const tiles = [
    tile("Cases", formatCount(t.cases), `${formatCount(t.solved)} solved`),
    tile("Backlog", formatCount(t.open_at_snapshot), Object.entries(t.open_by_status).map(([s, n]) => `${s} ${n}`).join(", ") || "none open"),
    tile("Reopen rate", pct(t.reopen_rate), "reopened / solved or closed"),
    tile("First reply", t.first_reply_median_min !== null ? `${num(t.first_reply_median_min, 0)} min` : t.first_reply_median_bh_min !== null ? `${num(t.first_reply_median_bh_min, 0)} bh min` : NA,
      `median; ${pct(t.first_reply_within_target)} within ${t.first_reply_target_min} min`),
    tile("Resolution", t.resolution_median_h === null ? NA : `${num(t.resolution_median_h)} h`, `median; business hours ${num(t.resolution_median_bh_h)}`),
    tile("CSAT", pct(t.csat), t.csat_mean_score === null ? "satisfied / answered" : `mean score ${num(t.csat_mean_score, 2)} of 5`),
    tile("Cost", money(t.cost), `per solved case ${money(t.cost_per_solved_case)}`),
  ].join("");
  const definitions: [string, string][] = [
    ["Cases", "one row of the export per case; volume by month of creation"],
    ["Backlog", `open cases at the snapshot ${t.snapshot_at ?? NA}: at the export's latest instant those whose status is open (new, open, pending, hold; ServiceNow active or awaiting …); at an earlier snapshot (the chart) those created before it and not solved by it (the latest solve: a case reopened and solved again counts as open until then)`],
    ["Backlog aging", `snapshot − created, in days: ${AGING_BUCKETS.map((b) => b.label).join(", ")}`],
    ["Reopen rate", "cases reopened at least once / cases solved or closed"],
    ["First reply", `first public reply − created; medians of the cases with a reply; within target: ≤ ${t.first_reply_target_min} min in ${t.first_reply_basis?.replace("_", " ") ?? NA} (business minutes as the export computed them, when it gives no calendar minutes)`],
    ["Resolution", "full resolution time of solved cases (last solve − created): calendar hours, and business hours as the export computed them"],
    ["CSAT", "satisfied / answered surveys: good, or 4–5 on a 1–5 scale; surveys offered without an answer are excluded"],
    ["SLA breach rate", t.sla_breach_rate === null ? "n/a: the export has no SLA field" : `${pct(t.sla_breach_rate)} of measured cases`],
    ["Reassignment", t.reassigned_cases === null ? "n/a: the export cannot tell" : "cases whose assignment changed after the first (Assigned at ≠ Initially assigned at)"],
    ["Cost", "the export's cost per case (the demo: agent cost of the handling time); cost per solved case = Σ cost / solved"],
    ["Time zone", zone],
    ["Input files", sources.map((s) => `${s.source}: ${s.lines_read} lines = ${s.used} used + ${s.ignored} ignored + ${s.rejected} rejected`).join("; ") || "none"],
  ];
  const defs = definitions.map(([a, b]) => `<dt>${escapeHtml(a)}</dt><dd>${isolate(b)}</dd>`).join("");
  const table = (key: "group" | "channel" | "agent" | "month", label: string) =>
    htmlTable([...by[key], { ...t, [key]: "Total" }], columns(key, label), { className: "data with-total" });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title.replace(/[\u202a-\u202e\u2066-\u2069]/g, ""))}</title><style>${REPORT_CSS}${TARGET_CSS}
body { max-width: 1280px; } table.data th, table.data th.num { white-space: normal; vertical-align: bottom; overflow-wrap: normal; }
table.data td:first-child { max-width: 240px; overflow-wrap: anywhere; }</style></head>
<body>
<header><h1>${isolate(title)}</h1><p class="sub">${escapeHtml(period)} · ${sources.map((s) => isolate(s.source)).join(", ")}${options.generated_at ? ` · generated ${escapeHtml(options.generated_at)}` : ""}</p></header>
<section class="tiles">${tiles}</section>
${targetsSection(targets, "Case targets over the data's window (cases created in it; backlog at its end)")}
<section><h2>Backlog over time</h2><figure class="chart">${backlogChart}<figcaption>${escapeHtml(`Open cases at the end of each day (${zone}); a time series of snapshots, never a sum`)}</figcaption></figure>
<figure class="chart">${flowChart}<figcaption>Cases created and solved per day</figcaption></figure></section>
<section><h2>Backlog aging at ${escapeHtml(t.snapshot_at ?? NA)}</h2><figure class="chart">${agingChart}<figcaption>Open cases by age since creation</figcaption></figure></section>
<section><h2>By month of creation</h2>${table("month", "Month")}</section>
<section><h2>By group</h2>${table("group", "Group")}</section>
<section><h2>By channel</h2>${table("channel", "Channel")}</section>
<section><h2>By agent</h2>${by.agent.some((r) => r.agent !== null) ? table("agent", "Agent") : "<p>The export names no agent.</p>"}</section>
<footer><h2>Definitions and parameters</h2><dl>${defs}</dl><p class="sub">queuebook · services report</p></footer>
</body></html>
`;
}
