// The heap's thread caches (assembly/memory/thread_cache.ts), tested from one thread: a second lab
// attached to the same memory opens the caches as a worker would, so every case is deterministic.
// What must hold: one lab alone is exactly the locked path (same addresses); with caches the
// ledger's counts, bytes and live figures are the ones one lab would show; a cached block is not
// live to frees and address checks; closing a lab, a limit or an armed injection gives every cached
// block back at once; and real workers leave nothing cached behind.

import { test } from "node:test";
import assert from "node:assert/strict";
import { AllocationFailedError, Lab, OptimisedIndex, SegmentedStream } from "../src/index.js";
import type { LedgerSnapshot } from "../src/memory/ledger.js";
import { startWorker } from "./workers/start.js";
import type { AllocSummary } from "./workers/alloc-worker.js";
import { prng } from "./prng.js";

/** A fixed mix of alloc and free calls on the test site (sizes 1..1,500 B); returns the addresses handed out. */
function churn(lab: Lab, steps: number, seed = 11): number[] {
  const next = prng(seed);
  const live: number[] = [];
  const handed: number[] = [];
  for (let i = 0; i < steps; i++) {
    if (live.length > 0 && next() < 0.45) {
      const [address] = live.splice(Math.floor(next() * live.length), 1);
      assert.equal(lab.free(address, "test"), "freed");
    } else {
      const address = lab.alloc("test", 1 + Math.floor(next() * 1500));
      live.push(address);
      handed.push(address);
    }
  }
  return handed;
}

/**
 * The figures that are exact whoever served the requests. (Peaks and event numbers move at folds;
 * block bytes are this allocator's own rounding, which depends on which free block a request met.)
 */
function counts(ledger: LedgerSnapshot) {
  const pick = (f: LedgerSnapshot["all"]) => [f.requests, f.requestedBytes, f.liveBytes, f.liveBlocks, f.frees, f.largestRequest];
  return { all: pick(ledger.all), test: pick(ledger.sites.find((s) => s.name === "test")!), glibc: ledger.heap.glibcFootprintBytes };
}

function pair(): [Lab, Lab] {
  const lab = Lab.create();
  return [lab, Lab.attach(lab.share())];
}

test("one lab alone never caches: a lab that was attached and closed again leaves the same addresses as one that never was", () => {
  const alone = Lab.create();
  const expected = churn(alone, 3000);
  const [lab, other] = pair();
  other.close();
  assert.deepEqual(churn(lab, 3000), expected, "the same requests give the same addresses");
  assert.equal(lab.raw.heapCachedBytes(), 0);
  assert.deepEqual(counts(lab.ledger()), counts(alone.ledger()));
});

test("two labs on one memory: frees are cached, and the ledger counts exactly what one lab would", () => {
  const alone = Lab.create();
  churn(alone, 5000);
  const [lab] = pair();
  churn(lab, 5000);
  assert.ok(lab.raw.heapCachedBytes() > 0, "some freed blocks wait in the thread cache");
  assert.deepEqual(counts(lab.ledger()), counts(alone.ledger()), "requests, bytes, live figures, frees and the glibc footprint agree");
  lab.check({ deep: true });
});

test("a cached block is not live: freeing it again is a recorded double free, an address inside it is invalid, and it is nobody's to free", () => {
  const [lab] = pair();
  const keep = lab.alloc("test", 64); // keeps the freed block from merging away when the cache gives it back
  const address = lab.alloc("test", 100);
  const block = lab.raw.heapBlockSize(address);
  assert.equal(lab.free(address, "test"), "freed");
  assert.ok(lab.raw.heapCachedBytes() > 0);
  const before = counts(lab.ledger());
  assert.equal(lab.free(address, "test"), "double");
  assert.equal(lab.free(address + 16, "test"), "invalid");
  const after = lab.ledger();
  assert.equal(after.doubleFrees, 1);
  assert.equal(after.invalidFrees, 1);
  assert.deepEqual(counts(after), before, "a bad free changes no figure");
  assert.equal(lab.raw.heapBlockSize(address), 0, "heapBlockSize: no live block there");
  assert.equal(lab.alloc("test", block - 16), address, "the next request of that block size is served from the cache, LIFO");
  lab.free(keep, "test");
  lab.check({ deep: true });
});

