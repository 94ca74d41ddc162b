/**
 * Private: the calls report's distribution sections — waits binned and cumulative (answered,
 * abandoned and flow-outs in the same bins), offered calls by hour × weekday (a heat map), and
 * the daily service level per queue as lines, calls and transfers, disconnection causes and costs.
 *
 * @module
 */
import type { CallCostRow, CallFlow, DisconnectionRow, HourWeekdayCell, QueueKpiRow, ResolvedKpiOptions, WaitBin } from "../indicators/mod.ts";
import { escapeHtml, formatCount, formatPercent, htmlTable } from "./html.ts";
import { Plot, plotSvg } from "./plot_svg.ts";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

function figure(caption: string, svg: string): string {
  return `<figure class="chart">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

const label = (b: WaitBin) => (b.to_s === null ? `≥ ${b.from_s} s` : `${b.from_s}–${b.to_s} s`);

/** The wait section: stacked bars per bin and the table with the cumulative share. */
function waitsSection(waits: readonly WaitBin[], o: ResolvedKpiOptions): string {
  const total = waits.reduce((s, b) => s + b.offered, 0);
  if (total === 0) return "";
  const bars = waits.flatMap((b) => [
    { bin: label(b), outcome: "Answered", n: b.answered }, { bin: label(b), outcome: "Abandoned", n: b.abandoned }, { bin: label(b), outcome: "Timeout / exit", n: b.other },
  ]);
  const chart = plotSvg({
    width: 960, height: 260, marginLeft: 60, style: { fontSize: "11px" },
    x: { label: "Wait in queue", type: "band", domain: waits.map(label) }, y: { label: "Offered calls", grid: true },
    color: { legend: true, domain: ["Answered", "Abandoned", "Timeout / exit"], range: ["#59a14f", "#e15759", "#bab0ac"] },
    marks: [Plot.barY(bars, { x: "bin", y: "n", fill: "outcome" }), Plot.ruleY([0])],
  });
  const table = htmlTable(waits, [
    { header: "Wait", cell: label },
    { header: "Answered", cell: (b) => formatCount(b.answered), numeric: true },
    { header: "Abandoned", cell: (b) => formatCount(b.abandoned), numeric: true },
    { header: "Timeouts/exits", cell: (b) => formatCount(b.other), numeric: true },
    { header: "Share of offered", cell: (b) => formatPercent(b.offered / total), numeric: true },
    { header: "Answered within the upper edge (cumulative)", cell: (b) => formatPercent(b.answered_within_share), numeric: true },
  ]);
  return `<section><h2>Waits</h2>${figure(`Offered calls by wait and outcome (${formatCount(total)} offered stints; open stints excluded)`, chart)}
<p class="sub">Bins are [from, to): a wait of exactly 20 s is in 20–30 s. The cumulative column counts answered calls with wait ≤ the bin's upper edge over every offered stint (${o.sl_variant === "V1" ? "the service level" : "service level V1"} at that threshold).</p>${table}</section>`;
}

/** The heat map of offered calls per local hour and weekday (mean per day of that weekday). */
function heatSection(cells: readonly HourWeekdayCell[], o: ResolvedKpiOptions): string {
  if (!cells.some((c) => c.offered > 0)) return "";
  const data = cells.map((c) => ({ day: WEEKDAYS[c.weekday - 1]!, hour: c.hour, mean: c.days ? c.offered / c.days : 0, offered: c.offered }));
  const max = Math.max(...data.map((d) => d.mean));
  const chart = plotSvg({
    width: 960, height: 250, marginLeft: 50, style: { fontSize: "11px" },
    x: { label: `Local hour (${o.timeZone})`, type: "band", domain: Array.from({ length: 24 }, (_, h) => h) }, y: { label: null, domain: WEEKDAYS },
    color: { type: "quantize", n: 6, scheme: "blues", domain: [0, max || 1], legend: true, label: "mean offered calls per day" },
    marks: [Plot.cell(data, { x: "hour", y: "day", fill: "mean", inset: 0.5, title: (d: { day: string; hour: number; mean: number; offered: number }) => `${d.day} ${d.hour}:00: ${d.mean.toFixed(1)} a day (${d.offered} in all)` })],
  });
  return `<section><h2>When calls come</h2>${figure("Offered calls by local hour and day of the week: mean per day of that weekday in the window", chart)}</section>`;
}

