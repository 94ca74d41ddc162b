/**
 * `qb erlang` and `qb staffing`: Erlang B/C/A for one interval and interval staffing plans.
 *
 * @module
 */
import { safe } from "./_common.ts";
import { type Command, Option } from "commander";
import { resolve } from "node:path";
import process from "node:process";
import { queueKpis, SL_DEFAULTS } from "../indicators/mod.ts";
import {
  demandFromKpis,
  ERLANG_SL_VARIANTS,
  type ErlangSlVariant,
  erlangSlVariant,
  slOf,
  slVariantLabel,
  type DemandRow,
  erlangA,
  type ErlangAMetrics,
  erlangB,
  erlangC,
  estimatePatience,
  offeredLoad,
  readDemandTable,
  requiredAgents,
  requiredLines,
  staffingPlan,
  type StaffingPlanOptions,
  sumStaffing,
} from "../queueing/mod.ts";
import { toCsv } from "../reports/mod.ts";
import { collect, type CommonOptions, jsonText, kpiOptions, load, number, UsageError } from "./_common.ts";
import { checkInputFile, checkOutput, writeFileAtomic } from "./_output.ts";
import { type CellFormat, renderPairs } from "./_table.ts";

interface TargetOptions {
  model: "b" | "c" | "a";
  patienceS?: number;
  thresholdS: number;
  targetSl?: number;
  targetAsaS?: number;
  targetAbandon?: number;
  maxOccupancy?: number;
  targetBlock?: number;
  shrinkage: number;
  slVariant: ErlangSlVariant;
  shortAbandonS: number;
}

function withTargetOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--model <model>", "b (Erlang B), c (Erlang C) or a (Erlang A)").choices(["b", "c", "a"]).default("c"))
    .option("--patience-s <s>", "mean patience in seconds (Erlang A)", number("--patience-s", 0))
    .option("--threshold-s <s>", "service-level threshold T in seconds", number("--threshold-s", 0), SL_DEFAULTS.threshold_s)
    .option("--target-sl <fraction>", "minimum service level (0–1)", number("--target-sl", 0))
    .option("--target-asa-s <s>", "maximum ASA in seconds", number("--target-asa-s", 0))
    .option("--target-abandon <fraction>", "maximum probability of abandonment (0–1)", number("--target-abandon", 0))
    .option("--max-occupancy <fraction>", "occupancy cap (0–1)", number("--max-occupancy", 0))
    .option("--target-block <fraction>", "maximum blocking probability (Erlang B)", number("--target-block", 0))
    .option("--shrinkage <fraction>", "shrinkage: scheduled = required / (1 − s)", number("--shrinkage", 0), 0)
    .option("--sl-variant <id>", `service-level variant reported and targeted: ${Object.keys(ERLANG_SL_VARIANTS).join(", ")} (DESIGN.md; the long names are accepted too) or virtual_wait_within`, variantOption, SL_DEFAULTS.variant)
    .option("--short-abandon-s <s>", "short-abandon threshold S of V2 (abandons with wait ≤ S leave the denominator)", number("--short-abandon-s", 0), SL_DEFAULTS.short_abandon_s);
}

function variantOption(value: string): ErlangSlVariant {
  try {
    return erlangSlVariant(value);
  } catch (err) {
    throw new UsageError(`--sl-variant: ${(err as Error).message}`);
  }
}

/** Columns of a written plan, in order (also when the plan is empty). */
const PLAN_COLUMNS = [
  "queue", "interval_start", "calls", "aht_s", "patience_s", "period_s", "offered_load_erlangs", "required_agents",
  "required_agents_fractional", "scheduled_agents", "scheduled_agents_fractional", "service_level", "sl_variant", "asa_s", "p_abandon",
  "occupancy", "binding",
];

function hasTargets(o: TargetOptions): boolean {
  return [o.targetSl, o.targetAsaS, o.targetAbandon, o.maxOccupancy].some((x) => x !== undefined);
}

function planOptions(o: TargetOptions): StaffingPlanOptions & { shrinkage: number } {
  if (o.model === "b") throw new UsageError("staffing plans use --model c or a");
  return {
    model: o.model, threshold_s: o.thresholdS, shrinkage: o.shrinkage, patience_s: o.patienceS, target_sl: o.targetSl,
    target_asa_s: o.targetAsaS, target_abandon: o.targetAbandon, max_occupancy: o.maxOccupancy, sl_variant: o.slVariant,
    short_abandon_s: o.shortAbandonS,
  };
}

