// One worker of the concurrency benchmark: joins the run's lab (or the peer's buffers), waits at the
// start barrier, does its job, and posts when it finished (absolute ms, so the main thread can time
// the parallel window from the barrier's release to the last finish) and what it checked.
//
// Jobs: writers append (id, i) for i < count, one per call or in batches; readers get random
// published indices and read runs until every writer is done, checking each value is (writer, i)
// with writer < writers and i < count; churn creates a stream, appends 4 values and drops it; alloc
// keeps a working set of 64 blocks of mixed sizes, freeing and allocating one per step; counter
// adds 1 to one shared word with Atomics.add, count times: the floor of any design whose writers
// claim slots from one cursor (what the bounds table measures).

import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { Lab } from "../../src/index.js";
import { prng } from "../../tests/prng.js";
import { PeerHeap, PeerStream, PEER_MAX_BLOCK, type PeerStreamShape } from "./js-peer.js";

export type JobKind = "append" | "read" | "churn" | "alloc" | "counter";
export type Side = "segstream" | "peer";

export interface ConcurrencyJob {
  kind: JobKind;
  side: Side;
  id: number;
  count: number;
  batch: number;
  writers: number;
  /** Int32Array over it: 0 arrived, 1 go, 2 writers done, 3 the counter job's shared word. */
  control: SharedArrayBuffer;
  memory?: WebAssembly.Memory;
  module?: WebAssembly.Module;
  stream?: number;
  peerStream?: PeerStreamShape;
  peerHeap?: SharedArrayBuffer;
}

export interface JobResult {
  end: number;
  ops: number;
  bad: number;
}

const job = workerData as ConcurrencyJob;
const control = new Int32Array(job.control);
const lab = job.side === "segstream" ? Lab.attach(job.memory!, job.module!) : undefined;
const now = (): number => performance.timeOrigin + performance.now();

function arrive(): void {
  Atomics.add(control, 0, 1);
  Atomics.notify(control, 0);
  while (Atomics.load(control, 1) === 0) Atomics.wait(control, 1, 0, 50);
}

function writerDone(): void {
  Atomics.add(control, 2, 1);
}

function goodValue(a: number, b: number): boolean {
  return Number.isInteger(a) && a >= 0 && a < job.writers && Number.isInteger(b) && b >= 0 && b < job.count;
}

function appendSegstream(): number {
  const raw = lab!.raw;
  const stream = job.stream!;
  if (job.batch <= 1) {
    for (let i = 0; i < job.count; i++) raw.streamAppend(stream, job.id, i);
    return job.count;
  }
  const staging = lab!.reserveScratch();
  const words = new Float64Array(job.memory!.buffer, staging, 2 * job.batch);
  for (let i = 0; i < job.count; i += job.batch) {
    const n = Math.min(job.batch, job.count - i);
    for (let k = 0; k < n; k++) {
      words[2 * k] = job.id;
      words[2 * k + 1] = i + k;
    }
    if (raw.streamAppendBatch(stream, staging, n) < 0) throw new Error("append refused");
  }
  return job.count;
}

function appendPeer(): number {
  const stream = new PeerStream(job.peerStream!);
  for (let i = 0; i < job.count; i++) stream.append(job.id, i);
  return job.count;
}

/** Reads until every writer is done; returns [reads, bad values]. */
function readLoop(length: () => number, get: (index: number) => boolean, value: () => [number, number]): [number, number] {
  const next = prng(job.id + 1);
  let reads = 0;
  let bad = 0;
  while (Atomics.load(control, 2) < job.writers) {
    const len = length();
    if (len === 0) continue;
    const index = Math.floor(next() * len);
    if (!get(index)) bad++;
    const [a, b] = value();
    if (!goodValue(a, b)) bad++;
    reads++;
  }
  return [reads, bad];
}

function readSegstream(): [number, number] {
  const raw = lab!.raw;
  const stream = job.stream!;
  const scratch = lab!.reserveScratch();
  const words = lab!.scratchWords;
  return readLoop(() => raw.streamLen(stream), (i) => raw.streamGet(stream, i, scratch) === 1, () => [words[0], words[1]]);
}

