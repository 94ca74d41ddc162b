/**
 * Parser for the Technion "Anonymous Bank" call-center data (Brown et al., JASA 2005): one
 * tab-separated record per call with IVR, queue and service times as wall-clock `H:MM:SS`.
 *
 * @module
 */
import { localToInstant } from "../time/mod.ts";
import { MAX_DURATION_S } from "./queue_log_event.ts";
import { LogParseError } from "./errors.ts";
import { addNote, type CallStint, emptyCounts, ignoreLine, type ParsedLog, rejectRecord } from "./types.ts";

/** The 17 columns of the format, in order. */
export const TECHNION_COLUMNS = [
  "vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry", "vru_exit", "vru_time",
  "q_start", "q_exit", "q_time", "outcome", "ser_start", "ser_exit", "ser_time", "server",
] as const;

/** True when a header line is the Anonymous Bank format's. */
export function isTechnionHeader(line: string): boolean {
  return line.trim().toLowerCase().startsWith("vru+line\tcall_id");
}

/** Options of {@link parseTechnion}. */
export interface TechnionOptions {
  /** IANA time zone of the wall-clock times (default `"Asia/Jerusalem"`). */
  timeZone?: string;
  /** Stop at the first bad line with a {@link LogParseError} (default `false`). */
  strict?: boolean;
}

const NOT_HAPPENED = "0:00:00";
const HALF_DAY_S = 43_200;

function secondsOfDay(text: string): number {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return NaN;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return h < 24 && mi < 60 && s < 60 ? h * 3600 + mi * 60 + s : NaN;
}

/**
 * Parses Anonymous Bank records into `call_stints` (queue = the `type` column).
 *
 * Rules (DESIGN.md): a stint exists when `q_start` is not `0:00:00` or `outcome = AGENT`
 * (answered without queueing: entered at `vru_exit`, wait 0); HANG with `q_start = 0:00:00` is
 * an IVR hang-up, ignored by rule `ivr_only_hangup`; HANG in queue is abandoned with wait
 * `q_time` (possibly 0); PHANTOM rows are ignored by rule `phantom_record`. Times earlier than
 * the previous time of the same record by more than 12 h roll to the next day (midnight); a
 * service start before the queue (or IVR) exit — the data's 1–2 s clock offset — is clamped to
 * the exit instant and counted in `notes.clock_offset_clamped`. Server `NO_SERVER` means no
 * agent is known. Customer id `0` means unknown caller.
 *
 * @param lines the file's lines (header first), without line ends
 * @param source file name for rejects and errors
 * @param options time zone (default `Asia/Jerusalem`) and strictness
 * @returns stints (inbound only), no agent events, rejects and reconciled counts
 * @throws {LogParseError} in strict mode on the first bad record, naming the field
 * Source: Technion SEE lab, "Anonymous Bank" call-center data documentation (Mandelbaum,
 *   Sakov, Zeltyn 2000); Brown et al. (2005), JASA 100(469).
 */
