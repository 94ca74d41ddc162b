/**
 * Test-only: exact least squares in rational arithmetic (BigInt fractions), as an independent
 * certification for designs whose data are finite decimals. Solves XᵀX·β = Xᵀy by
 * Gauss–Jordan elimination without rounding, then converts to the nearest double.
 */
type Q = { n: bigint; d: bigint };
const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};
const norm = (q: Q): Q => {
  if (q.d < 0n) q = { n: -q.n, d: -q.d };
  const g = gcd(q.n, q.d) || 1n;
  return { n: q.n / g, d: q.d / g };
};
const add = (a: Q, b: Q) => norm({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });
const sub = (a: Q, b: Q) => norm({ n: a.n * b.d - b.n * a.d, d: a.d * b.d });
const mul = (a: Q, b: Q) => norm({ n: a.n * b.n, d: a.d * b.d });
const div = (a: Q, b: Q) => norm({ n: a.n * b.d, d: a.d * b.n });

/** Parses a decimal string (e.g. "88.5", "-1.2e3") exactly. */
export function decimal(text: string): Q {
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal: ${text}`);
  const digits = (m[2] || "0") + (m[3] ?? "");
  let n = BigInt(digits) * (m[1] ? -1n : 1n);
  let d = 10n ** BigInt((m[3] ?? "").length);
  const e = Number(m[4] ?? 0);
  if (e > 0) n *= 10n ** BigInt(e);
  if (e < 0) d *= 10n ** BigInt(-e);
  return norm({ n, d });
}

function toNumber(q: Q): number {
  // n/d with 25 extra decimal digits, then one floating-point division: correctly rounded to ~1e-16.
  return Number((q.n * 10n ** 25n) / q.d) / 1e25;
}

/** Exact least-squares coefficients for rows of decimal strings (X columns, y). */
export function exactLeastSquares(X: string[][], y: string[]): number[] {
  const rows = X.map((r) => r.map(decimal));
  const yy = y.map(decimal);
  const k = rows[0]!.length;
  const A: Q[][] = Array.from({ length: k }, () => Array.from({ length: k + 1 }, () => ({ n: 0n, d: 1n })));
  for (let i = 0; i < rows.length; i++) {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) A[a]![b] = add(A[a]![b]!, mul(rows[i]![a]!, rows[i]![b]!));
      A[a]![k] = add(A[a]![k]!, mul(rows[i]![a]!, yy[i]!));
    }
  }
  for (let c = 0; c < k; c++) {
    const p = A.findIndex((row, r) => r >= c && row[c]!.n !== 0n);
    if (p < 0) throw new Error("singular");
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c || A[r]![c]!.n === 0n) continue;
      const f = div(A[r]![c]!, A[c]![c]!);
      for (let j = c; j <= k; j++) A[r]![j] = sub(A[r]![j]!, mul(f, A[c]![j]!));
    }
  }
  return A.map((row, c) => toNumber(div(row[k]!, row[c]!)));
}
