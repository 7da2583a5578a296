// The Criterion-faithful harness in src/harness/: batch sizes, the virtual clock, the Bencher's
// timing windows, warm-up accounting, measurement plans, the analysis, terminal text and files.
//
// Every expected number below is worked out by hand in the comment beside it from the rules in
// ../shared/reference/criterion.md (and Criterion.rs 0.7's source where the reference is silent),
// never pasted from the code's output. Bootstrap runs use nresamples 1000 to stay fast.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Bencher, VirtualClock, RealClock, itersPerBatch, SmallInput, LargeInput, PerIteration, NumBatches,
  NumIterations, warmUp, chooseSamplingMode, linearPlan, flatPlan, measurementPlan, DEFAULT_CONFIG,
  makeConfig, runBenchmark, analyze, classifyOutliers, estimateFrom, formatTime, formatValue, rustFixed,
  formatDurationDebug, formatIterCount, formatTimeLine, formatOutliers, formatCollectingLine,
  formatWarmUpLine, makeFilenameSafe, rustJsonNumber, writeBenchmarkFiles, NOT_ITERATED_MESSAGE,
  medianAbsDev, type Clock, type ChargeKind, type CallContext, type Estimate,
} from "../src/harness/index.js";

const QUICK = { nresamples: 1000 };

/** A clock that logs every read and charge of a VirtualClock, interleaved with the hooks' own notes. */
class RecordingClock implements Clock {
  readonly log: string[] = [];
  constructor(readonly inner: VirtualClock) {}
  now(): number {
    const t = this.inner.now();
    this.log.push(`now ${t}`);
    return t;
  }
  charge(kind: ChargeKind, count = 1): void {
    this.inner.charge(kind, count);
    this.log.push(`${kind} -> ${this.inner.now()}`);
  }
  note(s: string): void {
    this.log.push(s);
  }
}

// ---------------------------------------------------------------------------------------------
// BatchSize::iters_per_batch

test("itersPerBatch follows Criterion's ceiling arithmetic for every BatchSize", () => {
  // SmallInput = ceil(iters / 10)
  assert.equal(itersPerBatch(SmallInput, 1), 1); // ceil(0.1)
  assert.equal(itersPerBatch(SmallInput, 10), 1); // ceil(1.0)
  assert.equal(itersPerBatch(SmallInput, 11), 2); // ceil(1.1)
  assert.equal(itersPerBatch(SmallInput, 173), 18); // ceil(17.3)
  // LargeInput = ceil(iters / 1000)
  assert.equal(itersPerBatch(LargeInput, 1), 1);
  assert.equal(itersPerBatch(LargeInput, 1000), 1);
  assert.equal(itersPerBatch(LargeInput, 1001), 2);
  assert.equal(itersPerBatch(LargeInput, 17300), 18); // ceil(17.3)
  // PerIteration = 1 whatever iters is
  assert.equal(itersPerBatch(PerIteration, 1), 1);
  assert.equal(itersPerBatch(PerIteration, 524288), 1);
  // NumBatches(b) = ceil(iters / b)
  assert.equal(itersPerBatch(NumBatches(10), 100), 10);
  assert.equal(itersPerBatch(NumBatches(10), 101), 11); // ceil(10.1)
  assert.equal(itersPerBatch(NumBatches(10), 5), 1); // ceil(0.5): falls back to per-iteration
  assert.equal(itersPerBatch(NumBatches(2), 5), 3); // ceil(2.5)
  // NumIterations(n) = n, regardless of iters (the Bencher trims the last batch)
  assert.equal(itersPerBatch(NumIterations(64), 10), 64);
  assert.equal(itersPerBatch(NumIterations(64), 1000), 64);
});

test("itersPerBatch refuses a zero batch and malformed input", () => {
  const zero = /^RangeError: Batch size must not be zero/;
  assert.throws(() => itersPerBatch(NumIterations(0), 10), zero);
  assert.throws(() => itersPerBatch(NumBatches(0), 10), zero);
  assert.throws(() => itersPerBatch(SmallInput, 0), zero); // ceil(0 / 10) = 0
  assert.throws(() => itersPerBatch(LargeInput, 0), zero);
  assert.throws(() => itersPerBatch(SmallInput, -1), RangeError);
  assert.throws(() => itersPerBatch(SmallInput, 1.5), RangeError);
  assert.throws(() => itersPerBatch(NumBatches(2.5), 10), RangeError);
  assert.throws(() => itersPerBatch({ kind: "Huge" } as never, 10), RangeError);
  // PerIteration never divides, so even iters = 0 is a batch of 1 (Criterion then runs no loop).
  assert.equal(itersPerBatch(PerIteration, 0), 1);
});

// ---------------------------------------------------------------------------------------------
// Clocks and configuration

test("VirtualClock advances by cost × count and validates its inputs", () => {
  const c = new VirtualClock({ setupNs: 1000, routineNs: 4000, dropNs: 750, iterationNs: 5 }, 100);
  assert.equal(c.now(), 100);
  c.charge("setup"); // 100 + 1000
  assert.equal(c.now(), 1100);
  c.charge("routine", 2); // + 2 × 4000
  assert.equal(c.now(), 9100);
  c.charge("drop", 3); // + 3 × 750
  assert.equal(c.now(), 11350);
  c.charge("iteration"); // + 5
  assert.equal(c.now(), 11355);
  c.charge("setup", 0);
  assert.equal(c.now(), 11355);
  c.advance(45);
  assert.equal(c.now(), 11400);
  // Missing costs are zero.
  const z = new VirtualClock({ routineNs: 10 });
  z.charge("setup");
  z.charge("drop");
  z.charge("iteration");
  assert.equal(z.now(), 0);

  assert.throws(() => new VirtualClock({ setupNs: -1 }), RangeError);
  assert.throws(() => new VirtualClock({ routineNs: Number.NaN }), RangeError);
  assert.throws(() => new VirtualClock({ dropNs: Number.POSITIVE_INFINITY }), RangeError);
  assert.throws(() => new VirtualClock({ iterationNs: "5" as unknown as number }), RangeError);
  assert.throws(() => new VirtualClock({}, -5), RangeError);
  assert.throws(() => c.charge("routine", -1), RangeError);
  assert.throws(() => c.charge("routine", Number.NaN), RangeError);
  assert.throws(() => c.charge("lunch" as ChargeKind), RangeError);
  assert.throws(() => c.advance(-1), RangeError);
});

