// SegmentedStream's JavaScript API beyond round trips (stream.test.ts): the default variant, values
// as BigInt words, batches from and to typed-array views, bad input, waiting on the length, and
// iteration. The sync wait is for worker threads (workers.test.ts runs it in a reader worker).

import { test } from "node:test";
import assert from "node:assert/strict";
import { Lab, SegmentedStream } from "../src/index.js";

const U64_MAX = (1n << 64n) - 1n;

test("the default variant is explicit-drop: a dropped stream keeps nothing", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab);
  assert.equal(stream.variant, "explicit-drop");
  for (let i = 0; i < 100; i++) stream.append(i, i);
  stream.drop();
  assert.equal(lab.ledger().rust.liveBytes, 0);
  assert.equal(SegmentedStream.create(lab, { variant: "as-written" }).variant, "as-written", "the seed's stream, when named");
});

test("BigInt words are stored exactly (above 2^53 too) and read back by getWords, readInto and as bytes", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { pageSlots: 4 });
  const values: [bigint, bigint][] = [[0n, 1n], [2n ** 53n + 1n, U64_MAX], [U64_MAX - 1n, 2n ** 63n], [12345678901234567890n, 42n], [7n, 8n]];
  values.forEach(([a, b], i) => assert.equal(stream.append(a, b), i));
  values.forEach(([a, b], i) => assert.deepEqual(stream.getWords(i), [a, b], `value ${i}`));
  assert.equal(stream.getWords(values.length), undefined);
  const words = new BigUint64Array(2 * values.length + 2);
  assert.equal(stream.readInto(0, words), values.length, "as many as are published");
  assert.deepEqual([...words.subarray(0, 2 * values.length)], values.flat());
  const bytes = new Uint8Array(32);
  assert.equal(stream.readInto(1, bytes), 2);
  assert.deepEqual(new BigUint64Array(bytes.buffer), new BigUint64Array(values.slice(1, 3).flat()));
  // a number's word is its f64 bit pattern: the same bytes either way
  stream.append(1.5, -0);
  const f = new Float64Array(2);
  assert.equal(stream.readInto(5, f), 1);
  assert.ok(Object.is(f[0], 1.5) && Object.is(f[1], -0));
  assert.deepEqual(stream.getWords(5), [0x3ff8000000000000n, 0x8000000000000000n]);
  assert.equal(lab.check(), undefined);
  stream.drop();
});

test("appendBatch takes BigUint64Array pairs, Float64Array pairs and Uint8Array values, across pages", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { pageSlots: 8 });
  const n = 20;
  const big = new BigUint64Array(2 * n).map((_, k) => BigInt(k) * 0x1_0000_0001n + (1n << 60n));
  assert.equal(stream.appendBatch(big), 0);
  const bytes = new Uint8Array(big.buffer.slice(0));
  assert.equal(stream.appendBatch(bytes), n);
  assert.equal(stream.appendBatch(new Float64Array([1, 2, 3, 4])), 2 * n);
  assert.equal(stream.appendBatch(new Uint8Array(0)), 2 * n + 2, "an empty batch returns the length");
  assert.equal(stream.length, 2 * n + 2);
  const back = new BigUint64Array(4 * n);
  assert.equal(stream.readInto(0, back), 2 * n);
  assert.deepEqual(back.subarray(0, 2 * n), big);
  assert.deepEqual(back.subarray(2 * n), big, "the byte batch is the same values");
  assert.deepEqual([...stream.read(2 * n, 5)], [1, 2, 3, 4]);
  // a view into the middle of a larger buffer: only its own bytes
  const offset = new BigUint64Array(new ArrayBuffer(64), 16, 2);
  offset.set([5n, 6n]);
  assert.equal(stream.appendBatch(offset), 2 * n + 2);
  assert.deepEqual(stream.getWords(2 * n + 2), [5n, 6n]);
  stream.drop();
});

