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
 * Source: the two-pass offset algorithm used by luxon and Temporal's "compatible" disambiguation.
 */
export function localToInstant(localMs: number, zone: string): number {
  const o1 = offsetMinutes(zone, localMs);
  const guess = localMs - o1 * 60_000;
  const o2 = offsetMinutes(zone, guess);
  if (o1 === o2) return guess;
  const alt = localMs - o2 * 60_000;
  // Earlier instant when both are valid (fall-back), forward shift in a gap (spring-forward).
  if (offsetMinutes(zone, alt) === o2) return Math.min(guess, alt);
  return Math.max(guess, alt);
}

/** Formats an instant as ISO 8601 with the zone's offset, e.g. `2018-11-30T08:30:00-05:00`. */
export function isoInZone(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone: ianaZone(zone) }).toISO({ suppressMilliseconds: true })!;
}
