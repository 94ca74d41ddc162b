import { openStore } from "../lib/mod.ts";
import { nativeParseSql, readLinesSql } from "../lib/ingest/parse_sql.ts";
import { chainVisitsSql, visitsSql } from "../lib/ingest/stints_sql.ts";
import { prescanPlain } from "../lib/ingest/input_file.ts";
const file = Deno.args[0];
const store = await openStore();
async function t(name: string, f: () => Promise<unknown>) {
  const t0 = performance.now();
  await f();
  console.log(name, ((performance.now() - t0) / 1000).toFixed(2), "s");
}
await t("prescan", async () => prescanPlain(file));
await t("read lines", () => store.exec(readLinesSql(file, "\u0001", "lines_raw_0")));
await store.exec("BEGIN TRANSACTION");
await t("parse", () => store.exec(nativeParseSql(file, "lines_raw_0")));
await t("visits", () => store.exec(visitsSql("all", true)));
await t("chain", () => store.exec(chainVisitsSql(true)));
await t("commit", () => store.exec("COMMIT"));
const q = Deno.args[1];
if (q) console.log((await store.query(q)));
store.close();