test("bad values and views: TypeError/RangeError naming the argument, the stream untouched", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab);
  stream.append(1, 2);
  const calls: [string, () => unknown, typeof RangeError | typeof TypeError, RegExp][] = [
    ["append(1)", () => (stream.append as (a: unknown) => number)(1), TypeError, /\bb\b/],
    ["append()", () => (stream.append as () => number)(), TypeError, /\ba\b/],
    ["append(1, 2n)", () => stream.append(1, 2n), TypeError, /\bb must be a number like a/],
    ["append('1', 2)", () => stream.append("1" as never, 2), TypeError, /\ba\b/],
    ["append(-1n, 0n)", () => stream.append(-1n, 0n), RangeError, /\ba\b.*u64/],
    ["append(0n, 2^64)", () => stream.append(0n, 1n << 64n), RangeError, /\bb\b.*u64/],
    ["appendBatch([1, 2])", () => stream.appendBatch([1, 2] as never), TypeError, /words/],
    ["appendBatch(Uint32Array)", () => stream.appendBatch(new Uint32Array(4) as never), TypeError, /words/],
    ["appendBatch(odd BigUint64Array)", () => stream.appendBatch(new BigUint64Array(3)), RangeError, /words/],
    ["appendBatch(17 bytes)", () => stream.appendBatch(new Uint8Array(17)), RangeError, /16 bytes/],
    ["readInto(0, [])", () => stream.readInto(0, [] as never), TypeError, /into/],
    ["readInto(-1, view)", () => stream.readInto(-1, new Float64Array(2)), RangeError, /start/],
    ["readInto(0, 3 words)", () => stream.readInto(0, new Float64Array(3)), RangeError, /into/],
    ["getWords(1.5)", () => stream.getWords(1.5), RangeError, /index/],
    ["wait(-1)", () => stream.wait(-1), RangeError, /length/],
    ["waitAsync(1, -5)", () => stream.waitAsync(1, -5), RangeError, /timeoutMs/],
    ["waitAsync(1, '5')", () => stream.waitAsync(1, "5" as never), TypeError, /timeoutMs/],
  ];
  for (const [name, call, kind, message] of calls) {
    assert.throws(call, (e: unknown) => e instanceof kind && message.test((e as Error).message), name);
  }
  assert.equal(stream.length, 1);
  assert.deepEqual(stream.get(0), [1, 2]);
  stream.drop();
});

test("wait on the main thread throws, pointing to waitAsync; a length already reached returns at once", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab);
  assert.throws(() => stream.wait(1, 10), /waitAsync/);
  stream.append(1, 1);
  assert.throws(() => stream.wait(1, 10), /waitAsync/, "whatever the length: a thread that may block is a worker");
  stream.drop();
});

test("waitAsync resolves when an append reaches the length, and with the length short of it at the timeout", async () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { pageSlots: 2 });
  assert.equal(await stream.waitAsync(0), 0, "already there");
  const waiting = stream.waitAsync(3, 60_000);
  setTimeout(() => { for (let i = 0; i < 3; i++) stream.append(i, i); }, 5);
  assert.equal(await waiting, 3, "woken by the append that made the length 3 (a notify: the timeout is a minute)");
  assert.equal(await stream.waitAsync(10, 20), 3, "timed out: the length then");
  const waiters = new Int32Array(lab.memory.buffer, stream.address + 4, 1); // segmented_stream.ts: waiters at 4
  assert.equal(Atomics.load(waiters, 0), 0, "every waiter deregistered");
  stream.drop();
});

test("for...of gives the values published when it starts, in order", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { pageSlots: 4 });
  for (let i = 0; i < 3000; i++) stream.append(i, -i);
  const seen: [number, number][] = [];
  for (const v of stream) {
    if (seen.length === 0) stream.append(-1, -1); // appended during iteration: not included
    seen.push(v);
  }
  assert.equal(seen.length, 3000);
  assert.ok(seen.every(([a, b], i) => a === i && b === -i));
  stream.drop();
});

test("follow() yields values as they are published, sleeping in between; ends at its count or its signal", async () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { pageSlots: 4 });
  stream.append(0, 0);
  const timer = setInterval(() => stream.append(stream.length, 0), 2);
  const got: number[] = [];
  for await (const [a] of stream.follow({ count: 10 })) got.push(a);
  clearInterval(timer);
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  const controller = new AbortController();
  const tail: number[] = [];
  setTimeout(() => stream.append(100, 0), 5);
  setTimeout(() => controller.abort(), 30);
  for await (const [a] of stream.follow({ from: stream.length, signal: controller.signal })) tail.push(a);
  assert.deepEqual(tail, [100], "the one value appended before the abort");

  assert.throws(() => stream.follow({}), /count or options.signal/, "checked when called, not at the first next()");
  assert.throws(() => stream.follow({ count: 1, signal: 5 as never }), /signal/);
  assert.throws(() => stream.follow({ count: 1, nope: 1 } as never), /unknown key "nope"/);
  stream.drop();
});

test("builder: options checked once; each call makes a stream as create does; a refused call leaves it usable", () => {
  const lab = Lab.create();
  const options: { variant: "as-written" | "explicit-drop"; pageSlots: number } = { variant: "as-written", pageSlots: 4 };
  const build = SegmentedStream.builder(lab, options);
  options.variant = "explicit-drop";
  const a = build();
  assert.deepEqual([a.variant, a.pageSlots], ["as-written", 4], "what was checked, not what changed after");
  lab.injectFailure(1);
  assert.throws(build, (e: Error) => e.name === "AllocationFailedError");
  const b = build();
  for (let i = 0; i < 9; i++) b.append(i, i);
  assert.equal(b.length, 9);
  a.drop();
  b.drop();
  lab.check();
  assert.throws(() => SegmentedStream.builder(lab, { pageSlots: 3 }), RangeError);
});
