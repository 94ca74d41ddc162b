/**
 * Erlang C: the M/M/N delay queue (no abandonment).
 *
 * @module
 */
import { requireAgents, requireNonNegative } from "./_validate.ts";
import { erlangB } from "./erlang_b.ts";
import { offeredLoad, type Traffic } from "./traffic.ts";

/** Inputs of {@link erlangC}. */
export interface ErlangCInput extends Traffic {
  /** Agents N (whole number ≥ 0). */
  agents: number;
  /** Service-level threshold T in seconds (default 20). */
  threshold_s?: number;
}

/** Outputs of the Erlang models for one number of agents. Rates are fractions in [0, 1]. */
export interface QueueMetrics {
  model: "erlang_c" | "erlang_a";
  offered_load_erlangs: number;
  agents: number;
  /** False when N ≤ A in Erlang C: the queue grows without bound. */
  stable: boolean;
  /** Probability that an arriving call waits (all agents busy). */
  p_wait: number;
  /** Fraction of calls answered within T of all offered (Erlang C: = 1 − C·e^{−(N−A)T/AHT}). */
  service_level: number;
  threshold_s: number;
  /** Mean wait of answered calls, seconds (Infinity when unstable). */
  asa_s: number;
  /** Mean wait of answered calls that waited, seconds. */
  asa_delayed_s: number;
  /** Mean time in queue of all arrivals (answered and abandoned), seconds. */
  avg_wait_s: number;
  /** Probability of abandonment (0 in Erlang C). */
  p_abandon: number;
  /** Mean number of calls waiting. */
  expected_queue_length: number;
  /** Busy agents / agents. */
  occupancy: number;
}

/**
 * Erlang C probability of waiting and its consequences for N agents.
 *
 * C = N·B / (N − A·(1 − B)) with B = Erlang B(N, A); SL(T) = 1 − C·exp(−(N − A)·T/AHT);
 * ASA = C·AHT/(N − A); delayed ASA = AHT/(N − A); Lq = C·A/(N − A); occupancy = A/N.
 * When N ≤ A the system is unstable: `stable: false`, P(wait) 1, SL 0, waits `Infinity`,
 * occupancy 1 — never a negative or NaN number. A = 0 gives P(wait) 0 and SL 1.
 *
 * @param input calls, period_s, aht_s, agents, threshold_s (default 20 s)
 * @returns {@link QueueMetrics}
 * @throws {RangeError} for negative/NaN traffic, non-integer agents or a negative threshold
 * Source: A. K. Erlang (1917); Cooper (1981) §5; Koole, "Call Center Optimization" (2013) ch. 5.
 * @example
 * ```ts
 * erlangC({ calls: 100, period_s: 1800, aht_s: 180, agents: 14 }).service_level; // 0.88835…
 * ```
 */
export function erlangC(input: ErlangCInput): QueueMetrics {
  const action = "Erlang C";
  const A = offeredLoad(input, action);
  const N = input.agents;
  requireAgents(N, action);
  const T = input.threshold_s ?? 20;
  requireNonNegative("threshold_s", T, "seconds", action);
  const base = { model: "erlang_c" as const, offered_load_erlangs: A, agents: N, threshold_s: T, p_abandon: 0 };
  if (A === 0) {
    return { ...base, stable: true, p_wait: 0, service_level: 1, asa_s: 0, asa_delayed_s: 0, avg_wait_s: 0, expected_queue_length: 0, occupancy: 0 };
  }
  if (!(N > A)) {
    return {
      ...base, stable: false, p_wait: 1, service_level: 0, asa_s: Infinity, asa_delayed_s: Infinity,
      avg_wait_s: Infinity, expected_queue_length: Infinity, occupancy: 1,
    };
  }
  const B = erlangB(A, N);
  const C = (N * B) / (N - A * (1 - B));
  const asa = (C * input.aht_s) / (N - A);
  return {
    ...base,
    stable: true,
    p_wait: C,
    service_level: 1 - C * Math.exp((-(N - A) * T) / input.aht_s),
    asa_s: asa,
    asa_delayed_s: input.aht_s / (N - A),
    avg_wait_s: asa,
    expected_queue_length: (C * A) / (N - A),
    occupancy: A / N,
  };
}
