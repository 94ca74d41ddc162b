/**
 * Private: the times of one CDR row — its local date-time stamps read as instants in the
 * source's zone, kept in order across a DST change, and its durations checked against them.
 *
 * @module
 */
import { localReadings, localTimeKind, localToInstant } from "../time/mod.ts";
import { MAX_DURATION_S } from "./queue_log_verbs.ts";

/** A CDR date-time, `YYYY-MM-DD HH:MM:SS` (or with a `T`). */
export const STAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * Slack between a PBX's whole-second durations and its stamps, in seconds: Asterisk rounds
 * `duration` and `billsec` from millisecond times (cdr.c, `ast_tvdiff_ms` + 500), so either may
 * be one second off the difference of the second-resolution stamps.
 */
export const STAMP_SLACK_S = 1;

/**
 * A `YYYY-MM-DD HH:MM:SS` stamp as wall-clock milliseconds (written as if UTC), or the reason it
 * is none. Each part is checked: `Date.UTC` rolls a month 13 into the next year and 24:00 into
 * the next day.
 *
 * @param name the field's name, for the reason
 */
export function localStamp(text: string, name: string): number | string {
  const m = STAMP.exec(text);
  if (!m) return `${name} must be a date-time YYYY-MM-DD HH:MM:SS, got '${text.slice(0, 40)}'`;
  if (+m[4]! > 23 || +m[5]! > 59 || +m[6]! > 59) return `${name} is not a time of day (HH 00-23, MM and SS 00-59): '${text}'`;
  const local = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  const d = new Date(local);
  if (d.getUTCFullYear() !== +m[1]! || d.getUTCMonth() !== +m[2]! - 1 || d.getUTCDate() !== +m[3]!) return `${name} is not a calendar date: '${text}'`;
  return local;
}

/** The instants of a row's stamps and the DST notes they earn (each at most once per row). */
export interface RowInstants {
  start: number;
  answer: number | null;
  end: number | null;
  /** `local_times_in_dst_gap` and/or `repeated_local_times` when a stamp fell in one. */
  notes: string[];
}

/**
 * Reads a row's local stamps as instants in `zone`, in order. A stamp in a repeated hour has two
 * readings, one in a DST gap two (see `localReadings`); of the (start, end) pairs with the end not
 * before the start, the one whose span is nearest the row's `duration` is taken (a call from
 * 02:10 CEST to 02:20 CET across the fall-back, duration 4,200 s, is 70 minutes, not 10), else
 * the start's `localToInstant` reading with the earliest end after it (a call from 02:50 CEST to
 * 02:10 CET is 20 minutes, not "ends before it starts"); the answer takes its reading between
 * them nearest end − `billsec`, else the earliest. A stamp with no such reading keeps
 * `localToInstant`'s, for the caller's order checks to reject.
 *
 * @param local wall-clock ms (as if UTC) of start, answer (null: none) and end (null: none, e.g.
 *   PBXware rows that give a duration instead)
 * @param zone IANA zone of the stamps
 * @param hint the row's duration and billsec in seconds when they are plain numbers (else null)
 * Source: `localReadings` (lib/time); Temporal's disambiguations.
 */
export function rowInstants(
  local: { start: number; answer: number | null; end: number | null }, zone: string,
  hint: { duration_s: number | null; billsec_s: number | null } = { duration_s: null, billsec_s: null },
): RowInstants {
  const notes = new Set<string>();
  for (const ms of [local.start, local.answer, local.end]) {
    if (ms === null) continue;
    const kind = localTimeKind(ms, zone);
    if (kind !== "once") notes.add(kind === "gap" ? "local_times_in_dst_gap" : "repeated_local_times");
  }
  const preferred = localToInstant(local.start, zone);
  let start = preferred, end: number | null = null, answer: number | null = null;
  if (local.end !== null) {
    let best: [number, number, number] | null = null, pair: [number, number] | null = null;
    for (const s of localReadings(local.start, zone)) {
      for (const e of localReadings(local.end, zone)) {
        if (e < s) continue;
        const score: [number, number, number] = [hint.duration_s === null ? 0 : Math.abs((e - s) / 1000 - hint.duration_s), s === preferred ? 0 : 1, e];
        if (best === null || score[0] < best[0] || (score[0] === best[0] && (score[1] < best[1] || (score[1] === best[1] && score[2] < best[2])))) [best, pair] = [score, [s, e]];
      }
    }
    [start, end] = pair ?? [preferred, localToInstant(local.end, zone)];
  }
  if (local.answer !== null) {
    const inside = localReadings(local.answer, zone).filter((a) => a >= start && (end === null || a <= end));
    const off = (a: number) => (hint.billsec_s === null || end === null ? 0 : Math.abs((end - a) / 1000 - hint.billsec_s));
    answer = inside.sort((a, b) => off(a) - off(b) || a - b)[0] ?? localToInstant(local.answer, zone);
  }
  return { start, answer, end, notes: [...notes] };
}

