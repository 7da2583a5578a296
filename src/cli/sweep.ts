// `segstream sweep`: a grid of scenarios (limit x variant x index capacity x page slots x batch
// size) run across a pool of worker threads, each cell exactly the scenario reproduce would run
// with those flags. Prints a table (or --json), appends JSON lines to --out/--resume as cells
// finish, and draws the failure frontier into --report DIR.

import { parse, helpText, UsageError, type CommandSpec, type OptionSpec } from "./args.js";
import { SCENARIO_OPTIONS, OUTPUT_OPTIONS } from "./scenario-options.js";
import { checkReportTarget, ReportWriteError } from "./report-target.js";
import { cellBar } from "./progress.js";
import { AXES, expandGrid, parseAxis, type Axis, type AxisValues, type Cell } from "../sweep/grid.js";
import { loadGrid } from "../sweep/grid-file.js";
import { runPool, defaultJobs } from "../sweep/pool.js";
import { readResults, ResultsWriter } from "../sweep/results-file.js";
import type { CellResult } from "../sweep/cell.js";
import { writeFrontier } from "../report/frontier.js";
import { bytes, count, table } from "../report/format.js";

const MAX_JOBS = 64;

function axisOption(axis: Axis): OptionSpec {
  const one = SCENARIO_OPTIONS[axis];
  return { kind: "string", valueName: "list", help: `comma-separated values, each as reproduce's --${axis} takes it: ${one.help}` };
}

export const sweepSpec: CommandSpec = {
  name: "sweep",
  usage: "segstream sweep [--limit L1,L2,..] [--variant V1,..] [--index-capacity ..] [--page-slots ..] [--batch-size ..] [--grid FILE] [scenario options] [--jobs N] [--out FILE | --resume FILE] [--json] [--report DIR]",
  summary: [
    "Runs the cross product of the listed axis values over the seed scenario (changed by the other scenario",
    "options) across worker threads, one scenario per cell, as reproduce runs it; prints each cell's outcome:",
    "the failing instance, request, site, phase and round, or that it completes. --report DIR draws the failure",
    "frontier (failing instance against the limit, per variant) with the seed's observation marked.",
  ].join("\n"),
  positionals: [],
  options: {
    ...SCENARIO_OPTIONS,
    ...Object.fromEntries(AXES.map((a) => [a, axisOption(a)])),
    grid: { kind: "string", valueName: "file", help: 'JSON object of axes, e.g. {"limit": ["400MiB", "800MiB"], "variant": ["as-written", "explicit-drop"]}; flags override its axes' },
    jobs: { kind: "integer", min: 1, max: MAX_JOBS, help: "worker threads (default: the available cores)" },
    out: { kind: "string", valueName: "file", help: "write each cell's result as a JSON line as it finishes (a new or empty file)" },
    resume: { kind: "string", valueName: "file", help: "skip the cells already in FILE (same key) and append the rest to it" },
    ...OUTPUT_OPTIONS,
    report: { kind: "string", valueName: "dir", help: "write the failure frontier (index.html, frontier.svg, results.json) into DIR (checked before the run, as reproduce's --report)" },
  },
};

function gridAxes(values: Record<string, unknown>): AxisValues {
  const axes = values.grid !== undefined ? loadGrid(values.grid as string) : {};
  for (const axis of AXES) if (values[axis] !== undefined) axes[axis] = parseAxis(axis, values[axis] as string);
  return axes;
}

function writerFor(values: Record<string, unknown>): ResultsWriter | undefined {
  if (values.resume !== undefined) return ResultsWriter.resume(values.resume as string);
  if (values.out !== undefined) return ResultsWriter.create(values.out as string);
  return undefined;
}

export function axisText(axis: Axis, value: number | string | null | undefined): string {
  if (value === undefined) return "";
  if (axis === "limit") return value === null ? "none" : bytes(value as number).split(" (")[0];
  return typeof value === "number" ? count(value) : String(value);
}

export function outcomeText(r: CellResult): string {
  if (r.outcome === "completed") return "completes";
  if (r.outcome === "error") return `error: ${r.error}`;
  return `fails at instance ${count(r.instance!)}`;
}

function sweepText(cells: Cell[], results: CellResult[], skipped: number, jobs: number, ms: number): string {
  const axes = AXES.filter((a) => cells.some((c) => c.axes[a] !== undefined));
  const rows = results.map((r) => [
    r.key, ...axes.map((a) => axisText(a, r.axes[a])), outcomeText(r),
    r.requestBytes === null ? "" : bytes(r.requestBytes).split(" (")[0], r.site ?? "",
    r.phase ? `${r.phase} ${r.phase === "warm-up" ? "round" : "sample"} ${r.round}` : "",
  ]);
  const ran = results.length - skipped;
  return [
    table(["cell", ...axes, "outcome", "request", "site", "where"], rows),
    "",
    `${results.length} cells: ${ran} run on ${jobs} worker thread${jobs === 1 ? "" : "s"} in ${(ms / 1000).toFixed(1)} s, ${skipped} already in the results file`,
  ].join("\n");
}

export async function sweepCommand(argv: string[]): Promise<string> {
  const { values, help } = parse(sweepSpec, argv);
  if (help) return helpText(sweepSpec);
  const axes = gridAxes(values);
  const base = Object.fromEntries(Object.entries(values).filter(([k]) => !(AXES as readonly string[]).includes(k)));
  const cells = expandGrid(base, axes);
  const target = checkReportTarget("sweep", values.report as string | undefined);
  if (values.out !== undefined && values.resume !== undefined) throw new UsageError("sweep: give --out FILE or --resume FILE, not both (--resume appends to its file)");
  const done = values.resume !== undefined ? readResults(values.resume as string) : new Map<string, CellResult>();
  const writer = writerFor(values);
  const todo = cells.filter((c) => !done.has(c.key));
  const jobs = (values.jobs as number | undefined) ?? defaultJobs();
  const bar = cellBar(!values.json, cells.length);
  const started = performance.now();
  let finished = cells.length - todo.length;
  const ran = await runPool(todo, jobs, (r) => {
    writer?.append(r);
    bar.update(++finished, `${r.axes.variant ?? r.scenario.variant} ${axisText("limit", r.scenario.memory.limitBytes)}: ${outcomeText(r)}`);
  });
  bar.done();
  const byKey = new Map([...done, ...ran.map((r) => [r.key, r] as const)]);
  const results = cells.map((c) => byKey.get(c.key)!);
  const elapsed = performance.now() - started;
  const output = values.json
    ? JSON.stringify({ cells: results.map(({ scenario: _s, ...r }) => r), ran: todo.length, skipped: cells.length - todo.length, jobs, elapsedMs: Math.round(elapsed) }, null, 2)
    : sweepText(cells, results, cells.length - todo.length, jobs, elapsed);
  if (!target) return output;
  let page: string;
  try {
    page = writeFrontier(target.dir, results);
  } catch (error) {
    throw new ReportWriteError(output, `sweep: --report ${JSON.stringify(target.given)}: the sweep finished but its frontier could not be written (${String((error as Error).message).replace(/\s+/g, " ")})`);
  }
  return values.json ? output : `${output}\n\nfrontier written: ${page}`;
}
