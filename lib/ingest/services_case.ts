/**
 * Private: the case record every services reader produces.
 *
 * @module
 */

/** One case (the `services` row without its source and line). */
export interface ServiceCase {
  service_id: string;
  service_type: string | null;
  call_id: string | null;
  queue: string | null;
  agent: string | null;
  group: string | null;
  channel: string | null;
  priority: string | null;
  /** As the source names it (Zendesk: New, Open, Pending, Hold, Solved, Closed; demo: open, closed). */
  status: string;
  outcome: string | null;
  /** Epoch ms. */
  opened_at: number;
  updated_at: number | null;
  first_reply_at: number | null;
  solved_at: number | null;
  closed_at: number | null;
  reopens: number | null;
  replies: number | null;
  reassigned: boolean | null;
  first_reply_min: number | null;
  first_reply_bh_min: number | null;
  resolution_min: number | null;
  resolution_bh_min: number | null;
  sla_breached: boolean | null;
  /** good, bad, offered (survey sent, no answer), a 1–5 score, or null. */
  csat: string | null;
  handling_s: number | null;
  cost: number | null;
}


/** The fields every format produces (nulls where the format has nothing). */
export const EMPTY: Omit<ServiceCase, "service_id" | "status" | "opened_at"> = {
  service_type: null, call_id: null, queue: null, agent: null, group: null, channel: null, priority: null, outcome: null, updated_at: null,
  first_reply_at: null, solved_at: null, closed_at: null, reopens: null, replies: null, reassigned: null, first_reply_min: null, first_reply_bh_min: null,
  resolution_min: null, resolution_bh_min: null, sla_breached: null, csat: null, handling_s: null, cost: null,
};

