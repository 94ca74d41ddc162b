/**
 * Private: bulk inserts of rows built in TypeScript. Instants go in as epoch milliseconds
 * (`BIGINT`) and are converted in SQL: appending a `TIMESTAMPTZ` value costs 25–33 µs against
 * under 1 µs for a `BIGINT` (DESIGN.md "bulk loading").
 *
 * @module
 */
import type { ColumnSpec, Row, Store } from "../store/mod.ts";
import { TABLES } from "../store/mod.ts";
import type { CallStint } from "./types.ts";

const INSTANTS = new Set(["entered_at", "answered_at", "ended_at"]);
const STAGE_COLUMNS: readonly ColumnSpec[] = TABLES.call_stints.map((c) => INSTANTS.has(c.name) ? { name: c.name, type: "BIGINT" } : c);

/** Appends stints (instants in epoch ms) to `table` (default `call_stints`; same columns). */
export async function insertStints(store: Store, stints: readonly CallStint[], table = "call_stints"): Promise<void> {
  if (stints.length === 0) return;
  await store.exec(`CREATE OR REPLACE TEMP TABLE appended_stints (${STAGE_COLUMNS.map((c) => `"${c.name}" ${c.type}`).join(", ")})`);
  await store.insert("appended_stints", stints as unknown as Row[], STAGE_COLUMNS);
  const cols = STAGE_COLUMNS.map((c) => c.name);
  await store.exec(`
    INSERT INTO ${table} (${cols.join(", ")})
    SELECT ${cols.map((c) => INSTANTS.has(c) ? `make_timestamptz(${c} * 1000)` : c).join(", ")} FROM appended_stints;
    DROP TABLE appended_stints;`);
}
