import { describe, expect, it } from "vitest";
import { guardCell, toCsv } from "../../lib/mod.ts";

describe("toCsv()", () => {
  it("neutralizes cells a spreadsheet would run as formulas (OWASP CSV injection)", () => {
    for (const payload of ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=x", "\r=x"]) expect(guardCell(payload)).toBe(`'${payload}`);
    expect(guardCell(-3)).toBe(-3);
    expect(guardCell("sales")).toBe("sales");
  });

  it("quotes delimiters and quotes, and leaves null and non-finite numbers empty", () => {
    const csv = toCsv([{ queue: '=HYPERLINK("x")', n: 1.5, asa_s: Infinity, note: null }, { queue: "a,b", n: 0, asa_s: 2, note: 'say "hi"' }]);
    expect(csv).toBe('queue,n,asa_s,note\n"\'=HYPERLINK(""x"")",1.5,,\n"a,b",0,2,"say ""hi"""\n');
  });
});
