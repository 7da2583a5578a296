// Worker for tests/workers.test.ts: appends to a stream another thread created, through the raw
// exports (a SegmentedStream handle cannot be attached to an existing address).
//
// workerData: { memory, module, stream, id, count, mode, seed, barrier, parties }. Appends the values
// (id, 0), (id, 1), ... (id, count - 1) in order, one at a time ("single") or in batches of varied
// sizes ("batch"), and checks that the indices it is given only grow. Posts a summary when done.

import { parentPort, workerData } from "node:worker_threads";
import { Lab } from "../../src/index.js";

interface AppendJob {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  stream: number;
  id: number;
  count: number;
  mode: "single" | "batch";
  seed: number;
  barrier: SharedArrayBuffer;
  parties: number;
}

export interface AppendSummary {
  id: number;
  appended: number;
  calls: number;
  firstIndex: number;
  lastIndex: number;
  failures: number;
  outOfOrder: number;
}

const job = workerData as AppendJob;
const lab = Lab.attach(job.memory, job.module);

let state = job.seed >>> 0 || 1;
function below(n: number): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return Math.floor((state / 0x1_0000_0000) * n);
}

const summary: AppendSummary = { id: job.id, appended: 0, calls: 0, firstIndex: -1, lastIndex: -1, failures: 0, outOfOrder: 0 };
function noteIndex(index: number, count: number): void {
  summary.calls++;
  if (index < 0) {
    summary.failures++;
    return;
  }
  if (summary.firstIndex < 0) summary.firstIndex = index;
  if (index <= summary.lastIndex) summary.outOfOrder++;
  // a batch's values need not be contiguous (the other worker may take slots of the next page
  // before this batch gets there), so only the first index of each call is compared
  summary.lastIndex = index;
  summary.appended += count;
}

const barrier = new Int32Array(job.barrier);
Atomics.add(barrier, 0, 1);
Atomics.notify(barrier, 0);
const deadline = Date.now() + 20_000;
while (Atomics.load(barrier, 0) < job.parties) {
  if (Date.now() > deadline) throw new Error(`worker ${job.id}: the other worker never arrived`);
  Atomics.wait(barrier, 0, Atomics.load(barrier, 0), 100);
}

const raw = lab.raw;
if (job.mode === "single") {
  for (let i = 0; i < job.count; i++) noteIndex(raw.streamAppend(job.stream, job.id, i), 1);
} else {
  const staging = lab.scratch; // batches of at most 200 values (3,200 bytes): within the lab's scratch
  let i = 0;
  while (i < job.count) {
    const n = Math.min(job.count - i, 1 + below(200));
    const words = new Float64Array(job.memory.buffer, staging, 2 * n);
    for (let k = 0; k < n; k++) {
      words[2 * k] = job.id;
      words[2 * k + 1] = i + k;
    }
    noteIndex(raw.streamAppendBatch(job.stream, staging, n), n);
    i += n;
  }
}
lab.close();
parentPort!.postMessage(summary);
