/**
 * Notebook helpers: showing HTML (tables, SVG charts, model summaries) as the output of the
 * running Jupyter cell, in one place for every notebook. The library renders through the
 * `Symbol.for("Jupyter.display")` protocol only; the notebook passes Deno's publisher in:
 *
 * ```ts
 * const show = showWith(display); // in the notebook: the kernel's display function, passed in
 * await show(htmlTable(rows, columns));
 * ```
 *
 * @module
 */

/** The key of Deno's Jupyter display protocol: an object with this method is shown as its bundle. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** What publishes a display bundle (the Deno kernel's display function, given by the notebook). */
export type DisplayFn = (bundle: Record<string, string>, options: { raw: true }) => Promise<void> | void;

/** Right-aligns the numeric cells of `htmlTable` output inside notebooks (their CSS is not loaded). */
const NOTEBOOK_CSS = "<style>table.data td:not(.num), table.data th:not(.num) { text-align: left; } table.data td.num, table.data th.num { text-align: right; }</style>";

/**
 * HTML as a displayable value: a cell that returns it shows it (the `Symbol.for("Jupyter.display")`
 * protocol), with the notebook table style.
 *
 * @param html HTML to show (already escaped: e.g. from `htmlTable` or `plotSvg`)
 */
export function displayable(html: string): { [JUPYTER_DISPLAY](): Record<string, string> } {
  return { [JUPYTER_DISPLAY]: () => ({ "text/html": `${NOTEBOOK_CSS}${html}` }) };
}

/**
 * A `show(html)` that publishes `displayable(html)`'s bundle with `publish` and waits for it,
 * plus a short pause, so that the kernel sends it before the cell reports idle (a returned
 * display value is sometimes dropped by nbconvert otherwise: measured 6 runs in 10 losing one;
 * none in 125 displays this way, see `.ci/run_notebooks`).
 *
 * @param publish the kernel's publisher, passed in by the notebook (lib never reaches for the kernel)
 * Source: Deno manual, "Jupyter kernel" (display bundles, `Symbol.for("Jupyter.display")`).
 */
export function showWith(publish: DisplayFn): (html: string) => Promise<void> {
  return async (html: string) => {
    await publish(displayable(html)[JUPYTER_DISPLAY](), { raw: true });
    await new Promise((resolve) => setTimeout(resolve, 30));
  };
}
