/**
 * Test-only reference: Erlang A service levels by brute force — the stationary chain and
 * uniformization of the waiting caller's Markov chain (Grassmann 1977; Tijms, "A First Course in
 * Stochastic Models" §4.5). lib/ computes the same quantities from a Beta representation; this
 * independent numerical method checks it.
 */
/**
 * Stationary distribution of the M/M/N+M chain by plain unnormalized products over a fixed,
 * generous state space (test sizes keep the terms within double range).
 */
function stationary(lambda: number, mu: number, theta: number, N: number, states = 4000) {
  const p = [1];
  for (let n = 1; n < states; n++) p.push((p[n - 1]! * lambda) / (Math.min(n, N) * mu + Math.max(n - N, 0) * theta));
  const total = p.reduce((x, y) => x + y, 0);
  const pi = p.map((x) => x / total);
  const p_no_wait = pi.slice(0, N).reduce((x, y) => x + y, 0);
  let J = states - N - 1;
  while (J > 0 && pi[N + J]! < 1e-18) J--;
  return { p_no_wait, w: Float64Array.from(pi.slice(N, N + J + 1)) };
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


/** The SL variants for N agents by uniformization (S: short-abandon threshold of V2). */
export function referenceServiceLevels(calls: number, period_s: number, aht_s: number, patience_s: number, N: number, T: number, S = 5) {
  const lambda = calls / period_s, mu = 1 / aht_s, theta = 1 / patience_s;
  const chain = stationary(lambda, mu, theta, N);
  const a = N * mu;
  let h = 1, answeredAfterWait = 0;
  for (let i = 0; i < chain.w.length; i++) {
    const r = a + i * theta;
    h *= r / (r + theta);
    answeredAfterWait += chain.w[i]! * h;
  }
  const pAnswered = chain.p_no_wait + answeredAfterWait;
  const killed = transient(chain.w, a, theta, true, T);
  const virtual = transient(chain.w, a, theta, false, T);
  const within = chain.p_no_wait + killed.answered;
  // V2: short abandons (wait ≤ S) leave the denominator.
  const shortAbandoned = transient(chain.w, a, theta, true, S).abandoned;
  return {
    answered_within_over_offered: within,
    answered_within_over_offered_less_short_abandons: within / (1 - shortAbandoned),
    virtual_wait_within: chain.p_no_wait + virtual.answered,
    answered_within_over_answered: within / pAnswered,
    answered_or_abandoned_within_over_offered: within + killed.abandoned,
  };
}
