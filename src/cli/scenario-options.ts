// The options every scenario command shares: --scenario FILE, then one flag per scenario field,
// applied in that order over the seed scenario.

import { GROWTH_POLICIES, FOOTPRINT_MODELS } from "../memory/ledger.js";
import { PROBE_VARIANTS } from "../instance/variants.js";
import { INDEXERS, MAX_CAPACITY, TABLE_KINDS } from "../index/optimised-index.js";
import { MAX_PAGE_SLOTS } from "../stream/segmented-stream.js";
import { loadScenario } from "../scenarios/scenario-file.js";
import { applyScenario, STRUCTURES, CLOCKS, ScenarioError, type Scenario, type ScenarioInput } from "../scenarios/scenario.js";
import { SEED_SCENARIO } from "../scenarios/seed.js";
import { UsageError, type OptionSpec } from "./args.js";
import { LIMIT_FORMS } from "./limit.js";
import { MAX_COST_NS, MAX_INSTANCES, MAX_PHASE_MS, MAX_VALUES_PER_INSTANCE, MIN_SAMPLE_SIZE, MAX_SAMPLE_SIZE, ENGINE_MAX_BYTES } from "../bounds.js";

export const INDEX_TABLE_HELP =
  "how the index table is allocated: flat (slots x 16 B, the seed's 256 MiB) or hashbrown (std's HashMap: entries, then a control byte per bucket and 16 more) (default flat)";

export const SCENARIO_OPTIONS: Record<string, OptionSpec> = {
  scenario: { kind: "string", valueName: "file", help: "JSON scenario file (a regular file, at most 1 MiB): any subset of the fields of src/scenarios/scenario.ts, over the seed scenario" },
  structure: { kind: "string", choices: STRUCTURES, help: "what each setup builds (default OptimisedIndex)" },
  variant: { kind: "string", choices: PROBE_VARIANTS, valueName: "variant", help: `stream variant: ${PROBE_VARIANTS.join(", ")} (default as-written)` },
  "index-capacity": { kind: "integer", min: 0, max: MAX_CAPACITY, help: "keys the index table is sized for (default 10000000: a 256 MiB table)" },
  indexer: { kind: "string", choices: INDEXERS, help: "how the index keys a value (default first-word)" },
  "index-table": { kind: "string", choices: TABLE_KINDS, help: INDEX_TABLE_HELP },
  "page-slots": { kind: "integer", min: 1, max: MAX_PAGE_SLOTS, help: "slots per page, a power of two (default 64)" },
  upserts: { kind: "integer", min: 0, max: MAX_VALUES_PER_INSTANCE, help: "upserts per iteration (default 0: the seed's are disabled)" },
  "batch-size": { kind: "string", valueName: "size", help: `PerIteration, SmallInput, LargeInput, NumBatches:<n> or NumIterations:<n>, n from 1 to ${MAX_INSTANCES.toLocaleString("en-US")} (default PerIteration)` },
  clock: { kind: "string", choices: CLOCKS, help: "virtual (replays identically) or real (default virtual)" },
  "iteration-ns": { kind: "integer", min: 0, max: MAX_COST_NS, help: `virtual cost of one whole iteration (default 5750: 3 s / ~522,000); a virtual run may plan at most ${MAX_INSTANCES.toLocaleString("en-US")} iterations` },
  "setup-ns": { kind: "integer", min: 0, max: MAX_COST_NS, help: "virtual cost of a setup (replaces the per-iteration cost model)" },
  "routine-ns": { kind: "integer", min: 0, max: MAX_COST_NS, help: "virtual cost of a routine call" },
  "drop-ns": { kind: "integer", min: 0, max: MAX_COST_NS, help: "virtual cost of a drop hook (never charged here: each routine drops its input itself)" },
  "warm-up-ms": { kind: "integer", min: 1, max: MAX_PHASE_MS, help: "Criterion warm-up time (default 3000)" },
  "measurement-ms": { kind: "integer", min: 1, max: MAX_PHASE_MS, help: "Criterion measurement time (default 5000)" },
  "sample-size": { kind: "integer", min: MIN_SAMPLE_SIZE, max: MAX_SAMPLE_SIZE, help: "Criterion sample size (default 100)" },
  limit: { kind: "limit", help: `footprint limit (default 800MiB): ${LIMIT_FORMS}` },
  baseline: { kind: "integer", min: 0, max: ENGINE_MAX_BYTES, help: "bytes of address space the process holds before its first allocation, counted by the limit (default 0; `native reproduce` measures it)" },
  footprint: { kind: "string", choices: FOOTPRINT_MODELS, help: "what the limit measures: glibc (the native heap) or segstream (default glibc)" },
  growth: { kind: "string", choices: GROWTH_POLICIES, help: "how the model's linear memory grows (default exact)" },
  "chunk-pages": { kind: "integer", min: 1, max: 65536, help: "growth step in 64 KiB pages for --growth chunk (default 16)" },
};

