/**
 * Services (assistance cases, tickets): indicators per group, channel, agent, team or month
 * (OPERATIONS.md §4). Reading the exports is `readServices` / `loadServices` in lib/ingest.
 *
 * @module
 */
export { medianOfSorted, SERVICE_GROUPINGS, type ServiceGrouping, type ServiceKpiOptions, serviceKpis, type ServiceKpiRow, serviceRowsFromPartials } from "./kpis.ts";
export { AGING_BUCKETS, backlogAging, type BacklogPoint, backlogSeries, openCasesByAgent } from "./backlog.ts";
export { applyBusinessCalendars, type BusinessCalendar, type BusinessCalendars, businessMinutes, readBusinessCalendars } from "./business_hours.ts";
