// SegmentedStream from JavaScript: round trips across pages, exact f64 words, lengths and page
// counts, use after drop, option checking, and an append refused by the footprint limit.
//
// Sizes are the x86-64 Rust layouts of ../shared/reference/rust-original.md ("Layouts on x86-64",
// restated in rust-reference.ts):
// V16 = 16 bytes; Page<V16> = 40; ArcInner<T> = 16 + size_of T; the slot array of n slots = 16n; the
// Vec<Arc<Page>> buffer's first capacity is 4 elements of 8 bytes. Heap arithmetic follows
// assembly/memory/block.ts (16-byte block header, 16-byte granules, a 16-byte tail sentinel per region).

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Lab, SegmentedStream, AllocationFailedError, UseAfterDropError, DEFAULT_PAGE_SLOTS, SCRATCH_BYTES, type LedgerSnapshot,
} from "../src/index.js";
import { V16, ARC_PAGE, VEC_FIRST, SITE as RUST_SITE } from "./rust-reference.js";

/** The four variants whose Drop behaviour this file checks (assembly/stream/variant.ts). */
const VARIANTS = ["as-written", "explicit-drop", "box-drop", "mock"] as const;
type Variant = (typeof VARIANTS)[number];

const STREAM_INLINE = 64; // segmented_stream.ts: SegmentedStream is 64 bytes (a MODEL site)
const HEADER = 16; // block.ts block header (and tail sentinel)
const WASM_PAGE = 65536;

const SITE = { ...RUST_SITE, host: "host buffer", test: "test" };

/**
 * Allocates the heap's remaining free space exactly, on the "test" site, without growing it. Pieces
 * are 256-byte blocks and one last block under 512: TLSF searches the bin a request rounds up to
 * (up to 1/16 larger, tlsf.ts searchSize), so one request for the whole free block would not be
 * served from it; blocks below 512 bytes that are multiples of 16 are searched exactly.
 */
function fillHeap(lab: Lab): number[] {
  const l = lab.ledger();
  let free = l.heap.footprintBytes - HEADER - l.all.liveBlockBytes; // minus the tail sentinel and the live blocks
  const blocks: number[] = [];
  while (free > 0) {
    const take = free >= 512 ? 256 : free;
    blocks.push(lab.alloc("test", take - HEADER));
    free -= take;
  }
  const after = lab.ledger();
  assert.equal(after.heap.footprintBytes, l.heap.footprintBytes, "filling did not grow the heap");
  assert.equal(after.heap.footprintBytes - HEADER - after.all.liveBlockBytes, 0, "the heap is exactly full");
  return blocks;
}

function siteLive(snapshot: LedgerSnapshot, name: string): number {
  const s = snapshot.sites.find((x) => x.name === name);
  assert.ok(s, `site ${name}`);
  return s.liveBytes;
}

const SPECIALS = [
  -0, 0, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE,
  -Number.MIN_VALUE, Number.EPSILON, 1 / 3, -1e-300, 2 ** 64, 0.1,
];

/** The value the test stores at index i: word a an exact non-integer, word b a special or a tag. */
function valueAt(i: number): [number, number] {
  return [i + 0.25, i % 3 === 0 ? SPECIALS[(i / 3) % SPECIALS.length] : -i];
}

function sameWord(actual: number, expected: number, where: string): void {
  if (!Object.is(actual, expected)) assert.fail(`${where}: got ${Object.is(actual, -0) ? "-0" : actual}, expected ${Object.is(expected, -0) ? "-0" : expected}`);
}

