// Several threads over one shared memory: two worker_threads attach to one lab and allocate and
// free concurrently, or append concurrently to one stream; the main thread then checks that the
// one ledger balances exactly and that every value is in the stream once, in order.
//
// Figures: rust-original.md ("Layouts on x86-64"): ArcInner<Page<V16>> = 16 + 40 bytes, slot array
// = 16 bytes a slot. Block arithmetic: assembly/memory/block.ts (16-byte header and tail sentinel).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Lab, STREAM_VARIANTS, SCRATCH_BYTES, type StreamVariant } from "../src/index.js";
import type { AllocSummary } from "./workers/alloc-worker.js";
import type { AppendSummary } from "./workers/append-worker.js";
import type { ReadSummary } from "./workers/read-worker.js";
import { waitForLengthAsync } from "../src/stream/wait.js";
import { startWorker, allWorkers as all, type Running } from "./workers/start.js";
import { ARC_PAGE, V16, slotArray } from "./rust-reference.js";

const RESERVE = 16 << 20;
/** The largest request heap.ts serves from its bins: below 128 KiB (glibc's mmap threshold), less the header. */
const LARGEST_BINNED = (128 << 10) - 32;

/** Starts one of the workers under ./workers/ (see workers/start.ts). */
function start<T>(file: string, workerData: unknown): Running<T> {
  return startWorker<T>(file, import.meta.url, workerData);
}

test("two workers allocate and free 100,000 blocks each on one heap: the ledger is exact", { timeout: 60_000 }, async () => {
  const lab = Lab.create();
  const perWorker = 100_000;
  const barrier = new SharedArrayBuffer(4);
  const running = [1, 2].map((id) => start<AllocSummary>("./workers/alloc-worker.js", {
    memory: lab.memory, module: lab.module, id, count: perWorker, seed: 0x9e3779b9 * id, barrier, parties: 2,
  }));
  const summaries = await all(running);

  for (const s of summaries) {
    assert.equal(s.allocs, perWorker, `worker ${s.id} allocations`);
    assert.equal(s.frees, perWorker, `worker ${s.id} frees`);
    assert.equal(s.tagMismatches, 0, `worker ${s.id}: no block was handed to two owners or overwritten`);
    assert.equal(s.badFreeOutcomes, 0, `worker ${s.id}: every free was "freed"`);
    assert.equal(s.misaligned, 0);
    assert.equal(s.oddBlocks, 0, `worker ${s.id}: every block is the request plus header, rounded (and at most one spare granule)`);
    assert.ok(s.aligned128 > 0 && s.largest > 65536, "the mix had aligned and page-sized requests");
  }
  const l = lab.ledger();
  const t = l.sites.find((s) => s.name === "test")!;
  assert.equal(t.requests, 2 * perWorker);
  assert.equal(t.frees, 2 * perWorker);
  assert.equal(t.liveBytes, 0);
  assert.equal(t.liveBlocks, 0);
  assert.equal(t.liveBlockBytes, 0);
  assert.equal(t.failedRequests, 0);
  assert.equal(t.requestedBytes, summaries.reduce((a, s) => a + s.requestedBytes, 0), "requested bytes, summed by the workers");
  assert.equal(t.blockBytes, summaries.reduce((a, s) => a + s.blockBytes, 0), "block bytes: the sum of the heap's own per-block sizes");
  assert.equal(t.largestRequest, Math.max(...summaries.map((s) => s.largest)));
  assert.equal(l.all.requests, 2 * perWorker, "no other site was used");
  assert.equal(l.all.liveBytes, 0);
  assert.equal(l.invalidFrees, 0);
  assert.equal(l.doubleFrees, 0);
  assert.equal(l.failureCount, 0);
  assert.equal(l.heap.regions, 1, "the heap is the only user of memory.grow: one contiguous region");

  // Everything was freed, so the free blocks must have coalesced: the largest request the bins
  // serve (just under 128 KiB; larger ones get a region of their own, heap.ts) needs no growth.
  const footprint = l.heap.footprintBytes;
  const address = lab.alloc("test", LARGEST_BINNED);
  assert.equal(lab.ledger().heap.footprintBytes, footprint, "served from the coalesced free memory");
  assert.equal(lab.free(address, "test"), "freed");
  // and a final small alloc/free on the main thread still works
  const small = lab.alloc("test", 24);
  assert.equal(lab.free(small, "test"), "freed");
  const end = lab.ledger().sites.find((s) => s.name === "test")!;
  assert.equal(end.liveBytes, 0);
  assert.equal(end.requests, 2 * perWorker + 2);
});