test("RealClock is monotonic and ignores charges", () => {
  const c = new RealClock();
  const a = c.now();
  c.charge("routine", 1e9);
  let x = 0;
  for (let i = 0; i < 1e5; i++) x += i;
  const b = c.now();
  assert.ok(x > 0);
  assert.ok(b >= a, `${b} >= ${a}`);
  assert.ok(Number.isInteger(a) && Number.isInteger(b));
  assert.throws(() => c.charge("routine", -1), RangeError);
});

test("config defaults are Criterion's and invalid settings are refused", () => {
  assert.equal(DEFAULT_CONFIG.sampleSize, 100);
  assert.equal(DEFAULT_CONFIG.warmUpTimeNs, 3e9); // 3 s
  assert.equal(DEFAULT_CONFIG.measurementTimeNs, 5e9); // 5 s
  assert.equal(DEFAULT_CONFIG.nresamples, 100_000);
  assert.equal(DEFAULT_CONFIG.noiseThreshold, 0.01);
  assert.equal(DEFAULT_CONFIG.confidenceLevel, 0.95);
  assert.equal(DEFAULT_CONFIG.significanceLevel, 0.05);
  assert.equal(DEFAULT_CONFIG.samplingMode, "Auto");
  assert.ok(Object.isFrozen(DEFAULT_CONFIG));
  assert.equal(makeConfig({ sampleSize: 10 }).sampleSize, 10); // Criterion's minimum
  assert.throws(() => makeConfig({ sampleSize: 9 }), RangeError);
  assert.throws(() => makeConfig({ sampleSize: 50.5 }), RangeError);
  assert.throws(() => makeConfig({ warmUpTimeNs: 0 }), RangeError);
  assert.throws(() => makeConfig({ measurementTimeNs: -1 }), RangeError);
  assert.throws(() => makeConfig({ nresamples: 0 }), RangeError);
  assert.throws(() => makeConfig({ noiseThreshold: -0.1 }), RangeError);
  assert.throws(() => makeConfig({ confidenceLevel: 1 }), RangeError);
  assert.throws(() => makeConfig({ significanceLevel: 0 }), RangeError);
  assert.throws(() => makeConfig({ samplingMode: "Log" as never }), RangeError);
});

// ---------------------------------------------------------------------------------------------
// Warm-up accounting (pure)

test("warm-up at 5.75 µs per iteration: 19 rounds, 524,287 iterations, 3.01465 s", () => {
  const w = warmUp((iters) => iters * 5750, 3e9);
  // Rounds run 1, 2, 4, ..., 2^18 = 262,144. After 18 rounds: (2^18 - 1) × 5750 = 262,143 × 5750
  // = 1,507,322,250 ns, not > 3e9, so round 19 runs; after it: (2^19 - 1) × 5750 = 524,287 × 5750
  // = 3,014,650,250 ns > 3e9, so it stops.
  assert.equal(w.rounds.length, 19);
  assert.deepEqual(w.rounds.slice(0, 4), [
    { iters: 1, elapsedNs: 5750 },
    { iters: 2, elapsedNs: 11500 },
    { iters: 4, elapsedNs: 23000 },
    { iters: 8, elapsedNs: 46000 },
  ]);
  assert.deepEqual(w.rounds[18], { iters: 262144, elapsedNs: 262144 * 5750 });
  assert.equal(w.totalIters, 524287);
  assert.equal(w.elapsedNs, 3_014_650_250);
  assert.equal(w.metNs, 5750); // 3,014,650,250 / 524,287
});

test("warm-up at 5.72 µs per iteration needs a 20th round of 524,288", () => {
  const w = warmUp((iters) => iters * 5720, 3e9);
  // After 19 rounds: 524,287 × 5720 = 2,998,921,640 ns, which is NOT > 3e9 → round 20 with 2^19.
  assert.equal(w.rounds.length, 20);
  const after19 = w.rounds.slice(0, 19).reduce((s, r) => s + r.elapsedNs, 0);
  assert.equal(after19, 2_998_921_640);
  assert.deepEqual(w.rounds[19], { iters: 524288, elapsedNs: 524288 * 5720 });
  assert.equal(w.totalIters, 1_048_575); // 2^20 - 1
  assert.equal(w.elapsedNs, 5_997_849_000); // 1,048,575 × 5720
  assert.equal(w.metNs, 5720);
});

test("warm-up stops only when elapsed is strictly greater than the warm-up time", () => {
  // Each call reports exactly 1 s: after 3 rounds elapsed == 3 s, not > 3 s, so a 4th runs.
  const w = warmUp(() => 1e9, 3e9);
  assert.deepEqual(w.rounds.map((r) => r.iters), [1, 2, 4, 8]);
  assert.equal(w.totalIters, 15);
  assert.equal(w.metNs, 4e9 / 15);
  // The round number is passed from 1.
  const seen: number[] = [];
  warmUp((_, round) => (seen.push(round), 2e9), 3e9); // 2 s, 4 s > 3 s
  assert.deepEqual(seen, [1, 2]);
  assert.throws(() => warmUp(() => -1, 3e9), RangeError);
  // A clock that never moves cannot end a warm-up; the limit turns the spin into an error:
  // rounds 1, 2, 4 make 7 iterations, and an 8-iteration round 4 would pass a limit of 10.
  const calls: number[] = [];
  assert.throws(() => warmUp((iters) => (calls.push(iters), 1), 3e9, 10), /after 7 iterations/);
  assert.deepEqual(calls, [1, 2, 4]);
  assert.throws(
    () => runBenchmark("frozen", (b) => b.iter(() => 0), QUICK, new VirtualClock(), undefined, { maxWarmUpIters: 1000 }),
    /after 511 iterations/, // 1 + 2 + ... + 256 = 511; the 512-iteration round would reach 1023
  );
  assert.throws(() => warmUp(() => 1, 0), RangeError);
});

