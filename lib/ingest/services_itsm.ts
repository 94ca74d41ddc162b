/**
 * Private: service desk exports of ITSM tools — ServiceNow incident audit logs and GLPI search
 * exports (OPERATIONS.md §4: their shapes and traps).
 *
 * @module
 */
import { z } from "zod";
import { parseInstant } from "./asterisk_csv.ts";
import type { TableFile } from "./_table_file.ts";
import { EMPTY, type ServiceCase } from "./services_case.ts";

/**
 * A date-time of a ServiceNow export: `D/M/YYYY H:MM[:SS]` or `D-M-YYYY H:MM[:SS]` (day first),
 * local in `zone`; `?` (ServiceNow's null) and empty are no date.
 */
export function snInstant(name: string, zone: string, required: boolean) {
  return z.string().optional().default("").transform((s, ctx) => {
    if (s === "" || s === "?") {
      if (required) ctx.addIssue({ code: "custom", message: `${name} must be a date-time, got '${s.slice(0, 40)}'` });
      return null;
    }
    const m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s.trim());
    const iso = m ? `${m[3]}-${m[2]!.padStart(2, "0")}-${m[1]!.padStart(2, "0")} ${m[4]!.padStart(2, "0")}:${m[5]}:${m[6] ?? "00"}` : "";
    const ms = m ? parseInstant(iso, zone) : NaN;
    if (!Number.isFinite(ms)) ctx.addIssue({ code: "custom", message: `${name} must be a date-time such as 29/2/2016 01:16 (day first), got '${s.slice(0, 40)}'` });
    return ms;
  });
}
const snText = z.string().optional().default("").transform((s) => (s === "" || s === "?" ? null : s));
const snCount = (name: string) => z.string().optional().default("").transform((s, ctx) => {
  if (s === "" || s === "?") return null;
  if (!/^\d+$/.test(s)) ctx.addIssue({ code: "custom", message: `${name} must be a whole number ≥ 0, got '${s.slice(0, 40)}'` });
  return Number(s);
});

/** A ServiceNow incident audit log row (one row per update; the case is its last row by `sys_mod_count`). */
export function serviceNowSchema(zone: string) {
  return z.object({
    number: z.string().min(1, "number must not be empty"), incident_state: z.string().min(1, "incident_state must not be empty"),
    reassignment_count: snCount("reassignment_count"), reopen_count: snCount("reopen_count"), sys_mod_count: snCount("sys_mod_count"),
    made_sla: snText, opened_at: snInstant("opened_at", zone, true), sys_updated_at: snInstant("sys_updated_at", zone, false),
    resolved_at: snInstant("resolved_at", zone, false), closed_at: snInstant("closed_at", zone, false),
    contact_type: snText, category: snText, priority: snText, assignment_group: snText, assigned_to: snText,
  }).superRefine((r, ctx) => {
    if (r.resolved_at !== null && r.opened_at !== null && r.resolved_at < r.opened_at) ctx.addIssue({ code: "custom", path: ["resolved_at"], message: "resolved_at is before opened_at" });
  }).transform((r): ServiceCase & { sys_mod_count: number } => ({
    ...EMPTY, service_id: r.number, status: r.incident_state, opened_at: r.opened_at!, updated_at: r.sys_updated_at,
    solved_at: r.resolved_at, closed_at: r.closed_at, reopens: r.reopen_count, reassigned: r.reassignment_count === null ? null : r.reassignment_count > 0,
    sla_breached: r.made_sla === null ? null : r.made_sla.toLowerCase() === "false", channel: r.contact_type, service_type: r.category,
    priority: r.priority, group: r.assignment_group, agent: r.assigned_to,
    resolution_min: r.resolved_at !== null ? (r.resolved_at - r.opened_at!) / 60_000 : null, sys_mod_count: r.sys_mod_count ?? 0,
  }));
}

/**
 * The cases of an audit log: the last row of each number by `sys_mod_count` (the file's later
 * row on a tie); the earlier rows are ignored by rule `superseded_update`, so counts reconcile.
 */
