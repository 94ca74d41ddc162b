import { openStore } from "../lib/mod.ts";
import { nativeParseSql, readLinesSql } from "../lib/ingest/parse_sql.ts";
import { chainVisitsSql, visitsSql } from "../lib/ingest/stints_sql.ts";
const file = Deno.args[0];
const store = await openStore();
async function t(name: string, f: () => Promise<unknown>) {
  const t0 = performance.now();
  await f();
  console.log(name, ((performance.now() - t0) / 1000).toFixed(2), "s");
}
await t("read lines", () => store.exec(readLinesSql(file, "\u0001", "lines_raw")));
const target = Deno.args[1] ?? "events";
if (target !== "events") await store.exec(`CREATE TEMP TABLE ${target} AS SELECT * FROM events LIMIT 0`);
await t("parse", () => store.exec(nativeParseSql(file, "lines_raw", target)));
await store.exec("DROP TABLE lines_raw");
await t("visits", () => store.exec(visitsSql(target, true)));
await t("chain", () => store.exec(chainVisitsSql(target, true)));
for (const q of Deno.args.slice(2)) await t(q.slice(0, 60), () => store.exec(q));
store.close();