/** Rows of the readable `erlang` output: label, key, format (rows whose key is absent are skipped). */
const ERLANG_ROWS: [string, string, CellFormat][] = [
  ["model", "model", "text"], ["offered load (Erlangs)", "offered_load_erlangs", "num"], ["agents", "agents", "int"],
  ["stable (load < agents)", "stable", "text"], ["P(block)", "p_block", "pct"], ["P(wait)", "p_wait", "pct"],
  ["service level", "service_level", "pct"], ["service-level variant", "sl_variant", "text"], ["variant name", "sl_variant_name", "text"], ["threshold s", "threshold_s", "s"],
  ["short abandons ≤ s (V2)", "short_abandon_s", "s"], ["ASA s", "asa_s", "s"],
  ["ASA of delayed calls s", "asa_delayed_s", "s"], ["average wait s", "avg_wait_s", "s"], ["P(abandon)", "p_abandon", "pct"],
  ["expected queue length", "expected_queue_length", "num"], ["occupancy", "occupancy", "pct"], ["patience s", "patience_s", "s"],
  ["required agents", "required_agents", "int"], ["required agents (fractional)", "required_agents_fractional", "num"],
  ["scheduled agents (after shrinkage)", "scheduled_agents", "int"], ["binding target", "binding", "text"],
];

function erlangTable(out: Record<string, unknown>): string {
  const pairs = ERLANG_ROWS.filter(([, key]) => key in out)
    .map(([label, key, format]): [string, unknown, CellFormat] => [label, Array.isArray(out[key]) ? (out[key] as unknown[]).join(", ") || "none" : out[key] === true ? "yes" : out[key] === false ? "no" : out[key], format]);
  return renderPairs(pairs);
}

