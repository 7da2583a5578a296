// `native reproduce`: the seed scenario in the lab and natively under an address-space limit. The
// native side runs seed-probe's loop (setup, drop; as Criterion's PerIteration warm-up does, without
// the harness's own few allocations) under setrlimit(RLIMIT_AS, limit); the lab runs the scenario
// with the process baseline the native program measures at start (VmSize less the arena's free
// bytes), so both limits cover the same thing.

import { runScenario, type ScenarioRun } from "../scenarios/run-scenario.js";
import { applyScenario, type Scenario } from "../scenarios/scenario.js";
import { runSeedProbe, type NativeFailure, type NativeProbe } from "./seed-probe.js";
import { row, type SideBySideRow } from "./side-by-side.js";

export interface ReproduceComparison {
  scenario: Scenario;
  baselineBytes: number;
  baselineSource: "measured" | "given";
  model: ScenarioRun;
  native: { failure: NativeFailure | null; probe: NativeProbe | null; ms: number };
  rows: SideBySideRow[];
  /** |native - model| / native failure instance; null unless both failed. */
  instanceDifference: number | null;
}

/** The native baseline: what seed-probe measures before its loop, for the scenario's structure. */
export function measureBaseline(scenario: Scenario): number {
  const run = runSeedProbe({ ...nativeArgs(scenario), instances: 0, limitBytes: undefined });
  if (run.kind !== "completed") throw new Error("seed-probe failed with no instances");
  return run.probe.baselineBytes;
}

function nativeArgs(scenario: Scenario) {
  const index = scenario.structure === "OptimisedIndex";
  const common = { variant: scenario.variant, pageSlots: scenario.pageSlots, limitBytes: scenario.memory.limitBytes ?? undefined };
  if (!index) return { ...common, appends: scenario.upsertsPerIteration };
  return { ...common, indexCapacity: scenario.indexCapacity, upserts: scenario.upsertsPerIteration, indexer: scenario.indexer, indexTable: scenario.indexTable };
}

function failureInstance(run: ScenarioRun): number | null {
  return run.failure ? run.failure.instance : null;
}

export function compareReproduce(base: Scenario): ReproduceComparison {
  const given = base.memory.baselineBytes;
  const baselineBytes = given ?? measureBaseline(base);
  const scenario = applyScenario(base, { memory: { baselineBytes } });
  const model = runScenario(scenario);
  const instances = model.failure ? Math.ceil(model.failure.instance * 1.5) + 1000 : model.instancesCreated;
  const run = runSeedProbe({ ...nativeArgs(scenario), instances });
  const failure = run.kind === "failed" ? run.failure : null;
  const modelInstance = failureInstance(model);
  const record = model.failure?.record;
  const rows = [
    row("outcome", model.outcome, failure ? "allocation-failed" : "completed"),
    row("failed request (bytes)", record?.bytes ?? null, failure?.bytes ?? null),
    row("failed request site", record?.siteName ?? null, failure?.site ?? null),
    row("failure instance", modelInstance, failure?.instance ?? null),
    row("limit (bytes)", scenario.memory.limitBytes, scenario.memory.limitBytes),
    row("baseline (bytes)", baselineBytes, baselineBytes),
    row("address space at failure (bytes)", record ? record.footprintBytes + baselineBytes : null, failure?.vmSizeBytes ?? null),
    row("live bytes at failure", record ? rustLive(model, record.liveBytesBySite) : null, failure?.liveBytes ?? null),
  ];
  const instanceDifference = modelInstance !== null && failure ? Math.abs(failure.instance - modelInstance) / failure.instance : null;
  return {
    scenario, baselineBytes, baselineSource: given === undefined ? "measured" : "given", model,
    native: { failure, probe: run.kind === "completed" ? run.probe : null, ms: run.ms },
    rows, instanceDifference,
  };
}

/** Live bytes of the Rust-visible sites only (the model's own storage has no native counterpart). */
function rustLive(run: ScenarioRun, bySite: Record<string, number>): number {
  const rust = new Set(run.ledger.sites.filter((s) => s.rust).map((s) => s.name));
  return Object.entries(bySite).reduce((sum, [name, bytes]) => sum + (rust.has(name) ? bytes : 0), 0);
}
