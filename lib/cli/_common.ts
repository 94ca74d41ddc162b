/**
 * Private: option parsing and log loading shared by the `qb` commands.
 *
 * @module
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import process from "node:process";
import { type KpiOptions, resolveKpiOptions, SL_DEFAULTS, SL_VARIANTS, type SlVariant } from "../indicators/mod.ts";
import { type IngestCounts, type LoadNotices, LOG_FORMATS, loadLogs, type LogFormat } from "../ingest/mod.ts";
import { DateTime } from "luxon";
import { ianaZone } from "../time/mod.ts";
import { createLoadProgress } from "./_progress.ts";
import { openStore, type Store } from "../store/mod.ts";
import { type ArchiveManifest, importArchive, isArchive } from "../parquet/mod.ts";

/**
 * Reads `--sl-variant`: an id (`V2`, `v2`) or its long name (`answered_within_over_offered_less_short_abandons`).
 * @throws {UsageError} naming the accepted values
 */
export function slVariantOption(value: string): SlVariant {
  const v = value.trim();
  if (/^v[1-7]$/i.test(v)) return v.toUpperCase() as SlVariant;
  const id = (Object.entries(SL_VARIANTS) as [SlVariant, string][]).find(([, long]) => long === v)?.[0];
  if (id) return id;
  throw new UsageError(`--sl-variant must be one of ${Object.keys(SL_VARIANTS).join(", ")} or their long names (${Object.values(SL_VARIANTS).join(", ")}), got '${safe(v.slice(0, 60))}'`);
}

export interface CommonOptions {
  input: string[];
  format: LogFormat | "auto";
  tz: string;
  sourceTz?: string;
  cdrColumns?: string;
  intervalMinutes: number;
  slThresholdS: number;
  shortAbandonS: number;
  slVariant: SlVariant;
  strict: boolean;
  db: string;
  quiet: boolean;
  from?: string;
  to?: string;
}

export function number(name: string, min: number) {
  return (value: string): number => {
    const x = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value) ? Number(value) : NaN;
    if (!(x >= min) || !Number.isFinite(x)) throw new InvalidArgumentError(`${name} must be a decimal number ≥ ${min}, got '${value}'`);
    return x;
  };
}

/** A usage error found after parsing (exit code 2). */
export class UsageError extends Error {}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function withCommonOptions(cmd: Command, what: { queue?: boolean; window?: boolean; intervals?: boolean; inputRequired?: boolean } = {}): Command {
  const { queue = true, window = true, intervals = true, inputRequired = true } = what;
  const input = "log file (repeat for several): queue_log, table export, PBXware, Technion, Asterisk or FreeSWITCH CDR; .gz ok; or a Parquet archive folder written by qb export";
  if (inputRequired) cmd.requiredOption("-i, --input <file>", input, collect);
  else cmd.option("-i, --input <file>", input, collect, []);
  cmd
    .addOption(new Option("--format <format>", "input format").choices(["auto", ...LOG_FORMATS]).default("auto"))
    .option("--tz <zone>", "report time zone (IANA name) for intervals and days", "UTC")
    .option("--source-tz <zone>", "time zone of local wall-clock times in the input (default: UTC; Technion: Asia/Jerusalem)")
    .option("--cdr-columns <names>", "column order of asterisk-cdr / freeswitch-cdr / pbxware-cdr files as configured on the PBX, comma-separated (default the documented one)");
  if (intervals) cmd.option("--interval-minutes <n>", "interval length: 5, 10, 15, 20, 30 or 60", number("--interval-minutes", 1), 30);
  // Options of the queue indicators only (commands about agents leave them out of their help).
  if (queue) {
    cmd.option("--sl-threshold-s <s>", "service-level threshold T in seconds (wait ≤ T)", number("--sl-threshold-s", 0), SL_DEFAULTS.threshold_s)
      .option("--short-abandon-s <s>", "short-abandon threshold S in seconds (wait ≤ S)", number("--short-abandon-s", 0), SL_DEFAULTS.short_abandon_s)
      .option("--sl-variant <id>", `service-level variant: ${Object.keys(SL_VARIANTS).join(", ")} (DESIGN.md; the long names are accepted too)`, slVariantOption, SL_DEFAULTS.variant);
  }
  cmd.option("--strict", "stop at the first bad line (file, line and field in the message)", false);
  if (window) {
    cmd.option("--from <when>", `window start: a date or date-time in --tz (${queue ? "calls by the time they entered the queue" : "agent time clipped to the window"})`)
      .option("--to <when>", "window end: an exclusive date-time, or a date (through that day)");
  }
  return cmd.option("--db <path>", "DuckDB database file to load into (':memory:': none, in memory)", ":memory:")
    .option("-q, --quiet", "print no progress and no input accounting on stderr", false);
}

