/**
 * Private: Householder QR of a tall design matrix stored column-major, on unit-norm scaled
 * columns, with a relative rank check. Written for n up to millions of rows and k up to a few
 * hundred columns (O(n·k²) time, O(n·k) memory: the matrix is factored in place).
 *
 * Source: Golub & Van Loan, "Matrix Computations" (4th ed.), §5.2 (Householder QR) and §5.3
 *   (least squares); Björck, "Numerical Methods for Least Squares Problems" (1996), §2.7 (scaling).
 *
 * @module
 */

/** A factored least-squares problem. */
export interface QrFactor {
  n: number;
  k: number;
  /** Column scales dⱼ = ‖xⱼ‖₂ (X = X̃·D, X̃ with unit columns). */
  scale: Float64Array;
  /** Upper-triangular R of X̃ (k×k, row-major). */
  R: Float64Array;
  /** |Rⱼⱼ| / maxᵢ|Rᵢᵢ| for each column: near 0 means the column depends on the earlier ones. */
  relative_diagonal: Float64Array;
}

/** Euclidean norm of x[from..to) with scaling against overflow/underflow (as LAPACK dnrm2). */
function norm2(x: Float64Array, from: number, to: number): number {
  let scale = 0, ssq = 1;
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    if (v !== 0) {
      const a = Math.abs(v);
      if (scale < a) {
        ssq = 1 + ssq * (scale / a) * (scale / a);
        scale = a;
      } else {
        ssq += (a / scale) * (a / scale);
      }
    }
  }
  return scale * Math.sqrt(ssq);
}

/**
 * Factors X (column-major, n×k; copied, not modified) as X̃ = Q·R after scaling columns to unit
 * norm, and applies Qᵀ to each right-hand side in `rhs` (each length n; copied).
 *
 * @returns the factor and Qᵀ·rhs (each length n: the first k entries solve, the rest are the
 *   residual's coordinates)
 */
export function householderQr(X: Float64Array, n: number, k: number, rhs: Float64Array[] = []): { qr: QrFactor; qty: Float64Array[] } {
  const A = Float64Array.from(X);
  const scale = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const d = norm2(A, j * n, (j + 1) * n);
    scale[j] = d > 0 ? d : 1;
    const inv = 1 / scale[j]!;
    for (let i = j * n; i < (j + 1) * n; i++) A[i]! *= inv;
  }
  const ys = rhs.map((y) => Float64Array.from(y));
  const R = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    const col = j * n;
    const alphaAbs = norm2(A, col + j, col + n);
    if (alphaAbs === 0) {
      R[j * k + j] = 0;
      for (let c = j + 1; c < k; c++) R[j * k + c] = A[c * n + j]!;
      continue;
    }
    const alpha = A[col + j]! > 0 ? -alphaAbs : alphaAbs;
    // v = x − alpha·e1 stored in place; vᵀv = 2·alpha² − 2·alpha·x₀.
    const x0 = A[col + j]!;
    A[col + j] = x0 - alpha;
    const vtv = 2 * alphaAbs * alphaAbs - 2 * alpha * x0;
    const apply = (target: Float64Array, offset: number) => {
      let s = 0;
      for (let i = j; i < n; i++) s += A[col + i]! * target[offset + i]!;
      const f = (2 * s) / vtv;
      for (let i = j; i < n; i++) target[offset + i]! -= f * A[col + i]!;
    };
    for (let c = j + 1; c < k; c++) apply(A, c * n);
    for (const y of ys) apply(y, 0);
    R[j * k + j] = alpha;
    for (let c = j + 1; c < k; c++) R[j * k + c] = A[c * n + j]!;
  }
  let maxDiag = 0;
  for (let j = 0; j < k; j++) maxDiag = Math.max(maxDiag, Math.abs(R[j * k + j]!));
  const relative_diagonal = new Float64Array(k);
  for (let j = 0; j < k; j++) relative_diagonal[j] = maxDiag > 0 ? Math.abs(R[j * k + j]!) / maxDiag : 0;
  return { qr: { n, k, scale, R, relative_diagonal }, qty: ys };
}

/** Solves R·x = b (upper triangular, row-major k×k) by back substitution. */
export function solveUpper(R: Float64Array, k: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let j = i + 1; j < k; j++) s -= R[i * k + j]! * x[j]!;
    x[i] = s / R[i * k + i]!;
  }
  return x;
}

/** (RᵀR)⁻¹ = R⁻¹R⁻ᵀ for upper-triangular R (row-major k×k), returned row-major. */
export function inverseGram(R: Float64Array, k: number): Float64Array {
  // Rinv upper triangular: solve R·Rinv = I column by column.
  const Rinv = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    for (let i = c; i >= 0; i--) {
      let s = i === c ? 1 : 0;
      for (let j = i + 1; j <= c; j++) s -= R[i * k + j]! * Rinv[j * k + c]!;
      Rinv[i * k + c] = s / R[i * k + i]!;
    }
  }
  const G = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let m = Math.max(i, j); m < k; m++) s += Rinv[i * k + m]! * Rinv[j * k + m]!;
      G[i * k + j] = s;
      G[j * k + i] = s;
    }
  }
  return G;
}

const SPLITTER = 134217729; // 2^27 + 1 (Dekker)

/**
 * Residuals rᵢ = yᵢ − Σⱼ Xᵢⱼβⱼ accumulated in double-double (error-free TwoProduct by Dekker
 * splitting and TwoSum), so that they are accurate even when they are tiny compared with y:
 * what iterative refinement needs.
 *
 * Source: Ogita, Rump & Oishi (2005), "Accurate sum and dot product", SIAM J. Sci. Comput. 26(6).
 */
export function accurateResidual(X: Float64Array, n: number, k: number, y: ArrayLike<number>, beta: ArrayLike<number>): Float64Array {
  const r = new Float64Array(n);
  const bh = new Float64Array(k), bl = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const c = SPLITTER * beta[j]!;
    bh[j] = c - (c - beta[j]!);
    bl[j] = beta[j]! - bh[j]!;
  }
  for (let i = 0; i < n; i++) {
    let s = y[i]!, comp = 0;
    for (let j = 0; j < k; j++) {
      const a = X[j * n + i]!;
      const p = a * beta[j]!;
      const c = SPLITTER * a;
      const ah = c - (c - a), al = a - ah;
      const pErr = ((ah * bh[j]! - p) + ah * bl[j]! + al * bh[j]!) + al * bl[j]!;
      // s − p with TwoSum
      const t = s - p;
      const z = t - s;
      const sErr = (s - (t - z)) + (-p - z);
      s = t;
      comp += sErr - pErr;
    }
    r[i] = s + comp;
  }
  return r;
}
