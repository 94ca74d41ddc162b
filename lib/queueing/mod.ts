/**
 * Queueing and staffing: Erlang B, C and A computed exactly, required agents with targets and
 * shrinkage, interval staffing plans and patience estimated from logs.
 *
 * @module
 */
export { offeredLoad, type Traffic } from "./traffic.ts";
export { erlangB, requiredLines } from "./erlang_b.ts";
export { erlangC, type ErlangCInput, type QueueMetrics } from "./erlang_c.ts";
export { erlangA, type ErlangAInput, type ErlangAMetrics, type ErlangAServiceLevels } from "./erlang_a.ts";
export { requiredAgents, type RequiredAgentsInput, type RequiredAgentsResult, type StaffingTargets } from "./required_agents.ts";
export { type DemandRow, staffingPlan, type StaffingPlanOptions, type StaffingPlanRow, type StaffingTotal, sumStaffing } from "./staffing_plan.ts";
export { DEFAULT_ERLANG_SL_VARIANT, ERLANG_SL_VARIANTS, erlangSlKey, type ErlangSlVariant, erlangSlVariant, slOf, slVariantLabel } from "./sl_variants.ts";
export { estimatePatience, type PatienceEstimate } from "./patience.ts";
export { demandFromKpis, readDemandTable } from "./demand_table.ts";