// ---------------------------------------------------------------------------------------------
// Measurement plans (pure)

test("Linear plan for met = 5.75 µs: d = 173, Auto keeps Linear", () => {
  // d = ceil(5e9 / 5750 / 5050) = ceil(869,565.2 / 5050) = ceil(172.19) = 173.
  // Auto: 5050 × 173 × 5750 = 873,650 × 5750 = 5,023,487,500 ns <= 2 × 5e9 → Linear.
  assert.equal(chooseSamplingMode("Auto", 5750, 100, 5e9), "Linear");
  const p = measurementPlan(5750, DEFAULT_CONFIG);
  assert.equal(p.mode, "Linear");
  assert.equal(p.d, 173);
  assert.equal(p.k, undefined);
  assert.equal(p.iters.length, 100);
  assert.equal(p.iters[0], 173);
  assert.equal(p.iters[1], 346);
  assert.equal(p.iters[99], 17300); // 100 × 173
  assert.equal(p.totalIters, 873_650); // 5050 × 173
  assert.equal(p.expectedNs, 5_023_487_500);
  assert.equal(p.warning, undefined);
});

test("Auto picks Flat when Linear would take more than twice the target", () => {
  // met = 3 ms: Linear d = ceil(5e9 / 3e6 / 5050) = ceil(0.33) = 1; 5050 × 1 × 3e6 = 1.515e10 > 1e10.
  assert.equal(chooseSamplingMode("Auto", 3e6, 100, 5e9), "Flat");
  const p = measurementPlan(3e6, DEFAULT_CONFIG);
  assert.equal(p.mode, "Flat");
  // k = ceil((5e9 / 100) / 3e6) = ceil(16.67) = 17, every sample.
  assert.equal(p.k, 17);
  assert.equal(p.d, undefined);
  assert.deepEqual(p.iters, new Array(100).fill(17));
  assert.equal(p.expectedNs, 5.1e9); // 1700 × 3e6
  assert.equal(p.warning, undefined);
  // The boundary: met = 1.98 ms gives 5050 × 1.98e6 = 9.999e9 <= 1e10 → still Linear (d = 1);
  // met = 2 ms gives 1.01e10 > 1e10 → Flat with k = ceil(5e7 / 2e6) = 25.
  assert.equal(chooseSamplingMode("Auto", 1.98e6, 100, 5e9), "Linear");
  assert.equal(chooseSamplingMode("Auto", 2e6, 100, 5e9), "Flat");
  assert.equal(measurementPlan(2e6, DEFAULT_CONFIG).k, 25);
  // Exactly twice the target is not "more than": n = 10 (55 runs), target 5.5 s, met 200 ms gives
  // d = ceil(5.5e9 / 2e8 / 55) = ceil(0.5) = 1 and 55 × 1 × 2e8 = 1.1e10 = 2 × 5.5e9 → Linear.
  assert.equal(chooseSamplingMode("Auto", 2e8, 10, 5.5e9), "Linear");
  // Forced modes are not second-guessed.
  assert.equal(chooseSamplingMode("Linear", 3e6, 100, 5e9), "Linear");
  assert.equal(measurementPlan(5750, makeConfig({ samplingMode: "Flat" })).k, 8696); // ceil(5e7 / 5750) = ceil(8695.65)
});

test("d == 1 and k == 1 produce Criterion's warning and suggestion", () => {
  // met = 1.5 ms: d = ceil(5e9 / 1.5e6 / 5050) = ceil(0.66) = 1; Auto: 5050 × 1.5e6 = 7.575e9 <= 1e10.
  // 7,575,000,000 ns printed {:.1?} → "7.6s" (0.575 s rounds up). Suggested size:
  // c = 5e9 / 1.5e6 = 3333.3, (sqrt(4c) - 1) / 2 = (115.47 - 1) / 2 = 57.2 → 57 → down to tens: 50.
  const p = measurementPlan(1.5e6, DEFAULT_CONFIG);
  assert.equal(p.mode, "Linear");
  assert.equal(p.d, 1);
  assert.deepEqual(p.iters.slice(0, 3), [1, 2, 3]);
  assert.equal(
    p.warning,
    "Warning: Unable to complete 100 samples in 5.0s. You may wish to increase target time to 7.6s, " +
      "enable flat sampling, or reduce sample count to 50.",
  );
  // n = 10, met = 100 ms: d = ceil(5e9 / 1e8 / 55) = 1; 55 × 1e8 = 5.5e9 → "5.5s"; suggestion
  // c = 50, (sqrt(200) - 1) / 2 = 6.57 → 6 → 0 → clamped to 10 == n, so the short form.
  assert.equal(
    linearPlan(1e8, 10, 5e9).warning,
    "Warning: Unable to complete 10 samples in 5.0s. You may wish to increase target time to 5.5s or enable flat sampling.",
  );
  // Flat with met = 60 ms: k = ceil(5e7 / 6e7) = 1; 100 × 6e7 = 6e9 → "6.0s"; 5e9 / 6e7 = 83.3 → 80.
  assert.equal(
    flatPlan(6e7, 100, 5e9).warning,
    "Warning: Unable to complete 100 samples in 5.0s. You may wish to increase target time to 6.0s, or reduce sample count to 80.",
  );
  assert.throws(() => linearPlan(0, 100, 5e9), RangeError);
  assert.throws(() => flatPlan(5750, 0, 5e9), RangeError);
});

