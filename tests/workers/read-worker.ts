// Worker for tests/workers.test.ts: reads a stream while other workers append to it, taking no
// lock (streamGet/streamRead) and sleeping on the published length between reads (waitForLength,
// the wait SegmentedStream.wait uses), until `total` values were read.
//
// workerData: { memory, module, stream, id, total, writers, perWriter, seed, barrier, parties }.
// The writers append (w, 0), (w, 1), ... in order, so reading forward from index 0, writer w's
// next value must be (w, next[w]): a value missing, duplicated, reordered or not yet written when
// len already covered it shows as a mismatch. Random get()s below len check single reads too.

import { finish, joinLab, seeded, startTogether, type WorkerJob } from "./job.js";
import { waitForLength } from "../../src/stream/wait.js";

interface ReadJob extends WorkerJob {
  stream: number;
  total: number;
  writers: number;
  perWriter: number;
}

export interface ReadSummary {
  read: number;
  mismatches: number;
  unreadable: number;
  badGets: number;
  gets: number;
  sleeps: number;
  timeouts: number;
}

const { job, lab } = joinLab<ReadJob>();
const { below } = seeded(job.seed);
const raw = lab.raw;
const scratch = lab.reserveScratch();
const CHUNK = 2048; // 32 KiB of scratch
const summary: ReadSummary = { read: 0, mismatches: 0, unreadable: 0, badGets: 0, gets: 0, sleeps: 0, timeouts: 0 };
const next = new Array<number>(job.writers).fill(0);
/** Where writer w's value i was seen, to check random gets against. */
const seen = new Float64Array(job.total * 2);

function checkValue(index: number, w: number, i: number): void {
  seen[2 * index] = w;
  seen[2 * index + 1] = i;
  if (!(w >= 0 && w < job.writers) || i !== next[w]) summary.mismatches++;
  else next[w]++;
}

function spotCheck(len: number): void {
  const index = below(len);
  summary.gets++;
  if (!raw.streamGet(job.stream, index, scratch)) summary.badGets++;
  else {
    const words = new Float64Array(lab.memory.buffer, scratch, 2);
    if (index < summary.read && (words[0] !== seen[2 * index] || words[1] !== seen[2 * index + 1])) summary.badGets++;
  }
}

startTogether(job);

let at = 0;
while (at < job.total) {
  let len = raw.streamLen(job.stream);
  if (len <= at) {
    summary.sleeps++;
    len = waitForLength(lab.memory, job.stream, at + 1, 20_000);
    if (len <= at) {
      summary.timeouts++;
      break;
    }
  }
  while (at < len) {
    const got = raw.streamRead(job.stream, at, Math.min(CHUNK, len - at), scratch);
    if (got === 0) {
      summary.unreadable++;
      break;
    }
    const words = new Float64Array(lab.memory.buffer, scratch, 2 * got);
    for (let k = 0; k < got; k++) checkValue(at + k, words[2 * k], words[2 * k + 1]);
    at += got;
    summary.read = at;
  }
  spotCheck(len);
}
finish(lab, summary);
