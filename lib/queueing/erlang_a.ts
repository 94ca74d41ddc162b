/**
 * Erlang A: the M/M/N+M queue (Palm's queue with exponential patience), solved exactly as a
 * birth–death chain.
 *
 * @module
 */
import { requireAgents, requireNonNegative, requirePositive } from "./_validate.ts";
import type { QueueMetrics } from "./erlang_c.ts";
import { offeredLoad, type Traffic } from "./traffic.ts";

/** Inputs of {@link erlangA}. */
export interface ErlangAInput extends Traffic {
  /** Agents N (whole number ≥ 0). */
  agents: number;
  /** Mean patience 1/θ in seconds (exponential time a caller is willing to wait). */
  patience_s: number;
  /** Service-level threshold T in seconds (default 20). */
  threshold_s?: number;
}

/** The four service-level variants Erlang A distinguishes (fractions in [0, 1]). */
export interface ErlangAServiceLevels {
  /** Answered within T / offered (the `service_level` reported). */
  answered_within_over_offered: number;
  /** P(virtual wait ≤ T): the wait a caller with infinite patience would have. */
  virtual_wait_within: number;
  /** Answered within T / answered. */
  answered_within_over_answered: number;
  /** (Answered within T + abandoned within T) / offered. */
  answered_or_abandoned_within_over_offered: number;
}

/** {@link QueueMetrics} plus the Erlang A service-level variants and the patience used. */
export interface ErlangAMetrics extends QueueMetrics {
  model: "erlang_a";
  patience_s: number;
  service_levels: ErlangAServiceLevels;
  /** Fraction of calls answered (1 − P(abandon)). */
  p_answered: number;
}

const RESCALE_ABOVE = 1e280;
const RESCALE_BY = 1e-280;
const TRUNCATE_BELOW = 1e-16;
const MAX_QUEUE_STATES = 5_000_000;

/** Stationary distribution pieces of the M/M/N+M chain (time-average = arrival-average by PASTA). */
interface Chain {
  /** P(fewer than N in system): an arrival is answered at once. */
  p_no_wait: number;
  /** w[j] = P(N + j in system) for j = 0..J. */
  w: Float64Array;
  /** Mean number waiting. */
  queue_length: number;
  /** Mean number of busy agents. */
  busy: number;
}

/**
 * Builds the chain's stationary distribution: t₀ = 1, tₙ = tₙ₋₁·λ/(min(n, N)·μ + max(n − N, 0)·θ),
 * rescaling when terms grow past 1e280 and truncating once terms past N fall below 1e-16 of
 * the sum.
 */
function stationary(lambda: number, mu: number, theta: number, N: number): Chain {
  let t = 1;
  let sumBelow = N > 0 ? 1 : 0; // Σ tₙ, n < N
  let busyBelow = 0; // Σ n·tₙ, n < N
  for (let n = 1; n < N; n++) {
    t = (t * lambda) / (n * mu);
    if (t > RESCALE_ABOVE) {
      t *= RESCALE_BY;
      sumBelow *= RESCALE_BY;
      busyBelow *= RESCALE_BY;
    }
    sumBelow += t;
    busyBelow += n * t;
  }
  // n = N, N+1, …: stored, as the arrival distribution of callers who wait.
  const above: number[] = [];
  t = N > 0 ? (t * lambda) / (N * mu) : 1;
  let sumAbove = 0;
  for (let j = 0;; j++) {
    if (j > 0) t = (t * lambda) / (N * mu + j * theta);
    if (t > RESCALE_ABOVE) {
      t *= RESCALE_BY;
      sumBelow *= RESCALE_BY;
      busyBelow *= RESCALE_BY;
      sumAbove *= RESCALE_BY;
      for (let i = 0; i < above.length; i++) above[i]! *= RESCALE_BY;
    }
    above.push(t);
    sumAbove += t;
    const decreasing = lambda < N * mu + (j + 1) * theta;
    if (decreasing && t < TRUNCATE_BELOW * (sumBelow + sumAbove)) break;
    if (above.length > MAX_QUEUE_STATES) {
      throw new RangeError(
        `Cannot compute Erlang A: the queue needs more than ${MAX_QUEUE_STATES} states; patience ${1 / theta} s is too long for ${N} agents at ${lambda * (1 / mu)} Erlangs (use Erlang C)`,
      );
    }
  }
  const total = sumBelow + sumAbove;
  const w = new Float64Array(above.length);
  let queue = 0;
  for (let j = 0; j < above.length; j++) {
    w[j] = above[j]! / total;
    queue += j * w[j]!;
  }
  return { p_no_wait: sumBelow / total, w, queue_length: queue, busy: busyBelow / total + N * (sumAbove / total) };
}

