/**
 * The roster (`agents`) and the agenda (`schedules`) from CSV files, validated row by row
 * (zod): a bad row is a reject naming file, line and field, never a silent gap.
 *
 * @module
 */
import { z } from "zod";
import type { Store } from "../store/mod.ts";
import { ianaZone } from "../time/mod.ts";
import { physicalLines, readTableFile, storeTableFile, type TableFile } from "./_table_file.ts";
import { inDstGap, parseInstant } from "./asterisk_csv.ts";

/** One roster row. */
export interface RosterEntry {
  agent: string;
  name: string | null;
  team: string | null;
  department: string | null;
  /** Loaded cost of one paid hour, in the center's currency (null: unknown). */
  hourly_cost: number | null;
  /** Skills as written (e.g. `sales:1;billing:2`: queue and priority). */
  skills: string | null;
  /** Member of the on-call (standby) pool. */
  on_call: boolean;
}

const text = z.string().transform((s) => (s === "" ? null : s));
const BOOLEAN_WORDS: Record<string, boolean> = { "": false, "0": false, false: false, no: false, n: false, "1": true, true: true, yes: true, y: true };

const rosterSchema = z.object({
  agent: z.string().min(1, "agent must not be empty"),
  name: text.optional().default(null),
  team: text.optional().default(null),
  department: text.optional().default(null),
  hourly_cost: z.string().optional().default("").transform((s, ctx) => {
    if (s === "") return null;
    const x = /^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
    if (!Number.isFinite(x)) ctx.addIssue({ code: "custom", message: `hourly_cost must be a number ≥ 0, got '${s.slice(0, 40)}'` });
    return x;
  }),
  skills: text.optional().default(null),
  on_call: z.string().optional().default("").transform((s, ctx) => {
    const b = BOOLEAN_WORDS[s.toLowerCase()];
    if (b === undefined) ctx.addIssue({ code: "custom", message: `on_call must be true/false, yes/no, 1/0 or empty, got '${s.slice(0, 40)}'` });
    return b ?? false;
  }),
}) as unknown as z.ZodType<RosterEntry>;

/**
 * Reads a roster CSV: columns `agent, name, team, department, hourly_cost, skills, on_call`
 * (only `agent` required; the demo center's columns). An agent listed twice is a reject (the
 * second row).
 *
 * @param columns column map, logical name → the file's header name (e.g. `{ agent: "extension" }`)
 * @throws {InputError} when the file cannot be read or has no `agent` column
 * Source: OPERATIONS.md §2 (cost = hourly cost × paid time).
 */
export function readRoster(path: string, columns: Readonly<Record<string, string>> = {}): TableFile<RosterEntry> {
  const file = readTableFile(path, "roster", rosterSchema, ["agent"], columns);
  const seen = new Map<string, number>();
  let lines: string[] | null = null;
  file.rows = file.rows.filter((r) => {
    const first = seen.get(r.agent);
    if (first === undefined) {
      seen.set(r.agent, r.line);
      return true;
    }
    lines ??= physicalLines(path);
    file.rejects.push({ source: file.counts.source, line: r.line, raw: lines[r.line - 1] ?? r.agent, reason: `${file.counts.source}:${r.line}: field 'agent': agent '${r.agent}' is already on line ${first}` });
    return false;
  });
  file.rejects.sort((a, b) => a.line - b.line);
  file.counts.used = file.rows.length;
  file.counts.rejected = file.rejects.length;
  return file;
}

/** Loads a roster into `agents` (replacing the rows of the same file). @returns its counts */
export async function loadRoster(store: Store, path: string, columns: Readonly<Record<string, string>> = {}) {
  const file = readRoster(path, columns);
  await storeTableFile(store, "agents", file, (r: RosterEntry & { line: number }) => ({ ...r }));
  return file.counts;
}

/** Schedule categories (OPERATIONS.md §2: on_queue time is available for contacts). */
export const SCHEDULE_CATEGORIES = ["on_queue", "break", "lunch", "training", "meeting", "coaching", "absence", "on_call"] as const;
/** One of {@link SCHEDULE_CATEGORIES}. */
export type ScheduleCategory = (typeof SCHEDULE_CATEGORIES)[number];
/** Categories of planned shrinkage (scheduled time away from contacts, by plan). */
export const PLANNED_CATEGORIES: ReadonlySet<ScheduleCategory> = new Set(["break", "lunch", "training", "meeting", "coaching"]);

