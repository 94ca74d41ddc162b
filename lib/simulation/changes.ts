/**
 * Scenario changes: the interventions of OPERATIONS.md §6 written as edits of a scenario, so a
 * baseline and a proposal run side by side (`qb simulate --config BASE --compare CHANGE…`,
 * `compareScenarios`). A change is a discriminated union on `kind`:
 *
 * - `add_agents`: `count` agents with `skills`, over `shifts` (default the whole horizon);
 * - `on_call_pool`: `size` standby agents with `skills` and standby `windows`, and the pool's
 *   call-in policy (it replaces the scenario's `on_call`);
 * - `priority`: set or remove skills and their priorities for some agents (cross-skilling,
 *   priority tiers);
 * - `move_breaks`: breaks starting in a local time window moved by `shift_s` and/or staggered in
 *   `groups` of `step_s`, each kept inside its agent's shift and off its other breaks;
 * - `callbacks`: callers still waiting after `offer_after_s` offered a callback, taken with
 *   probability `acceptance` (37 % by default: Hathaway, Emadi & Deshpande).
 *
 * @module
 */
import { z } from "zod";
import { ianaZone, offsetMinutes } from "../time/mod.ts";
import { hasTrigger, onCallPolicyFields, parseScenario, type Scenario, type ScenarioInput } from "./config.ts";

const positive = z.number().positive().finite();
const nonNegative = z.number().nonnegative().finite();
const period = z.object({ start_s: nonNegative, end_s: nonNegative }).strict().refine((p) => p.end_s > p.start_s, { message: "end_s must be greater than start_s" });
const skills = z.record(z.string(), z.number().int().min(1));
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: "a local time HH:MM" });

/** The schema of one change (unknown keys are errors). */
export const changeSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("add_agents"),
    count: z.number().int().min(1).max(1000),
    skills,
    /** Working periods, seconds from the start of the simulation (default: the whole horizon); overlaps count once. */
    shifts: z.array(period).min(1).optional(),
    answer_probability: z.number().min(0.01).max(1).default(1),
    /** Paid cost per hour of each added agent (for the proposal's labour cost; default 0). */
    hourly_cost: nonNegative.default(0),
  }).strict(),
  z.object({
    kind: z.literal("on_call_pool"),
    size: z.number().int().min(1).max(1000),
    skills,
    /** Standby windows, seconds from the start (default: the whole horizon). */
    windows: z.array(period).optional(),
    ...onCallPolicyFields,
  }).strict().refine(...hasTrigger),
  z.object({
    kind: z.literal("priority"),
    /** Agent ids, or "all"; narrowed to those having `with_skill` when given. */
    agents: z.union([z.literal("all"), z.array(z.string().min(1)).min(1)]),
    with_skill: z.string().min(1).optional(),
    /** Only give a skill to agents who do not have it (cross-skilling without demoting anyone; default false). */
    if_missing: z.boolean().default(false),
    /** Queue → priority (1 = first); null removes the skill. */
    skills: z.record(z.string(), z.number().int().min(1).nullable()),
    /** Overflow after a wait: calls of `from` still waiting after `after_s` go to the line of `to`. */
    overflow: z.array(z.object({ from: z.string().min(1), to: z.string().min(1), after_s: nonNegative }).strict()).optional(),
  }).strict(),
  z.object({
    kind: z.literal("move_breaks"),
    /** Local window [from, to) of the breaks' starts, in `time_zone` (default UTC). */
    from: hhmm,
    to: hhmm,
    time_zone: z.string().default("UTC"),
    /** Only breaks with this reason (default: every break and lunch). */
    reason: z.string().min(1).optional(),
    agents: z.array(z.string().min(1)).min(1).optional(),
    /** Seconds every matched break moves (negative = earlier; default 0). */
    shift_s: z.number().finite().default(0),
    /** Staggering: the k-th matched break of a day moves (k mod groups) × step_s more. */
    stagger: z.object({ groups: z.number().int().min(2).max(100), step_s: positive }).strict().optional(),
  }).strict().refine((m) => m.shift_s !== 0 || m.stagger !== undefined, { message: "give shift_s and/or stagger" })
    .refine((m) => m.from !== m.to, { message: "from and to are the same time: the window is empty" }),
  z.object({
    kind: z.literal("callbacks"),
    /** Queues that offer callbacks (default every queue). */
    queues: z.array(z.string().min(1)).min(1).optional(),
    offer_after_s: nonNegative.default(60),
    acceptance: z.number().min(0).max(1).default(0.37),
  }).strict(),
]);

/** A validated change (defaults filled). */
export type Change = z.output<typeof changeSchema>;
/** A change as written. */
export type ChangeInput = z.input<typeof changeSchema>;

/**
 * Validates a change or a list of changes (a bare object, an array, or `{ changes: [...] }`).
 *
 * @throws {TypeError} naming every problem with its path, e.g. `Invalid change: 0.kind: Invalid input`
 */
