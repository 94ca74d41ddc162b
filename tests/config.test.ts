import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ROOT } from "./_helpers.ts";

const read = (name: string) => JSON.parse(readFileSync(`${ROOT}${name}`, "utf8")) as { imports: Record<string, string> };

describe("deno.json and deno.test.json", () => {
  it("give the tests every package of the library at the same version (test-only packages stay out of the main job)", () => {
    const main = read("deno.json").imports;
    const test = read("deno.test.json").imports;
    for (const [name, spec] of Object.entries(main)) expect(test[name], name).toBe(spec);
    const testOnly = Object.keys(test).filter((k) => !(k in main)).sort();
    // fflate and read-excel-file read the exported workbooks back.
    expect(testOnly).toEqual(["fast-check", "fflate", "playwright-core", "read-excel-file/node", "vite", "vitest"]);
  });
});
