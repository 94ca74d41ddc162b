/**
 * Model formulas in the familiar Wilkinson–Rogers / patsy style:
 * `y ~ x1 + C(dow) + x1:x2 + log(x3) - 1`.
 *
 * @module
 */

/** A transformation applied to a numeric column. */
export type Transform = { kind: "identity" } | { kind: "log" } | { kind: "exp" } | { kind: "sqrt" } | { kind: "power"; power: number };

/** One factor of a term: a (transformed) numeric column or a categorical column. */
export type Factor =
  | { kind: "numeric"; column: string; transform: Transform }
  | { kind: "categorical"; column: string; reference: string | null };

/** A term: the product (interaction) of one or more factors. */
export interface Term {
  factors: Factor[];
  /** Display name, e.g. `x1:C(dow)`. */
  name: string;
}

/** A parsed formula. */
export interface Formula {
  /** The text as given. */
  text: string;
  response: Factor & { kind: "numeric" };
  /** True unless `- 1`, `+ 0` or `- 0`... removed the intercept. */
  intercept: boolean;
  terms: Term[];
}

/** Error in a formula, with the 0-based character position. */
export class FormulaError extends SyntaxError {
  readonly position: number;
  constructor(message: string, formula: string, position: number) {
    super(`Cannot parse formula '${formula}' at character ${position + 1}: ${message}`);
    this.name = "FormulaError";
    this.position = position;
  }
}

/** Display name of a factor (patsy/statsmodels style). */
export function factorName(f: Factor): string {
  if (f.kind === "categorical") return f.reference === null ? `C(${f.column})` : `C(${f.column}, ref=${JSON.stringify(f.reference)})`;
  switch (f.transform.kind) {
    case "identity":
      return f.column;
    case "power":
      return `I(${f.column}**${f.transform.power})`;
    default:
      return `${f.transform.kind}(${f.column})`;
  }
}

type Token = { type: "name" | "number" | "string" | "op"; value: string; pos: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "`") {
      const end = text.indexOf("`", i + 1);
      if (end < 0) throw new FormulaError("unclosed backtick", text, i);
      tokens.push({ type: "name", value: text.slice(i + 1, end), pos: i });
      i = end + 1;
    } else if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new FormulaError("unclosed string", text, i);
      tokens.push({ type: "string", value: text.slice(i + 1, end), pos: i });
      i = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))!;
      tokens.push({ type: "name", value: m[0], pos: i });
      i += m[0].length;
    } else if (/[0-9.]/.test(c)) {
      const m = /^[0-9]*\.?[0-9]+([eE][+-]?[0-9]+)?/.exec(text.slice(i));
      if (!m) throw new FormulaError(`unexpected '${c}'`, text, i);
      tokens.push({ type: "number", value: m[0], pos: i });
      i += m[0].length;
    } else if (text.startsWith("**", i)) {
      tokens.push({ type: "op", value: "**", pos: i });
      i += 2;
    } else if ("~+-:*()^,=".includes(c)) {
      tokens.push({ type: "op", value: c, pos: i });
      i++;
    } else {
      throw new FormulaError(`unexpected '${c}'`, text, i);
    }
  }
  return tokens;
}

/**
 * Parses a model formula.
 *
 * Grammar: `response ~ term (+|- term)*`. A term is factors joined by `:` (interaction);
 * `a*b` expands to `a + b + a:b`. Factors: a column name (backticks for names with spaces),
 * `C(col)` or `C(col, ref="level")` / `C(col, Treatment("level"))` (categorical with a named
 * reference level; default the first level in sorted order), `log(col)`, `exp(col)`,
 * `sqrt(col)`, `I(col**k)` or `I(col^k)` (power). `- 1`, `+ 0` or `- 0`... remove the intercept; `+ 1`
 * keeps it. The response may be transformed (`log(y)`).
 *
 * @throws {FormulaError} (a SyntaxError) with the position of the problem
 * Source: Wilkinson & Rogers (1973), "Symbolic description of factorial models"; patsy's formula
 *   language (the one statsmodels users know).
 * @example
 * ```ts
 * parseFormula("calls ~ agents + C(dow, ref='Mon') - 1").terms.map((t) => t.name); // ["agents", "C(dow, ref=\"Mon\")"]
 * ```
 */
