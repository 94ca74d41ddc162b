/**
 * Private: the calls report's time charts — offered/answered/abandoned per interval, service
 * level and ASA per interval on the same x scale, and offered calls per day (every day shown).
 *
 * @module
 */
import type { QueueKpiRow, ResolvedKpiOptions } from "../indicators/mod.ts";
import { offsetMinutes } from "../time/mod.ts";
import { escapeHtml, formatPercent, formatSeconds } from "./html.ts";
import { Plot, plotSvg } from "./plot_svg.ts";
import type { CallsReportData } from "./calls_report.ts";

/** Wall-clock of an ISO instant in the zone, as a Date whose UTC fields are the local time. */
function wallClock(iso: string, zone: string): Date {
  const ms = Date.parse(iso);
  return new Date(ms + offsetMinutes(zone, ms) * 60_000);
}

export function charts(data: CallsReportData, o: ResolvedKpiOptions, target: number): string[] {
  const tz = o.timeZone;
  const intervals = data.by_interval.map((r) => ({ ...r, t: wallClock(r.interval_start!, tz) }));
  const xLabel = null;
  // Volumes: every interval of the period, with 0 where no call entered (steps in UTC, so DST-safe).
  const step = o.interval_minutes * 60_000;
  const counted = new Map(data.by_interval.map((r) => [Date.parse(r.interval_start!), r]));
  const first = Date.parse(data.by_interval[0]!.interval_start!);
  const last = Date.parse(data.by_interval[data.by_interval.length - 1]!.interval_start!);
  const volume: { t: Date; series: string; calls: number }[] = [];
  const fill = (last - first) / step <= 50_000;
  for (let ms = first; ms <= last; ms += fill ? step : Infinity) {
    const r = counted.get(ms);
    const t = wallClock(new Date(ms).toISOString(), tz);
    volume.push({ t, series: "Offered", calls: r?.offered ?? 0 }, { t, series: "Answered", calls: r?.answered ?? 0 }, { t, series: "Abandoned", calls: r?.abandoned ?? 0 });
  }
  // The three time charts share one x domain, so that they line up when read top to bottom.
  const domain = [wallClock(new Date(first).toISOString(), tz), wallClock(new Date(last + step).toISOString(), tz)];
  const common = { width: 960, height: 260, marginLeft: 50, style: { fontSize: "11px" } };
  const volumeChart = plotSvg({
    ...common,
    x: { type: "utc", label: xLabel, domain },
    y: { label: "Calls per interval", grid: true },
    color: { legend: true, domain: ["Offered", "Answered", "Abandoned"], range: ["#4e79a7", "#59a14f", "#e15759"] },
    marks: [Plot.ruleY([0]), Plot.lineY(volume, { x: "t", y: "calls", stroke: "series", z: "series", strokeWidth: 1.1 })],
  });
  const slPoints = intervals.filter((r) => r.service_level !== null);
  const slChart = plotSvg({
    ...common,
    x: { type: "utc", label: xLabel, domain },
    y: { label: `Service level ${o.sl_variant} (%)`, domain: [0, 100], grid: true },
    marks: [
      Plot.dot(slPoints, { x: "t", y: (r: QueueKpiRow) => (r.service_level ?? 0) * 100, r: 1.8, fill: "#4e79a7", fillOpacity: 0.6, title: (r: QueueKpiRow & { t: Date }) => `${r.interval_start}: ${formatPercent(r.service_level)} of ${r.offered} offered` }),
      Plot.ruleY([target * 100], { stroke: "#e15759", strokeWidth: 1.5, strokeDasharray: "5,3" }),
      Plot.text([target * 100], { y: (d: number) => d, frameAnchor: "right", dy: -6, text: () => `target ${formatPercent(target)}`, fill: "#e15759" }),
    ],
  });
  const asaChart = plotSvg({
    ...common,
    x: { type: "utc", label: xLabel, domain },
    y: { label: "ASA (s)", grid: true },
    marks: [Plot.ruleY([0]), Plot.dot(intervals.filter((r) => r.asa_s !== null), { x: "t", y: "asa_s", r: 1.8, fill: "#f28e2b", fillOpacity: 0.7, title: (r: QueueKpiRow) => `${r.interval_start}: ASA ${formatSeconds(r.asa_s)} over ${r.answered} answered` })],
  });
  const daily = data.by_day.flatMap((r) => [
    { day: r.day!, outcome: "Answered", calls: r.answered },
    { day: r.day!, outcome: "Abandoned", calls: r.abandoned },
    { day: r.day!, outcome: "Timeout / exit", calls: r.timeouts },
  ]);
  const dailyChart = plotSvg({
    ...common,
    // Every calendar day from the first to the last: a day without calls is a gap, never skipped.
    x: { label: "Day", tickRotate: -45, type: "band", tickFormat: (d: string) => d.slice(5), domain: everyDay(data.by_day.map((r) => r.day!)) },
    y: { label: "Offered calls per day", grid: true },
    marginBottom: 60,
    color: { legend: true, domain: ["Answered", "Abandoned", "Timeout / exit"], range: ["#59a14f", "#e15759", "#bab0ac"] },
    marks: [Plot.barY(daily, { x: "day", y: "calls", fill: "outcome" }), Plot.ruleY([0])],
  });
  return [
    figure(`Offered, answered and abandoned calls per ${o.interval_minutes}-minute interval (${tz})`, volumeChart),
    figure(`Service level per interval (${o.sl_variant}, T = ${o.sl_threshold_s} s) against the ${formatPercent(target)} target (${tz})`, slChart),
    figure(`Average speed of answer per interval (${tz})`, asaChart),
    figure("Offered calls by day and outcome", dailyChart),
  ];
}

/** Every date (`YYYY-MM-DD`) from the first to the last of `days` (sorted), gaps included. */
export function everyDay(days: readonly string[]): string[] {
  if (days.length === 0) return [];
  const sorted = [...days].sort();
  const out: string[] = [];
  for (let t = Date.parse(`${sorted[0]}T00:00:00Z`), end = Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`); t <= end && out.length < 5000; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

function figure(caption: string, svg: string): string {
  return `<figure class="chart">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

