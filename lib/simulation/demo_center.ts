/**
 * A realistic, fully known demo contact center: 60 operators in 3 teams and 2 departments,
 * 4 queues with weekday/weekend and intraday profiles, schedules with breaks, an on-call pool,
 * a simulated Asterisk queue_log, assistance cases with a backlog, and targets.
 *
 * @module
 */
import { localToInstant, offsetMinutes } from "../time/mod.ts";
import type { ScenarioInput } from "./config.ts";
import { parseScenario } from "./config.ts";
import { simulateReplication } from "./engine.ts";
import { createRng } from "./rng.ts";

/** Options of {@link buildDemoCenter}. */
export interface DemoOptions {
  /** Days simulated (default 28). */
  days?: number;
  /** Seed (default 42): the same seed gives the same center on every machine. */
  seed?: number;
  /** First day, a local date `YYYY-MM-DD` (default 2026-10-05, a Monday; the period crosses the end of DST). */
  start_date?: string;
  /** IANA time zone of the center (default Europe/Rome). */
  time_zone?: string;
}

/** One operator of the roster. */
export interface RosterRow {
  agent: string;
  name: string;
  team: string;
  department: string;
  hourly_cost: number;
  /** `queue:priority` pairs joined by `;` (priority 1 is served first). */
  skills: string;
  on_call: boolean;
}

/** One scheduled activity (instants in UTC, ISO 8601). */
export interface ScheduleRow {
  agent: string;
  activity: "on_queue" | "lunch" | "break" | "on_call";
  starts_at: string;
  ends_at: string;
}

/** One assistance case opened from a call. */
export interface ServiceRow {
  service_id: string;
  service_type: string;
  call_id: string;
  queue: string;
  agent: string;
  opened_at: string;
  closed_at: string | null;
  status: "closed" | "open";
  outcome: "resolved" | "escalated" | "cancelled" | null;
  handling_s: number;
  cost: number;
}

/** One target. */
export interface TargetRow {
  scope_type: "queue" | "team" | "center";
  scope: string;
  indicator: string;
  comparison: ">=" | "<=";
  target: number;
  threshold_s: number | null;
}

/** The generated center. */
export interface DemoCenter {
  roster: RosterRow[];
  schedules: ScheduleRow[];
  services: ServiceRow[];
  targets: TargetRow[];
  queue_log: string[];
  /** The simulator's own accounting of each agent's time by status (seconds): the truth for tests. */
  agent_time_by_agent_s: Record<string, { talking: number; wrap: number; idle: number; ringing: number; paused: number }>;
  scenario: ScenarioInput;
  time_zone: string;
  start_epoch_s: number;
  days: number;
}

/**
 * Each queue's share of each team's rostered capacity (Care carries a little more than its own),
 * and its cases: the share of answered calls that open one and the mean work on it, s. The work
 * fits the agents' own idle time (measured on the 28-day demo: cases of 20–60 minutes, at the
 * old rates, came to more case-work hours than logged-in hours).
 */
const QUEUES = [
  { name: "sales", load: { Sales: 0.75 }, aht_s: 240, wrap_s: 30, patience_s: 180, cases: 0.08, type: "quote", handling_s: 300 },
  { name: "support", load: { Care: 0.8, Tech: 0.15 }, aht_s: 330, wrap_s: 45, patience_s: 240, cases: 0.3, type: "complaint", handling_s: 300 },
  { name: "billing", load: { Sales: 0.2, Care: 0.25 }, aht_s: 280, wrap_s: 40, patience_s: 300, cases: 0.2, type: "account_change", handling_s: 300 },
  { name: "tech", load: { Tech: 0.7 }, aht_s: 540, wrap_s: 60, patience_s: 420, cases: 0.2, type: "repair", handling_s: 360 },
] as const;

/** The occupancy the forecast is planned at (handling time / rostered time). */
const PLANNED_OCCUPANCY = 0.85;

const FIRST = ["Anna", "Luca", "Marta", "Paolo", "Giulia", "Marco", "Sara", "Davide", "Elena", "Simone", "Chiara", "Andrea", "Laura", "Matteo", "Irene", "Stefano", "Silvia", "Fabio", "Valeria", "Nicola"];
const LAST = ["Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti"];

