/**
 * Time zones: wall-clock ↔ instant conversions (DST-safe) and ISO formatting with offsets.
 *
 * @module
 */
export { ianaZone, isoInZone, localReadings, localTimeKind, localToInstant, offsetMinutes } from "./local_time.ts";
