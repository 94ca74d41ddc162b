/**
 * The one small interface queuebook uses to talk to DuckDB, so that another engine with the
 * same SQL (e.g. `@duckdb/duckdb-wasm` in a browser) can stand behind it.
 *
 * @module
 */
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  timestampTZValue,
} from "@duckdb/node-api";
import { CALLS_SQL, type ColumnSpec, schemaSql, TABLES, type TableName } from "./schema.ts";


/** A scalar accepted as a query parameter. */
export type SqlParam = string | number | boolean | null;

/** A row read back from DuckDB: BIGINTs are converted to numbers, timestamps are `Date`s. */
export type Row = Record<string, unknown>;

/** An open DuckDB database holding queuebook's tables. */
export interface Store {
  /** The database path, or `":memory:"`. */
  readonly path: string;
  /** Runs SQL statements that return nothing. */
  exec(sql: string, params?: SqlParam[]): Promise<void>;
  /** Runs a query and returns its rows as plain objects. */
  query<T = Row>(sql: string, params?: SqlParam[]): Promise<T[]>;
  /** Appends rows to one of the ingest tables; values follow the table's column types. */
  insert(table: TableName, rows: readonly Row[]): Promise<void>;
  /** Closes the connection. */
  close(): void;
}

/**
 * Opens (or creates) a DuckDB database and ensures queuebook's tables exist.
 *
 * The session time zone is set to UTC so that every instant is stored and compared in UTC;
 * report time zones are applied explicitly in queries.
 *
 * @param path a file path, or `":memory:"` (default)
 * @returns an open {@link Store}
 * @throws {Error} from DuckDB when the file cannot be opened
 * Source: DuckDB Node "Neo" client, `@duckdb/node-api`.
 * @example
 * ```ts
 * const store = await openStore();
 * await store.query("SELECT count(*) AS n FROM call_stints"); // [{ n: 0 }]
 * ```
 */
export async function openStore(path = ":memory:"): Promise<Store> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(schemaSql());
  await connection.run(CALLS_SQL);
  return new DuckDBStore(path, instance, connection);
}

class DuckDBStore implements Store {
  constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  async exec(sql: string, params?: SqlParam[]): Promise<void> {
    await this.connection.run(sql, params);
  }

  async query<T = Row>(sql: string, params?: SqlParam[]): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((row) => {
      const out: Row = {};
      for (const [k, v] of Object.entries(row)) out[k] = typeof v === "bigint" ? Number(v) : v;
      return out as T;
    });
  }

  async insert(table: TableName, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const columns: readonly ColumnSpec[] = TABLES[table];
    const appender = await this.connection.createAppender(table);
    for (const row of rows) {
      for (const column of columns) appendValue(appender, column, row[column.name]);
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function appendValue(appender: DuckDBAppender, column: ColumnSpec, value: unknown): void {
  if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) {
    appender.appendNull();
    return;
  }
  switch (column.type) {
    case "VARCHAR":
      appender.appendVarchar(String(value));
      return;
    case "DOUBLE":
      appender.appendDouble(Number(value));
      return;
    case "INTEGER":
      appender.appendInteger(Number(value));
      return;
    case "BOOLEAN":
      appender.appendBoolean(Boolean(value));
      return;
    case "TIMESTAMPTZ": {
      const ms = value instanceof Date ? value.getTime() : Number(value);
      appender.appendTimestampTZ(timestampTZValue(BigInt(Math.round(ms)) * 1000n));
      return;
    }
  }
}
