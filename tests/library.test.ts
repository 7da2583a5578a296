// The library a JS developer picks up: a lab posted to a worker as a descriptor (lab.share(),
// structured-cloned by a real Worker) and opened there with Lab.attach(descriptor); forged
// descriptors are typed errors that touch nothing; missing required arguments are typed errors.

import { test } from "node:test";
import assert from "node:assert/strict";
import { AllocationFailedError, Lab, LAB_DESCRIPTOR_KIND, SegmentedStream } from "../src/index.js";
import { startWorker } from "./workers/start.js";
import type { ShareResult } from "./workers/share-worker.js";

function liveTestBlocks(lab: Lab): number {
  return lab.ledger().sites.find((s) => s.name === "test")!.liveBlocks;
}

test("lab.share() survives a structured clone into a worker: Lab.attach(descriptor) opens the same memory", { timeout: 30_000 }, async () => {
  const lab = Lab.create();
  const descriptor = lab.share();
  assert.equal(descriptor.kind, LAB_DESCRIPTOR_KIND);
  const before = liveTestBlocks(lab);
  const result = await startWorker<ShareResult>("./workers/share-worker.js", import.meta.url, { lab: descriptor, tag: 0x5e65_7a11 }).done;
  assert.equal(liveTestBlocks(lab), before + 1, "the worker's block is in this lab's ledger");
  assert.equal(new Uint32Array(lab.memory.buffer, result.address, 1)[0], result.tag, "the worker wrote into the shared memory");
  assert.equal(lab.free(result.address, "test"), "freed");
  assert.equal(liveTestBlocks(lab), before);
});

test("Lab.attach(descriptor) in the same thread, and Lab.attach(memory, module) still works", () => {
  const lab = Lab.create();
  const other = Lab.attach(lab.share());
  const address = other.alloc("test", 32);
  assert.equal(lab.free(address, "test"), "freed", "one heap behind both");
  assert.ok(Lab.attach(lab.memory, lab.module) instanceof Lab);
});

test("forged lab descriptors are TypeErrors naming the field; nothing is allocated", () => {
  const lab = Lab.create();
  const good = lab.share();
  const calls = lab.allocationCalls;
  const forged: [unknown, RegExp][] = [
    [{ ...good, kind: "segstream.index/1" }, /descriptor\.kind/],
    [{ ...good, kind: undefined }, /descriptor\.kind/],
    [{ kind: good.kind, module: good.module }, /descriptor\.memory/],
    [{ kind: good.kind, memory: good.memory }, /descriptor\.module/],
    [{ ...good, memory: new WebAssembly.Memory({ initial: 1 }) }, /descriptor\.memory must be a shared/],
    [{ ...good, module: {} }, /descriptor\.module/],
    [{ ...good, address: 16 }, /unknown field\(s\) address/],
  ];
  for (const [descriptor, message] of forged) {
    assert.throws(() => Lab.attach(descriptor as never), (e: unknown) => e instanceof TypeError && message.test(e.message), String(message));
  }
  assert.throws(() => Lab.attach(good as never, good.module), TypeError, "a descriptor takes no second argument");
  assert.throws(() => Lab.attach(undefined as never), TypeError);
  assert.equal(lab.allocationCalls, calls, "no allocation was made by any refused attach");
});

test("missing required arguments are typed errors and the lab stays usable", () => {
  const lab = Lab.create();
  assert.throws(() => (lab.alloc as (...a: unknown[]) => number)(), TypeError, "alloc() without a site");
  assert.throws(() => (lab.alloc as (...a: unknown[]) => number)("test"), TypeError, "alloc(site) without bytes");
  assert.throws(() => (lab.free as (...a: unknown[]) => unknown)(), TypeError, "free() without an address");
  assert.throws(() => lab.alloc("test", 8, { algin: 16 } as never), RangeError, "unknown option key (RangeError, as requireOptions reports it)");
  assert.throws(() => Lab.create({ varient: 1 } as never), RangeError, "unknown option key in create");
  const address = lab.alloc("test", 8);
  assert.equal(lab.free(address, "test"), "freed");
});

test("stream.share(): Lab.attach(descriptor) opens the same stream over a newly attached lab, its variant and page size read from the module", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { variant: "mock", pageSlots: 16 });
  stream.append(1n, 2n);
  const opened = Lab.attach(stream.share());
  assert.ok(opened instanceof SegmentedStream);
  assert.equal(opened.variant, "mock");
  assert.equal(opened.pageSlots, 16);
  assert.deepEqual(opened.getWords(0), [1n, 2n]);
  opened.append(3n, 4n);
  assert.equal(stream.length, 2, "one stream behind both handles");
  assert.deepEqual(structuredClone(stream.share()).address, stream.address, "the descriptor survives a structured clone");
  stream.drop();
  assert.equal(lab.ledger().rust.liveBytes, 0);
});

