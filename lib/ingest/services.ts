/**
 * Assistance cases (tickets) into `services`: the demo center's `services.csv`, a Zendesk Explore
 * ticket export, or any CSV through a column map — validated row by row (zod): a bad row is a
 * reject naming file, line and field; counts reconcile (`lines_read = used + ignored + rejected`).
 *
 * @module
 */
import { z } from "zod";
import type { Store } from "../store/mod.ts";
import { ianaZone } from "../time/mod.ts";
import { physicalLines, readTableFile, storeTableFile, type TableFile } from "./_table_file.ts";
import { parseCsvLines } from "./_csv_table.ts";
import { InputError } from "./input_file.ts";
import { parseInstant } from "./asterisk_csv.ts";
import { optionalNonNegative } from "./_fields.ts";
import { readText, splitLines } from "./read_lines.ts";

/** Service export formats. */
export const SERVICE_FORMATS = ["auto", "demo", "zendesk", "servicenow", "mapped"] as const;
/** One of {@link SERVICE_FORMATS}. */
export type ServiceFormat = (typeof SERVICE_FORMATS)[number];

/** One case (the `services` row without its source and line). */
export interface ServiceCase {
  service_id: string;
  service_type: string | null;
  call_id: string | null;
  queue: string | null;
  agent: string | null;
  group: string | null;
  channel: string | null;
  priority: string | null;
  /** As the source names it (Zendesk: New, Open, Pending, Hold, Solved, Closed; demo: open, closed). */
  status: string;
  outcome: string | null;
  /** Epoch ms. */
  opened_at: number;
  updated_at: number | null;
  first_reply_at: number | null;
  solved_at: number | null;
  closed_at: number | null;
  reopens: number | null;
  replies: number | null;
  reassigned: boolean | null;
  first_reply_min: number | null;
  first_reply_bh_min: number | null;
  resolution_min: number | null;
  resolution_bh_min: number | null;
  sla_breached: boolean | null;
  /** good, bad, offered (survey sent, no answer), a 1–5 score, or null. */
  csat: string | null;
  handling_s: number | null;
  cost: number | null;
}

/** Zendesk's stand-in for "never": `Solved at = 1900-01-01 00:00:00` on unsolved tickets (OPERATIONS.md §4). */
const SENTINEL = /^1900-01-01([ T]00:00(:00(\.0+)?)?)?(Z|[+-]00:?00)?$/i;

const text = z.string().optional().default("").transform((s) => (s === "" || s === "-" ? null : s));
const count = (name: string) =>
  z.string().optional().default("").transform((s, ctx) => {
    if (s === "") return null;
    if (!/^\d+$/.test(s)) ctx.addIssue({ code: "custom", message: `${name} must be a whole number ≥ 0, got '${s.slice(0, 40)}'` });
    return Number(s);
  });
const minutes = optionalNonNegative;
const instant = (name: string, zone: string, required: boolean) =>
  z.string().optional().default("").transform((s, ctx) => {
    if (s === "" || SENTINEL.test(s)) {
      if (required) ctx.addIssue({ code: "custom", message: `${name} must be a date-time, got '${s.slice(0, 40)}'` });
      return null;
    }
    const ms = parseInstant(s, zone);
    if (!Number.isFinite(ms)) ctx.addIssue({ code: "custom", message: `${name} must be a date-time such as 2023-04-08 20:52:00, got '${s.slice(0, 40)}'` });
    return ms;
  });

/** The fields every format produces (nulls where the format has nothing). */
const EMPTY: Omit<ServiceCase, "service_id" | "status" | "opened_at"> = {
  service_type: null, call_id: null, queue: null, agent: null, group: null, channel: null, priority: null, outcome: null, updated_at: null,
  first_reply_at: null, solved_at: null, closed_at: null, reopens: null, replies: null, reassigned: null, first_reply_min: null, first_reply_bh_min: null,
  resolution_min: null, resolution_bh_min: null, sla_breached: null, csat: null, handling_s: null, cost: null,
};

