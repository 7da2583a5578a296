// The harness's public surface in one place, so callers (benches, tests, the CLI) import from
// "harness/index.js" and the internal file split can change without touching them.

export { RealClock, VirtualClock, type Clock, type ChargeKind, type CostModel } from "./clock.js";
export {
  itersPerBatch, batchSizeName, SmallInput, LargeInput, PerIteration, NumBatches, NumIterations,
  ZERO_BATCH_MESSAGE, type BatchSize,
} from "./batch-size.js";
export { Bencher, type BencherHooks, type BencherPath, type DropHooks } from "./bencher.js";
export { DEFAULT_CONFIG, makeConfig, type HarnessConfig, type SamplingMode } from "./config.js";
export {
  warmUp, chooseSamplingMode, linearPlan, flatPlan, measurementPlan, recommendLinearSampleSize,
  recommendFlatSampleSize, type WarmUpRound, type WarmUpResult, type MeasurementPlan,
} from "./plan.js";
export {
  runBenchmark, NOT_ITERATED_MESSAGE, type BenchmarkBody, type BenchmarkResult, type CallContext,
  type RunObserver, type RunOptions,
} from "./runner.js";
export {
  analyze, classifyOutliers, univariateStats, bootstrapUnivariate, bootstrapSlope, estimateFrom,
  type ActualSamplingMode, type Analysis, type AnalysisOptions, type ConfidenceInterval, type Estimate,
  type Estimates, type OutlierLabel, type Outliers, type TukeyFences,
} from "./analysis.js";
export {
  MAD_SCALE, mean, variance, stdDev, median, medianAbsDev, percentileOfSorted, slopeThroughOrigin,
} from "./stats.js";
export { Rng } from "./rng.js";
export {
  rustFixed, short, timeUnit, formatValue, formatTime, formatIterCount, formatDurationDebug, benchmarkTitle,
  formatTimeLine, formatOutliers, formatWarmUpLine, formatCollectingLine, formatAnalysis,
} from "./format.js";
export {
  makeFilenameSafe, rustJsonNumber, estimatesJson, sampleJson, writeBenchmarkFiles,
  type RecordableResult, type WrittenFiles,
} from "./files.js";
