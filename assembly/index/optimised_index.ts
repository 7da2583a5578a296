// === OptimisedIndex: the seed's index over a SegmentedStream ===
//
// `OptimisedIndex::new_with_indexer_and_capacity(indexer, capacity)` owns a SegmentedStream (of any
// variant) and one contiguous table sized from `capacity`, flat or hashbrown (table.ts gives both
// rules). `upsert`
// appends the value to the stream and points the value's key at its position, inserting or
// replacing; `get` follows a key to its latest value; iteration yields every key's latest value in
// stream order. Like hashbrown, an upsert first makes room for one more key, doubling the table
// when that would pass 7/8 load (even if the key turns out to be there already). Fields are created and
// dropped in declaration order, stream first: new makes the stream's three allocations and then
// the table; drop drops the stream (per its variant), then the table.
//
// upsert takes `&mut self`: one writer at a time (the stream underneath stays safe for concurrent
// appenders of its own).
//
// ╒═══════════ OptimisedIndex (96 bytes; inline in its owner natively, so a MODEL site) ════════════╕
//  off  field        meaning
//    0  stream       SegmentedStream, inline (64 bytes, stream/segmented_stream.ts)
//   64  table        u64 address of the entries (0: none yet)
//   72  slots        u64 entries in the table (a power of two, or 0)
//   80  keys         u64 distinct keys held
//   88  indexer      u32 (indexer.ts)
//   92  tableKind    u32 (table.ts: flat or hashbrown)
// indexDrop, once it has read keys, indexer and table kind, uses 80..96 to read the stream's values.
// ╘═══════════════════════════════════════════════════════════════════════════════════════════════════╛

import { SITE_INDEX_INLINE, SITE_INDEX_TABLE, POINT_GROW, pointOwner } from "../memory/sites";
import { heapAlloc, heapFree, heapFreeZeroed } from "../memory/heap";
import {
  SegmentedStream, streamInit, streamDropBegin, streamDeinitWith, streamUnwind, streamAppend, streamGet, streamLen, APPEND_FAILED
} from "../stream/segmented_stream";
import { V16_SIZE } from "../stream/page";
import { indexKey } from "./indexer";
import {
  TABLE_FLAT, tableSlots, grownSlots, tableRequestBytes, tableAlign, tableFind, tableWrite, tableWipeRun, entryKey, entryPosition
} from "./table";

/** OptimisedIndex (layout above): its stream inline first, as the base class's fields. */
@unmanaged export class OptimisedIndex extends SegmentedStream {
  table: u64;
  slots: u64;
  keys: u64;
  indexer: u32;
  tableKind: u32;
}
if (offsetof<OptimisedIndex>("table") != offsetof<SegmentedStream>()) ERROR("the index's own fields must follow its inline stream");
if (offsetof<OptimisedIndex>() != 96) ERROR("OptimisedIndex must be 96 bytes");
// indexDrop reads each stream value into keys..end: room for a V16.
if (offsetof<OptimisedIndex>() - offsetof<OptimisedIndex>("keys") < V16_SIZE) ERROR("keys, indexer and tableKind must hold a V16");

// @ts-ignore: decorator
@inline export const INDEX_SIZE: usize = offsetof<OptimisedIndex>();
// @ts-ignore: decorator
@inline const X_TABLE: usize = offsetof<OptimisedIndex>("table");
// @ts-ignore: decorator
@inline const X_SLOTS: usize = offsetof<OptimisedIndex>("slots");
// @ts-ignore: decorator
@inline const X_KEYS: usize = offsetof<OptimisedIndex>("keys");
// @ts-ignore: decorator
@inline export const INDEX_INDEXER: usize = offsetof<OptimisedIndex>("indexer");
// @ts-ignore: decorator
@inline export const INDEX_TABLE_KIND: usize = offsetof<OptimisedIndex>("tableKind");
// @ts-ignore: decorator
@inline const INDEX_ALIGN: u32 = 8;

// @ts-ignore: decorator
@inline export function indexStream(index: usize): usize { return index; }
// @ts-ignore: decorator
@inline export function indexKeys(index: usize): u64 { return load<u64>(index + X_KEYS); }
// @ts-ignore: decorator
@inline export function indexSlots(index: usize): u64 { return load<u64>(index + X_SLOTS); }
// @ts-ignore: decorator
@inline export function indexTable(index: usize): usize { return <usize>load<u64>(index + X_TABLE); }
// @ts-ignore: decorator
@inline export function indexTableKind(index: usize): u32 { return load<u32>(index + INDEX_TABLE_KIND); }

/**
 * OptimisedIndex::new_with_indexer_and_capacity. 0 if refused, nothing left allocated: a refused
 * table unwinds the stream built so far whatever its variant (streamUnwind), so a refused
 * construction leaks nothing and frees nothing wrongly, even for the variants whose Drop would.
 */
export function indexNew(indexer: u32, capacity: u64, variant: u32, pageSlots: u32, tableKind: u32 = TABLE_FLAT): usize {
  let index = heapAlloc(SITE_INDEX_INLINE, <u64>INDEX_SIZE, INDEX_ALIGN, true);
  if (!index) return 0;
  store<u32>(index + INDEX_INDEXER, indexer);
  store<u32>(index + INDEX_TABLE_KIND, tableKind);
  if (!streamInit(indexStream(index), variant, pageSlots)) {
    heapFree(index, SITE_INDEX_INLINE);
    return 0;
  }
  if (!allocateTable(index, tableSlots(tableKind, capacity), SITE_INDEX_TABLE)) {
    streamUnwind(indexStream(index));
    heapFree(index, SITE_INDEX_INLINE);
    return 0;
  }
  return index;
}

