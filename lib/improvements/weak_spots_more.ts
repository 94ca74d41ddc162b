/**
 * More weak spots (issue 13 "diagnosis"): queues missing their service-level or abandonment
 * targets in a local slot, operators with much idle time, unplanned pauses or low adherence, and
 * queues whose skill coverage is thin.
 *
 * @module
 */
import type { Target } from "../ingest/mod.ts";
import type { OperatorKpiRow } from "../operators/mod.ts";
import type { Store } from "../store/mod.ts";
import { skillsOf } from "./_skills.ts";
import { centerObservations, type IntervalObservation, type SlotProfile } from "./slots.ts";
import type { WeakSpot } from "./weak_spots.ts";

const slotEnd = (slot: string, minutes: number) => {
  const [h, m] = slot.split(":").map(Number) as [number, number];
  const t = (h * 60 + m + minutes) % 1440;
  return `${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
};

/** The queue targets of a kpi (scope queue), by queue. */
function queueTargets(targets: readonly Target[], kpi: string): Map<string, Target> {
  return new Map(targets.filter((t) => t.kpi === kpi && t.scope_type === "queue").map((t) => [t.scope, t]));
}

/**
 * Slots where a queue misses its service-level target (`service_level`, at least) or its
 * abandonment target (`abandon_rate`, at most), pooled over the days of the slot; consecutive
 * missed slots of a queue are one weak spot. Size: calls per day short of target — per slot the
 * larger of offered × SL gap and offered × abandonment excess — summed over the run; evidence:
 * the worst slot's numbers (agents available: the whole center's).
 *
 * @param profiles {@link slotProfiles} of the data by service-level threshold T (seconds): each
 *   queue is judged at its SL target's own `threshold_s` (80 % within 60 s is its own target),
 *   else at `threshold_s`
 * @param targets loaded targets (queue-scope rows used)
 * @param options `timeZone` (for the label), `interval_minutes` (default 30), `threshold_s`
 *   (default 20), `min_offered_mean` (slots with fewer calls per day are left out; default 5)
 * @returns misses, biggest first
 * Source: OPERATIONS.md §3 (targets, direction); §6 (weak spots).
 */
export function targetMisses(
  profilesByThreshold: ReadonlyMap<number, readonly SlotProfile[]>,
  targets: readonly Target[],
  options: { timeZone?: string; interval_minutes?: number; threshold_s?: number; min_offered_mean?: number } = {},
): WeakSpot[] {
  const minutes = options.interval_minutes ?? 30, zone = options.timeZone ?? "UTC", min = options.min_offered_mean ?? 5, T = options.threshold_s ?? 20;
  const sl = queueTargets(targets, "service_level"), ab = queueTargets(targets, "abandon_rate");
  const out: WeakSpot[] = [];
  const queues = [...new Set([...profilesByThreshold.values()].flat().map((p) => p.queue))].filter((q) => q !== "(all)");
  for (const q of queues) {
    const ts = sl.get(q), ta = ab.get(q);
    if (!ts && !ta) continue;
    const threshold = ts?.threshold_s ?? T;
    const profiles = profilesByThreshold.get(threshold);
    if (!profiles) throw new RangeError(`Cannot judge queue '${q}': no profile at its target's threshold of ${threshold} s`);
    const misses = (p: SlotProfile) => p.offered_mean >= min &&
      ((ts && p.service_level !== null && (ts.direction === "at_least" ? p.service_level < ts.target : p.service_level > ts.target)) ||
        (ta && p.abandon_rate !== null && (ta.direction === "at_most" ? p.abandon_rate > ta.target : p.abandon_rate < ta.target)));
    const slots = profiles.filter((p) => p.queue === q).sort((a, b) => (a.slot < b.slot ? -1 : 1));
    let run: SlotProfile[] = [];
    const flush = () => {
      if (!run.length) return;
      const gap = (p: SlotProfile) => Math.max(
        (ts && p.service_level !== null ? Math.max(0, ts.target - p.service_level) : 0) * p.offered_mean,
        (ta && p.abandon_rate !== null ? Math.max(0, p.abandon_rate - ta.target) : 0) * p.offered_mean,
      );
      const worst = run.reduce((a, b) => (gap(b) > gap(a) || (gap(b) === gap(a) && (b.abandon_rate ?? 0) > (a.abandon_rate ?? 0)) ? b : a));
      out.push({
        kind: "target_miss", queue: q, when: `${run[0]!.slot}–${slotEnd(run[run.length - 1]!.slot, minutes)} (${zone})`,
        size: run.reduce((x, p) => x + gap(p), 0), size_unit: "calls per day short of target",
        evidence: {
          slots: run.length, worst_slot: worst.slot, days: worst.days, offered_mean: worst.offered_mean,
          service_level: worst.service_level, service_level_target: ts?.target ?? null, threshold_s: threshold, abandon_rate: worst.abandon_rate, abandon_rate_target: ta?.target ?? null,
          center_available_mean: worst.available_mean, first_slot: run[0]!.slot, last_slot: run[run.length - 1]!.slot,
        },
      });
      run = [];
    };
    for (const p of slots) {
      if (misses(p) && (!run.length || slotEnd(run[run.length - 1]!.slot, minutes) === p.slot)) run.push(p);
      else {
        flush();
        if (misses(p)) run.push(p);
      }
    }
    flush();
  }
  return out.sort((a, b) => b.size - a.size || (b.evidence.abandon_rate as number ?? 0) - (a.evidence.abandon_rate as number ?? 0));
}