const appendCases: { variant: StreamVariant & ("as-written" | "explicit-drop" | "mock"); pageSlots: number; modes: ("single" | "batch")[] }[] = [
  { variant: "explicit-drop", pageSlots: 64, modes: ["single", "single"] },
  { variant: "as-written", pageSlots: 64, modes: ["batch", "single"] },
  { variant: "mock", pageSlots: 64, modes: ["single", "batch"] },
  { variant: "explicit-drop", pageSlots: 1, modes: ["single", "single"] }, // a rollover on every append
];

for (const { variant, pageSlots, modes } of appendCases) {
  test(`two workers append 50,000 values each to one ${variant} stream (pageSlots ${pageSlots}; ${modes.join(" + ")})`, { timeout: 60_000 }, async () => {
    // Reserve the heap before the workers start (LabOptions.reserveBytes): 16 MiB covers every page
    // either case makes (1563 pages of 1,120 bytes, or 100,000 pages of 112 bytes). Growth during a
    // run (the Vec's buffer past 128 KiB takes a region of its own) is safe: see the test below.
    const lab = Lab.create({ reserveBytes: RESERVE });
    const perWorker = 50_000;
    // SegmentedStream has no way to wrap an existing address, so the stream is made and read
    // through the raw exports here as well.
    const variantId = STREAM_VARIANTS.indexOf(variant);
    assert.ok(variantId >= 0);
    const stream = lab.raw.streamNew(variantId, pageSlots) >>> 0;
    assert.notEqual(stream, 0);
    const barrier = new SharedArrayBuffer(4);
    const running = modes.map((mode, id) => start<AppendSummary>("./workers/append-worker.js", {
      memory: lab.memory, module: lab.module, stream, id, count: perWorker, mode, seed: 12345 + id, barrier, parties: 2,
    }));
    const summaries = await all(running);
    for (const s of summaries) {
      assert.equal(s.failures, 0, `worker ${s.id}: no append refused`);
      assert.equal(s.appended, perWorker);
      assert.equal(s.outOfOrder, 0, `worker ${s.id}: its indices only grew`);
    }

    const total = 2 * perWorker;
    assert.equal(lab.raw.streamLen(stream), total);
    assert.equal(lab.raw.streamPageCount(stream), Math.ceil(total / pageSlots));
    const out = lab.alloc("test", total * V16);
    assert.equal(lab.raw.streamRead(stream, 0, total, out), total);
    const words = new Float64Array(lab.memory.buffer, out, 2 * total).slice();
    // Every value once, and each worker's values in the order it appended them: with no gaps, the
    // next value of worker w must be (w, next[w]).
    const next = [0, 0];
    for (let j = 0; j < total; j++) {
      const w = words[2 * j];
      const i = words[2 * j + 1];
      if (w !== 0 && w !== 1) assert.fail(`index ${j}: unknown tag ${w}`);
      if (i !== next[w]) assert.fail(`index ${j}: worker ${w}'s value ${i}, expected ${next[w]} (duplicate, gap or out of order)`);
      next[w]++;
    }
    assert.deepEqual(next, [perWorker, perWorker]);
    // reading past the end gives nothing
    assert.equal(lab.raw.streamRead(stream, total, 10, out), 0);
    assert.equal(lab.raw.streamGet(stream, total, out), 0);
    lab.free(out, "test");

    // the stream's storage is accounted for exactly: drop it and see what its variant keeps
    const pages = Math.ceil(total / pageSlots);
    lab.raw.streamDrop(stream);
    const l = lab.ledger();
    const retained = variant === "as-written" ? pages * (ARC_PAGE + slotArray(pageSlots)) : 0;
    assert.equal(l.rust.liveBytes, retained);
    assert.equal(l.all.liveBytes, retained, "the workers closed their labs: no scratch buffer is left");
    assert.equal(l.invalidFrees + l.doubleFrees, 0);
  });
}

