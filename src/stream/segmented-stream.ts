// SegmentedStream from JavaScript: a handle on a stream in the lab's linear memory.
//
// Values are V16s: two 8-byte words. From JavaScript each word is a number, stored as its f64 bit
// pattern (any number round-trips exactly), or a BigInt, stored as the u64 it is (words.ts). Bulk
// calls take Float64Array or BigUint64Array word pairs or Uint8Array bytes, and fill such views.
//
// Appends never wait for each other and reads take no lock (assembly/stream/segmented_stream.ts):
// `length` counts the values readable without gaps, and every index below it is readable. A
// reader that wants more sleeps on the length instead of polling: `wait` (worker threads),
// `waitAsync`, and the async iterator `follow` (wait.ts).

import {
  AllocationFailedError, UseAfterDropError, describe, requireChoice, requireInteger, requireNumber, requireOptions, requirePowerOfTwo,
} from "../errors.js";
import { INTERNAL, requireInternal } from "../internal.js";
import { requireLab, type Lab } from "../memory/lab.js";
import type { Checkable, LabPort } from "../memory/port.js";
import { SCRATCH_BYTES } from "../memory/scratch.js";
import { V16_BYTES, STREAM_FIELDS } from "../memory/layout.js";
import { registerOpener, type StructureDescriptor } from "../memory/share.js";
import { STREAM_VARIANTS, type StreamVariant } from "./variants.js";
import { wordKind, asI64, valueBytes, type WordView } from "./words.js";
import { requireWait, waitForLength, waitForLengthAsync } from "./wait.js";

/** How `follow` ends: after `count` values, or when `signal` aborts (at least one of them). */
export interface FollowOptions {
  /** The index to start from (default 0). */
  from?: number;
  count?: number;
  signal?: AbortSignal;
}
const FOLLOW_KEYS = ["from", "count", "signal"] as const satisfies readonly (keyof FollowOptions)[];

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

/** The variant a library user gets unless they name one: a correct one (the seed's leaks: name "as-written" to model it). */
export const DEFAULT_VARIANT: StreamVariant = "explicit-drop";

/**
 * A stream variant and page size from options, checked (SegmentedStream.create, OptimisedIndex.create).
 * The variant defaults to DEFAULT_VARIANT, "explicit-drop"; scenarios, the probe and the CLI name
 * the seed's "as-written" explicitly.
 */
