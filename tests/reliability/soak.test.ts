// A bounded concurrency soak: 4 worker threads (more than this machine's 2 cores) on one lab, for 3
// rounds. In each round two threads append to one shared stream (one value at a time, and in
// batches) while two read it (one of them holding a guard of its participant for the whole round,
// stalling the epoch); the threads make and drop streams and indexes of every variant among their
// appends and reads, and defer counted functions. After each round every appended value is in the
// stream exactly once and in its appender's order, no reader saw a value that was not appended, and
// lab.check() passes; after the last, with the epoch drained, every counter ran once per defer and
// the ledger is exact: the stream and index sites hold what a single-threaded replay of the same
// structures holds (the leaking variants' pages), the collector what its participants need, and
// lab.check() agrees with the heap walk. What the readers saw is asserted apart, and again in a
// focused test with one appender and one reader (the case that found Node 20's Liftoff defect around
// `memory.atomic.wait`: assembly/sync/futex.ts; liftoff-wait.test.ts runs it with Liftoff only).

import { test } from "node:test";
import assert from "node:assert/strict";
import { Lab, SegmentedStream, OptimisedIndex, type StreamVariant } from "../../src/index.js";
import { startWorker, allWorkers } from "../workers/start.js";
import type { Churned, SoakJob, SoakSummary } from "../workers/soak-worker.js";
import { drainEpoch, settledFigures, figuresDifference, type SettledFigures } from "./settle.js";
import { EPOCH_SITE } from "../rust-reference.js";
import { BUILD, scaled } from "./budget.js";

const ROUNDS: { variant: StreamVariant; pageSlots: number }[] = [
  { variant: "explicit-drop", pageSlots: 64 },
  { variant: "epoch-deferred", pageSlots: 8 },
  { variant: "arcswap", pageSlots: 64 },
];
const APPENDERS = 2;
const THREADS = 4;
const EPOCH_SITES: readonly string[] = Object.values(EPOCH_SITE);
/** Values each appender makes. The debug build asserts its invariants as it goes: a much shorter soak there. */
const PER_APPENDER = BUILD === "debug" ? scaled(20_000, 5_000) : scaled(2_000_000, 100_000);

/** The roles of the 4 threads: ids 0 and 1 append (their values are tagged with the id). */
function jobs(lab: Lab, stream: number, perAppender: number, counter: number, round: number): Omit<SoakJob, "barrier" | "parties" | "done">[] {
  const common = { memory: lab.memory, module: lab.module, stream, appenders: APPENDERS, perAppender, counter };
  return [
    { ...common, id: 0, seed: 1000 * round + 1, role: "append", churn: 200, defers: 0, stall: false },
    { ...common, id: 1, seed: 1000 * round + 2, role: "append", churn: 40, defers: 1, stall: false },
    { ...common, id: 2, seed: 1000 * round + 3, role: "read", churn: 0, defers: 1, stall: true },
    { ...common, id: 3, seed: 1000 * round + 4, role: "read", churn: 20, defers: 1, stall: false },
  ];
}

/** Every appender's values exactly once, each appender's in its order. */
function assertAppended(stream: SegmentedStream, perAppender: number, context: string): void {
  const words = stream.read(0, stream.length);
  assert.equal(stream.length, APPENDERS * perAppender, `${context}: length`);
  const next = new Array<number>(APPENDERS).fill(0);
  for (let j = 0; j < words.length; j += 2) {
    const w = words[j];
    if (!(w >= 0 && w < APPENDERS) || words[j + 1] !== next[w]) {
      assert.fail(`${context}: index ${j / 2} holds (${w}, ${words[j + 1]}), expected appender ${w}'s value ${next[w]} (lost, twice or invented)`);
    }
    next[w]++;
  }
  assert.deepEqual(next, new Array(APPENDERS).fill(perAppender), `${context}: every value once`);
}