// ---------------------------------------------------------------------------------------------
// The Bencher's timing windows

const COSTS = { setupNs: 1000, routineNs: 4000, dropNs: 750 };

function recordingBencher(iters: number): { clock: RecordingClock; b: Bencher } {
  const clock = new RecordingClock(new VirtualClock(COSTS));
  const b = new Bencher(clock, iters, { onIteration: (i) => clock.note(`iteration ${i}`) });
  return { clock, b };
}

function hooks(clock: RecordingClock) {
  let n = 0;
  return {
    setup: () => {
      const input = n++;
      clock.note(`setup ${input}`);
      return input;
    },
    routine: (input: number) => {
      clock.note(`routine ${input}`);
      return input + 100;
    },
    drops: {
      dropInput: (input: number) => clock.note(`dropInput ${input}`),
      dropOutput: (output: number) => clock.note(`dropOutput ${output}`),
    },
  };
}

test("iterBatched, PerIteration: setup outside the window, routine and input drop inside, output drop outside", () => {
  const { clock, b } = recordingBencher(2);
  const h = hooks(clock);
  b.iterBatched(h.setup, h.routine, PerIteration, h.drops);
  // Costs: setup 1000, routine 4000, drop 750, iteration 0.
  assert.deepEqual(clock.log, [
    "now 0", // wall clock starts before any setup
    "iteration 0", "setup 0", "setup -> 1000",
    "now 1000", // timer start
    "routine 0", "routine -> 5000", "iteration -> 5000", "dropInput 0", "drop -> 5750",
    "now 5750", // timer stop: window = 4750
    "dropOutput 100", "drop -> 6500",
    "iteration 1", "setup 1", "setup -> 7500",
    "now 7500",
    "routine 1", "routine -> 11500", "iteration -> 11500", "dropInput 1", "drop -> 12250",
    "now 12250", // window = 4750
    "dropOutput 101", "drop -> 13000",
    "now 13000", // wall clock stops
  ]);
  assert.equal(b.path, "per-iteration");
  assert.equal(b.measuredNs, 9500); // 2 × (4000 + 750)
  assert.equal(b.elapsedNs, 13000); // 2 × (1000 + 4000 + 750 + 750)
  assert.equal(b.setupsRun, 2);
  assert.equal(b.routinesRun, 2);
  assert.equal(b.dropsRun, 4);
  assert.equal(b.windowsRun, 2);
  assert.ok(b.iterated);
});

test("iterBatchedRef, PerIteration: the input is dropped after the window, after the output", () => {
  const { clock, b } = recordingBencher(1);
  const h = hooks(clock);
  b.iterBatchedRef(h.setup, h.routine, PerIteration, h.drops);
  assert.deepEqual(clock.log, [
    "now 0",
    "iteration 0", "setup 0", "setup -> 1000",
    "now 1000",
    "routine 0", "routine -> 5000", "iteration -> 5000",
    "now 5000", // window = 4000: no drop inside
    "dropOutput 100", "drop -> 5750",
    "dropInput 0", "drop -> 6500",
    "now 6500",
  ]);
  assert.equal(b.measuredNs, 4000);
  assert.equal(b.elapsedNs, 6500); // 1000 + 4000 + 750 + 750
});

test("iterBatched, batch > 1: one vector of bs inputs, only the routine loop is timed", () => {
  // iters 5 with NumBatches(2): batch = ceil(5/2) = 3, so batches of 3 then 2 (trimmed).
  const { clock, b } = recordingBencher(5);
  const h = hooks(clock);
  b.iterBatched(h.setup, h.routine, NumBatches(2), h.drops);
  assert.deepEqual(clock.log, [
    "now 0",
    "iteration 0", "setup 0", "setup -> 1000",
    "iteration 1", "setup 1", "setup -> 2000",
    "iteration 2", "setup 2", "setup -> 3000",
    "now 3000", // all three inputs exist before the timer starts
    "routine 0", "routine -> 7000", "iteration -> 7000", "dropInput 0", "drop -> 7750",
    "routine 1", "routine -> 11750", "iteration -> 11750", "dropInput 1", "drop -> 12500",
    "routine 2", "routine -> 16500", "iteration -> 16500", "dropInput 2", "drop -> 17250",
    "now 17250", // window = 3 × 4750 = 14250
    "dropOutput 100", "drop -> 18000",
    "dropOutput 101", "drop -> 18750",
    "dropOutput 102", "drop -> 19500",
    "iteration 3", "setup 3", "setup -> 20500",
    "iteration 4", "setup 4", "setup -> 21500",
    "now 21500",
    "routine 3", "routine -> 25500", "iteration -> 25500", "dropInput 3", "drop -> 26250",
    "routine 4", "routine -> 30250", "iteration -> 30250", "dropInput 4", "drop -> 31000",
    "now 31000", // window = 2 × 4750 = 9500
    "dropOutput 103", "drop -> 31750",
    "dropOutput 104", "drop -> 32500",
    "now 32500",
  ]);
  assert.equal(b.path, "batched");
  assert.equal(b.batchSize, 3);
  assert.equal(b.windowsRun, 2);
  assert.equal(b.measuredNs, 23750); // 5 × (4000 + 750)
  assert.equal(b.elapsedNs, 32500); // 5 × (1000 + 4000 + 750 + 750)
});

