import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create(":memory:");
const c = await inst.connect();
const cols = Array.from({length: 12}, (_, i) => `'c${i+1}':'VARCHAR'`).join(",");
const r = await c.runAndReadAll(`SELECT row_number() OVER () line, * FROM read_csv('${Deno.args[0]}', delim='|', header=false, quote='', escape='', auto_detect=false, columns={${cols}}, new_line='\\n', strict_mode=false, null_padding=true, nullstr=E'\\x02\\x03', max_line_size=1048576)`);
for (const row of r.getRows()) console.log(JSON.stringify(row, (k, v) => typeof v === "bigint" ? Number(v) : v));
