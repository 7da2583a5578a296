// One benchmark, end to end, in Criterion's order: warm-up (plan.ts's loop, driving the real body),
// the measurement plan, one body call per sample recording Bencher.measuredNs, then the analysis.
// Each body call gets a fresh Bencher, and before each call the observer is told which phase and
// round/sample is about to run (and handed that Bencher). Exceptions from the body are not caught:
// they propagate to the caller, who already holds the context and the Bencher whose counters say
// how far the call got, which is how "allocation failed in setup, warm-up round 19, instance
// 200,001" gets attributed. The runner prints nothing; format.ts turns the result into text.

import { analyze, type Estimates, type Outliers } from "./analysis.js";
import { Bencher, type BencherHooks } from "./bencher.js";
import { RealClock, type Clock } from "./clock.js";
import { makeConfig, type HarnessConfig } from "./config.js";
import { measurementPlan, warmUp, type MeasurementPlan, type WarmUpRound } from "./plan.js";

export type BenchmarkBody = (b: Bencher, iters: number) => void;

export type CallContext =
  | { phase: "warm-up"; round: number; iters: number }
  | { phase: "measurement"; sample: number; iters: number };

export interface RunObserver {
  /** Called before each body call with where it is and the Bencher it will receive. */
  (context: CallContext, bencher: Bencher): void;
}

export interface RunOptions {
  /** Hooks installed on every Bencher (e.g. onIteration to note each instance number). */
  bencherHooks?: BencherHooks;
  /** Refuse a warm-up that would run more than this many iterations in total (default 2^53 - 1). */
  maxWarmUpIters?: number;
}

export interface BenchmarkResult {
  id: string;
  warmup: { rounds: WarmUpRound[]; totalIters: number; elapsedNs: number; metNs: number };
  plan: MeasurementPlan;
  samples: { iters: number[]; times: number[] };
  estimates: Estimates;
  outliers: Outliers;
  /** time / iters per sample, ns. */
  averages: number[];
  /** Linear: the slope estimate; Flat: the mean. */
  typical: Estimates["mean"];
}

export const NOT_ITERATED_MESSAGE = "Benchmark function must call Bencher::iter or related method.";

function callBody(body: BenchmarkBody, bencher: Bencher): void {
  body(bencher, bencher.iters);
  if (!bencher.iterated) throw new Error(NOT_ITERATED_MESSAGE);
}

/** Run a benchmark the way Criterion does and return everything it measured and estimated. */
export function runBenchmark(
  id: string,
  body: BenchmarkBody,
  config: Partial<HarnessConfig> = {},
  clock: Clock = new RealClock(),
  observer?: RunObserver,
  options: RunOptions = {},
): BenchmarkResult {
  if (typeof id !== "string" || id.length === 0) throw new RangeError("benchmark id must be a non-empty string");
  if (typeof body !== "function") throw new TypeError("benchmark body must be a function");
  const cfg = makeConfig(config);
  const hooks = options.bencherHooks ?? {};

  const wu = warmUp((iters, round) => {
    const b = new Bencher(clock, iters, hooks);
    observer?.({ phase: "warm-up", round, iters }, b);
    callBody(body, b);
    return b.elapsedNs;
  }, cfg.warmUpTimeNs, options.maxWarmUpIters);

  const plan = measurementPlan(wu.metNs, cfg);
  const times: number[] = [];
  plan.iters.forEach((iters, i) => {
    const b = new Bencher(clock, iters, hooks);
    observer?.({ phase: "measurement", sample: i + 1, iters }, b);
    callBody(body, b);
    times.push(b.measuredNs);
  });

  const analysis = analyze(plan.iters, times, plan.mode, cfg);
  return {
    id,
    warmup: wu,
    plan,
    samples: { iters: [...plan.iters], times },
    estimates: analysis.estimates,
    outliers: analysis.outliers,
    averages: analysis.averages,
    typical: analysis.typical,
  };
}