/**
 * Probability masses, by time T, of a waiting caller being answered and abandoning.
 *
 * The caller who arrives with j callers ahead advances at rate r_i = N·μ + i·θ (a service
 * completion or an abandonment ahead) and is answered when it advances from i = 0; it abandons
 * at rate θ (`kill`), or never (virtual wait). Solved by uniformization on sub-intervals with
 * Λ·Δ ≤ 30, Poisson weights summed to 1 − 1e-15.
 */
function transient(w: Float64Array, a: number, theta: number, kill: boolean, T: number): { answered: number; abandoned: number } {
  const J = w.length - 1;
  const killRate = kill ? theta : 0;
  const Lambda = a + J * theta + killRate;
  if (!(T > 0) || !(Lambda > 0)) return { answered: 0, abandoned: 0 };
  const m = Math.max(1, Math.ceil((Lambda * T) / 30));
  const x = (Lambda * T) / m;
  const advance = new Float64Array(J + 1);
  const stay = new Float64Array(J + 1);
  for (let i = 0; i <= J; i++) {
    advance[i] = (a + i * theta) / Lambda;
    stay[i] = 1 - (a + i * theta + killRate) / Lambda;
  }
  const killP = killRate / Lambda;
  let v = Float64Array.from(w);
  let answered = 0;
  let abandoned = 0;
  for (let s = 0; s < m; s++) {
    const acc = new Float64Array(J + 1);
    let cur = v;
    let next = new Float64Array(J + 1);
    let curAnswered = 0, curAbandoned = 0, accAnswered = 0, accAbandoned = 0;
    let p = Math.exp(-x);
    let cumulative = 0;
    for (let k = 0; cumulative < 1 - 1e-15 && k < 10_000; k++) {
      if (k > 0) p = (p * x) / k;
      cumulative += p;
      let remaining = 0;
      for (let i = 0; i <= J; i++) {
        acc[i]! += p * cur[i]!;
        remaining += cur[i]!;
      }
      accAnswered += p * curAnswered;
      accAbandoned += p * curAbandoned;
      // One uniformized step.
      curAnswered += cur[0]! * advance[0]!;
      curAbandoned += remaining * killP;
      for (let i = 0; i < J; i++) next[i] = cur[i]! * stay[i]! + cur[i + 1]! * advance[i + 1]!;
      next[J] = cur[J]! * stay[J]!;
      [cur, next] = [next, cur];
    }
    v = acc;
    answered += accAnswered;
    abandoned += accAbandoned;
  }
  return { answered, abandoned };
}

/**
 * Erlang A (M/M/N+M) performance for N agents: exact stationary distribution of the
 * birth–death chain, waits by the tagged-caller recursion, service levels by uniformization.
 *
 * λ = calls/period_s, μ = 1/AHT, θ = 1/patience. P(wait) = Σ_{n≥N} πₙ; E[Q] = Σ (n − N)·πₙ;
 * P(abandon) = θ·E[Q]/λ; occupancy = busy agents / N; average wait of all arrivals = E[Q]/λ
 * (Little); ASA (answered) = E[wait · 1{answered}] / P(answered) with
 * E[wait · 1{answered}] = Σᵢ mᵢ·hᵢ (mᵢ expected time a waiting caller spends with i ahead,
 * hᵢ = Πₖ≤ᵢ rₖ/(rₖ + θ) the chance it is answered from there). Service levels: see
 * {@link ErlangAServiceLevels}. N = 0 is allowed (every caller abandons).
 *
 * @param input calls, period_s, aht_s, agents, patience_s, threshold_s (default 20 s)
 * @returns {@link ErlangAMetrics}; `service_level` is answered within T / offered
 * @throws {RangeError} for negative/NaN traffic, non-integer agents, patience ≤ 0, a negative
 *   threshold, or a patience so long that the chain would need more than 5,000,000 states
 * Source: C. Palm (1943); Mandelbaum & Zeltyn, "Service engineering in action: the Palm/Erlang-A
 *   queue, with applications to call centers" (2007); Garnett, Mandelbaum & Reiman (2002), MSOM 4(3).
 * @example
 * ```ts
 * erlangA({ calls: 100, period_s: 1800, aht_s: 180, patience_s: 300, agents: 12 }).p_abandon; // 0.042711…
 * ```
 */
