/**
 * Erlang A: the M/M/N+M queue (Palm's queue with exponential patience), solved exactly as a
 * birth–death chain.
 *
 * @module
 */
import { requireAgents, requireNonNegative, requirePositive } from "./_validate.ts";
import type { QueueMetrics } from "./erlang_c.ts";
import { MIN_SECONDS, offeredLoad, type Traffic } from "./traffic.ts";

/** Inputs of {@link erlangA}. */
export interface ErlangAInput extends Traffic {
  /** Agents N (whole number ≥ 0). */
  agents: number;
  /** Mean patience 1/θ in seconds (exponential time a caller is willing to wait). */
  patience_s: number;
  /** Service-level threshold T in seconds (default 20). */
  threshold_s?: number;
  /** Short-abandon threshold S in seconds for the V2 variant (default 5, as the data KPIs). */
  short_abandon_s?: number;
}

/** The service-level variants Erlang A distinguishes (fractions in [0, 1]). */
export interface ErlangAServiceLevels {
  /** V1: answered within T / offered (the `service_level` of the metrics; published tables use it). */
  answered_within_over_offered: number;
  /**
   * V2, the default of every command: answered within T / (offered − abandoned within S), i.e.
   * P(answered within T) / (1 − P(abandoned with wait ≤ S)).
   */
  answered_within_over_offered_less_short_abandons: number;
  /** P(virtual wait ≤ T): the wait a caller with infinite patience would have. */
  virtual_wait_within: number;
  /** V3: answered within T / answered. */
  answered_within_over_answered: number;
  /** V4: (answered within T + abandoned within T) / offered. */
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
 * Probability masses, by time T, of a waiting caller being answered and abandoning, summed over
 * the arrival distribution `w` (w[j]: arrival finds j callers waiting ahead).
 *
 * The caller with j ahead advances at rates r_i = N·μ + i·θ, i = j…0, so its virtual wait
 * S_j = Σ Exp(r_i) has Laplace transform Π (α + i)/(α + s/θ + i) with α = N·μ/θ: it is
 * distributed as −ln(U)/θ with U ~ Beta(α, j + 1). Hence, with c = e^{−θT}:
 * - P(S_j ≤ T) = 1 − I_c(α, j + 1) (virtual wait within T);
 * - P(answered by T) = E[e^{−θ S_j}; S_j ≤ T] = α/(α + j + 1) · (1 − I_c(α + 1, j + 1));
 * - P(abandoned by T) = 1 − P(answered by T) − c·I_c(α, j + 1) (still waiting at T:
 *   e^{−θT}·P(S_j > T)).
 * I_c(a, b) for b = 1, 2, … follows I_c(a, b + 1) = I_c(a, b) + c^a (1 − c)^b / (b·B(a, b)),
 * all terms positive, in log space: O(J), no cancellation.
 */
function withinT(w: Float64Array, a: number, theta: number, T: number): { answered: number; virtual: number; abandoned: number } {
  if (!(T > 0)) return { answered: 0, virtual: 0, abandoned: 0 };
  const alpha = a / theta;
  const lnC = -theta * T; // ln c
  const ln1mC = Math.log(-Math.expm1(lnC)); // ln(1 − c), accurate for small θT
  const c = Math.exp(lnC);
  // I_c(α, b) and I_c(α + 1, b) for b = 1: c^α and c^(α+1).
  let i0 = alpha > 0 ? Math.exp(alpha * lnC) : 1;
  let i1 = Math.exp((alpha + 1) * lnC);
  // log of the increments c^a (1 − c)^b / (b·B(a, b)) at b = 1: ln(a) + a·ln c + ln(1 − c).
  let lt0 = Math.log(alpha) + alpha * lnC + ln1mC;
  let lt1 = Math.log(alpha + 1) + (alpha + 1) * lnC + ln1mC;
  let answered = 0, virtual = 0, waitingAtT = 0;
  for (let j = 0; j < w.length; j++) {
    const b = j + 1;
    const wj = w[j]!;
    virtual += wj * (1 - Math.min(1, i0));
    answered += wj * (alpha / (alpha + b)) * (1 - Math.min(1, i1));
    waitingAtT += wj * c * Math.min(1, i0);
    // Advance b → b + 1.
    i0 += Math.exp(lt0);
    i1 += Math.exp(lt1);
    lt0 += ln1mC + Math.log((alpha + b) / (b + 1));
    lt1 += ln1mC + Math.log((alpha + 1 + b) / (b + 1));
  }
  let total = 0;
  for (let j = 0; j < w.length; j++) total += w[j]!;
  return { answered, virtual, abandoned: Math.max(0, total - answered - waitingAtT) };
}

/** Erlang A metrics without the service levels, plus a lazy service-level evaluator. */
export interface ErlangAStage {
  metrics: Omit<ErlangAMetrics, "service_level" | "service_levels">;
  /** Computes (and caches) one service-level variant. */
  serviceLevel(variant: keyof ErlangAServiceLevels): number;
  /** The complete metrics (computes every variant). */
  full(): ErlangAMetrics;
}

/**
 * Erlang A in two stages: the stationary distribution and waits first, the service levels only
 * when asked. `erlangA` is `erlangAStage(…).full()`;
 * staffing searches use the stages to skip service levels when another target already fails.
 *
 * @throws {RangeError} as {@link erlangA}
 */
export function erlangAStage(input: ErlangAInput): ErlangAStage {
  const action = "Erlang A";
  const A = offeredLoad(input, action);
  const N = input.agents;
  requireAgents(N, action);
  requirePositive("patience_s", input.patience_s, "seconds", action);
  if (input.patience_s < MIN_SECONDS) throw new RangeError(`Cannot compute ${action}: patience_s must be at least ${MIN_SECONDS} seconds, got ${input.patience_s}`);
  const T = input.threshold_s ?? 20;
  requireNonNegative("threshold_s", T, "seconds", action);
  const S = input.short_abandon_s ?? 5;
  requireNonNegative("short_abandon_s", S, "seconds", action);
  const lambda = input.calls / input.period_s;
  const mu = 1 / input.aht_s;
  const theta = 1 / input.patience_s;
  // Overloaded with very long patience, the queue settles near (λ − Nμ)/θ callers: too many states.
  if (lambda > N * mu && (lambda - N * mu) / theta > MAX_QUEUE_STATES / 4) {
    throw new RangeError(
      `Cannot compute Erlang A: with ${N} agents at ${A.toFixed(3)} Erlangs and patience ${input.patience_s} s about ${((lambda - N * mu) / theta).toExponential(1)} callers would wait; use more agents or Erlang C`,
    );
  }
  const base = { model: "erlang_a" as const, offered_load_erlangs: A, agents: N, threshold_s: T, patience_s: input.patience_s, stable: true };
  if (lambda === 0) {
    const metrics = { ...base, p_wait: 0, asa_s: 0, asa_delayed_s: 0, avg_wait_s: 0, p_abandon: 0, p_answered: 1, expected_queue_length: 0, occupancy: 0 };
    const one = { answered_within_over_offered: 1, answered_within_over_offered_less_short_abandons: 1, virtual_wait_within: 1, answered_within_over_answered: 1, answered_or_abandoned_within_over_offered: 1 };
    return { metrics, serviceLevel: () => 1, full: () => ({ ...metrics, service_level: 1, service_levels: one }) };
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
  let waitAnswered = 0;
  for (let i = J; i >= 0; i--) {
    const r = a + i * theta;
    entering = w[i]! + (i < J ? entering * ((a + (i + 1) * theta) / (a + (i + 2) * theta)) : 0);
    waitAnswered += (entering / (r + theta)) * hs[i]!;
  }
  const p_abandon = Math.min(1, (theta * chain.queue_length) / lambda);
  const p_answered = Math.min(1, p_no_wait + answeredAfterWait);
  // With no agent nobody is answered: waits of answered calls are undefined (Infinity), and the
  // occupancy convention is that of an overloaded queue (1), so no target can be met with N = 0.
  const metrics = {
    ...base,
    p_wait: Math.min(1, Math.max(0, 1 - p_no_wait)),
    asa_s: N === 0 ? Infinity : p_answered > 0 ? waitAnswered / p_answered : 0,
    asa_delayed_s: N === 0 ? Infinity : answeredAfterWait > 0 ? waitAnswered / answeredAfterWait : 0,
    avg_wait_s: chain.queue_length / lambda,
    p_abandon,
    p_answered,
    expected_queue_length: chain.queue_length,
    occupancy: N > 0 ? Math.min(1, chain.busy / N) : 1,
  };
  let within_T: { answered: number; virtual: number; abandoned: number } | undefined;
  let within_S: { abandoned: number } | undefined;
  const serviceLevel = (variant: keyof ErlangAServiceLevels): number => {
    within_T ??= withinT(w, a, theta, T);
    if (variant === "virtual_wait_within") return Math.min(1, p_no_wait + within_T.virtual);
    const within = p_no_wait + within_T.answered;
    switch (variant) {
      case "answered_within_over_offered":
        return within;
      case "answered_within_over_offered_less_short_abandons": {
        within_S ??= withinT(w, a, theta, S);
        const rest = 1 - within_S.abandoned;
        return rest > 0 ? Math.min(1, within / rest) : 0;
      }
      case "answered_within_over_answered":
        return p_answered > 0 ? Math.min(1, within / p_answered) : 0;
      case "answered_or_abandoned_within_over_offered":
        return Math.min(1, within + within_T.abandoned);
      default:
        throw new RangeError(`Cannot compute Erlang A: unknown service-level variant '${String(variant)}'`);
    }
  };
  const full = (): ErlangAMetrics => {
    const service_levels: ErlangAServiceLevels = {
      answered_within_over_offered: serviceLevel("answered_within_over_offered"),
      answered_within_over_offered_less_short_abandons: serviceLevel("answered_within_over_offered_less_short_abandons"),
      virtual_wait_within: serviceLevel("virtual_wait_within"),
      answered_within_over_answered: serviceLevel("answered_within_over_answered"),
      answered_or_abandoned_within_over_offered: serviceLevel("answered_or_abandoned_within_over_offered"),
    };
    return { ...metrics, service_level: service_levels.answered_within_over_offered, service_levels };
  };
  return { metrics, serviceLevel, full };
}

/**
 * Erlang A (M/M/N+M) performance for N agents: exact stationary distribution of the
 * birth–death chain, waits by the tagged-caller recursion, service levels from the Beta
 * representation of the virtual wait (see `withinT`).
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
  return erlangAStage(input).full();
}
