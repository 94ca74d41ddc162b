/**
 * Simulation: a seeded discrete-event contact-center simulator (skills, priorities, patience,
 * shifts, breaks, on-call pool) with confidence intervals, Asterisk queue_log output, and a
 * realistic demo center.
 *
 * @module
 */
export { createRng, type Rng } from "./rng.ts";
export { parseScenario, type Scenario, type ScenarioInput, scenarioSchema } from "./config.ts";
export { type QueueTally, type Replication, type SimCall, simulateReplication } from "./engine.ts";
export {
  estimate, type Estimate, KPI_NAMES, type KpiName, replicationKpis, type ReplicationKpis, runReplications, simulate, type SimulatedQueueKpis, type SimulationResult, summarize,
} from "./run.ts";
export { buildDemoCenter, type DemoCenter, type DemoOptions, type RosterRow, type ScheduleRow, type ServiceRow, type TargetRow } from "./demo_center.ts";
export { type DemoFiles, writeDemoCenter } from "./write_demo.ts";
export { applyChanges, type Change, type ChangedScenario, type ChangeInput, changeSchema, parseChanges } from "./changes.ts";
export { type Comparison, compareScenarios, type Differences, type PairedDifference, pairedDifference, type VariantComparison } from "./compare.ts";
