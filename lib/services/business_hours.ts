/**
 * Business-hours calendars: weekly opening hours and holidays in a time zone, one per case group
 * (a default and overrides), and the business minutes between two instants — the "business
 * hours" basis of first reply and resolution times (OPERATIONS.md §4) for exports that do not
 * compute it themselves.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Store } from "../store/mod.ts";
import { ianaZone, localToInstant } from "../time/mod.ts";

/** One calendar: opening intervals per ISO weekday (1 = Monday … 7 = Sunday) in local minutes, and closed days. */
export interface BusinessCalendar {
  zone: string;
  /** weekday → `[start_min, end_min)` local wall-clock intervals, sorted, not overlapping. */
  week: Record<number, [number, number][]>;
  /** Local dates (`YYYY-MM-DD`) closed all day. */
  holidays: ReadonlySet<string>;
}

/** A default calendar and per-group ones (a case's `group`). */
export interface BusinessCalendars {
  default: BusinessCalendar;
  groups: Record<string, BusinessCalendar>;
}

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const hoursText = z.string().regex(/^(\s*\d{2}:\d{2}\s*-\s*\d{2}:\d{2}\s*)(,\s*\d{2}:\d{2}\s*-\s*\d{2}:\d{2}\s*)*$|^\s*$/, "opening hours must be like '09:00-13:00, 14:00-18:00' or empty (closed)");
const calendarSchema = z.object({
  zone: z.string().optional(),
  hours: z.object(Object.fromEntries(DAYS.map((d) => [d, hoursText.optional()]))).strict().optional(),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a holiday is a date YYYY-MM-DD")).optional(),
}).strict();
const fileSchema = calendarSchema.extend({ groups: z.record(z.string(), calendarSchema).optional() }).strict();

/** Minutes of `HH:MM` (24:00 allowed as the end of a day). @throws {RangeError} */
function minutesOf(hhmm: string, where: string): number {
  const [h, m] = hhmm.trim().split(":").map(Number) as [number, number];
  if (!(h >= 0 && h <= 24 && m >= 0 && m < 60) || (h === 24 && m !== 0)) throw new RangeError(`${where}: '${hhmm.trim()}' is not a time of day`);
  return h * 60 + m;
}

function calendarOf(c: z.infer<typeof calendarSchema>, parent: BusinessCalendar | null, where: string): BusinessCalendar {
  const zone = c.zone ?? parent?.zone ?? "UTC";
  ianaZone(zone);
  const week: Record<number, [number, number][]> = {};
  for (const [i, d] of DAYS.entries()) {
    const text = c.hours?.[d];
    if (text === undefined) {
      week[i + 1] = parent?.week[i + 1] ?? [];
      continue;
    }
    const spans = text.trim() === "" ? [] : text.split(",").map((p) => {
      const [a, b] = p.split("-") as [string, string];
      const span: [number, number] = [minutesOf(a, `${where} ${d}`), minutesOf(b, `${where} ${d}`)];
      if (!(span[1] > span[0])) throw new RangeError(`${where} ${d}: '${p.trim()}' ends before it starts`);
      return span;
    }).sort((x, y) => x[0] - y[0]);
    for (let k = 1; k < spans.length; k++) if (spans[k]![0] < spans[k - 1]![1]) throw new RangeError(`${where} ${d}: opening hours overlap`);
    week[i + 1] = spans;
  }
  return { zone, week, holidays: new Set([...(parent && c.holidays === undefined ? parent.holidays : []), ...(c.holidays ?? [])]) };
}

/**
 * Reads a calendars JSON file: `{ "zone": "Europe/Rome", "hours": { "mon": "09:00-18:00", …,
 * "sat": "", "sun": "" }, "holidays": ["2026-12-25"], "groups": { "tech": { "hours": { "sat":
 * "09:00-13:00" } } } }`. A day left out is closed in the default calendar and inherited in a
 * group's; a group's holidays replace the default's when given.
 *
 * @throws {RangeError} naming the file and the bad key (unknown zone, bad hours, overlaps)
 */
