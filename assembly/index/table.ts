// OptimisedIndex's table: one contiguous allocation of 16-byte entries, open addressing with
// linear probing, keyed by u64 and mapping each key to the stream position of its latest value.
//
// ╒════════════════ Entry (16 bytes) ════════════════╕
//  off  field
//   0   key        u64
//   8   position   u64: stream index + 1 (0: empty)
// ╘══════════════════════════════════════════════════╛
//
// The seed does not show OptimisedIndex's internals, so the table's allocation is modelled two
// ways (TABLE_FLAT, TABLE_HASHBROWN); lookups are the same linear probing over the entries either
// way, since only the requests are Rust-visible.
//
// flat: slots = the next power of two at or above ceil(capacity x 8 / 7) (at least 8), so
// `capacity` keys fit under the 7/8 maximum load, and the request is slots x 16 bytes, align 8.
// For example capacity 10,000,000 → 11,428,572 → 2^24 = 16,777,216 slots → 268,435,456 bytes
// (256 MiB), and any capacity from 7,340,033 to 14,680,064 gives that same table.
//
// hashbrown (std's HashMap<u64, u64>): buckets = 4 for capacity 1-3, 8 for 4-7, else as flat;
// ONE allocation, align 16, of the entries (buckets x 16, already a multiple of the 16-byte group)
// followed by a control byte per bucket and one more group of 16 that mirrors the first:
//
//   ╒═ entries: buckets x entryBytes, rounded up to 16 ═╤═ control: buckets + 16 bytes ═╕
//
// so 2^24 buckets request 285,212,688 bytes, and no bucket count gives 268,435,456 (diagnose shows
// the arithmetic). hashbrown fills its control bytes with EMPTY at every with_capacity; the model's
// control bytes are never read (the entries' zero position marks empty), so they stay zero and
// cost nothing here: their time is the virtual clock's (src/index/table-cost.ts).
//
// Both grow alike: before an insert that would pass 7/8 load (hashbrown: bucket_mask_to_capacity),
// to twice the slots; from no table, to the kind's smallest (flat 8, hashbrown 4).
//
// A capacity of 0 allocates nothing until the first insert. The table is requested zeroed (an
// empty table is all zero), which from fresh memory touches nothing. Entries are never deleted, so
// a drop can wipe just what was written (tableWipeRun, from each key's home slot) and hand the
// block back as zero (heapFreeZeroed): an untouched table costs nothing per instance beyond its
// allocation, however large, as calloc'd pages do natively.

/** A table entry (layout above). */
@unmanaged export class Entry {
  key: u64;
  position: u64;
}
// A flat table of capacity 10,000,000 requests 2^24 entries: 256 MiB only if an entry is 16 bytes.
if (offsetof<Entry>() != 16) ERROR("a table Entry (key, position) must be 16 bytes");

// @ts-ignore: decorator
@inline export const ENTRY_SIZE: u64 = offsetof<Entry>();
// @ts-ignore: decorator
@inline const ENTRY_KEY: usize = offsetof<Entry>("key");
// @ts-ignore: decorator
@inline const ENTRY_POSITION: usize = offsetof<Entry>("position");
// @ts-ignore: decorator
@inline const MIN_SLOTS: u64 = 8;
/** The largest table the model allows: its request stays within one 4 GiB memory. */
// @ts-ignore: decorator
@inline export const MAX_SLOTS: u64 = 1 << 27;

export const TABLE_FLAT: u32 = 0;
export const TABLE_HASHBROWN: u32 = 1;
export const TABLE_KIND_COUNT: u32 = 2;

export function tableKindName(kind: u32): string {
  return kind == TABLE_HASHBROWN ? "hashbrown" : "flat";
}

// @ts-ignore: decorator
@inline const GROUP_WIDTH: u64 = 16;
// @ts-ignore: decorator
@inline const HASHBROWN_MIN_SLOTS: u64 = 4;

