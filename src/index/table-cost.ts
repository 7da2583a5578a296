// What an index table's allocation costs in time: the term a virtual clock adds per instance on
// top of the scenario's cost model, so that the lab itself can tell a table it could not be.
//
// Only hashbrown's control bytes cost anything that grows with the table. `HashMap::with_capacity`
// fills every control byte with EMPTY (a memset: each of those pages is touched, so faulted in),
// and dropping the map unmaps the chunk, touched pages and all. A flat table is calloc'd: a fresh
// mmap whose pages are never touched, about 6 us to make and 7 us to drop whatever its size, which
// the seed's 5.75 us iteration already holds.
//
// Where Criterion sees it: warm-up counts each body call's wall time (Bencher::elapsed_time, setups
// included), so the fill shortens warm-up; a measurement sample counts only the timed windows, where
// the drop runs (the routine takes the index by value). The scenario charges the table its setup
// makes; growth under upserts is not charged (the seed's upserts are disabled).
//
// Measured on this machine (2 cores) by native/'s `seed-tables` ("timing"): an OptimisedIndex over
// HashMap<u64, u64>::with_capacity(10,000,000), 16,777,232 control bytes, 20 rounds: 12.05 ms to
// build, 1.05 ms to drop (flat: 6.0 us and 7.3 us). Run native/target/release/seed-tables to
// measure another machine, and set cost.controlByteSetupNs / controlByteDropNs in a scenario file.

import type { Lab } from "../memory/lab.js";
import { tableControlBytesFor, type TableKind } from "./optimised-index.js";

export interface TableCost {
  /** Virtual ns per control byte a table's with_capacity writes (outside the timed window). */
  controlByteSetupNs?: number;
  /** Virtual ns per control byte when the table is dropped (inside the timed window). */
  controlByteDropNs?: number;
}

export const TABLE_COST_FIELDS = ["controlByteSetupNs", "controlByteDropNs"] as const satisfies readonly (keyof TableCost)[];

/** 12.05 ms and 1.05 ms over 16,777,232 control bytes (seed-tables, above). */
export const MEASURED_TABLE_COST: Required<TableCost> = { controlByteSetupNs: 0.718, controlByteDropNs: 0.0626 };

/** What one instance's table adds to its setup and to its drop, in virtual ns. */
export interface TableTime {
  controlBytes: number;
  setupNs: number;
  dropNs: number;
}

export function tableTime(lab: Lab, capacity: number, table: TableKind, cost: TableCost): TableTime {
  const controlBytes = tableControlBytesFor(lab, capacity, table);
  return {
    controlBytes,
    setupNs: controlBytes * (cost.controlByteSetupNs ?? MEASURED_TABLE_COST.controlByteSetupNs),
    dropNs: controlBytes * (cost.controlByteDropNs ?? MEASURED_TABLE_COST.controlByteDropNs),
  };
}
