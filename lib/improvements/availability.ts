/**
 * Scheduled availability of a simulation scenario per interval: agents on shift and not on a
 * break, as a time average over each interval, split by the agents' first-priority queues — the
 * staffing change a proposal makes, interval by interval, for the Erlang A and regression paths.
 *
 * @module
 */
import type { Scenario } from "../simulation/mod.ts";

/** Interval start (epoch ms) → queue → mean agents available (first-priority skills share an agent equally). */
export type AvailabilityByInterval = Map<number, Map<string, number>>;

/**
 * Scheduled availability of the scenario's rostered agents (on-call agents are left out: they
 * come only when called in), per interval of `interval_minutes` aligned on epoch time.
 *
 * @param s a validated scenario
 * @param interval_minutes interval length (default 30)
 * Source: OPERATIONS.md §2 (a break nests inside an on-queue shift).
 */
export function scheduledAvailability(s: Scenario, interval_minutes = 30): AvailabilityByInterval {
  const P = interval_minutes * 60_000;
  const out: AvailabilityByInterval = new Map();
  const epoch = s.start_epoch_s * 1000;
  for (const a of s.agents) {
    if (a.on_call) continue;
    const best = Math.min(...Object.values(a.skills));
    const primary = Object.entries(a.skills).filter(([, p]) => p === best).map(([q]) => q);
    const share = 1 / primary.length;
    const add = (from_s: number, to_s: number, sign: number) => {
      const s0 = epoch + from_s * 1000, s1 = epoch + to_s * 1000;
      for (let b = Math.floor(s0 / P) * P; b < s1; b += P) {
        const overlap = (Math.min(s1, b + P) - Math.max(s0, b)) / P;
        if (overlap <= 0) continue;
        const m = out.get(b) ?? out.set(b, new Map()).get(b)!;
        for (const q of primary) m.set(q, (m.get(q) ?? 0) + sign * overlap * share);
      }
    };
    const shifts = a.shifts ?? [{ start_s: 0, end_s: s.horizon_s }];
    for (const sh of shifts) add(sh.start_s, Math.min(sh.end_s, s.horizon_s), 1);
    for (const b of a.breaks) {
      // Only the part of a break inside a shift takes the agent away.
      for (const sh of shifts) {
        const from = Math.max(b.start_s, sh.start_s), to = Math.min(b.end_s, sh.end_s, s.horizon_s);
        if (to > from) add(from, to, -1);
      }
    }
  }
  return out;
}

/** Changed − base availability per interval and queue (entries that do not change are left out). */
export function availabilityChange(base: AvailabilityByInterval, changed: AvailabilityByInterval): AvailabilityByInterval {
  const out: AvailabilityByInterval = new Map();
  for (const b of new Set([...base.keys(), ...changed.keys()])) {
    const x = base.get(b), y = changed.get(b);
    for (const q of new Set([...(x?.keys() ?? []), ...(y?.keys() ?? [])])) {
      const d = (y?.get(q) ?? 0) - (x?.get(q) ?? 0);
      if (Math.abs(d) > 1e-9) (out.get(b) ?? out.set(b, new Map()).get(b)!).set(q, d);
    }
  }
  return out;
}

/** Total change of an interval, all queues. */
export function totalChange(d: AvailabilityByInterval, start_ms: number): number {
  let n = 0;
  for (const v of d.get(start_ms)?.values() ?? []) n += v;
  return n;
}
