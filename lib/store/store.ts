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
  DuckDBPendingResultState,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  LIST,
  listValue,
  timestampTZValue,
  VARCHAR,
} from "@duckdb/node-api";
import { CALLS_SQL, type ColumnSpec, schemaSql, TABLES, type TableName } from "./schema.ts";
import { processScratchPath } from "./scratch.ts";


/** DuckDB's memory limit: its buffer pool spills to a temporary directory beyond it. */
export const MEMORY_LIMIT = "512MB";

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
  /**
   * Runs one long statement, reporting DuckDB's own progress estimate (a fraction in [0, 1])
   * about every 200 ms.
   */
  execWithProgress(sql: string, onProgress: (fraction: number) => void): Promise<void>;
  /** Runs a query and returns its rows as plain objects. */
  query<T = Row>(sql: string, params?: SqlParam[]): Promise<T[]>;
  /**
   * Appends rows to one of the ingest tables (values follow the table's column types), or to
   * another table whose `columns` are given.
   */
  insert(table: TableName, rows: readonly Row[]): Promise<void>;
  insert(table: string, rows: readonly Row[], columns: readonly ColumnSpec[]): Promise<void>;
  /**
   * Runs `fn` in one transaction: everything it writes lands together or, when it throws or the
   * process dies, not at all (DuckDB's write-ahead log discards an uncommitted transaction).
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Closes the connection. */
  close(): void;
}

/** A database file that cannot be opened or is not queuebook's (a directory, another format, no permission). */
export class StoreOpenError extends Error {
  constructor(readonly path: string, why: string) {
    super(`Cannot open database '${path}': ${why}`);
    this.name = "StoreOpenError";
  }
}

/** DuckDB's reason for refusing to open a file, in a user's words. */
function openFailure(message: string): string {
  const first = message.split("\n")[0]!;
  if (/Is a directory/i.test(first)) return "it is a directory";
  if (/not a valid DuckDB database|database file .* (is not|has unexpected)|Unrecognized|unable to open/i.test(first)) return "it is not a DuckDB database file";
  if (/Permission denied|Operation not permitted|Read-only/i.test(first)) return "permission denied (the file or its folder is not writable)";
  if (/No such file or directory/i.test(first)) return "its folder does not exist";
  return first.replace(/^IO Error: /, "");
}

/** The database file is open in another process (DuckDB holds a file lock). */
export class StoreInUseError extends Error {
  constructor(readonly path: string) {
    super(`Cannot open database '${path}': it is in use by another process (close that qb or notebook first)`);
    this.name = "StoreInUseError";
  }
}

/**
 * The characters JavaScript's `String.prototype.trim` strips (ECMA-262 WhiteSpace and
 * LineTerminator: tab, LF, VT, FF, CR, space, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
 * U+202F, U+205F, U+3000, U+FEFF). DuckDB's one-argument `trim` strips the Unicode spaces but
 * not tab, VT, FF, CR, U+2028, U+2029 or U+FEFF, so the bulk SQL, which must read fields as the
 * in-memory parser does, calls the session macro `js_trim(x)` = `trim(x, JS_WHITESPACE)`.
 * Source: ECMA-262 §12.2 (White Space), §12.3 (Line Terminators); checked over every BMP
 * character in tests/store.
 */
export const JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

/** SQL string literal (single quotes doubled). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * Opens (or creates) a DuckDB database and ensures queuebook's tables exist.
 *
 * The session time zone is set to UTC so that every instant is stored and compared in UTC;
 * report time zones are applied explicitly in queries.
 *
 * @param path a file path, or `":memory:"` (default)
 * @returns an open {@link Store}
 * @throws {StoreInUseError} when another process has the file open
 * @throws {Error} `Cannot open database '…': …` when the file cannot be opened (not a DuckDB
 *   file, a directory, no permission)
 * Source: DuckDB Node "Neo" client, `@duckdb/node-api`.
 * @example
 * ```ts
 * const store = await openStore();
 * await store.query("SELECT count(*) AS n FROM call_stints"); // [{ n: 0 }]
 * ```
 */
