/**
 * Design matrices from a table and a formula: numeric terms, transformations, categorical
 * dummies with a named reference level, interactions, with or without a constant.
 *
 * @module
 */
import { type Factor, factorName, type Formula, parseFormula } from "./formula.ts";

/** A data table: columns by name (column-major), or an array of row objects. */
export type DataTable = Readonly<Record<string, readonly unknown[]>> | readonly object[];

/** What is needed to rebuild the same columns on new data (levels, references). */
export interface DesignSpec {
  formula: string;
  intercept: boolean;
  /** Column names of the design, in order (`const` first when there is an intercept). */
  names: string[];
  /** Levels of each categorical column (sorted), and the reference level dropped. */
  levels: Record<string, string[]>;
  references: Record<string, string>;
}

/** A design matrix. X is column-major (n × k); `rows` maps design rows to input rows. */
export interface Design {
  X: Float64Array;
  y: Float64Array;
  n: number;
  k: number;
  names: string[];
  rows: Int32Array;
  /** Input rows left out because a used value was missing (null, undefined, NaN or ""). */
  dropped_rows: number;
  spec: DesignSpec;
  formula: Formula;
}

/**
 * A column named by the formula or an option (weights, trials, offset, cluster…) is not in the
 * table: the caller's mistake, not the data's (the CLI exits 2 on it).
 */
export class MissingColumnError extends TypeError {
  constructor(message: string, readonly column: string) {
    super(message);
    this.name = "MissingColumnError";
  }
}

/**
 * Normalizes a {@link DataTable} to columns, in an object without a prototype: a column named
 * `constructor`, `toString` or `__proto__` is a column like any other, and a name that is not
 * a column is absent (never an inherited property).
 */
