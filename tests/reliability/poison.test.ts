// A trap poisons the lab (issue 7): a call that faults inside the module leaves shared memory in an
// unknown state, so the boundary (src/memory/poison.ts) marks the lab poisoned in shared memory and
// every later call, on that Lab object, on another attached to the same memory (this thread or a
// worker), throws LabPoisonedError without entering the module; a lab over another memory is
// unaffected. The trap is a genuine one: a wild write through lab.bytes() points a live stream's
// active_page past the end of memory, and the next append faults inside the module. The boundary's
// other cases: a refused argument (the module refuses it, assembly/abi/validate.ts), and a loader
// abort or an unconvertible argument, driven through an instance whose exports behave so by hand.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { Lab, LabPoisonedError, OptimisedIndex, SegmentedStream, createMemory } from "../../src/index.js";
import { guardExports } from "../../src/memory/poison.js";
import { instantiate, type Instance, type RawExports } from "../../src/wasm/module.js";

/** SegmentedStream field offset (README, memory layouts): active_page. */
const ACTIVE_PAGE = 32;

/** A lab with a stream whose active_page a wild write has pointed past the end of memory. */
function corrupted(): { lab: Lab; stream: SegmentedStream } {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { variant: "explicit-drop" });
  stream.append(1, 2);
  new DataView(lab.memory.buffer).setUint32(stream.address + ACTIVE_PAGE, 0xffff_fff0, true);
  return { lab, stream };
}

function poisonedError(what: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof LabPoisonedError, `${what}: expected LabPoisonedError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.match(e.message, /poisoned/, what);
    return true;
  };
}

/** The poisoned flag as the module keeps it (assembly/memory/lab_state.ts), read through an unguarded instance. */
function flagOf(memory: WebAssembly.Memory): number {
  const bare = instantiate(memory).raw;
  return Atomics.load(new Int32Array(memory.buffer, bare.labStateAddress(), 1), 0);
}

function startWorker(lab: Lab): Promise<{ worker: Worker; answer: Promise<{ name: string; message: string; poisoned: boolean }> }> {
  const worker = new Worker(new URL("./poison-worker.js", import.meta.url), { workerData: { memory: lab.memory, module: lab.module } });
  const answer = new Promise<{ name: string; message: string; poisoned: boolean }>((resolve, reject) => {
    worker.on("error", reject);
    worker.on("message", (m) => { if (m !== "ready") resolve(m); });
  });
  return new Promise((resolve, reject) => {
    worker.once("message", (m) => (m === "ready" ? resolve({ worker, answer }) : reject(new Error(`worker said ${JSON.stringify(m)}`))));
    worker.once("error", reject);
  });
}

test("a trap poisons the lab: every later call on it, on a second Lab over its memory and in a worker throws LabPoisonedError", { timeout: 60_000 }, async () => {
  const { lab, stream } = corrupted();
  const second = Lab.attach(lab.memory, lab.module);
  const { worker, answer } = await startWorker(lab);
  const unrelated = Lab.create();
  assert.equal(flagOf(lab.memory), 0, "not poisoned before the trap");

  let trap: unknown;
  assert.throws(() => stream.append(3, 4), (e) => { trap = e; return poisonedError("the trapping call")(e); });
  const error = trap as LabPoisonedError;
  assert.equal(error.call, "streamAppend", "the error names the call that trapped");
  assert.match(error.message, /^streamAppend trapped/);
  assert.ok(error.cause instanceof WebAssembly.RuntimeError || /^abort: /.test((error.cause as Error)?.message),
    `the original error is the cause: ${String(error.cause)}`);
  assert.equal(flagOf(lab.memory), 1, "the flag is set in shared memory");
  assert.equal(lab.poisoned, true);
  assert.equal(second.poisoned, true);

  // Nothing enters the module once poisoned: not one byte of the memory changes.
  const before = lab.bytes().slice();
  const calls: [string, () => unknown][] = [
    ["stream.get", () => stream.get(0)],
    ["stream.append", () => stream.append(5, 6)],
    ["stream.length", () => stream.length],
    ["lab.alloc", () => lab.alloc("test", 8)],
    ["lab.ledger", () => lab.ledger()],
    ["lab.check", () => lab.check()],
    ["lab.epoch.state", () => lab.epoch.state()],
    ["lab.epoch.current().pin", () => lab.epoch.current().pin()],
    ["lab.raw.streamLen", () => lab.raw.streamLen(stream.address)],
    ["SegmentedStream.create(second)", () => SegmentedStream.create(second)],
    ["OptimisedIndex.create(second)", () => OptimisedIndex.create(second)],
    ["second.alloc", () => second.alloc("test", 8)],
    ["second.ledger", () => second.ledger()],
    ["Lab.attach after the trap", () => Lab.attach(lab.memory, lab.module)],
  ];
  for (const [what, call] of calls) assert.throws(call, poisonedError(what), what);
  assert.ok(Buffer.compare(before, lab.bytes().subarray(0, before.length)) === 0, "the memory is exactly as the trap left it");
  assert.match((() => { try { second.alloc("test", 8); } catch (e) { return (e as Error).message; } return ""; })(),
    /another Lab object or thread/, "a second Lab says the trap was elsewhere");

  worker.postMessage("go");
  const answered = await answer;
  await worker.terminate();
  assert.equal(answered.name, "LabPoisonedError", `the worker's call: ${answered.name}: ${answered.message}`);
  assert.equal(answered.poisoned, true);

  const fresh = SegmentedStream.create(unrelated, { variant: "explicit-drop" });
  assert.deepEqual(fresh.get(fresh.append(7, 8)), [7, 8], "a lab over another memory still works");
  unrelated.check();
  assert.equal(unrelated.poisoned, false);
});

