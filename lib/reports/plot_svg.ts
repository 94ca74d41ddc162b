/**
 * Rendering Observable Plot charts to SVG markup outside a browser (linkedom as the document).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/**
 * Renders a Plot specification to an SVG (or figure) HTML string, usable in a static report or
 * a notebook cell.
 *
 * Limitation: a continuous colour legend (`color: { legend: true }` on a linear scale) is drawn
 * on a canvas, which linkedom lacks, and throws; use a stepped scale (`type: "quantize"`) whose
 * legend is SVG.
 *
 * @param options Plot options (as for `Plot.plot`), without `document`
 * @returns the outer HTML of the chart
 * Source: Observable Plot 0.6 "Plot.plot" (`document` option for server-side rendering).
 * @example
 * ```ts
 * plotSvg({ marks: [Plot.ruleY([0])] }).startsWith("<svg"); // true
 * ```
 */
export function plotSvg(options: Plot.PlotOptions): string {
  const { document } = parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: never };
  const chart = Plot.plot({ ...options, document });
  return (chart as unknown as { outerHTML: string }).outerHTML;
}

export { Plot };