/** Intraday shape by local hour (fraction of the daily volume per 30-minute interval). */
function intraday(queue: string, hour: number, saturday: boolean): number {
  if (saturday ? hour < 9 || hour >= 14 : hour < 8 || hour >= 20) return 0;
  const morning = Math.exp(-((hour - 10.5) ** 2) / 3), afternoon = Math.exp(-((hour - 15.5) ** 2) / 4);
  const w = queue === "sales" ? 0.8 * morning + afternoon : queue === "tech" ? morning + 0.6 * afternoon : morning + 0.7 * afternoon;
  return 0.15 + w;
}

/**
 * Builds the demo center: roster, schedules, a simulated queue_log (one replication of the
 * generated scenario), assistance cases opened from answered calls (some still open at the end:
 * the backlog) and targets. Deterministic for a seed.
 *
 * Teams: Sales (Commercial; sales first, billing second), Care (Customer Care; support first,
 * billing second) and Tech (Customer Care; tech first, support second); 4 Care operators form an
 * on-call pool called in when 8 calls wait, only within its standby windows (weekdays 09:00–19:00,
 * as scheduled; 20 per call-in plus 26 per hour). Arrivals are the forecast the roster was built
 * for: each team's rostered headcount carries its queues' load at 85 % planned occupancy, shaped
 * by the intraday wave, so the teams run at 75–88 % occupancy and peak intervals (above all where
 * every early shift breaks at 10:00) miss their targets. A third of the
 * callers who abandon call again about 15 minutes later. Weekdays 08:00–20:00 in early (08:00–16:30) and late
 * (11:30–20:00) shifts with a 30-minute lunch and two 15-minute breaks; Saturdays 09:00–14:00 for
 * a rotating third; Sundays closed.
 *
 * @param options days (28), seed (42), start date (2026-10-05), time zone (Europe/Rome)
 * @returns the {@link DemoCenter}
 * @throws {RangeError} for days outside 1–366 or a malformed start date
 */