for (const pageSlots of [1, 2, 64, 1024]) {
  for (const variant of VARIANTS) {
    test(`round trip: ${variant}, pageSlots ${pageSlots}: append, appendBatch, get, read across pages`, () => {
      const lab = Lab.create();
      const stream = SegmentedStream.create(lab, { variant, pageSlots });
      assert.equal(stream.variant, variant);
      assert.equal(stream.pageSlots, pageSlots);
      assert.equal(stream.length, 0);
      assert.equal(stream.pageCount, 1, "SegmentedStream::new makes the first page");
      assert.equal(stream.get(0), undefined);

      const total = 3 * pageSlots + 5; // three full pages and part of a fourth
      const single = Math.floor(total / 2) + 1; // the first half one by one, the rest in batches
      for (let i = 0; i < single; i++) {
        const [a, b] = valueAt(i);
        assert.equal(stream.append(a, b), i, "append returns the index");
      }
      // batches of uneven sizes, crossing page boundaries
      let next = single;
      for (const size of [0, 1, pageSlots + 1, 3, total]) {
        const count = Math.min(size, total - next);
        const words = new Float64Array(2 * count);
        for (let k = 0; k < count; k++) [words[2 * k], words[2 * k + 1]] = valueAt(next + k);
        assert.equal(stream.appendBatch(words), next, "appendBatch returns the first index");
        next += count;
      }
      assert.equal(next, total);
      assert.equal(stream.length, total);
      assert.equal(stream.pageCount, Math.ceil(total / pageSlots));

      for (let i = 0; i < total; i++) {
        const got = stream.get(i);
        assert.ok(got, `get(${i})`);
        const [a, b] = valueAt(i);
        sameWord(got[0], a, `get(${i})[0]`);
        sameWord(got[1], b, `get(${i})[1]`);
      }
      assert.equal(stream.get(total), undefined, "get at length");
      assert.equal(stream.get(total + 1000), undefined, "get past length");
      assert.equal(stream.get(2 ** 40), undefined, "get far past length");

      const all = stream.read(0, total);
      assert.ok(all instanceof Float64Array);
      assert.equal(all.length, 2 * total);
      for (let i = 0; i < total; i++) {
        const [a, b] = valueAt(i);
        sameWord(all[2 * i], a, `read[${i}][0]`);
        sameWord(all[2 * i + 1], b, `read[${i}][1]`);
      }
      // a window that starts inside one page and ends inside another
      const start = Math.max(0, pageSlots - 1);
      const window = stream.read(start, pageSlots + 2);
      assert.equal(window.length, 2 * (pageSlots + 2));
      for (let k = 0; k < pageSlots + 2; k++) sameWord(window[2 * k], valueAt(start + k)[0], `window ${k}`);
      assert.equal(stream.read(total - 2, 10).length, 4, "read near the end returns what there is");
      assert.equal(stream.read(total, 10).length, 0, "read at the end returns nothing");
      assert.equal(stream.read(0, 0).length, 0);

      // Drop, and check what the variant's Drop leaves behind (see assembly/stream/variant.ts).
      const pages = stream.pageCount;
      const before = lab.ledger();
      stream.drop();
      assert.equal(stream.dropped, true);
      const after = lab.ledger();
      const perPage = ARC_PAGE + pageSlots * V16; // one ArcInner<Page> and its slot array
      const expected: Record<Variant, number> = {
        // nothing ever gives active_page's references back: every page ever active stays (all of them)
        "as-written": pages * perPage,
        "explicit-drop": 0,
        mock: 0,
        // the Box drop frees the active page's slots, then the ArcInner stays (strong 1 from the clone)
        "box-drop": (pages - 1) * perPage + ARC_PAGE,
      };
      assert.equal(after.rust.liveBytes, expected[variant], "Rust bytes retained after drop");
      assert.equal(after.all.liveBytes, expected[variant] + SCRATCH_BYTES, "and no MODEL bytes but the lab's scratch (inline stream freed)");
      assert.equal(after.invalidFrees - before.invalidFrees, variant === "box-drop" ? 1 : 0);
      assert.equal(after.doubleFrees, 0);
    });
  }
}

test("f64 words round-trip exactly, bit for bit (and NaN stays NaN)", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { pageSlots: 4 });
  const words = [...SPECIALS, NaN];
  for (let i = 0; i < words.length; i++) stream.append(words[i], words[words.length - 1 - i]);
  const bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];
  for (let i = 0; i < words.length; i++) {
    const got = stream.get(i)!;
    if (Number.isNaN(words[i])) assert.ok(Number.isNaN(got[0]));
    else assert.equal(bits(got[0]), bits(words[i]), `bits of ${words[i]}`);
    if (Number.isNaN(words[words.length - 1 - i])) assert.ok(Number.isNaN(got[1]));
    else assert.equal(bits(got[1]), bits(words[words.length - 1 - i]));
  }
  const read = stream.read(0, words.length);
  assert.equal(bits(read[0]), bits(-0), "-0 through read");
  assert.ok(Object.is(stream.get(0)![0], -0));
  assert.equal(stream.get(4)![0], 2 ** 53);
  assert.equal(stream.get(2)![0], Infinity);
});

test("read with a count far beyond the end returns what there is", () => {
  // "Up to `count` values from `start`" (segmented-stream.ts). The values exist; only the count is generous.
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab);
  for (let i = 0; i < 10; i++) stream.append(i, -i);
  const got = stream.read(0, 1_000_000_000);
  assert.equal(got.length, 20);
  assert.equal(got[18], 9);
  assert.equal(stream.read(5, 2 ** 31 - 1).length, 10);
});