export function toColumns(data: DataTable): { columns: Record<string, readonly unknown[]>; n: number } {
  const columns: Record<string, readonly unknown[]> = Object.create(null);
  if (Array.isArray(data)) {
    const rows = data as unknown as readonly Record<string, unknown>[];
    const names = new Set<string>();
    for (const r of rows) for (const k of Object.keys(r)) names.add(k);
    for (const name of names) columns[name] = rows.map((r) => (Object.hasOwn(r, name) ? r[name] : undefined));
    return { columns, n: rows.length };
  }
  for (const name of Object.keys(data)) columns[name] = (data as Record<string, readonly unknown[]>)[name]!;
  const lengths = new Set(Object.values(columns).map((c) => c.length));
  if (lengths.size > 1) throw new TypeError(`Cannot build a design: columns have different lengths (${[...lengths].join(", ")})`);
  return { columns, n: lengths.size ? [...lengths][0]! : 0 };
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A table cell as a number: numbers as they are, decimal strings parsed (no hex, no words); else NaN. */
export function cellNumber(cell: unknown): number {
  if (typeof cell === "number") return cell;
  return typeof cell === "string" && DECIMAL.test(cell.trim()) ? Number(cell) : NaN;
}
/** Magnitudes beyond these overflow or underflow sums of squares in double precision. */
const MAX_MAGNITUDE = 1e150;
const MIN_MAGNITUDE = 1e-150;

const missing = (v: unknown) => v === null || v === undefined || v === "" || (typeof v === "number" && Number.isNaN(v));

function levelKey(v: unknown): string {
  return typeof v === "string" ? v : String(v);
}

function sortLevels(values: string[]): string[] {
  const numeric = values.every((v) => v.trim() !== "" && Number.isFinite(Number(v)));
  return [...values].sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Builds the design matrix of a formula on a table.
 *
 * Rows with a missing value in any column the formula uses are left out and counted in
 * `dropped_rows`. Categorical columns expand to treatment dummies named `C(col)[T.level]`
 * with the reference level left out (default: the first level, sorted numerically when every
 * level is a number); interactions multiply their factors' columns (`x:C(g)[T.b]`). The
 * constant is named `const`.
 *
 * @param data the table
 * @param formula a formula string or a parsed {@link Formula}
 * @param spec when given (prediction), reuse its levels and references instead of the data's
 * @param options `response: false` builds the right-hand side only (prediction on new data)
 * @returns the {@link Design}
 * @throws {TypeError} for a missing column, or a non-numeric value in a numeric column (names
 *   column and row)
 * @throws {RangeError} for log/sqrt of a value out of domain, an unknown reference level, or a
 *   level unseen at fitting time (names column, row and value)
 * Source: patsy/statsmodels treatment coding and naming conventions.
 */
export function buildDesign(data: DataTable, formula: string | Formula, spec?: DesignSpec, options: { response?: boolean } = {}): Design {
  const f = typeof formula === "string" ? parseFormula(formula) : formula;
  const withResponse = options.response ?? true;
  const { columns, n: nIn } = toColumns(data);
  const factors: Factor[] = [...(withResponse ? [f.response] : []), ...f.terms.flatMap((t) => t.factors)];
  const used = [...new Set(factors.map((x) => x.column))];
  for (const c of used) {
    if (!(c in columns)) {
      throw new MissingColumnError(`Cannot build a design for '${f.text}': no column '${c}'; columns are ${Object.keys(columns).join(", ") || "none"}`, c);
    }
  }
  const keep: number[] = [];
  for (let i = 0; i < nIn; i++) if (used.every((c) => !missing(columns[c]![i]))) keep.push(i);
  const n = keep.length;

  const numericValue = (factor: Factor & { kind: "numeric" }, i: number): number => {
    const raw = columns[factor.column]![i];
    const x = cellNumber(raw);
    if (!Number.isFinite(x)) {
      throw new TypeError(`Cannot build a design: column '${factor.column}' row ${i + 1} is ${typeof raw === "string" ? JSON.stringify(raw) : String(raw)}, not a finite decimal number`);
    }
    if (x !== 0 && (Math.abs(x) > MAX_MAGNITUDE || Math.abs(x) < MIN_MAGNITUDE)) {
      throw new RangeError(`Cannot build a design: column '${factor.column}' row ${i + 1} is ${x}, outside ±[1e-150, 1e150]; rescale the column (e.g. to thousands)`);
    }
    const v = transformed(factor, x, i);
    if (!Number.isFinite(v) || (v !== 0 && (Math.abs(v) > MAX_MAGNITUDE || Math.abs(v) < MIN_MAGNITUDE))) {
      throw new RangeError(`Cannot build a design: ${factorName(factor)} at row ${i + 1} is ${v} (${factor.column} = ${x}), outside ±[1e-150, 1e150]`);
    }
    return v;
  };
  const transformed = (factor: Factor & { kind: "numeric" }, x: number, i: number): number => {
    switch (factor.transform.kind) {
      case "identity":
        return x;
      case "log":
        if (!(x > 0)) throw new RangeError(`Cannot take log(${factor.column}): row ${i + 1} is ${x}, must be > 0`);
        return Math.log(x);
      case "sqrt":
        if (!(x >= 0)) throw new RangeError(`Cannot take sqrt(${factor.column}): row ${i + 1} is ${x}, must be ≥ 0`);
        return Math.sqrt(x);
      case "exp":
        return Math.exp(x);
      case "power":
        if (x < 0 && !Number.isInteger(factor.transform.power)) {
          throw new RangeError(`Cannot take ${factorName(factor)}: row ${i + 1} is ${x}, must be ≥ 0 for a fractional power`);
        }
        return x ** factor.transform.power;
    }
  };

  const levels: Record<string, string[]> = { ...(spec?.levels ?? {}) };
  const references: Record<string, string> = { ...(spec?.references ?? {}) };
  for (const fac of factors) {
    if (fac.kind !== "categorical" || (spec && fac.column in spec.levels)) continue;
    const seen = sortLevels([...new Set(keep.map((i) => levelKey(columns[fac.column]![i])))]);
    levels[fac.column] = seen;
    const ref = fac.reference ?? seen[0] ?? "";
    if (fac.reference !== null && !seen.includes(fac.reference)) {
      throw new RangeError(`Cannot use reference level '${fac.reference}' for C(${fac.column}): levels are ${seen.join(", ")}`);
    }
    references[fac.column] = ref;
  }

  // Columns of each factor: [name suffix, value(i)].
  const factorColumns = (fac: Factor): { name: string; value: (i: number) => number }[] => {
    if (fac.kind === "numeric") return [{ name: factorName(fac), value: (i) => numericValue(fac, i) }];
    const ref = references[fac.column]!;
    const known = new Set(levels[fac.column]);
    return levels[fac.column]!.filter((l) => l !== ref).map((level) => ({
      name: `${factorName({ ...fac, reference: null })}[T.${level}]`,
      value: (i: number) => {
        const v = levelKey(columns[fac.column]![i]);
        if (!known.has(v)) throw new RangeError(`Cannot build a design: C(${fac.column}) row ${i + 1} has level '${v}' unseen when fitting (levels ${[...known].join(", ")})`);
        return v === level ? 1 : 0;
      },
    }));
  };
  const designColumns: { name: string; value: (i: number) => number }[] = [];
  if (f.intercept) designColumns.push({ name: "const", value: () => 1 });
  for (const term of f.terms) {
    let combos: { name: string; value: (i: number) => number }[] = [{ name: "", value: () => 1 }];
    for (const fac of term.factors) {
      const cols = factorColumns(fac);
      combos = combos.flatMap((a) => cols.map((b) => ({ name: a.name ? `${a.name}:${b.name}` : b.name, value: (i: number) => a.value(i) * b.value(i) })));
    }
    designColumns.push(...combos);
  }
  const k = designColumns.length;
  const X = new Float64Array(n * k);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const i = keep[r]!;
    if (withResponse) y[r] = numericValue(f.response, i);
    for (let j = 0; j < k; j++) X[j * n + r] = designColumns[j]!.value(i);
  }
  const names = designColumns.map((c) => c.name);
  return {
    X, y, n, k, names, rows: Int32Array.from(keep), dropped_rows: nIn - n,
    spec: { formula: f.text, intercept: f.intercept, names, levels, references },
    formula: f,
  };
}