/**
 * Opens the store of `--db` and loads the `--input` logs into it, printing the input accounting
 * on stderr; or, for an `--input` that is a Parquet archive folder (`qb export`), loads the
 * archive's tables instead (`archive` is then its manifest).
 *
 * @throws {UsageError} for an archive given with other inputs
 */
export async function load(o: CommonOptions): Promise<{ store: Store; counts: IngestCounts[]; archive?: ArchiveManifest }> {
  checkZone("--tz", o.tz);
  if (o.sourceTz !== undefined) checkZone("--source-tz", o.sourceTz);
  try {
    resolveKpiOptions(kpiOptions(o));
  } catch (err) {
    throw err instanceof RangeError ? new UsageError(err.message) : err;
  }
  const archives = o.input.filter(isArchive);
  if (archives.length > 0) {
    if (o.input.length > 1) throw new UsageError(`--input '${safe(archives[0]!)}' is a Parquet archive: give it alone (no other --input)`);
    const store = await openStore(o.db);
    try {
      const [held] = await store.query<{ n: number }>("SELECT count(*) AS n FROM ingest_runs");
      if (Number(held?.n) > 0) throw new UsageError(`the database '${safe(o.db)}' already holds loaded sources: read the archive '${safe(archives[0]!)}' without --db, or into a new --db file`);
      const archive = await importArchive(store, archives[0]!);
      if (!o.quiet) {
        const t = archive.tables;
        process.stderr.write(`${safe(archives[0]!)} (parquet archive of ${safe(archive.written_at)}): ${t.call_stints?.rows ?? 0} stints, ${t.agent_states?.rows ?? 0} agent-state segments, ${t.services?.rows ?? 0} services, ${t.agents?.rows ?? 0} roster rows, ${t.schedules?.rows ?? 0} schedule rows\n`);
      }
      return { store, counts: [], archive };
    } catch (err) {
      store.close();
      throw err instanceof Error && err.name === "ArchiveError" ? new UsageError(err.message) : err;
    }
  }
  const store = await openStore(o.db);
  const notices: LoadNotices = { earlier_sources: [], duplicate_paths: [], identical_content: [], reread_sources: [], stale_duplicates: [] };
  const progress = o.quiet ? null : createLoadProgress();
  let counts: IngestCounts[];
  try {
    counts = await loadLogs(store, o.input, {
      format: o.format, sourceTimeZone: o.sourceTz, strict: o.strict, onProgress: progress?.update,
      cdr_columns: o.cdrColumns?.split(",").map((c) => c.trim().toLowerCase()),
    }, notices);
  } catch (err) {
    progress?.stop(false);
    store.close();
    throw err;
  }
  progress?.stop(true);
  if (o.quiet) return { store, counts };
  for (const p of notices.duplicate_paths) process.stderr.write(`qb: note: '${safe(p)}' names a file already given: loaded once\n`);
  for (const [s, of] of notices.reread_sources) process.stderr.write(`qb: note: '${safe(s)}' read again: some of its calls were duplicates of '${safe(of)}', which this load replaces\n`);
  for (const [s, of] of notices.stale_duplicates) {
    process.stderr.write(`qb: warning: '${safe(s)}' had calls rejected as duplicates of '${safe(of)}', which this load replaces, and is gone or changed: load it again to count them\n`);
  }
  for (const [a, b] of notices.identical_content) {
    process.stderr.write(`qb: warning: '${safe(a)}' and '${safe(b)}' have identical content (a copy?): each call counts once, the lines of '${safe(b)}' are rejected as duplicates\n`);
  }
  if (notices.earlier_sources.length > 0) {
    const held = `${notices.earlier_sources.length} source(s) loaded earlier`;
    process.stderr.write(o.input.length === 0
      ? `qb: the database '${safe(o.db)}' holds ${held}: ${notices.earlier_sources.map(safe).join(", ")}\n`
      : `qb: note: the database '${safe(o.db)}' also holds ${held}, included in the results: ${notices.earlier_sources.map(safe).join(", ")}\n`);
  }
  for (const c of counts) {
    const rules = Object.entries(c.ignored_by_rule).map(([k, v]) => `${k} ${v}`).join(", ");
    const notes = Object.entries(c.notes).map(([k, v]) => `${k} ${v}`).join(", ");
    process.stderr.write(
      `${safe(c.source)} (${c.format}): ${c.lines_read} lines read = ${c.used} used + ${c.ignored} ignored${rules ? ` (${rules})` : ""} + ${c.rejected} rejected${notes ? `; notes: ${notes}` : ""}\n`,
    );
    // The first rejects in line order, as for --targets and --queue-map (all are in the `rejects` table of --db).
    if (c.rejected > 0) {
      const first = await store.query<{ reason: string }>("SELECT reason FROM rejects WHERE source = $1 ORDER BY line NULLS LAST LIMIT 5", [c.source]);
      for (const r of first) process.stderr.write(`  rejected: ${safe(r.reason)}\n`);
      if (c.rejected > first.length) process.stderr.write(`  … and ${c.rejected - first.length} more\n`);
    }
  }
  return { store, counts };
}

