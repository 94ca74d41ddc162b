import { openStore } from "../lib/mod.ts";
import { nativeParseSql, readLinesSql } from "../lib/ingest/parse_sql.ts";
const file = Deno.args[0];
const store = await openStore();
async function t(name: string, f: () => Promise<unknown>) {
  const t0 = performance.now();
  await f();
  console.log(name, ((performance.now() - t0) / 1000).toFixed(2), "s");
}
await store.exec(readLinesSql(file, "\u0001", "lines_raw_0"));
const full = nativeParseSql(file, "lines_raw_0");
const variants: Record<string, string> = {
  full,
  noNumeric: full.replace(/WHEN trim\(coalesce\(f\[\d+\].*THEN 'data\d+'\n/g, ""),
  noTimeRegex: full.replace(/WHEN NOT \(regexp_full_match\(t.*THEN 'time'/, "WHEN TRY_CAST(t AS DOUBLE) IS NULL THEN 'time'"),
  noEventRegex: full.replace(/WHEN NOT regexp_full_match\(ev.*THEN 'event'/, ""),
};
for (const [k, sql] of Object.entries(variants)) {
  if (k !== "full" && sql === full) console.log("no change", k);
  await store.exec("DELETE FROM events");
  await t(k, () => store.exec(sql));
}
console.log(full.slice(0, 3000));
store.close();
