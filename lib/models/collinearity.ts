/**
 * Detecting exactly or numerically collinear designs, and naming the columns involved.
 *
 * @module
 */
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { householderQr, type QrFactor, solveUpper } from "./_qr.ts";

/** Columns whose scaled QR pivot is below this fraction of the largest are linear combinations of earlier ones. */
export const RANK_TOLERANCE = 1e-10;
/**
 * Largest condition number of the column-scaled design accepted: beyond it least squares may
 * return fewer than 6 correct digits (error bounds grow like κ·ε and κ²·ε).
 */
export const CONDITION_LIMIT = 1e10;

/** The design is exactly or numerically collinear; `columns` names the columns involved. */
export class CollinearityError extends RangeError {
  readonly columns: string[];
  constructor(message: string, columns: string[]) {
    super(message);
    this.name = "CollinearityError";
    this.columns = columns;
  }
}

/** Condition number (σmax/σmin) of a k×k upper-triangular R with columns multiplied by `colScale`. */
export function conditionOfR(R: Float64Array, k: number, colScale?: Float64Array): { condition: number; smallest: number[] } {
  const rows: number[][] = [];
  for (let i = 0; i < k; i++) {
    const row: number[] = [];
    for (let j = 0; j < k; j++) row.push(j >= i ? R[i * k + j]! * (colScale ? colScale[j]! : 1) : 0);
    rows.push(row);
  }
  const svd = new SingularValueDecomposition(new Matrix(rows), { computeLeftSingularVectors: false });
  const s = svd.diagonal;
  const min = Math.min(...s), max = Math.max(...s);
  const iMin = s.indexOf(min);
  const v = svd.rightSingularVectors.getColumn(iMin);
  return { condition: min > 0 ? max / min : Infinity, smallest: v };
}

/**
 * Finds the first column that is (numerically) a linear combination of the columns before it,
 * and the columns of that combination.
 *
 * @returns `null` when every pivot is above {@link RANK_TOLERANCE}
 */
export function firstDependentColumn(qr: QrFactor, names: readonly string[]): { index: number; involved: string[] } | null {
  const { k, R, relative_diagonal } = qr;
  for (let j = 0; j < k; j++) {
    if (relative_diagonal[j]! >= RANK_TOLERANCE) continue;
    // x̃ⱼ ≈ Σ_{i<j} cᵢ x̃ᵢ with R[0:j, 0:j]·c = R[0:j, j].
    const sub = new Float64Array(j * j);
    const rhs = new Float64Array(j);
    for (let a = 0; a < j; a++) {
      rhs[a] = R[a * k + j]!;
      for (let b = 0; b < j; b++) sub[a * j + b] = R[a * k + b]!;
    }
    const c = j > 0 ? solveUpper(sub, j, rhs) : new Float64Array(0);
    const big = Math.max(0, ...Array.from(c, Math.abs));
    const involved = names.slice(0, j).filter((_, i) => Math.abs(c[i]!) > 1e-6 * big);
    return { index: j, involved: [...involved, names[j]!] };
  }
  return null;
}

/**
 * Checks a column-major design for collinearity: exact or near-exact dependence (a scaled QR
 * pivot below 1e-10 of the largest) or a condition number of the column-scaled design above
 * 1e10. Either raises a {@link CollinearityError} naming the columns, or — with `drop` — removes
 * the offending columns one at a time and reports them.
 *
 * @param X column-major n×k design
 * @param names the k column names
 * @param options `drop`: drop dependent columns instead of failing (default false);
 *   `action`: the verb for messages (default "fit the model")
 * @returns the kept column indices, the dropped column names (empty unless `drop`), and the QR
 *   factor of the kept columns with Qᵀ applied to `rhs`
 * @throws {CollinearityError} when collinear and `drop` is false
 * Source: Golub & Van Loan §5.4 (rank-revealing QR); Belsley, Kuh & Welsch (1980) (scaled
 *   condition numbers).
 */
export function checkCollinearity(
  X: Float64Array, n: number, names: readonly string[], options: { drop?: boolean; action?: string; rhs?: Float64Array[] } = {},
): { keep: number[]; dropped: string[]; condition_scaled: number; qr: QrFactor; qty: Float64Array[] } {
  const action = options.action ?? "fit the model";
  let keep = names.map((_, j) => j);
  const dropped: string[] = [];
  for (;;) {
    const k = keep.length;
    if (k === 0) throw new CollinearityError(`Cannot ${action}: no column is left`, []);
    let sub = X;
    if (k < names.length) {
      sub = new Float64Array(n * k);
      keep.forEach((j, c) => sub.set(X.subarray(j * n, (j + 1) * n), c * n));
    }
    const { qr, qty } = householderQr(sub, n, k, options.rhs ?? []);
    const keptNames = keep.map((j) => names[j]!);
    if (n < k) {
      throw new CollinearityError(`Cannot ${action}: ${n} rows cannot identify ${k} coefficients (${keptNames.join(", ")})`, keptNames);
    }
    const dep = firstDependentColumn(qr, keptNames);
    if (dep) {
      if (!options.drop) {
        throw new CollinearityError(
          `Cannot ${action}: the design is collinear: '${keptNames[dep.index]}' is a linear combination of ${dep.involved.slice(0, -1).map((s) => `'${s}'`).join(", ") || "nothing (it is all zeros)"}; drop one of ${dep.involved.map((s) => `'${s}'`).join(", ")}`,
          dep.involved,
        );
      }
      dropped.push(keptNames[dep.index]!);
      keep = keep.filter((_, c) => c !== dep.index);
      continue;
    }
    const { condition, smallest } = conditionOfR(qr.R, k);
    if (condition > CONDITION_LIMIT) {
      const big = Math.max(...smallest.map(Math.abs));
      const involved = keptNames.filter((_, i) => Math.abs(smallest[i]!) > 0.1 * big);
      if (!options.drop) {
        throw new CollinearityError(
          `Cannot ${action}: the design is numerically collinear (condition number of the scaled design ${condition.toExponential(2)} > ${CONDITION_LIMIT.toExponential(0)}), so coefficients would have fewer than 6 correct digits; the near-dependence involves ${involved.map((s) => `'${s}'`).join(", ")}`,
          involved,
        );
      }
      const worst = smallest.map(Math.abs).indexOf(big);
      dropped.push(keptNames[worst]!);
      keep = keep.filter((_, c) => c !== worst);
      continue;
    }
    return { keep, dropped, condition_scaled: condition, qr, qty };
  }
}
