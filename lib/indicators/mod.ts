/**
 * Indicators: service level (V1–V7), abandonment, ASA, waits and AHT per queue, day and
 * interval; per-agent presented / answered / ring-no-answer / talk time.
 *
 * @module
 */
export { ratio, serviceLevel, SL_DEFAULTS, SL_FORMULAS, SL_VARIANTS, type ServiceLevelCounts, type SlVariant } from "./service_level.ts";
export { listSources, queueKpis, queueRowsFromCounts, type QueueDimension, type QueueKpiRow } from "./queue_kpis.ts";
export { agentKpis, agentRowsFromCounts, type AgentKpiRow } from "./agent_kpis.ts";
export { intervalStaffing, type IntervalStaffingRow } from "./interval_staffing.ts";
export { INTERVAL_MINUTES, type KpiOptions, resolveKpiOptions, type ResolvedKpiOptions, scopeFilter } from "./options.ts";
export { disconnectionCauses, type DisconnectionRow } from "./disconnections.ts";
export { type CallCostRow, callCosts, type CallFlow, callFlow, type HourWeekdayCell, offeredByHourWeekday, WAIT_BIN_EDGES_S, type WaitBin, waitDistribution } from "./distributions.ts";
