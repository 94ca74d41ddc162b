/**
 * The improvements report for a quality manager (issue 13): the weak spots with their charts,
 * the proposals ranked with their effect three ways (Erlang A, regression, simulation), cost,
 * cost per avoided abandon and ROI, a detail per proposal (the staffing it changes per slot, the
 * simulated queues, base against proposal) and the definitions and assumptions in the footer.
 *
 * @module
 */
import type { EvaluatedProposal, ImprovementCosts, ImprovementResult, MethodEstimate } from "../improvements/mod.ts";
import { escapeHtml, formatPercent, htmlTable, isolate } from "./html.ts";
import { Plot, plotSvg } from "./plot_svg.ts";
import { REPORT_CSS } from "./_report_css.ts";

/** What `qb improve` adds to the result: the options it ran with. */
export interface ImprovementsReportInput extends ImprovementResult {

  options: { time_zone: string; interval_minutes: number; sl_threshold_s: number; replications: number | null; scenario: string | null; scenario_notes?: string[]; costs: ImprovementCosts };
}

/** Options of {@link buildImprovementsReport}. */
export interface ImprovementsReportOptions {
  title?: string;
  generated_at?: string;
}

const NA = "n/a";
const num = (x: number | null | undefined, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? NA : x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d > 1 ? d : 0 }));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? NA : formatPercent(x));
const money = (x: number | null) => (x === null ? NA : x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
// An estimate the method itself calls not valid is shown as n/a (its numbers stay in the JSON).
const est = (e: MethodEstimate | null) =>
  e === null ? NA : !e.valid ? `${NA} (not valid here)` : e.ci_low === null ? num(e.delta_abandoned) : `${num(e.delta_abandoned)} [${num(e.ci_low)}, ${num(e.ci_high)}]`;
/** Fractions as percentages in the evidence (service levels, rates, shares, occupancy, adherence). */
const evidenceValue = (k: string, v: number | string | null) =>
  typeof v !== "number" ? String(v ?? NA) : /service_level|rate|share|occupancy|adherence|shrinkage/.test(k) && !/target_s|per_/.test(k) ? pct(v)
  : num(v, Number.isInteger(v) ? 0 : 1);
const tile = (label: string, value: string, note: string) =>
  `<div class="tile"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="note">${escapeHtml(note)}</div></div>`;
const METHODS = [["erlang_a", "Erlang A", "#4e79a7"], ["regression", "Regression", "#f28e2b"], ["simulation", "Simulation", "#59a14f"]] as const;

/** Δ abandoned of every proposal by the three methods, with intervals (SVG). */
function effectsChart(proposals: readonly EvaluatedProposal[]): string {
  const label = (p: EvaluatedProposal) => `${p.rank}. ${p.title.length > 48 ? `${p.title.slice(0, 47)}…` : p.title}`;
  const points = proposals.flatMap((p) => METHODS.flatMap(([k, name]) => {
    const e = p[k];
    return e && e.valid && e.delta_abandoned !== null ? [{ p: label(p), method: name, d: e.delta_abandoned, lo: e.ci_low ?? e.delta_abandoned, hi: e.ci_high ?? e.delta_abandoned }] : [];
  }));
  if (!points.length) return "<p>No proposal could be estimated.</p>";
  return plotSvg({
    width: 1100, height: 60 + 34 * proposals.length, marginLeft: 330, style: { fontSize: "11px" },
    x: { label: "Δ abandoned calls over the period (negative = fewer)", grid: true }, y: { label: null, domain: proposals.map(label) },
    fy: undefined, color: { legend: true, domain: METHODS.map((m) => m[1]), range: METHODS.map((m) => m[2]) },
    marks: [
      Plot.ruleX([0]),
      Plot.ruleY(points, { y: "p", x1: "lo", x2: "hi", stroke: "method", dy: (d: { method: string }) => (METHODS.findIndex((m) => m[1] === d.method) - 1) * 8, strokeWidth: 2 } as never),
      Plot.dot(points, { y: "p", x: "d", fill: "method", r: 4, dy: (d: { method: string }) => (METHODS.findIndex((m) => m[1] === d.method) - 1) * 8 } as never),
    ],
  });
}

/** Service level per slot and queue against the targets (SVG). */
function slotChart(r: ImprovementsReportInput): string {
  // Each queue at its own SL target's threshold (the profiles are computed so).
  const rows = r.slots.filter((s) => s.queue !== "(all)" && s.service_level !== null).map((s) => ({ ...s, t: Number(s.slot.slice(0, 2)) + Number(s.slot.slice(3)) / 60 }));
  if (!rows.length) return "";
  return plotSvg({
    width: 1100, height: 280, marginLeft: 60, style: { fontSize: "11px" }, x: { label: `local time (${r.options.time_zone})`, domain: [0, 24], ticks: 12 },
    y: { label: "service level (pooled over the days)", grid: true, domain: [0, 1], tickFormat: "%" }, color: { legend: true },
    marks: [Plot.ruleY([0.8], { stroke: "#999", strokeDasharray: "4 3" }), Plot.line(rows, { x: "t", y: "service_level", stroke: "queue", z: "queue", curve: "step-after" })],
  });
}

/** Calls and available agents per slot (the center), with the break collisions marked (SVG). */
function loadChart(r: ImprovementsReportInput): string {
  const rows = r.slots.filter((s) => s.queue === "(all)").map((s) => ({ ...s, t: Number(s.slot.slice(0, 2)) + Number(s.slot.slice(3)) / 60 }));
  if (!rows.length) return "";
  const hits = new Set(r.weak_spots.filter((w) => w.kind === "break_collision").map((w) => w.when!.slice(0, 5)));
  const marked = rows.filter((x) => hits.has(x.slot));
  return plotSvg({
    width: 1100, height: 260, marginLeft: 60, style: { fontSize: "11px" }, x: { label: `local time (${r.options.time_zone})`, domain: [0, 24], ticks: 12 },
    y: { label: "calls per available agent per slot", grid: true },
    marks: [
      Plot.rectY(marked, { x1: "t", x2: (d: { t: number }) => d.t + r.options.interval_minutes / 60, y: (d: { offered_mean: number; available_mean: number }) => d.offered_mean / Math.max(d.available_mean, 0.5), fill: "#e15759", fillOpacity: 0.35 } as never),
      Plot.line(rows, { x: "t", y: (d: { offered_mean: number; available_mean: number }) => d.offered_mean / Math.max(d.available_mean, 0.5), curve: "step-after", stroke: "#4e79a7" } as never),
    ],
  });
}

/** The detail of one proposal: parameters, the staffing change per slot, the simulated queues. */
function detail(p: EvaluatedProposal, slots: readonly string[]): string {
  const params = Object.entries(p.parameters).map(([k, v]) => `${k} = ${typeof v === "number" ? num(v, Number.isInteger(v) ? 0 : 2) : String(v)}`).join(" · ");
  // Every slot of the day that has calls, so that the bars of every proposal share one axis.
  const domain = [...new Set([...slots, ...p.slot_change.map((x) => x.slot)])].sort();
  const chart = p.slot_change.length ? plotSvg({
    width: 1100, height: 220, marginLeft: 60, marginBottom: 50, style: { fontSize: "11px" }, x: { label: "local slot", type: "band", domain, tickRotate: -45 }, y: { label: "Δ available agents per day", grid: true },
    marks: [Plot.ruleY([0]), Plot.barY(p.slot_change, { x: "slot", y: "delta_available", fill: (d: { delta_available: number }) => (d.delta_available >= 0 ? "#59a14f" : "#e15759") } as never)],
  }) : "<p>No change in scheduled staffing (a routing change).</p>";
  const queues = p.simulation_by_queue.length ? htmlTable(p.simulation_by_queue, [
    { header: "Queue", cell: (q) => q.queue },
    { header: "SL base → proposal", cell: (q) => `${pct(q.service_level_base)} → ${pct(q.service_level)}`, numeric: true },
    { header: "Abandon rate base → proposal", cell: (q) => `${pct(q.abandon_rate_base)} → ${pct(q.abandon_rate)}`, numeric: true },
    { header: "ASA s base → proposal", cell: (q) => `${num(q.asa_s_base)} → ${num(q.asa_s)}`, numeric: true },
    { header: "Δ abandoned [95 % CI]", cell: (q) => (q.ci_low === null ? num(q.delta_abandoned) : `${num(q.delta_abandoned)} [${num(q.ci_low)}, ${num(q.ci_high)}]`), numeric: true },
  ], { className: "data" }) : "";
  const slotRows = p.erlang_a?.by_slot ?? [];
  const slotTable = slotRows.length ? `<details><summary>Erlang A per queue and slot the proposal changes (${slotRows.length})</summary>${htmlTable(slotRows, [
    { header: "Queue", cell: (x) => x.queue }, { header: "Slot", cell: (x) => x.slot }, { header: "Days", cell: (x) => num(x.days, 0), numeric: true },
    { header: "Calls per day", cell: (x) => num(x.offered_mean), numeric: true },
    { header: "SL base → proposal", cell: (x) => `${pct(x.service_level_base)} → ${pct(x.service_level)}`, numeric: true },
    { header: "P(abandon) base → proposal", cell: (x) => `${pct(x.abandon_rate_base)} → ${pct(x.abandon_rate)}`, numeric: true },
  ], { className: "data" })}</details>` : "";
  const methods = METHODS.map(([k, name]) => {
    const e = p[k];
    const extra = e && e.occupancy !== undefined ? `, ASA ${num(e.asa_s_base)} → ${num(e.asa_s)} s, occupancy ${pct(e.occupancy_base)} → ${pct(e.occupancy)}` : "";
    return `<li><b>${name}</b>: ${e === null ? "cannot judge this proposal" : `Δ abandoned ${escapeHtml(est(e))}, SL ${escapeHtml(pct(e.service_level))}, abandon rate ${escapeHtml(pct(e.abandon_rate))}${escapeHtml(extra)}${e.valid ? "" : " (not valid here)"} — ${isolate(e.note)}`}</li>`;
  }).join("");
  return `<section class="proposal"><h3>${p.rank}. ${isolate(p.title)}</h3><p class="sub">${isolate(params)}</p>
<p>Answers: ${p.addresses.map(isolate).join("; ") || "a proposal given by hand"}. Cost ${escapeHtml(money(p.cost))} (${isolate(p.cost_note)}); cost per avoided abandon ${escapeHtml(money(p.cost_per_avoided_abandon))}; ROI ${escapeHtml(p.roi === null ? NA : formatPercent(p.roi))}.</p>
<ul>${methods}</ul>${p.notes.length ? `<p class="note">${p.notes.map(isolate).join("<br>")}</p>` : ""}
<figure class="chart">${chart}<figcaption>Scheduled available agents the proposal adds (green) or takes away (red), per local slot, mean per day</figcaption></figure>${queues}${slotTable}</section>`;
}

/**
 * Renders the improvements report as one offline HTML page (inline SVG charts; everything from
 * the input escaped).
 *
 * @param r the result of `improve` with the options it ran with (`qb improve` builds it)
 * @returns the HTML text
 */
export function buildImprovementsReport(r: ImprovementsReportInput, options: ImprovementsReportOptions = {}): string {
  const title = options.title ?? "Improvements";
  const best = r.proposals[0];
  const tiles = [
    tile("Calls", num(r.baseline.offered, 0), `${num(r.baseline.intervals, 0)} intervals with calls`),
    tile("Abandoned", num(r.baseline.abandoned, 0), pct(r.baseline.abandon_rate)),
    tile("Service level", pct(r.baseline.service_level), `V2, T = ${r.options.sl_threshold_s} s`),
    tile("Weak spots", num(r.weak_spots.length, 0), [...new Set(r.weak_spots.map((w) => w.kind))].join(", ") || "none"),
    tile("Proposals", num(r.proposals.length, 0), r.replications ? `${r.replications} replications each` : "no simulation"),
    tile("Rank 1: Δ abandoned", best ? num((best.simulation ?? best.erlang_a)?.delta_abandoned) : NA, best ? best.title : "no proposal"),
  ].join("");
  const spots = htmlTable(r.weak_spots, [
    { header: "Weak spot", cell: (w) => w.kind.replace(/_/g, " ") },
    { header: "Queue / operator", cell: (w) => w.queue ?? (w.agent ? `${w.evidence.name ?? ""} (${w.agent})` : "center") },
    { header: "When", cell: (w) => w.when ?? "" },
    { header: "Size", cell: (w) => num(w.size), numeric: true },
    { header: "Unit of size", cell: (w) => w.size_unit },
    { header: "Evidence", cell: (w) => Object.entries(w.evidence).map(([k, v]) => `${k.replace(/_/g, " ")} ${evidenceValue(k, v)}`).join(" · ") },
  ], { className: "data" });
  const table = htmlTable(r.proposals, [
    { header: "Rank", cell: (p) => String(p.rank), numeric: true },
    { header: "Proposal", cell: (p) => p.title },
    { header: "Δ abandoned, Erlang A", cell: (p) => est(p.erlang_a), numeric: true },
    { header: "Regression [95 % CI]", cell: (p) => est(p.regression), numeric: true },
    { header: "Simulation [95 % CI]", cell: (p) => est(p.simulation), numeric: true },
    { header: "SL simulated, base → proposal", cell: (p) => (p.simulation ? `${pct(p.simulation.service_level_base)} → ${pct(p.simulation.service_level)}` : NA), numeric: true },
    { header: "Cost", cell: (p) => money(p.cost), numeric: true },
    { header: "Cost / avoided abandon", cell: (p) => money(p.cost_per_avoided_abandon), numeric: true },
    { header: "ROI", cell: (p) => (p.roi === null ? NA : formatPercent(p.roi)), numeric: true },
  ], { className: "data" });
  const c = r.options.costs;
  const definitions: [string, string][] = [
    ["Weak spots", "target miss: a queue's service level (V2) or abandon rate in a local slot, pooled over the days, worse than its queue target (size: calls short of the SL target per day); break collision: ≥ 20 % of the shift scheduled on a break or lunch in a slot whose calls per available agent are at or above the median slot's (size: agents on break); thin skill: fewer than 3 agents with the queue as a first skill or fewer than 5 with it at all; on-call timing: half or more of the standby agents' logged-in hours in intervals below the median calls per available agent (size: those hours); operators: occupancy 10 points below the team median, unplanned shrinkage 5 points above it, adherence below the team target"],
    ["Δ abandoned", "change in abandoned calls over the data's whole period, proposal − baseline; negative is better"],
    ["Ranking", "those that avoid abandons (interval below 0) first, cheapest per avoided abandon first; then those without evidence either way, cheapest first; last those that add abandons"],
    ["Currency", "costs are in the roster's (and --costs') currency, whatever it is; queuebook converts nothing"],
    ["Cost", `added agents: their hours × ${money(c.added_agent_hourly)} per hour; on-call pool: the simulated standby hours × ${money(c.on_call_hourly)} + call-ins × ${money(c.call_in)}; moved breaks and cross-skilling: none counted`],
    ["ROI", c.value_per_avoided_abandon === null ? "n/a: no value per avoided abandon was given (--costs); the cost per avoided abandon is the break-even value" : `(avoided abandons × ${money(c.value_per_avoided_abandon)} − cost) / cost, on the proposal's marginal agents`],
    ...r.assumptions.map((a, i): [string, string] => [`Assumption ${i + 1}`, a]),
    ["Queue parameters", Object.entries(r.queue_parameters).map(([q, p]) => `${q}: AHT ${num(p.aht_s, 0)} s, patience ${num(p.patience_s, 0)} s`).join("; ") || NA],
    ["Scenario", `${r.options.scenario ?? "none"}${r.options.scenario_notes?.length ? `: ${r.options.scenario_notes.join("; ")}` : ""}`],
    ["Options", `time zone ${r.options.time_zone}; ${r.options.interval_minutes}-minute intervals; T = ${r.options.sl_threshold_s} s; replications ${r.options.replications ?? NA}; scenario ${r.options.scenario ?? "none"}`],
  ];
  const defs = definitions.map(([a, b]) => `<dt>${escapeHtml(a)}</dt><dd>${isolate(b)}</dd>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title.replace(/[\u202a-\u202e\u2066-\u2069]/g, ""))}</title><style>${REPORT_CSS}
body { max-width: 1280px; } table.data th, table.data th.num { white-space: normal; vertical-align: bottom; } table.data td { overflow-wrap: anywhere; }
section.proposal { border-top: 1px solid var(--line); margin-top: 18px; } p.note { color: var(--muted); font-size: 12px; }</style></head>
<body>
<header><h1>${isolate(title)}</h1><p class="sub">${escapeHtml(`${r.baseline.first_day ?? NA} to ${r.baseline.last_day ?? NA} (${r.options.time_zone}) · ${r.baseline.intervals} intervals with calls`)}${options.generated_at ? ` · generated ${escapeHtml(options.generated_at)}` : ""}</p></header>
<section class="tiles">${tiles}</section>
<section><h2>Proposals, ranked</h2><p class="note">Ranked on abandons avoided (the simulation's interval must lie below 0), then on cost per avoided abandon; a proposal can cut abandons and still lower the service level (more callers stay and are answered later): read both columns. Costs are in the roster's currency.</p>${table}<figure class="chart">${effectsChart(r.proposals)}<figcaption>Δ abandoned by each method, with its 95 % interval where it has one (Erlang A is a formula: no sampling interval); estimates a method calls not valid are left out</figcaption></figure></section>
<section><h2>Weak spots</h2>${spots}
<figure class="chart">${slotChart(r)}<figcaption>${escapeHtml(`Service level per local slot and queue, pooled over the days, each queue at its SL target's threshold (${Object.entries(r.sl_thresholds).map(([q, t]) => `${q} ${t} s`).join(", ") || `${r.options.sl_threshold_s} s`}); dashed: 80 %; a slot with few calls swings`)}</figcaption></figure>
<figure class="chart">${loadChart(r)}<figcaption>Calls per available agent per slot, the center; break collisions shaded</figcaption></figure></section>
<section><h2>Each proposal</h2>${r.proposals.map((p) => detail(p, r.slots.filter((x) => x.queue === "(all)").map((x) => x.slot))).join("\n")}</section>
<footer><h2>Definitions and assumptions</h2><dl>${defs}</dl><p class="sub">queuebook · improvements report</p></footer>
</body></html>
`;
}
