// `native probe`: the same probe in the lab and in native/'s seed-probe, figure by figure. The lab
// models native/'s crossbeam-epoch version (from its Cargo.lock) so that like is compared with like.

import { runProbe, type ProbeOptions } from "../probe/probe.js";
import type { CrossbeamVersion } from "../epoch/crossbeam.js";
import { buildNative } from "./toolchain.js";
import { runSeedProbe, type NativeProbe } from "./seed-probe.js";
import { modelFigures, nativeFigures, FIGURE_NAMES, type ComparedFigures } from "./figures.js";
import { row, type SideBySideRow } from "./side-by-side.js";

/** A probe's options (the lab's settings aside: the lab models native/), and the crossbeam-epoch version. */
export type ProbeComparisonOptions = Omit<ProbeOptions, "lab" | "afterLoop"> & {
  /** Default: native/'s. */
  crossbeam?: CrossbeamVersion;
};

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
  const { crossbeam: version, ...probe } = options;
  const crossbeam = version ?? buildNative().crossbeam;
  let pendingUser = 0;
  const started = performance.now();
  const lab = runProbe({
    ...probe,
    lab: { crossbeam },
    afterLoop: (l) => { pendingUser = l.epoch.state().pendingUserDeferred; },
  });
  const modelMs = performance.now() - started;
  const run = runSeedProbe(probe);
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