/** Daily service level per queue, as lines (empty days are gaps, not zeros). */
function dailySlSection(rows: readonly QueueKpiRow[], o: ResolvedKpiOptions, target: number): string {
  const points = rows.filter((r) => r.service_level !== null).map((r) => ({ queue: r.queue ?? "(none)", day: new Date(`${r.day}T12:00:00Z`), sl: r.service_level! * 100 }));
  if (points.length === 0) return "";
  const queues = [...new Set(points.map((p) => p.queue))].sort();
  const chart = plotSvg({
    width: 960, height: 280, marginLeft: 50, style: { fontSize: "11px" },
    x: { type: "utc", label: null }, y: { label: `Service level ${o.sl_variant} (%)`, domain: [0, 100], grid: true },
    color: { legend: true, domain: queues.slice(0, 10) },
    marks: [
      Plot.lineY(points, { x: "day", y: "sl", stroke: "queue", z: "queue", marker: "dot" }),
      Plot.ruleY([target * 100], { stroke: "#e15759", strokeDasharray: "5,3" }),
    ],
  });
  return `<section><h2>Daily service level by queue</h2>${figure(`Service level per local day and queue (${o.sl_variant}, T = ${o.sl_threshold_s} s); dashed: the ${formatPercent(target)} target`, chart)}</section>`;
}

/** Calls (not stints): attempts per call, transfers, answered after a re-queue, the last stint's outcome. */
function flowSection(f: CallFlow | undefined): string {
  if (!f || f.calls === 0) return "";
  const share = (n: number) => formatPercent(n / f.calls);
  const rows: [string, number, string][] = [
    ["Inbound calls", f.calls, "100.0 %"], ["… with one queue stint", f.one_stint, share(f.one_stint)], ["… with two", f.two_stints, share(f.two_stints)],
    ["… with three or more", f.three_or_more_stints, share(f.three_or_more_stints)],
    ["Answered after leaving a first queue unanswered (timeout or exit)", f.answered_after_requeue, share(f.answered_after_requeue)],
    ["Stints ended by a transfer", f.transferred_stints, ""],
    ...Object.entries(f.final_outcome).map(([k, n]) => [`Calls whose last stint ended ${k.replace("_", " ")}`, n, share(n)] as [string, number, string]),
  ];
  return `<section><h2>Calls and transfers</h2><p class="sub">Per call (all its queue stints together); the by-queue table counts stints.</p>${
    htmlTable(rows, [{ header: "", cell: (r) => r[0] }, { header: "Calls", cell: (r) => formatCount(r[1]), numeric: true }, { header: "Share of calls", cell: (r) => r[2], numeric: true }])
  }</section>`;
}

