/**
 * Simulation scenarios: types and their validation schema (zod; unknown keys are rejected).
 *
 * @module
 */
import { SL_DEFAULTS } from "../indicators/service_level.ts";
import { z } from "zod";

/** Largest number of calls a scenario may expect over all its replications (redials included). */
export const MAX_EXPECTED_CALLS = 2e7;
/**
 * Largest work a scenario may need over all its replications, in agent visits: each dispatch
 * looks at every agent, so work ≈ expected calls × agents (100,000 agents hung a run).
 */
export const MAX_WORK = 1e9;

/**
 * Expected redials per first call of a queue (an upper bound: as if every call abandoned): a
 * geometric series 1/(1 − p) for p < 1; with p = 1, one redial per patience-and-delay cycle up
 * to the horizon.
 */
function redialFactor(redial: { probability: number; mean_delay_s: number } | undefined, patience_s: number | null, horizon_s: number): number {
  if (!redial || redial.probability === 0) return 1;
  const cycles = 1 + horizon_s / (redial.mean_delay_s + (patience_s ?? Infinity));
  return redial.probability < 1 ? Math.min(1 / (1 - redial.probability), cycles) : cycles;
}

const positive = z.number().positive().finite();
const nonNegative = z.number().nonnegative().finite();

/** Arrivals: a constant rate, or calls per interval (piecewise-constant Poisson rates). */
const arrivalsSchema = z.union([
  z.object({ rate_per_hour: nonNegative }).strict(),
  z.object({ interval_minutes: z.number().min(1 / 60).finite(), calls_per_interval: z.array(nonNegative).min(1) }).strict(),
]);

const queueSchema = z.object({
  name: z.string().min(1),
  arrivals: arrivalsSchema,
  /** Mean talk time, seconds. */
  aht_s: positive,
  service: z.enum(["exponential", "lognormal"]).default("exponential"),
  /** Coefficient of variation of lognormal talk times (default 1). */
  service_cv: positive.default(1),
  /** Wrap-up after each call, seconds (default 0). */
  wrap_s: nonNegative.default(0),
  /** Mean patience, seconds; null = callers never abandon. */
  patience_s: positive.nullable().default(null),
  /** Patience distribution: exponential (default), lognormal (with patience_cv) or empirical (patience_samples_s, drawn uniformly). */
  patience_distribution: z.enum(["exponential", "lognormal", "empirical"]).default("exponential"),
  patience_cv: positive.default(1),
  patience_samples_s: z.array(nonNegative).min(1).optional(),
  /** Redials: an abandoning caller calls again with this probability, after an exponential delay. */
  redial: z.object({ probability: z.number().min(0).max(1), mean_delay_s: positive }).strict().optional(),
  /** Queue timeout (EXITWITHTIMEOUT), seconds; null = none. */
  timeout_s: positive.nullable().default(null),
  /**
   * Callback offers: a caller still waiting after `offer_after_s` is offered a callback and takes
   * it with probability `acceptance` (37 %: Hathaway, Emadi & Deshpande); the call leaves the
   * live line (EXITWITHKEY) and is called back by an agent of the queue when no live call of
   * theirs waits. Callbacks are not in `offered`: SL and abandonment are of the live calls.
   */
  callback: z.object({ offer_after_s: nonNegative.default(60), acceptance: z.number().min(0).max(1).default(0.37) }).strict().optional(),
  /**
   * Overflow after a wait: a call still waiting after `after_s` moves to the line of queue `to`
   * (keeping its arrival time and its own queue's tallies), where that queue's agents take it at
   * their priority for `to`. Not written to the queue_log (the call stays its queue's).
   */
  overflow: z.object({ to: z.string().min(1), after_s: nonNegative }).strict().optional(),
}).strict();

const periodSchema = z.object({ start_s: nonNegative, end_s: nonNegative, reason: z.string().min(1).optional() }).strict()
  .refine((p) => p.end_s > p.start_s, { message: "end_s must be greater than start_s" });