function readPeer(): [number, number] {
  const stream = new PeerStream(job.peerStream!);
  const out = new Float64Array(2);
  return readLoop(() => stream.length, (i) => stream.get(i, out), () => [out[0], out[1]]);
}

function churnSegstream(): number {
  const raw = lab!.raw;
  const explicitDrop = 1;
  for (let i = 0; i < job.count; i++) {
    const stream = raw.streamNew(explicitDrop, 64) >>> 0;
    if (stream === 0) throw new Error("streamNew refused");
    for (let k = 0; k < 4; k++) raw.streamAppend(stream, job.id, k);
    if (!raw.streamDrop(stream)) throw new Error("streamDrop refused");
  }
  return job.count;
}

/** The peer's stream life: the same four blocks SegmentedStream::new takes, four values, four frees. */
const STREAM_BLOCKS = [64, 32, 56, PEER_MAX_BLOCK];

function churnPeer(): number {
  const heap = new PeerHeap(job.peerHeap!);
  const bytes = new Float64Array(job.peerHeap!);
  const blocks = [0, 0, 0, 0];
  for (let i = 0; i < job.count; i++) {
    for (let k = 0; k < 4; k++) blocks[k] = heap.alloc(STREAM_BLOCKS[k]);
    for (let k = 0; k < 4; k++) bytes[(blocks[3] >> 3) + 2 * k] = job.id;
    for (let k = 3; k >= 0; k--) heap.free(blocks[k], STREAM_BLOCKS[k]);
  }
  return job.count;
}

const WORKING_SET = 64;

/** Replaces one block of a working set of 64 per step, sizes 16 to 1,024 bytes; returns alloc + free calls. */
function allocLoop(alloc: (bytes: number) => number, free: (block: number, bytes: number) => void): number {
  const next = prng(job.id + 7);
  const blocks = new Array<number>(WORKING_SET);
  const sizes = new Array<number>(WORKING_SET);
  for (let k = 0; k < WORKING_SET; k++) {
    sizes[k] = 16 * (1 + Math.floor(next() * 64));
    blocks[k] = alloc(sizes[k]);
  }
  for (let i = 0; i < job.count; i++) {
    const k = i & (WORKING_SET - 1);
    free(blocks[k], sizes[k]);
    sizes[k] = 16 * (1 + Math.floor(next() * 64));
    blocks[k] = alloc(sizes[k]);
  }
  for (let k = 0; k < WORKING_SET; k++) free(blocks[k], sizes[k]);
  return 2 * (job.count + WORKING_SET);
}

function allocSegstream(): number {
  const raw = lab!.raw;
  const site = lab!.site("test");
  return allocLoop((bytes) => {
    const block = raw.heapAlloc(site, bytes, 8, 0) >>> 0;
    if (block === 0) throw new Error("alloc refused");
    return block;
  }, (block) => { raw.heapFree(block, site); });
}

function allocPeer(): number {
  const heap = new PeerHeap(job.peerHeap!);
  return allocLoop((bytes) => heap.alloc(bytes), (block, bytes) => heap.free(block, bytes));
}

function work(): { ops: number; bad: number } {
  const peer = job.side === "peer";
  switch (job.kind) {
    case "append": {
      const ops = peer ? appendPeer() : appendSegstream();
      writerDone();
      return { ops, bad: 0 };
    }
    case "read": {
      const [ops, bad] = peer ? readPeer() : readSegstream();
      return { ops, bad };
    }
    case "churn":
      return { ops: peer ? churnPeer() : churnSegstream(), bad: 0 };
    case "alloc":
      return { ops: peer ? allocPeer() : allocSegstream(), bad: 0 };
    case "counter":
      for (let i = 0; i < job.count; i++) Atomics.add(control, 3, 1);
      return { ops: job.count, bad: 0 };
  }
}

arrive();
const { ops, bad } = work();
const result: JobResult = { end: now(), ops, bad };
lab?.close();
parentPort!.postMessage(result);
