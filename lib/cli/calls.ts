/**
 * `qb report` and `qb kpis`: indicators and the calls report from logs.
 *
 * @module
 */
import type { Command } from "commander";
import { resolve } from "node:path";
import process from "node:process";
import { agentKpis, queueKpis, type QueueDimension } from "../indicators/mod.ts";
import { buildCallsReport } from "../reports/mod.ts";
import { type CommonOptions, kpiOptions, load, number, UsageError, withCommonOptions } from "./_common.ts";
import { checkOutput, writeFileAtomic } from "./_output.ts";

/** Adds `report` and `kpis` to the program. */
export function addCallsCommands(program: Command): void {
  withCommonOptions(program.command("report").description("write the HTML calls report"))
    .requiredOption("-o, --out <path>", "output HTML file")
    .option("--title <text>", "report title", "Calls report")
    .option("--sl-target <fraction>", "service-level target drawn on charts (0–1)", number("--sl-target", 0), 0.8)
    .action(async (o: CommonOptions & { out: string; title: string; slTarget: number }) => {
      if (!(o.slTarget <= 1)) throw new UsageError(`--sl-target must be a fraction between 0 and 1, got ${o.slTarget}`);
      checkOutput(o.out, { inputs: o.input, db: o.db });
      const { store } = await load(o);
      try {
        const html = await buildCallsReport(store, { ...kpiOptions(o), title: o.title, sl_target: o.slTarget });
        writeFileAtomic(o.out, html);
        process.stderr.write(`report written to ${resolve(o.out)}\n`);
      } finally {
        store.close();
      }
    });

  withCommonOptions(program.command("kpis").description("print indicators as a JSON array"))
    .option("--by <dims>", "grouping: queue | agent | day | interval, or a comma list such as queue,interval", "queue")
    .option("--json", "print JSON (the only output format for now)", true)
    .action(async (o: CommonOptions & { by: string }) => {
      const dims = o.by.split(",").map((d) => d.trim()).filter(Boolean);
      if (dims.includes("agent") && dims.length > 1) throw new UsageError(`--by agent cannot be combined, got '${o.by}'`);
      for (const d of dims) {
        if (!["queue", "day", "interval", "agent"].includes(d)) {
          throw new UsageError(`--by must list queue, agent, day or interval, got '${d}'`);
        }
      }
      const { store } = await load(o);
      try {
        const rows = dims[0] === "agent"
          ? await agentKpis(store, kpiOptions(o))
          : await queueKpis(store, dims as QueueDimension[], kpiOptions(o));
        process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
      } finally {
        store.close();
      }
    });
}
