/** The notebook display helper: the bundle comes from the Symbol.for("Jupyter.display") protocol and reaches the publisher given. */
import { describe, expect, it } from "vitest";
import { displayable, showWith } from "../../lib/mod.ts";

describe("notebook display", () => {
  it("renders HTML through Symbol.for('Jupyter.display') and publishes it raw with the publisher given", async () => {
    const bundle = (displayable("<b>x</b>") as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!();
    expect(Object.keys(bundle)).toEqual(["text/html"]);
    expect(bundle["text/html"]!.endsWith("<b>x</b>")).toBe(true);
    const sent: [Record<string, string>, unknown][] = [];
    await showWith((b, o) => void sent.push([b, o]))("<i>y</i>");
    expect(sent).toHaveLength(1);
    expect(sent[0]![0]["text/html"]!.endsWith("<i>y</i>")).toBe(true);
    expect(sent[0]![1]).toEqual({ raw: true });
  });
});
