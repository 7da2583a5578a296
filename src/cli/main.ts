#!/usr/bin/env node
// The `segstream` command: dispatches to a subcommand, prints its output, and maps failures to exit
// codes (2: bad usage, 1: anything else).

import { UsageError } from "./args.js";
import { ReportWriteError } from "./report-target.js";
import { AllocationFailedError } from "../errors.js";

type Command = (argv: string[]) => string | Promise<string>;

// Each command's module is loaded when it runs, so a command pays only for its own imports (the
// report writers, the sweep's pool and the native runner are not reproduce's start-up).
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  reproduce: { load: async () => (await import("./reproduce.js")).reproduceCommand, summary: "run the seed's Criterion benchmark in the model and explain how it fails" },
  diagnose: { load: async () => (await import("./diagnose.js")).diagnoseCommand, summary: "run every variant and competing mechanism and say which explains the failure" },
  probe: { load: async () => (await import("./probe.js")).probeCommand, summary: "create and drop N streams of a variant and print what they retain" },
  diff: { load: async () => (await import("./diff.js")).diffCommand, summary: "compare two runs (their JSON, or scenario specs run here): per site, in total, and the failure" },
  sweep: { load: async () => (await import("./sweep.js")).sweepCommand, summary: "run a grid of scenarios (limit x variant x ...) on worker threads and draw the failure frontier" },
  native: { load: async () => (await import("./native.js")).nativeCommand, summary: "run a probe or the seed scenario in the lab and in the real Rust program, side by side" },
};

const USAGE = [
  "usage: segstream <command> [options]",
  "",
  "A byte-exact lab for the memory lifecycle of the seed's SegmentedStream.",
  "",
  "commands:",
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
  "",
  `Run \`segstream <command> --help\` for a command's options (e.g. \`segstream probe --help\`).`,
].join("\n");

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(", ")}`);
    const run = await command.load();
    process.stdout.write(`${await run(rest)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ReportWriteError) {
      process.stdout.write(`${error.output}\n`);
      process.stderr.write(`segstream: ${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`segstream: ${error.message} (see \`segstream ${command ? name + " " : ""}--help\`)\n`);
      return 2;
    }
    if (error instanceof AllocationFailedError || error instanceof RangeError || error instanceof TypeError) {
      process.stderr.write(`segstream: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`segstream: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
