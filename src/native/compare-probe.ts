// `native probe`: the same probe in the lab and in native/'s seed-probe, figure by figure. The lab
// models native/'s crossbeam-epoch version (from its Cargo.lock) so that like is compared with like.

import { runProbe } from "../probe/probe.js";
import type { ProbeVariant } from "../probe/variants.js";
import type { Indexer } from "../index/optimised-index.js";
import type { CrossbeamVersion } from "../epoch/crossbeam.js";
import { buildNative } from "./toolchain.js";
import { runSeedProbe, type NativeProbe } from "./seed-probe.js";
import { modelFigures, nativeFigures, FIGURE_NAMES, type ComparedFigures } from "./figures.js";
import { row, type SideBySideRow } from "./side-by-side.js";

export interface ProbeComparisonOptions {
  variant: ProbeVariant;
  instances: number;
  pageSlots?: number;
  appends?: number;
  indexCapacity?: number;
  upserts?: number;
  indexer?: Indexer;
  /** Default: native/'s. */
  crossbeam?: CrossbeamVersion;
}

export interface ProbeComparison {
  options: ProbeComparisonOptions;
  crossbeam: CrossbeamVersion;
  model: ComparedFigures;
  native: ComparedFigures;
  rows: SideBySideRow[];
  /** Figures that differ. */
  differing: string[];
  nativeProbe: NativeProbe;
  modelMs: number;
  nativeMs: number;
}

export function compareProbe(options: ProbeComparisonOptions): ProbeComparison {
  const crossbeam = options.crossbeam ?? buildNative().crossbeam;
  let pendingUser = 0;
  const started = performance.now();
  const lab = runProbe({
    ...options,
    lab: { crossbeam },
    afterLoop: (l) => { pendingUser = l.epoch.state().pendingUserDeferred; },
  });
  const modelMs = performance.now() - started;
  const run = runSeedProbe(options);
  if (run.kind !== "completed") throw new Error(`seed-probe failed an allocation: ${JSON.stringify(run.failure)}`);
  const model = modelFigures(lab, pendingUser);
  const native = nativeFigures(run.probe);
  const rows = FIGURE_NAMES.map((name) => row(name, model[name], native[name]));
  return {
    options, crossbeam, model, native, rows,
    differing: FIGURE_NAMES.filter((name) => model[name] !== native[name]),
    nativeProbe: run.probe, modelMs, nativeMs: run.ms,
  };
}
