// Memory figures a Criterion user wants beside Criterion's own lines (criterion.rs #28, #97, #258),
// for a run that reached the measurement. All come from the run's ledger: the Rust figures when
// the measurement began (ScenarioRun.warmUpLedger) and at the end, and Criterion's iteration
// counts. Allocations and bytes per iteration are the measurement's (its requests over its
// iterations); the peak live bytes of warm-up is the ledger's peak when measurement began; that of
// measurement is the final peak if it rose during measurement, otherwise the ledger only bounds it
// by the warm-up's (a peak is one figure, not reset between phases), which is said as such.
// Setups live at once: the BatchSize's batch for the largest sample (Criterion builds a whole
// batch of inputs before timing the routine over them).

import type { ScenarioRun } from "../scenarios/run-scenario.js";
import { itersPerBatch } from "../harness/batch-size.js";
import { batchSizeText } from "../scenarios/scenario.js";
import { count } from "./format.js";

export interface CriterionMemory {
  measurementIters: number;
  allocationsPerIter: number;
  bytesPerIter: number;
  warmUpPeakLiveBytes: number;
  /** Exact when the peak rose in measurement; otherwise the warm-up's peak, an upper bound. */
  measurementPeakLiveBytes: number;
  measurementPeakExact: boolean;
  setupsLiveAtOnce: number;
}

/** Null for a run that never reached the measurement. */
export function criterionMemory(run: ScenarioRun): CriterionMemory | null {
  const warm = run.warmUpLedger;
  const b = run.benchmark;
  if (!warm || !b) return null;
  const end = run.ledger.rust;
  const iters = b.samples.iters.reduce((n, i) => n + i, 0);
  const largest = Math.max(...b.samples.iters);
  const rose = end.peakLiveBytes > warm.peakLiveBytes;
  return {
    measurementIters: iters,
    allocationsPerIter: (end.requests - warm.requests) / iters,
    bytesPerIter: (end.requestedBytes - warm.requestedBytes) / iters,
    warmUpPeakLiveBytes: warm.peakLiveBytes,
    measurementPeakLiveBytes: rose ? end.peakLiveBytes : warm.peakLiveBytes,
    measurementPeakExact: rose,
    setupsLiveAtOnce: Math.min(largest, itersPerBatch(run.scenario.batchSize, largest)),
  };
}

/** Lines in Criterion's layout (its 24-column label), printed under its time line. */
export function criterionMemoryLines(run: ScenarioRun): string[] {
  const m = criterionMemory(run);
  if (!m) return [];
  const pad = " ".repeat(24);
  return [
    `${"memory (modelled)".padEnd(24)}allocs/iter: ${count(m.allocationsPerIter)}  bytes/iter: ${count(m.bytesPerIter)} B  (measurement, ${count(m.measurementIters)} iterations)`,
    `${pad}peak live: warm-up ${count(m.warmUpPeakLiveBytes)} B, measurement ${m.measurementPeakExact ? "" : "<= "}${count(m.measurementPeakLiveBytes)} B`,
    `${pad}setups live at once: ${count(m.setupsLiveAtOnce)} (${batchSizeText(run.scenario.batchSize)})`,
  ];
}
