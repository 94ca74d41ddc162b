/**
 * Assistance cases (tickets) into `services`: the demo center's `services.csv`, a Zendesk Explore
 * ticket export, or any CSV through a column map — validated row by row (zod): a bad row is a
 * reject naming file, line and field; counts reconcile (`lines_read = used + ignored + rejected`).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
import { z } from "zod";
import type { Store } from "../store/mod.ts";
import { ianaZone } from "../time/mod.ts";
import { physicalLines, readTableFile, storeTableFile, type TableFile, tableHeader } from "./_table_file.ts";
import { InputError } from "./input_file.ts";
import { parseInstant } from "./asterisk_csv.ts";
import { optionalNonNegative } from "./_fields.ts";
import { MAX_DURATION_S } from "./queue_log_verbs.ts";
import { EMPTY, type ServiceCase } from "./services_case.ts";
import { GLPI_COLUMNS, glpiLanguage, glpiSchema, lastUpdates, serviceNowSchema } from "./services_itsm.ts";

export type { ServiceCase } from "./services_case.ts";

/** Service export formats. */
export const SERVICE_FORMATS = ["auto", "demo", "zendesk", "servicenow", "glpi", "mapped"] as const;
/** One of {@link SERVICE_FORMATS}. */
export type ServiceFormat = (typeof SERVICE_FORMATS)[number];

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
    // Work on one case: at most 30 days, and no longer than the case was open (a 1e20 s case made a 1.8e17 € cost per case).
    if (r.handling_s !== null && Number.isFinite(r.handling_s)) {
      const open_s = r.closed_at !== null && r.opened_at !== null ? (r.closed_at - r.opened_at) / 1000 : null;
      if (r.handling_s > MAX_DURATION_S) ctx.addIssue({ code: "custom", path: ["handling_s"], message: `handling_s must be at most 30 days (${MAX_DURATION_S} s), got ${r.handling_s}` });
      else if (open_s !== null && r.handling_s > open_s + 60) {
        ctx.addIssue({ code: "custom", path: ["handling_s"], message: `handling_s (${r.handling_s}) exceeds the time the case was open (${open_s} s)` });
      }
    }
  }).transform((r): ServiceCase => ({
    ...EMPTY, ...r, opened_at: r.opened_at!, group: r.queue, channel: "phone",
    // A closed case was solved when it closed; the demo file has no reopen count (null: the rate is n/a).
    solved_at: r.status.toLowerCase() === "closed" ? r.closed_at : null, reopens: null,
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

/** Which format a header is: the demo's, Zendesk's, ServiceNow's, or none of them (a column map is needed). */
export function detectServiceFormat(header: readonly string[]): "demo" | "zendesk" | "servicenow" | "glpi" | null {
  const h = new Set(header.map((x) => x.trim().toLowerCase()));
  if (glpiLanguage(h)) return "glpi";
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
    if (isZip(path)) throw new InputError(path, "it is a ZIP archive (an .xlsx workbook?), not a CSV: save the sheet as CSV first");
    const header = tableHeader(path);
    const found = detectServiceFormat(header);
    if (found === null && header.length) {
      throw new InputError(path, `its header is not that of the demo's services.csv, a Zendesk Explore export, a ServiceNow incident log or a GLPI search export (found ${header.slice(0, 8).join(", ")}); \`qb services --format mapped --map F.json\` reads any CSV with a column map`);
    }
    format = found ?? "demo";
  }
  const file = format === "zendesk"
    ? readTableFile(path, "services", zendeskSchema(zone) as unknown as z.ZodType<ServiceCase>, ["id", "status", "created at"])
    : format === "servicenow"
    ? lastUpdates(readTableFile(path, "services", serviceNowSchema(zone) as unknown as z.ZodType<ServiceCase & { sys_mod_count: number }>, ["number", "incident_state", "opened_at"]))
    : format === "glpi"
    ? readTableFile(path, "services", glpiSchema(zone) as unknown as z.ZodType<ServiceCase>, ["id", "status", "opened_at"], glpiMap(path))
    : readTableFile(path, "services", demoSchema(zone) as unknown as z.ZodType<ServiceCase>, ["service_id", "opened_at", "status"], options.columns ?? {});
  return dropDuplicateIds(file, path);
}

/** The column map of a GLPI export, by the language of its header. */
function glpiMap(path: string): Record<string, string> {
  return { ...GLPI_COLUMNS[glpiLanguage(new Set(tableHeader(path))) ?? "en"] };
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
  return detectServiceFormat(tableHeader(path)) ?? "services";
}

/** True when a file starts with a ZIP local-file header (`PK\x03\x04`: .zip, .xlsx, .docx). */
function isZip(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}
