// The JSON form of a scenario run: what `reproduce --json` prints and the report embeds.

import type { ScenarioRun } from "../scenarios/run-scenario.js";
import type { Explanation } from "../scenarios/explain.js";
import { batchSizeText } from "../scenarios/scenario.js";
import { criterionMemory, type CriterionMemory } from "./criterion-memory.js";

/** The run JSON's format version: `segstream diff` compares only runs of the same one. */
export const RUN_JSON_FORMAT = "segstream-run/1";

/** One allocation site's ledger figures (Rust sites, and model-only sites with rust false). */
export interface SiteJson {
  name: string;
  rust: boolean;
  requests: number;
  requestedBytes: number;
  liveBytes: number;
  peakLiveBytes: number;
  largestRequest: number;
}

export interface RunJson {
  format: typeof RUN_JSON_FORMAT;
  scenario: string;
  outcome: ScenarioRun["outcome"];
  variant: string;
  structure: string;
  failedRequest: { bytes: number; site: string; reason: string } | null;
  /** 1-based number of the instance whose setup failed (null if none did). */
  instance: number | null;
  phase: "warm-up" | "measurement" | null;
  /** Warm-up round (from 1) or measurement sample (from 1) of the failure. */
  round: number | null;
  iterationInRound: number | null;
  limitBytes: number | null;
  footprintModel: string;
  liveBytesBySite: Record<string, number>;
  instancesCreated: number;
  retainedBytesPerInstance: number;
  tableBytes: number;
  peakLiveBytes: number;
  largestRequest: number;
  invalidFrees: number;
  batchSize: string;
  warmUpRounds: number;
  explanation: Explanation | null;
  /** Completed runs: Criterion's typical estimate (ns per iteration) and sampling mode. */
  typicalNs: number | null;
  samplingMode: string | null;
  elapsedMs: number;
  /** Runs that reached the measurement: memory per iteration, peaks by phase, setups live at once. */
  criterionMemory: CriterionMemory | null;
  /** Every site's figures at the end of the run (at the failure, for a failed one). */
  sites: SiteJson[];
}

export function reproduceJson(run: ScenarioRun, explanation: Explanation | null): RunJson {
  const f = run.failure;
  const s = run.scenario;
  return {
    format: RUN_JSON_FORMAT,
    scenario: s.name,
    outcome: run.outcome,
    variant: s.variant,
    structure: s.structure,
    failedRequest: f ? { bytes: f.record.bytes, site: f.record.siteName, reason: f.record.reason } : null,
    instance: f ? f.instance : null,
    phase: f ? f.context.phase : null,
    round: f ? (f.context.phase === "warm-up" ? f.context.round : f.context.sample) : null,
    iterationInRound: f ? f.iteration + 1 : null,
    limitBytes: s.memory.limitBytes,
    footprintModel: s.memory.footprint,
    liveBytesBySite: run.liveBytesBySite,
    instancesCreated: run.instancesCreated,
    retainedBytesPerInstance: run.retainedBytesPerInstance,
    tableBytes: run.tableBytes,
    peakLiveBytes: run.ledger.rust.peakLiveBytes,
    largestRequest: run.ledger.rust.largestRequest,
    invalidFrees: run.ledger.invalidFrees,
    batchSize: batchSizeText(s.batchSize),
    warmUpRounds: run.warmUpRounds.length,
    explanation,
    typicalNs: run.benchmark ? run.benchmark.typical.pointEstimate : null,
    samplingMode: run.benchmark ? run.benchmark.plan.mode : null,
    elapsedMs: Math.round(run.elapsedMs),
    criterionMemory: criterionMemory(run),
    sites: run.ledger.sites.map((site) => ({
      name: site.name, rust: site.rust, requests: site.requests, requestedBytes: site.requestedBytes,
      liveBytes: site.liveBytes, peakLiveBytes: site.peakLiveBytes, largestRequest: site.largestRequest,
    })),
  };
}
