// Worker for tests/workers.test.ts: appends to a stream another thread created, through the raw
// exports (a SegmentedStream handle cannot be attached to an existing address).
//
// workerData: { memory, module, stream, id, count, mode, seed, barrier, parties }. Appends the values
// (id, 0), (id, 1), ... (id, count - 1) in order, one at a time ("single") or in batches of varied
// sizes ("batch"), and checks that the indices it is given only grow. Posts a summary when done.

import { finish, joinLab, seeded, startTogether, type WorkerJob } from "./job.js";

interface AppendJob extends WorkerJob {
  stream: number;
  count: number;
  mode: "single" | "batch";
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

const { job, lab } = joinLab<AppendJob>();
const { below } = seeded(job.seed);

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

startTogether(job);

const raw = lab.raw;
if (job.mode === "single") {
  for (let i = 0; i < job.count; i++) noteIndex(raw.streamAppend(job.stream, job.id, i), 1);
} else {
  const staging = lab.reserveScratch(); // batches of at most 200 values (3,200 bytes): within the lab's scratch
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
finish(lab, summary);
