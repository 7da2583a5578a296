// Worker for tests/reliability/soak.test.ts: one of several threads working on one lab at once.
//
// workerData: WorkerJob plus { stream, role, appenders, perAppender, churn, counter, defers }.
//   role "append" appends (id, 0) ... (id, perAppender - 1) to the shared stream, one at a time
//                 (even ids) or in batches of varied sizes (odd ids);
//   role "read"   reads the shared stream over and over from random offsets until the appenders
//                 are done (the job's `done` word), checking that every value read is one an
//                 appender made, and that each appender's values come in the order it made them;
//   any role      when `churn` > 0, every so often creates a stream of the next variant (all six in
//                 turn) or an index, puts a few values in, reads them back and drops it, reporting
//                 what each held; when `defers` > 0, defers that many counts on `counter`;
//   `stall`       holds a guard of this thread's participant for the whole run.
// Every thread registers its epoch participant first, and flushes its bag last. Posts a SoakSummary.

import { SegmentedStream, OptimisedIndex, STREAM_VARIANTS, type StreamVariant } from "../../src/index.js";
import { finish, joinLab, seeded, startTogether, type WorkerJob } from "./job.js";

export interface SoakJob extends WorkerJob {
  stream: number;
  role: "append" | "read";
  appenders: number;
  perAppender: number;
  /** Int32Array[1]: appenders add 1 when done; readers stop when it reaches `appenders`. */
  done: SharedArrayBuffer;
  /**
   * Int32Array[1], if given: readers add 1 after their first read, and appenders wait for it before
   * their first append, so the two meet however the threads are scheduled (a descheduled reader
   * would otherwise start after the appenders were done, and read nothing while they ran).
   */
  readersStarted?: SharedArrayBuffer;
  churn: number;
  counter: number;
  defers: number;
  stall: boolean;
}

/** A structure this thread made and dropped, and what it held: enough to replay it. */
export interface Churned {
  kind: "stream" | "index";
  variant: StreamVariant;
  pageSlots: number;
  capacity: number;
  values: number;
}

export interface SoakSummary {
  id: number;
  appended: number;
  reads: number;
  valuesRead: number;
  /** Values read that no appender made, or out of their appender's order (must be 0). */
  badValues: number;
  firstBad: string | undefined;
  refusals: number;
  churned: Churned[];
  churnMismatches: number;
  defers: number;
}

const { job, lab } = joinLab<SoakJob>();
const raw = lab.raw;
const { below } = seeded(job.seed);
const summary: SoakSummary = {
  id: job.id, appended: 0, reads: 0, valuesRead: 0, badValues: 0, firstBad: undefined, refusals: 0, churned: [], churnMismatches: 0, defers: 0,
};
const done = new Int32Array(job.done);
const participant = lab.epoch.current();
const held = job.stall ? participant.pin() : undefined;
const PAGE_SIZES = [1, 4, 64];
let churnTurn = job.id;

/** Makes, fills, reads back and drops one structure of the next variant. */
function churnOnce(): void {
  const variant = STREAM_VARIANTS[churnTurn++ % STREAM_VARIANTS.length];
  const pageSlots = PAGE_SIZES[below(PAGE_SIZES.length)];
  const values = 1 + below(20);
  if (churnTurn % 5 === 0) {
    const capacity = below(2) * 3;
    const index = OptimisedIndex.create(lab, { capacity, variant, pageSlots });
    for (let k = 0; k < values; k++) index.upsert(k + 0.5, job.id);
    if (index.size !== values || index.get(values - 0.5)?.[1] !== job.id) summary.churnMismatches++;
    index.drop();
    summary.churned.push({ kind: "index", variant, pageSlots, capacity, values });
    return;
  }
  const stream = SegmentedStream.create(lab, { variant, pageSlots });
  for (let k = 0; k < values; k++) stream.append(k, job.id);
  const words = stream.read(0, values);
  for (let k = 0; k < values; k++) if (words[2 * k] !== k || words[2 * k + 1] !== job.id) summary.churnMismatches++;
  stream.drop();
  summary.churned.push({ kind: "stream", variant, pageSlots, capacity: 0, values });
}

function deferSome(count: number): void {
  const guard = participant.pin();
  for (let k = 0; k < count; k++) guard.deferCount(job.counter, k % 7 === 0 ? 40 : 8);
  guard.release();
  summary.defers += count;
}

function note(index: number, check: boolean, what: () => string): void {
  if (check) return;
  summary.badValues++;
  summary.firstBad ??= `stream index ${index}: ${what()}`;
}

/** Checks the values at stream indices [start, start + n) read into words. */
function checkRead(words: Float64Array, start: number, n: number): void {
  const last = new Array<number>(job.appenders).fill(-1);
  for (let j = 0; j < n; j++) {
    const w = words[2 * j];
    const i = words[2 * j + 1];
    note(start + j, Number.isInteger(w) && w >= 0 && w < job.appenders, () => `(${w}, ${i}) names no appender`);
    if (!(Number.isInteger(w) && w >= 0 && w < job.appenders)) continue;
    note(start + j, Number.isInteger(i) && i >= 0 && i < job.perAppender, () => `(${w}, ${i}): appender ${w} made no value ${i}`);
    note(start + j, i > last[w], () => `(${w}, ${i}) after (${w}, ${last[w]}): out of order or twice`);
    last[w] = i;
  }
}

startTogether(job);

const started = job.readersStarted ? new Int32Array(job.readersStarted) : undefined;

if (job.role === "append") {
  const staging = lab.reserveScratch();
  while (started && Atomics.load(started, 0) === 0) Atomics.wait(started, 0, 0, 50);
  let i = 0;
  while (i < job.perAppender) {
    const n = job.id % 2 === 0 ? 1 : Math.min(job.perAppender - i, 1 + below(300));
    let at: number;
    if (n === 1) {
      at = raw.streamAppend(job.stream, job.id, i);
    } else {
      const words = new Float64Array(job.memory.buffer, staging, 2 * n);
      for (let k = 0; k < n; k++) {
        words[2 * k] = job.id;
        words[2 * k + 1] = i + k;
      }
      at = raw.streamAppendBatch(job.stream, staging, n);
    }
    if (at < 0) summary.refusals++;
    i += n;
    summary.appended += n;
    if (job.churn && below(job.churn) === 0) churnOnce();
    if (job.defers && i % 1024 < n) deferSome(16);
  }
  Atomics.add(done, 0, 1);
} else {
  const out = lab.reserveScratch();
  const capacity = 2048;
  while (Atomics.load(done, 0) < job.appenders) {
    const pin = participant.pin(); // a reader is a participant (nested under a stalled guard)
    const len = raw.streamLen(job.stream);
    const start = len ? below(len) : 0;
    const n = raw.streamRead(job.stream, start, Math.min(capacity, len - start), out);
    checkRead(new Float64Array(job.memory.buffer, out, 2 * n), start, n);
    pin.release();
    summary.reads++;
    summary.valuesRead += n;
    if (started && summary.reads === 1) {
      Atomics.add(started, 0, 1);
      Atomics.notify(started, 0);
    }
    if (job.churn && below(job.churn) === 0) churnOnce();
    if (job.defers && summary.reads % 64 === 0) deferSome(16);
  }
}
held?.release();
// A thread's bag reaches the queue only when it fills or the thread flushes: flush before leaving,
// as crossbeam's Local::finalize pushes the bag of a thread that exits, so others can collect it.
const last = participant.pin();
last.flush();
last.release();
finish(lab, summary);
