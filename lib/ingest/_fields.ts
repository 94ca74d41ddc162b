/**
 * Private: zod fields shared by the table readers (targets, services).
 *
 * @module
 */
import { z } from "zod";

/** An optional decimal ≥ 0 (empty: null); anything else is an issue naming the field. */
export function optionalNonNegative(name: string) {
  return z.string().optional().default("").transform((s, ctx) => {
    if (s === "") return null;
    const x = /^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
    if (!Number.isFinite(x)) ctx.addIssue({ code: "custom", message: `${name} must be a number ≥ 0, got '${s.slice(0, 40)}'` });
    return x;
  });
}
