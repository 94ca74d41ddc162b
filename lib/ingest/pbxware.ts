/**
 * Parser for the Bicom PBXware `queue_log` database export: columns
 * `uid,date_time,callid,queue_name,type,event,param1,param2,param3,entpos,expos,htime,ttime,time`.
 * `date_time` is epoch seconds, `type` is the agent, `htime`/`ttime` hold and talk seconds
 * (RINGNOANSWER `htime` is ring time in milliseconds). Values are mapped onto Asterisk's native
 * `data1…` order so that one stint builder serves every format.
 *
 * @module
 */
import { LogParseError } from "./errors.ts";
import { EVENT_NAME, parseEpochSeconds, type QueueLogEvent, validateEventFields } from "./queue_log_event.ts";
import type { CsvRecord } from "./_csv_table.ts";

/** The PBXware export's columns. */
export const PBXWARE_COLUMNS = [
  "uid", "date_time", "callid", "queue_name", "type", "event",
  "param1", "param2", "param3", "entpos", "expos", "htime", "ttime",
] as const;

/** True when a lower-cased header is a PBXware `queue_log` export's. */
export function isPbxwareHeader(header: readonly string[]): boolean {
  return PBXWARE_COLUMNS.every((c) => header.includes(c));
}

/**
 * Maps PBXware's named columns onto the native Asterisk data fields of each event:
 * ENTERQUEUE `url|callerid|position`; CONNECT `holdtime|bridged|ringtime`; COMPLETE*
 * `holdtime|calltime|origposition`; ABANDON / EXIT* `position|origposition|waittime`;
 * RINGNOANSWER `ringtime_ms`; (BLIND)TRANSFER `ext|context|holdtime|calltime|origposition`;
 * ATTENDEDTRANSFER `BRIDGE|target|holdtime|calltime|origposition`; OUT* verbs
 * `number|param2|param3|htime|ttime`; others `param1|param2|param3`.
 */
export function pbxwareData(event: string, v: Record<string, string>): string[] {
  const p1 = v["param1"] ?? "", p2 = v["param2"] ?? "", p3 = v["param3"] ?? "";
  const entpos = v["entpos"] ?? "", expos = v["expos"] ?? "", htime = v["htime"] ?? "", ttime = v["ttime"] ?? "";
  switch (event) {
    case "ENTERQUEUE":
      return ["", p1, entpos];
    case "CONNECT":
      return [htime, p2, p3];
    case "COMPLETECALLER":
    case "COMPLETEAGENT":
      return [htime, ttime, entpos];
    case "ABANDON":
    case "EXITWITHTIMEOUT":
    case "EXITEMPTY":
      return [expos, entpos, htime];
    case "EXITWITHKEY":
      return [p2 || p1, expos, entpos, htime];
    case "RINGNOANSWER":
    case "RINGCANCELED":
      return [htime];
    case "TRANSFER":
    case "BLINDTRANSFER":
      return [p2, p3, htime, ttime, entpos];
    case "ATTENDEDTRANSFER":
      return ["BRIDGE", p2, htime, ttime, entpos];
    default:
      if (event.startsWith("OUT")) return [p1, p2, p3, htime, ttime];
      return [p1, p2, p3];
  }
}

/**
 * Converts one PBXware export record into a normalized `queue_log` event.
 *
 * @throws {LogParseError} naming `date_time` when it is not epoch seconds, or `event`
 * Source: PBXware `queue_log` table as exported in `../shared/data/pbxware_queue_log.csv`.
 */
export function pbxwareRecordToEvent(record: CsvRecord, source: string): QueueLogEvent {
  const v = record.values;
  const where = { source, line: record.line };
  const at = parseEpochSeconds(v["date_time"] ?? "", { ...where, field: "date_time" });
  const event = (v["event"] ?? "").trim();
  if (!EVENT_NAME.test(event)) {
    throw new LogParseError(`event must be an upper-case name, got '${event.slice(0, 40)}'`, { ...where, field: "event" });
  }
  for (const f of ["entpos", "expos", "htime", "ttime"]) {
    const x = (v[f] ?? "").trim();
    if (x !== "" && !/^\d+(\.\d+)?$/.test(x)) {
      throw new LogParseError(`${f} must be a non-negative number, got '${x.slice(0, 40)}'`, { ...where, field: f });
    }
  }
  const e: QueueLogEvent = {
    source, line: record.line, raw: record.raw, at,
    call_id: (v["callid"] ?? "").trim(),
    queue: (v["queue_name"] ?? "").trim(),
    agent: (v["type"] ?? "").trim(),
    event,
    data: pbxwareData(event, v),
  };
  try {
    validateEventFields(e);
  } catch (err) {
    // Name PBXware's own column rather than the mapped Asterisk data field.
    if (err instanceof LogParseError) throw new LogParseError(err.reason, { ...where, field: `${err.field} (${pbxwareColumnOf(event, err.field)})` });
    throw err;
  }
  return e;
}

/** The PBXware column a mapped data field came from (for error messages). */
function pbxwareColumnOf(event: string, field: string): string {
  const i = Number(field.replace("data", "")) - 1;
  const probe: Record<string, string> = {};
  for (const c of ["param1", "param2", "param3", "entpos", "expos", "htime", "ttime"]) probe[c] = `@${c}`;
  const mapped = pbxwareData(event, probe)[i] ?? "";
  return mapped.startsWith("@") ? mapped.slice(1) : field;
}
