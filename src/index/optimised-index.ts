// OptimisedIndex from JavaScript: a handle on an index in the lab's memory (assembly/index/).
//
// Keys come from values by the indexer: the first word, the second word, or a hash of both. `get`
// takes the words the indexer reads (for "first-word", just the first).

import { AllocationFailedError, UseAfterDropError, requireChoice, requireInteger, requireOptions } from "../errors.js";
import { INTERNAL, requireInternal } from "../internal.js";
import { requireLab, type Lab } from "../memory/lab.js";
import type { Checkable, LabPort } from "../memory/port.js";
import { SCRATCH_BYTES } from "../memory/scratch.js";
import { V16_BYTES, MAX_INDEX_CAPACITY } from "../memory/layout.js";
import { requireWords, streamSettings } from "../stream/segmented-stream.js";
import { STREAM_VARIANTS, type StreamVariant } from "../stream/variants.js";

export const INDEXERS = ["first-word", "second-word", "hash-both"] as const;
export type Indexer = (typeof INDEXERS)[number];

/** How the table's allocation is modelled (assembly/index/table.ts): a flat array, or std's HashMap. In the module's order. */
export const TABLE_KINDS = ["flat", "hashbrown"] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

/** The largest capacity whose table (table.ts: 2^27 slots of 16 bytes) the model allows. */
export const MAX_CAPACITY = MAX_INDEX_CAPACITY;

export interface IndexOptions {
  indexer?: Indexer;
  /** Keys the table is sized for (table.ts: slots = next power of two of capacity x 8/7, 16 bytes each). */
  capacity?: number;
  /** The table's allocation: "flat" (default: slots x 16 B) or "hashbrown" (std's HashMap: entries and control bytes). */
  table?: TableKind;
  variant?: StreamVariant;
  pageSlots?: number;
}
const INDEX_KEYS = ["indexer", "capacity", "table", "variant", "pageSlots"] as const satisfies readonly (keyof IndexOptions)[];

/** Values per indexValues call: the lab's scratch, less the word where the count comes back. */
const VALUES_CHUNK = SCRATCH_BYTES / V16_BYTES - 1;

type TableQuery = (raw: Lab["raw"], capacity: number, tableKind: number) => number;

function askTable(lab: Lab, capacity: number, table: TableKind, query: TableQuery): number {
  requireLab("lab", lab);
  const keys = requireInteger("capacity", capacity, 0, MAX_CAPACITY);
  return query(lab.raw, keys, TABLE_KINDS.indexOf(requireChoice("table", table, TABLE_KINDS)));
}

/** Bytes of the table new_with_indexer_and_capacity(capacity) requests, for a table of `table` (default flat). */
export function tableBytesFor(lab: Lab, capacity: number, table: TableKind = "flat"): number {
  return askTable(lab, capacity, table, (raw, keys, kind) => raw.indexTableBytesFor(keys, kind));
}

/** Control bytes in that table: hashbrown's, which every with_capacity writes (0 for flat). */
export function tableControlBytesFor(lab: Lab, capacity: number, table: TableKind = "flat"): number {
  return askTable(lab, capacity, table, (raw, keys, kind) => raw.indexTableControlBytesFor(keys, kind));
}

export class OptimisedIndex implements Checkable {
  readonly indexer: Indexer;
  readonly table: TableKind;
  readonly variant: StreamVariant;
  private at: number;

  /** Internal: OptimisedIndex.create makes indexes. */
  private constructor(token: unknown, private readonly lab: LabPort, settings: { indexer: Indexer; table: TableKind; variant: StreamVariant }, address: number) {
    requireInternal(token, "OptimisedIndex", "OptimisedIndex.create(lab, options)");
    this.indexer = settings.indexer;
    this.table = settings.table;
    this.variant = settings.variant;
    this.at = address;
    lab.track(this);
  }

  /** OptimisedIndex::new_with_indexer_and_capacity. Throws AllocationFailedError if refused. */
  static create(lab: Lab, options?: IndexOptions): OptimisedIndex {
    return OptimisedIndex.builder(lab, options)();
  }

