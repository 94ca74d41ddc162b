import { openStore } from "../lib/mod.ts";
import { nativeParseSql, readLinesSql } from "../lib/ingest/parse_sql.ts";
import { visitsSql } from "../lib/ingest/stints_sql.ts";
const file = Deno.args[0];
const store = await openStore();
async function t(name: string, sql: string) {
  const t0 = performance.now();
  await store.exec(sql);
  console.log(name, ((performance.now() - t0) / 1000).toFixed(2), "s");
}
await store.exec(readLinesSql(file, "\u0001", "lines_raw"));
await store.exec(nativeParseSql(file, "lines_raw", "events"));
await store.exec("DROP TABLE lines_raw");
const full = visitsSql("events", true);
const noFields = full.replace(/CASE WHEN is_enter THEN CASE WHEN trim[\s\S]*?AS transfer_v/, "NULL AS caller_v, NULL::DOUBLE AS pos_v, NULL::DOUBLE AS wait_v, NULL::DOUBLE AS ring_v, NULL::DOUBLE AS talk_v, NULL AS transfer_v");
const noNullable = full.replace(/CASE WHEN trim\(coalesce\(queue, ''\)\) IN \(''\, 'NONE'\) THEN NULL ELSE trim\(queue\) END/, "queue").replace(/CASE WHEN trim\(coalesce\(agent, ''\)\) IN \(''\, 'NONE'\) THEN NULL ELSE trim\(agent\) END/, "agent");
const noQ = full.replace("min(qn) AS q_min, max(qn) AS q_max,", "NULL AS q_min, NULL AS q_max,");
for (let i = 0; i < 2; i++) {
  await t("full", full);
  await t("noFields", noFields);
  await t("noNullable", noNullable);
  await t("noQ", noQ);
}
console.log(noFields === full, noNullable === full, noQ === full);
store.close();
