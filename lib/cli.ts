/**
 * The `qb` command line: thin wrappers around lib/ (parse options, call, print).
 *
 * Usage: `deno task qb <command> [options]`; `deno task qb --help` lists commands.
 *
 * @module
 */
import { Command, CommanderError } from "commander";
import process from "node:process";
import { InputError, LogParseError } from "./ingest/mod.ts";
import { StoreInUseError, StoreOpenError } from "./store/mod.ts";
import { safe, UsageError } from "./cli/_common.ts";
import { addCallsCommands } from "./cli/calls.ts";
import { addOperatorCommands } from "./cli/operators.ts";
import { addQueueingCommands } from "./cli/queueing.ts";
import { addModelCommands } from "./cli/models.ts";
import { addSimulationCommands } from "./cli/simulation.ts";
import { addImproveCommand } from "./cli/improve.ts";
import { addMonitorCommands } from "./cli/monitor.ts";
import { addTargetCommands } from "./cli/targets.ts";
import { addServiceCommands } from "./cli/services.ts";
import { addArchiveCommands } from "./cli/archive.ts";

/** The version `qb --version` prints. */
export const QB_VERSION = "0.2.0";

/** Builds the `qb` program (exported for tests). */
export function createProgram(): Command {
  const program = new Command("qb")
    .description("queuebook: contact-center indicators and reports from telephony logs")
    .version(QB_VERSION, "-V, --version", "print the version")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // Commander quotes the arguments it refuses: escape control characters like every qb message.
      outputError: (s, write) => write(`qb: ${s.trimEnd().split("\n").map(safe).join("\n")}\n`),
    });

  addCallsCommands(program);
  addOperatorCommands(program);
  addQueueingCommands(program);
  addModelCommands(program);
  addSimulationCommands(program);
  addImproveCommand(program);
  addMonitorCommands(program);
  addTargetCommands(program);
  addServiceCommands(program);
  addArchiveCommands(program);
  // Mark required options in every command's --help.
  for (const cmd of program.commands) {
    for (const opt of cmd.options) if (opt.mandatory && !opt.description.endsWith("(required)")) opt.description += " (required)";
  }
  return program;
}

if (import.meta.main) {
  try {
    await createProgram().parseAsync(process.argv);
  } catch (err) {
    // Usage errors, unreadable inputs and databases, and option values out of range (RangeError:
    // the library's "value out of range" contract) exit 2; data errors (strict mode) exit 1.
    if (err instanceof UsageError || err instanceof InputError || err instanceof StoreInUseError || err instanceof StoreOpenError || err instanceof RangeError) {
      process.stderr.write(`qb: error: ${safe(err.message)}\n`);
      process.exit(2);
    }
    if (err instanceof CommanderError) {
      // Commander has printed its message already; help and version exit 0, usage errors 2.
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    const message = err instanceof LogParseError || err instanceof RangeError || err instanceof TypeError
      ? err.message
      : err instanceof Error ? err.message : String(err);
    process.stderr.write(`qb: error: ${safe(message)}\n`);
    process.exit(1);
  }
}