  /**
   * `create` with its arguments checked once: a function making one index per call, as a
   * benchmark's setup does hundreds of thousands of times. Each call throws AllocationFailedError
   * if refused.
   */
  static builder(lab: Lab, options?: IndexOptions): () => OptimisedIndex {
    requireLab("lab", lab);
    const checked = requireOptions("options", options, INDEX_KEYS);
    const indexer = requireChoice("indexer", checked.indexer ?? "first-word", INDEXERS);
    const capacity = requireInteger("capacity", checked.capacity ?? 0, 0, MAX_CAPACITY);
    const table = requireChoice("table", checked.table ?? "flat", TABLE_KINDS);
    const { variant, pageSlots } = streamSettings(checked);
    const settings = { indexer, table, variant };
    const args = [INDEXERS.indexOf(indexer), capacity, STREAM_VARIANTS.indexOf(variant), pageSlots, TABLE_KINDS.indexOf(table)] as const;
    return () => {
      lab.reserveScratch(); // reading this index later must not need memory (lab.ts)
      const address = lab.raw.indexNew(...args) >>> 0;
      if (address === 0) throw new AllocationFailedError("OptimisedIndex::new_with_indexer_and_capacity", lab.lastFailure());
      return new OptimisedIndex(INTERNAL, lab, settings, address);
    };
  }

  private live(): number {
    if (this.at === 0) throw new UseAfterDropError("this OptimisedIndex was dropped");
    return this.at;
  }

  /** Appends the value and maps its key to it; returns its stream position. */
  upsert(a: number, b: number): number {
    requireWords(a, b);
    const position = this.lab.raw.indexUpsert(this.live(), a, b);
    if (position < 0) throw new AllocationFailedError("OptimisedIndex::upsert", this.lab.lastFailure());
    return position;
  }

  /** The latest value whose key the indexer derives from (a, b), or undefined. */
  get(a: number, b?: number): [number, number] | undefined {
    requireWords(a, b === undefined ? 0 : b);
    if (!this.lab.raw.indexGet(this.live(), a, b ?? 0, this.lab.scratch)) return undefined;
    const words = this.lab.scratchWords;
    return [words[0], words[1]];
  }

  /** The index's address in the lab's memory, for the raw exports (lab.raw.index*). */
  get address(): number {
    return this.live();
  }

  /** Distinct keys. */
  get size(): number {
    return this.lab.raw.indexLen(this.live());
  }

  get tableSlots(): number {
    return this.lab.raw.indexTableSlots(this.live());
  }

  /** Values appended so far (every upsert, replaced or not). */
  get streamLength(): number {
    return this.lab.raw.streamLen(this.lab.raw.indexStreamAddress(this.live()));
  }

  /** Every key's latest value, in stream order, as word pairs. */
  values(): Float64Array {
    const index = this.live();
    const raw = this.lab.raw;
    const out = this.lab.scratch;
    const written = out + VALUES_CHUNK * V16_BYTES;
    const result = new Float64Array(this.size * 2);
    let filled = 0;
    for (let from = 0, end = this.streamLength; from < end; ) {
      from = raw.indexValues(index, from, out, VALUES_CHUNK, written);
      const count = new Uint32Array(this.lab.memory.buffer, written, 1)[0];
      result.set(this.lab.scratchWords.subarray(0, count * 2), filled);
      filled += count * 2;
    }
    return result;
  }

  get dropped(): boolean {
    return this.at === 0;
  }

  get description(): string {
    return `${this.variant} OptimisedIndex at ${this.at}`;
  }

  /** Checks the structure's invariants, writing the CheckReport into the lab's scratch; returns its code (0: all hold). */
  checkReport(): number {
    return this.lab.raw.indexCheck(this.lab.scratch, this.live());
  }

  /** Drops the stream (per its variant), then the table. See SegmentedStream.drop for the error case. */
  drop(): void {
    if (!this.lab.raw.indexDrop(this.live())) throw new AllocationFailedError("OptimisedIndex::drop (epoch pin)", this.lab.lastFailure());
    this.at = 0;
    this.lab.untrack(this);
  }

}
