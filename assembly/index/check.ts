// An index's invariant checker (the heap's is memory/check.ts, whose CheckReport it shares). Exact
// while no thread upserts.
//
//   stream   the inline stream passes stream/check.ts
//   table    none while slots is 0, else a live OptimisedIndex.table block of the bytes its kind
//            requests for slots (table.ts); a known indexer and table kind; keys within the 7/8 load
//   entries  a small table (up to SCAN_SLOTS) is read whole: keys counts the occupied entries, each
//            found where a lookup looks, pointing into the stream at a value of that key. A larger
//            one is checked from the stream's side, so an untouched 256 MiB table is not read:
//            every value's key is found, at that value or a later one of the same key

import { SITE_INDEX_TABLE } from "../memory/sites";
import { report, isLiveBlockOf, CHECK_OK, CHECK_INDEX } from "../memory/check";
import { streamCheck } from "../stream/check";
import { streamLen, streamGet } from "../stream/segmented_stream";
import { INDEX_SIZE, INDEX_INDEXER, indexStream, indexKeys, indexSlots, indexTable, indexTableKind, indexKeyOf } from "./optimised_index";
import { INDEXER_COUNT } from "./indexer";
import { TABLE_KIND_COUNT, tableRequestBytes, tableFind, entryKey, entryPosition } from "./table";

// @ts-ignore: decorator
@inline const SCAN_SLOTS: u64 = 1 << 16;

/** Checks the index at `index`. `out` also serves as the 16 bytes a stream value is read into. */
export function indexCheck(out: usize, index: usize): u32 {
  let code = streamCheck(out, indexStream(index), <u64>INDEX_SIZE);
  if (code != CHECK_OK) return code;
  let slots = indexSlots(index), table = indexTable(index);
  let kind = indexTableKind(index);
  if (load<u32>(index + INDEX_INDEXER) >= INDEXER_COUNT || kind >= TABLE_KIND_COUNT || indexKeys(index) * 8 > slots * 7) return report(out, CHECK_INDEX, index, slots, indexKeys(index));
  if (slots == 0) return table == 0 ? report(out, CHECK_OK, 0, 0, 0) : report(out, CHECK_INDEX, index, 0, table);
  if ((slots & (slots - 1)) != 0 || !isLiveBlockOf(table, SITE_INDEX_TABLE, tableRequestBytes(kind, slots))) return report(out, CHECK_INDEX, table, slots, 0);
  code = slots <= SCAN_SLOTS ? scanEntries(out, index) : followValues(out, index);
  return code == CHECK_OK ? report(out, CHECK_OK, 0, 0, 0) : code;
}

function scanEntries(out: usize, index: usize): u32 {
  let slots = indexSlots(index), table = indexTable(index);
  let len = streamLen(indexStream(index));
  let occupied: u64 = 0;
  for (let slot: u64 = 0; slot < slots; slot++) {
    let position = entryPosition(table, slot);
    if (!position) continue;
    occupied++;
    let key = entryKey(table, slot);
    if (position > len || tableFind(table, slots, key) != slot || keyAt(out, index, position - 1) != key) return report(out, CHECK_INDEX, table, slot, position);
  }
  return occupied == indexKeys(index) ? CHECK_OK : report(out, CHECK_INDEX, index, occupied, indexKeys(index));
}

function followValues(out: usize, index: usize): u32 {
  let slots = indexSlots(index), table = indexTable(index);
  let len = streamLen(indexStream(index));
  for (let position: u64 = 0; position < len; position++) {
    let key = keyAt(out, index, position);
    let found = entryPosition(table, tableFind(table, slots, key));
    if (found <= position || found > len) return report(out, CHECK_INDEX, index, position + 1, found);
  }
  return CHECK_OK;
}

/** The key of the stream's value at `position`, read through `out`. */
function keyAt(out: usize, index: usize, position: u64): u64 {
  streamGet(indexStream(index), position, out);
  return indexKeyOf(index, load<u64>(out), load<u64>(out, 8));
}
