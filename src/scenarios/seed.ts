// The seed scenario: the benchmark from ../shared/seed as segstream replays it. Every default has
// its reason beside it; the README repeats them.

import type { Scenario } from "./scenario.js";

/** The seed's warm-up lasted Criterion's default 3 s and created about 522,000 instances. */
export const SEED_WARM_UP_MS = 3000;
export const SEED_INSTANCES = 522_000;

export const SEED_SCENARIO: Scenario = {
  name: "seed",
  description: "iter_batched(|| OptimisedIndex::new_with_indexer_and_capacity(..), |idx| { /* upserts disabled */ }, PerIteration)",
  // The setup builds an OptimisedIndex holding a SegmentedStream written as the seed shows it.
  structure: "OptimisedIndex",
  variant: "as-written",
  // The seed names no capacity; 10,000,000 keys size the table at 2^24 16-byte entries = 256 MiB,
  // the single allocation that failed (any capacity from 7,340,033 to 14,680,064 gives the same).
  indexCapacity: 10_000_000,
  indexer: "first-word",
  // The seed does not show the table; a flat array of 16-byte entries is the one whose request is
  // exactly 256 MiB (a std HashMap's never is: `segstream diagnose` shows the arithmetic).
  indexTable: "flat",
  // "pages of 64 slots of 16-byte values".
  pageSlots: 64,
  // "upsert is DISABLED, doesn't touch stream".
  upsertsPerIteration: 0,
  batchSize: { kind: "PerIteration" },
  // A virtual clock so the run replays identically. 3 s / 522,000 instances ≈ 5.75 µs per iteration:
  // with it, warm-up runs rounds of 1, 2, 4 ... 262,144 iterations, 524,287 in all, and the 19th
  // round is the first to end past 3 s (3.015 s), so "about 522,000" falls in that last round.
  clock: "virtual",
  cost: { iterationNs: 5750 },
  // Criterion's defaults.
  warmUpMs: SEED_WARM_UP_MS,
  measurementMs: 5000,
  sampleSize: 100,
  // A round limit on glibc's footprint of the Rust heap, like an address-space limit on the native
  // process: 800 MiB. Exact growth keeps segstream's own memory close to what is used.
  memory: { limitBytes: 800 * 1024 * 1024, growth: "exact", chunkPages: 16, footprint: "glibc" },
};
