import { DuckDBInstance, DuckDBDataChunk, VARCHAR, BIGINT, DOUBLE, INTEGER } from "@duckdb/node-api";
import { writeFileSync } from "node:fs";
const file = Deno.args[0];
const inst = await DuckDBInstance.create(":memory:");
const c = await inst.connect();
let t = performance.now();
const lap = (s: string) => { const n = performance.now(); console.log(s, (n - t).toFixed(0), "ms"); t = n; };
await c.run(`CREATE TABLE raw AS SELECT * FROM read_csv('${file}', delim=E'\\x01', header=false, quote='', escape='', auto_detect=false, columns={'text':'VARCHAR'})`);
lap("read raw single col");
await c.run(`CREATE TABLE ev AS SELECT rowid+1 AS line, string_split(text, '|') AS f FROM raw`);
lap("split");
await c.run(`CREATE TABLE ev2 AS SELECT line, try_cast(f[1] AS DOUBLE) AS at, f[2] callid, f[3] queue, f[4] agent, f[5] AS event, f[6] d1, f[7] d2, f[8] d3, f[9] d4, f[10] d5 FROM ev`);
lap("fields");
const res = await c.stream(`SELECT line, "at", callid, queue, agent, event, d1, d2, d3 FROM ev2 WHERE callid <> 'NONE' ORDER BY callid, "at", line`);
let n = 0, sink = 0;
for (;;) {
  const chunk = await res.fetchChunk();
  if (!chunk || chunk.rowCount === 0) break;
  const cols = chunk.getColumns();
  n += chunk.rowCount;
  const ids = cols[2] as string[];
  for (let i = 0; i < ids.length; i++) sink += ids[i]!.length;
}
lap(`read back ${n} rows`);
// write 1M rows x 19 columns via appender + datachunk
await c.run(`CREATE TABLE st (call_id VARCHAR, stint_no INTEGER, source VARCHAR, queue VARCHAR, direction VARCHAR, entered_at BIGINT, answered_at BIGINT, ended_at BIGINT, agent VARCHAR, outcome VARCHAR, wait_s DOUBLE, ring_s DOUBLE, talk_s DOUBLE, hold_s DOUBLE, wrap_s DOUBLE, position_entered INTEGER, caller VARCHAR, transfer_to VARCHAR, rec BOOLEAN)`);
const N = 1_000_000;
const ap = await c.createAppender("st");
for (let i = 0; i < N; i++) {
  ap.appendVarchar("1790838000." + i); ap.appendInteger(1); ap.appendVarchar("/tmp/x"); ap.appendVarchar("sales"); ap.appendVarchar("inbound");
  ap.appendBigInt(BigInt(1790838000000 + i)); ap.appendBigInt(BigInt(1790838000000 + i)); ap.appendBigInt(BigInt(1790838000000 + i));
  ap.appendVarchar("Agent/1001"); ap.appendVarchar("answered"); ap.appendDouble(12); ap.appendDouble(3); ap.appendDouble(200); ap.appendNull(); ap.appendNull();
  ap.appendInteger(1); ap.appendVarchar("5551234567"); ap.appendNull(); ap.appendBoolean(false);
  ap.endRow();
}
ap.flushSync(); ap.closeSync();
lap("appender 1M rows");
// TSV
let parts: string[] = [];
for (let i = 0; i < N; i++) parts.push(`1790838000.${i}\t1\t/tmp/x\tsales\tinbound\t${1790838000000 + i}\t${1790838000000 + i}\t${1790838000000 + i}\tAgent/1001\tanswered\t12\t3\t200\t\t\t1\t5551234567\t\tfalse\n`);
writeFileSync("/tmp/qb/st.tsv", parts.join("")); parts = [];
lap("tsv build+write");
await c.run(`INSERT INTO st SELECT * FROM read_csv('/tmp/qb/st.tsv', delim='\t', header=false, quote='', escape='', auto_detect=false, nullstr='', columns={'call_id':'VARCHAR','stint_no':'INTEGER','source':'VARCHAR','queue':'VARCHAR','direction':'VARCHAR','entered_at':'BIGINT','answered_at':'BIGINT','ended_at':'BIGINT','agent':'VARCHAR','outcome':'VARCHAR','wait_s':'DOUBLE','ring_s':'DOUBLE','talk_s':'DOUBLE','hold_s':'DOUBLE','wrap_s':'DOUBLE','position_entered':'INTEGER','caller':'VARCHAR','transfer_to':'VARCHAR','rec':'BOOLEAN'})`);
lap("copy tsv");
console.log(sink, "peak", Number(Deno.readTextFileSync("/proc/self/status").match(/VmHWM:\s+(\d+)/)![1]) / 1024);
