/**
 * Reports: self-contained HTML (inline CSS and SVG charts, no network) and chart rendering.
 *
 * @module
 */
export { buildCallsReport, type CallsReportOptions, renderCallsReport, type CallsReportData } from "./calls_report.ts";
export { plotSvg, Plot } from "./plot_svg.ts";
export { guardCell, toCsv } from "./csv.ts";
export { escapeHtml, formatCount, formatDuration, formatPercent, formatSeconds, htmlTable, isolate, type Column } from "./html.ts";
export { buildOperatorsReport, type OperatorsReportOptions, stateTimelineSvg } from "./operators_report.ts";
export { buildServicesReport, type ServicesReportOptions } from "./services_report.ts";
export { columnsOf, exportCell, type ExportTable, tableCsv, tablesXlsx } from "./export.ts";
export { buildImprovementsReport, type ImprovementsReportInput, type ImprovementsReportOptions } from "./improvements_report.ts";
