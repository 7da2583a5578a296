// The bounds every run keeps to, in one place: the library checks them (a RangeError naming the
// option), the CLI and scenario files report them as usage errors, and the README lists them. Each
// lies far beyond the seed's own values and every documented example, and short of a run that would
// never end or could not fit the engine's memory.

import { MAXIMUM_PAGES, WASM_PAGE } from "./wasm/module.js";

/** The wasm engine's memory: 65,536 pages of 64 KiB, 4 GiB. A footprint limit above it is never reached. */
export const ENGINE_MAX_BYTES = MAXIMUM_PAGES * WASM_PAGE;

/** Instances one probe creates, and iterations one virtual-clock scenario plans (the seed's: 1,397,937). */
export const MAX_INSTANCES = 100_000_000;

/** Values (appends or upserts) written into each instance. */
export const MAX_VALUES_PER_INSTANCE = 1_000_000;

/** Values written over a whole run: instances (or planned iterations) × values per instance. */
export const MAX_TOTAL_VALUES = 1_000_000_000;

/** Criterion's warm-up and measurement times, each: 1 ms to 1 hour. */
export const MAX_PHASE_MS = 3_600_000;

/** Criterion's sample size: its own minimum, 10, to 10,000. */
export const MIN_SAMPLE_SIZE = 10;
export const MAX_SAMPLE_SIZE = 10_000;

/** One virtual cost (setup, routine, drop or iteration): 0 to 10^12 ns (1,000 s). */
export const MAX_COST_NS = 1e12;

/** Why `instances` × `values` is too much work (naming both), or undefined if it is within MAX_TOTAL_VALUES. */
export function totalValuesProblem(instances: number, values: number, names: readonly [string, string]): string | undefined {
  if (instances * values <= MAX_TOTAL_VALUES) return undefined;
  const count = (n: number) => n.toLocaleString("en-US");
  return `${names[0]} × ${names[1]} must be at most ${count(MAX_TOTAL_VALUES)} values over the run, got ${count(instances)} × ${count(values)}`;
}
