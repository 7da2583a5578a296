// What the table's arithmetic says about the seed's 256 MiB request. The seed does not show
// OptimisedIndex's table; the lab models it as a flat array or as std's HashMap (hashbrown), whose
// sizing rules are the module's (assembly/index/table.ts) and are checked against the real HashMap
// by native/. Given the request the seed saw, this asks the module which table could have made it:
// a flat table of 16-byte entries (key, position), or a HashMap of 16-byte entries (u64 to u64) or
// 24-byte ones (u64 to the 16-byte value itself). A table's request only grows with capacity, in
// steps, so the smallest capacity whose table reaches the request says whether any capacity makes
// exactly that many bytes.

import type { Lab } from "../memory/lab.js";
import { MAX_CAPACITY, tableBytesFor, type TableKind } from "./optimised-index.js";

export interface TableCandidate {
  table: TableKind;
  entryBytes: number;
  /** The request at the scenario's capacity. */
  bytesAtCapacity: number;
  /** Capacities whose request is exactly the seed's: [lowest, highest], or null if none is. */
  capacitiesOfSeedSize: [number, number] | null;
}

export const HASHBROWN_ENTRY_SIZES = [16, 24] as const;

/** The lowest capacity in [0, MAX_CAPACITY] whose request is at least `bytes` (MAX_CAPACITY + 1 if none). */
function lowestCapacityReaching(bytesOf: (capacity: number) => number, bytes: number): number {
  let low = 0;
  let high = MAX_CAPACITY + 1;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (bytesOf(mid) >= bytes) high = mid;
    else low = mid + 1;
  }
  return low;
}

function capacitiesOfSize(bytesOf: (capacity: number) => number, bytes: number): [number, number] | null {
  const lowest = lowestCapacityReaching(bytesOf, bytes);
  if (lowest > MAX_CAPACITY || bytesOf(lowest) !== bytes) return null;
  return [lowest, lowestCapacityReaching(bytesOf, bytes + 1) - 1];
}

function candidate(table: TableKind, entryBytes: number, bytesOf: (capacity: number) => number, capacity: number, seedBytes: number): TableCandidate {
  return { table, entryBytes, bytesAtCapacity: bytesOf(capacity), capacitiesOfSeedSize: capacitiesOfSize(bytesOf, seedBytes) };
}

/** Every modelled table against the seed's request: the flat one, then a HashMap per entry size. */
export function tableCandidates(lab: Lab, capacity: number, seedBytes: number): TableCandidate[] {
  const flat = (c: number) => tableBytesFor(lab, c, "flat");
  return [
    candidate("flat", 16, flat, capacity, seedBytes),
    ...HASHBROWN_ENTRY_SIZES.map((entry) => candidate("hashbrown", entry, (c) => lab.raw.hashbrownTableBytes(c, entry), capacity, seedBytes)),
  ];
}
