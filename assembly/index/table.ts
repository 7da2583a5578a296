// OptimisedIndex's table: one contiguous allocation of 16-byte entries, open addressing with
// linear probing, keyed by u64 and mapping each key to the stream position of its latest value.
//
// ╒════════════════ Entry (16 bytes) ════════════════╕
//  off  field
//   0   key        u64
//   8   position   u64: stream index + 1 (0: empty)
// ╘══════════════════════════════════════════════════╛
//
// Sizing rule: a table for `capacity` keys has slots = the next power of two at or above
// ceil(capacity x 8 / 7) (at least 8), so `capacity` keys fit under the 7/8 maximum load, and
// requests slots x 16 bytes. A capacity of 0 allocates nothing until the first insert. For example
// capacity 10,000,000 → 11,428,572 → 2^24 = 16,777,216 slots → 268,435,456 bytes (256 MiB), and
// any capacity from 7,340,033 to 14,680,064 gives that same table.
//
// The table is requested zeroed (an empty table is all zero), which from fresh memory touches
// nothing. Entries are never deleted, so a drop can wipe just what was written (tableWipeRun, from
// each key's home slot) and hand the block back as zero (heapFreeZeroed): an untouched table
// costs nothing per instance beyond its allocation, however large, as calloc'd pages do natively.

// @ts-ignore: decorator
@inline export const ENTRY_SIZE: u64 = 16;
// @ts-ignore: decorator
@inline const MIN_SLOTS: u64 = 8;
/** The largest table the model allows: its request stays within one 4 GiB memory. */
// @ts-ignore: decorator
@inline export const MAX_SLOTS: u64 = 1 << 27;

/** Slots for a capacity, per the sizing rule above; 0 for capacity 0, MAX_SLOTS + 1 if too large. */
export function slotsForCapacity(capacity: u64): u64 {
  if (capacity == 0) return 0;
  // Checked before multiplying, which would wrap for capacities near 2^61.
  if (capacity > MAX_SLOTS / 8 * 7) return MAX_SLOTS + 1;
  let adjusted = (capacity * 8 + 6) / 7;
  let slots = max<u64>(adjusted, MIN_SLOTS);
  return <u64>1 << (64 - clz<u64>(slots - 1));
}

/** Fibonacci hashing: the top log2(slots) bits of key x 2^64/φ. */
// @ts-ignore: decorator
@inline function home(key: u64, slots: u64): u64 {
  return (key * 0x9E3779B97F4A7C15) >> (clz<u64>(slots) + 1);
}

// @ts-ignore: decorator
@inline export function entryKey(table: usize, slot: u64): u64 { return load<u64>(table + <usize>(slot * ENTRY_SIZE)); }
// @ts-ignore: decorator
@inline export function entryPosition(table: usize, slot: u64): u64 { return load<u64>(table + <usize>(slot * ENTRY_SIZE), 8); }

/** The slot holding `key`, or the empty slot where it would go. */
export function tableFind(table: usize, slots: u64, key: u64): u64 {
  let mask = slots - 1;
  let slot = home(key, slots);
  while (entryPosition(table, slot) != 0 && entryKey(table, slot) != key) slot = (slot + 1) & mask;
  return slot;
}

export function tableWrite(table: usize, slot: u64, key: u64, position: u64): void {
  let entry = table + <usize>(slot * ENTRY_SIZE);
  store<u64>(entry, key);
  store<u64>(entry, position, 8);
}

/**
 * Zeroes the run of entries from `key`'s home slot up to the first empty one. Called once for every
 * key ever placed (in any order, repeats allowed), it zeroes exactly the occupied slots: a key sits
 * at or after its home with no empty slot between, and a run that meets a slot an earlier wipe
 * zeroed stops there only because that wipe already went on to the end of the same cluster. A key
 * that was never placed (its upsert's growth was refused) zeroes only occupied slots: harmless.
 * O(length of the run), however large the table.
 */
export function tableWipeRun(table: usize, slots: u64, key: u64): void {
  let mask = slots - 1;
  let slot = home(key, slots);
  for (let n: u64 = 0; n < slots && entryPosition(table, slot) != 0; n++) {
    tableWrite(table, slot, 0, 0);
    slot = (slot + 1) & mask;
  }
}
