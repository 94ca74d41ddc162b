/** Private: the calls report's stylesheet (inline, so the file opens offline). */
export const REPORT_CSS = `
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1200px; padding: 24px; background: #fff; }
header h1 { margin: 0 0 4px; font-size: 24px; }
.sub { color: var(--muted); margin: 0; font-size: 12px; overflow-wrap: anywhere; }
h2 { font-size: 17px; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 14px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 10px; margin-top: 20px; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.tile .label { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.tile .value { font-size: 22px; font-weight: 600; margin-top: 2px; }
.tile .note { font-size: 11px; color: var(--muted); }
figure.chart { margin: 16px 0 24px; }
figure.chart figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
div.table-wrap { overflow-x: auto; }
table.data { border-collapse: collapse; width: 100%; font-size: 12px; margin: 8px 0; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
table.data th { background: #f5f7fa; font-weight: 600; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data.with-total tbody tr:last-child td { font-weight: 600; border-top: 2px solid var(--line); }
table.data th, table.data th.num { white-space: normal; overflow-wrap: normal; vertical-align: bottom; }
table.data caption { text-align: left; color: var(--muted); font-size: 12px; padding-bottom: 4px; }
footer dl { display: grid; grid-template-columns: 190px 1fr; gap: 4px 12px; font-size: 12px; }
footer dt { font-weight: 600; }
footer dd { margin: 0; color: var(--ink); }
@media print { body { padding: 0; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
`;
