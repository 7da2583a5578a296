// Why the request failed where it did: the arithmetic, from the run's own measurements, for a
// request the limit refused (one the wasm engine refused is explained by explain-engine.ts).
//
// Every figure here comes from the run: the failing request and the footprint at that moment from
// the ledger's failure record, the footprint each dropped instance keeps from the slope of the
// sampled series, what the request itself would take from the model's footprint function (taken
// when the run failed). Nothing
// is fitted; the check at the end (dropped x per-instance + in-flight = footprint) must close.

import type { ScenarioRun } from "./run-scenario.js";
import { SEED_INSTANCES } from "./seed.js";
import { explainEngine, type EngineExplanation } from "./explain-engine.js";

export type { EngineExplanation };

/** A refusal by the limit (LimitExplanation) or by the engine (EngineExplanation, which has `refusal`). */
export type Explanation = LimitExplanation | EngineExplanation;

export interface LimitExplanation {
  refusal?: undefined;
  footprintModel: "glibc" | "segstream";
  limitBytes: number;
  requestBytes: number;
  /** What the refused request would have added to the footprint (glibc: its mapped chunk; segstream: the growth it needed). */
  requestFootprintBytes: number;
  /** limit − requestFootprint: the footprint at which the request can no longer fit. */
  roomBytes: number;
  footprintAtFailureBytes: number;
  /** Footprint each dropped instance keeps (slope of the series). */
  perInstanceFootprintBytes: number;
  /** Requested (Rust-visible) bytes each dropped instance keeps. */
  perInstanceRetainedBytes: number;
  droppedInstances: number;
  /** Footprint of the instance being built, and of everything held before the loop. */
  inFlightBytes: number;
  /** The first instance count at which the request cannot fit: ceil((room − inFlight + 1) / perInstance). */
  predictedInstance: number;
  /** The seed's own estimate: 522K instances x ~1.1 KB. */
  seedEstimateBytes: number;
  retainedAtFailureBytes: number;
}

const SEED_BYTES_PER_INSTANCE = 1.1 * 1000;

export function explain(run: ScenarioRun): Explanation | null {
  const failure = run.failure;
  if (!failure) return null;
  if (failure.record.reason !== "limit") return explainEngine(run, failure, SEED_INSTANCES * SEED_BYTES_PER_INSTANCE);
  const record = failure.record;
  const model = run.ledger.heap.footprintModel;
  const requestFootprint = failure.requestFootprintBytes;
  const dropped = failure.instance - 1;
  const points = run.series.filter((p) => p.instance > 0 && p.instance <= dropped);
  const first = run.series[0];
  const last = points.at(-1) ?? first;
  const perInstance = last.instance > first.instance ? (last.footprintBytes - first.footprintBytes) / (last.instance - first.instance) : 0;
  const inFlight = record.footprintBytes - perInstance * dropped;
  const room = record.limitBytes - requestFootprint;
  return {
    footprintModel: model,
    limitBytes: record.limitBytes,
    requestBytes: record.bytes,
    requestFootprintBytes: requestFootprint,
    roomBytes: room,
    footprintAtFailureBytes: record.footprintBytes,
    perInstanceFootprintBytes: perInstance,
    perInstanceRetainedBytes: run.retainedBytesPerInstance,
    droppedInstances: dropped,
    inFlightBytes: inFlight,
    predictedInstance: perInstance > 0 ? Math.ceil((room - inFlight + 1) / perInstance) + 1 : Number.POSITIVE_INFINITY,
    seedEstimateBytes: SEED_INSTANCES * SEED_BYTES_PER_INSTANCE,
    retainedAtFailureBytes: run.retainedBytesPerInstance * dropped,
  };
}
