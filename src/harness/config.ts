// Criterion's benchmark configuration, in nanoseconds and camelCase, with its defaults and the
// same validity rules its builder methods assert (sample size at least 10, positive durations,
// levels strictly between 0 and 1). One frozen object per run keeps the plan and the analysis
// reading the same numbers. `seed` is not Criterion's: Criterion seeds its bootstrap from the OS,
// this harness seeds it so a run's confidence intervals repeat exactly.

export type SamplingMode = "Auto" | "Linear" | "Flat";

export interface HarnessConfig {
  /** Samples per benchmark (Criterion sample_size, at least 10). */
  readonly sampleSize: number;
  /** Warm-up target in ns (Criterion warm_up_time, 3 s). */
  readonly warmUpTimeNs: number;
  /** Measurement target in ns (Criterion measurement_time, 5 s). */
  readonly measurementTimeNs: number;
  /** Bootstrap resamples (Criterion nresamples, 100,000). */
  readonly nresamples: number;
  /** Relative change treated as noise when comparing to a baseline (0.01). */
  readonly noiseThreshold: number;
  /** Confidence level of every interval (0.95). */
  readonly confidenceLevel: number;
  /** Significance level of the baseline comparison (0.05). */
  readonly significanceLevel: number;
  /** Sampling mode (Auto). */
  readonly samplingMode: SamplingMode;
  /** Seed of the bootstrap PRNG (harness extension). */
  readonly seed: number;
}

export const DEFAULT_CONFIG: HarnessConfig = Object.freeze({
  sampleSize: 100,
  warmUpTimeNs: 3e9,
  measurementTimeNs: 5e9,
  nresamples: 100_000,
  noiseThreshold: 0.01,
  confidenceLevel: 0.95,
  significanceLevel: 0.05,
  samplingMode: "Auto",
  seed: 0x5eed,
});

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function positive(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

function openUnit(name: string, value: unknown): number {
  if (typeof value !== "number" || !(value > 0 && value < 1)) {
    throw new RangeError(`${name} must be strictly between 0 and 1, got ${String(value)}`);
  }
  return value;
}

/** Defaults overlaid with `overrides`, validated and frozen. */
export function makeConfig(overrides: Partial<HarnessConfig> = {}): HarnessConfig {
  const c = { ...DEFAULT_CONFIG, ...overrides };
  const noise = c.noiseThreshold;
  if (typeof noise !== "number" || !Number.isFinite(noise) || noise < 0) {
    throw new RangeError(`noiseThreshold must be a finite number >= 0, got ${String(noise)}`);
  }
  if (!["Auto", "Linear", "Flat"].includes(c.samplingMode)) {
    throw new RangeError(`samplingMode must be Auto, Linear or Flat, got ${String(c.samplingMode)}`);
  }
  return Object.freeze({
    sampleSize: integer("sampleSize", c.sampleSize, 10),
    warmUpTimeNs: positive("warmUpTimeNs", c.warmUpTimeNs),
    measurementTimeNs: positive("measurementTimeNs", c.measurementTimeNs),
    nresamples: integer("nresamples", c.nresamples, 1),
    noiseThreshold: noise,
    confidenceLevel: openUnit("confidenceLevel", c.confidenceLevel),
    significanceLevel: openUnit("significanceLevel", c.significanceLevel),
    samplingMode: c.samplingMode,
    seed: integer("seed", c.seed, 0),
  });
}
