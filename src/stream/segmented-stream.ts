// SegmentedStream from JavaScript: a handle on a stream in the lab's linear memory.
//
// Values are V16s: two 8-byte words. From JavaScript each word is a number, stored as its f64 bit
// pattern (any number round-trips exactly); a BigUint64Array over the same bytes reads them as
// integers. Bulk calls take and return Float64Arrays of word pairs.

import {
  AllocationFailedError, UseAfterDropError, describe, requireChoice, requireInteger, requireNumber, requireOptions, requirePowerOfTwo,
} from "../errors.js";
import { INTERNAL, requireInternal } from "../internal.js";
import { requireLab, type Lab } from "../memory/lab.js";
import type { Checkable, LabPort } from "../memory/port.js";
import { SCRATCH_BYTES } from "../memory/scratch.js";
import { V16_BYTES } from "../memory/layout.js";
import { STREAM_VARIANTS, type StreamVariant } from "./variants.js";

export interface StreamOptions {
  variant?: StreamVariant;
  /** Slots per page: a power of two. Default 64, the seed's. */
  pageSlots?: number;
}
const STREAM_KEYS = ["variant", "pageSlots"] as const satisfies readonly (keyof StreamOptions)[];

export const DEFAULT_PAGE_SLOTS = 64;
/** Large enough for any page the model cares about, small enough that one page stays one request below 4 GiB. */
export const MAX_PAGE_SLOTS = 1 << 24;
const MAX_BATCH = 0x7fff_ffff;
/** Values staged per call through the lab's scratch buffer. */
const CHUNK = SCRATCH_BYTES / V16_BYTES;

/**
 * Checks a value's two words (any numbers: their f64 bit patterns are stored). One branch on the
 * hot path; the error names the word that is not a number.
 */
export function requireWords(a: unknown, b: unknown): void {
  if (typeof a !== "number" || typeof b !== "number") {
    requireNumber("a", a);
    requireNumber("b", b);
  }
}

/** A stream variant and page size from options, checked (SegmentedStream.create, OptimisedIndex.create). */
export function streamSettings(options: { variant?: unknown; pageSlots?: unknown }): { variant: StreamVariant; pageSlots: number } {
  return {
    variant: requireChoice("variant", options.variant ?? "as-written", STREAM_VARIANTS),
    pageSlots: requirePowerOfTwo("pageSlots", options.pageSlots ?? DEFAULT_PAGE_SLOTS, 1, MAX_PAGE_SLOTS),
  };
}

export class SegmentedStream implements Checkable {
  readonly variant: StreamVariant;
  readonly pageSlots: number;
  private at: number;

  /** Internal: SegmentedStream.create makes streams. */
  private constructor(token: unknown, private readonly lab: LabPort, variant: StreamVariant, pageSlots: number, address: number) {
    requireInternal(token, "SegmentedStream", "SegmentedStream.create(lab, options)");
    this.variant = variant;
    this.pageSlots = pageSlots;
    this.at = address;
    lab.track(this);
  }

  /** SegmentedStream::new. Throws AllocationFailedError if the model's allocator refuses. */
  static create(lab: Lab, options?: StreamOptions): SegmentedStream {
    requireLab("lab", lab);
    const { variant, pageSlots } = streamSettings(requireOptions("options", options, STREAM_KEYS));
    lab.reserveScratch(); // reading this stream later must not need memory (lab.ts)
    const address = lab.raw.streamNew(STREAM_VARIANTS.indexOf(variant), pageSlots) >>> 0;
    if (address === 0) throw new AllocationFailedError("SegmentedStream::new", lab.lastFailure());
    return new SegmentedStream(INTERNAL, lab, variant, pageSlots, address);
  }

  private live(): number {
    if (this.at === 0) throw new UseAfterDropError("this SegmentedStream was dropped");
    return this.at;
  }

  /** Appends one value; returns its index. */
  append(a: number, b: number): number {
    requireWords(a, b);
    const index = this.lab.raw.streamAppend(this.live(), a, b);
    if (index < 0) throw new AllocationFailedError("SegmentedStream::append", this.lab.lastFailure());
    return index;
  }

  /**
   * Appends values given as word pairs; returns the index of the first. Values go in through the
   * lab's scratch buffer in chunks of 2,048: each chunk is published as one run, but another
   * thread's appends may fall between chunks.
   */
  appendBatch(words: Float64Array): number {
    if (!(words instanceof Float64Array)) throw new TypeError(`words must be a Float64Array of word pairs, got ${describe(words)}`);
    if (words.length % 2 !== 0) throw new RangeError(`words must hold an even number of words (pairs), got ${words.length}`);
    const count = words.length / 2;
    requireInteger("batch length", count, 0, MAX_BATCH);
    const stream = this.live();
    const raw = this.lab.raw;
    let first = -1;
    for (let done = 0; done < count || first < 0; done += CHUNK) {
      const n = Math.min(CHUNK, count - done);
      this.lab.scratchWords.set(words.subarray(done * 2, (done + n) * 2));
      const at = raw.streamAppendBatch(stream, this.lab.scratch, n);
      if (at < 0) throw new AllocationFailedError("SegmentedStream::append (batch)", this.lab.lastFailure());
      if (first < 0) first = at;
    }
    return first;
  }

  /** The value at `index` as [a, b], or undefined if there is none yet. */
  get(index: number): [number, number] | undefined {
    requireInteger("index", index, 0, Number.MAX_SAFE_INTEGER);
    if (!this.lab.raw.streamGet(this.live(), index, this.lab.scratch)) return undefined;
    const words = this.lab.scratchWords;
    return [words[0], words[1]];
  }

  /** Up to `count` values from `start`, as word pairs. */
  read(start: number, count: number): Float64Array {
    requireInteger("start", start, 0, Number.MAX_SAFE_INTEGER);
    requireInteger("count", count, 0, MAX_BATCH);
    const stream = this.live();
    const raw = this.lab.raw;
    const wanted = Math.max(0, Math.min(count, raw.streamLen(stream) - start));
    const result = new Float64Array(wanted * 2);
    for (let done = 0; done < wanted; done += CHUNK) {
      const got = raw.streamRead(stream, start + done, Math.min(CHUNK, wanted - done), this.lab.scratch);
      result.set(this.lab.scratchWords.subarray(0, got * 2), done * 2);
    }
    return result;
  }

  /** The stream's address in the lab's memory, for the raw exports (lab.raw.stream*). */
  get address(): number {
    return this.live();
  }

  get length(): number {
    return this.lab.raw.streamLen(this.live());
  }

  get pageCount(): number {
    return this.lab.raw.streamPageCount(this.live());
  }

  get dropped(): boolean {
    return this.at === 0;
  }

  get description(): string {
    return `${this.variant} SegmentedStream at ${this.at}`;
  }

  /** Checks the structure's invariants, writing the CheckReport into the lab's scratch; returns its code (0: all hold). */
  checkReport(): number {
    return this.lab.raw.streamCheck(this.lab.scratch, this.live());
  }

  /**
   * Drops the stream as its variant's Drop does (which may leak, or free wrongly: see the ledger).
   * Throws AllocationFailedError if the epoch pin an epoch-deferred Drop needs was refused (where
   * the native program would abort): nothing was dropped then, and the stream stays usable.
   */
  drop(): void {
    if (!this.lab.raw.streamDrop(this.live())) throw new AllocationFailedError("SegmentedStream::drop (epoch pin)", this.lab.lastFailure());
    this.at = 0;
    this.lab.untrack(this);
  }

}
