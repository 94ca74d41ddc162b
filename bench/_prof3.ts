import { openStore } from "../lib/mod.ts";
import { nativeParseSql, readLinesSql } from "../lib/ingest/parse_sql.ts";
import { visitsSql } from "../lib/ingest/stints_sql.ts";
const file = Deno.args[0];
const store = await openStore();
async function t(name: string, f: () => Promise<unknown>) {
  const t0 = performance.now();
  await f();
  console.log(name, ((performance.now() - t0) / 1000).toFixed(2), "s");
}
await store.exec(readLinesSql(file, "\u0001", "lines_raw"));
await store.exec(nativeParseSql(file, "lines_raw", "events"));
await store.exec("DROP TABLE lines_raw");
for (let i = 0; i < 2; i++) {
await t("visits", () => store.exec(visitsSql("events", true)));
await t("struct visits", () => store.exec(`CREATE OR REPLACE TEMP TABLE v2 AS
  WITH r AS (SELECT call_id, at_ms, line, event, queue, agent, data, event = 'ENTERQUEUE' AS is_enter, event = 'CONNECT' AS is_connect,
      event IN ('COMPLETECALLER','COMPLETEAGENT','TRANSFER','BLINDTRANSFER','ATTENDEDTRANSFER','ABANDON','EXITWITHTIMEOUT','EXITEMPTY','EXITWITHKEY','WITHDRAW') AS is_end FROM events WHERE status IN ('call','outbound'))
  SELECT call_id, count(*) AS n, count(*) FILTER (is_enter) AS ne, count(*) FILTER (is_connect) AS nc, count(*) FILTER (is_end) AS nx,
    min(queue) AS qmin, max(queue) AS qmax,
    any_value({'ms': at_ms, 'line': line, 'q': queue, 'caller': data[2], 'pos': data[3]}) FILTER (is_enter) AS e,
    any_value({'ms': at_ms, 'line': line, 'agent': agent, 'wait': data[1], 'ring': data[3]}) FILTER (is_connect) AS c,
    any_value({'ms': at_ms, 'line': line, 'agent': agent, 'event': event, 'data': data}) FILTER (is_end) AS x
  FROM r GROUP BY call_id`));
await t("minimal group", () => store.exec(`CREATE OR REPLACE TEMP TABLE v3 AS SELECT call_id, count(*) AS n, max(at_ms) FILTER (event='ENTERQUEUE') AS e, max(at_ms) FILTER (event='CONNECT') AS c FROM events WHERE status IN ('call','outbound') GROUP BY call_id`));
}
store.close();