/** The demo center's services.csv: service_id, service_type, call_id, queue, agent, opened_at, closed_at, status, outcome, handling_s, cost. */
function demoSchema(zone: string) {
  return z.object({
    service_id: z.string().min(1, "service_id must not be empty"), service_type: text, call_id: text, queue: text, agent: text,
    opened_at: instant("opened_at", zone, true), closed_at: instant("closed_at", zone, false), status: z.string().min(1, "status must not be empty"),
    outcome: text, handling_s: minutes("handling_s"), cost: minutes("cost"),
  }).superRefine((r, ctx) => {
    if (r.closed_at !== null && r.opened_at !== null && r.closed_at < r.opened_at) {
      ctx.addIssue({ code: "custom", path: ["closed_at"], message: "closed_at is before opened_at" });
    }
  }).transform((r): ServiceCase => ({
    ...EMPTY, ...r, opened_at: r.opened_at!, group: r.queue, channel: "phone",
    // A closed case was solved when it closed; the demo has no reopening.
    solved_at: r.status.toLowerCase() === "closed" ? r.closed_at : null, reopens: 0,
    resolution_min: r.closed_at !== null && r.status.toLowerCase() === "closed" ? (r.closed_at - r.opened_at!) / 60_000 : null,
  }));
}

/** A Zendesk Explore ticket export (one row per ticket; the header names of OPERATIONS.md §4, lower-cased). */
function zendeskSchema(zone: string) {
  return z.object({
    "id": z.string().min(1, "Id must not be empty"), "group": text, "status": z.string().min(1, "Status must not be empty"), "priority": text, "via": text,
    "created at": instant("Created at", zone, true), "updated at": instant("Updated at", zone, false),
    "assigned at": instant("Assigned at", zone, false), "initially assigned at": instant("Initially assigned at", zone, false),
    "solved at": instant("Solved at", zone, false), "satisfaction score": text, "reopens": count("Reopens"), "replies": count("Replies"),
    "first reply time in minutes within business hours": minutes("First reply time in minutes within business hours"),
    "full resolution time in minutes": minutes("Full resolution time in minutes"),
    "full resolution time in minutes within business hours": minutes("Full resolution time in minutes within business hours"),
    "manual tagging of categories [list]": text,
  }).superRefine((r, ctx) => {
    if (r["solved at"] !== null && r["created at"] !== null && r["solved at"] < r["created at"]) {
      ctx.addIssue({ code: "custom", path: ["solved at"], message: "Solved at is before Created at" });
    }
  }).transform((r): ServiceCase => ({
    ...EMPTY, service_id: r.id, group: r.group, status: r.status, priority: r.priority, channel: r.via, opened_at: r["created at"]!,
    updated_at: r["updated at"], solved_at: r["solved at"], reopens: r.reopens, replies: r.replies,
    reassigned: r["assigned at"] !== null && r["initially assigned at"] !== null ? r["assigned at"] !== r["initially assigned at"] : null,
    first_reply_bh_min: r["first reply time in minutes within business hours"], resolution_min: r["full resolution time in minutes"],
    resolution_bh_min: r["full resolution time in minutes within business hours"], csat: r["satisfaction score"]?.toLowerCase() ?? null,
    service_type: r["manual tagging of categories [list]"],
  }));
}

/**
 * A date-time of a ServiceNow export: `D/M/YYYY H:MM[:SS]` or `D-M-YYYY H:MM[:SS]` (day first),
 * local in `zone`; `?` (ServiceNow's null) and empty are no date.
 */
function snInstant(name: string, zone: string, required: boolean) {
  return z.string().optional().default("").transform((s, ctx) => {
    if (s === "" || s === "?") {
      if (required) ctx.addIssue({ code: "custom", message: `${name} must be a date-time, got '${s.slice(0, 40)}'` });
      return null;
    }
    const m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s.trim());
    const iso = m ? `${m[3]}-${m[2]!.padStart(2, "0")}-${m[1]!.padStart(2, "0")} ${m[4]!.padStart(2, "0")}:${m[5]}:${m[6] ?? "00"}` : "";
    const ms = m ? parseInstant(iso, zone) : NaN;
    if (!Number.isFinite(ms)) ctx.addIssue({ code: "custom", message: `${name} must be a date-time such as 29/2/2016 01:16 (day first), got '${s.slice(0, 40)}'` });
    return ms;
  });
}
const snText = z.string().optional().default("").transform((s) => (s === "" || s === "?" ? null : s));
const snCount = (name: string) => z.string().optional().default("").transform((s, ctx) => {
  if (s === "" || s === "?") return null;
  if (!/^\d+$/.test(s)) ctx.addIssue({ code: "custom", message: `${name} must be a whole number ≥ 0, got '${s.slice(0, 40)}'` });
  return Number(s);
});