/** What reproduce and diagnose print or write besides the text report. */
export const OUTPUT_OPTIONS: Record<string, OptionSpec> = {
  json: { kind: "flag", help: "print one JSON object instead of the report" },
  report: {
    kind: "string", valueName: "dir",
    help: "write an HTML report with plots, the JSON and a DHAT heap profile per run into DIR: an existing directory (its report files are replaced) or a new one whose parent exists (segstream creates DIR, never its parents); checked before the run",
  },
};

type Values = Record<string, number | string | boolean | null | undefined>;

function costOverrides(values: Values): ScenarioInput["cost"] | undefined {
  const keys: [string, "setupNs" | "routineNs" | "dropNs" | "iterationNs"][] = [
    ["setup-ns", "setupNs"], ["routine-ns", "routineNs"], ["drop-ns", "dropNs"], ["iteration-ns", "iterationNs"],
  ];
  const given = keys.filter(([flag]) => values[flag] !== undefined);
  if (!given.length) return undefined;
  return Object.fromEntries(given.map(([flag, field]) => [field, values[flag] as number]));
}

/** The flags that set each scenario field, for the messages about the flags' values. */
const FIELD_FLAGS: Record<string, string> = {
  structure: "--structure", variant: "--variant", indexCapacity: "--index-capacity", indexer: "--indexer", indexTable: "--index-table", pageSlots: "--page-slots",
  upsertsPerIteration: "--upserts", batchSize: "--batch-size", clock: "--clock", warmUpMs: "--warm-up-ms",
  measurementMs: "--measurement-ms", sampleSize: "--sample-size", "memory.limitBytes": "--limit", "memory.footprint": "--footprint",
  "memory.growth": "--growth", "memory.chunkPages": "--chunk-pages", "cost.setupNs": "--setup-ns", "cost.routineNs": "--routine-ns",
  "cost.dropNs": "--drop-ns", "cost.iterationNs": "--iteration-ns",
  cost: "--iteration-ns, --setup-ns, --routine-ns, --warm-up-ms, --measurement-ms",
};

function usageError(error: unknown): unknown {
  if (!(error instanceof ScenarioError)) return error;
  const flags = FIELD_FLAGS[error.field];
  return new UsageError(flags ? `${error.message} (flags: ${flags})` : error.message);
}

/** The scenario the options describe: seed, then --scenario FILE, then each flag. */
export function scenarioFrom(values: Values): Scenario {
  let base: Scenario;
  try {
    base = values.scenario !== undefined ? loadScenario(SEED_SCENARIO, values.scenario as string) : SEED_SCENARIO;
  } catch (error) {
    throw error instanceof ScenarioError ? new UsageError(error.message) : error;
  }
  try {
    const memory: ScenarioInput["memory"] = {};
    if (values.limit !== undefined) memory.limitBytes = values.limit as number | null;
    if (values.baseline !== undefined) memory.baselineBytes = values.baseline as number;
    if (values.footprint !== undefined) memory.footprint = values.footprint as Scenario["memory"]["footprint"];
    if (values.growth !== undefined) memory.growth = values.growth as Scenario["memory"]["growth"];
    if (values["chunk-pages"] !== undefined) memory.chunkPages = values["chunk-pages"] as number;
    const input: ScenarioInput = {
      structure: values.structure as Scenario["structure"] | undefined,
      variant: values.variant as Scenario["variant"] | undefined,
      indexCapacity: values["index-capacity"] as number | undefined,
      indexer: values.indexer as Scenario["indexer"] | undefined,
      indexTable: values["index-table"] as Scenario["indexTable"] | undefined,
      pageSlots: values["page-slots"] as number | undefined,
      upsertsPerIteration: values.upserts as number | undefined,
      batchSize: values["batch-size"] as string | undefined,
      clock: values.clock as Scenario["clock"] | undefined,
      cost: costOverrides(values),
      warmUpMs: values["warm-up-ms"] as number | undefined,
      measurementMs: values["measurement-ms"] as number | undefined,
      sampleSize: values["sample-size"] as number | undefined,
      memory: Object.keys(memory).length ? memory : undefined,
    };
    const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as ScenarioInput;
    return applyScenario(base, defined);
  } catch (error) {
    throw usageError(error);
  }
}