/**
 * Points the index at a fresh zeroed table of `slots` entries (none if 0), asked for at `site`'s
 * point (new_with_indexer_and_capacity's or grow's); false, changing nothing, if refused.
 */
function allocateTable(index: usize, slots: u64, site: u32): bool {
  let table: usize = 0;
  if (slots) {
    let kind = indexTableKind(index);
    table = heapAlloc(site, tableRequestBytes(kind, slots), tableAlign(kind), true);
    if (!table) return false;
  }
  store<u64>(index + X_TABLE, <u64>table);
  store<u64>(index + X_SLOTS, slots);
  return true;
}

/** Maps `key` to `position` (stream index + 1 stored), counting a new key. */
function place(index: usize, key: u64, position: u64): void {
  let table = indexTable(index);
  let slot = tableFind(table, indexSlots(index), key);
  if (entryPosition(table, slot) == 0) store<u64>(index + X_KEYS, indexKeys(index) + 1);
  tableWrite(table, slot, key, position + 1);
}

/** Doubles the table (the kind's smallest when there is none), rehashing every entry. */
function grow(index: usize): bool {
  let oldTable = indexTable(index);
  let oldSlots = indexSlots(index);
  if (!allocateTable(index, grownSlots(indexTableKind(index), oldSlots), pointOwner(SITE_INDEX_TABLE, POINT_GROW))) return false;
  store<u64>(index + X_KEYS, 0);
  for (let slot: u64 = 0; slot < oldSlots; slot++) {
    let position = entryPosition(oldTable, slot);
    if (position) place(index, entryKey(oldTable, slot), position - 1);
  }
  if (oldTable) heapFree(oldTable, SITE_INDEX_TABLE);
  return true;
}

/**
 * upsert: makes room for one more key, appends the value, then maps its key to the new position.
 * Returns the position, or APPEND_FAILED if the table's growth or the stream's page was refused;
 * either refusal leaves the index as it was (a grown table holds the same keys). Room is made
 * before the lookup, as hashbrown's HashMap::insert does (reserve(1), then find-or-insert): at 7/8
 * load even a replacement doubles the table. The model makes it before the append, not after, so
 * that a refused growth cannot leave a value in the stream that the table does not know.
 */
export function indexUpsert(index: usize, a: u64, b: u64): i64 {
  if ((indexKeys(index) + 1) * 8 > indexSlots(index) * 7 && !grow(index)) return APPEND_FAILED;
  let position = streamAppend(indexStream(index), a, b);
  if (position < 0) return APPEND_FAILED;
  place(index, indexKey(load<u32>(index + INDEX_INDEXER), a, b), <u64>position);
  return position;
}

/** The stream position of `key`'s latest value, or -1. */
export function indexFind(index: usize, key: u64): i64 {
  let slots = indexSlots(index);
  if (!slots) return -1;
  let table = indexTable(index);
  let position = entryPosition(table, tableFind(table, slots, key));
  return position ? <i64>(position - 1) : -1;
}

/** The key the index's indexer gives (a, b). */
export function indexKeyOf(index: usize, a: u64, b: u64): u64 {
  return indexKey(load<u32>(index + INDEX_INDEXER), a, b);
}

/** Copies `key`'s latest value to `out`; false if the key is absent. */
export function indexGet(index: usize, key: u64, out: usize): bool {
  let position = indexFind(index, key);
  return position >= 0 && streamGet(indexStream(index), <u64>position, out);
}

/**
 * Copies every key's latest value, in stream order, to `out` (room for `max` values), starting at
 * stream position `from`. Returns the next position to resume from (the stream length when done);
 * the number of values written is left at `written` (a u32).
 */
export function indexValues(index: usize, from: u64, out: usize, max: u32, written: usize): u64 {
  let stream = indexStream(index);
  let len = streamLen(stream);
  let count: u32 = 0;
  let position = from;
  for (; position < len && count < max; position++) {
    let slot = out + <usize>count * V16_SIZE;
    streamGet(stream, position, slot);
    if (indexFind(index, indexKeyOf(index, load<u64>(slot), load<u64>(slot, 8))) == <i64>position) count++;
  }
  store<u32>(written, count);
  return position;
}

/**
 * Drop for OptimisedIndex: the stream (per its variant), then the table, wiped where it was
 * written (before the stream goes: its values say where) and handed back as zero. False, the index
 * untouched, if the stream's epoch pin was refused (streamDropBegin): nothing is wiped before that.
 */
export function indexDrop(index: usize): bool {
  let stream = indexStream(index);
  let ticket = streamDropBegin(stream);
  if (ticket < 0) return false;
  let table = indexTable(index);
  if (table) wipeWritten(index, table);
  streamDeinitWith(stream, <usize>ticket);
  if (table) heapFreeZeroed(table, SITE_INDEX_TABLE);
  heapFree(index, SITE_INDEX_INLINE);
  return true;
}

/**
 * Zeroes every entry the index wrote, in O(values): each value in the stream names its key, and
 * the run from that key's home slot to the first empty one is wiped (table.ts, tableWipeRun).
 * Each value is read into the index's keys and indexer words (80..96), which the drop no longer
 * needs: no memory is taken, and concurrent drops share nothing.
 */
function wipeWritten(index: usize, table: usize): void {
  let indexer = load<u32>(index + INDEX_INDEXER);
  let slots = indexSlots(index);
  let stream = indexStream(index);
  let value = index + X_KEYS;
  let len = streamLen(stream);
  for (let position: u64 = 0; position < len; position++) {
    streamGet(stream, position, value);
    tableWipeRun(table, slots, indexKey(indexer, load<u64>(value), load<u64>(value, 8)));
  }
}
