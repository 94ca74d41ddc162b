/**
 * Ranking of evaluated proposals in three tiers of their main estimate (the simulation when there
 * is one, else Erlang A, else the regression): those that avoid abandons (interval below 0)
 * first, cheapest per avoided abandon first (free ones at the top, most abandons avoided first
 * among them); then those without evidence either way, cheapest first (spending for no effect
 * is the worst of them); last those that add abandons (interval above 0), least harmful first.
 *
 * @module
 */
import type { EvaluatedProposal } from "./improve.ts";

/** The estimate a proposal is ranked on. */
export function mainEstimate(p: Omit<EvaluatedProposal, "rank">) {
  return p.simulation ?? p.erlang_a ?? p.regression;
}

/** Whether the main estimate avoids abandons: its interval's upper end below 0 (or, without an interval, its value). */
export function helps(p: Omit<EvaluatedProposal, "rank">): boolean {
  const e = mainEstimate(p);
  if (!e || e.delta_abandoned === null) return false;
  return e.ci_high !== null ? e.ci_high < 0 : e.delta_abandoned < -0.5;
}

/** Whether the main estimate adds abandons: its interval's lower end above 0 (or, without an interval, its value). */
export function harms(p: Omit<EvaluatedProposal, "rank">): boolean {
  const e = mainEstimate(p);
  if (!e || e.delta_abandoned === null) return false;
  return e.ci_low !== null ? e.ci_low > 0 : e.delta_abandoned > 0.5;
}

/**
 * Sorts and numbers the proposals (rank 1 = do first).
 *
 * Source: OPERATIONS.md §6 (ROI on the marginal agent; no unsourced value of an abandon, so the
 *   order uses the cost per avoided abandon, which needs none).
 */
export function rankProposals(list: Omit<EvaluatedProposal, "rank">[]): EvaluatedProposal[] {
  const avoided = (p: Omit<EvaluatedProposal, "rank">) => -(mainEstimate(p)?.delta_abandoned ?? 0);
  const costPer = (p: Omit<EvaluatedProposal, "rank">) => (p.cost === null ? Infinity : p.cost <= 0 ? 0 : p.cost / Math.max(avoided(p), 1e-9));
  const tier = (p: Omit<EvaluatedProposal, "rank">) => (helps(p) ? 0 : harms(p) ? 2 : 1);
  const cost = (p: Omit<EvaluatedProposal, "rank">) => p.cost ?? Infinity;
  const sorted = [...list].sort((a, b) => {
    const ta = tier(a), tb = tier(b);
    if (ta !== tb) return ta - tb;
    if (ta === 0) return costPer(a) - costPer(b) || avoided(b) - avoided(a);
    if (ta === 1) return cost(a) - cost(b) || avoided(b) - avoided(a);
    return avoided(b) - avoided(a) || cost(a) - cost(b);
  });
  return sorted.map((p, i) => ({ ...p, rank: i + 1 }));
}
