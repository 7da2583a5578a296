// Criterion's BatchSize: how many inputs iter_batched builds before timing a run of the routine.
// Kept as a plain discriminated union (not a class) so configurations can be written as literals
// and compared structurally; `itersPerBatch` is the only behaviour and is Criterion's ceiling
// arithmetic exactly, including the fall-back to the per-iteration path when the result is 1.
// Criterion panics on a zero batch; here that is a RangeError with the same message, and so is
// NumBatches(0) (a division by zero in Rust).

export type BatchSize =
  | { kind: "SmallInput" | "LargeInput" | "PerIteration" }
  | { kind: "NumBatches"; batches: number }
  | { kind: "NumIterations"; iterations: number };

export const SmallInput: BatchSize = Object.freeze({ kind: "SmallInput" });
export const LargeInput: BatchSize = Object.freeze({ kind: "LargeInput" });
export const PerIteration: BatchSize = Object.freeze({ kind: "PerIteration" });
export const NumBatches = (batches: number): BatchSize => ({ kind: "NumBatches", batches });
export const NumIterations = (iterations: number): BatchSize => ({ kind: "NumIterations", iterations });

export const ZERO_BATCH_MESSAGE = "Batch size must not be zero.";

function requireCount(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${String(value)}`);
  }
  return value;
}

const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);

/**
 * Iterations per batch for a sample of `iters` iterations:
 * SmallInput ceil(iters/10), LargeInput ceil(iters/1000), PerIteration 1,
 * NumBatches(b) ceil(iters/b), NumIterations(n) n (the Bencher trims the last batch).
 * Throws RangeError("Batch size must not be zero.") when the answer would be 0.
 */
export function itersPerBatch(size: BatchSize, iters: number): number {
  requireCount("iters", iters);
  let batch: number;
  switch (size?.kind) {
    case "SmallInput":
      batch = ceilDiv(iters, 10);
      break;
    case "LargeInput":
      batch = ceilDiv(iters, 1000);
      break;
    case "PerIteration":
      batch = 1;
      break;
    case "NumBatches": {
      const b = requireCount("NumBatches.batches", size.batches);
      if (b === 0) throw new RangeError(`${ZERO_BATCH_MESSAGE} (NumBatches(0))`);
      batch = ceilDiv(iters, b);
      break;
    }
    case "NumIterations":
      batch = requireCount("NumIterations.iterations", size.iterations);
      break;
    default:
      throw new RangeError(`unknown BatchSize ${JSON.stringify(size)}`);
  }
  if (batch === 0) throw new RangeError(ZERO_BATCH_MESSAGE);
  return batch;
}

/** Criterion-style name, e.g. "NumBatches(10)". */
export function batchSizeName(size: BatchSize): string {
  switch (size.kind) {
    case "NumBatches":
      return `NumBatches(${size.batches})`;
    case "NumIterations":
      return `NumIterations(${size.iterations})`;
    default:
      return size.kind;
  }
}