export function buildDemoCenter(options: DemoOptions = {}): DemoCenter {
  const days = options.days ?? 28;
  if (!(Number.isInteger(days) && days >= 1 && days <= 366)) throw new RangeError(`Cannot build the demo center: days must be a whole number in 1–366, got ${days}`);
  const seed = options.seed ?? 42;
  const zone = options.time_zone ?? "Europe/Rome";
  const startDate = options.start_date ?? "2026-10-05";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(startDate);
  const valid = m && Number(m[1]) >= 1970 && Number(m[1]) <= 2200 &&
    new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === startDate;
  if (!m || !valid) throw new RangeError(`Cannot build the demo center: start_date must be a calendar date YYYY-MM-DD between 1970 and 2200, got '${startDate}'`);
  const midnight = (d: number) => Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + d);
  const start_ms = localToInstant(midnight(0), zone);
  const at = (day: number, hour: number) => (localToInstant(midnight(day) + hour * 3_600_000, zone) - start_ms) / 1000;
  const iso = (s: number) => new Date(start_ms + s * 1000).toISOString().replace(".000Z", "Z");
  const rng = createRng(seed);

  // Roster.
  const roster: RosterRow[] = [];
  const teams = [
    { team: "Sales", department: "Commercial", count: 18, skills: "sales:1;billing:2", base: 20 },
    { team: "Care", department: "Customer Care", count: 26, skills: "support:1;billing:2", base: 18 },
    { team: "Tech", department: "Customer Care", count: 12, skills: "tech:1;support:2", base: 24 },
    { team: "Care", department: "Customer Care", count: 4, skills: "support:1;billing:2", base: 26, on_call: true },
  ];
  let id = 1001;
  for (const t of teams) {
    for (let i = 0; i < t.count; i++, id++) {
      roster.push({
        agent: `Agent/${id}`, name: `${FIRST[(id * 7) % FIRST.length]} ${LAST[(id * 5) % LAST.length]}`,
        team: t.team, department: t.department, hourly_cost: t.base + (i % 4) * 2, skills: t.skills, on_call: !!t.on_call,
      });
    }
  }

  // Schedules and the scenario's agents.
  const schedules: ScheduleRow[] = [];
  const agents: NonNullable<ScenarioInput["agents"]> = roster.map((r, idx) => {
    const skills = Object.fromEntries(r.skills.split(";").map((p) => { const [q, pr] = p.split(":"); return [q!, Number(pr)]; }));
    const shifts: { start_s: number; end_s: number }[] = [];
    const breaks: { start_s: number; end_s: number; reason: string }[] = [];
    for (let d = 0; d < days; d++) {
      const dow = new Date(midnight(d)).getUTCDay(); // 0 Sunday … 6 Saturday
      if (r.on_call) continue;
      if (dow === 0) continue;
      if (dow === 6) {
        if ((idx + Math.floor(d / 7)) % 3 !== 0) continue;
        shifts.push({ start_s: at(d, 9), end_s: at(d, 14) });
        breaks.push({ start_s: at(d, 11), end_s: at(d, 11.25), reason: "break" });
        continue;
      }
      const early = (idx + Math.floor(d / 7)) % 2 === 0;
      const [s0, s1] = early ? [8, 16.5] : [11.5, 20];
      shifts.push({ start_s: at(d, s0), end_s: at(d, s1) });
      const lunch = early ? 12.5 + (idx % 3) * 0.5 : 15 + (idx % 3) * 0.5;
      breaks.push({ start_s: at(d, s0 + 2), end_s: at(d, s0 + 2.25), reason: "break" });
      breaks.push({ start_s: at(d, lunch), end_s: at(d, lunch + 0.5), reason: "lunch" });
      breaks.push({ start_s: at(d, s1 - 1.5), end_s: at(d, s1 - 1.25), reason: "break" });
    }
    for (const sh of shifts) schedules.push({ agent: r.agent, activity: "on_queue", starts_at: iso(sh.start_s), ends_at: iso(sh.end_s) });
    for (const b of breaks) schedules.push({ agent: r.agent, activity: b.reason as "lunch" | "break", starts_at: iso(b.start_s), ends_at: iso(b.end_s) });
    if (r.on_call) {
      for (let d = 0; d < days; d++) {
        const dow = new Date(midnight(d)).getUTCDay();
        if (dow >= 1 && dow <= 5) schedules.push({ agent: r.agent, activity: "on_call", starts_at: iso(at(d, 9)), ends_at: iso(at(d, 19)) });
      }
    }
    // An on-call agent's shifts are its standby windows (weekdays 09:00–19:00, as scheduled).
    const windows = r.on_call
      ? Array.from({ length: days }, (_, d) => d).filter((d) => [1, 2, 3, 4, 5].includes(new Date(midnight(d)).getUTCDay())).map((d) => ({ start_s: at(d, 9), end_s: at(d, 19) }))
      : shifts;
    return {
      id: r.agent.slice(6), skills, shifts: windows, breaks, on_call: r.on_call,
      answer_probability: 0.97,
    };
  });

  // Arrivals per absolute 30-minute interval: the forecast the roster was built for. Each team's
  // rostered headcount (breaks not deducted) carries its queues' load at PLANNED_OCCUPANCY, shaped
  // by the intraday wave (peaks up to 20 % above plan, troughs below): occupancy lands near 80 %,
  // and peaks — above all where breaks collide with them — miss their targets.
  const intervals = days * 48;
  const staffed = new Map<string, number[]>();
  agents.forEach((a, k) => {
    if (a.on_call) return;
    const team = roster[k]!.team;
    const row = staffed.get(team) ?? staffed.set(team, new Array<number>(intervals).fill(0)).get(team)!;
    for (const sh of a.shifts ?? []) {
      for (let i = Math.floor(sh.start_s / 1800); i < Math.ceil(sh.end_s / 1800) && i < intervals; i++) {
        row[i]! += (Math.min(sh.end_s, (i + 1) * 1800) - Math.max(sh.start_s, i * 1800)) / 1800;
      }
    }
  });
  const queues = QUEUES.map((q) => {
    const calls: number[] = [];
    const peak = Math.max(...Array.from({ length: 48 }, (_, h) => intraday(q.name, h / 2, false)));
    for (let i = 0; i < intervals; i++) {
      const local = new Date(start_ms + i * 1_800_000 + offsetMinutes(zone, start_ms + i * 1_800_000) * 60_000);
      const hour = local.getUTCHours() + local.getUTCMinutes() / 60;
      const agentsFor = Object.entries(q.load).reduce((n, [team, share]) => n + share * (staffed.get(team)?.[i] ?? 0), 0);
      const wave = 0.85 + 0.20 * (intraday(q.name, hour, local.getUTCDay() === 6) / peak);
      calls.push((PLANNED_OCCUPANCY * agentsFor * 1800 * wave) / (q.aht_s + q.wrap_s));
    }
    return {
      name: q.name, arrivals: { interval_minutes: 30, calls_per_interval: calls }, aht_s: q.aht_s,
      service: "lognormal" as const, service_cv: 0.9, wrap_s: q.wrap_s, patience_s: q.patience_s,
      redial: { probability: 0.35, mean_delay_s: 900 },
    };
  });
  const start_epoch_s = start_ms / 1000;
  const scenario: ScenarioInput = {
    seed, horizon_s: days * 86_400, replications: 2, threshold_s: 20, ring_s: 4, start_epoch_s,
    queues, agents,
    on_call: { queue_threshold: 10, activation_delay_s: 600, min_active_s: 3600, cost_per_activation: 20, cost_per_hour: 26 },
  };
  const rep = simulateReplication(parseScenario(scenario), rng.fork(), { queue_log: true, calls: true });

  // Assistance cases from answered calls; some are still open at the end (backlog).
  const cost = new Map(roster.map((r) => [r.agent, r.hourly_cost]));
  const services: ServiceRow[] = [];
  const caseRng = rng.fork();
  const end_s = days * 86_400;
  for (const c of rep.calls) {
    if (c.outcome !== "answered") continue;
    const q = QUEUES.find((x) => x.name === c.queue)!;
    if (caseRng.uniform() >= q.cases) continue;
    const opened = c.answered_at_s! + c.talk_s!;
    const handling = Math.round(caseRng.lognormal(q.handling_s, 0.7));
    const closed = opened + caseRng.exponential(86_400 * (q.name === "tech" ? 3 : 1.5)) + handling;
    const open = closed > end_s;
    const u = caseRng.uniform();
    services.push({
      service_id: `S${String(services.length + 1).padStart(6, "0")}`, service_type: q.type, call_id: c.call_id,
      queue: c.queue, agent: c.agent!, opened_at: iso(opened), closed_at: open ? null : iso(closed),
      status: open ? "open" : "closed", outcome: open ? null : u < 0.8 ? "resolved" : u < 0.92 ? "escalated" : "cancelled",
      handling_s: handling, cost: Math.round(((handling / 3600) * (cost.get(c.agent!) ?? 20)) * 100) / 100,
    });
  }

  const targets: TargetRow[] = [
    ...QUEUES.flatMap((q) => [
      { scope_type: "queue" as const, scope: q.name, indicator: "service_level", comparison: ">=" as const, target: 0.8, threshold_s: q.name === "tech" ? 60 : 20 },
      { scope_type: "queue" as const, scope: q.name, indicator: "asa_s", comparison: "<=" as const, target: 30, threshold_s: null },
      { scope_type: "queue" as const, scope: q.name, indicator: "abandon_rate", comparison: "<=" as const, target: 0.05, threshold_s: null },
      { scope_type: "queue" as const, scope: q.name, indicator: "aht_s", comparison: "<=" as const, target: Math.round(q.aht_s * 1.1), threshold_s: null },
    ]),
    ...["Sales", "Care", "Tech"].flatMap((team) => [
      { scope_type: "team" as const, scope: team, indicator: "occupancy", comparison: "<=" as const, target: 0.85, threshold_s: null },
      { scope_type: "team" as const, scope: team, indicator: "adherence", comparison: ">=" as const, target: 0.9, threshold_s: null },
    ]),
    { scope_type: "center", scope: "all", indicator: "service_level", comparison: ">=", target: 0.8, threshold_s: 20 },
    // Case (services) targets: a day's median resolution, a backlog ceiling, tech's slower cases, support's cost.
    { scope_type: "center", scope: "all", indicator: "resolution_median_h", comparison: "<=", target: 24, threshold_s: null },
    { scope_type: "center", scope: "all", indicator: "open_at_snapshot", comparison: "<=", target: 500, threshold_s: null },
    { scope_type: "queue", scope: "tech", indicator: "resolution_median_h", comparison: "<=", target: 48, threshold_s: null },
    { scope_type: "queue", scope: "support", indicator: "cost_per_solved_case", comparison: "<=", target: 2, threshold_s: null },
  ];
  return { roster, schedules, services, targets, queue_log: rep.queue_log, scenario, time_zone: zone, start_epoch_s, days, agent_time_by_agent_s: rep.agent_time_by_agent_s };
}

