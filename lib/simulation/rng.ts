/**
 * A small seeded random number generator: same seed, same stream, on every machine running
 * the same JavaScript engine (integer arithmetic; `Math.log`/`Math.exp` for the variates).
 *
 * @module
 */

/** A seeded generator of uniform, exponential, normal and lognormal variates. */
export interface Rng {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Exponential with the given mean (> 0). */
  exponential(mean: number): number;
  /** Standard normal (Box–Muller, one value per call). */
  normal(): number;
  /** Lognormal with the given mean and coefficient of variation. */
  lognormal(mean: number, cv: number): number;
  /** Integer in [0, n). */
  integer(n: number): number;
  /** A new independent generator derived from this one (for sub-streams). */
  fork(): Rng;
}

/**
 * Creates a generator (sfc32 — Small Fast Counting — seeded through splitmix32).
 *
 * @param seed any integer
 * Source: Chris Doty-Humphrey's PractRand sfc32; splitmix32 seeding (Steele, Lea & Flood 2014).
 * @example
 * ```ts
 * createRng(42).uniform() === createRng(42).uniform(); // true
 * ```
 */
export function createRng(seed: number): Rng {
  let s = seed | 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix(), b = splitmix(), c = splitmix(), d = splitmix();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const rng: Rng = {
    uniform: next,
    exponential: (mean) => -mean * Math.log(1 - next()),
    normal: () => {
      const u = 1 - next(), v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    lognormal: (mean, cv) => {
      const sigma2 = Math.log(1 + cv * cv);
      const mu = Math.log(mean) - sigma2 / 2;
      return Math.exp(mu + Math.sqrt(sigma2) * rng.normal());
    },
    integer: (n) => Math.floor(next() * n),
    fork: () => createRng(Math.floor(next() * 4294967296) ^ 0x5bd1e995),
  };
  return rng;
}
