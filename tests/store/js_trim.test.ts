/**
 * The session macro `js_trim` strips exactly what JavaScript's `String.prototype.trim` strips
 * (ECMA-262 WhiteSpace and LineTerminator), over every character of the Basic Multilingual
 * Plane, with the set found here by JavaScript itself, not from the product's constant.
 */
import { describe, expect, it } from "vitest";
import { openStore } from "../../lib/mod.ts";

describe("js_trim", () => {
  it("trims every BMP character that String.prototype.trim trims, and no other", async () => {
    const store = await openStore();
    // Each BMP character (surrogates aside) padded on both sides of an "x", built in SQL by chr(code point).
    const rows = await store.query<{ i: number; n: number }>(
      "SELECT i, length(js_trim(chr(i::INTEGER) || 'x' || chr(i::INTEGER))) AS n FROM range(1, 65536) t(i) WHERE i < 55296 OR i > 57343",
    );
    store.close();
    const trimmedBySql = rows.filter((r) => Number(r.n) === 1).map((r) => Number(r.i));
    const trimmedByJs: number[] = [];
    for (let i = 1; i < 65536; i++) {
      const c = String.fromCharCode(i);
      if ((i < 0xd800 || i > 0xdfff) && `${c}x${c}`.trim() === "x") trimmedByJs.push(i);
    }
    expect(trimmedBySql).toEqual(trimmedByJs);
    expect(trimmedByJs).toHaveLength(25); // 9–13, 32, A0, 1680, 2000–200A, 2028, 2029, 202F, 205F, 3000, FEFF
  });
});