test("use after drop throws UseAfterDropError from every method", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { variant: "explicit-drop" });
  stream.append(1, 2);
  assert.equal(stream.dropped, false);
  stream.drop();
  assert.equal(stream.dropped, true);
  const calls: [string, () => unknown][] = [
    ["append", () => stream.append(1, 2)],
    ["appendBatch", () => stream.appendBatch(new Float64Array([1, 2]))],
    ["get", () => stream.get(0)],
    ["read", () => stream.read(0, 1)],
    ["length", () => stream.length],
    ["pageCount", () => stream.pageCount],
    ["drop", () => stream.drop()],
  ];
  const before = lab.ledger();
  for (const [name, call] of calls) assert.throws(call, UseAfterDropError, name);
  const after = lab.ledger();
  assert.equal(after.events, before.events, "no call after drop reached the heap");
  assert.equal(after.invalidFrees + after.doubleFrees, 0, "a second drop did not free again");
  assert.equal(after.rust.liveBytes, 0);
});

test("bad options and arguments: RangeError/TypeError naming what was wrong, nothing allocated", () => {
  const lab = Lab.create();
  const before = lab.ledger();
  const options: [unknown, typeof RangeError | typeof TypeError, RegExp][] = [
    [{ variant: "nope" }, RangeError, /variant/],
    [{ variant: 1 }, TypeError, /variant/],
    [{ pageSlots: 3 }, RangeError, /pageSlots/],
    [{ pageSlots: 0 }, RangeError, /pageSlots/],
    [{ pageSlots: 1.5 }, RangeError, /pageSlots/],
    [{ pageSlots: -64 }, RangeError, /pageSlots/],
    [{ pageSlots: NaN }, RangeError, /pageSlots/],
    [{ pageSlots: 2 ** 25 }, RangeError, /pageSlots/],
    [{ pageSlots: "64" }, TypeError, /pageSlots/],
  ];
  for (const [o, kind, names] of options) {
    assert.throws(() => SegmentedStream.create(lab, o as never), (e: unknown) => e instanceof kind && names.test((e as Error).message),
      `create(${JSON.stringify(o)})`);
  }
  assert.equal(lab.ledger().events, before.events, "no bad create allocated anything");

  const stream = SegmentedStream.create(lab);
  stream.append(1, 2);
  const calls: [string, () => unknown, typeof RangeError | typeof TypeError][] = [
    ["get(-1)", () => stream.get(-1), RangeError],
    ["get(1.5)", () => stream.get(1.5), RangeError],
    ["get('0')", () => stream.get("0" as never), TypeError],
    ["read(-1, 1)", () => stream.read(-1, 1), RangeError],
    ["read(0, -1)", () => stream.read(0, -1), RangeError],
    ["read(0, 0.5)", () => stream.read(0, 0.5), RangeError],
    ["appendBatch(array)", () => stream.appendBatch([1, 2] as never), TypeError],
    ["appendBatch(odd)", () => stream.appendBatch(new Float64Array(3)), RangeError],
  ];
  for (const [name, call, kind] of calls) assert.throws(call, kind, name);
  assert.equal(stream.length, 1, "the stream is untouched");
  assert.deepEqual(stream.get(0), [1, 2]);
  stream.drop();
});

test("default options: explicit-drop (a correct Drop) with the seed's 64-slot pages", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab);
  assert.equal(stream.variant, "explicit-drop");
  assert.equal(stream.pageSlots, DEFAULT_PAGE_SLOTS);
  const l = lab.ledger();
  // SegmentedStream::new: the slot array, the ArcInner, and the Vec's first buffer (Rust sites);
  // the stream struct itself is inline natively (a MODEL site here).
  assert.equal(siteLive(l, SITE.slots), 64 * V16);
  assert.equal(siteLive(l, SITE.arc), ARC_PAGE);
  assert.equal(siteLive(l, SITE.vec), VEC_FIRST);
  assert.equal(siteLive(l, SITE.inline), STREAM_INLINE);
  assert.equal(l.rust.liveBytes, 64 * V16 + ARC_PAGE + VEC_FIRST);
  assert.equal(l.rust.requests, 3);
  stream.drop();
});