const agentSchema = z.object({
  id: z.string().min(1),
  /** Queue name → priority (1 = served first). */
  skills: z.record(z.string(), z.number().int().min(1)),
  /** Working periods (seconds from the start of the simulation); default: the whole horizon. */
  shifts: z.array(periodSchema).optional(),
  /** Pauses within shifts (breaks, lunch), with a reason logged on PAUSE. */
  breaks: z.array(periodSchema).default([]),
  /**
   * Standby agent: off until the on-call policy calls them in; its `shifts`, when given, are its
   * standby windows (called in only within one, and off at its end).
   */
  on_call: z.boolean().default(false),
  /** Probability that the agent answers a call presented (else RINGNOANSWER after ring_timeout_s). */
  answer_probability: z.number().min(0.01).max(1).default(1),
}).strict();

/** The standby pool's call-in policy and costs: fields shared by the scenario's `on_call` and the `on_call_pool` change. */
export const onCallPolicyFields = {
  queue_threshold: z.number().int().min(1).optional(),
  oldest_wait_s: positive.optional(),
  activation_delay_s: nonNegative.default(0),
  min_active_s: positive.default(1800),
  cost_per_activation: nonNegative.default(0),
  cost_per_hour: nonNegative.default(0),
};
/** A call-in policy needs a trigger. */
export const hasTrigger = [(o: { queue_threshold?: number; oldest_wait_s?: number }) => o.queue_threshold !== undefined || o.oldest_wait_s !== undefined, { message: "give queue_threshold and/or oldest_wait_s" }] as const;

