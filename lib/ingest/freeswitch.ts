/**
 * FreeSWITCH mod_callcenter agent status and state changes as a second source of agent states:
 * a CSV `timestamp, agent, status, state` (one row per change of either; the shape of the
 * module's `callcenter::info` events `agent-status-change` / `agent-state-change`, or of its
 * `agents` table polled), validated row by row.
 *
 * @module
 */
import { z } from "zod";
import type { Store } from "../store/mod.ts";
import { ianaZone } from "../time/mod.ts";
import { readTableFile, storeTableFile, type TableFile } from "./_table_file.ts";
import { inDstGap, parseInstant } from "./asterisk_csv.ts";

/** mod_callcenter agent statuses (session and availability). */
export const FREESWITCH_STATUSES = ["Logged Out", "Available", "Available (On Demand)", "On Break"] as const;
/** mod_callcenter agent states (work). */
export const FREESWITCH_STATES = ["Waiting", "Receiving", "In a queue call", "Idle"] as const;

/** One change. */
export interface AgentStateChange {
  agent: string;
  /** Epoch milliseconds. */
  at: number;
  status: (typeof FREESWITCH_STATUSES)[number];
  state: (typeof FREESWITCH_STATES)[number];
}

const oneOf = <T extends readonly string[]>(field: string, values: T) =>
  z.string().transform((s, ctx) => {
    const v = values.find((x) => x.toLowerCase() === s.trim().toLowerCase());
    if (!v) ctx.addIssue({ code: "custom", message: `${field} must be one of ${values.join(", ")}, got '${s.slice(0, 40)}'` });
    return (v ?? values[0]) as T[number];
  });

/**
 * Reads a mod_callcenter state-change CSV: `timestamp` (epoch seconds, ISO 8601 or
 * `YYYY-MM-DD HH:MM:SS` local in `timeZone`), `agent`, `status`, `state` (case-insensitive).
 *
 * @throws {InputError} when the file cannot be read or lacks a column
 * Source: FreeSWITCH documentation, mod_callcenter ("Agent Status", "Agent State").
 */
export function readFreeswitchStates(path: string, options: { timeZone?: string; columns?: Readonly<Record<string, string>> } = {}): TableFile<AgentStateChange> {
  const zone = options.timeZone ?? "UTC";
  ianaZone(zone);
  const schema = z.object({
    timestamp: z.string().transform((s, ctx) => {
      const ms = s === "" ? NaN : parseInstant(s, zone);
      if (!Number.isFinite(ms)) ctx.addIssue({ code: "custom", message: `timestamp must be epoch seconds or a date-time, got '${s.slice(0, 40)}'` });
      else if (inDstGap(s, zone)) ctx.addIssue({ code: "custom", message: `timestamp '${s.slice(0, 40)}' does not exist in ${zone} (the clocks skip it at a DST change)` });
      return ms;
    }),
    agent: z.string().min(1, "agent must not be empty"),
    status: oneOf("status", FREESWITCH_STATUSES),
    state: oneOf("state", FREESWITCH_STATES),
  }).transform((r) => ({ agent: r.agent, at: r.timestamp, status: r.status, state: r.state })) as unknown as z.ZodType<AgentStateChange>;
  return readTableFile(path, "freeswitch-states", schema, ["timestamp", "agent", "status", "state"], options.columns ?? {});
}

/** Loads mod_callcenter state changes into `agent_state_changes` (replacing the same file's rows). @returns its counts */
export async function loadFreeswitchStates(store: Store, path: string, options: Parameters<typeof readFreeswitchStates>[1] = {}) {
  const file = readFreeswitchStates(path, options);
  await storeTableFile(store, "agent_state_changes", file, (r: AgentStateChange & { line: number }) => ({ ...r }));
  return file.counts;
}