export function erlangA(input: ErlangAInput): ErlangAMetrics {
  const action = "Erlang A";
  const A = offeredLoad(input, action);
  const N = input.agents;
  requireAgents(N, action);
  requirePositive("patience_s", input.patience_s, "seconds", action);
  const T = input.threshold_s ?? 20;
  requireNonNegative("threshold_s", T, "seconds", action);
  const lambda = input.calls / input.period_s;
  const mu = 1 / input.aht_s;
  const theta = 1 / input.patience_s;
  const base = { model: "erlang_a" as const, offered_load_erlangs: A, agents: N, threshold_s: T, patience_s: input.patience_s, stable: true };
  if (lambda === 0) {
    const one = { answered_within_over_offered: 1, virtual_wait_within: 1, answered_within_over_answered: 1, answered_or_abandoned_within_over_offered: 1 };
    return { ...base, p_wait: 0, service_level: 1, service_levels: one, asa_s: 0, asa_delayed_s: 0, avg_wait_s: 0, p_abandon: 0, p_answered: 1, expected_queue_length: 0, occupancy: 0 };
  }
  const chain = stationary(lambda, mu, theta, N);
  const { w, p_no_wait } = chain;
  const a = N * mu;
  const J = w.length - 1;
  // Tagged caller: h_i = P(answered | i ahead); e_i = expected visits to "i ahead"; m_i = e_i/(r_i + θ).
  let h = 1;
  let answeredAfterWait = 0;
  const hs = new Float64Array(J + 1);
  for (let i = 0; i <= J; i++) {
    const r = a + i * theta;
    h *= r / (r + theta);
    hs[i] = h;
    answeredAfterWait += w[i]! * h;
  }
  let entering = 0;
  let waitAll = 0;
  let waitAnswered = 0;
  for (let i = J; i >= 0; i--) {
    const r = a + i * theta;
    entering = w[i]! + (i < J ? entering * ((a + (i + 1) * theta) / (a + (i + 1) * theta + theta)) : 0);
    const time = entering / (r + theta);
    waitAll += time;
    waitAnswered += time * hs[i]!;
  }
  const p_wait = 1 - p_no_wait;
  const p_abandon = (theta * chain.queue_length) / lambda;
  const p_answered = p_no_wait + answeredAfterWait;
  const killed = transient(w, a, theta, true, T);
  const virtual = transient(w, a, theta, false, T);
  const answeredWithin = p_no_wait + killed.answered;
  const service_levels: ErlangAServiceLevels = {
    answered_within_over_offered: answeredWithin,
    virtual_wait_within: Math.min(1, p_no_wait + virtual.answered),
    answered_within_over_answered: p_answered > 0 ? Math.min(1, answeredWithin / p_answered) : 0,
    answered_or_abandoned_within_over_offered: Math.min(1, answeredWithin + killed.abandoned),
  };
  return {
    ...base,
    p_wait,
    service_level: answeredWithin,
    service_levels,
    asa_s: p_answered > 0 ? waitAnswered / p_answered : 0,
    asa_delayed_s: answeredAfterWait > 0 ? waitAnswered / answeredAfterWait : 0,
    avg_wait_s: chain.queue_length / lambda,
    p_abandon,
    p_answered,
    expected_queue_length: chain.queue_length,
    occupancy: N > 0 ? chain.busy / N : 0,
  };
  void waitAll;
}
