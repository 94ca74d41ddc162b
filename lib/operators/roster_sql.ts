/**
 * Private: one roster row per agent when several rosters were loaded into a database (the
 * last loaded wins; within one file an agent listed twice is already a reject).
 *
 * @module
 */
export const ROSTER_SQL = `
  SELECT a.* FROM agents a LEFT JOIN ingest_runs r ON r.source = a.source
  QUALIFY row_number() OVER (PARTITION BY a.agent ORDER BY r.loaded_at DESC NULLS LAST, a.source DESC) = 1`;