test("iterBatchedRef, batch > 1: outputs then inputs dropped outside the window", () => {
  const { clock, b } = recordingBencher(2);
  const h = hooks(clock);
  b.iterBatchedRef(h.setup, h.routine, NumIterations(2), h.drops);
  assert.deepEqual(clock.log, [
    "now 0",
    "iteration 0", "setup 0", "setup -> 1000",
    "iteration 1", "setup 1", "setup -> 2000",
    "now 2000",
    "routine 0", "routine -> 6000", "iteration -> 6000",
    "routine 1", "routine -> 10000", "iteration -> 10000",
    "now 10000", // window = 2 × 4000
    "dropOutput 100", "drop -> 10750",
    "dropOutput 101", "drop -> 11500",
    "dropInput 0", "drop -> 12250",
    "dropInput 1", "drop -> 13000",
    "now 13000",
  ]);
  assert.equal(b.measuredNs, 8000);
  assert.equal(b.elapsedNs, 13000);
});

test("small iteration counts fall back to the per-iteration path; iter() times everything", () => {
  // SmallInput with 9 iterations: ceil(9/10) = 1 → per-iteration.
  const c1 = new VirtualClock(COSTS);
  const b1 = new Bencher(c1, 9);
  b1.iterBatched(() => 0, (x) => x, SmallInput);
  assert.equal(b1.path, "per-iteration");
  assert.equal(b1.measuredNs, 9 * 4000); // no drop hooks → no drop charges
  assert.equal(b1.elapsedNs, 9 * 5000);
  // iter(): one window around everything, output drop included.
  const c2 = new VirtualClock(COSTS);
  const b2 = new Bencher(c2, 3);
  let dropped = 0;
  b2.iter(() => 7, { dropOutput: () => void dropped++ });
  assert.equal(dropped, 3);
  assert.equal(b2.path, "iter");
  assert.equal(b2.measuredNs, 3 * (4000 + 750));
  assert.equal(b2.elapsedNs, 3 * (4000 + 750));
  // With only iterationNs, an iteration is one lump inside the window: measured == elapsed.
  const b3 = new Bencher(new VirtualClock({ iterationNs: 5750 }), 4);
  b3.iterBatched(() => 0, (x) => x, PerIteration, { dropInput: () => {}, dropOutput: () => {} });
  assert.equal(b3.measuredNs, 23000);
  assert.equal(b3.elapsedNs, 23000);
  // Criterion's 1 ns floor on elapsed_time.
  const b4 = new Bencher(new VirtualClock(), 1);
  b4.iter(() => 0);
  assert.equal(b4.measuredNs, 0);
  assert.equal(b4.elapsedNs, 1);
  assert.throws(() => new Bencher(new VirtualClock(), -1), RangeError);
  assert.throws(() => new Bencher(new VirtualClock(), 5).iterBatched(() => 0, (x) => x, NumIterations(0)), /Batch size must not be zero/);
});

test("a throwing setup leaves counters that name the failing instance", () => {
  const seen: number[] = [];
  const b = new Bencher(new VirtualClock(COSTS), 10, { onIteration: (i) => seen.push(i) });
  let n = 0;
  assert.throws(
    () =>
      b.iterBatched(() => {
        if (n++ === 3) throw new Error("allocation failed");
        return n;
      }, (x) => x, PerIteration),
    /allocation failed/,
  );
  assert.equal(b.setupsRun, 3); // instances 0, 1, 2 were built; 3 (the 4th) threw
  assert.equal(b.routinesRun, 3);
  assert.deepEqual(seen, [0, 1, 2, 3]);
});

// ---------------------------------------------------------------------------------------------
// The runner

test("runBenchmark: 5.75 µs per iteration, 4.75 µs of it timed → warm-up met 5.75 µs, slope 4.75 µs", () => {
  // Per iteration: setup 1000 + routine 4000 + input drop 750 (inside the window). The warm-up
  // uses wall time (5750 per iteration), the samples only the windows (4750 per iteration).
  const clock = new VirtualClock({ setupNs: 1000, routineNs: 4000, dropNs: 750 });
  const contexts: CallContext[] = [];
  const r = runBenchmark(
    "segstream/new+drop",
    (b) => b.iterBatched(() => ({}), (x) => x, PerIteration, { dropInput: () => {} }),
    QUICK,
    clock,
    (ctx) => contexts.push(ctx),
  );
  assert.equal(r.warmup.rounds.length, 19); // as in the pure warm-up test
  assert.equal(r.warmup.totalIters, 524287);
  assert.equal(r.warmup.elapsedNs, 3_014_650_250);
  assert.equal(r.warmup.metNs, 5750);
  assert.equal(r.plan.mode, "Linear");
  assert.equal(r.plan.d, 173);
  assert.equal(r.samples.iters[99], 17300);
  assert.equal(r.samples.times[0], 173 * 4750); // 821,750
  assert.equal(r.samples.times[99], 17300 * 4750); // 82,175,000
  assert.equal(r.estimates.slope?.pointEstimate, 4750);
  assert.equal(r.typical, r.estimates.slope);
  assert.equal(r.estimates.mean.pointEstimate, 4750);
  assert.equal(r.outliers.total, 0); // every average is exactly 4750
  // Observer: 19 warm-up calls then 100 samples, each announced with its round/sample and iters.
  assert.equal(contexts.length, 119);
  assert.deepEqual(contexts[0], { phase: "warm-up", round: 1, iters: 1 });
  assert.deepEqual(contexts[18], { phase: "warm-up", round: 19, iters: 262144 });
  assert.deepEqual(contexts[19], { phase: "measurement", sample: 1, iters: 173 });
  assert.deepEqual(contexts[118], { phase: "measurement", sample: 100, iters: 17300 });
  // Total virtual time = warm-up wall time + every measurement call's wall time
  // = 3,014,650,250 + 873,650 × 5750 = 3,014,650,250 + 5,023,487,500.
  assert.equal(clock.now(), 8_038_137_750);
});

