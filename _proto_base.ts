import { DuckDBInstance } from "@duckdb/node-api";
const file = Deno.args[0];
const t0 = performance.now();
const inst = await DuckDBInstance.create(":memory:");
const c = await inst.connect();
await c.run("SET TimeZone='UTC'");
await c.run(`CREATE TABLE ev AS SELECT * FROM read_csv('${file}', delim='|', header=false, quote='', escape='', null_padding=true, strict_mode=false, auto_detect=false,
  columns={'t':'VARCHAR','callid':'VARCHAR','queue':'VARCHAR','agent':'VARCHAR','event':'VARCHAR','d1':'VARCHAR','d2':'VARCHAR','d3':'VARCHAR','d4':'VARCHAR','d5':'VARCHAR'})`);
const t1 = performance.now();
await c.run(`CREATE TABLE st AS SELECT callid, queue, min(t::BIGINT) FILTER (event='ENTERQUEUE') AS entered,
   max(try_cast(d1 AS DOUBLE)) FILTER (event='CONNECT') AS wait_ans, max(try_cast(d3 AS DOUBLE)) FILTER (event='ABANDON') AS wait_ab,
   max(try_cast(d2 AS DOUBLE)) FILTER (event IN ('COMPLETECALLER','COMPLETEAGENT')) AS talk,
   bool_or(event='CONNECT') AS ans, bool_or(event='ABANDON') AS ab, any_value(agent) FILTER (event='CONNECT') AS agent
   FROM ev WHERE callid <> 'NONE' GROUP BY callid, queue`);
const r = await c.runAndReadAll(`SELECT queue, (entered // 1800) AS iv, count(*) offered, count(*) FILTER (ans) a, count(*) FILTER (ab) b, count(*) FILTER (ans AND wait_ans<=20) w, avg(talk) aht FROM st GROUP BY ALL`);
const r2 = await c.runAndReadAll(`SELECT agent, count(*), sum(talk) FROM st WHERE agent IS NOT NULL GROUP BY agent`);
const t2 = performance.now();
console.log({ load: t1 - t0, agg: t2 - t1, rows: r.getRows().length, agents: r2.getRows().length });
const p = Deno.readTextFileSync("/proc/self/status").match(/VmHWM:\s+(\d+)/)![1];
console.log("peak rss MB", Number(p) / 1024);