const money = (x: number | null) => (x === null ? "n/a" : x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

/** Costs per queue: agent cost of the handling time, trunk cost of the line time. */
function costsSection(rows: readonly CallCostRow[] | undefined, rate: number | null | undefined): string {
  if (!rows || rows.length === 0) return "";
  const table = htmlTable(rows, [
    { header: "Queue", cell: (r) => r.queue ?? "All" },
    { header: "Handled", cell: (r) => formatCount(r.handled), numeric: true },
    { header: "Handling h", cell: (r) => r.handling_h.toFixed(1), numeric: true },
    { header: "Agent cost", cell: (r) => money(r.agent_cost), numeric: true },
    { header: "Uncosted stints", cell: (r) => formatCount(r.uncosted_stints), numeric: true, title: "handled by an agent without an hourly cost in the roster" },
    { header: "Line minutes", cell: (r) => formatCount(r.line_min), numeric: true },
    { header: "Trunk cost", cell: (r) => money(r.trunk_cost), numeric: true },
    { header: "Cost", cell: (r) => money(r.cost), numeric: true },
    { header: "Cost / answered call", cell: (r) => money(r.cost_per_answered_call), numeric: true },
  ], { className: "data with-total" });
  return `<section><h2>Costs</h2><p class="sub">${escapeHtml(`Agent cost = (talk + hold + wrap-up of answered stints) × the answering agent's hourly cost from the roster; ` +
    `trunk cost = line time (entry to end of each ended stint) × ${rate == null ? "no rate given (--trunk-cost-per-min)" : `${rate} per minute`}.`)}</p>${table}</section>`;
}

/** How each stint ended, per queue: who hung up an answered call, or how the caller left the queue. */
function disconnectionSection(rows: readonly DisconnectionRow[] | undefined): string {
  if (!rows || rows.length <= 1) return "";
  const n = (k: keyof DisconnectionRow, header: string, title?: string) => ({
    key: k, header, numeric: true, title,
    cell: (r: DisconnectionRow) => `${formatCount(r[k] as number)}${r.stints ? ` (${formatPercent((r[k] as number) / r.stints)})` : ""}`,
  });
  const all = rows[rows.length - 1]!;
  const causes = [
    n("agent_hung_up", "Agent hung up", "answered, ended by COMPLETEAGENT"), n("caller_hung_up", "Caller hung up", "answered, ended by COMPLETECALLER"),
    n("answered_end_unknown", "Answered, end not logged", "the source does not say who hung up"), n("answered_talk_open", "Still talking"),
    n("transferred", "Transferred"), n("abandoned", "Abandoned"), n("timeout", "Timeout"), n("exit_empty", "Exit empty"),
    n("exit_key", "Exit with key"), n("withdrawn", "Withdrawn"), n("open", "Still waiting"),
  ];
  // A cause no stint had is left out (named below the table), so the ones that happen can be read.
  const shown = causes.filter((c) => (all[c.key] as number) > 0);
  const absent = causes.filter((c) => (all[c.key] as number) === 0).map((c) => c.header.toLowerCase());
  const table = htmlTable(rows, [
    { header: "Queue", cell: (r) => r.queue },
    { header: "Stints", cell: (r) => formatCount(r.stints), numeric: true },
    ...shown,
  ], { className: "data with-total" });
  return `<section><h2>Disconnection causes</h2><p class="sub">How every queue stint ended (share of the queue's stints in brackets): an answered call by the agent (COMPLETEAGENT) or the caller (COMPLETECALLER) hanging up, a transfer, or the caller leaving the queue — abandon, timeout (EXITWITHTIMEOUT), exit empty (EXITEMPTY), exit with key (EXITWITHKEY), withdrawn.</p>${table}${absent.length ? `<p class="sub">${escapeHtml(`No stint ended as: ${absent.join(", ")}.`)}</p>` : ""}</section>`;
}

/** The sections, in order (each empty when the data have nothing to show). */
export function distributionSections(
  data: {
    waits?: WaitBin[]; by_hour_weekday?: HourWeekdayCell[]; by_queue_day?: QueueKpiRow[]; flow?: CallFlow; costs?: CallCostRow[];
    trunk_cost_per_min?: number | null; disconnections?: DisconnectionRow[];
  },
  o: ResolvedKpiOptions, target: number,
): string {
  return [costsSection(data.costs, data.trunk_cost_per_min), flowSection(data.flow), disconnectionSection(data.disconnections), waitsSection(data.waits ?? [], o), heatSection(data.by_hour_weekday ?? [], o), dailySlSection(data.by_queue_day ?? [], o, target)].join("\n");
}