/** A ServiceNow incident audit log row (one row per update; the case is its last row by `sys_mod_count`). */
function serviceNowSchema(zone: string) {
  return z.object({
    number: z.string().min(1, "number must not be empty"), incident_state: z.string().min(1, "incident_state must not be empty"),
    reassignment_count: snCount("reassignment_count"), reopen_count: snCount("reopen_count"), sys_mod_count: snCount("sys_mod_count"),
    made_sla: snText, opened_at: snInstant("opened_at", zone, true), sys_updated_at: snInstant("sys_updated_at", zone, false),
    resolved_at: snInstant("resolved_at", zone, false), closed_at: snInstant("closed_at", zone, false),
    contact_type: snText, category: snText, priority: snText, assignment_group: snText, assigned_to: snText,
  }).superRefine((r, ctx) => {
    if (r.resolved_at !== null && r.opened_at !== null && r.resolved_at < r.opened_at) ctx.addIssue({ code: "custom", path: ["resolved_at"], message: "resolved_at is before opened_at" });
  }).transform((r): ServiceCase & { sys_mod_count: number } => ({
    ...EMPTY, service_id: r.number, status: r.incident_state, opened_at: r.opened_at!, updated_at: r.sys_updated_at,
    solved_at: r.resolved_at, closed_at: r.closed_at, reopens: r.reopen_count, reassigned: r.reassignment_count === null ? null : r.reassignment_count > 0,
    sla_breached: r.made_sla === null ? null : r.made_sla.toLowerCase() === "false", channel: r.contact_type, service_type: r.category,
    priority: r.priority, group: r.assignment_group, agent: r.assigned_to,
    resolution_min: r.resolved_at !== null ? (r.resolved_at - r.opened_at!) / 60_000 : null, sys_mod_count: r.sys_mod_count ?? 0,
  }));
}

/**
 * The cases of an audit log: the last row of each number by `sys_mod_count` (the file's later
 * row on a tie); the earlier rows are ignored by rule `superseded_update`, so counts reconcile.
 */
function lastUpdates(file: TableFile<ServiceCase & { sys_mod_count: number }>): TableFile<ServiceCase> {
  const last = new Map<string, ServiceCase & { sys_mod_count: number; line: number }>();
  for (const r of file.rows) {
    const k = last.get(r.service_id);
    if (!k || r.sys_mod_count >= k.sys_mod_count) last.set(r.service_id, r);
  }
  const superseded = file.rows.length - last.size;
  const rows = [...last.values()].sort((a, b) => a.line - b.line).map(({ sys_mod_count: _m, ...r }) => r);
  const counts = { ...file.counts, used: rows.length, ignored: file.counts.ignored + superseded };
  if (superseded) counts.ignored_by_rule = { ...counts.ignored_by_rule, superseded_update: superseded };
  return { rows, rejects: file.rejects, counts };
}

/** Which format a header is: the demo's, Zendesk's, ServiceNow's, or none of them (a column map is needed). */
export function detectServiceFormat(header: readonly string[]): "demo" | "zendesk" | "servicenow" | null {
  const h = new Set(header.map((x) => x.trim().toLowerCase()));
  if (["number", "incident_state", "sys_mod_count", "opened_at"].every((c) => h.has(c))) return "servicenow";
  if (["id", "status", "created at", "solved at"].every((c) => h.has(c))) return "zendesk";
  if (["service_id", "opened_at", "status"].every((c) => h.has(c))) return "demo";
  return null;
}

/**
 * Reads a services file. `format` `auto` (default) detects the demo's, Zendesk's and ServiceNow's
 * headers (a ServiceNow incident audit log has one row per update: its case is the last row of each
 * `number` by `sys_mod_count`, the others ignored by rule `superseded_update`; dates day first,
 * `?` is null);
 * `mapped` reads the demo's logical columns through `columns` (logical name → the file's header).
 * Times without an offset are local in `timeZone` (default UTC); Zendesk's `1900-01-01` stand-in
 * for "not solved" is read as no date, never as 1900.
 *
 * @throws {InputError} when the file cannot be read, its format is not recognised, or a required column is missing
 * Source: OPERATIONS.md §4 (export shapes and their traps).
 */
