/**
 * Improvements: the effect of staffing changes, evaluated per queue and interval. So far the
 * Erlang A path (OPERATIONS.md §6): added agents, an on-call pool, a moved break, callbacks,
 * pooling, and the cost of the marginal agents; and the first weak spot of the diagnosis, breaks
 * scheduled into busy intervals.
 *
 * @module
 */
export {
  addAgentsEffect, callbackEffect, type IntervalLoad, type IntervalOutcome, intervalOutcome, marginalCost, moveBreakEffect, onCallEffect, poolingEffect,
  type StaffingEffect,
} from "./erlang_a_effects.ts";
export { type BreakCollisionOptions, breakCollisions, type WeakSpot } from "./weak_spots.ts";