export function streamSettings(options: { variant?: unknown; pageSlots?: unknown }): { variant: StreamVariant; pageSlots: number } {
  return {
    variant: requireChoice("variant", options.variant ?? DEFAULT_VARIANT, STREAM_VARIANTS),
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

  /**
   * SegmentedStream::new. The variant defaults to "explicit-drop", whose Drop gives active_page's
   * reference back (pass `{ variant: "as-written" }` for the seed's leaking stream). Throws
   * AllocationFailedError if the model's allocator refuses.
   */
  static create(lab: Lab, options?: StreamOptions): SegmentedStream {
    return SegmentedStream.builder(lab, options)();
  }

  /**
   * `create` with its arguments checked once: a function making one stream per call (a probe's or
   * a benchmark's loop). Each call throws AllocationFailedError if refused.
   */
  static builder(lab: Lab, options?: StreamOptions): () => SegmentedStream {
    requireLab("lab", lab);
    const { variant, pageSlots } = streamSettings(requireOptions("options", options, STREAM_KEYS));
    const kind = STREAM_VARIANTS.indexOf(variant);
    return () => {
      lab.reserveScratch(); // reading this stream later must not need memory (lab.ts)
      const address = lab.raw.streamNew(kind, pageSlots) >>> 0;
      if (address === 0) throw new AllocationFailedError("SegmentedStream::new", lab.lastFailure());
      return new SegmentedStream(INTERNAL, lab, variant, pageSlots, address);
    };
  }

  private live(): number {
    if (this.at === 0) throw new UseAfterDropError("this SegmentedStream was dropped");
    return this.at;
  }

  /**
   * Appends one value, two numbers (f64 bit patterns) or two BigInts (u64 words); returns its index.
   * The value is readable once every value before it is complete (`length` passes it).
   */
  append(a: number | bigint, b: number | bigint): number {
    const index = wordKind(a, b) === "number"
      ? this.lab.raw.streamAppend(this.live(), a as number, b as number)
      : this.lab.raw.streamAppendWords(this.live(), asI64(a as bigint), asI64(b as bigint));
    if (index < 0) throw new AllocationFailedError("SegmentedStream::append", this.lab.lastFailure());
    return index;
  }

  /**
   * Appends the values of a view (Float64Array or BigUint64Array word pairs, or a Uint8Array of
   * 16-byte values); returns the index of the first. Values go in through the lab's scratch buffer
   * in chunks of 2,048: each chunk is one reservation per page, but another thread's appends may
   * fall between chunks.
   */
  appendBatch(words: WordView): number {
    const bytes = valueBytes("words", words, V16_BYTES);
    const count = bytes.byteLength / V16_BYTES;
    requireInteger("batch length", count, 0, MAX_BATCH);
    const stream = this.live();
    const raw = this.lab.raw;
    const staging = scratchBytes(this.lab);
    let first = -1;
    for (let done = 0; done < count || first < 0; done += CHUNK) {
      const n = Math.min(CHUNK, count - done);
      staging.set(bytes.subarray(done * V16_BYTES, (done + n) * V16_BYTES));
      const at = raw.streamAppendBatch(stream, this.lab.scratch, n);
      if (at < 0) throw new AllocationFailedError("SegmentedStream::append (batch)", this.lab.lastFailure());
      if (first < 0) first = at;
    }
    return first;
  }

  /** The value at `index` as [a, b] (numbers: the words' f64 readings), or undefined if there is none yet. */
  get(index: number): [number, number] | undefined {
    if (!fetchInto(this.lab, this.live(), index)) return undefined;
    const words = this.lab.scratchWords;
    return [words[0], words[1]];
  }

  /** The value at `index` as its two u64 words, or undefined if there is none yet. */
  getWords(index: number): [bigint, bigint] | undefined {
    if (!fetchInto(this.lab, this.live(), index)) return undefined;
    const words = new BigUint64Array(this.lab.memory.buffer, this.lab.scratch, 2);
    return [words[0], words[1]];
  }


  /** Up to `count` values from `start`, as word pairs. */
  read(start: number, count: number): Float64Array {
    requireInteger("start", start, 0, Number.MAX_SAFE_INTEGER);
    requireInteger("count", count, 0, MAX_BATCH);
    const wanted = Math.max(0, Math.min(count, this.lab.raw.streamLen(this.live()) - start));
    const result = new Float64Array(wanted * 2);
    this.readInto(start, result);
    return result;
  }

  /**
   * Fills `into` (a Float64Array or BigUint64Array of word pairs, or a Uint8Array of 16-byte values)
   * with the published values from `start`, as many as it holds; returns how many it got.
   */
  readInto(start: number, into: WordView): number {
    requireInteger("start", start, 0, Number.MAX_SAFE_INTEGER);
    const bytes = valueBytes("into", into, V16_BYTES);
    const stream = this.live();
    const raw = this.lab.raw;
    const staging = scratchBytes(this.lab);
    const room = bytes.byteLength / V16_BYTES;
    let done = 0;
    while (done < room) {
      const got = raw.streamRead(stream, start + done, Math.min(CHUNK, room - done), this.lab.scratch);
      if (got === 0) break;
      bytes.set(staging.subarray(0, got * V16_BYTES), done * V16_BYTES);
      done += got;
    }
    return done;
  }


  /** The values published when iteration starts, in order, as [a, b] (see get). */
  *[Symbol.iterator](): IterableIterator<[number, number]> {
    const end = this.length;
    const chunk = new Float64Array(2 * CHUNK);
    for (let at = 0; at < end;) {
      const got = this.readInto(at, chunk.subarray(0, 2 * Math.min(CHUNK, end - at)));
      for (let k = 0; k < got; k++) yield [chunk[2 * k], chunk[2 * k + 1]];
      at += got;
    }
  }

  /**
   * Blocks this worker thread until `length` values are published or `timeoutMs` passes (default:
   * no timeout); returns the length then (below `length` if it timed out). The main thread must not
   * block: there it throws, pointing to waitAsync.
   */
  wait(length: number, timeoutMs?: number): number {
    const target = requireWait(length, timeoutMs);
    return waitForLength(this.lab.memory, this.live(), target.length, target.timeoutMs);
  }

  /** Resolves once `length` values are published, or at `timeoutMs` (default: none), with the length then. */
  waitAsync(length: number, timeoutMs?: number): Promise<number> {
    const target = requireWait(length, timeoutMs);
    return waitForLengthAsync(this.lab.memory, this.live(), target.length, target.timeoutMs);
  }

  /**
   * The values from `from` (default 0) in order as they are published, sleeping on the length in
   * between (no polling). Ends after `count` values or when `signal` aborts; one of them is required.
   */
  follow(options: FollowOptions): AsyncIterableIterator<[number, number]> {
    const { from = 0, count, signal } = requireOptions("options", options, FOLLOW_KEYS, true);
    requireInteger("from", from, 0, Number.MAX_SAFE_INTEGER);
    if (count !== undefined) requireInteger("count", count, 0, Number.MAX_SAFE_INTEGER);
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`signal must be an AbortSignal, got ${describe(signal)}`);
    if (count === undefined && signal === undefined) throw new TypeError("options must give follow an end: options.count or options.signal");
    return followValues(this, this.lab.memory, from, count === undefined ? Infinity : from + count, signal);
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

  /**
   * A structured-clonable descriptor of this stream: post it to a worker and open it there with
   * `Lab.attach(descriptor)`, which gives a SegmentedStream over the same memory. Any number of
   * threads may append and read; exactly one drops it, once the others are done with it (as the
   * last owner of a Rust stream would): a handle used after another thread's drop is refused by the
   * module's address check while the block stays free, not once the address holds a new stream.
   */
  share(): StructureDescriptor<SegmentedStream> {
    return { kind: STREAM_DESCRIPTOR_KIND, lab: this.lab.share(), address: this.live() };
  }

  /** The stream at `address` in `lab` (what Lab.attach does with a stream descriptor); the module refuses an address that is not a live stream. */
  static open(lab: Lab, address: number): SegmentedStream {
    requireLab("lab", lab);
    requireInteger("address", address, 0, 0xffff_ffff);
    lab.raw.streamLen(address); // throws the module's typed refusal for anything but a live stream
    const view = new DataView(lab.memory.buffer, address);
    const variant = STREAM_VARIANTS[view.getUint32(STREAM_FIELDS.variant, true)];
    const pageSlots = 2 ** view.getUint32(STREAM_FIELDS.pageShift, true);
    lab.reserveScratch();
    return new SegmentedStream(INTERNAL, lab, variant, pageSlots, address);
  }
}

/** The kind tag of a stream descriptor. */
export const STREAM_DESCRIPTOR_KIND = "segstream.stream/1";
registerOpener(STREAM_DESCRIPTOR_KIND, SegmentedStream.open);

/** Copies value `index` into the lab's scratch; false if it is not published yet. */
function fetchInto(lab: LabPort, stream: number, index: number): boolean {
  requireInteger("index", index, 0, Number.MAX_SAFE_INTEGER);
  return lab.raw.streamGet(stream, index, lab.scratch) !== 0;
}

function scratchBytes(lab: LabPort): Uint8Array {
  return new Uint8Array(lab.memory.buffer, lab.reserveScratch(), SCRATCH_BYTES);
}

/** follow's iterator (its options checked): values [from, end) as they are published, until `signal` aborts. */
async function* followValues(stream: SegmentedStream, memory: WebAssembly.Memory, from: number, end: number, signal?: AbortSignal): AsyncIterableIterator<[number, number]> {
  for (let at = from; at < end && !signal?.aborted;) {
    let length = stream.length;
    if (length <= at) length = await waitForLengthAsync(memory, stream.address, at + 1, Infinity, signal);
    for (; at < Math.min(length, end) && !signal?.aborted; at++) yield stream.get(at)!;
  }
}