export function parseChanges(input: unknown): Change[] {
  const list = Array.isArray(input) ? input : input && typeof input === "object" && "changes" in input ? (input as { changes: unknown }).changes : [input];
  const r = z.array(changeSchema).min(1).safeParse(list);
  if (!r.success) throw new TypeError(`Invalid change: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  return r.data;
}

/** A scenario with changes applied, and what the changes could not do. */
export interface ChangedScenario {
  scenario: Scenario;
  /** One line per change: what it did (agents added, breaks moved, skills set) and what it left. */
  notes: string[];
  /** Labour cost of added agents over the horizon (hourly_cost × their shift hours), per replication. */
  added_labour_cost: number;
  /** Agent-hours added (shift hours of added agents). */
  added_agent_hours: number;
}

/**
 * Applies changes, in order, to a scenario (the input is not modified) and validates the result.
 *
 * @param base a scenario (validated here)
 * @param changes validated changes ({@link parseChanges})
 * @returns the changed scenario with notes and the labour of added agents
 * @throws {TypeError} when the changed scenario is invalid (e.g. a skill on an unknown queue)
 * Source: OPERATIONS.md §6 (the interventions and their parameters).
 */
export function applyChanges(base: ScenarioInput | Scenario, changes: readonly Change[]): ChangedScenario {
  const s = structuredClone(parseScenario(base));
  const notes: string[] = [];
  let cost = 0, hours = 0;
  const ids = new Set(s.agents.map((a) => a.id));
  const freshId = (prefix: string) => {
    let n = 1;
    while (ids.has(`${prefix}${n}`)) n++;
    ids.add(`${prefix}${n}`);
    return `${prefix}${n}`;
  };
  for (const c of changes) {
    if (c.kind === "add_agents") {
      const shifts = mergePeriods(c.shifts ?? [{ start_s: 0, end_s: s.horizon_s }]);
      if (shifts.some((p) => p.start_s >= s.horizon_s)) throw new TypeError(`Invalid change: add_agents.shifts: a shift starts at or after the horizon (${s.horizon_s} s)`);
      const h = shifts.reduce((x, p) => x + (Math.min(p.end_s, s.horizon_s) - p.start_s), 0) / 3600;
      for (let i = 0; i < c.count; i++) {
        s.agents.push({ id: freshId("added-"), skills: { ...c.skills }, shifts: shifts.map((p) => ({ ...p })), breaks: [], on_call: false, answer_probability: c.answer_probability });
      }
      hours += h * c.count;
      cost += h * c.count * c.hourly_cost;
      notes.push(`add_agents: ${c.count} agent(s) with ${skillText(c.skills)}, ${fmt(h * c.count)} agent-hours`);
    } else if (c.kind === "on_call_pool") {
      const windows = c.windows ?? [{ start_s: 0, end_s: s.horizon_s }];
      for (let i = 0; i < c.size; i++) {
        s.agents.push({ id: freshId("standby-"), skills: { ...c.skills }, shifts: windows.map((p) => ({ ...p })), breaks: [], on_call: true, answer_probability: 1 });
      }
      s.on_call = {
        queue_threshold: c.queue_threshold, oldest_wait_s: c.oldest_wait_s, activation_delay_s: c.activation_delay_s, min_active_s: c.min_active_s,
        cost_per_activation: c.cost_per_activation, cost_per_hour: c.cost_per_hour,
      };
      notes.push(`on_call_pool: ${c.size} standby agent(s) with ${skillText(c.skills)}; the pool's policy replaces the scenario's`);
    } else if (c.kind === "priority") {
      let n = 0;
      const chosen = c.agents === "all" ? null : new Set(c.agents);
      const unknown = chosen ? [...chosen].filter((id) => !ids.has(id)) : [];
      if (unknown.length) throw new TypeError(`Invalid change: priority: unknown agent(s) ${unknown.slice(0, 5).join(", ")}`);
      const queueNames = new Set(s.queues.map((q) => q.name));
      for (const q of [...Object.keys(c.skills), ...(c.with_skill !== undefined ? [c.with_skill] : [])]) {
        if (!queueNames.has(q)) throw new TypeError(`Invalid change: priority: unknown queue '${q}'; queues are ${[...queueNames].join(", ")}`);
      }
      for (const a of s.agents) {
        if (chosen && !chosen.has(a.id)) continue;
        if (c.with_skill !== undefined && !(c.with_skill in a.skills)) continue;
        let touched = false;
        for (const [q, p] of Object.entries(c.skills)) {
          if (c.if_missing && q in a.skills) continue;
          touched = true;
          if (p === null) delete a.skills[q];
          else a.skills[q] = p;
        }
        if (touched) n++;
      }
      const froms = new Set<string>();
      for (const o of c.overflow ?? []) {
        const q = s.queues.find((x) => x.name === o.from);
        if (!q) throw new TypeError(`Invalid change: priority: overflow from unknown queue '${o.from}'`);
        if (froms.has(o.from)) throw new TypeError(`Invalid change: priority.overflow: '${o.from}' overflows twice; a queue overflows to one queue`);
        froms.add(o.from);
        q.overflow = { to: o.to, after_s: o.after_s };
      }
      notes.push(`priority: ${n} agent(s) set to ${Object.entries(c.skills).map(([q, p]) => (p === null ? `no ${q}` : `${q}:${p}`)).join(", ") || "no skill change"}` +
        (c.overflow?.length ? `; overflow ${c.overflow.map((o) => `${o.from} → ${o.to} after ${o.after_s} s`).join(", ")}` : ""));
    } else if (c.kind === "callbacks") {
      const names = new Set(s.queues.map((q) => q.name));
      const unknown = (c.queues ?? []).filter((q) => !names.has(q));
      if (unknown.length) throw new TypeError(`Invalid change: callbacks: unknown queue(s) ${unknown.slice(0, 5).join(", ")}; queues are ${[...names].join(", ")}`);
      const chosen = c.queues ?? [...names];
      for (const q of s.queues) if (chosen.includes(q.name)) q.callback = { offer_after_s: c.offer_after_s, acceptance: c.acceptance };
      notes.push(`callbacks: offered on ${chosen.join(", ")} after ${c.offer_after_s} s of wait, ${Math.round(c.acceptance * 100)} % accept`);
    } else {
      notes.push(moveBreaks(s, c));
    }
  }
  const empty = s.agents.filter((a) => Object.keys(a.skills).length === 0);
  if (empty.length) throw new TypeError(`Invalid change: agent(s) ${empty.slice(0, 5).map((a) => a.id).join(", ")} would have no skill left`);
  return { scenario: parseScenario(s), notes, added_labour_cost: cost, added_agent_hours: hours };
}

/** Overlapping or touching periods as one (an agent works a period once). */
function mergePeriods(list: readonly { start_s: number; end_s: number }[]): { start_s: number; end_s: number }[] {
  const out: { start_s: number; end_s: number }[] = [];
  for (const p of [...list].sort((a, b) => a.start_s - b.start_s)) {
    const last = out[out.length - 1];
    if (last && p.start_s <= last.end_s) last.end_s = Math.max(last.end_s, p.end_s);
    else out.push({ start_s: p.start_s, end_s: p.end_s });
  }
  return out;
}

const skillText = (k: Record<string, number>) => Object.entries(k).map(([q, p]) => `${q}:${p}`).join(", ");
const fmt = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 1 });

/** Moves the matching breaks in place; returns the note. */
function moveBreaks(s: Scenario, c: Extract<Change, { kind: "move_breaks" }>): string {
  try {
    ianaZone(c.time_zone);
  } catch {
    throw new TypeError(`Invalid change: move_breaks.time_zone: unknown IANA zone '${c.time_zone}'`);
  }
  const unknownAgents = (c.agents ?? []).filter((id) => !s.agents.some((a) => a.id === id));
  if (unknownAgents.length) throw new TypeError(`Invalid change: move_breaks.agents: unknown agent(s) ${unknownAgents.slice(0, 5).join(", ")}`);
  const minute = (x: string) => Number(x.slice(0, 2)) * 60 + Number(x.slice(3));
  const from = minute(c.from), to = minute(c.to);
  const inWindow = (t: number) => {
    const ms = (s.start_epoch_s + t) * 1000;
    const local = ms + offsetMinutes(c.time_zone, ms) * 60_000;
    const m = Math.floor((((local / 60_000) % 1440) + 1440) % 1440);
    return from <= to ? m >= from && m < to : m >= from || m < to;
  };
  const chosen = c.agents ? new Set(c.agents) : null;
  let moved = 0, kept = 0;
  const rankOfDay = new Map<number, number>();
  s.agents.forEach((a) => {
    if (chosen && !chosen.has(a.id)) return;
    const shifts = a.shifts ?? [{ start_s: 0, end_s: s.horizon_s }];
    a.breaks.forEach((b, i) => {
      if (c.reason !== undefined && (b.reason ?? "break") !== c.reason) return;
      if (!inWindow(b.start_s)) return;
      const day = Math.floor(b.start_s / 86_400);
      const k = rankOfDay.get(day) ?? 0;
      rankOfDay.set(day, k + 1);
      const d = c.shift_s + (c.stagger ? (k % c.stagger.groups) * c.stagger.step_s : 0);
      if (d === 0) return;
      const start = b.start_s + d, end = b.end_s + d;
      const inShift = shifts.some((sh) => sh.start_s <= start && end <= sh.end_s);
      const clash = a.breaks.some((o, j) => j !== i && o.start_s < end && start < o.end_s);
      if (!inShift || clash || start < 0 || end > s.horizon_s) {
        kept++;
        return;
      }
      a.breaks[i] = { ...b, start_s: start, end_s: end };
      moved++;
    });
  });
  const how = [c.shift_s ? `by ${c.shift_s} s` : "", c.stagger ? `staggered in ${c.stagger.groups} groups of ${c.stagger.step_s} s` : ""].filter(Boolean).join(", ");
  return `move_breaks: ${moved} break(s) starting ${c.from}–${c.to} (${c.time_zone}) moved ${how}` +
    (kept ? `; ${kept} left in place (the move would leave the shift or overlap another break)` : "");
}
