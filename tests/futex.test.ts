// The futex waits the module imports (src/wasm/futex.ts): memory.atomic.wait's contract, and never
// an exception into the module, whatever address or thread asks.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { createMemory, futexImports } from "../src/index.js";

const WOKEN = 0, NOT_EQUAL = 1, TIMED_OUT = 2;

test("a futex wait returns at once when the word no longer holds the expected value, 32- and 64-bit", () => {
  const memory = createMemory();
  new Int32Array(memory.buffer)[16] = 7;
  new BigInt64Array(memory.buffer)[9] = -5n;
  const futex = futexImports(memory);
  assert.equal(futex.futexWait32(64, 8, -1n), NOT_EQUAL);
  assert.equal(futex.futexWait64(72, 2n ** 64n - 4n, -1n), NOT_EQUAL); // the module passes u64 bits
});

test("a futex wait with a timeout returns timed out; 2^64 - 5 as a u64 matches -5 stored", () => {
  const memory = createMemory();
  new BigInt64Array(memory.buffer)[9] = -5n;
  const futex = futexImports(memory);
  assert.equal(futex.futexWait32(64, 0, 1_000_000n), TIMED_OUT);
  assert.equal(futex.futexWait64(72, 2n ** 64n - 5n, 1_000_000n), TIMED_OUT);
});

test("a futex wait is woken by a notify from another thread", async () => {
  const memory = createMemory();
  const worker = new Worker(`
    const { workerData } = require("node:worker_threads");
    const words = new Int32Array(workerData.buffer);
    setTimeout(() => { while (Atomics.notify(words, 32, 1) === 0) {} }, 20);
  `, { eval: true, workerData: { buffer: memory.buffer } });
  assert.equal(futexImports(memory).futexWait32(128, 0, 10_000_000_000n), WOKEN);
  await new Promise((resolve) => worker.once("exit", resolve));
});

test("a futex wait the host cannot perform (a word past the memory) answers timed out, without throwing into the module", () => {
  const memory = createMemory();
  const futex = futexImports(memory);
  const past = memory.buffer.byteLength + 64;
  assert.equal(futex.futexWait32(past, 0, -1n), TIMED_OUT);
  assert.equal(futex.futexWait64(0xffff_fff8, 0n, -1n), TIMED_OUT);
});

test("after another thread grows the memory, a wait on a word in the new part sleeps there", () => {
  const memory = createMemory();
  const futex = futexImports(memory);
  const before = memory.buffer.byteLength;
  memory.grow(1);
  assert.equal(futex.futexWait32(before + 16, 1, -1n), NOT_EQUAL); // the word holds 0
  assert.equal(futex.futexWait32(before + 16, 0, 1_000_000n), TIMED_OUT);
});
