// Why a request failed when the limit did not refuse it: the wasm engine did. Its memory stops at
// 4 GiB (65,536 pages of 64 KiB), so either the heap could not grow by the pages the request
// needed ("engine"), or the request was larger than any block a 4 GiB memory can hold ("too-large",
// refused before asking). There is no room arithmetic against a limit here: the figures are what
// the heap held, what it asked for, and what the dropped instances kept.

import type { ScenarioRun, FailureAt } from "./run-scenario.js";
import { ENGINE_MAX_BYTES } from "../bounds.js";
import { WASM_PAGE } from "../wasm/module.js";

export interface EngineExplanation {
  refusal: "engine" | "too-large";
  footprintModel: "glibc" | "segstream";
  requestBytes: number;
  /** Growth the heap asked the engine for (0 for too-large: it never asked). */
  growthPages: number;
  growthBytes: number;
  /** Linear memory the heap held when it was refused, and the whole memory (static data and reserved region too). */
  heapBytes: number;
  memoryBytes: number;
  /** The engine's maximum memory: 4 GiB. */
  engineMaximumBytes: number;
  /** Requested bytes live at Rust-visible sites at the failure: the dropped instances' and the one being built. */
  liveRustBytes: number;
  /** The footprint limit in force (glibc or segstream), null if none: it was not what refused. */
  limitBytes: number | null;
  /** Requested (Rust-visible) bytes each dropped instance keeps. */
  perInstanceRetainedBytes: number;
  droppedInstances: number;
  retainedAtFailureBytes: number;
  /** The seed's own estimate: 522K instances x ~1.1 KB. */
  seedEstimateBytes: number;
}

function liveRustBytes(run: ScenarioRun, failure: FailureAt): number {
  const rust = new Set(run.ledger.sites.filter((site) => site.rust).map((site) => site.name));
  return Object.entries(failure.record.liveBytesBySite).reduce((sum, [site, n]) => sum + (rust.has(site) ? n : 0), 0);
}

export function explainEngine(run: ScenarioRun, failure: FailureAt, seedEstimateBytes: number): EngineExplanation {
  const record = failure.record;
  const dropped = failure.instance - 1;
  return {
    refusal: record.reason === "too-large" ? "too-large" : "engine",
    footprintModel: run.ledger.heap.footprintModel,
    requestBytes: record.bytes,
    growthPages: record.pagesWanted,
    growthBytes: record.pagesWanted * WASM_PAGE,
    heapBytes: record.footprintBytes,
    memoryBytes: failure.memoryBytes,
    engineMaximumBytes: ENGINE_MAX_BYTES,
    liveRustBytes: liveRustBytes(run, failure),
    limitBytes: run.scenario.memory.limitBytes,
    perInstanceRetainedBytes: run.retainedBytesPerInstance,
    droppedInstances: dropped,
    retainedAtFailureBytes: run.retainedBytesPerInstance * dropped,
    seedEstimateBytes,
  };
}