/**
 * Operators who stand out within their team: occupancy 10 points or more below the team's
 * median (much idle time), unplanned shrinkage 5 points or more above it, or adherence below
 * the team's adherence target (or 90 % without one).
 *
 * @param rows operator KPI rows by agent (`operatorKpis(store, { by: "agent" })`)
 * @param targets loaded targets (team-scope `adherence` rows)
 * Source: OPERATIONS.md §2 (occupancy, shrinkage, adherence definitions).
 */
export function operatorSpots(rows: readonly OperatorKpiRow[], targets: readonly Target[] = []): WeakSpot[] {
  const median = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : null;
  };
  const adherenceTarget = new Map(targets.filter((t) => t.kpi === "adherence" && t.scope_type === "team").map((t) => [t.scope, t.target]));
  const out: WeakSpot[] = [];
  const teams = new Map<string, OperatorKpiRow[]>();
  for (const r of rows) (teams.get(r.team ?? "(no team)") ?? teams.set(r.team ?? "(no team)", []).get(r.team ?? "(no team)")!).push(r);
  for (const [team, members] of teams) {
    const occ = median(members.flatMap((r) => (r.occupancy === null ? [] : [r.occupancy])));
    const unpl = median(members.flatMap((r) => (r.shrinkage_unplanned === null ? [] : [r.shrinkage_unplanned])));
    const adh = adherenceTarget.get(team) ?? 0.9;
    for (const r of members) {
      const base = { team, name: r.name ?? null, logged_in_h: r.logged_in_s / 3600 };
      if (occ !== null && r.occupancy !== null && r.occupancy <= occ - 0.10) {
        out.push({ kind: "operator_idle", queue: null, when: null, agent: r.agent!, size: (occ - r.occupancy) * (r.logged_in_s - r.paused_s) / 3600, size_unit: "hours idle beyond the team's median", evidence: { ...base, occupancy: r.occupancy, team_median_occupancy: occ, available_idle_h: r.available_idle_s / 3600, longest_idle_s: r.longest_idle_s } });
      }
      if (unpl !== null && r.shrinkage_unplanned !== null && r.shrinkage_unplanned >= unpl + 0.05) {
        out.push({ kind: "operator_unplanned_pause", queue: null, when: null, agent: r.agent!, size: r.shrinkage_unplanned - unpl, size_unit: "unplanned shrinkage above the team's median (fraction)", evidence: { ...base, shrinkage_unplanned: r.shrinkage_unplanned, team_median_unplanned: unpl } });
      }
      if (r.adherence !== null && r.adherence < adh) {
        out.push({ kind: "operator_adherence", queue: null, when: null, agent: r.agent!, size: adh - r.adherence, size_unit: "adherence under target (fraction)", evidence: { ...base, adherence: r.adherence, target: adh } });
      }
    }
  }
  return out.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : b.size - a.size));
}