test("runBenchmark in Flat mode: met 3 ms → k = 17, slope null, typical = mean", () => {
  // Warm-up: (2^r - 1) × 3 ms > 3 s first at r = 10 (1023 × 3 ms = 3.069 s; r = 9 gives 1.533 s).
  const r = runBenchmark("slow", (b) => b.iter(() => 0), QUICK, new VirtualClock({ iterationNs: 3e6 }));
  assert.equal(r.warmup.rounds.length, 10);
  assert.equal(r.warmup.totalIters, 1023);
  assert.equal(r.warmup.metNs, 3e6);
  assert.equal(r.plan.mode, "Flat");
  assert.equal(r.plan.k, 17);
  assert.deepEqual(r.samples.iters, new Array(100).fill(17));
  assert.deepEqual(r.samples.times, new Array(100).fill(5.1e7)); // 17 × 3 ms
  assert.equal(r.estimates.slope, null);
  assert.equal(r.typical, r.estimates.mean);
  assert.equal(r.typical.pointEstimate, 3e6);
});

test("an exception in setup propagates with the phase, round and instance attributable", () => {
  // The 522,000th instance fails. Warm-up rounds 1..18 build 2^18 - 1 = 262,143 instances; round
  // 19 (262,144 iterations) builds instances 262,144..524,287, so the failure is in round 19, at
  // 0-based index 522,000 - 262,143 - 1 = 259,856 within that call. (At 5.75 µs per iteration the
  // first 18 rounds take 1.507 s, under the 3 s warm-up, so round 19 does start.)
  let built = 0;
  let last: { ctx: CallContext; bencher: Bencher } | undefined;
  assert.throws(
    () =>
      runBenchmark(
        "alloc",
        (b) =>
          b.iterBatched(() => {
            if (++built === 522_000) throw new RangeError("allocation of 268435456 bytes failed");
            return built;
          }, (x) => x, PerIteration),
        QUICK,
        new VirtualClock({ iterationNs: 5750 }),
        (ctx, bencher) => (last = { ctx, bencher }),
      ),
    /allocation of 268435456 bytes failed/,
  );
  assert.ok(last);
  assert.deepEqual(last.ctx, { phase: "warm-up", round: 19, iters: 262144 });
  assert.equal(last.bencher.setupsRun, 259_856);
});

test("a body that never calls an iter method is refused as in Criterion", () => {
  assert.throws(() => runBenchmark("lazy", () => {}, QUICK, new VirtualClock({ iterationNs: 1 })), {
    message: NOT_ITERATED_MESSAGE,
  });
});

// ---------------------------------------------------------------------------------------------
// Analysis

// A hand-made Linear sample: iters 1..10, averages a = [2, 11, 12, 13, 14, 15, 16, 17, 25, 40],
// times = iters × a.
const ITERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const AVG = [2, 11, 12, 13, 14, 15, 16, 17, 25, 40];
const TIMES = ITERS.map((n, i) => n * AVG[i]!); // [2, 22, 36, 52, 70, 90, 112, 136, 225, 400]

