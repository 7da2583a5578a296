// What a handle on a structure in the lab's memory needs of its lab, and no more: the module's
// exports (behind the lab's boundary), the memory, the staging buffer, the last failure record, and
// registration for lab.check(). Streams, indexes, participants, guards and the collector's view
// hold a LabPort, so they depend on this leaf and never on Lab itself (lab.ts imports them).

import type { RawExports } from "../wasm/raw-exports.js";
import type { FailureRecord } from "./ledger.js";

/** A structure a lab can check: a live stream or index handle made through it. */
export interface Checkable {
  /** Runs the structure's invariant check, writing a CheckReport into the lab's scratch; returns its code. */
  checkReport(): number;
  readonly description: string;
}

import type { LabDescriptor } from "./share.js";

export interface LabPort {
  readonly raw: RawExports;
  readonly memory: WebAssembly.Memory;
  /** The staging buffer's address; a handle reserves it (reserveScratch) when it is made. */
  readonly scratch: number;
  /** The staging buffer as words. */
  readonly scratchWords: Float64Array;
  /** Allocates the staging buffer if it is not there yet; its address (AllocationFailedError if refused). */
  reserveScratch(): number;
  lastFailure(): FailureRecord | undefined;
  track(structure: Checkable): void;
  untrack(structure: Checkable): void;
  /** The lab's descriptor, for a structure's own (share.ts). */
  share(): LabDescriptor;
}
