/**
 * Wall-clock ↔ instant conversions in an IANA time zone, DST-safe, backed by luxon's zone data.
 *
 * @module
 */
import { DateTime, IANAZone } from "luxon";

const zones = new Map<string, IANAZone>();
const offsetCache = new Map<string, number>();

/** Returns the luxon zone for an IANA name. @throws {RangeError} for an unknown zone name */
export function ianaZone(name: string): IANAZone {
  let z = zones.get(name);
  if (!z) {
    z = IANAZone.create(name);
    // A bare offset ('+05:00', '-0300') is no IANA zone name (DuckDB refuses it after the load).
    if (!z.isValid || /^[+-]\d/.test(name.trim())) throw new RangeError(`Unknown IANA time zone '${name}': use a name such as 'Europe/Rome' or 'UTC' (a fixed offset of +5 hours is 'Etc/GMT-5')`);
    zones.set(name, z);
  }
  return z;
}

/** UTC offset of `zone` at the instant `ms`, in minutes (cached per zone and hour). */
export function offsetMinutes(zone: string, ms: number): number {
  const key = `${zone}|${Math.floor(ms / 900_000)}`;
  let o = offsetCache.get(key);
  if (o === undefined) {
    o = ianaZone(zone).offset(ms);
    offsetCache.set(key, o);
  }
  return o;
}

/**
 * Converts a wall-clock time in `zone` to an instant.
 *
 * @param localMs the wall-clock time written as if it were UTC (ms since 1970-01-01T00:00 local)
 * @returns epoch milliseconds. A time in a DST gap is shifted forward by the gap; an ambiguous
 *   time in a fall-back hour resolves to the earlier instant (the same rule as luxon).
 * Source: Temporal's "compatible" disambiguation (earlier of two, later in a gap), the candidates
 *   being the offsets a day either side (no zone changes offset twice within 24 hours).
 */
export function localToInstant(localMs: number, zone: string): number {
  const before = offsetMinutes(zone, localMs - 86_400_000), after = offsetMinutes(zone, localMs + 86_400_000);
  const valid = [...new Set([before, after])].map((o) => localMs - o * 60_000).filter((ms) => localMs - offsetMinutes(zone, ms) * 60_000 === ms);
  // Earlier instant when both are valid (fall-back), forward shift in a gap (spring-forward): the
  // offset before the gap. (The two-pass guess gave the later instant of a repeated hour in zones
  // east of UTC: 02:30 on 2026-10-25 in Europe/Rome became 02:30 CET, not CEST.)
  return valid.length > 0 ? Math.min(...valid) : localMs - before * 60_000;
}

/** Formats an instant as ISO 8601 with the zone's offset, e.g. `2018-11-30T08:30:00-05:00`. */
export function isoInZone(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone: ianaZone(zone) }).toISO({ suppressMilliseconds: true })!;
}

/**
 * Whether a wall-clock time exists once in `zone`: `"gap"` when it falls in a spring-forward gap
 * (no instant has it; {@link localToInstant} shifts it forward), `"repeated"` when it falls in a
 * fall-back hour (two instants have it; the earlier is taken), else `"once"`.
 *
 * @param localMs the wall-clock time written as if it were UTC (ms)
 * Source: the offsets a day either side are the two candidates (no zone changes offset twice
 *   within 24 hours); a candidate is valid when the zone has that offset at the instant it gives.
 */
export function localTimeKind(localMs: number, zone: string): "once" | "gap" | "repeated" {
  const offsets = new Set([offsetMinutes(zone, localMs - 86_400_000), offsetMinutes(zone, localMs + 86_400_000)]);
  let valid = 0;
  for (const o of offsets) if (offsetMinutes(zone, localMs - o * 60_000) === o) valid++;
  return valid === 0 ? "gap" : valid > 1 ? "repeated" : "once";
}

/**
 * Every reading of a wall-clock time in `zone` as an instant, ascending: one for a time that
 * exists once, two for a time in a fall-back hour (the earlier is {@link localToInstant}'s), and
 * for a time in a spring-forward gap (which no instant has) its two readings with the offsets
 * before and after the gap (the later, shifted forward, is {@link localToInstant}'s).
 *
 * A reader of records with several stamps (a call's start, answer and end) takes the readings
 * that keep them in order, e.g. the later reading of an end in the repeated hour after a start
 * before it.
 *
 * @param localMs the wall-clock time written as if it were UTC (ms)
 * @returns epoch milliseconds, one or two, ascending
 * Source: as {@link localTimeKind}; the gap's readings are Temporal's "earlier" and "later"
 *   disambiguations.
 */
export function localReadings(localMs: number, zone: string): number[] {
  const offsets = [...new Set([offsetMinutes(zone, localMs - 86_400_000), offsetMinutes(zone, localMs + 86_400_000)])];
  const all = offsets.map((o) => localMs - o * 60_000).sort((a, b) => a - b);
  const valid = all.filter((ms) => localMs - offsetMinutes(zone, ms) * 60_000 === ms);
  return valid.length > 0 ? valid : all;
}