/** A fault-free, single-threaded replay of the same structures, drained: its settled figures. */
function replay(shared: { variant: StreamVariant; pageSlots: number; values: number }[], churned: Churned[]): SettledFigures {
  const lab = Lab.create();
  lab.reserveScratch();
  for (const s of shared) {
    const stream = SegmentedStream.create(lab, { variant: s.variant, pageSlots: s.pageSlots });
    const words = new Float64Array(2 * s.values);
    for (let i = 0; i < s.values; i++) {
      words[2 * i] = i % APPENDERS;
      words[2 * i + 1] = Math.floor(i / APPENDERS);
    }
    stream.appendBatch(words);
    assert.equal(stream.length, s.values, "replay");
    stream.drop();
  }
  for (const c of churned) {
    if (c.kind === "index") {
      const index = OptimisedIndex.create(lab, { capacity: c.capacity, variant: c.variant, pageSlots: c.pageSlots });
      for (let k = 0; k < c.values; k++) index.upsert(k + 0.5, 0);
      index.drop();
    } else {
      const stream = SegmentedStream.create(lab, { variant: c.variant, pageSlots: c.pageSlots });
      for (let k = 0; k < c.values; k++) stream.append(k, 0);
      stream.drop();
    }
  }
  drainEpoch(lab, []);
  return settledFigures(lab);
}

/** The figures without the epoch sites (which depend on how many threads took part). */
function withoutEpoch(figures: SettledFigures): SettledFigures {
  const live = Object.fromEntries(Object.entries(figures.live).filter(([name]) => !EPOCH_SITES.includes(name)));
  return { ...figures, live, pendingUserDeferred: 0 };
}

interface SoakResult {
  /** One line per value a reader read that was not appended (or out of its appender's order). */
  badReads: string[];
  valuesRead: number;
}

let soak: Promise<SoakResult> | undefined;

/**
 * The soak itself, run once for the tests below (the first to ask starts it): everything but what
 * the readers saw is asserted here; that goes back to the second test.
 */
function runSoak(t: { diagnostic(message: string): void }): Promise<SoakResult> {
  soak ??= (async () => {
    const started = performance.now();
    const perAppender = PER_APPENDER;
    const lab = Lab.create({ reserveBytes: 32 << 20 });
    lab.reserveScratch();
    const churned: Churned[] = [];
    const counters: { address: number; defers: number }[] = [];
    const totals = { appended: 0, valuesRead: 0, reads: 0, churned: 0, defers: 0 };
    const badReads: string[] = [];
    for (const [round, { variant, pageSlots }] of ROUNDS.entries()) {
      const context = `round ${round} (${variant}, pageSlots ${pageSlots})`;
      const stream = SegmentedStream.create(lab, { variant, pageSlots });
      const counter = lab.alloc("test", 8, { zeroed: true });
      const barrier = new SharedArrayBuffer(4);
      const done = new SharedArrayBuffer(4);
      const running = jobs(lab, stream.address, perAppender, counter, round).map((job) =>
        startWorker<SoakSummary>("../workers/soak-worker.js", import.meta.url, { ...job, barrier, done, parties: THREADS }));
      const summaries = await allWorkers(running);
      for (const s of summaries) {
        if (s.badValues) badReads.push(`${context}, thread ${s.id}: ${s.badValues} of ${s.valuesRead} values read were never appended or out of order; first: ${s.firstBad}`);
        assert.equal(s.refusals, 0, `${context}, thread ${s.id}: nothing refused`);
        assert.equal(s.churnMismatches, 0, `${context}, thread ${s.id}: its own structures read back what it put in`);
        if (s.id < APPENDERS) assert.equal(s.appended, perAppender, `${context}, thread ${s.id}: appended all`);
        else assert.ok(s.reads > 0, `${context}, thread ${s.id}: read while the appenders ran`);
        churned.push(...s.churned);
        totals.appended += s.appended;
        totals.valuesRead += s.valuesRead;
        totals.reads += s.reads;
        totals.churned += s.churned.length;
        totals.defers += s.defers;
      }
      counters.push({ address: counter, defers: summaries.reduce((a, s) => a + s.defers, 0) });
      assertAppended(stream, perAppender, context);
      lab.check();
      stream.drop();
      lab.check();
      t.diagnostic(`${context}: ${summaries.map((s) => `thread ${s.id} ${s.id < APPENDERS ? `appended ${s.appended}` : `read ${s.valuesRead} in ${s.reads} reads`}, churned ${s.churned.length}, deferred ${s.defers}`).join("; ")}`);
    }
    assert.equal(new Set(churned.map((c) => c.variant)).size, 6, "the churn made every variant");
    drainEpoch(lab, []);
    lab.check();
    for (const [round, c] of counters.entries()) {
      assert.equal(Number(new BigUint64Array(lab.memory.buffer, c.address, 1)[0]), c.defers, `round ${round}: the counter ran once per defer`);
      lab.free(c.address, "test");
    }
    const figures = settledFigures(lab);
    const expected = replay(ROUNDS.map((r) => ({ ...r, values: APPENDERS * perAppender })), churned);
    const difference = figuresDifference(withoutEpoch(figures), withoutEpoch(expected));
    assert.equal(difference, "", `stream and index sites against a single-threaded replay: ${difference}`);
    // The collector: one Global, the queue's sentinel, and this thread's Local only: every worker's
    // participant ended with its lab (lab.close unregisters it, and a later collect frees its Local).
    assert.equal(figures.live[EPOCH_SITE.global]?.blocks, 1);
    assert.equal(figures.live[EPOCH_SITE.node]?.blocks, 1);
    assert.equal(figures.live[EPOCH_SITE.local]?.blocks, 1);
    assert.equal(figures.live[EPOCH_SITE.box], undefined, "no boxed closure left");
    assert.equal(figures.pendingUserDeferred, 0);
    lab.check();
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(`soak: ${totals.appended} values appended, ${totals.valuesRead} read in ${totals.reads} reads, ${totals.churned} structures churned, ${totals.defers} defers, in ${seconds.toFixed(1)} s`);
    return { badReads, valuesRead: totals.valuesRead };
  })();
  return soak;
}