/**
 * Queues whose skill coverage is thin: fewer than `min_any` roster agents (default 5) with the
 * skill at all, or fewer than `min_primary` (default 3) with it as a first-priority skill while
 * the queue misses a target (a queue served well as everyone's second skill is not thin).
 *
 * @param store a store with the roster loaded (`agents.skills` as `queue:priority;…`)
 * @param queues the queues with calls
 * @param missing the queues with a target miss
 */
export async function thinSkills(store: Store, queues: readonly string[], missing: ReadonlySet<string> = new Set(), options: { min_primary?: number; min_any?: number } = {}): Promise<WeakSpot[]> {
  const rows = await store.query<{ agent: string; skills: string | null }>("SELECT agent, skills FROM agents");
  if (rows.length === 0) return [];
  const minP = options.min_primary ?? 3, minA = options.min_any ?? 5;
  const primary = new Map<string, number>(), any = new Map<string, number>();
  for (const r of rows) {
    const skills = Object.entries(skillsOf(r.skills));
    if (!skills.length) continue;
    const best = Math.min(...skills.map(([, p]) => p));
    for (const [q, p] of skills) {
      any.set(q, (any.get(q) ?? 0) + 1);
      if (p === best) primary.set(q, (primary.get(q) ?? 0) + 1);
    }
  }
  return queues.flatMap((q) => {
    const p = primary.get(q) ?? 0, a = any.get(q) ?? 0;
    return a < minA || (p < minP && missing.has(q))
      ? [{ kind: "thin_skill" as const, queue: q, when: null, size: Math.max(minP - p, minA - a, 0), size_unit: "agents short of the coverage minimum", evidence: { primary_agents: p, skilled_agents: a, min_primary: minP, min_any: minA, misses_a_target: missing.has(q) ? "yes" : "no" } }]
      : [];
  });
}

/**
 * An on-call pool whose time logged in misses the peaks: the roster's on-call agents' logged-in
 * hours per interval set against the interval's calls per available agent; when half or more of
 * those hours fall in intervals below the median load, the call-ins come too late or stay too
 * long (size: the off-peak standby hours).
 *
 * @param store a store with the roster and agent states built
 * @param obs interval observations ({@link intervalObservations})
 * @param options `interval_minutes` (default 30), `min_off_peak_share` (default 0.5)
 * Source: OPERATIONS.md §6 (on-call pool: activation delay, standby cost).
 */
export async function onCallTiming(store: Store, obs: readonly IntervalObservation[], options: { interval_minutes?: number; min_off_peak_share?: number } = {}): Promise<WeakSpot[]> {
  const P = (options.interval_minutes ?? 30) * 60_000;
  const rows = await store.query<{ b: number; hours: number; sessions: number }>(`
    WITH seg AS (
      SELECT s.agent, epoch_ms(s.started_at) AS s, epoch_ms(s.ended_at) AS e FROM agent_states s JOIN agents a USING (agent)
      WHERE coalesce(a.on_call, false) AND s.session = 'logged_in' AND s.ended_at > s.started_at
    ), cut AS (SELECT agent, s, e, unnest(generate_series(s // ${P} * ${P}, (e - 1) // ${P} * ${P}, ${P})) AS b FROM seg)
    SELECT b, sum(least(e, b + ${P}) - greatest(s, b)) / 3600000.0 AS hours, count(DISTINCT agent) AS sessions FROM cut GROUP BY b`);
  if (!rows.length) return [];
  const center = centerObservations(obs).filter((o) => o.counts.offered > 0);
  const load = new Map(center.map((o) => [o.start_ms, o.counts.offered / Math.max(o.available_agents, 0.5)]));
  const sorted = [...load.values()].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : 0;
  let total = 0, off = 0;
  for (const r of rows) {
    const h = Number(r.hours);
    total += h;
    if ((load.get(Number(r.b)) ?? 0) < median) off += h;
  }
  const share = total > 0 ? off / total : 0;
  if (total === 0 || share < (options.min_off_peak_share ?? 0.5)) return [];
  const [{ n } = { n: 0 }] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM agents WHERE coalesce(on_call, false)`);
  return [{
    kind: "on_call_timing", queue: null, when: null, size: off, size_unit: "standby hours logged in off-peak",
    evidence: { on_call_agents: Number(n), standby_hours_logged_in: total, off_peak_hours: off, off_peak_share: share, median_calls_per_available_agent: median },
  }];
}