export function readBusinessCalendars(path: string): BusinessCalendars {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new RangeError(`Cannot read the calendar ${path}: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new RangeError(`Cannot read the calendar ${path}: ${i.path.join(".") || "(top)"}: ${i.message}`);
  }
  const base = calendarOf(parsed.data, null, `${path}:`);
  const groups = Object.fromEntries(Object.entries(parsed.data.groups ?? {}).map(([g, c]) => [g, calendarOf(c, base, `${path}: groups.${g}`)]));
  return { default: base, groups };
}

const DAY_MS = 86_400_000;

/**
 * Business minutes between two instants: the overlap of `[from_ms, to_ms)` with the calendar's
 * opening hours, day by local day (wall-clock hours, so a day with a DST change has its real
 * length: 01:00–04:00 on a fall-back night is four hours), holidays closed.
 *
 * @returns minutes ≥ 0 (0 when `to_ms ≤ from_ms`)
 * Source: OPERATIONS.md §4 (calendar vs business hours); Zendesk "business hours" metrics count
 *   only time inside the schedule, holidays excluded.
 */
export function businessMinutes(cal: BusinessCalendar, from_ms: number, to_ms: number): number {
  if (!(to_ms > from_ms)) return 0;
  const localDay = (ms: number) => {
    const local = ms + ianaZone(cal.zone).offset(ms) * 60_000;
    return Math.floor(local / DAY_MS) * DAY_MS;
  };
  let total = 0;
  for (let day = localDay(from_ms) - DAY_MS; day <= localDay(to_ms) + DAY_MS; day += DAY_MS) {
    const date = new Date(day);
    if (cal.holidays.has(date.toISOString().slice(0, 10))) continue;
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    for (const [a, b] of cal.week[weekday] ?? []) {
      const start = localToInstant(day + a * 60_000, cal.zone), end = localToInstant(day + b * 60_000, cal.zone);
      total += Math.max(0, Math.min(end, to_ms) - Math.max(start, from_ms));
    }
  }
  return total / 60_000;
}

/**
 * Fills `first_reply_bh_min` and `resolution_bh_min` of the cases whose export gave none, from
 * the calendar of their group (else the default): first reply at `first_reply_at` (else opened
 * + the calendar first-reply minutes), resolution at `solved_at`. Values the export computed
 * (Zendesk's own schedule) are kept.
 *
 * @returns the number of cases given a business-hours value
 */
export async function applyBusinessCalendars(store: Store, calendars: BusinessCalendars): Promise<number> {
  const rows = await store.query<{ source: string; line: number; group: string | null; opened: number; reply: number | null; solved: number | null; fr: number | null; res: number | null }>(`
    SELECT source, line, "group", epoch_ms(opened_at) AS opened,
      coalesce(epoch_ms(first_reply_at), epoch_ms(opened_at) + round(first_reply_min * 60000)::BIGINT) AS reply, epoch_ms(solved_at) AS solved,
      first_reply_bh_min AS fr, resolution_bh_min AS res
    FROM services WHERE opened_at IS NOT NULL AND (first_reply_bh_min IS NULL OR resolution_bh_min IS NULL)`);
  const out: { source: string; line: number; fr: number | null; res: number | null }[] = [];
  for (const r of rows) {
    const cal = (r.group !== null && calendars.groups[r.group]) || calendars.default;
    const fr = r.fr ?? (r.reply === null ? null : businessMinutes(cal, Number(r.opened), Number(r.reply)));
    const res = r.res ?? (r.solved === null ? null : businessMinutes(cal, Number(r.opened), Number(r.solved)));
    if (fr !== r.fr || res !== r.res) out.push({ source: r.source, line: Number(r.line), fr, res });
  }
  if (out.length === 0) return 0;
  await store.exec("CREATE OR REPLACE TEMP TABLE bh_values (source VARCHAR, line BIGINT, fr DOUBLE, res DOUBLE)");
  await store.insert("bh_values", out, [{ name: "source", type: "VARCHAR" }, { name: "line", type: "BIGINT" }, { name: "fr", type: "DOUBLE" }, { name: "res", type: "DOUBLE" }]);
  await store.exec(`UPDATE services SET first_reply_bh_min = b.fr, resolution_bh_min = b.res FROM bh_values b
    WHERE services.source = b.source AND services.line = b.line; DROP TABLE bh_values;`);
  return out.length;
}
