/**
 * Writing the demo center's files.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toCsv } from "../reports/csv.ts";
import type { DemoCenter } from "./demo_center.ts";

/** Files written by {@link writeDemoCenter}, by role. */
export interface DemoFiles {
  roster: string;
  schedules: string;
  queue_log: string;
  services: string;
  targets: string;
  scenario: string;
  /** `demo.json`: the center's time zone, first instant, days and the wrap-up per queue (what `qb improve --demo-dir` reads). */
  about: string;
}

/**
 * Writes the demo center to a folder: `roster.csv`, `schedules.csv`, `queue_log` (native
 * Asterisk format), `services.csv`, `targets.csv`, `scenario.json` (the simulation scenario,
 * usable with `qb simulate`) and `demo.json` (time zone, start, days, wrap-up per queue). CSV cells are guarded against formula injection. Columns are
 * documented in data/README.md.
 *
 * @returns the paths written
 */
export function writeDemoCenter(dir: string, center: DemoCenter): DemoFiles {
  mkdirSync(dir, { recursive: true });
  const files: DemoFiles = {
    roster: join(dir, "roster.csv"), schedules: join(dir, "schedules.csv"), queue_log: join(dir, "queue_log"),
    services: join(dir, "services.csv"), targets: join(dir, "targets.csv"), scenario: join(dir, "scenario.json"), about: join(dir, "demo.json"),
  };
  writeFileSync(files.roster, toCsv(center.roster as unknown as Record<string, unknown>[]));
  writeFileSync(files.schedules, toCsv(center.schedules as unknown as Record<string, unknown>[]));
  writeFileSync(files.queue_log, center.queue_log.join("\n") + "\n");
  writeFileSync(files.services, toCsv(center.services as unknown as Record<string, unknown>[], ["service_id", "service_type", "call_id", "queue", "agent", "opened_at", "closed_at", "status", "outcome", "handling_s", "cost"]));
  writeFileSync(files.targets, toCsv(center.targets as unknown as Record<string, unknown>[]));
  writeFileSync(files.scenario, JSON.stringify(center.scenario, null, 1) + "\n");
  const wrapup = Object.fromEntries((center.scenario.queues ?? []).map((q) => [q.name, q.wrap_s ?? 0]));
  writeFileSync(files.about, JSON.stringify({ time_zone: center.time_zone, start_epoch_s: center.start_epoch_s, days: center.days, wrapup_s_by_queue: wrapup }, null, 1) + "\n");
  return files;
}