export function parseTechnion(lines: readonly string[], source: string, options: TechnionOptions = {}): ParsedLog {
  const zone = options.timeZone ?? "Asia/Jerusalem";
  const counts = emptyCounts(source, "technion");
  const stints: CallStint[] = [], stint_lines: number[] = [];
  const rejects: ParsedLog["rejects"] = [];
  counts.lines_read = lines.length;

  let headerSeen = false;
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return ignoreLine(counts, "blank_line");
    if (!headerSeen && isTechnionHeader(raw)) {
      headerSeen = true;
      return ignoreLine(counts, "header");
    }
    headerSeen = true;
    try {
      const f = raw.split("\t");
      const fail = (field: string, reason: string): never => {
        throw new LogParseError(reason, { source, line, field });
      };
      if (f.length !== TECHNION_COLUMNS.length) fail("fields", `expected 17 tab-separated fields, got ${f.length}`);
      const col = (name: (typeof TECHNION_COLUMNS)[number]) => f[TECHNION_COLUMNS.indexOf(name)]!.trim();
      const outcome = col("outcome");
      if (outcome !== "AGENT" && outcome !== "HANG" && outcome !== "PHANTOM") {
        fail("outcome", `outcome must be AGENT, HANG or PHANTOM, got '${outcome.slice(0, 20)}'`);
      }
      const date = col("date");
      if (!/^\d{6}$/.test(date)) fail("date", `date must be YYMMDD, got '${date.slice(0, 20)}'`);
      const times: Record<string, number> = {};
      for (const name of ["vru_entry", "vru_exit", "q_start", "q_exit", "ser_start", "ser_exit"] as const) {
        const s = secondsOfDay(col(name));
        if (!(s >= 0)) fail(name, `${name} must be H:MM:SS, got '${col(name).slice(0, 20)}'`);
        times[name] = s;
      }
      const intField = (name: "q_time" | "ser_time" | "vru_time") => {
        const t = col(name);
        if (!/^\d+$/.test(t) || Number(t) > MAX_DURATION_S) fail(name, `${name} must be whole seconds from 0 to 30 days, got '${t.slice(0, 20)}'`);
        return Number(t);
      };
      const q_time = intField("q_time");
      const ser_time = intField("ser_time");
      if (outcome === "PHANTOM") return ignoreLine(counts, "phantom_record");
      const queued = col("q_start") !== NOT_HAPPENED;
      if (outcome === "HANG" && !queued) return ignoreLine(counts, "ivr_only_hangup");

      const yy = Number(date.slice(0, 2));
      const [year, month, dom] = [yy < 50 ? 2000 + yy : 1900 + yy, Number(date.slice(2, 4)), Number(date.slice(4, 6))];
      const midnight = Date.UTC(year, month - 1, dom);
      if (new Date(midnight).getUTCDate() !== dom || month < 1 || month > 12) {
        fail("date", `date is not a calendar date: '${date}'`);
      }
      // Absolute seconds since the record's midnight, rolling over midnight in record order.
      let dayOffset = 0;
      let previous = -1;
      const abs: Record<string, number | null> = {};
      for (const name of ["vru_entry", "vru_exit", "q_start", "q_exit", "ser_start", "ser_exit"]) {
        if (col(name as (typeof TECHNION_COLUMNS)[number]) === NOT_HAPPENED) {
          abs[name] = null;
          continue;
        }
        let t = times[name]! + dayOffset;
        if (previous >= 0 && previous - t > HALF_DAY_S) {
          dayOffset += 86_400;
          t += 86_400;
          addNote(counts, "midnight_rollovers");
        }
        abs[name] = t;
        previous = Math.max(previous, t);
      }
      const instant = (s: number) => localToInstant(midnight + s * 1000, zone);
      const queueExit = queued ? abs["q_exit"] : abs["vru_exit"];
      const entered = queued ? abs["q_start"] : abs["vru_exit"];
      if (entered === null || entered === undefined) fail("vru_exit", "an answered call without queue needs vru_exit");
      const customer = col("customer_id");
      const server = col("server");
      const s: CallStint = {
        call_id: col("call_id"), stint_no: 1, source, queue: col("type"), direction: "inbound",
        entered_at: instant(entered!), answered_at: null, ended_at: null, agent: null, outcome: "abandoned",
        wait_s: queued ? q_time : 0, ring_s: null, talk_s: null, hold_s: null, wrap_s: null,
        position_entered: null, caller: customer === "0" || customer === "" ? null : customer,
        transfer_to: null, reconstructed: false, ended_by: null,
      };
      if (outcome === "AGENT") {
        let start = abs["ser_start"] ?? queueExit ?? entered!;
        if (queueExit !== null && queueExit !== undefined && start < queueExit) {
          addNote(counts, "clock_offset_clamped");
          start = queueExit;
        }
        s.outcome = "answered";
        s.answered_at = instant(start);
        s.talk_s = ser_time;
        s.ended_at = s.answered_at + ser_time * 1000;
        s.agent = server === "NO_SERVER" || server === "" ? null : server;
      } else {
        s.ended_at = instant(queueExit ?? entered!);
      }
      stints.push(s);
      stint_lines.push(line);
      counts.used++;
    } catch (err) {
      rejectRecord(err, { source, line, raw }, rejects, counts, options.strict);
    }
  });
  return { stints, stint_lines, agent_events: [], rejects, counts };
}
