// segstream's public API.

export { Lab, type LabOptions, type FreeOutcome } from "./memory/lab.js";
export type {
  LedgerSnapshot, Figures, SiteFigures, HeapFigures, LargeRequest, FailureRecord, FailureReason, BadFree, GrowthPolicy,
} from "./memory/ledger.js";
export { SegmentedStream, DEFAULT_PAGE_SLOTS, type StreamOptions } from "./stream/segmented-stream.js";
export { STREAM_VARIANTS, VARIANT_SUMMARY, type StreamVariant } from "./stream/variants.js";
export { runProbe, type ProbeOptions, type ProbeResult, type ProbeSite } from "./probe/probe.js";
export { AllocationFailedError, UseAfterDropError } from "./errors.js";
export { wasmModule, createMemory } from "./wasm/module.js";
