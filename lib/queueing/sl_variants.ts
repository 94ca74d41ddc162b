/**
 * The service-level variants the queueing models compute, under the ids of the data KPIs
 * (DESIGN.md "Service level"), and the one default they share with them.
 *
 * @module
 */
import { SL_DEFAULTS, SL_VARIANTS } from "../indicators/service_level.ts";
import type { ErlangAServiceLevels } from "./erlang_a.ts";
import type { QueueMetrics } from "./erlang_c.ts";

/** Erlang A's variants by data-KPI id (V5–V7 need flows the model has no counterpart for). */
export const ERLANG_SL_VARIANTS = {
  V1: "answered_within_over_offered",
  V2: "answered_within_over_offered_less_short_abandons",
  V3: "answered_within_over_answered",
  V4: "answered_or_abandoned_within_over_offered",
} as const satisfies Record<string, keyof ErlangAServiceLevels>;

/** A variant the models compute: an id of {@link ERLANG_SL_VARIANTS} or `virtual_wait_within`. */
export type ErlangSlVariant = keyof typeof ERLANG_SL_VARIANTS | "virtual_wait_within";

/** The models' default: the data KPIs' (V2). */
export const DEFAULT_ERLANG_SL_VARIANT: ErlangSlVariant = SL_DEFAULTS.variant;

/**
 * The variant named by an id (`V2`) or by its long name (`answered_within_over_offered_less_short_abandons`).
 *
 * @throws {RangeError} naming the accepted values, for any other
 */
export function erlangSlVariant(name: string): ErlangSlVariant {
  if (name in ERLANG_SL_VARIANTS || name === "virtual_wait_within") return name as ErlangSlVariant;
  const id = Object.entries(ERLANG_SL_VARIANTS).find(([, long]) => long === name)?.[0];
  if (id) return id as ErlangSlVariant;
  throw new RangeError(`Unknown service-level variant '${name}': use ${Object.keys(ERLANG_SL_VARIANTS).join(", ")} (${Object.values(ERLANG_SL_VARIANTS).join(", ")}) or virtual_wait_within`);
}

/** The Erlang A key of a variant. */
export function erlangSlKey(variant: ErlangSlVariant): keyof ErlangAServiceLevels {
  return variant === "virtual_wait_within" ? variant : ERLANG_SL_VARIANTS[variant];
}

/**
 * The service level of `variant` in a model's metrics. Erlang C has no abandonment, so every
 * variant is its one service level there (AbS = AbT = 0, answered = offered in the long run).
 */
export function slOf(m: QueueMetrics | (QueueMetrics & { service_levels: ErlangAServiceLevels }), variant: ErlangSlVariant): number {
  return "service_levels" in m ? m.service_levels[erlangSlKey(variant)] : m.service_level;
}

/** How outputs name a variant: `V2 answered_within_over_offered_less_short_abandons`. */
export function slVariantLabel(variant: ErlangSlVariant): string {
  return variant === "virtual_wait_within" ? variant : `${variant} ${SL_VARIANTS[variant]}`;
}
