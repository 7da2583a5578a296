// `segstream reproduce`: run the seed scenario (or one derived from it) and explain the outcome.

import { runScenario } from "../scenarios/run-scenario.js";
import { explain } from "../scenarios/explain.js";
import { SEED_INSTANCES } from "../scenarios/seed.js";
import { reproduceText } from "../report/reproduce-text.js";
import { reproduceJson } from "../report/reproduce-json.js";
import { checkReportTarget, writeReportAfter } from "./report-target.js";
import { parse, helpText, type CommandSpec } from "./args.js";
import { SCENARIO_OPTIONS, OUTPUT_OPTIONS, scenarioFrom } from "./scenario-options.js";
import { progressBar } from "./progress.js";

export const reproduceSpec: CommandSpec = {
  name: "reproduce",
  usage: "segstream reproduce [--scenario FILE] [scenario options] [--json] [--report DIR]",
  summary: [
    "Runs the seed's Criterion benchmark in the model: iter_batched with PerIteration, each setup building an",
    "OptimisedIndex (256 MiB table) holding the as-written SegmentedStream, upserts disabled, under a virtual",
    "clock and an 800 MiB limit on glibc's footprint. Prints the outcome, the failing request and its site, the",
    "instance, the Criterion phase and warm-up round, live bytes by site, and the arithmetic that explains it.",
  ].join("\n"),
  positionals: [],
  options: { ...SCENARIO_OPTIONS, ...OUTPUT_OPTIONS },
};

export async function reproduceCommand(argv: string[]): Promise<string> {
  const { values, help } = parse(reproduceSpec, argv);
  if (help) return helpText(reproduceSpec);
  const scenario = scenarioFrom(values);
  const target = checkReportTarget("reproduce", values.report as string | undefined);
  const bar = progressBar(!values.json, SEED_INSTANCES);
  const run = runScenario(scenario, bar.update);
  bar.done();
  const explanation = explain(run);
  const json = reproduceJson(run, explanation);
  const output = values.json ? JSON.stringify(json, null, 2) : reproduceText(run, explanation);
  return writeReportAfter(target, "reproduce", [{ run, json }], output, values.json === true);
}