export function readServices(
  path: string, options: { format?: ServiceFormat; timeZone?: string; columns?: Readonly<Record<string, string>> } = {},
): TableFile<ServiceCase> {
  const zone = options.timeZone ?? "UTC";
  ianaZone(zone);
  let format = options.format ?? "auto";
  if (format === "auto") {
    let header: string[] = [];
    try {
      header = parseCsvLines(splitLines(readText(path).text).slice(0, 5), path).header;
    } catch { /* the reader says why */ }
    const found = detectServiceFormat(header);
    if (found === null && header.length) {
      throw new InputError(path, `its header is neither the demo's services.csv, a Zendesk Explore export nor a ServiceNow incident log (found ${header.slice(0, 8).join(", ")}); give --format mapped with a column map`);
    }
    format = found ?? "demo";
  }
  const file = format === "zendesk"
    ? readTableFile(path, "services", zendeskSchema(zone) as unknown as z.ZodType<ServiceCase>, ["id", "status", "created at"])
    : format === "servicenow"
    ? lastUpdates(readTableFile(path, "services", serviceNowSchema(zone) as unknown as z.ZodType<ServiceCase & { sys_mod_count: number }>, ["number", "incident_state", "opened_at"]))
    : readTableFile(path, "services", demoSchema(zone) as unknown as z.ZodType<ServiceCase>, ["service_id", "opened_at", "status"], options.columns ?? {});
  return dropDuplicateIds(file, path);
}

/** A second row of one case id is a reject (`duplicate of line N`): a case counts once. */
function dropDuplicateIds(file: TableFile<ServiceCase>, path: string): TableFile<ServiceCase> {
  const first = new Map<string, number>();
  let lines: string[] | null = null;
  const rows = file.rows.filter((r) => {
    const at = first.get(r.service_id);
    if (at === undefined) {
      first.set(r.service_id, r.line);
      return true;
    }
    lines ??= physicalLines(path);
    const source = file.counts.source;
    file.rejects.push({ source, line: r.line, raw: lines[r.line - 1] ?? r.service_id, reason: `${source}:${r.line}: field 'service_id': case '${r.service_id.slice(0, 40)}' is already on line ${at}` });
    return false;
  });
  file.rejects.sort((a, b) => a.line - b.line);
  return { rows, rejects: file.rejects, counts: { ...file.counts, used: rows.length, rejected: file.rejects.length } };
}

/** Loads a services file into `services` (replacing the rows of the same file). @returns its counts */
export async function loadServices(store: Store, path: string, options: Parameters<typeof readServices>[1] = {}) {
  const file = readServices(path, options);
  // A case already loaded from another file (overlapping exports) counts once: the earlier file's row is kept.
  const known = new Map((await store.query<{ service_id: string; source: string; line: number }>(
    "SELECT service_id, source, line FROM services WHERE source <> $1", [file.counts.source],
  )).map((r) => [r.service_id, r]));
  if (known.size) {
    const lines = physicalLines(path);
    file.rows = file.rows.filter((r) => {
      const k = known.get(r.service_id);
      if (!k) return true;
      file.rejects.push({ source: file.counts.source, line: r.line, raw: lines[r.line - 1] ?? r.service_id,
        reason: `${file.counts.source}:${r.line}: field 'service_id': case '${r.service_id.slice(0, 40)}' is already loaded from '${k.source}' line ${k.line}` });
      return false;
    });
    file.rejects.sort((a, b) => a.line - b.line);
    file.counts.used = file.rows.length;
    file.counts.rejected = file.rejects.length;
  }
  await storeTableFile(store, "services", file, (r: ServiceCase & { line: number }) => ({ ...r }));
  return { ...file.counts, format: options.format && options.format !== "auto" ? options.format : detectFormatName(path) };
}

function detectFormatName(path: string): string {
  try {
    return detectServiceFormat(parseCsvLines(splitLines(readText(path).text).slice(0, 5), path).header) ?? "services";
  } catch {
    return "services";
  }
}
