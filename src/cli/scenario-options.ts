// The options every scenario command shares: --scenario FILE, then one flag per scenario field,
// applied in that order over the seed scenario.

import { GROWTH_POLICIES, FOOTPRINT_MODELS } from "../memory/ledger.js";
import { PROBE_VARIANTS } from "../probe/variants.js";
import { INDEXERS, MAX_CAPACITY } from "../index/optimised-index.js";
import { MAX_PAGE_SLOTS } from "../stream/segmented-stream.js";
import { applyScenario, loadScenario, STRUCTURES, CLOCKS, ScenarioError, type Scenario, type ScenarioInput } from "../scenarios/scenario.js";
import { SEED_SCENARIO } from "../scenarios/seed.js";
import { UsageError, type OptionSpec } from "./args.js";

export const SCENARIO_OPTIONS: Record<string, OptionSpec> = {
  scenario: { kind: "string", valueName: "file", help: "JSON scenario file: any subset of the fields below, over the seed scenario" },
  structure: { kind: "string", choices: STRUCTURES, help: "what each setup builds (default OptimisedIndex)" },
  variant: { kind: "string", choices: PROBE_VARIANTS, valueName: "variant", help: `stream variant: ${PROBE_VARIANTS.join(", ")} (default as-written)` },
  "index-capacity": { kind: "integer", min: 0, max: MAX_CAPACITY, help: "keys the index table is sized for (default 10000000: a 256 MiB table)" },
  indexer: { kind: "string", choices: INDEXERS, help: "how the index keys a value (default first-word)" },
  "page-slots": { kind: "integer", min: 1, max: MAX_PAGE_SLOTS, help: "slots per page, a power of two (default 64)" },
  upserts: { kind: "integer", min: 0, max: 1_000_000, help: "upserts per iteration (default 0: the seed's are disabled)" },
  "batch-size": { kind: "string", valueName: "size", help: "PerIteration, SmallInput, LargeInput, NumBatches:<n> or NumIterations:<n> (default PerIteration)" },
  clock: { kind: "string", choices: CLOCKS, help: "virtual (replays identically) or real (default virtual)" },
  "iteration-ns": { kind: "integer", min: 0, max: 1e12, help: "virtual cost of one whole iteration (default 5750: 3 s / ~522,000)" },
  "setup-ns": { kind: "integer", min: 0, max: 1e12, help: "virtual cost of a setup (replaces the per-iteration cost model)" },
  "routine-ns": { kind: "integer", min: 0, max: 1e12, help: "virtual cost of a routine call" },
  "drop-ns": { kind: "integer", min: 0, max: 1e12, help: "virtual cost of a drop" },
  "warm-up-ms": { kind: "integer", min: 1, max: 86_400_000, help: "Criterion warm-up time (default 3000)" },
  "measurement-ms": { kind: "integer", min: 1, max: 86_400_000, help: "Criterion measurement time (default 5000)" },
  "sample-size": { kind: "integer", min: 10, max: 100_000, help: "Criterion sample size (default 100)" },
  limit: { kind: "string", valueName: "bytes|none", help: "footprint limit: bytes (800MiB, 838860800) or none (default 800MiB)" },
  baseline: { kind: "bytes", min: 0, help: "address space the process holds before its first allocation, counted by the limit (default 0; `native reproduce` measures it)" },
  footprint: { kind: "string", choices: FOOTPRINT_MODELS, help: "what the limit measures: glibc (the native heap) or segstream (default glibc)" },
  growth: { kind: "string", choices: GROWTH_POLICIES, help: "how the model's linear memory grows (default exact)" },
  "chunk-pages": { kind: "integer", min: 1, max: 65536, help: "growth step in 64 KiB pages for --growth chunk (default 16)" },
};

/** What reproduce and diagnose print or write besides the text report. */
export const OUTPUT_OPTIONS: Record<string, OptionSpec> = {
  json: { kind: "flag", help: "print one JSON object instead of the report" },
  report: { kind: "string", valueName: "dir", help: "write an HTML report with plots, the JSON and a DHAT heap profile per run into DIR" },
};

type Values = Record<string, number | string | boolean | undefined>;

function costOverrides(values: Values): ScenarioInput["cost"] | undefined {
  const keys: [string, "setupNs" | "routineNs" | "dropNs" | "iterationNs"][] = [
    ["setup-ns", "setupNs"], ["routine-ns", "routineNs"], ["drop-ns", "dropNs"], ["iteration-ns", "iterationNs"],
  ];
  const given = keys.filter(([flag]) => values[flag] !== undefined);
  if (!given.length) return undefined;
  return Object.fromEntries(given.map(([flag, field]) => [field, values[flag] as number]));
}

function limitOverride(values: Values, parseBytes: (text: string) => number | undefined): number | null | undefined {
  const text = values.limit as string | undefined;
  if (text === undefined) return undefined;
  if (text === "none") return null;
  const n = parseBytes(text);
  if (n === undefined || n < 1) throw new UsageError(`--limit must be a number of bytes (suffixes KiB, MiB, GiB) or none, got ${JSON.stringify(text)}`);
  return n;
}

/** The scenario the options describe: seed, then --scenario FILE, then each flag. */
export function scenarioFrom(values: Values, parseBytes: (text: string) => number | undefined): Scenario {
  try {
    const base = values.scenario ? loadScenario(SEED_SCENARIO, values.scenario as string) : SEED_SCENARIO;
    const memory: ScenarioInput["memory"] = {};
    const limit = limitOverride(values, parseBytes);
    if (limit !== undefined) memory.limitBytes = limit;
    if (values.baseline !== undefined) memory.baselineBytes = values.baseline as number;
    if (values.footprint !== undefined) memory.footprint = values.footprint as Scenario["memory"]["footprint"];
    if (values.growth !== undefined) memory.growth = values.growth as Scenario["memory"]["growth"];
    if (values["chunk-pages"] !== undefined) memory.chunkPages = values["chunk-pages"] as number;
    const input: ScenarioInput = {
      structure: values.structure as Scenario["structure"] | undefined,
      variant: values.variant as Scenario["variant"] | undefined,
      indexCapacity: values["index-capacity"] as number | undefined,
      indexer: values.indexer as Scenario["indexer"] | undefined,
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
    if (error instanceof ScenarioError) throw new UsageError(error.message);
    throw error;
  }
}
