// What Criterion does with a finished sample before printing anything: per-sample averages
// (time / iters), Tukey's fences on those averages, point estimates of mean, median, std dev and
// MAD on the averages, and, in Linear mode only, the slope of time against iterations through the
// origin. Each estimate's interval is the percentile interval of its bootstrap distribution and its
// standard error is that distribution's standard deviation, as in Criterion's build_estimates.
// Resampling is seeded (see rng.ts), so the same sample and seed give the same intervals.

import type { HarnessConfig } from "./config.js";
import { Rng } from "./rng.js";
import {
  mean, medianAbsDev, percentileOfSorted, slopeThroughOrigin, sorted, stdDev,
} from "./stats.js";

export type ActualSamplingMode = "Linear" | "Flat";

export type OutlierLabel = "LowSevere" | "LowMild" | "NotAnOutlier" | "HighMild" | "HighSevere";

/** Criterion's fences, in the order of its tukey.json: (low severe, low mild, high mild, high severe). */
export interface TukeyFences {
  lowSevere: number; // q1 - 3 IQR
  lowMild: number; // q1 - 1.5 IQR
  highMild: number; // q3 + 1.5 IQR
  highSevere: number; // q3 + 3 IQR
}

export interface Outliers {
  fences: TukeyFences;
  /** Label of each average, in sample order. */
  labels: OutlierLabel[];
  lowSevere: number;
  lowMild: number;
  notAnOutlier: number;
  highMild: number;
  highSevere: number;
  /** lowSevere + lowMild + highMild + highSevere. */
  total: number;
  sampleSize: number;
}

export interface ConfidenceInterval {
  confidenceLevel: number;
  lowerBound: number;
  upperBound: number;
}

export interface Estimate {
  confidenceInterval: ConfidenceInterval;
  pointEstimate: number;
  standardError: number;
}

export interface Estimates {
  mean: Estimate;
  median: Estimate;
  medianAbsDev: Estimate;
  /** Null in Flat mode (Criterion: Option<Estimate>, None unless Linear). */
  slope: Estimate | null;
  stdDev: Estimate;
}

export interface Analysis {
  mode: ActualSamplingMode;
  /** time / iters per sample, ns. */
  averages: number[];
  outliers: Outliers;
  estimates: Estimates;
  /** Slope in Linear mode, else mean (Criterion's Estimates::typical). */
  typical: Estimate;
}

export type AnalysisOptions = Pick<HarnessConfig, "nresamples" | "confidenceLevel" | "seed">;

/** Classify each value against Tukey's fences computed from the sample's own quartiles. */
export function classifyOutliers(sample: ArrayLike<number>): Outliers {
  if (sample.length < 2) throw new RangeError("a sample needs at least 2 values");
  const s = sorted(sample);
  const q1 = percentileOfSorted(s, 25);
  const q3 = percentileOfSorted(s, 75);
  const iqr = q3 - q1;
  const fences: TukeyFences = {
    lowSevere: q1 - 3 * iqr,
    lowMild: q1 - 1.5 * iqr,
    highMild: q3 + 1.5 * iqr,
    highSevere: q3 + 3 * iqr,
  };
  const out: Outliers = {
    fences, labels: [], lowSevere: 0, lowMild: 0, notAnOutlier: 0, highMild: 0, highSevere: 0, total: 0,
    sampleSize: sample.length,
  };
  for (let i = 0; i < sample.length; i++) {
    const x = sample[i]!;
    // Criterion's order of tests: severe before mild, strict comparisons.
    const label: OutlierLabel =
      x < fences.lowSevere ? "LowSevere"
      : x > fences.highSevere ? "HighSevere"
      : x < fences.lowMild ? "LowMild"
      : x > fences.highMild ? "HighMild"
      : "NotAnOutlier";
    out.labels.push(label);
    switch (label) {
      case "LowSevere": out.lowSevere++; break;
      case "LowMild": out.lowMild++; break;
      case "HighMild": out.highMild++; break;
      case "HighSevere": out.highSevere++; break;
      default: out.notAnOutlier++;
    }
  }
  out.total = out.lowSevere + out.lowMild + out.highMild + out.highSevere;
  return out;
}

