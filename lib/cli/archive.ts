/**
 * Private: `qb export` — a store's derived tables as a day-partitioned Parquet archive.
 *
 * @module
 */
import type { Command } from "commander";
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import process from "node:process";
import { dirname, join, resolve } from "node:path";
import { loadServices } from "../ingest/mod.ts";
import { ArchiveError, exportArchive, isArchive } from "../parquet/mod.ts";
import { type CommonOptions, safe, UsageError, withCommonOptions } from "./_common.ts";
import { checkInputFile } from "./_output.ts";
import { loadOperatorInputs, type OperatorCliOptions, tableReport, withOperatorInputs } from "./operators.ts";
import { wrapupMap } from "./_wrapup.ts";

interface ExportCliOptions extends CommonOptions, OperatorCliOptions {
  parquet: string;
  services?: string;
  center?: string;
}

/** Refuses an archive folder that exists and is neither empty nor an archive, or that is an input. @throws {UsageError} */
function checkArchiveTarget(dir: string, inputs: readonly string[], db: string): void {
  if (dir.trim() === "") throw new UsageError("--parquet is empty: give a folder such as 'out/archive'");
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const target = real(dir);
  if (inputs.some((i) => real(i) === target) || (db !== ":memory:" && real(db) === target)) {
    throw new UsageError(`--parquet '${safe(dir)}' is also an input: give another folder`);
  }
  // Inside an earlier archive (or one of its day folders), the next export of that archive would delete it.
  for (let up = dirname(target); up !== dirname(up); up = dirname(up)) {
    if (isArchive(up)) throw new UsageError(`--parquet '${safe(dir)}' is inside the archive '${safe(up)}': give a folder outside it`);
  }
  // Before the load: the folder's parent must be a folder this process can write in (the archive is renamed into place there).
  let parent = dirname(target);
  while (!existsSync(parent) && parent !== dirname(parent)) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) throw new UsageError(`--parquet '${safe(dir)}': '${safe(parent)}' is a file, not a folder`);
  try {
    accessSync(parent, constants.W_OK);
    const probe = mkdtempSync(join(parent, ".qb-probe-"));
    rmSync(probe, { recursive: true, force: true });
  } catch (err) {
    throw new UsageError(`--parquet '${safe(dir)}': cannot write in '${safe(parent)}' (${(err as { code?: string }).code ?? "not writable"})`);
  }
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new UsageError(`--parquet '${safe(dir)}' is a file: give a folder (new, empty, or an earlier archive to replace)`);
  if (!isArchive(target) && readdirSync(target).length > 0) {
    // (with --center, a group of centers' archives is an archive too: its manifest lists them)
    throw new UsageError(`--parquet '${safe(dir)}' is a folder that holds other files: give a new or empty folder, or an earlier archive to replace`);
  }
}

/** Adds `export` to the program. */
export function addArchiveCommands(program: Command): void {
  withOperatorInputs(withCommonOptions(
    program.command("export").description("write the derived tables (stints, calls, agent states, services, roster, schedules) as day-partitioned Parquet"),
    { queue: false, window: false, intervals: false, inputRequired: false },
  ))
    .requiredOption("--parquet <dir>", "archive folder to write (new, empty, or an earlier archive, replaced whole)")
    .addHelpText("after", "\nThe data: --input LOG… (loaded as for qb kpis), --db FILE (a database's content), or both.")
    .option("--services <file>", "services (cases) export to archive too")
    .option("--center <name>", "write the archive as this center's, in DIR/center=NAME/ beside other centers' (letters, digits, . _ -); --input DIR then reads them all")
    .action(async (o: ExportCliOptions) => {
      if (o.input.length === 0 && o.db === ":memory:") throw new UsageError("give the data to export: --input LOG… and/or --db FILE");
      // Exporting a database alone: it must exist (a mistyped name would otherwise replace an archive by an empty one).
      if (o.input.length === 0 && !existsSync(o.db)) throw new UsageError(`--db '${safe(o.db)}': no such database file (give --input LOG… to load data into a new one)`);
      if (o.center !== undefined && !/^[A-Za-z0-9_.-]{1,100}$/.test(o.center)) throw new UsageError(`--center must be letters, digits, '.', '_' or '-' (at most 100), got '${safe(o.center.slice(0, 100))}'`);
      for (const [flag, f] of [["--roster", o.roster], ["--schedules", o.schedules], ["--agent-states", o.agentStates], ["--services", o.services]] as const) {
        if (f) checkInputFile(flag, f);
      }
      checkArchiveTarget(o.parquet, [...o.input, ...[o.roster, o.schedules, o.agentStates, o.services].filter((f): f is string => !!f)], o.db);
      const store = await loadOperatorInputs(o);
      try {
        if (o.services) await tableReport(store, await loadServices(store, o.services, { timeZone: o.sourceTz ?? "UTC" }), o);
        const sources = (await store.query<{ source: string }>("SELECT source FROM ingest_runs ORDER BY source")).map((r) => r.source);
        const [held] = await store.query<{ n: number }>("SELECT (SELECT count(*) FROM call_stints) + (SELECT count(*) FROM services) + (SELECT count(*) FROM agent_events) AS n");
        if (sources.length === 0 && Number(held?.n) === 0) throw new UsageError(`nothing to export: the database '${safe(o.db)}' holds no calls, agent events or services`);
        let manifest;
        try {
          manifest = await exportArchive(store, o.parquet, {
            agent_states: { wrapup_s: o.wrapupS, wrapup_by_queue: wrapupMap(o.wrapup) },
            sources,
          }, o.center ?? null);
        } catch (err) {
          throw err instanceof ArchiveError || err instanceof RangeError ? new UsageError(err.message) : err;
        }
        if (!o.quiet) {
          for (const [name, t] of Object.entries(manifest.tables)) {
            const days = t.partitioned_on ? ` in ${t.days.length} day partition(s)${t.days.length ? ` ${t.days[0]} … ${t.days[t.days.length - 1]}` : ""}` : "";
            process.stderr.write(`  ${name}: ${t.rows} rows${days}\n`);
          }
          process.stderr.write(`archive written to ${safe(resolve(o.parquet))}\n`);
        }
      } finally {
        store.close();
      }
    });
}
