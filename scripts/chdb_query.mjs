// Runs SQL on a current ClickHouse embedded in-process (npm chdb), for the dialect test of the
// distributed backend: `node scripts/chdb_query.mjs CHDB_PREFIX SESSION_DIR < job.json`, where
// CHDB_PREFIX is the folder of an `npm install chdb` (its node_modules holds chdb) and job.json is
// {"statements": ["CREATE …", "INSERT …"], "query": "SELECT …"}. Prints the query's rows as
// JSON lines (64-bit integers unquoted). Exit 1 with the server's message on an error.
import { createRequire } from "node:module";
import { join } from "node:path";
import { readFileSync } from "node:fs";

const [prefix, session] = process.argv.slice(2);
const { Session } = createRequire(join(prefix, "package.json"))("chdb");
const job = JSON.parse(readFileSync(0, "utf8"));
const s = new Session(session);
try {
  for (const st of job.statements ?? []) s.query(st);
  if (job.query) process.stdout.write(s.query(`${job.query} SETTINGS output_format_json_quote_64bit_integers = 0`, "JSONEachRow"));
} catch (err) {
  process.stderr.write(String(err?.message ?? err));
  process.exit(1);
}
