/**
 * Operators: agent state segments on three axes, operator indicators per agent, team and
 * department, schedules against states (adherence, conformance, shrinkage), cost.
 *
 * @module
 */
export {
  type AgentStateOptions, buildAgentStates, type StateCall, type StateEvent, type StateSegment, stateOf, statesFromChanges, type StatusStateChange, type Work,
} from "./agent_states.ts";
export { type AgentStatesBuilt, buildAgentStatesInStore, dataEndMs } from "./states_store.ts";
export { type ActualActivity, actualActivity, adheres, type AdherenceRule, countedOutOfAdherence, layerSchedule, pauseCategory, type SchedulePiece } from "./adherence.ts";
export { type Period, type PeriodKind, periodOf, PeriodSplitter } from "./periods.ts";
export { type OperatorGrouping, type OperatorKpiOptions, type OperatorKpiRow, operatorKpis, operatorKpisBy, operatorWindow } from "./operator_kpis.ts";
export { agentStateAt, type AgentStateNow } from "./state_at.ts";
export type { AgentTimeSeconds, TimeAttribution } from "./accumulate.ts";
export { type CaseWorkAccounting, caseWorkAccounting, caseWorkSentence } from "./case_work.ts";
