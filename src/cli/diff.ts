// `segstream diff A B`: two runs side by side. Each of A and B is a run's JSON or a scenario spec
// (report/diff-input.ts, which runs a spec); report/diff-model.ts computes the difference, and
// diff-text.ts, --json and diff-html.ts (--report DIR) present it.

import { parse, helpText, UsageError, type CommandSpec } from "./args.js";
import { checkReportTarget, ReportWriteError } from "./report-target.js";
import { loadSide, DiffInputError } from "../report/diff-input.js";
import { diffRuns } from "../report/diff-model.js";
import { diffText } from "../report/diff-text.js";
import { writeDiffReport } from "../report/diff-html.js";
import { OUTPUT_OPTIONS } from "./scenario-options.js";

/** Not a terminal (a pipe, a file): site names are not shortened. */
const UNBOUNDED_WIDTH = 1000;

export const diffSpec: CommandSpec = {
  name: "diff",
  usage: "segstream diff A B [--run-a N] [--run-b N] [--json] [--report DIR]",
  summary: [
    "Compares two runs. A and B are each a run's JSON (what `reproduce --json` prints, or a report's runs.json)",
    "or a scenario spec (what --scenario takes), which diff runs itself. Prints, per site and in total, requests,",
    "requested bytes, live bytes at the end, peak live bytes and largest request (A, B, B - A, B / A), sites that",
    "differ first, and each run's failure (site, bytes, instance, phase and round, reason); \"identical\" when nothing differs.",
  ].join("\n"),
  positionals: [{ name: "A", required: true }, { name: "B", required: true }],
  options: {
    "run-a": { kind: "integer", min: 1, max: 1_000_000, help: "which run of A to take when A holds several (a runs.json), from 1" },
    "run-b": { kind: "integer", min: 1, max: 1_000_000, help: "which run of B to take when B holds several, from 1" },
    json: { kind: "flag", help: "print the diff as one JSON object (format segstream-diff/1, see the README)" },
    report: { ...OUTPUT_OPTIONS.report, help: "write index.html (the diff as a static page) and diff.json into DIR: an existing directory or a new one whose parent exists" },
  },
};

function sides(positionals: string[], values: Record<string, unknown>) {
  try {
    return [
      loadSide("A", positionals[0], values["run-a"] as number | undefined),
      loadSide("B", positionals[1], values["run-b"] as number | undefined),
    ];
  } catch (error) {
    throw error instanceof DiffInputError ? new UsageError(`diff: ${error.message}`) : error;
  }
}

export function diffCommand(argv: string[]): string {
  const { positionals, values, help } = parse(diffSpec, argv);
  if (help) return helpText(diffSpec);
  const target = checkReportTarget("diff", values.report as string | undefined);
  const [a, b] = sides(positionals, values);
  const d = diffRuns(a, b);
  const output = values.json ? JSON.stringify(d, null, 2) : diffText(d, process.stdout.columns ?? UNBOUNDED_WIDTH);
  if (!target) return output;
  try {
    const page = writeDiffReport(target.dir, d);
    return values.json ? output : `${output}\n\nreport written: ${page}`;
  } catch (error) {
    throw new ReportWriteError(output, `diff: --report ${JSON.stringify(target.given)}: the diff was made but its report could not be written (${(error as Error).message})`);
  }
}