test("a zeroed request served from the cache is zero, whatever the block held", () => {
  const [lab] = pair();
  const address = lab.alloc("test", 256);
  new Uint8Array(lab.memory.buffer, address, 256).fill(0xa5);
  lab.free(address, "test");
  const again = lab.alloc("test", 256, { zeroed: true });
  assert.equal(again, address);
  assert.ok(new Uint8Array(lab.memory.buffer, again, 256).every((b) => b === 0));
});

test("closing the second lab, setting a limit, or arming an injection gives every cached block back at once", () => {
  for (const close of [
    (_lab: Lab, other: Lab) => other.close(),
    (lab: Lab) => lab.configure({ limitBytes: 1 << 30 }),
    (lab: Lab) => lab.injectFailure(1000),
  ]) {
    const [lab, other] = pair();
    churn(lab, 2000);
    const before = counts(lab.ledger());
    assert.ok(lab.raw.heapCachedBytes() > 0);
    close(lab, other);
    assert.equal(lab.raw.heapCachedBytes(), 0, "nothing stays cached");
    assert.deepEqual(counts(lab.ledger()), before, "and the ledger did not move");
    lab.check({ deep: true });
  }
});

test("with the caches open, an injected refusal still hits exactly the n-th allocation; afterwards caching resumes", () => {
  const [lab] = pair();
  churn(lab, 500);
  const calls = lab.allocationCalls;
  lab.injectFailure(3);
  lab.alloc("test", 40);
  lab.alloc("test", 40);
  assert.throws(() => lab.alloc("test", 40), (e: unknown) => e instanceof AllocationFailedError && e.failure?.reason === "injected");
  assert.equal(lab.allocationCalls, calls + 3, "every call counted, cached or not");
  assert.equal(lab.injectionArmed, false);
  lab.free(lab.alloc("test", 40), "test");
  assert.ok(lab.raw.heapCachedBytes() > 0, "the gate opened again once the injection fired");
  lab.check({ deep: true });
});

test("two workers allocating and freeing through their caches leave nothing cached once they close, and the heap checks whole", { timeout: 60_000 }, async () => {
  const lab = Lab.create();
  const barrier = new SharedArrayBuffer(4);
  const perWorker = 20_000;
  const summaries = await Promise.all([1, 2].map((id) => startWorker<AllocSummary>("./workers/alloc-worker.js", import.meta.url, {
    memory: lab.memory, module: lab.module, id, count: perWorker, seed: 0x51ed * id, barrier, parties: 2,
  }).done));
  for (const s of summaries) assert.equal(s.tagMismatches + s.badFreeOutcomes, 0, `worker ${s.id}: no block handed to two owners`);
  assert.equal(lab.raw.heapCachedBytes(), 0);
  const test = lab.ledger().sites.find((s) => s.name === "test")!;
  assert.deepEqual([test.requests, test.frees, test.liveBytes], [2 * perWorker, 2 * perWorker, 0]);
  lab.check({ deep: true });
});

test("a structure freed into a thread cache is no structure to the raw exports: a stale address is refused, nothing is written", () => {
  const [lab, other] = pair();
  const stream = SegmentedStream.create(lab, { variant: "explicit-drop" });
  stream.append(1, 2);
  const staleStream = stream.address;
  stream.drop();
  const index = OptimisedIndex.create(lab, { capacity: 16, variant: "explicit-drop" });
  const staleIndex = index.address;
  index.drop();
  assert.ok(lab.raw.heapCachedBytes() > 0, "the dropped blocks sit in this thread's cache");
  const cached = lab.raw.heapCachedBytes();
  const scratch = lab.reserveScratch();
  assert.throws(() => lab.raw.streamAppend(staleStream, 3, 4), /streamAppend: stream/);
  assert.throws(() => lab.raw.streamGet(staleStream, 0, scratch), /streamGet: stream/);
  assert.throws(() => lab.raw.indexUpsert(staleIndex, 3, 4), /indexUpsert: index/);
  assert.throws(() => SegmentedStream.open(lab, staleStream), RangeError);
  assert.equal(lab.raw.heapCachedBytes(), cached, "the cached blocks untouched");
  lab.check();
  other.close();
  lab.check();
  assert.equal(lab.ledger().rust.liveBytes, 0);
});
