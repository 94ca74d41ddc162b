import { loadLogs, openStore } from "./lib/mod.ts";
import { visitsSql } from "./lib/ingest/stints_sql.ts";
const store = await openStore();
await loadLogs(store, ["/tmp/queuebook_bench_1000000.queue_log"]);
await store.exec("CREATE TEMP TABLE ev AS SELECT * FROM events");
const t = async (name: string, sql: string) => { const t0 = performance.now(); await store.exec(sql); console.log(name, ((performance.now()-t0)/1000).toFixed(2)); };
await t("visits", visitsSql("ev", true, 3e6));
await t("visits again", visitsSql("ev", true, 3e6));
await t("group simple", "CREATE OR REPLACE TEMP TABLE x AS SELECT call_id, count(*), min(at_ms), max(line) FROM ev WHERE status IN ('call','outbound') GROUP BY call_id");
await t("group 20 aggs no data", `CREATE OR REPLACE TEMP TABLE x AS SELECT call_id, count(*), count(*) FILTER (event='ENTERQUEUE'), count(*) FILTER (event='CONNECT'),
  max(at_ms) FILTER (event='ENTERQUEUE'), max(line) FILTER (event='ENTERQUEUE'), max(at_ms) FILTER (event='CONNECT'), max(line) FILTER (event='CONNECT'),
  any_value(agent) FILTER (event='CONNECT'), any_value(queue) FILTER (event='ENTERQUEUE'), min(queue), max(queue) FROM ev WHERE status IN ('call','outbound') GROUP BY call_id`);
await t("data extract", `CREATE OR REPLACE TEMP TABLE x AS SELECT call_id, TRY_CAST(nullif(trim(data[1]),'') AS DOUBLE) a, TRY_CAST(nullif(trim(data[3]),'') AS DOUBLE) b, TRY_CAST(nullif(trim(data[2]),'') AS DOUBLE) c FROM ev WHERE status IN ('call','outbound')`);
await t("projection only", `CREATE OR REPLACE TEMP TABLE x AS SELECT call_id, at_ms, line, event, queue, agent FROM ev WHERE status IN ('call','outbound')`);
const [r] = await store.query("SELECT count(*) n, count(DISTINCT call_id) c FROM ev WHERE status IN ('call','outbound')");
console.log(r);
store.close();