const NAME = `soak: ${THREADS} threads on one lab for ${ROUNDS.length} rounds (shared appends and reads, churn of every variant, a stalled participant)`;

test(`${NAME}: every value once, in order; counters once per defer; the ledger exact`, { timeout: 120_000 }, async (t) => {
  await runSoak(t);
});

test(`${NAME}: readers see only values that were appended`, { timeout: 120_000 }, async (t) => {
  const result = await runSoak(t);
  t.diagnostic(`${result.valuesRead} values read; ${result.badReads.length} reader(s) saw values never appended`);
  assert.deepEqual(result.badReads, []);
});

test("a reader of values published long before, while one other thread appends and rolls over, sees only what was appended", { timeout: 60_000 }, async (t) => {
  // The stream holds appender 0's values, written here before the threads start; thread 1 appends
  // its own, and thread 2 reads from random offsets over everything published, throughout.
  const perAppender = PER_APPENDER;
  const prefilled = Math.min(20_000, perAppender); // the reader takes appender 0's values below perAppender only
  const lab = Lab.create({ reserveBytes: 32 << 20 });
  const stream = SegmentedStream.create(lab, { variant: "explicit-drop", pageSlots: 64 });
  const words = new Float64Array(2 * prefilled);
  for (let i = 0; i < prefilled; i++) words[2 * i + 1] = i;
  stream.appendBatch(words);
  const done = new SharedArrayBuffer(4);
  Atomics.add(new Int32Array(done), 0, 1); // appender 0 is done already
  const barrier = new SharedArrayBuffer(4);
  const readersStarted = new SharedArrayBuffer(4); // the appender starts after the reader's first read: they overlap
  const common = { memory: lab.memory, module: lab.module, stream: stream.address, appenders: APPENDERS, perAppender, counter: 0, defers: 0, churn: 0, stall: false, barrier, done, readersStarted, parties: 2 };
  const [appender, reader] = await allWorkers([
    startWorker<SoakSummary>("../workers/soak-worker.js", import.meta.url, { ...common, id: 1, seed: 7, role: "append" }),
    startWorker<SoakSummary>("../workers/soak-worker.js", import.meta.url, { ...common, id: 2, seed: 8, role: "read" }),
  ]);
  assert.equal(appender.appended, perAppender);
  assert.equal(stream.length, prefilled + perAppender);
  lab.check();
  t.diagnostic(`${reader.valuesRead} values read in ${reader.reads} reads; ${reader.badValues} never appended`);
  assert.equal(reader.badValues, 0, reader.firstBad);
});
