/**
 * Notebook helpers: showing HTML (tables, SVG charts, model summaries) as the output of the
 * running Jupyter cell, in one place for every notebook.
 *
 * @module
 */

/** What publishes a display bundle (Deno's `Deno.jupyter.display` in the kernel). */
export type DisplayFn = (bundle: Record<string, string>, options: { raw: true }) => Promise<void> | void;

/** Right-aligns the numeric cells of `htmlTable` output inside notebooks (their CSS is not loaded). */
const NOTEBOOK_CSS = "<style>table.data td:not(.num), table.data th:not(.num) { text-align: left; } table.data td.num, table.data th.num { text-align: right; }</style>";

/**
 * Shows HTML as an output of the running cell. The bundle is published with
 * `Deno.jupyter.display` and awaited, plus a short pause, so that the kernel sends it before the
 * cell reports idle (a returned display value is sometimes dropped by nbconvert otherwise:
 * measured 6 runs in 10 losing one; none in 125 displays this way, see `.ci/run_notebooks`).
 *
 * @param html HTML to show (already escaped: e.g. from `htmlTable` or `plotSvg`)
 * @param display the publisher (default `Deno.jupyter.display`)
 * @throws {Error} outside a Jupyter kernel when no publisher is given
 * Source: Deno manual, "Jupyter kernel" (`Deno.jupyter.display`, the `Symbol.for("Jupyter.display")` protocol).
 */
export async function show(html: string, display?: DisplayFn): Promise<void> {
  const publish = display ?? (globalThis as { Deno?: { jupyter?: { display?: DisplayFn } } }).Deno?.jupyter?.display;
  if (!publish) throw new Error("Cannot show HTML: not running in a Jupyter kernel (Deno.jupyter.display is missing); pass a display function");
  await publish({ "text/html": `${NOTEBOOK_CSS}${html}` }, { raw: true });
  await new Promise((resolve) => setTimeout(resolve, 30));
}
