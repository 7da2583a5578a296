// `segstream diagnose`: every variant and competing mechanism against the seed's signature.

import { diagnose, DIAGNOSE_CASES, verdictOf } from "../scenarios/diagnose.js";
import { explain } from "../scenarios/explain.js";
import { diagnoseText } from "../report/diagnose-text.js";
import { reproduceJson } from "../report/reproduce-json.js";
import { checkReportTarget, writeReportAfter } from "./report-target.js";
import { SEED_INSTANCES } from "../scenarios/seed.js";
import { parse, helpText, type CommandSpec } from "./args.js";
import { SCENARIO_OPTIONS, OUTPUT_OPTIONS, scenarioFrom } from "./scenario-options.js";
import { progressBar } from "./progress.js";

export const diagnoseSpec: CommandSpec = {
  name: "diagnose",
  usage: "segstream diagnose [--scenario FILE] [scenario options] [--json] [--report DIR]",
  summary: [
    "Runs the seed scenario once per stream variant and once per competing mechanism, and judges each run",
    "against the seed's observation (one 256 MiB request fails, during warm-up, near 522,000 instances; the",
    "mock passes). Cases:",
    ...DIAGNOSE_CASES.map((c) => `  ${c.id.padEnd(20)} ${c.hypothesis}`),
    "Scenario options apply to every case before the case's own change (its variant, structure or memory).",
  ].join("\n"),
  positionals: [],
  options: { ...SCENARIO_OPTIONS, ...OUTPUT_OPTIONS },
};

export async function diagnoseCommand(argv: string[]): Promise<string> {
  const { values, help } = parse(diagnoseSpec, argv);
  if (help) return helpText(diagnoseSpec);
  const base = scenarioFrom(values);
  const target = checkReportTarget("diagnose", values.report as string | undefined);
  const bar = progressBar(!values.json, SEED_INSTANCES);
  const d = diagnose(base, (caseId) => {
    bar.label(`case ${caseId}`);
    return bar.update;
  });
  bar.done();
  const entries = d.rows.map((r) => ({ run: r.run, json: reproduceJson(r.run, explain(r.run)), caseId: r.case.id, verdict: verdictOf(r) }));
  const output = values.json
    ? JSON.stringify({
      mockPasses: d.mockPasses,
      explains: d.explains,
      matchOnlyIf: d.matchOnlyIf,
      tables: d.tables,
      rows: d.rows.map((r, i) => ({ case: r.case.id, hypothesis: r.case.hypothesis, requires: r.case.requires ?? null, ...r.judgement, run: entries[i].json })),
    }, null, 2)
    : diagnoseText(d);
  return writeReportAfter(target, "diagnose", entries, output, values.json === true);
}