export async function openStore(path = ":memory:"): Promise<Store> {
  if (path === "") throw new StoreOpenError(path, "give a file name (or ':memory:')");
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path);
  } catch (err) {
    const message = (err as Error).message;
    if (/Could not set lock|Conflicting lock/i.test(message)) throw new StoreInUseError(path);
    throw new StoreOpenError(path, openFailure(message));
  }
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  // Bounded memory: DuckDB spills to a temporary directory beyond this.
  await connection.run(`SET memory_limit = '${MEMORY_LIMIT}'; SET temp_directory = ${sqlString(processScratchPath("queuebook-duckdb-"))}`);
  // A session macro (not stored in the file): trim as JavaScript trims (see JS_WHITESPACE). DuckDB's
  // trim with a character set is 9× slower than without (1.1 s against 0.12 s for 3M fields; it made
  // a 1M-call load 2.7× slower), so it runs only on the values that start or end with such a
  // character, found by one RE2 test as cheap as a plain trim (\p{Z} is every Unicode space and
  // separator; \s in RE2 lacks the vertical tab).
  const edge = "[\\t\\n\\x0B\\f\\r\\p{Z}\\x{FEFF}]";
  await connection.run(`CREATE OR REPLACE TEMP MACRO js_trim(x) AS CASE WHEN regexp_matches(x, '^${edge}|${edge}$') THEN trim(x, ${sqlString(JS_WHITESPACE)}) ELSE x END`);
  // A database with tables but no `ingest_runs` is someone else's: never alter it.
  const tables = (await connection.runAndReadAll("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")).getRows().map((r) => String(r[0]));
  if (tables.length > 0 && !tables.includes("ingest_runs")) {
    connection.closeSync();
    instance.closeSync();
    throw new StoreOpenError(path, `it is not a queuebook database (it has tables ${tables.slice(0, 5).join(", ")}${tables.length > 5 ? ", …" : ""} and no ingest_runs); use another file`);
  }
  // Tables named `stage_*` are the scratch of a write that never committed (a killed load).
  for (const t of tables.filter((name) => name.startsWith("stage_"))) await connection.run(`DROP TABLE IF EXISTS "${t.replaceAll('"', '""')}"`);
  await connection.run(schemaSql());
  const old = await connection.runAndReadAll("SELECT 1 FROM information_schema.tables WHERE table_name = 'calls' AND table_type = 'BASE TABLE'");
  if (old.getRows().length > 0) await connection.run("DROP TABLE calls");
  await connection.run(CALLS_SQL);
  return new DuckDBStore(path, instance, connection);
}

/** Column types whose vector items are already plain JavaScript values (numbers, booleans, strings). */
const PLAIN_TYPES: ReadonlySet<number> = new Set([
  DuckDBTypeId.DOUBLE, DuckDBTypeId.FLOAT, DuckDBTypeId.INTEGER, DuckDBTypeId.SMALLINT, DuckDBTypeId.TINYINT, DuckDBTypeId.UINTEGER,
  DuckDBTypeId.USMALLINT, DuckDBTypeId.UTINYINT, DuckDBTypeId.BOOLEAN, DuckDBTypeId.VARCHAR,
]);
/** Integer types whose items are bigints (read as numbers). */
const PLAIN_BIG: ReadonlySet<number> = new Set([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT]);

class DuckDBStore implements Store {
  constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  async exec(sql: string, params?: SqlParam[]): Promise<void> {
    await this.connection.run(sql, params);
  }

  async execWithProgress(sql: string, onProgress: (fraction: number) => void): Promise<void> {
    const pending = await this.connection.start(sql);
    let last = 0;
    for (;;) {
      const state = pending.runTask();
      if (state === DuckDBPendingResultState.RESULT_READY) break;
      const now = Date.now();
      if (now - last > 200) {
        last = now;
        const p = this.connection.progress.percentage;
        if (p >= 0) onProgress(Math.min(1, p / 100));
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    await pending.getResult();
  }

  async query<T = Row>(sql: string, params?: SqlParam[]): Promise<T[]> {
    // Chunk by chunk; plain numbers, booleans and strings read straight from the vectors (a
    // generic conversion costs ~0.7 µs a value), BIGINTs as numbers, other types converted.
    const result = await this.connection.run(sql, params);
    const names = result.columnNames();
    const rows: Row[] = [];
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const base = rows.length, n = chunk.rowCount;
      for (let i = 0; i < n; i++) rows.push({});
      for (let j = 0; j < names.length; j++) {
        const name = names[j]!;
        const vector = chunk.getColumnVector(j);
        const id = vector.type.typeId;
        if (PLAIN_TYPES.has(id)) for (let i = 0; i < n; i++) rows[base + i]![name] = vector.getItem(i) as unknown;
        else {
          const values = PLAIN_BIG.has(id) ? null : chunk.convertColumnValues(j, JSDuckDBValueConverter);
          for (let i = 0; i < n; i++) {
            const v = values ? values[i] : vector.getItem(i);
            rows[base + i]![name] = typeof v === "bigint" ? Number(v) : v;
          }
        }
      }
    }
    return rows as T[];
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.connection.run("BEGIN TRANSACTION");
    try {
      const out = await fn();
      await this.connection.run("COMMIT");
      return out;
    } catch (err) {
      await this.connection.run("ROLLBACK");
      throw err;
    }
  }

  async insert(table: string, rows: readonly Row[], columns?: readonly ColumnSpec[]): Promise<void> {
    if (rows.length === 0) return;
    columns ??= TABLES[table as TableName];
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
    case "BIGINT":
      appender.appendBigInt(BigInt(Math.round(Number(value))));
      return;
    case "VARCHAR[]":
      appender.appendList(listValue((value as unknown[]).map(String)), LIST(VARCHAR)); // typed: an empty list has no item type
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