for (const variant of ["explicit-drop", "as-written", "mock"] as const) {
  test(`limit: the 65th append's page is refused; the stream stays readable and droppable (${variant})`, () => {
    const lab = Lab.create({ limitBytes: WASM_PAGE }); // one page of heap
    const stream = SegmentedStream.create(lab, { variant });
    for (let i = 0; i < DEFAULT_PAGE_SLOTS; i++) assert.equal(stream.append(i, i * 2), i);

    let l = lab.ledger();
    assert.equal(l.heap.footprintBytes, WASM_PAGE);
    const filler = fillHeap(lab);
    const before = lab.ledger();
    const fillerBytes = before.sites.find((x) => x.name === SITE.test)!.liveBytes;

    let error: unknown;
    assert.throws(() => stream.append(64, 128), (e) => { error = e; return e instanceof AllocationFailedError; });
    const failure = (error as AllocationFailedError).failure!;
    assert.ok(failure, "failure record attached");
    assert.equal(failure.reason, "limit");
    // Page::new allocates the slot array first (page.ts; the native order)
    assert.equal(failure.siteName, SITE.slots);
    assert.equal(failure.bytes, DEFAULT_PAGE_SLOTS * V16);
    assert.equal(failure.limitBytes, WASM_PAGE);
    const expectedLive: Record<string, number> = {
      [SITE.arc]: ARC_PAGE, [SITE.slots]: DEFAULT_PAGE_SLOTS * V16, [SITE.vec]: VEC_FIRST,
      [SITE.inline]: STREAM_INLINE, [SITE.test]: fillerBytes,
    };
    const hostLive = siteLive(before, SITE.host); // none unless a read staged values before the failure
    if (hostLive) expectedLive[SITE.host] = hostLive;
    assert.deepEqual(failure.liveBytesBySite, expectedLive);

    l = lab.ledger();
    assert.equal(l.all.liveBytes, before.all.liveBytes, "nothing leaked from the refused page");
    assert.equal(l.all.liveBlocks, before.all.liveBlocks);
    assert.equal(l.all.requests, before.all.requests);

    // the stream is intact (get/read on a full heap: see the next test)
    assert.equal(stream.length, DEFAULT_PAGE_SLOTS);
    assert.equal(stream.pageCount, 1);
    // a second attempt is refused the same way
    assert.throws(() => stream.append(64, 128), AllocationFailedError);
    assert.equal(stream.length, DEFAULT_PAGE_SLOTS);
    assert.equal(lab.ledger().all.liveBytes, before.all.liveBytes);

    // with room again, every appended value reads back
    for (const block of filler) lab.free(block, "test");
    assert.deepEqual(stream.get(63), [63, 126]);
    assert.equal(stream.get(64), undefined);
    const all = stream.read(0, DEFAULT_PAGE_SLOTS);
    assert.equal(all.length, 2 * DEFAULT_PAGE_SLOTS);
    for (let i = 0; i < DEFAULT_PAGE_SLOTS; i++) assert.ok(all[2 * i] === i && all[2 * i + 1] === 2 * i, `value ${i}`);

    // and the 65th append now fits (the first page's cursor ran past its end: harmless)
    assert.equal(stream.append(64, 128), 64);
    assert.equal(stream.length, 65);
    assert.equal(stream.pageCount, 2);
    assert.deepEqual(stream.get(64), [64, 128]);
    assert.deepEqual(stream.get(63), [63, 126]);

    stream.drop();
    const end = lab.ledger();
    // as-written keeps both pages that were ever active; the others give everything back
    const retained = variant === "as-written" ? 2 * (ARC_PAGE + DEFAULT_PAGE_SLOTS * V16) : 0;
    assert.equal(end.rust.liveBytes, retained);
    assert.equal(end.all.liveBytes, retained + SCRATCH_BYTES, "plus the lab's own scratch buffer");
    assert.equal(end.invalidFrees + end.doubleFrees, 0);
  });
}

test("after a refused append on a full heap, get and read still work (reading needs no new memory)", () => {
  // Reading a stream allocates nothing natively; here get/read stage values through the lab's
  // scratch buffer, which must not depend on the heap having room once the limit is reached.
  const lab = Lab.create({ limitBytes: WASM_PAGE });
  const stream = SegmentedStream.create(lab, { variant: "explicit-drop" });
  for (let i = 0; i < DEFAULT_PAGE_SLOTS; i++) stream.append(i, -i);
  const filler = fillHeap(lab);
  assert.throws(() => stream.append(64, -64), AllocationFailedError);
  assert.deepEqual(stream.get(5), [5, -5]);
  const all = stream.read(0, DEFAULT_PAGE_SLOTS);
  assert.equal(all.length, 2 * DEFAULT_PAGE_SLOTS);
  assert.equal(all[2 * 63 + 1], -63);
  for (const block of filler) lab.free(block, "test");
  stream.drop();
  assert.equal(lab.ledger().all.liveBytes, SCRATCH_BYTES);
});

test("limit hit part way through a batch: the values before the refusal are appended", () => {
  const lab = Lab.create({ limitBytes: WASM_PAGE });
  const stream = SegmentedStream.create(lab, { variant: "explicit-drop", pageSlots: 64 });
  // the batch is staged through the lab's scratch buffer, allocated with the lab: no heap needed
  const words = new Float64Array(2 * 100).map((_, k) => k);
  const filler = fillHeap(lab);
  assert.throws(() => stream.appendBatch(words), AllocationFailedError);
  assert.equal(stream.length, 64, "the first page's worth went in");
  for (const block of filler) lab.free(block, "test");
  assert.equal(stream.read(0, 64)[127], 127);
  stream.drop();
  assert.equal(lab.ledger().all.liveBytes, SCRATCH_BYTES);
});
