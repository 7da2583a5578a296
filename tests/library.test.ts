// The library a JS developer picks up: a lab posted to a worker as a descriptor (lab.share(),
// structured-cloned by a real Worker) and opened there with Lab.attach(descriptor); forged
// descriptors are typed errors that touch nothing; missing required arguments are typed errors.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Lab, LAB_DESCRIPTOR_KIND } from "../src/index.js";
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
    [{ ...good, kind: "segstream.stream/1" }, /descriptor\.kind/],
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
