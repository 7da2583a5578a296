// How much work the reliability suites do. They run twice under `npm test`: on the release build,
// and again on the debug build (SEGSTREAM_BUILD=debug: the heap and collector assert their
// invariants), which is slower, so there the heavy suites scale down. SEGSTREAM_TEST_SCALE (a
// number above 0, 1 meaning the release figures) overrides the scale either way.

import { buildKind } from "../../src/wasm/module.js";
import type { SweepOptions } from "./fault-sweep.js";

export const BUILD = buildKind();

const DEBUG_SCALE = 0.5;

export const SCALE = (() => {
  const text = process.env.SEGSTREAM_TEST_SCALE;
  if (text === undefined || text === "") return BUILD === "debug" ? DEBUG_SCALE : 1;
  const value = Number(text);
  if (!(value > 0)) throw new RangeError(`SEGSTREAM_TEST_SCALE must be a number above 0, got ${JSON.stringify(text)}`);
  return value;
})();

/** `n` scaled, at least `min`. */
export function scaled(n: number, min = 1): number {
  return Math.max(min, Math.round(n * SCALE));
}

/** Fault sweeps: every k at full scale; below it, the first few k, then every stride-th, and the last. */
export const SWEEP: SweepOptions = SCALE >= 1 ? {} : { dense: 8, stride: Math.max(2, Math.round(1 / SCALE)) };
