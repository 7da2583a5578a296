// segstream's public API.

export { Lab, type LabOptions, type ConfigureOptions, type AllocOptions, type CheckOptions, type FreeOutcome } from "./memory/lab.js";
export { LAB_DESCRIPTOR_KIND, type LabDescriptor } from "./memory/share.js";
export { SCRATCH_BYTES } from "./memory/scratch.js";
export type {
  LedgerSnapshot, Figures, SiteFigures, HeapFigures, LargeRequest, FailureRecord, FailureReason, BadFree, GrowthPolicy,
  FootprintModel,
} from "./memory/ledger.js";
export { Participant, Guard, type ParticipantState } from "./epoch/participant.js";
export { Epochs, type CollectorState, type QueuedBag } from "./epoch/collector.js";
export {
  OptimisedIndex, INDEXERS, TABLE_KINDS, tableBytesFor, tableControlBytesFor, type Indexer, type TableKind, type IndexOptions,
} from "./index/optimised-index.js";
export { SegmentedStream, DEFAULT_PAGE_SLOTS, type StreamOptions } from "./stream/segmented-stream.js";
export { STREAM_VARIANTS, VARIANT_SUMMARY, type StreamVariant } from "./stream/variants.js";
export { runProbe, type ProbeOptions, type ProbeResult, type ProbeSite, type DrainResult } from "./probe/probe.js";
export { PROBE_VARIANTS, type ProbeVariant } from "./instance/variants.js";
export { AllocationFailedError, InvariantError, LabClosedError, LabPoisonedError, UseAfterDropError } from "./errors.js";
export { wasmModule, createMemory } from "./wasm/module.js";
export { futexImports, type FutexImports } from "./wasm/futex.js";