export function kpiOptions(o: CommonOptions): KpiOptions {
  checkZone("--tz", o.tz);
  const from_ms = o.from ? parseWhen("--from", o.from, o.tz) : null;
  const to_ms = o.to ? parseWhen("--to", o.to, o.tz, true) : null;
  if (from_ms !== null && to_ms !== null && to_ms <= from_ms) throw new UsageError("--to must be after --from");
  return {
    timeZone: o.tz, interval_minutes: o.intervalMinutes, sl_threshold_s: o.slThresholdS,
    short_abandon_s: o.shortAbandonS, sl_variant: o.slVariant, from_ms, to_ms,
  };
}

/**
 * An instant from `--from`/`--to`/`--at`: ISO date-time (local in `zone` unless it has an
 * offset) or a date; a date `--to` means the end of that day (inclusive).
 */
export function parseWhen(option: string, text: string, zone: string, endOfDay = false): number {
  const z = ianaZone(zone);
  const t = text.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(t);
  const dt = DateTime.fromISO(t, { zone: z, setZone: false }).isValid ? DateTime.fromISO(t, { zone: z }) : DateTime.fromSQL(t, { zone: z });
  if (!dt.isValid) throw new UsageError(`${option} must be a date or date-time such as 2026-10-05 or 2026-10-05T09:00 (in --tz), got '${safe(text)}'`);
  return (date && endOfDay ? dt.plus({ days: 1 }) : dt).toMillis();
}



/** Escapes control and bidirectional characters of input text before it reaches the terminal. */
export function safe(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * JSON text for stdout: `JSON.stringify` with C1 controls, bidirectional and invisible format
 * characters written as `\uXXXX` escapes (still valid JSON, harmless on a terminal).
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) + "\n";
}

/** Checks an IANA zone option. @throws {UsageError} */
export function checkZone(option: string, zone: string): void {
  try {
    ianaZone(zone);
  } catch {
    throw new UsageError(`${option} must be an IANA time zone name such as 'Europe/Rome' or 'UTC' (a fixed offset of +5 hours is 'Etc/GMT-5'), got '${safe(zone)}'`);
  }
}