for (const { variant, pageSlots } of [{ variant: "explicit-drop", pageSlots: 64 }, { variant: "mock", pageSlots: 16 }] as const) {
  test(`four writers and a lock-free reader on one ${variant} stream (pageSlots ${pageSlots}): every index below len is readable and right`, { timeout: 120_000 }, async () => {
    const lab = Lab.create({ reserveBytes: RESERVE });
    const writers = 4;
    const perWriter = 50_000;
    const total = writers * perWriter;
    const stream = lab.raw.streamNew(STREAM_VARIANTS.indexOf(variant), pageSlots) >>> 0;
    assert.notEqual(stream, 0);
    const barrier = new SharedArrayBuffer(4);
    const parties = writers + 1;
    const appenders = [0, 1, 2, 3].map((id) => start<AppendSummary>("./workers/append-worker.js", {
      memory: lab.memory, module: lab.module, stream, id, count: perWriter, mode: id % 2 ? "batch" : "single", seed: 777 + id, barrier, parties,
    }));
    const reader = start<ReadSummary>("./workers/read-worker.js", {
      memory: lab.memory, module: lab.module, stream, id: writers, total, writers, perWriter, seed: 4242, barrier, parties,
    });
    // the main thread sleeps on the length too (waitAsync: it must not block)
    const reached = await waitForLengthAsync(lab.memory, stream, total, 100_000);
    const [readSummary, ...appendSummaries] = await all<ReadSummary | AppendSummary>([reader, ...appenders]) as [ReadSummary, ...AppendSummary[]];
    assert.equal(reached, total, "waitAsync resolved with the whole length");
    for (const s of appendSummaries) {
      assert.equal(s.failures, 0, `writer ${s.id}: no append refused`);
      assert.equal(s.appended, perWriter);
      assert.equal(s.outOfOrder, 0, `writer ${s.id}: its indices only grew`);
    }
    assert.equal(readSummary.timeouts, 0, "the reader was woken every time it slept");
    assert.equal(readSummary.unreadable, 0, "every index below len was readable");
    assert.equal(readSummary.mismatches, 0, "each writer's values in order, once, with no gap");
    assert.equal(readSummary.badGets, 0, `of ${readSummary.gets} random gets below len`);
    assert.equal(readSummary.read, total);
    assert.equal(lab.raw.streamLen(stream), total);
    assert.equal(lab.raw.streamCheck(lab.reserveScratch(), stream), 0, "the stream's invariants hold (counts, directory)");
    assert.equal(lab.raw.streamDrop(stream), 1);
    const l = lab.ledger();
    const mainScratch = l.sites.find((x) => x.name === "host buffer")!.liveBytes; // this thread's, for streamCheck
    assert.equal(mainScratch, SCRATCH_BYTES);
    assert.equal(l.all.liveBytes - mainScratch, 0, "pages, Vec, directory and the workers' scratch all freed");
    assert.equal(l.invalidFrees + l.doubleFrees, 0);
  });
}

