// Criterion's two planning steps as pure functions, so the numbers can be checked by hand without
// running anything. Warm-up: call the body with 1, 2, 4, ... iterations, summing each call's wall
// time, and stop the first time the sum is strictly greater than the warm-up time; the mean
// execution time (met) is total elapsed / total iterations, setup and drops included. Measurement:
// Linear runs d, 2d, ..., nd iterations with d chosen so n(n+1)/2 · d · met ≈ the measurement time;
// Flat runs k every time with k · met ≈ measurement time / n; Auto picks Flat only when Linear would
// take more than twice the target. When d (or k) bottoms out at 1 Criterion prints a warning with a
// suggested target time and sample size; the same text is returned here.

import type { ActualSamplingMode } from "./analysis.js";
import type { HarnessConfig, SamplingMode } from "./config.js";
import { formatDurationDebug } from "./format.js";

export interface WarmUpRound {
  /** Iterations the body was asked to run in this round. */
  iters: number;
  /** Wall time of the call, ns (Bencher.elapsedNs). */
  elapsedNs: number;
}

export interface WarmUpResult {
  rounds: WarmUpRound[];
  totalIters: number;
  /** Sum of the rounds' elapsed times, ns. */
  elapsedNs: number;
  /** Mean execution time per iteration: elapsedNs / totalIters. */
  metNs: number;
}

/**
 * Criterion's warm-up loop. `call(iters, round)` runs (or models) one body call with `iters`
 * iterations (round counts from 1) and returns its elapsed wall time in ns. With a pure `call`,
 * e.g. `iters => iters * 5750`, this is a pure function. `maxTotalIters` (not Criterion's) stops a
 * warm-up that time never ends, e.g. under a VirtualClock whose costs are all zero.
 */
export function warmUp(
  call: (iters: number, round: number) => number,
  warmUpTimeNs: number,
  maxTotalIters: number = Number.MAX_SAFE_INTEGER,
): WarmUpResult {
  if (!(Number.isFinite(warmUpTimeNs) && warmUpTimeNs > 0)) {
    throw new RangeError(`warmUpTimeNs must be a finite number > 0, got ${warmUpTimeNs}`);
  }
  if (!(maxTotalIters >= 1)) throw new RangeError(`maxTotalIters must be >= 1, got ${maxTotalIters}`);
  const rounds: WarmUpRound[] = [];
  let iters = 1;
  let totalIters = 0;
  let elapsedNs = 0;
  for (let round = 1; ; round++) {
    const elapsed = call(iters, round);
    if (typeof elapsed !== "number" || !(elapsed >= 0) || !Number.isFinite(elapsed)) {
      throw new RangeError(`warm-up round ${round} returned an invalid elapsed time ${String(elapsed)}`);
    }
    rounds.push({ iters, elapsedNs: elapsed });
    totalIters += iters;
    elapsedNs += elapsed;
    if (elapsedNs > warmUpTimeNs) break;
    iters *= 2;
    if (!Number.isSafeInteger(totalIters + iters) || totalIters + iters > maxTotalIters) {
      // Criterion would keep doubling (and wrap its u64); with a real clock that never happens,
      // but a VirtualClock that is never charged would spin here for ever.
      throw new RangeError(
        `warm-up still at ${elapsedNs} ns (not > ${warmUpTimeNs} ns) after ${totalIters} iterations; ` +
          `the next round would pass the limit of ${maxTotalIters}`,
      );
    }
  }
  return { rounds, totalIters, elapsedNs, metNs: elapsedNs / totalIters };
}

export interface MeasurementPlan {
  mode: ActualSamplingMode;
  /** Linear step: sample i (1-based) runs i·d iterations. */
  d?: number;
  /** Flat count: every sample runs k iterations. */
  k?: number;
  /** Iterations of each sample, in order. */
  iters: number[];
  /** Σ iters · met, ns (what Criterion prints as "in estimated ..."). */
  expectedNs: number;
  totalIters: number;
  /** Criterion's "Unable to complete ..." warning, when d or k is 1. */
  warning?: string;
}

function requireMet(metNs: number): void {
  if (!(Number.isFinite(metNs) && metNs > 0)) throw new RangeError(`mean execution time must be finite and > 0, got ${metNs}`);
}

function requireSampleCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`sample count must be a positive integer, got ${n}`);
}

function requireTarget(targetNs: number): void {
  if (!(Number.isFinite(targetNs) && targetNs > 0)) throw new RangeError(`target time must be finite and > 0, got ${targetNs}`);
}

