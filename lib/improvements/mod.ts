/**
 * Improvements (issue 13, OPERATIONS.md §6): the weak spots of the loaded data (target misses,
 * break collisions, thin skills, operators who stand out), proposals for them written as scenario
 * changes, each quantified three ways — Erlang A per queue and interval, the regression of
 * outcomes on staffing (delta method), the simulation of the whole center with common random
 * numbers — with its cost, cost per avoided abandon, ROI and rank (`improve`); and the Erlang A
 * effects of OPERATIONS.md §6 one by one.
 *
 * @module
 */
export {
  addAgentsEffect, callbackEffect, type IntervalLoad, type IntervalOutcome, intervalOutcome, marginalCost, moveBreakEffect, onCallEffect, poolingEffect,
  type StaffingEffect,
} from "./erlang_a_effects.ts";
export { type BreakCollision, type BreakCollisionOptions, breakCollisions, type WeakSpot, type WeakSpotKind } from "./weak_spots.ts";
export { type AvailabilityByInterval, availabilityChange, scheduledAvailability } from "./availability.ts";
export { erlangAEstimate, erlangAt, fitStaffingRegressions, type MethodEstimate, type QueueParameters, regressionEstimate, simulationEstimate, type StaffingRegressions } from "./estimates.ts";
export { evaluateProposals, type EvaluatedProposal, improve, type ImprovementResult, type ImproveOptions } from "./improve.ts";
export { bounds, type ImprovementCosts, localWindows, type ProposeOptions, proposeFor, type Proposal, spotLabel } from "./proposals.ts";
export { harms, helps, mainEstimate, rankProposals } from "./rank.ts";
export { centerObservations, type IntervalObservation, intervalObservations, type SlotProfile, slotProfiles } from "./slots.ts";
export { onCallTiming, operatorSpots, targetMisses, thinSkills } from "./weak_spots_more.ts";
export { type BuiltScenario, scenarioFromData, type ScenarioFromDataOptions } from "./scenario_from_data.ts";