test("Tukey fences and outlier classes on a hand-made sample", () => {
  const o = classifyOutliers(AVG);
  // Sorted = AVG. q1: rank 0.25 × 9 = 2.25 → 12 + 0.25 × (13 - 12) = 12.25;
  // q3: rank 6.75 → 16 + 0.75 × (17 - 16) = 16.75; IQR = 4.5.
  assert.deepEqual(o.fences, {
    lowSevere: 12.25 - 13.5, // -1.25
    lowMild: 12.25 - 6.75, // 5.5
    highMild: 16.75 + 6.75, // 23.5
    highSevere: 16.75 + 13.5, // 30.25
  });
  // 2 < 5.5 (but > -1.25): low mild; 25 > 23.5: high mild; 40 > 30.25: high severe.
  assert.deepEqual(o.labels, [
    "LowMild", "NotAnOutlier", "NotAnOutlier", "NotAnOutlier", "NotAnOutlier", "NotAnOutlier",
    "NotAnOutlier", "NotAnOutlier", "HighMild", "HighSevere",
  ]);
  assert.equal(o.lowSevere, 0);
  assert.equal(o.lowMild, 1);
  assert.equal(o.notAnOutlier, 7);
  assert.equal(o.highMild, 1);
  assert.equal(o.highSevere, 1);
  assert.equal(o.total, 3);
  assert.deepEqual(formatOutliers(o), [
    "Found 3 outliers among 10 measurements (30.00%)",
    "  1 (10.00%) low mild",
    "  1 (10.00%) high mild",
    "  1 (10.00%) high severe",
  ]);
  // A value below q1 - 3 IQR is low severe.
  const severe = classifyOutliers([-50, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  // q1 = 12.25, q3 = 16.75 as before → lowSevere fence -1.25; -50 < -1.25.
  assert.equal(severe.lowSevere, 1);
  assert.equal(severe.labels[0], "LowSevere");
});

test("point estimates: slope, mean, median, std dev, MAD × 1.4826", () => {
  const a = analyze(ITERS, TIMES, "Linear", { ...QUICK, confidenceLevel: 0.95, seed: 7 });
  assert.deepEqual(a.averages, AVG);
  // mean = 165 / 10
  assert.equal(a.estimates.mean.pointEstimate, 16.5);
  // median: rank 4.5 → (14 + 15) / 2
  assert.equal(a.estimates.median.pointEstimate, 14.5);
  // Σ(a - 16.5)² = 210.25 + 30.25 + 20.25 + 12.25 + 6.25 + 2.25 + 0.25 + 0.25 + 72.25 + 552.25 = 906.5;
  // sd = sqrt(906.5 / 9) = 10.03604...
  assert.ok(Math.abs(a.estimates.stdDev.pointEstimate - Math.sqrt(906.5 / 9)) < 1e-12);
  assert.ok(Math.abs(a.estimates.stdDev.pointEstimate - 10.03604) < 1e-5);
  // |a - 14.5| sorted: 0.5 0.5 1.5 1.5 2.5 2.5 3.5 10.5 12.5 25.5 → median 2.5 → × 1.4826 = 3.7065
  assert.ok(Math.abs(a.estimates.medianAbsDev.pointEstimate - 3.7065) < 1e-12);
  assert.equal(medianAbsDev([1, 2, 3]), 1.4826); // median 2, |dev| 1 0 1 → 1 × 1.4826
  // slope = Σx²a / Σx² = (2 + 44 + 108 + 208 + 350 + 540 + 784 + 1088 + 2025 + 4000) / 385 = 9149 / 385
  assert.ok(Math.abs(a.estimates.slope!.pointEstimate - 9149 / 385) < 1e-12); // 23.7636...
  assert.equal(a.typical, a.estimates.slope);
  // Flat: no slope, typical is the mean.
  const f = analyze(ITERS, TIMES, "Flat", { ...QUICK, confidenceLevel: 0.95, seed: 7 });
  assert.equal(f.estimates.slope, null);
  assert.equal(f.typical, f.estimates.mean);
});

test("bootstrap intervals are sane, at the configured level, and repeat for a seed", () => {
  const opts = { nresamples: 1000, confidenceLevel: 0.9, seed: 42 };
  const a = analyze(ITERS, TIMES, "Linear", opts);
  for (const key of ["mean", "median", "medianAbsDev", "stdDev", "slope"] as const) {
    const e = a.estimates[key]!;
    assert.equal(e.confidenceInterval.confidenceLevel, 0.9);
    assert.ok(e.confidenceInterval.lowerBound <= e.confidenceInterval.upperBound, key);
    assert.ok(e.standardError > 0, `${key} standard error`);
  }
  // A resampled mean can only lie between the smallest and largest average (2 and 40).
  assert.ok(a.estimates.mean.confidenceInterval.lowerBound >= 2);
  assert.ok(a.estimates.mean.confidenceInterval.upperBound <= 40);
  assert.ok(a.estimates.mean.confidenceInterval.lowerBound < 16.5);
  assert.ok(a.estimates.mean.confidenceInterval.upperBound > 16.5);
  // Same seed, same numbers; another seed, other numbers.
  assert.deepEqual(analyze(ITERS, TIMES, "Linear", opts).estimates, a.estimates);
  assert.notDeepEqual(analyze(ITERS, TIMES, "Linear", { ...opts, seed: 43 }).estimates, a.estimates);
  assert.throws(() => analyze([1], [1], "Flat", opts), RangeError);
  assert.throws(() => analyze([1, 2], [1], "Flat", opts), RangeError);
});

test("estimateFrom: percentile interval and standard error of a known distribution", () => {
  const dist = Array.from({ length: 101 }, (_, i) => i); // 0..100
  const e = estimateFrom(dist, 50, 0.95);
  // Percentile 2.5 → rank 0.025 × 100 = 2.5 → 2.5; percentile 97.5 → 97.5.
  assert.ok(Math.abs(e.confidenceInterval.lowerBound - 2.5) < 1e-9);
  assert.ok(Math.abs(e.confidenceInterval.upperBound - 97.5) < 1e-9);
  // Sample variance of 0..100 = (101² - 1) / 12 × 101 / 100 = 850 × 1.01 = 858.5.
  assert.ok(Math.abs(e.standardError - Math.sqrt(858.5)) < 1e-9);
  assert.equal(e.pointEstimate, 50);
});

// ---------------------------------------------------------------------------------------------
// Terminal text

test("times print with Criterion's units and 4-digit precision", () => {
  // format::time (progress lines) and the WallTime formatter (time: line) agree away from ties.
  for (const fmt of [formatTime, formatValue]) {
    assert.equal(fmt(5750), "5.7500 µs"); // 5750 ns = 5.75 µs, {:.4}
    assert.equal(fmt(1.234e-3), "1.2340 ps"); // < 1 ns → ps: 1.234
    assert.equal(fmt(0.5), "500.00 ps"); // 500 → {:.2}
    assert.equal(fmt(12.3456), "12.346 ns"); // {:.3}
    assert.equal(fmt(999.99), "999.99 ns");
    assert.equal(fmt(1000), "1.0000 µs"); // 1 µs boundary belongs to µs
    assert.equal(fmt(123_456), "123.46 µs");
    assert.equal(fmt(1_234_567), "1.2346 ms"); // 1.234567 → 1.2346
    assert.equal(fmt(5_023_487_500), "5.0235 s"); // 5.0234875 → 5.0235
    assert.equal(fmt(3e9), "3.0000 s");
    assert.equal(fmt(1234.5e9), "1234.5 s"); // {:.1}
    assert.equal(fmt(12345e9), " 12345 s"); // {:.0}, right-aligned in 6
    // 5.76125 looks like a tie but is not representable; its nearest double is 5.76125000000000043,
    // above the midpoint, so it rounds up.
    assert.equal(fmt(5761.25), "5.7613 µs");
  }
  // Rust rounds exact binary ties to even where toFixed would round up.
  assert.equal(rustFixed(0.125, 2), "0.12");
  assert.equal(rustFixed(0.375, 2), "0.38");
  assert.equal(rustFixed(2.5, 0), "2");
  assert.equal(rustFixed(3.5, 0), "4");
  assert.equal(rustFixed(1.00005, 4), "1.0001"); // 1.00005 is 1.0000500000000000611... in binary: not a tie
});

test("Duration {:.1?}, iteration counts and the progress lines", () => {
  assert.equal(formatDurationDebug(5e9), "5.0s");
  assert.equal(formatDurationDebug(7_575_000_000), "7.6s");
  assert.equal(formatDurationDebug(7_549_999_999), "7.5s");
  assert.equal(formatDurationDebug(1_500_000), "1.5ms");
  assert.equal(formatDurationDebug(2_500), "2.5µs");
  assert.equal(formatDurationDebug(123), "123.0ns");
  assert.equal(formatDurationDebug(999_960_000), "1000.0ms"); // rounds up without changing unit
  assert.equal(formatIterCount(9999), "9999 iterations");
  assert.equal(formatIterCount(873_650), "874k iterations"); // 873.65 → {:.0}
  assert.equal(formatIterCount(1_048_575), "1.0M iterations");
  assert.equal(formatIterCount(52_428_800), "52M iterations");
  assert.equal(formatWarmUpLine("seg", 3e9), "Benchmarking seg: Warming up for 3.0000 s");
  assert.equal(
    formatCollectingLine("seg", 100, 5_023_487_500, 873_650),
    "Benchmarking seg: Collecting 100 samples in estimated 5.0235 s (874k iterations)",
  );
});

test("the time line pads the id to 24 bytes or puts a long id on its own line", () => {
  const est: Estimate = {
    confidenceInterval: { confidenceLevel: 0.95, lowerBound: 5740, upperBound: 5761.2 },
    pointEstimate: 5750,
    standardError: 1,
  };
  // "harness/iter" is 12 bytes → 12 spaces of padding.
  assert.deepEqual(formatTimeLine("harness/iter", est), [
    "harness/iter            time:   [5.7400 µs 5.7500 µs 5.7612 µs]",
  ]);
  // 23 bytes still fits on the line (1 space); 24 does not.
  assert.deepEqual(formatTimeLine("a".repeat(23), est), [
    `${"a".repeat(23)} time:   [5.7400 µs 5.7500 µs 5.7612 µs]`,
  ]);
  assert.deepEqual(formatTimeLine("b".repeat(24), est), [
    "b".repeat(24),
    `${" ".repeat(24)}time:   [5.7400 µs 5.7500 µs 5.7612 µs]`,
  ]);
  // Rust pads by bytes: "µ-bench" is 8 bytes (µ is 2), so 16 spaces, not 17.
  assert.equal(formatTimeLine("µ-bench", est)[0], `µ-bench${" ".repeat(16)}time:   [5.7400 µs 5.7500 µs 5.7612 µs]`);
  assert.deepEqual(formatOutliers(classifyOutliers([1, 2, 3, 4, 5])), []); // no outliers, no lines
});

// ---------------------------------------------------------------------------------------------
// Files

test("estimates.json and sample.json are written in Criterion's shape and parse back", () => {
  const dir = mkdtempSync(join(tmpdir(), "segstream-harness-"));
  try {
    const a = analyze(ITERS, TIMES, "Linear", { ...QUICK, confidenceLevel: 0.95, seed: 1 });
    const w = writeBenchmarkFiles(dir, {
      id: "group/name: big?",
      plan: { mode: "Linear" },
      samples: { iters: ITERS, times: TIMES },
      estimates: a.estimates,
    });
    assert.equal(w.directory, join(dir, "group_name_ big_", "new"));
    const est = JSON.parse(readFileSync(w.estimatesPath, "utf8"));
    assert.deepEqual(Object.keys(est), ["mean", "median", "median_abs_dev", "slope", "std_dev"]);
    assert.deepEqual(Object.keys(est.mean), ["confidence_interval", "point_estimate", "standard_error"]);
    assert.deepEqual(Object.keys(est.mean.confidence_interval), ["confidence_level", "lower_bound", "upper_bound"]);
    assert.equal(est.mean.point_estimate, 16.5);
    assert.equal(est.median.point_estimate, 14.5);
    assert.equal(est.slope.point_estimate, 9149 / 385);
    assert.equal(est.mean.confidence_interval.confidence_level, 0.95);
    assert.equal(est.std_dev.standard_error, a.estimates.stdDev.standardError);
    const sampleText = readFileSync(w.samplePath, "utf8");
    assert.ok(sampleText.startsWith('{"sampling_mode":"Linear","iters":[1.0,2.0,3.0,'), sampleText);
    assert.deepEqual(JSON.parse(sampleText), { sampling_mode: "Linear", iters: ITERS, times: TIMES });

    // Flat: slope is null.
    const f = analyze(ITERS, TIMES, "Flat", { ...QUICK, confidenceLevel: 0.95, seed: 1 });
    const wf = writeBenchmarkFiles(dir, { id: "flat", plan: { mode: "Flat" }, samples: { iters: ITERS, times: TIMES }, estimates: f.estimates });
    assert.equal(JSON.parse(readFileSync(wf.estimatesPath, "utf8")).slope, null);
    assert.equal(JSON.parse(readFileSync(wf.samplePath, "utf8")).sampling_mode, "Flat");
    assert.ok(existsSync(join(dir, "flat", "new", "sample.json")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ids are made filename-safe and numbers are written as serde_json writes f64", () => {
  assert.equal(makeFilenameSafe('a/b\\c:d*e?f"g<h>i|j^k', "linux"), "a_b_c_d_e_f_g_h_i_j_k");
  assert.equal(makeFilenameSafe("x".repeat(70), "linux"), "x".repeat(64)); // cut to 64 bytes
  assert.equal(makeFilenameSafe("✓".repeat(30), "linux"), "✓".repeat(21)); // 3 bytes each: 63 <= 64
  assert.equal(makeFilenameSafe("Big Bench ", "win32"), "big bench");
  assert.equal(makeFilenameSafe("..", "linux"), "__");
  assert.equal(makeFilenameSafe("", "linux"), "_");
  assert.equal(rustJsonNumber(5750), "5750.0");
  assert.equal(rustJsonNumber(0.95), "0.95");
  assert.equal(rustJsonNumber(1e-7), "1e-7");
  assert.equal(rustJsonNumber(0.00001), "0.00001");
  assert.equal(rustJsonNumber(1e15), "1000000000000000.0");
  assert.equal(rustJsonNumber(1e16), "1e16");
  assert.equal(rustJsonNumber(-2.5), "-2.5");
  assert.equal(rustJsonNumber(Number.NaN), "null");
});