function ceilCount(x: number, what: string): number {
  const c = Math.max(1, Math.ceil(x));
  if (!Number.isSafeInteger(c)) throw new RangeError(`${what} ${c} is not a safe integer`);
  return c;
}

/** Criterion's SamplingMode::choose_sampling_mode. */
export function chooseSamplingMode(mode: SamplingMode, metNs: number, n: number, targetNs: number): ActualSamplingMode {
  if (mode === "Linear" || mode === "Flat") return mode;
  requireMet(metNs);
  requireSampleCount(n);
  requireTarget(targetNs);
  const totalRuns = (n * (n + 1)) / 2;
  const d = Math.ceil(targetNs / metNs / totalRuns);
  const expectedNs = totalRuns * d * metNs;
  return expectedNs > 2 * targetNs ? "Flat" : "Linear";
}

/** Sample size Criterion suggests when Linear's d is 1 (rounded down to tens, at least 10). */
export function recommendLinearSampleSize(targetNs: number, metNs: number): number {
  const c = targetNs / metNs;
  const size = Math.max(0, Math.trunc((-1 + Math.sqrt(4 * c)) / 2));
  const tens = Math.floor(size / 10) * 10;
  return tens < 10 ? 10 : tens;
}

/** Sample size Criterion suggests when Flat's k is 1. */
export function recommendFlatSampleSize(targetNs: number, metNs: number): number {
  const size = Math.max(0, Math.trunc(targetNs / metNs));
  const tens = Math.floor(size / 10) * 10;
  return tens < 10 ? 10 : tens;
}

function expected(iters: readonly number[], metNs: number): number {
  let s = 0;
  for (const count of iters) s += count * metNs;
  return s;
}

/** Linear plan: d = max(1, ceil(target / met / (n(n+1)/2))), sample i runs i·d. */
export function linearPlan(metNs: number, n: number, targetNs: number): MeasurementPlan {
  requireMet(metNs);
  requireSampleCount(n);
  requireTarget(targetNs);
  const totalRuns = (n * (n + 1)) / 2;
  const d = ceilCount(targetNs / metNs / totalRuns, "linear step d");
  const iters = Array.from({ length: n }, (_, i) => (i + 1) * d);
  const plan: MeasurementPlan = { mode: "Linear", d, iters, expectedNs: expected(iters, metNs), totalIters: totalRuns * d };
  if (d === 1) {
    const recommended = recommendLinearSampleSize(targetNs, metNs);
    const actual = formatDurationDebug(Math.floor(totalRuns * d * metNs));
    plan.warning =
      `Warning: Unable to complete ${n} samples in ${formatDurationDebug(targetNs)}. ` +
      `You may wish to increase target time to ${actual}` +
      (recommended !== n ? `, enable flat sampling, or reduce sample count to ${recommended}.` : " or enable flat sampling.");
  }
  return plan;
}

/** Flat plan: k = max(1, ceil((target / n) / met)) iterations in every sample. */
export function flatPlan(metNs: number, n: number, targetNs: number): MeasurementPlan {
  requireMet(metNs);
  requireSampleCount(n);
  requireTarget(targetNs);
  const k = ceilCount(targetNs / n / metNs, "flat iteration count k");
  const iters = new Array<number>(n).fill(k);
  const plan: MeasurementPlan = { mode: "Flat", k, iters, expectedNs: expected(iters, metNs), totalIters: k * n };
  if (k === 1) {
    const recommended = recommendFlatSampleSize(targetNs, metNs);
    const actual = formatDurationDebug(Math.floor(metNs * (k * n)));
    plan.warning =
      `Warning: Unable to complete ${n} samples in ${formatDurationDebug(targetNs)}. ` +
      `You may wish to increase target time to ${actual}` +
      (recommended !== n ? `, or reduce sample count to ${recommended}.` : ".");
  }
  return plan;
}

/** The measurement plan Criterion would choose after a warm-up that measured `metNs`. */
export function measurementPlan(
  metNs: number,
  config: Pick<HarnessConfig, "samplingMode" | "sampleSize" | "measurementTimeNs">,
): MeasurementPlan {
  const n = config.sampleSize;
  const target = config.measurementTimeNs;
  const mode = chooseSamplingMode(config.samplingMode, metNs, n, target);
  return mode === "Linear" ? linearPlan(metNs, n, target) : flatPlan(metNs, n, target);
}