/** The four univariate statistics Criterion bootstraps together: (mean, median, MAD, std dev). */
export function univariateStats(sample: ArrayLike<number>): [mean: number, median: number, mad: number, stdDev: number] {
  const m = mean(sample);
  const sd = stdDev(sample, m);
  const med = percentileOfSorted(sorted(sample), 50);
  const mad = medianAbsDev(sample, med);
  return [m, med, mad, sd];
}

/** Bootstrap distributions of univariateStats: nresamples resamples of n drawn with replacement. */
export function bootstrapUnivariate(sample: ArrayLike<number>, nresamples: number, rng: Rng): Float64Array[] {
  const n = sample.length;
  const dists = [0, 1, 2, 3].map(() => new Float64Array(nresamples));
  const stage = new Float64Array(n);
  for (let r = 0; r < nresamples; r++) {
    for (let i = 0; i < n; i++) stage[i] = sample[rng.index(n)]!;
    const stats = univariateStats(stage);
    for (let k = 0; k < 4; k++) dists[k]![r] = stats[k]!;
  }
  return dists;
}

/** Bootstrap distribution of the through-origin slope: resample (x, y) pairs together. */
export function bootstrapSlope(xs: ArrayLike<number>, ys: ArrayLike<number>, nresamples: number, rng: Rng): Float64Array {
  const n = xs.length;
  const dist = new Float64Array(nresamples);
  for (let r = 0; r < nresamples; r++) {
    let xy = 0;
    let xx = 0;
    for (let i = 0; i < n; i++) {
      const j = rng.index(n);
      xy += xs[j]! * ys[j]!;
      xx += xs[j]! * xs[j]!;
    }
    dist[r] = xy / xx;
  }
  return dist;
}

/** Point estimate plus percentile interval and standard error from a bootstrap distribution. */
export function estimateFrom(distribution: ArrayLike<number>, point: number, confidenceLevel: number): Estimate {
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
    throw new RangeError(`confidenceLevel must be strictly between 0 and 1, got ${confidenceLevel}`);
  }
  const s = sorted(distribution);
  return {
    confidenceInterval: {
      confidenceLevel,
      lowerBound: percentileOfSorted(s, 50 * (1 - confidenceLevel)),
      upperBound: percentileOfSorted(s, 50 * (1 + confidenceLevel)),
    },
    pointEstimate: point,
    standardError: distribution.length > 1 ? stdDev(distribution) : 0,
  };
}

/** Criterion's analysis of one benchmark's samples. */
export function analyze(
  iters: readonly number[],
  times: readonly number[],
  mode: ActualSamplingMode,
  options: AnalysisOptions,
): Analysis {
  if (iters.length !== times.length) throw new RangeError("iters and times must have the same length");
  if (iters.length < 2) throw new RangeError("analysis needs at least 2 samples");
  if (!Number.isSafeInteger(options.nresamples) || options.nresamples < 1) {
    throw new RangeError(`nresamples must be a positive integer, got ${options.nresamples}`);
  }
  const averages = iters.map((n, i) => times[i]! / n);
  if (averages.some((x) => Number.isNaN(x))) throw new RangeError("sample contains NaN");
  const outliers = classifyOutliers(averages);

  const cl = options.confidenceLevel;
  const points = univariateStats(averages);
  const dists = bootstrapUnivariate(averages, options.nresamples, new Rng(options.seed));
  const est = (k: number): Estimate => estimateFrom(dists[k]!, points[k]!, cl);

  let slope: Estimate | null = null;
  if (mode === "Linear") {
    const dist = bootstrapSlope(iters, times, options.nresamples, new Rng(options.seed, 1));
    slope = estimateFrom(dist, slopeThroughOrigin(iters, times), cl);
  }
  const estimates: Estimates = { mean: est(0), median: est(1), medianAbsDev: est(2), slope, stdDev: est(3) };
  return { mode, averages, outliers, estimates, typical: slope ?? estimates.mean };
}
