/**
 * DuckDB table definitions of queuebook's data model (see DESIGN.md "Data model").
 *
 * Instants are `TIMESTAMPTZ` in UTC; durations are `DOUBLE` seconds named `*_s`
 * (ring time of per-agent events in milliseconds, `ring_ms`, as Asterisk logs it).
 *
 * @module
 */

/** DuckDB column type used by the appender. */
export type ColumnType = "VARCHAR" | "DOUBLE" | "INTEGER" | "BIGINT" | "TIMESTAMPTZ" | "BOOLEAN" | "VARCHAR[]";

/** One column: name and DuckDB type. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

function cols(spec: Record<string, ColumnType>): readonly ColumnSpec[] {
  return Object.entries(spec).map(([name, type]) => ({ name, type }));
}

/** Column specs of every table that ingest writes, in table order. */
export const TABLES = {
  /** One row per (call, queue visit). */
  call_stints: cols({
    call_id: "VARCHAR",
    stint_no: "INTEGER",
    source: "VARCHAR",
    queue: "VARCHAR",
    direction: "VARCHAR",
    entered_at: "TIMESTAMPTZ",
    answered_at: "TIMESTAMPTZ",
    ended_at: "TIMESTAMPTZ",
    agent: "VARCHAR",
    outcome: "VARCHAR",
    wait_s: "DOUBLE",
    ring_s: "DOUBLE",
    talk_s: "DOUBLE",
    hold_s: "DOUBLE",
    wrap_s: "DOUBLE",
    position_entered: "INTEGER",
    caller: "VARCHAR",
    transfer_to: "VARCHAR",
    reconstructed: "BOOLEAN",
    /**
     * Who hung up an answered call: `agent` (COMPLETEAGENT), `caller` (COMPLETECALLER); null when
     * the stint was not answered and completed, or its source does not say (added in round 2:
     * null in rows of older databases).
     */
    ended_by: "VARCHAR",
  }),
  /**
   * Every line of every queue_log-like source as read, with what ingest made of it (`status`:
   * call, agent, outbound, reject, blank, header, system, informational, unrecognized) and, for
   * events, their fields (instants in epoch ms): the source of truth from which stints are
   * rebuilt when a call spans files or a source is loaded again.
   */
  events: cols({
    source: "VARCHAR",
    line: "BIGINT",
    status: "VARCHAR",
    /** The reject message, or for CSV sources the ignore rule. */
    reason: "VARCHAR",
    at_ms: "BIGINT",
    call_id: "VARCHAR",
    queue: "VARCHAR",
    agent: "VARCHAR",
    event: "VARCHAR",
    data: "VARCHAR[]",
    raw: "VARCHAR",
  }),
  /** Raw agent events: logins, pauses, membership and per-agent ring-no-answer. */
  agent_events: cols({
    source: "VARCHAR",
    line: "BIGINT",
    agent: "VARCHAR",
    at: "TIMESTAMPTZ",
    event: "VARCHAR",
    queue: "VARCHAR",
    reason: "VARCHAR",
    call_id: "VARCHAR",
    ring_ms: "DOUBLE",
  }),
  /** Every input line that could not be used, with its reason. */
  rejects: cols({
    source: "VARCHAR",
    line: "BIGINT",
    raw: "VARCHAR",
    reason: "VARCHAR",
    /** `parse` (the line alone is bad) or `build` (inconsistent with its call's history). */
    stage: "VARCHAR",
    /** The call a `build` reject belongs to. */
    call_id: "VARCHAR",
  }),
  /** One row per input file: what was read and how every line was accounted for. */
  ingest_runs: cols({
    source: "VARCHAR",
    format: "VARCHAR",
    lines_read: "INTEGER",
    used: "INTEGER",
    ignored: "INTEGER",
    rejected: "INTEGER",
    ignored_by_rule: "VARCHAR",
    /** Usable events the parser passed on (used + rejected by the stint builder). */
    events: "INTEGER",
    bytes: "DOUBLE",
    /** Size and SHA-256 of the file's first and last MiB: equal for identical files. */
    fingerprint: "VARCHAR",
    loaded_at: "TIMESTAMPTZ",
  }),
  /** The roster: one row per agent (`skills` as written, e.g. `sales:1;billing:2`). */
  agents: cols({
    agent: "VARCHAR",
    name: "VARCHAR",
    team: "VARCHAR",
    department: "VARCHAR",
    hourly_cost: "DOUBLE",
    skills: "VARCHAR",
    on_call: "BOOLEAN",
    source: "VARCHAR",
    line: "BIGINT",
  }),
  /**
   * The agenda: scheduled activities (`activity` as written, `category` one of on_queue, break,
   * lunch, training, meeting, coaching, absence, on_call). Activities may nest (a break inside an
   * on-queue shift): the innermost one is the activity scheduled at an instant.
   */
  /**
   * Assistance cases (tickets): one row per case, from the demo's services.csv, a Zendesk Explore
   * export or a mapped CSV. Minutes named `*_min`, business-hours durations `*_bh_min` (as the
   * export computed them); null where the source has no such field.
   */
  services: cols({
    service_id: "VARCHAR",
    service_type: "VARCHAR",
    call_id: "VARCHAR",
    queue: "VARCHAR",
    agent: "VARCHAR",
    group: "VARCHAR",
    channel: "VARCHAR",
    priority: "VARCHAR",
    status: "VARCHAR",
    outcome: "VARCHAR",
    opened_at: "TIMESTAMPTZ",
    updated_at: "TIMESTAMPTZ",
    first_reply_at: "TIMESTAMPTZ",
    solved_at: "TIMESTAMPTZ",
    closed_at: "TIMESTAMPTZ",
    reopens: "INTEGER",
    replies: "INTEGER",
    reassigned: "BOOLEAN",
    first_reply_min: "DOUBLE",
    first_reply_bh_min: "DOUBLE",
    resolution_min: "DOUBLE",
    resolution_bh_min: "DOUBLE",
    sla_breached: "BOOLEAN",
    csat: "VARCHAR",
    handling_s: "DOUBLE",
    cost: "DOUBLE",
    source: "VARCHAR",
    line: "BIGINT",
  }),
  schedules: cols({
    agent: "VARCHAR",
    activity: "VARCHAR",
    category: "VARCHAR",
    starts_at: "TIMESTAMPTZ",
    ends_at: "TIMESTAMPTZ",
    source: "VARCHAR",
    line: "BIGINT",
  }),
  /**
   * Agent status and state changes from a second source (FreeSWITCH mod_callcenter: `status`
   * Logged Out / Available / Available (On Demand) / On Break, `state` Waiting / Receiving / In a
   * queue call / Idle); an agent with such changes gets its state segments from them.
   */
  agent_state_changes: cols({
    source: "VARCHAR",
    line: "BIGINT",
    agent: "VARCHAR",
    at: "TIMESTAMPTZ",
    status: "VARCHAR",
    state: "VARCHAR",
  }),
  /**
   * Non-overlapping state segments per agent on the three axes of OPERATIONS.md §1: `session`
   * (logged_in / logged_out), `availability` (available / paused, `reason`), `work` (idle,
   * ringing, talking, on_hold, wrap_up, other_call); `state` is the one-word summary of
   * DESIGN.md (logged_out, paused, ringing, on_call, wrap_up, available); `open` marks a segment
   * cut by the end of the data.
   */
  agent_states: cols({
    agent: "VARCHAR",
    started_at: "TIMESTAMPTZ",
    ended_at: "TIMESTAMPTZ",
    duration_s: "DOUBLE",
    session: "VARCHAR",
    availability: "VARCHAR",
    reason: "VARCHAR",
    work: "VARCHAR",
    state: "VARCHAR",
    queue: "VARCHAR",
    call_id: "VARCHAR",
    open: "BOOLEAN",
  }),
} as const satisfies Record<string, readonly ColumnSpec[]>;