/** Adds `erlang` and `staffing` to the program. */
export function addQueueingCommands(program: Command): void {
  withTargetOptions(program.command("erlang").description("Erlang B, C or A for one interval: performance for N agents and/or the agents needed"))
    .requiredOption("--calls <n>", "calls offered in the period", number("--calls", 0))
    .requiredOption("--period-s <s>", "period length in seconds (e.g. 1800)", number("--period-s", 0))
    .requiredOption("--aht-s <s>", "average handling time in seconds", number("--aht-s", 0))
    .option("--agents <n>", "agents (lines for Erlang B)", number("--agents", 0))
    .option("--json", "print one JSON object instead of a table", false)
    .action((o: TargetOptions & { calls: number; periodS: number; ahtS: number; agents?: number; json: boolean }) => {
      const traffic = { calls: o.calls, period_s: o.periodS, aht_s: o.ahtS };
      const A = offeredLoad(traffic, `Erlang ${o.model.toUpperCase()}`);
      if (o.model === "b") {
        if (o.agents === undefined && o.targetBlock === undefined) throw new UsageError("give --agents or --target-block for Erlang B");
        if (!(o.shrinkage >= 0 && o.shrinkage < 1)) throw new UsageError(`--shrinkage must be in [0, 1), got ${o.shrinkage}`);
        const out: Record<string, unknown> = { model: "erlang_b", offered_load_erlangs: A };
        if (o.targetBlock !== undefined) {
          const required = requiredLines(A, o.targetBlock);
          Object.assign(out, { required_agents: required, required_agents_fractional: required, scheduled_agents: Math.ceil(required / (1 - o.shrinkage) - 1e-9) });
        }
        const agents = o.agents ?? (out.required_agents as number);
        Object.assign(out, { agents, p_block: erlangB(A, agents) });
        process.stdout.write(o.json ? jsonText(out) : erlangTable(out));
        return;
      }
      if (o.agents === undefined && !hasTargets(o)) {
        throw new UsageError("give --agents, or at least one of --target-sl, --target-asa-s, --target-abandon, --max-occupancy");
      }
      if (o.model === "a" && o.patienceS === undefined) throw new UsageError("--model a needs --patience-s");
      const out: Record<string, unknown> = {};
      if (hasTargets(o)) {
        const r = requiredAgents({ ...traffic, ...planOptions(o) });
        Object.assign(out, {
          required_agents: r.required_agents, required_agents_fractional: r.required_agents_fractional,
          scheduled_agents: r.scheduled_agents, scheduled_agents_fractional: r.scheduled_agents_fractional, binding: r.binding,
        });
      }
      const agents = o.agents ?? (out.required_agents as number);
      const m = o.model === "a"
        ? erlangA({ ...traffic, agents, patience_s: o.patienceS!, threshold_s: o.thresholdS, short_abandon_s: o.shortAbandonS })
        : erlangC({ ...traffic, agents, threshold_s: o.thresholdS });
      const metrics = {
        model: m.model, offered_load_erlangs: m.offered_load_erlangs, agents, stable: m.stable, p_wait: m.p_wait,
        // The variant asked for (V2 by default, as every command); Erlang C's one service level is every variant.
        service_level: slOf(m, o.slVariant), sl_variant: o.slVariant, sl_variant_name: slVariantLabel(o.slVariant).replace(/^V\d /, ""),
        threshold_s: m.threshold_s,
        ...(m.model === "erlang_a" ? { short_abandon_s: o.shortAbandonS } : {}), asa_s: m.asa_s, asa_delayed_s: m.asa_delayed_s,
        avg_wait_s: m.avg_wait_s, p_abandon: m.p_abandon, expected_queue_length: m.expected_queue_length, occupancy: m.occupancy,
        ...(m.model === "erlang_a" ? { service_levels: (m as ErlangAMetrics).service_levels, patience_s: (m as ErlangAMetrics).patience_s } : {}),
      };
      // JSON has no Infinity: an unstable Erlang C queue prints null waits with "stable": false.
      process.stdout.write(o.json ? jsonText({ ...metrics, ...out }) : erlangTable({ ...metrics, ...out }));
    });

  withTargetOptions(program.command("staffing").description("interval staffing plan from a demand table or from logs"))
    .option("--input <file>", "demand CSV: queue, interval_start, calls (or offered), aht_s[, patience_s, period_s]")
    .option("--logs <file>", "log file(s) to take historical offered calls and AHT per interval from (repeatable)", collect)
    .option("--tz <zone>", "time zone for intervals when reading logs", "UTC")
    .option("--source-tz <zone>", "time zone of local times in the logs")
    .option("--interval-minutes <n>", "interval length for logs or for rows without period_s", number("--interval-minutes", 1), 30)
    .option("--out <path>", "write the plan as CSV (guarded against formula injection)")
    .option("--json", "print the plan rows as JSON on stdout")
    .action(async (o: TargetOptions & { input?: string; logs?: string[]; tz: string; sourceTz?: string; intervalMinutes: number; out?: string; json?: boolean }) => {
      if (!o.input === !o.logs) throw new UsageError("give exactly one of --input (demand table) or --logs (history)");
      if (!o.out && !o.json) throw new UsageError("give --out PLAN.csv and/or --json");
      if (o.out) checkOutput(o.out, { inputs: [o.input, ...(o.logs ?? [])].filter((x): x is string => typeof x === "string") });
      if (!hasTargets(o)) throw new UsageError("give at least one of --target-sl, --target-asa-s, --target-abandon, --max-occupancy");
      let demand: DemandRow[];
      if (o.input) {
        checkInputFile("--input", o.input);
        demand = readDemandTable(o.input);
      } else {
        const common = {
          input: o.logs!, format: "auto", tz: o.tz, sourceTz: o.sourceTz, intervalMinutes: o.intervalMinutes,
          slThresholdS: o.thresholdS, shortAbandonS: o.shortAbandonS, slVariant: SL_DEFAULTS.variant, strict: false, db: ":memory:",
        } as CommonOptions;
        const { store } = await load(common);
        try {
          const k = kpiOptions(common);
          const intervals = await queueKpis(store, ["queue", "interval"], k);
          const queues = await queueKpis(store, ["queue"], k);
          const patience = await estimatePatience(store);
          demand = demandFromKpis(intervals, {
            interval_minutes: o.intervalMinutes,
            aht_by_queue: Object.fromEntries(queues.map((q) => [q.queue!, q.aht_s])),
            patience_by_queue: Object.fromEntries(patience.map((p) => [p.queue, p.patience_s])),
          });
        } finally {
          store.close();
        }
      }
      const plan = staffingPlan(demand, { ...planOptions(o), interval_minutes: o.intervalMinutes });
      for (const t of sumStaffing(plan)) {
        process.stderr.write(
          // Whole agents per interval is what can be scheduled: it leads; the fractional sum is the requirement.
          `${safe(t.key)}: ${t.intervals} intervals, ${t.calls.toFixed(0)} calls, ${t.scheduled_agent_hours_per_interval_rounding.toFixed(1)} scheduled agent-hours ` +
            `(whole agents per interval, shrinkage included); requirement ${t.required_agent_hours.toFixed(1)} agent-hours before shrinkage, ` +
            `${t.scheduled_agent_hours.toFixed(1)} after (fractional, summed)\n`,
        );
      }
      if (o.out) {
        writeFileAtomic(o.out, toCsv(plan as unknown as Record<string, unknown>[], PLAN_COLUMNS));
        process.stderr.write(`plan written to ${safe(resolve(o.out))}\n`);
      }
      if (o.json) process.stdout.write(jsonText(plan));
    });
}