test("appending threads may use pages in memory another thread has just grown (V8 with explicit bounds checks)", { timeout: 60_000 }, async () => {
  // An appender that rolls the stream over may grow the shared memory for the new page and publish
  // it in active_page; the other appender loads that pointer and uses the page at once, with no
  // lock in between. V8 learns of a growth by another thread at an interrupt check, so an access
  // it bounds-checks explicitly (always, under --wasm-enforce-bounds-checks, as on platforms
  // without the trap handler or when guard regions cannot be reserved; some access kinds in any
  // case) can trap on memory that is really there. The run is in a child process because V8 flags
  // are process-wide. See workers/grow-race.ts.
  const script = fileURLToPath(new URL("./workers/grow-race.js", import.meta.url));
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    execFile(process.execPath, ["--wasm-enforce-bounds-checks", script], { timeout: 50_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
  assert.equal(result.code, 0, `grow-race: ${result.stderr.trim().split("\n").slice(0, 3).join(" | ")}`);
  assert.match(result.stdout, /^ok \d+ rounds, the heap grown \d+ times/m);
});

test("a worker that throws fails the run, and the worker waiting for it is stopped", { timeout: 30_000 }, async () => {
  const lab = Lab.create();
  const barrier = new SharedArrayBuffer(4);
  const good = start<AllocSummary>("./workers/alloc-worker.js", {
    memory: lab.memory, module: lab.module, id: 1, count: 10, seed: 1, barrier, parties: 2,
  });
  // A shared memory smaller than the module's declared initial size: instantiation in the worker throws.
  const tooSmall = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const bad = start<AllocSummary>("./workers/alloc-worker.js", {
    memory: tooSmall, module: lab.module, id: 2, count: 10, seed: 2, barrier, parties: 2,
  });
  const started = Date.now();
  // (the worker's LinkError reaches this thread as a plain Error with its message)
  await assert.rejects(all([good, bad]), /memory import .* smaller than initial/);
  assert.ok(Date.now() - started < 10_000, "the waiting worker was terminated, not left to time out");
});

/** Pins, flushes and releases until the collector has nothing pending (every bag expires within two steps). */
function drainEpoch(lab: Lab): void {
  const drainer = lab.epoch.participant();
  for (let round = 0; round < 64 && lab.epoch.state().pendingUserDeferred > 0; round++) {
    const guard = drainer.pin();
    guard.flush();
    guard.release();
  }
}

test("a worker's participant ends with its lab: what it deferred reaches the queue and runs, once", { timeout: 30_000 }, async () => {
  const lab = Lab.create();
  const counter = lab.alloc("test", 8, { zeroed: true });
  const count = 156; // two bags and a part: 64 + 64 pushed as they fill, 28 left in the bag at exit
  const [summary] = await all([start<import("./workers/epoch-worker.js").EpochSummary>("./workers/epoch-worker.js", {
    memory: lab.memory, module: lab.module, counter, count, foreign: 0,
  })]);
  assert.equal(summary.deferred, count);
  assert.equal(summary.bagAtClose, count % 64, "part of a bag was still the participant's own at exit");
  drainEpoch(lab);
  assert.equal(new BigUint64Array(lab.memory.buffer, counter, 1)[0], BigInt(count), "every deferred increment ran exactly once");
  assert.equal(lab.epoch.state().pendingUserDeferred, 0);
  lab.check();
});

test("a participant is driven only by the thread that registered it", { timeout: 30_000 }, async () => {
  const lab = Lab.create();
  const counter = lab.alloc("test", 8, { zeroed: true });
  const mine = lab.epoch.participant();
  mine.pin().release(); // registers it, owned by this thread
  const local = (mine as unknown as { local: number }).local;
  const [summary] = await all([start<import("./workers/epoch-worker.js").EpochSummary>("./workers/epoch-worker.js", {
    memory: lab.memory, module: lab.module, counter, count: 1, foreign: local,
  })]);
  assert.notEqual(summary.foreignError, "", "pinning another thread's participant was refused");
  if (summary.foreignError !== "RangeError") assert.equal(summary.foreignCode, 4, "refused as another thread's (abi/error.ts ABI_NOT_THIS_THREAD)");
  assert.equal(mine.state().guards, 0, "and left it unpinned");
  const guard = mine.pin();
  guard.release();
  lab.check();
});
