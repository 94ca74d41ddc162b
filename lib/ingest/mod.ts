/**
 * Ingest: reads contact-center logs into queuebook's tables, rejecting nothing silently.
 *
 * - {@link loadLogs}: files → DuckDB (`call_stints`, `calls`, `agent_events`, `rejects`, `ingest_runs`).
 * - {@link parseLogText} / {@link parseLogFile}: one log → records, without a store.
 * - Formats: Asterisk `queue_log` (native, table export), PBXware export, Technion Anonymous Bank.
 *
 * @module
 */
export { InputError, LOAD_PHASES, type LoadNotices, type LoadOptions, type LoadPhase, type LoadProgress, loadLogs, storeParsedLog } from "./load.ts";
export { parseLogFile, parseLogText, type ParseLogOptions } from "./parse_log.ts";
export { detectFormat, LOG_FORMATS, type LogFormat } from "./detect_format.ts";
export { CDR_LAYOUTS, type CdrFormat, type CdrOptions, parseCdr } from "./cdr.ts";
export { LogParseError } from "./errors.ts";
export { parseQueueLogLine } from "./asterisk_queue_log.ts";
/** The longest queue_log line kept, UTF-8 bytes (longer lines are rejected, their first 200 characters kept). */
export { MAX_LINE_BYTES } from "./queue_log_verbs.ts";
export { buildStints } from "./queue_log_stints.ts";
export { parseTechnion } from "./technion.ts";
export type { QueueLogEvent } from "./queue_log_event.ts";
export type { AgentEvent, CallStint, IngestCounts, ParsedLog, Reject, StintOutcome } from "./types.ts";
export {
  activityKey,
  DEFAULT_ACTIVITY_MAP, loadRoster, loadSchedules, PLANNED_CATEGORIES, readRoster, readSchedules, type RosterEntry,
  SCHEDULE_CATEGORIES, type ScheduleCategory, type ScheduledActivity,
} from "./roster.ts";
export { type QueueName, readQueueMap } from "./queue_map.ts";
export { type AgentStateChange, FREESWITCH_STATES, FREESWITCH_STATUSES, loadFreeswitchStates, readFreeswitchStates } from "./freeswitch.ts";
export { isRateKpi, readTargets, type Target, TARGET_SCOPES, type TargetScope } from "./targets.ts";
export { detectServiceFormat, loadServices, readServices, type ServiceCase, SERVICE_FORMATS, type ServiceFormat } from "./services.ts";