test("forged stream descriptors are typed errors; nothing is written and the lab stays usable", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab);
  const good = stream.share();
  const block = lab.alloc("test", 64);
  const dropped = SegmentedStream.create(lab);
  const stale = dropped.share();
  dropped.drop();
  const calls = lab.allocationCalls;
  const forged: [unknown, RegExp][] = [
    [{ ...good, extra: 1 }, /unknown field\(s\) extra/],
    [{ ...good, address: 1.5 }, /descriptor\.address must be a whole number/],
    [{ ...good, address: -8 }, /descriptor\.address must be a whole number/],
    [{ ...good, address: "16" }, /descriptor\.address must be a whole number/],
    [{ ...good, lab: { ...good.lab, kind: "x" } }, /descriptor\.lab\.kind/],
    [{ kind: good.kind, address: good.address }, /descriptor\.lab/],
  ];
  for (const [descriptor, message] of forged) assert.throws(() => Lab.attach(descriptor as typeof good), (e: unknown) => e instanceof TypeError && message.test((e as Error).message));
  for (const address of [block, stale.address, good.address + 16]) {
    assert.throws(() => Lab.attach({ ...good, address }), /not a stream|stream/i, `address ${address}`);
  }
  assert.equal(lab.allocationCalls, calls, "nothing was allocated");
  stream.append(5, 6);
  assert.equal(stream.length, 1);
  stream.drop();
  lab.free(block, "test");
});

/** Pins and flushes `participant` enough times that the collector advances past every earlier pin and frees what it can. */
function collectAll(participant: ReturnType<Lab["epoch"]["participant"]>): void {
  for (let i = 0; i < 300; i++) {
    const g = participant.pin();
    g.flush();
    g.release();
  }
}

test("guard.deferFree: a lab.alloc block stays live while a participant pinned before can see it, and a later collect frees it", () => {
  const lab = Lab.create();
  const before = liveTestBlocks(lab);
  const block = lab.alloc("test", 48);
  const owner = lab.epoch.participant();
  const other = lab.epoch.participant();
  const stalled = other.pin();
  const guard = owner.pin();
  guard.deferFree(block);
  guard.flush();
  guard.release();
  collectAll(owner);
  assert.equal(liveTestBlocks(lab), before + 1, "a participant pinned since before the defer holds the block");
  stalled.release();
  collectAll(owner);
  assert.equal(liveTestBlocks(lab), before, "freed once nobody pinned could see it");
  assert.equal(lab.ledger().doubleFrees + lab.ledger().invalidFrees, 0);
});

test("guard.deferFree refuses what is not the start of a live lab.alloc block; nothing is deferred", () => {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab);
  const block = lab.alloc("test", 64);
  const freed = lab.alloc("test", 64);
  lab.free(freed, "test");
  const guard = lab.epoch.participant().pin();
  const pending = lab.epoch.state().pendingDeferred;
  for (const address of [block + 16, freed, stream.address, 0]) {
    assert.throws(() => guard.deferFree(address), (e: unknown) => e instanceof RangeError && /lab\.alloc/.test((e as Error).message), `address ${address}`);
  }
  for (const bad of ["8", undefined]) assert.throws(() => guard.deferFree(bad as unknown as number), TypeError);
  for (const bad of [-1, 1.5, 2 ** 32]) assert.throws(() => guard.deferFree(bad), RangeError);
  assert.equal(lab.epoch.state().pendingDeferred, pending, "nothing deferred");
  guard.deferFree(block);
  assert.equal(lab.epoch.state().pendingDeferred, pending + 1);
  guard.release();
});

test("guard.deferFree refused where the bag needs memory: AllocationFailedError, that block not deferred and still the caller's; the rest freed once", () => {
  const lab = Lab.create();
  const before = liveTestBlocks(lab);
  const blocks = Array.from({ length: 200 }, () => lab.alloc("test", 32));
  const participant = lab.epoch.participant();
  const guard = participant.pin();
  lab.injectFailure(1); // the next allocation, whenever a defer needs one (a full bag going to the queue)
  let refused = -1;
  for (let i = 0; i < blocks.length && refused < 0; i++) {
    try {
      guard.deferFree(blocks[i]);
    } catch (error) {
      assert.ok(error instanceof AllocationFailedError, String(error));
      refused = i;
    }
  }
  assert.ok(refused > 0, "a defer needed memory within 200 blocks");
  lab.injectFailure(0);
  assert.equal(lab.free(blocks[refused], "test"), "freed", "the refused block is still live and the caller's");
  for (const block of blocks.slice(refused + 1)) guard.deferFree(block);
  guard.release();
  collectAll(participant);
  assert.equal(liveTestBlocks(lab), before, "every deferred block freed");
  assert.equal(lab.ledger().doubleFrees + lab.ledger().invalidFrees, 0, "each exactly once");
  lab.check({ deep: true });
});

test("guard.deferFree of one block twice (the caller's error): the second free is caught and recorded, nothing else changes", () => {
  const lab = Lab.create();
  const before = liveTestBlocks(lab);
  const block = lab.alloc("test", 32);
  const participant = lab.epoch.participant();
  const guard = participant.pin();
  guard.deferFree(block);
  guard.deferFree(block);
  guard.release();
  collectAll(participant);
  assert.equal(liveTestBlocks(lab), before);
  assert.equal(lab.ledger().doubleFrees, 1, "the second release is a recorded double free");
  lab.check({ deep: true });
});
