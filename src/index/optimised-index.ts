// OptimisedIndex from JavaScript: a handle on an index in the lab's memory (assembly/index/).
//
// Keys come from values by the indexer: the first word, the second word, or a hash of both. `get`
// takes the words the indexer reads (for "first-word", just the first).

import { AllocationFailedError, UseAfterDropError, HANDLE_KEY, requireHandleKey, requireInteger, requireNumber, requireOptions, requirePowerOfTwo } from "../errors.js";
import type { Lab, Checkable } from "../memory/lab.js";
import { SCRATCH_BYTES } from "../memory/scratch.js";
import { DEFAULT_PAGE_SLOTS, MAX_PAGE_SLOTS, requireLab } from "../stream/segmented-stream.js";
import { variantId, type StreamVariant } from "../stream/variants.js";

export const INDEXERS = ["first-word", "second-word", "hash-both"] as const;
export type Indexer = (typeof INDEXERS)[number];

/** The largest capacity whose table (table.ts: 2^27 slots of 16 bytes) the model allows. */
export const MAX_CAPACITY = ((1 << 27) / 8) * 7;

export interface IndexOptions {
  indexer?: Indexer;
  /** Keys the table is sized for (table.ts: slots = next power of two of capacity x 8/7, 16 bytes each). */
  capacity?: number;
  variant?: StreamVariant;
  pageSlots?: number;
}

const V16_BYTES = 16;
const INDEX_OPTION_KEYS = ["indexer", "capacity", "variant", "pageSlots"] as const;
/** Values per indexValues call: the lab's scratch, less the word where the count comes back. */
const VALUES_CHUNK = SCRATCH_BYTES / V16_BYTES - 1;

export function indexerId(indexer: string): number {
  const id = (INDEXERS as readonly string[]).indexOf(indexer);
  if (id < 0) throw new RangeError(`unknown indexer ${JSON.stringify(indexer)}; expected one of ${INDEXERS.join(", ")}`);
  return id;
}

/** Bytes of the table new_with_indexer_and_capacity(capacity) requests. */
export function tableBytesFor(lab: Lab, capacity: number): number {
  requireLab(lab);
  return lab.raw.indexTableBytesFor(requireInteger("capacity", capacity, 0, MAX_CAPACITY));
}

export class OptimisedIndex implements Checkable {
  readonly indexer: Indexer;
  readonly variant: StreamVariant;
  private at: number;

  private constructor(key: symbol, private readonly lab: Lab, indexer: Indexer, variant: StreamVariant, address: number) {
    requireHandleKey(key, "OptimisedIndex", "OptimisedIndex.create(lab, options)");
    this.indexer = indexer;
    this.variant = variant;
    this.at = address;
    lab.track(this);
  }

  /** OptimisedIndex::new_with_indexer_and_capacity. Throws AllocationFailedError if refused. */
  static create(lab: Lab, options?: IndexOptions): OptimisedIndex {
    requireLab(lab);
    const given = requireOptions<IndexOptions>("options", options, INDEX_OPTION_KEYS);
    const indexer = given.indexer ?? "first-word";
    const variant = given.variant ?? "as-written";
    const indexerNumber = indexerId(indexer);
    const variantNumber = variantId(variant);
    const capacity = requireInteger("capacity", given.capacity ?? 0, 0, MAX_CAPACITY);
    const pageSlots = requirePowerOfTwo("pageSlots", given.pageSlots ?? DEFAULT_PAGE_SLOTS, 1, MAX_PAGE_SLOTS);
    lab.reserveScratch(); // reading this index later must not need memory (lab.ts)
    const address = lab.raw.indexNew(indexerNumber, capacity, variantNumber, pageSlots) >>> 0;
    if (address === 0) throw new AllocationFailedError("OptimisedIndex::new_with_indexer_and_capacity", lab.lastFailure());
    return new OptimisedIndex(HANDLE_KEY, lab, indexer, variant, address);
  }

  private live(): number {
    if (this.at === 0) throw new UseAfterDropError("this OptimisedIndex was dropped");
    return this.at;
  }

  /** Appends the value and maps its key to it; returns its stream position. */
  upsert(a: number, b: number): number {
    const position = this.lab.raw.indexUpsert(this.live(), requireNumber("a", a), requireNumber("b", b));
    if (position < 0) throw new AllocationFailedError("OptimisedIndex::upsert", this.lab.lastFailure());
    return position;
  }

  /** The latest value whose key the indexer derives from (a, b), or undefined. */
  get(a: number, b = 0): [number, number] | undefined {
    if (!this.lab.raw.indexGet(this.live(), requireNumber("a", a), requireNumber("b", b), this.lab.scratch)) return undefined;
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

  checkInto(out: number): number {
    return this.lab.raw.indexCheck(out, this.live());
  }

  /** Drops the stream (per its variant), then the table. See SegmentedStream.drop for the error case. */
  drop(): void {
    if (!this.lab.raw.indexDrop(this.live())) throw new AllocationFailedError("OptimisedIndex::drop (epoch pin)", this.lab.lastFailure());
    this.at = 0;
    this.lab.untrack(this);
  }

}
