// What `segstream diff` compares: each side is a file holding either a run's JSON (what
// `reproduce --json` prints, or a `--report DIR`'s runs.json, an array of them) or a scenario spec
// (what `--scenario FILE` takes), which is run here. The kind is told by the JSON's shape: an
// array, or an object with `format` or `outcome`, is a run; any other object must be a scenario.
// Every problem is a DiffInputError naming the side and the file.

import { readJsonFile } from "../scenarios/scenario-file.js";
import { applyScenario, ScenarioError, type ScenarioInput } from "../scenarios/scenario.js";
import { SEED_SCENARIO } from "../scenarios/seed.js";
import { runScenario } from "../scenarios/run-scenario.js";
import { explain } from "../scenarios/explain.js";
import { reproduceJson, RUN_JSON_FORMAT, type RunJson } from "./reproduce-json.js";

/** A bad input file: the CLI prints it as one line (exit code 2). */
export class DiffInputError extends Error {
  override name = "DiffInputError";
}

export interface DiffSide {
  /** The file as given. */
  path: string;
  kind: "run" | "scenario";
  run: RunJson;
}

/** The fields a run JSON must have for a diff (besides `format`). */
export const RUN_FIELDS = ["outcome", "variant", "failedRequest", "instance", "phase", "round", "sites", "peakLiveBytes", "largestRequest"] as const;

function isRunShaped(value: unknown): boolean {
  return Array.isArray(value) || (typeof value === "object" && value !== null && ("format" in value || "outcome" in value));
}

/** `pick`: the 1-based run to take from an array (runs.json); undefined takes the only one. */
function fromRuns(where: string, value: unknown, pick: number | undefined): unknown {
  if (!Array.isArray(value)) {
    if (pick !== undefined) throw new DiffInputError(`${where} holds one run, not a list of runs, so it has no run ${pick}`);
    return value;
  }
  if (value.length === 0) throw new DiffInputError(`${where} is an empty list; expected runs`);
  if (pick === undefined && value.length > 1) {
    throw new DiffInputError(`${where} holds ${value.length} runs; choose one with its --run-a/--run-b option (1 to ${value.length})`);
  }
  const index = (pick ?? 1) - 1;
  if (index >= value.length) throw new DiffInputError(`${where} holds ${value.length} runs, so it has no run ${pick}`);
  return value[index];
}

function checkRun(where: string, value: unknown): RunJson {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new DiffInputError(`${where}: a run must be a JSON object`);
  const run = value as Record<string, unknown>;
  if (!("format" in run)) {
    throw new DiffInputError(`${where} is a run without a format version (written before ${RUN_JSON_FORMAT}); run it again with this segstream`);
  }
  if (run.format !== RUN_JSON_FORMAT) {
    throw new DiffInputError(`${where} is a run of format ${JSON.stringify(run.format)}; this segstream reads ${RUN_JSON_FORMAT}`);
  }
  const missing = RUN_FIELDS.filter((f) => !(f in run));
  if (missing.length) throw new DiffInputError(`${where} is a run JSON missing ${missing.join(", ")}; expected the fields of \`reproduce --json\``);
  if (!Array.isArray(run.sites)) throw new DiffInputError(`${where}: field sites must be a list of sites`);
  return value as RunJson;
}

function runSpec(where: string, value: unknown): RunJson {
  try {
    const run = runScenario(applyScenario(SEED_SCENARIO, value as ScenarioInput));
    return reproduceJson(run, explain(run));
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    const neither = error.field === "" || /unknown field/i.test(error.problem)
      ? `; expected a run's JSON (fields format, ${RUN_FIELDS.join(", ")}) or a scenario spec (fields of src/scenarios/scenario.ts)`
      : "";
    throw new DiffInputError(`${where}: ${error.field ? `field ${error.field}: ` : ""}${error.problem}${neither}`);
  }
}

/** Reads one side of the diff; a scenario spec is run (its run JSON is the side). */
export function loadSide(label: "A" | "B", path: string, pick?: number): DiffSide {
  const where = `${label} ${JSON.stringify(path)}`;
  let value: unknown;
  try {
    value = readJsonFile(where, path);
  } catch (error) {
    throw error instanceof ScenarioError ? new DiffInputError(error.message) : error;
  }
  if (isRunShaped(value)) return { path, kind: "run", run: checkRun(where, fromRuns(where, value, pick)) };
  if (typeof value !== "object" || value === null) {
    throw new DiffInputError(`${where} holds ${value === null ? "null" : typeof value}; expected a run's JSON object (fields format, ${RUN_FIELDS.join(", ")}) or a scenario spec object`);
  }
  if (pick !== undefined) throw new DiffInputError(`${where} is a scenario spec, not a list of runs, so it has no run ${pick}`);
  return { path, kind: "scenario", run: runSpec(where, value) };
}