/** The words a reject adds when a stamp of the row fell in a DST gap or a repeated hour. */
export function dstNote(notes: readonly string[], zone: string): string {
  if (notes.includes("local_times_in_dst_gap")) return ` (a stamp falls in a DST gap of ${zone})`;
  return notes.includes("repeated_local_times") ? ` (a stamp falls in the repeated hour of a DST change in ${zone})` : "";
}

/**
 * The checks of a row with start, answer and end stamps against each other, its durations and
 * its disposition: the reason of the first that fails (with the field it names), else null. The
 * end is not before the start, at most 30 days after it; the answer lies between them; `billsec`
 * is end − answer (0 unanswered) and `duration`, when the layout has one, end − start, each within
 * {@link STAMP_SLACK_S}; an `ANSWERED` disposition has an answer stamp.
 *
 * @param names the row's field names (for the reasons)
 * @param duration reads the row's `duration` cell in seconds (and throws when it is bad), or null
 *   when the layout has none; read after the order checks, so that they name the first fault
 * @param disposition the row's disposition in upper case (Asterisk, PBXware), or null
 * @param note appended to an order or duration failure when a stamp fell in a DST change
 */
export function stampChecks(
  t: { start: number; answer: number | null; end: number }, billsec: number, duration: (() => number) | null,
  names: { start: string; answer: string; end: string; billsec: string; result: string }, disposition: string | null, note: string,
): { field: string; reason: string } | null {
  const span = (t.end - t.start) / 1000;
  if (span < 0) return { field: names.end, reason: `${names.end} is before ${names.start}${note}` };
  if (span > MAX_DURATION_S) return { field: names.end, reason: `${names.end} − ${names.start} is ${span} s, more than 30 days (${MAX_DURATION_S} s)` };
  if (t.answer !== null && (t.answer < t.start || t.answer > t.end)) {
    return { field: names.answer, reason: `${names.answer} is not between ${names.start} and ${names.end}${note}` };
  }
  const talkable = (t.end - (t.answer ?? t.start)) / 1000;
  const from = t.answer !== null ? names.answer : names.start;
  if (billsec > talkable + STAMP_SLACK_S) return { field: names.billsec, reason: `${names.billsec} (${billsec}) exceeds ${names.end} − ${from} (${talkable} s)${note}` };
  if (t.answer !== null && billsec < talkable - STAMP_SLACK_S) {
    return { field: names.billsec, reason: `${names.billsec} (${billsec}) is shorter than ${names.end} − ${names.answer} (${talkable} s)${note}` };
  }
  if (t.answer === null && billsec > 0) return { field: names.billsec, reason: `${names.billsec} (${billsec}) without an ${names.answer} stamp` };
  const d = duration?.() ?? null;
  if (d !== null && Math.abs(d - span) > STAMP_SLACK_S) {
    return { field: "duration", reason: `duration (${d}) disagrees with ${names.end} − ${names.start} (${span} s)${note}` };
  }
  if (disposition === "ANSWERED" && t.answer === null) return { field: names.result, reason: `${names.result} ANSWERED without an ${names.answer} stamp` };
  // Another disposition with an answer stamp (a channel answered by the dialplan before a Dial
  // nobody answered) is kept as the disposition says, not connected, with a note (the caller's).
  return null;
}
