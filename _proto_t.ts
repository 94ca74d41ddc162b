import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create(":memory:");
const c = await inst.connect();
for (const f of Deno.args) {
  try {
    const r = await c.runAndReadAll(`SELECT text, length(text) FROM read_csv('${f}', delim=E'\\x01', header=false, quote='', escape='', auto_detect=false, columns={'text':'VARCHAR'}, strict_mode=false, max_line_size=1048576)`);
    console.log(f, JSON.stringify(r.getRows().slice(0, 12), (k, v) => typeof v === "bigint" ? Number(v) : v));
  } catch (e) { console.log(f, "ERR", (e as Error).message.slice(0, 300)); }
}
