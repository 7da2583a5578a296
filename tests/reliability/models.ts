// Plain-JavaScript models of what a test put into the lab's structures, and the comparison of each
// structure with its model. Every operation goes through the model's method, which calls the
// structure and records the values only once the structure has taken them.
//
// The rule for a refused call (issue 7: a refused allocation never loses work or corrupts a
// structure):
//   append, upsert, store, create   nothing went in: the structure is as it was before the call.
//   appendBatch                     a prefix went in: the values up to the page whose rollover was
//                                   refused, every earlier page full. The stream's length says how
//                                   many (the error does not); the prefix is exactly the batch's
//                                   first values and ends on a page boundary. A retry appends the
//                                   rest (BatchAppend below keeps the cursor).
//   drop                            refused: nothing dropped, the structure live and whole (drop it again).

import assert from "node:assert/strict";
import { AllocationFailedError, type Lab, type SegmentedStream, type OptimisedIndex } from "../../src/index.js";

export type Value = [number, number];

/** Compares word pairs with Object.is, naming the first index that differs. */
export function assertValues(actual: Float64Array, expected: readonly Value[], what: string): void {
  assert.equal(actual.length, expected.length * 2, `${what}: ${actual.length / 2} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = expected[i];
    if (!Object.is(actual[2 * i], a) || !Object.is(actual[2 * i + 1], b)) {
      assert.fail(`${what}: value ${i} is (${actual[2 * i]}, ${actual[2 * i + 1]}), expected (${a}, ${b})`);
    }
  }
}

function wordsOf(values: readonly Value[]): Float64Array {
  const words = new Float64Array(values.length * 2);
  values.forEach(([a, b], i) => {
    words[2 * i] = a;
    words[2 * i + 1] = b;
  });
  return words;
}

export class StreamModel {
  readonly values: Value[] = [];

  constructor(readonly handle: SegmentedStream, readonly label: string) {}

  append(value: Value): void {
    const before = this.handle.length;
    try {
      assert.equal(this.handle.append(value[0], value[1]), this.values.length, `${this.label}: append's index`);
    } catch (error) {
      if (error instanceof AllocationFailedError) assert.equal(this.handle.length, before, `${this.label}: a refused append added nothing`);
      throw error;
    }
    this.values.push(value);
  }

  /** The stream against the model: length, every value by read, and a few by get. */
  verify(context: string): void {
    const what = `${context}, ${this.label}`;
    const length = this.handle.length;
    assert.equal(length, this.values.length, `${what}: length`);
    assertValues(this.handle.read(0, length), this.values, `${what}: read`);
    for (const i of [0, length >> 1, length - 1]) {
      if (i < 0) continue;
      assert.deepEqual(this.handle.get(i), this.values[i], `${what}: get(${i})`);
    }
    assert.equal(this.handle.get(length), undefined, `${what}: nothing past the end`);
  }
}

/** One appendBatch call that may be refused part way and retried for the rest. */
export class BatchAppend {
  private done = 0;

  constructor(private readonly stream: StreamModel, private readonly batch: readonly Value[]) {}

  /** Appends what is left of the batch; on a refusal, checks the prefix rule, records it and rethrows. */
  run(): void {
    const { handle, values, label } = this.stream;
    const rest = this.batch.slice(this.done);
    const before = handle.length;
    try {
      const first = handle.appendBatch(wordsOf(rest));
      assert.equal(first, before, `${label}: appendBatch's first index`);
    } catch (error) {
      if (!(error instanceof AllocationFailedError)) throw error;
      const went = handle.length - before;
      assert.ok(went >= 0 && went < rest.length, `${label}: a refused batch of ${rest.length} put in ${went}`);
      assert.equal(handle.length % handle.pageSlots, 0, `${label}: a refused batch stops at a page boundary (length ${handle.length}, ${handle.pageSlots} slots a page)`);
      assertValues(handle.read(before, went), rest.slice(0, went), `${label}: the prefix a refused batch put in`);
      values.push(...rest.slice(0, went));
      this.done += went;
      throw error;
    }
    values.push(...rest);
    this.done = this.batch.length;
  }
}

/** An OptimisedIndex with the first-word indexer: the key is the value's first word. */
export class IndexModel {
  /** Every upsert the index took, in order: its stream's contents. */
  readonly upserts: Value[] = [];

  constructor(readonly handle: OptimisedIndex, readonly label: string) {
    assert.equal(handle.indexer, "first-word", "IndexModel keys by the first word");
  }

  upsert(value: Value): void {
    const position = this.handle.upsert(value[0], value[1]);
    assert.equal(position, this.upserts.length, `${this.label}: upsert's position`);
    this.upserts.push(value);
  }

  /** Each key's latest value, in stream order. */
  latest(): Value[] {
    const last = new Map<number, number>();
    this.upserts.forEach(([a], i) => last.set(a, i));
    return this.upserts.filter(([a], i) => last.get(a) === i);
  }

  verify(context: string): void {
    const what = `${context}, ${this.label}`;
    const latest = this.latest();
    assert.equal(this.handle.streamLength, this.upserts.length, `${what}: values in its stream (every upsert taken, none refused)`);
    assert.equal(this.handle.size, latest.length, `${what}: keys`);
    assertValues(this.handle.values(), latest, `${what}: values()`);
    for (const value of latest) assert.deepEqual(this.handle.get(value[0]), value, `${what}: get(${value[0]})`);
    assert.equal(this.handle.get(-1), undefined, `${what}: an absent key`);
  }
}

/** A standalone ArcSwap<Page> (lab.raw.arcSwapPage*), and the page number it should hold. */
export class SwapModel {
  pageNo = 0;
  /** References load_full handed out and not yet given back (page data pointers). */
  readonly loaded: number[] = [];

  constructor(private readonly lab: Lab, readonly address: number, readonly slots: number, readonly label: string) {}

  /** ArcSwap::from(Arc::new(Page::new(slots, 0))). */
  static create(lab: Lab, slots: number, label: string): SwapModel {
    const address = lab.raw.arcSwapPageNew(slots) >>> 0;
    if (address === 0) throw new AllocationFailedError("ArcSwap::new", lab.lastFailure());
    return new SwapModel(lab, address, slots, label);
  }

  store(pageNo: number): void {
    if (!this.lab.raw.arcSwapPageStore(this.address, this.slots, pageNo)) {
      throw new AllocationFailedError("ArcSwap::store", this.lab.lastFailure());
    }
    this.pageNo = pageNo;
  }

  loadFull(): void {
    const data = this.lab.raw.arcSwapPageLoadFull(this.address) >>> 0;
    assert.notEqual(data, 0, `${this.label}: load_full gives a page`);
    this.loaded.push(data);
  }

  releaseLoaded(): void {
    for (const data of this.loaded.splice(0)) this.lab.raw.pageRelease(data);
  }

  /** The current page is the one last stored, held by the swap and each outstanding load_full. */
  verify(context: string): void {
    const data = this.lab.raw.arcSwapPageLoadFull(this.address) >>> 0;
    const pageNo = new Uint32Array(this.lab.memory.buffer, data + 12, 1)[0]; // page.ts: page_no at 12
    const current = this.loaded.filter((d) => d === data).length;
    assert.equal(pageNo, this.pageNo, `${context}, ${this.label}: page_no of the current page`);
    assert.equal(this.lab.raw.arcStrongCount(data), 2 + current, `${context}, ${this.label}: strong count (the swap, this load, ${current} held)`);
    this.lab.raw.pageRelease(data);
  }

  drop(): void {
    this.releaseLoaded();
    this.lab.raw.arcSwapPageDrop(this.address);
  }
}
