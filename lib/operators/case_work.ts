/**
 * What became of the cases (services) as operators' case work: credited to an operator, or left
 * out and why — so that no case leaves the operator figures unaccounted for.
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { type OperatorKpiOptions, operatorWindow } from "./operator_kpis.ts";

/** Counts of the cases of `services` by what operator indicators make of them. */
export interface CaseWorkAccounting {
  cases: number;
  /** Credited to an operator in the window (`cases_handled` sums to this over the operators). */
  credited: number;
  /** Without a handling time: no work to credit. */
  no_handling: number;
  /** With a handling time but no agent. */
  no_agent: number;
  /** Of an agent with no agent state in the data (not in the log: a back-office agent, a typo). */
  agent_without_states: number;
  /** Ended (solved, else closed; else last update, else opening) outside the window measured. */
  outside_window: number;
}

/**
 * Accounts for every case of `services` as `operatorKpis` credits case work (agent states built):
 * `cases` = credited + no_handling + no_agent + agent_without_states + outside_window.
 *
 * @param options the window of the indicators (`from_ms`, `to_ms`, `timeZone`), clamped to the data as they clamp it
 * Source: the credit rule of `operatorKpis` (case work where the work ended, inside the window).
 */
export async function caseWorkAccounting(store: Store, options: Pick<OperatorKpiOptions, "from_ms" | "to_ms" | "timeZone"> = {}): Promise<CaseWorkAccounting> {
  const { from, to, hi } = await operatorWindow(store, options);
  const toOp = hi !== null && to === hi ? "<=" : "<";
  const [r] = await store.query<Record<keyof CaseWorkAccounting, number>>(`
    WITH c AS (
      SELECT handling_s, agent, epoch_ms(coalesce(solved_at, closed_at, updated_at, opened_at)) AS done,
        agent IN (SELECT DISTINCT agent FROM agent_states) AS has_states
      FROM services
    )
    SELECT count(*) AS cases,
      count(*) FILTER (handling_s IS NULL) AS no_handling,
      count(*) FILTER (handling_s IS NOT NULL AND agent IS NULL) AS no_agent,
      count(*) FILTER (handling_s IS NOT NULL AND agent IS NOT NULL AND NOT coalesce(has_states, false)) AS agent_without_states,
      count(*) FILTER (handling_s IS NOT NULL AND coalesce(has_states, false) AND NOT (done >= ${from} AND done ${toOp} ${to})) AS outside_window,
      count(*) FILTER (handling_s IS NOT NULL AND coalesce(has_states, false) AND done >= ${from} AND done ${toOp} ${to}) AS credited
    FROM c`);
  return Object.fromEntries(Object.entries(r!).map(([k, v]) => [k, Number(v)])) as unknown as CaseWorkAccounting;
}

/** One line saying what became of the cases, for stderr and the report (empty without cases). */
export function caseWorkSentence(a: CaseWorkAccounting): string {
  if (a.cases === 0) return "";
  const f = (n: number) => n.toLocaleString("en-US");
  const out = [[a.outside_window, "ended outside the window"], [a.agent_without_states, "of agents with no agent state in the data"], [a.no_agent, "without an agent"], [a.no_handling, "without a handling time"]]
    .filter(([n]) => (n as number) > 0).map(([n, what]) => `${f(n as number)} ${what}`);
  return `case work: ${f(a.credited)} of ${f(a.cases)} cases credited to operators${out.length ? `; left out: ${out.join(", ")}` : ""}`;
}