/** The default activity → category map: each category's own name, and a few common synonyms. */
export const DEFAULT_ACTIVITY_MAP: Readonly<Record<string, ScheduleCategory>> = {
  ...Object.fromEntries(SCHEDULE_CATEGORIES.map((c) => [c, c])),
  phone: "on_queue", queue: "on_queue", shift: "on_queue", work: "on_queue", available: "on_queue",
  pause: "break", coffee: "break", meal: "lunch", dinner: "lunch",
  vacation: "absence", holiday: "absence", sick: "absence", leave: "absence",
  standby: "on_call", oncall: "on_call", "on-call": "on_call",
};

/** An activity name as a map key: case, spaces and hyphens do not matter (`On queue` = `on_queue`). */
export function activityKey(activity: string): string {
  return activity.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

/** One schedule row. */
export interface ScheduledActivity {
  agent: string;
  activity: string;
  category: ScheduleCategory;
  /** Epoch milliseconds. */
  starts_at: number;
  ends_at: number;
}

/**
 * Reads a schedules CSV: `agent, activity, starts_at, ends_at`. Times are ISO 8601 or
 * `YYYY-MM-DD HH:MM[:SS]` (with an offset or `Z`; else local time in `timeZone`) or epoch
 * seconds. Activities map to categories by `activityMap` (keys compared by {@link activityKey}; default
 * {@link DEFAULT_ACTIVITY_MAP}); an unknown activity, a bad time or `ends_at ≤ starts_at` is a
 * reject, and so is a local time that a DST change skips (it would be shifted silently).
 *
 * @param options `timeZone` (default `"UTC"`), `activityMap` (merged over the default), `columns` (column map)
 * @throws {InputError} when the file cannot be read or lacks a required column
 * @throws {RangeError} for an unknown time zone or a map to an unknown category
 */
export function readSchedules(
  path: string,
  options: { timeZone?: string; activityMap?: Readonly<Record<string, string>>; columns?: Readonly<Record<string, string>> } = {},
): TableFile<ScheduledActivity> {
  const zone = options.timeZone ?? "UTC";
  ianaZone(zone);
  const map = new Map<string, ScheduleCategory>(Object.entries(DEFAULT_ACTIVITY_MAP).map(([k, v]) => [activityKey(k), v]));
  for (const [activity, category] of Object.entries(options.activityMap ?? {})) {
    if (!(SCHEDULE_CATEGORIES as readonly string[]).includes(category)) {
      throw new RangeError(`Cannot map activity '${activity}': category must be one of ${SCHEDULE_CATEGORIES.join(", ")}, got '${category}'`);
    }
    map.set(activityKey(activity), category as ScheduleCategory);
  }
  const instant = (field: string) =>
    z.string().transform((s, ctx) => {
      const ms = s === "" ? NaN : parseInstant(s, zone);
      if (!Number.isFinite(ms)) ctx.addIssue({ code: "custom", message: `${field} must be a date-time such as 2026-10-05T06:00:00Z, got '${s.slice(0, 40)}'` });
      else if (inDstGap(s, zone)) ctx.addIssue({ code: "custom", message: `${field} '${s.slice(0, 40)}' does not exist in ${zone} (the clocks skip it at a DST change)` });
      return ms;
    });
  const schema = z.object({
    agent: z.string().min(1, "agent must not be empty"),
    activity: z.string().min(1, "activity must not be empty"),
    starts_at: instant("starts_at"),
    ends_at: instant("ends_at"),
  }).transform((r, ctx) => {
    const category = map.get(activityKey(r.activity));
    if (!category) {
      ctx.addIssue({ code: "custom", path: ["activity"], message: `unknown activity '${r.activity.slice(0, 40)}': map it to one of ${SCHEDULE_CATEGORIES.join(", ")}` });
    }
    if (r.ends_at <= r.starts_at) ctx.addIssue({ code: "custom", path: ["ends_at"], message: "ends_at must be after starts_at" });
    return { ...r, category: category ?? "on_queue" };
  }) as unknown as z.ZodType<ScheduledActivity>;
  return readTableFile(path, "schedules", schema, ["agent", "activity", "starts_at", "ends_at"], options.columns ?? {});
}

/** Loads schedules into `schedules` (replacing the rows of the same file). @returns its counts */
export async function loadSchedules(store: Store, path: string, options: Parameters<typeof readSchedules>[1] = {}) {
  const file = readSchedules(path, options);
  await storeTableFile(store, "schedules", file, (r: ScheduledActivity & { line: number }) => ({ ...r }));
  return file.counts;
}