/** The scenario format of `qb simulate --config` and `simulate()`. */
export const scenarioSchema = z.object({
  /** Seed, a whole number in [0, 2³²) (default 1). */
  seed: z.number().int().min(0).max(4_294_967_295).default(1),
  /** Simulated time, seconds. */
  horizon_s: positive,
  /** Calls arriving before this are simulated but left out of the KPIs (default 0). */
  warmup_s: nonNegative.default(0),
  /** Independent replications for confidence intervals (default 10). */
  replications: z.number().int().min(2).max(1000).default(10),
  /** Service-level threshold T, seconds (default 20, as every command). */
  threshold_s: nonNegative.default(SL_DEFAULTS.threshold_s),
  /** Short-abandon threshold S of service level V2, seconds (default 5, as every command). */
  short_abandon_s: nonNegative.default(SL_DEFAULTS.short_abandon_s),
  /** Ring time before an answered call connects, seconds (default 0). */
  ring_s: nonNegative.default(0),
  /** Ring time before RINGNOANSWER, seconds (default 15). */
  ring_timeout_s: positive.default(15),
  /** Epoch seconds of simulated time 0 (for queue_log timestamps; default 2024-01-01T00:00Z). */
  start_epoch_s: z.number().min(0).max(4_102_444_800).default(1_704_067_200),
  queues: z.array(queueSchema).min(1),
  agents: z.array(agentSchema).min(1),
  /**
   * Standby pool: an on-call agent is called in when this many calls wait (queue_threshold) or the
   * oldest call has waited this long (oldest_wait_s), logs in after activation_delay_s, and stays
   * at least min_active_s (longer while the trigger holds). Costs are reported per replication.
   */
  on_call: z.object(onCallPolicyFields).strict().refine(...hasTrigger).optional(),
}).strict().superRefine((s, ctx) => {
  const names = new Set(s.queues.map((q) => q.name));
  if (names.size !== s.queues.length) ctx.addIssue({ code: "custom", path: ["queues"], message: "queue names must be unique" });
  const ids = new Set<string>();
  s.agents.forEach((a, i) => {
    if (ids.has(a.id)) ctx.addIssue({ code: "custom", path: ["agents", i, "id"], message: `agent id '${a.id}' is given twice` });
    ids.add(a.id);
  });
  if (s.warmup_s >= s.horizon_s) ctx.addIssue({ code: "custom", path: ["warmup_s"], message: `must be less than horizon_s (${s.horizon_s})` });
  s.queues.forEach((q, i) => {
    if (!s.agents.some((a) => q.name in a.skills)) ctx.addIssue({ code: "custom", path: ["queues", i, "name"], message: `no agent has the skill '${q.name}'` });
    if (q.overflow && (!names.has(q.overflow.to) || q.overflow.to === q.name)) {
      ctx.addIssue({ code: "custom", path: ["queues", i, "overflow", "to"], message: q.overflow.to === q.name ? "a queue cannot overflow to itself" : `unknown queue '${q.overflow.to}'` });
    }
    if (q.patience_distribution === "empirical" && !q.patience_samples_s) {
      ctx.addIssue({ code: "custom", path: ["queues", i, "patience_samples_s"], message: "required with patience_distribution 'empirical'" });
    }
  });
  // Expected arrivals over all replications (redials included) and the work they need: refuse,
  // with the estimate, a run that would take hours or exhaust memory, before it starts.
  const expected = s.queues.reduce((sum, q) => {
    const a = q.arrivals;
    const perSecond = "rate_per_hour" in a ? a.rate_per_hour / 3600 : a.calls_per_interval.reduce((x, y) => x + y, 0) / (a.calls_per_interval.length * a.interval_minutes * 60);
    return sum + perSecond * s.horizon_s * redialFactor(q.redial, q.patience_s, s.horizon_s);
  }, 0) * s.replications;
  if (expected > MAX_EXPECTED_CALLS) {
    ctx.addIssue({ code: "custom", path: ["horizon_s"], message: `the scenario expects ${expected.toExponential(2)} calls (redials included) over all replications, more than the limit of ${MAX_EXPECTED_CALLS.toExponential(0)}; shorten the horizon, lower the redial probability or use fewer replications` });
  }
  // Piecewise arrivals step through the horizon interval by interval, per queue and replication.
  const steps = s.queues.reduce((n, q) => n + ("interval_minutes" in q.arrivals ? s.horizon_s / (q.arrivals.interval_minutes * 60) : 0), 0) * s.replications;
  if (steps > MAX_WORK / 50) {
    ctx.addIssue({ code: "custom", path: ["horizon_s"], message: `the scenario steps through ${steps.toExponential(2)} arrival intervals over all replications, more than the limit of ${(MAX_WORK / 50).toExponential(0)}; shorten the horizon or lengthen interval_minutes` });
  }
  // Every login, logout and break end also looks at every agent: agents² per shift change.
  const agentWork = s.agents.reduce((n, a) => n + 2 * (a.shifts?.length ?? 1) + 2 * a.breaks.length, 0) * s.agents.length * s.replications;
  if (expected <= MAX_EXPECTED_CALLS && (expected * s.agents.length + agentWork) > MAX_WORK) {
    ctx.addIssue({ code: "custom", path: ["agents"], message: `the scenario needs about ${(expected * s.agents.length + agentWork).toExponential(2)} agent visits (${expected.toExponential(2)} calls × ${s.agents.length} agents, plus shift changes), more than the limit of ${MAX_WORK.toExponential(0)}; simulate fewer agents, a shorter horizon or fewer replications` });
  }
  s.agents.forEach((a, i) => {
    for (const q of Object.keys(a.skills)) {
      if (!names.has(q)) ctx.addIssue({ code: "custom", path: ["agents", i, "skills", q], message: `unknown queue '${q}'; queues are ${[...names].join(", ")}` });
    }
  });
});

/** A validated scenario with defaults filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;

/**
 * Validates a scenario object, filling defaults.
 *
 * @throws {TypeError} listing every problem with its path, e.g.
 *   `Invalid scenario: agents.3.skills.salse: unknown queue 'salse'; queues are sales, support`
 *   or `Invalid scenario: queues.0.aht: Unrecognized key: "aht"`
 * Source: zod 4 (`.strict()` objects reject unknown keys).
 */
export function parseScenario(input: unknown): Scenario {
  const r = scenarioSchema.safeParse(input);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new TypeError(`Invalid scenario: ${problems.join("; ")}`);
  }
  return r.data;
}