export function parseFormula(text: string): Formula {
  const tokens = tokenize(text);
  let p = 0;
  const peek = () => tokens[p];
  const expect = (value: string) => {
    const t = tokens[p];
    if (!t || t.value !== value || t.type === "string") {
      throw new FormulaError(`expected '${value}'${t ? `, got '${t.value}'` : " at the end"}`, text, t?.pos ?? text.length);
    }
    p++;
  };
  const columnName = (): string => {
    const t = tokens[p];
    if (!t || t.type !== "name") throw new FormulaError(`expected a column name${t ? `, got '${t.value}'` : ""}`, text, t?.pos ?? text.length);
    p++;
    return t.value;
  };
  const factor = (): Factor => {
    const t = tokens[p];
    if (!t || t.type !== "name") throw new FormulaError(`expected a term${t ? `, got '${t.value}'` : ""}`, text, t?.pos ?? text.length);
    const next = tokens[p + 1];
    if (next?.value === "(" && ["C", "log", "exp", "sqrt", "I"].includes(t.value)) {
      p += 2;
      if (t.value === "C") {
        const column = columnName();
        let reference: string | null = null;
        if (peek()?.value === ",") {
          p++;
          const k = peek();
          if (k?.value === "Treatment" || k?.value === "ref") {
            p++;
            if (k.value === "Treatment") expect("(");
            else expect("=");
            const v = tokens[p];
            if (!v || (v.type !== "string" && v.type !== "number" && v.type !== "name")) {
              throw new FormulaError("expected a reference level", text, v?.pos ?? text.length);
            }
            reference = v.value;
            p++;
            if (k.value === "Treatment") expect(")");
          } else {
            throw new FormulaError("expected ref=… or Treatment(…)", text, k?.pos ?? text.length);
          }
        }
        expect(")");
        return { kind: "categorical", column, reference };
      }
      if (t.value === "I") {
        const column = columnName();
        const op = peek();
        if (op?.value !== "**" && op?.value !== "^") throw new FormulaError("I() supports col**k only", text, op?.pos ?? text.length);
        p++;
        const k = tokens[p];
        if (!k || k.type !== "number") throw new FormulaError("expected a power", text, k?.pos ?? text.length);
        p++;
        expect(")");
        return { kind: "numeric", column, transform: { kind: "power", power: Number(k.value) } };
      }
      const column = columnName();
      expect(")");
      return { kind: "numeric", column, transform: { kind: t.value as "log" | "exp" | "sqrt" } };
    }
    p++;
    return { kind: "numeric", column: t.value, transform: { kind: "identity" } };
  };
  const interaction = (): Factor[] => {
    const fs = [factor()];
    while (peek()?.value === ":") {
      p++;
      fs.push(factor());
    }
    return fs;
  };

  const response = factor();
  if (response.kind !== "numeric") throw new FormulaError("the response must be numeric", text, 0);
  expect("~");
  let intercept = true;
  const terms: Term[] = [];
  // A factor repeated in an interaction is one factor (patsy and R: `x:x` is `x`, `a*a` is `a`).
  const distinct = (fs: Factor[]) => fs.filter((f, i) => fs.findIndex((g) => factorName(g) === factorName(f)) === i);
  const add = (all: Factor[]) => {
    const fs = distinct(all);
    const name = fs.map(factorName).join(":");
    if (!terms.some((t) => t.name === name)) terms.push({ factors: fs, name });
  };
  const remove = (all: Factor[]) => {
    const fs = distinct(all);
    const name = fs.map(factorName).join(":");
    const i = terms.findIndex((t) => t.name === name);
    if (i >= 0) terms.splice(i, 1);
  };
  let sign = "+";
  let first = true;
  while (p < tokens.length) {
    const t = tokens[p]!;
    if (!first || t.value === "+" || t.value === "-") {
      if (t.value !== "+" && t.value !== "-") throw new FormulaError(`expected '+' or '-', got '${t.value}'`, text, t.pos);
      sign = t.value;
      p++;
    }
    first = false;
    const u = tokens[p];
    if (!u) throw new FormulaError("expected a term at the end", text, text.length);
    if (u.type === "number") {
      if (u.value !== "0" && u.value !== "1") throw new FormulaError(`only 0 and 1 may stand alone, got '${u.value}'`, text, u.pos);
      intercept = (u.value === "1") === (sign === "+");
      p++;
      continue;
    }
    const left = interaction();
    if (peek()?.value === "*") {
      p++;
      const right = interaction();
      const terms3 = [left, right, [...left, ...right]];
      for (const fs of terms3) (sign === "+" ? add : remove)(fs);
    } else {
      (sign === "+" ? add : remove)(left);
    }
  }
  return { text, response: response as Factor & { kind: "numeric" }, intercept, terms };
}