/** Slots for a capacity, per the flat sizing rule above; 0 for capacity 0, MAX_SLOTS + 1 if too large. */
export function slotsForCapacity(capacity: u64): u64 {
  if (capacity == 0) return 0;
  // Checked before multiplying, which would wrap for capacities near 2^61.
  if (capacity > MAX_SLOTS / 8 * 7) return MAX_SLOTS + 1;
  let adjusted = (capacity * 8 + 6) / 7;
  let slots = max<u64>(adjusted, MIN_SLOTS);
  return <u64>1 << (64 - clz<u64>(slots - 1));
}

/** Slots a table of `kind` has for `capacity` keys (hashbrown's capacity_to_buckets: 4 below 4 keys). */
export function tableSlots(kind: u32, capacity: u64): u64 {
  if (kind == TABLE_HASHBROWN && capacity > 0 && capacity < 4) return HASHBROWN_MIN_SLOTS;
  return slotsForCapacity(capacity);
}

/** The slots a full table of `kind` grows to: twice as many, or the kind's smallest table. */
export function grownSlots(kind: u32, slots: u64): u64 {
  if (slots) return slots * 2;
  return kind == TABLE_HASHBROWN ? HASHBROWN_MIN_SLOTS : MIN_SLOTS;
}

/** The control bytes a table of `kind` with `slots` slots has: hashbrown's one per bucket and a mirrored group; flat's none. */
export function tableControlBytes(kind: u32, slots: u64): u64 {
  return kind == TABLE_HASHBROWN && slots ? slots + GROUP_WIDTH : 0;
}

/** hashbrown's one allocation for `buckets` entries of `entryBytes`: entries to a 16-byte boundary, then control bytes. */
export function hashbrownAllocationBytes(buckets: u64, entryBytes: u64): u64 {
  if (!buckets) return 0;
  let controlOffset = (buckets * entryBytes + GROUP_WIDTH - 1) / GROUP_WIDTH * GROUP_WIDTH;
  return controlOffset + tableControlBytes(TABLE_HASHBROWN, buckets);
}

/** Bytes a table of `kind` with `slots` slots requests. */
export function tableRequestBytes(kind: u32, slots: u64): u64 {
  return kind == TABLE_HASHBROWN ? hashbrownAllocationBytes(slots, ENTRY_SIZE) : slots * ENTRY_SIZE;
}

/** The alignment a table of `kind` requests: hashbrown's control groups are 16-byte loads. */
export function tableAlign(kind: u32): u32 {
  return kind == TABLE_HASHBROWN ? <u32>GROUP_WIDTH : 8;
}

/** Fibonacci hashing: the top log2(slots) bits of key x 2^64/φ. */
// @ts-ignore: decorator
@inline function home(key: u64, slots: u64): u64 {
  return (key * 0x9E3779B97F4A7C15) >> (clz<u64>(slots) + 1);
}

// @ts-ignore: decorator
@inline export function entryKey(table: usize, slot: u64): u64 { return load<u64>(table + <usize>(slot * ENTRY_SIZE) + ENTRY_KEY); }
// @ts-ignore: decorator
@inline export function entryPosition(table: usize, slot: u64): u64 { return load<u64>(table + <usize>(slot * ENTRY_SIZE) + ENTRY_POSITION); }

/** The slot holding `key`, or the empty slot where it would go. */
export function tableFind(table: usize, slots: u64, key: u64): u64 {
  let mask = slots - 1;
  let slot = home(key, slots);
  while (entryPosition(table, slot) != 0 && entryKey(table, slot) != key) slot = (slot + 1) & mask;
  return slot;
}

export function tableWrite(table: usize, slot: u64, key: u64, position: u64): void {
  let entry = table + <usize>(slot * ENTRY_SIZE);
  store<u64>(entry + ENTRY_KEY, key);
  store<u64>(entry + ENTRY_POSITION, position);
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