/** An instance whose exports follow assembly/abi/error.ts by hand: `trap` decides what streamAppend throws. */
function stubInstance(memory: WebAssembly.Memory, trap: (stream: number) => never): { instance: Instance; calls: () => number } {
  const real = instantiate(memory).raw;
  let code = 0;
  let value = 0;
  let calls = 0;
  const names = ["ok", "is not a live SegmentedStream of this lab"];
  const raw = {
    memory,
    labStateAddress: () => real.labStateAddress(),
    abiError: () => { const c = code; code = 0; return c; },
    abiErrorValue: () => value,
    abiErrorName: (c: number) => c,
    streamAppend: (stream: number, _a: number, _b: number) => {
      calls++;
      if (stream === 12345) { code = 1; value = stream; }
      return trap(stream);
    },
  };
  return { instance: { raw: raw as unknown as RawExports, getString: (p) => names[p] }, calls: () => calls };
}

const unreachable = (): never => { throw new WebAssembly.RuntimeError("unreachable"); };

test("a refused argument is a RangeError naming export, argument, value and what it is not; the lab is not poisoned", () => {
  const memory = createMemory();
  const { instance } = stubInstance(memory, unreachable);
  const guarded = guardExports(instance, memory);
  assert.throws(() => guarded.raw.streamAppend(12345, 1, 2), (e: unknown) => {
    assert.ok(e instanceof RangeError, `got ${(e as Error)?.name}`);
    assert.equal(e.message, "streamAppend: stream is not a live SegmentedStream of this lab (got 12345)");
    assert.ok(e.cause instanceof WebAssembly.RuntimeError, "the trap is the cause");
    return true;
  });
  assert.equal(guarded.poisoned(), false, "a refusal does not poison");
  assert.throws(() => guarded.raw.streamAppend(64, 1, 2), poisonedError("a trap with no code recorded"));
  assert.equal(guarded.poisoned(), true);
});

test("a loader abort (an AssemblyScript assert in the debug build) poisons; an unconvertible argument does not", () => {
  const memory = createMemory();
  const abort = (): never => { throw new Error("abort: assertion failed at assembly/memory/heap.ts:1:1"); };
  const stub = stubInstance(memory, abort);
  const guarded = guardExports(stub.instance, memory);
  assert.throws(() => guarded.raw.streamAppend(64, 1, 2), (e: unknown) =>
    poisonedError("abort")(e) && (e as Error).cause instanceof Error && /^abort: /.test(((e as Error).cause as Error).message));
  assert.throws(() => guarded.raw.streamAppend(64, 1, 2), poisonedError("the next call"));
  assert.equal(stub.calls(), 1, "the next call did not reach the export");

  // A BigInt cannot become a wasm number: JavaScript refuses it before the module runs.
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab);
  assert.throws(() => lab.raw.streamAppend(stream.address, 10n as never, 1), (e: unknown) =>
    e instanceof TypeError && /^streamAppend: a must be a number, got the bigint 10n$/.test(e.message));
  assert.equal(lab.poisoned, false);
  assert.equal(stream.append(1, 2), 0, "the lab works on");
});

test("a trap inside the heap's critical section poisons; a thread that then waits on the lock it left held stops instead of hanging", () => {
  const lab = Lab.create();
  const site = lab.site("test");
  lab.raw.heapInjectTrap(); // the next allocation traps while it holds the heap lock
  assert.throws(() => lab.alloc("test", 8), poisonedError("the trapping allocation"));
  assert.throws(() => lab.alloc("test", 8), poisonedError("the next allocation, refused before the module"));
  // A caller below the boundary (an instance of its own, as another thread would have) finds the
  // lock held for ever: its bounded sleep wakes, sees the lab poisoned, and traps (sync/mutex.ts).
  const bare = instantiate(lab.memory).raw;
  const started = Date.now();
  assert.throws(() => bare.heapAlloc(site, 8, 16, 0), (e: unknown) => e instanceof WebAssembly.RuntimeError);
  assert.ok(Date.now() - started < 5_000, "it stopped within the sleep's bound, not never");
  assert.equal(flagOf(lab.memory), 1);
});