/** Name of a table written by ingest. */
export type TableName = keyof typeof TABLES;

/**
 * `CREATE TABLE IF NOT EXISTS` statements for every table in {@link TABLES}, and `ADD COLUMN
 * IF NOT EXISTS` for columns added since (a database written by an earlier version opens).
 */
export function schemaSql(): string {
  return Object.entries(TABLES)
    .map(([table, columns]) =>
      `CREATE TABLE IF NOT EXISTS ${table} (${columns.map((c) => `"${c.name}" ${c.type}`).join(", ")});\n` +
      columns.map((c) => `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS "${c.name}" ${c.type};`).join("\n")
    )
    .join("\n");
}

/**
 * SQL of the `calls` view: one row per inbound customer call, stints joined on `call_id` (and
 * `source`). Final outcome is the last stint's; `total_wait_s` sums the stints.
 */
export const CALLS_SELECT_SQL = `
SELECT
  source, call_id,
  min(entered_at) AS entered_at,
  max(ended_at) AS ended_at,
  arg_max(queue, stint_no) AS last_queue,
  arg_min(queue, stint_no) AS first_queue,
  arg_max(outcome, stint_no) AS outcome,
  sum(wait_s) AS total_wait_s,
  count(*)::INTEGER AS stints,
  string_agg(DISTINCT agent, ',') AS agents,
  any_value(caller) AS caller
FROM call_stints
WHERE direction = 'inbound'
GROUP BY source, call_id`;

/**
 * SQL that (re)creates `calls` as a view over `call_stints`: derived on demand, it can never
 * disagree with the stints (a table had to be rebuilt after every load, 2.6 s per million
 * calls). A `calls` table from an older database is dropped first.
 */
export const CALLS_SQL = `CREATE OR REPLACE VIEW calls AS ${CALLS_SELECT_SQL};`;