export function lastUpdates(file: TableFile<ServiceCase & { sys_mod_count: number }>): TableFile<ServiceCase> {
  const last = new Map<string, ServiceCase & { sys_mod_count: number; line: number }>();
  for (const r of file.rows) {
    const k = last.get(r.service_id);
    if (!k || r.sys_mod_count >= k.sys_mod_count) last.set(r.service_id, r);
  }
  const superseded = file.rows.length - last.size;
  const rows = [...last.values()].sort((a, b) => a.line - b.line).map(({ sys_mod_count: _m, ...r }) => r);
  const counts = { ...file.counts, used: rows.length, ignored: file.counts.ignored + superseded };
  if (superseded) counts.ignored_by_rule = { ...counts.ignored_by_rule, superseded_update: superseded };
  return { rows, rejects: file.rejects, counts };
}


/** GLPI's column names, logical name → header (English and French exports). */
export const GLPI_COLUMNS: Readonly<Record<"en" | "fr", Readonly<Record<string, string>>>> = {
  en: {
    id: "id", status: "status", opened_at: "opening date", updated_at: "last update", solved_at: "resolution date", closed_at: "closing date",
    priority: "priority", agent: "assigned to - technician", group: "assigned to - group", category: "category",
  },
  fr: {
    id: "id", status: "statut", opened_at: "date d'ouverture", updated_at: "dernière modification", solved_at: "date de résolution",
    closed_at: "date de clôture", priority: "priorité", agent: "attribué à - technicien", group: "attribué à - groupe", category: "catégorie",
  },
};

/** Whether a header is a GLPI search export's, and in which language. */
export function glpiLanguage(header: ReadonlySet<string>): "en" | "fr" | null {
  if (header.has("id") && header.has("date d'ouverture")) return "fr";
  if (header.has("id") && header.has("opening date") && header.has("status")) return "en";
  return null;
}

/** Several names in one GLPI cell: joined by `<br>` (or line breaks). */
const names = (s: string | null) => (s === null ? [] : s.split(/<br\s*\/?>|\n/i).map((x) => x.trim()).filter(Boolean));

/**
 * A GLPI search export row (after the column map of {@link GLPI_COLUMNS}): ids may carry a space
 * (or no-break space) as thousands separator, dates are `DD-MM-YYYY HH:MM`, several technicians
 * are joined with `<br>` (the first is the case's agent).
 */
export function glpiSchema(zone: string) {
  const text = z.string().optional().default("").transform((s) => (s === "" ? null : s));
  return z.object({
    id: z.string().transform((s, ctx) => {
      const id = s.replace(/[\s\u00a0\u202f]/g, "");
      if (!/^\d+$/.test(id)) ctx.addIssue({ code: "custom", message: `ID must be a number (spaces as thousands separators allowed), got '${s.slice(0, 40)}'` });
      return id;
    }),
    status: z.string().min(1, "status must not be empty"),
    opened_at: snInstant("opened_at", zone, true), updated_at: snInstant("updated_at", zone, false),
    solved_at: snInstant("solved_at", zone, false), closed_at: snInstant("closed_at", zone, false),
    priority: text, agent: text, group: text, category: text,
  }).superRefine((r, ctx) => {
    if (r.solved_at !== null && r.opened_at !== null && r.solved_at < r.opened_at) ctx.addIssue({ code: "custom", path: ["solved_at"], message: "solved_at is before opened_at" });
  }).transform((r): ServiceCase => ({
    ...EMPTY, service_id: r.id, status: r.status, opened_at: r.opened_at!, updated_at: r.updated_at, solved_at: r.solved_at ?? (r.closed_at ?? null),
    closed_at: r.closed_at, priority: r.priority, agent: names(r.agent)[0] ?? null, group: names(r.group)[0] ?? null, service_type: r.category,
    resolution_min: (r.solved_at ?? r.closed_at) !== null ? ((r.solved_at ?? r.closed_at)! - r.opened_at!) / 60_000 : null,
  }));
}
