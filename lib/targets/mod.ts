/**
 * Targets: evaluation of a targets file (`readTargets`) per scope and period against the
 * historical indicators, with status, attainment and trend (OPERATIONS.md §3).
 *
 * @module
 */
export { attainmentOf, evaluateTargets, type EvaluateTargetsOptions, meets, statusOf, type TargetEvaluation } from "./evaluate.ts";
export { type EvalPeriod, periodsWithBaseline, TARGET_PERIODS, type TargetPeriod } from "./periods.ts";
export { OPERATOR_KPIS, QUEUE_KPIS, TargetValues, type ValueOrReason } from "./values.ts";
export { SERVICE_KPIS } from "./service_values.ts";
