// OptimisedIndex (assembly/index/optimised_index.ts), its table (table.ts) and indexers (indexer.ts).
//
// Figures:
//   table: slots = next power of two >= ceil(capacity x 8 / 7), at least 8; 16 bytes an entry (table.ts)
//   OptimisedIndex = 96 bytes, MODEL site SITE_INDEX_INLINE (optimised_index.ts)
//   stream (64 slots a page): slot array 64 x 16 = 1024, ArcInner<Page> 16 + 40 = 56, Vec buffer
//   4 x 8 = 32 (rust-original.md; page.ts, vec.ts)
//   growth: an upsert of a new key first grows the table (double, 8 when none) if (keys + 1) x 8 > slots x 7
//   indexers: FIRST_WORD -> a, SECOND_WORD -> b, HASH_BOTH -> (a x K1) ^ rotl(b x K2, 31)

import { heapAlloc, heapFree } from "../memory/heap";
import { siteRecord, ledgerSetThreshold, DEFAULT_LARGE_THRESHOLD, R_REQUESTED_BYTES } from "../memory/ledger";
import {
  SITE_INDEX_INLINE, SITE_INDEX_TABLE, SITE_PAGE_SLOTS, SITE_ARC_PAGE, SITE_STREAM_PAGES, SITE_TEST,
  SITE_QUEUE_NODE, SITE_ARC_GLOBAL, SITE_LOCAL, siteIsRust
} from "../memory/sites";
import {
  OptimisedIndex, indexNew, indexDrop, indexUpsert, indexFind, indexGet, indexKeyOf, indexKeys, indexSlots, indexValues, INDEX_SIZE
} from "../index/optimised_index";
import { slotsForCapacity, MAX_SLOTS, TABLE_HASHBROWN, tableSlots, tableRequestBytes, tableControlBytes, hashbrownAllocationBytes } from "../index/table";
import { indexKey, INDEXER_FIRST_WORD, INDEXER_SECOND_WORD, INDEXER_HASH_BOTH } from "../index/indexer";
import {
  VARIANT_AS_WRITTEN, VARIANT_EXPLICIT_DROP, VARIANT_BOX_DROP, VARIANT_MOCK, VARIANT_EPOCH_DEFERRED, VARIANT_ARCSWAP
} from "../stream/variant";
import { streamLen, streamPageCount } from "../stream/segmented_stream";
import { currentParticipant, pendingDeferred } from "../epoch/collector";
import { localFlush } from "../epoch/local";
import { requests, liveBytes, frees, allRequested, allLive, allLiveBlocks, rustRequested, largeCount, invalidFrees, largeEntry, startHeap } from "./helpers";



/** OptimisedIndex field: the table address (optimised_index.ts). */
function tableOf(index: usize): usize { return <usize>load<u64>(index + offsetof<OptimisedIndex>("table")); }

/** Bytes in [p, p + n) that are not zero. */
function nonZeroBytes(p: usize, n: usize): u32 {
  let count: u32 = 0;
  for (let i: usize = 0; i < n; i++) if (load<u8>(p + i) != 0) count++;
  return count;
}

let out: usize = 0; // 16-byte SITE_TEST buffer for indexGet

beforeAll(() => {
  startHeap();
  out = heapAlloc(SITE_TEST, 64, 8, true);
});

describe("table sizing", () => {
  it("slotsForCapacity follows next_pow2(max(ceil(capacity x 8 / 7), 8))", () => {
    expect<u64>(slotsForCapacity(0)).toBe(0, "no table until the first insert");
    for (let c: u64 = 1; c <= 7; c++) expect<u64>(slotsForCapacity(c)).toBe(8, "ceil(c x 8/7) <= 8 -> 8");
    expect<u64>(slotsForCapacity(8)).toBe(16, "ceil(64 / 7) = 10 -> 16");
    expect<u64>(slotsForCapacity(14)).toBe(16, "ceil(112 / 7) = 16 -> 16");
    expect<u64>(slotsForCapacity(15)).toBe(32, "ceil(120 / 7) = 18 -> 32");
    expect<u64>(slotsForCapacity(10_000_000)).toBe(1 << 24, "11,428,572 -> 2^24 (table.ts)");
    expect<u64>(slotsForCapacity(7_340_032)).toBe(1 << 23, "x 8/7 = 8,388,608 = 2^23 exactly");
    expect<u64>(slotsForCapacity(7_340_033)).toBe(1 << 24, "the lowest capacity of the 2^24 table");
    expect<u64>(slotsForCapacity(14_680_064)).toBe(1 << 24, "x 8/7 = 16,777,216 = 2^24 exactly");
    expect<u64>(slotsForCapacity(14_680_065)).toBe(1 << 25, "16,777,218 -> 2^25");
    expect<u64>(slotsForCapacity(10_000_000) * 16).toBe(268_435_456, "the seed's 256 MiB request");
    // MAX_SLOTS = 2^27: capacity 117,440,512 x 8/7 = 2^27 exactly; one more is too large.
    expect<u64>(slotsForCapacity(117_440_512)).toBe(MAX_SLOTS);
    expect<u64>(slotsForCapacity(117_440_513)).toBe(MAX_SLOTS + 1, "too large");
    expect<u64>(slotsForCapacity(1 << 40)).toBe(MAX_SLOTS + 1, "too large");
  });

  it("a capacity whose x 8 overflows u64 is still too large (not a small table)", () => {
    // 2^61 x 8 = 2^64 wraps to 0 in u64: (0 + 6) / 7 = 0, so the rule as coded returns 8 slots.
    expect<u64>(slotsForCapacity(<u64>1 << 61)).toBe(MAX_SLOTS + 1, "2^61");
    expect<u64>(slotsForCapacity((<u64>1 << 61) + 1)).toBe(MAX_SLOTS + 1, "2^61 + 1");
  });
});

describe("indexNew", () => {
  it("requests 96 (model), then the stream's 1024 + 56 + 32, then a zeroed slots x 16 table", () => {
    const c0 = largeCount();
    const all0 = allRequested(), rust0 = rustRequested();
    ledgerSetThreshold(1); // log every request, in order
    const index = indexNew(INDEXER_FIRST_WORD, 8, VARIANT_EXPLICIT_DROP, 64);
    ledgerSetThreshold(DEFAULT_LARGE_THRESHOLD);
    expect<bool>(index != 0).toBe(true);
    expect<u64>(largeCount() - c0).toBe(5, "five requests");
    // OptimisedIndex (96, MODEL: inline in its owner natively)
    expect<u64>(load<u64>(largeEntry(c0), 8)).toBe(96);
    expect<u32>(load<u32>(largeEntry(c0), 20)).toBe(SITE_INDEX_INLINE);
    expect<usize>(<usize>load<u32>(largeEntry(c0), 16)).toBe(index);
    expect<bool>(siteIsRust(SITE_INDEX_INLINE)).toBe(false);
    expect<usize>(INDEX_SIZE).toBe(96);
    // SegmentedStream::new: Page::new's slot array, Arc::new(page), the Vec's first buffer (cap 4)
    expect<u64>(load<u64>(largeEntry(c0 + 1), 8)).toBe(1024);
    expect<u32>(load<u32>(largeEntry(c0 + 1), 20)).toBe(SITE_PAGE_SLOTS);
    expect<u64>(load<u64>(largeEntry(c0 + 2), 8)).toBe(56);
    expect<u32>(load<u32>(largeEntry(c0 + 2), 20)).toBe(SITE_ARC_PAGE);
    expect<u64>(load<u64>(largeEntry(c0 + 3), 8)).toBe(32);
    expect<u32>(load<u32>(largeEntry(c0 + 3), 20)).toBe(SITE_STREAM_PAGES);
    // The table: capacity 8 -> 16 slots -> 256 bytes
    expect<u64>(load<u64>(largeEntry(c0 + 4), 8)).toBe(256);
    expect<u32>(load<u32>(largeEntry(c0 + 4), 20)).toBe(SITE_INDEX_TABLE);
    expect<usize>(<usize>load<u32>(largeEntry(c0 + 4), 16)).toBe(tableOf(index));
    expect<u64>(indexSlots(index)).toBe(16);
    expect<u64>(indexKeys(index)).toBe(0);
    expect<u64>(allRequested() - all0).toBe(96 + 1024 + 56 + 32 + 256);
    expect<u64>(rustRequested() - rust0).toBe(1024 + 56 + 32 + 256, "the index itself is not a Rust allocation");
    indexDrop(index);
  });

  it("the table is zero even when carved from memory that was written", () => {
    // 64 KiB of dirt, then freed: the index's blocks come from it.
    const dirt = heapAlloc(SITE_TEST, 65536, 8, false);
    memory.fill(dirt, 0xA5, 65536);
    heapFree(dirt, SITE_TEST);
    const index = indexNew(INDEXER_FIRST_WORD, 1000, VARIANT_EXPLICIT_DROP, 64); // 1143 -> 2048 slots, 32 KiB
    const table = tableOf(index);
    expect<u64>(indexSlots(index)).toBe(2048);
    expect<bool>(table >= dirt && table + 32768 <= dirt + 65536).toBe(true, "the table lies in the dirtied range");
    expect<u32>(nonZeroBytes(table, 32768)).toBe(0, "all 2048 entries empty");
    indexDrop(index);
  });

  it("indexDrop wipes the entries it wrote before handing the table back as zero", () => {
    const a = indexNew(INDEXER_FIRST_WORD, 100, VARIANT_EXPLICIT_DROP, 64); // ceil(800/7) = 115 -> 128 slots
    // A live block right after the table: the freed table's block ends where the table ends.
    const guard = heapAlloc(SITE_TEST, 16, 8, false);
    for (let k: u64 = 1; k <= 90; k++) indexUpsert(a, k * 7919, k);
    const tableA = tableOf(a);
    expect<u64>(indexSlots(a)).toBe(128, "128 x 16 = 2048 bytes");
    expect<bool>(nonZeroBytes(tableA + 8, 2048 - 16) != 0).toBe(true, "entries were written");
    indexDrop(a); // wipes the written slots, then heapFreeZeroed
    // The freed memory, less what the heap itself writes into a free block (bin links in the first
    // 8 payload bytes, the footer in the last 4: block.ts block layout), must be zero: the heap now
    // treats it as fresh and will not fill it for the next zeroed request.
    const dirty = nonZeroBytes(tableA + 8, 2048 - 16);
    expect<u32>(dirty).toBe(0, "wiped");
    // (A dirty table handed out as empty would make later probes loop forever: restore the heap's
    // invariant if the wipe was missing, so the failure is reported instead of hanging the file.)
    if (dirty != 0) memory.fill(tableA + 8, 0, 2048 - 16);
    else {
      const b = indexNew(INDEXER_FIRST_WORD, 100, VARIANT_EXPLICIT_DROP, 64);
      expect<u32>(nonZeroBytes(tableOf(b), 2048)).toBe(0, "the next index's table is empty");
      expect<i64>(indexFind(b, 7919)).toBe(-1);
      indexDrop(b);
    }
    heapFree(guard, SITE_TEST);
  });
});

/** φ^-1 mod 2^64, for table.ts's Fibonacci hashing (Newton's step doubles the correct low bits, from 3). */
function inverseOfGolden(): u64 {
  const phi: u64 = 0x9E3779B97F4A7C15;
  let x = phi;
  for (let i = 0; i < 5; i++) x *= 2 - phi * x;
  return x;
}

/** A FIRST_WORD key whose home in a table of 2^bits slots is `slot`: key x φ has `slot` as its top bits; `j` tells keys apart. */
function keyWithHome(slot: u64, bits: u32, j: u64): u64 {
  return ((slot << (64 - bits)) + j) * inverseOfGolden();
}

/** Zero in every byte the heap leaves alone once the block is free (bin links in the first 8, footer in the last 8). */
function wipedTable(table: usize, bytes: usize): bool {
  const dirty = nonZeroBytes(table + 8, bytes - 16);
  // A dirty table handed out as empty would make later probes loop forever: restore the heap's
  // invariant, so the failure is reported instead of hanging the file.
  if (dirty != 0) memory.fill(table + 8, 0, bytes - 16);
  return dirty == 0;
}

describe("indexDrop's wipe (from each value's home slot to the first empty one)", () => {
  it("clusters that wrap past the end, keys homed inside them, scattered keys, replacements: all zero after the drop", () => {
    const a = indexNew(INDEXER_FIRST_WORD, 1000, VARIANT_AS_WRITTEN, 8); // 2048 = 2^11 slots (32 KiB); 8-slot pages
    const guard = heapAlloc(SITE_TEST, 16, 8, false); // the freed table's block ends where the table ends
    const keys: u64[] = [];
    for (let j: u64 = 1; j <= 12; j++) keys.push(keyWithHome(2047, 11, j)); // the last slot: wraps to 0..10
    for (let j: u64 = 1; j <= 5; j++) keys.push(keyWithHome(3, 11, j)); // homed inside the wrapped run
    for (let j: u64 = 1; j <= 100; j++) keys.push(j * 0x2545F4914F6CDD1D); // scattered
    for (let i = 0; i < keys.length; i++) indexUpsert(a, keys[i], <u64>i);
    for (let i = 0; i < keys.length; i += 9) indexUpsert(a, keys[i], 1000 + <u64>i); // 13 replacements
    const table = tableOf(a);
    expect<u64>(indexSlots(a)).toBe(2048, "117 keys: no growth");
    expect<u64>(indexKeys(a)).toBe(117);
    expect<bool>(load<u64>(table, 8) != 0 && load<u64>(table + 16 * 10, 8) != 0).toBe(true, "the run from slot 2047 wrapped past slot 10");
    expect<u64>(streamPageCount(a)).toBe(17, "130 values in 8-slot pages: the wipe reads pages that are no longer active");
    indexDrop(a);
    const wiped = wipedTable(table, 32768);
    expect<bool>(wiped).toBe(true, "every entry written is zero again");
    if (wiped) {
      // Half the size, so the heap's good-fit search (tlsf.ts) takes it from the freed block.
      const b = indexNew(INDEXER_FIRST_WORD, 500, VARIANT_AS_WRITTEN, 8); // 1024 slots, 16 KiB
      const tableB = tableOf(b);
      // Carved from the freed table's block, which may have merged with a small free block before
      // it (which ones are free depends on the model-only page directory's blocks, too).
      expect<bool>(tableB + 16384 > table + 1024 && tableB + 16384 <= table + 32768).toBe(true, "the next index's table is carved from the freed one");
      expect<u32>(nonZeroBytes(tableB, 16384)).toBe(0, "and is all zero");
      let found = 0;
      for (let i = 0; i < keys.length; i++) if (indexFind(b, keys[i]) >= 0) found++;
      expect<i32>(found).toBe(0, "it reads empty");
      indexDrop(b);
    }
    heapFree(guard, SITE_TEST);
  });

  it("a table that grew, keyed by HASH_BOTH: the final table is all zero after the drop", () => {
    const index = indexNew(INDEXER_HASH_BOTH, 0, VARIANT_EXPLICIT_DROP, 64);
    for (let k: u64 = 0; k < 300; k++) indexUpsert(index, k * 0x9E3779B97F4A7C15, k % 17);
    expect<u64>(indexSlots(index)).toBe(512, "8 -> ... -> 512: 300 keys under 7/8 of 512");
    const table = tableOf(index);
    indexDrop(index);
    expect<bool>(wipedTable(table, 512 * 16)).toBe(true);
  });
});

describe("upsert, find, get", () => {
  it("inserts and replaces; keys counts distinct keys; get copies the latest value", () => {
    const index = indexNew(INDEXER_FIRST_WORD, 8, VARIANT_EXPLICIT_DROP, 64);
    expect<i64>(indexFind(index, 5)).toBe(-1);
    expect<bool>(indexGet(index, 5, out)).toBe(false);

    expect<i64>(indexUpsert(index, 5, 50)).toBe(0, "stream position 0");
    expect<u64>(indexKeys(index)).toBe(1);
    expect<i64>(indexFind(index, 5)).toBe(0);
    expect<bool>(indexGet(index, 5, out)).toBe(true);
    expect<u64>(load<u64>(out)).toBe(5);
    expect<u64>(load<u64>(out, 8)).toBe(50);

    expect<i64>(indexUpsert(index, 6, 60)).toBe(1);
    expect<u64>(indexKeys(index)).toBe(2);
    expect<i64>(indexUpsert(index, 5, 51)).toBe(2, "appended at 2");
    expect<u64>(indexKeys(index)).toBe(2, "a replacement adds no key");
    expect<i64>(indexFind(index, 5)).toBe(2, "key 5 now points at its latest value");
    expect<bool>(indexGet(index, 5, out)).toBe(true);
    expect<u64>(load<u64>(out, 8)).toBe(51);
    expect<i64>(indexFind(index, 6)).toBe(1);
    expect<i64>(indexFind(index, 7)).toBe(-1);
    expect<u64>(streamLen(index)).toBe(3, "every upsert appends");

    // indexValues: each key's latest value in stream order -> (6, 60) at 1, (5, 51) at 2.
    const values = heapAlloc(SITE_TEST, 16 * 4, 8, true);
    const written = heapAlloc(SITE_TEST, 4, 4, true);
    expect<u64>(indexValues(index, 0, values, 4, written)).toBe(3);
    expect<u32>(load<u32>(written)).toBe(2);
    expect<u64>(load<u64>(values)).toBe(6);
    expect<u64>(load<u64>(values + 16, 8)).toBe(51);
    heapFree(values, SITE_TEST);
    heapFree(written, SITE_TEST);
    indexDrop(index);
  });

  it("capacity 0 allocates no table until the first upsert, which makes 8 slots", () => {
    const table0 = requests(SITE_INDEX_TABLE);
    const index = indexNew(INDEXER_FIRST_WORD, 0, VARIANT_EXPLICIT_DROP, 64);
    expect<u64>(requests(SITE_INDEX_TABLE)).toBe(table0, "no table");
    expect<u64>(indexSlots(index)).toBe(0);
    expect<i64>(indexFind(index, 1)).toBe(-1);
    expect<i64>(indexUpsert(index, 1, 1)).toBe(0);
    expect<u64>(requests(SITE_INDEX_TABLE) - table0).toBe(1);
    expect<u64>(indexSlots(index)).toBe(8, "max(0 x 2, 8)");
    expect<i64>(indexFind(index, 1)).toBe(0);
    indexDrop(index);
  });
});

describe("growth", () => {
  it("8 slots hold 7 keys; the 8th grows to 16, the 15th to 32; every key stays findable", () => {
    const index = indexNew(INDEXER_FIRST_WORD, 7, VARIANT_EXPLICIT_DROP, 64); // ceil(56/7) = 8 -> 8 slots
    expect<u64>(indexSlots(index)).toBe(8);
    const tables0 = requests(SITE_INDEX_TABLE);
    const tableFrees0 = frees(SITE_INDEX_TABLE);
    const tableLive0 = liveBytes(SITE_INDEX_TABLE);
    // Keys 1..7: before insert k, keys = k - 1 and (k - 1 + 1) x 8 <= 8 x 7 = 56 for k <= 7.
    for (let k: u64 = 1; k <= 7; k++) indexUpsert(index, k * 1000, k);
    expect<u64>(indexSlots(index)).toBe(8, "7 keys: 7 x 8 = 56 <= 56");
    expect<u64>(requests(SITE_INDEX_TABLE)).toBe(tables0);
    // Key 8: (7 + 1) x 8 = 64 > 56 -> 16 slots, 256 bytes; the 128-byte table freed.
    indexUpsert(index, 8000, 8);
    expect<u64>(indexSlots(index)).toBe(16);
    expect<u64>(requests(SITE_INDEX_TABLE) - tables0).toBe(1);
    expect<u64>(frees(SITE_INDEX_TABLE) - tableFrees0).toBe(1);
    expect<u64>(liveBytes(SITE_INDEX_TABLE) - tableLive0).toBe(256 - 128);
    expect<u64>(indexKeys(index)).toBe(8);
    // Keys 9..14: (13 + 1) x 8 = 112 <= 16 x 7 = 112; key 15: (14 + 1) x 8 = 120 > 112 -> 32 slots.
    for (let k: u64 = 9; k <= 14; k++) indexUpsert(index, k * 1000, k);
    expect<u64>(indexSlots(index)).toBe(16, "14 keys fit 16 slots");
    indexUpsert(index, 15000, 15);
    expect<u64>(indexSlots(index)).toBe(32);
    expect<u64>(liveBytes(SITE_INDEX_TABLE) - tableLive0).toBe(512 - 128);
    expect<u64>(indexKeys(index)).toBe(15);
    let lost = 0;
    for (let k: u64 = 1; k <= 15; k++) if (indexFind(index, k * 1000) != <i64>(k - 1)) lost++;
    expect<i32>(lost).toBe(0, "every key at its stream position after two rehashes");
    indexDrop(index);
  });

  it("room is made before the lookup (hashbrown's reserve(1)): a replacement at 7 keys in 8 slots grows", () => {
    const index = indexNew(INDEXER_FIRST_WORD, 7, VARIANT_EXPLICIT_DROP, 64);
    for (let k: u64 = 1; k <= 7; k++) indexUpsert(index, k, k);
    const tables0 = requests(SITE_INDEX_TABLE);
    expect<i64>(indexUpsert(index, 3, 33)).toBe(7, "key 3 exists: replaced, appended at 7");
    expect<u64>(indexKeys(index)).toBe(7, "a replacement adds no key");
    expect<u64>(indexSlots(index)).toBe(16, "(7 + 1) x 8 > 56: doubled before the lookup");
    expect<u64>(requests(SITE_INDEX_TABLE)).toBe(tables0 + 1);
    expect<i64>(indexFind(index, 3)).toBe(7);
    expect<i64>(indexUpsert(index, 3, 34)).toBe(8);
    expect<u64>(indexSlots(index)).toBe(16, "below 7/8 a replacement changes nothing");
    indexDrop(index);
  });
});

describe("hashbrown table", () => {
  it("sizes as std's HashMap: 4 buckets for 1-3 keys, 8 for 4-7, then as flat; entries, then a control byte per bucket and 16", () => {
    expect<u64>(tableSlots(TABLE_HASHBROWN, 0)).toBe(0);
    for (let c: u64 = 1; c <= 3; c++) expect<u64>(tableSlots(TABLE_HASHBROWN, c)).toBe(4);
    for (let c: u64 = 4; c <= 7; c++) expect<u64>(tableSlots(TABLE_HASHBROWN, c)).toBe(8);
    expect<u64>(tableSlots(TABLE_HASHBROWN, 10_000_000)).toBe(slotsForCapacity(10_000_000));
    expect<u64>(tableRequestBytes(TABLE_HASHBROWN, 4)).toBe(4 * 16 + 4 + 16);
    expect<u64>(tableRequestBytes(TABLE_HASHBROWN, 1 << 24)).toBe(285_212_688, "2^24 x 17 + 16");
    expect<u64>(tableControlBytes(TABLE_HASHBROWN, 1 << 24)).toBe((1 << 24) + 16);
    expect<u64>(tableControlBytes(TABLE_HASHBROWN, 0)).toBe(0, "no table, no control bytes");
    // 24-byte entries: 4 x 24 = 96 (a multiple of 16), 8 x 24 = 192; 2 buckets would be 48 -> 48.
    expect<u64>(hashbrownAllocationBytes(4, 24)).toBe(96 + 4 + 16);
    expect<u64>(hashbrownAllocationBytes(1 << 24, 24)).toBe(419_430_416);
    // An entry size whose total is not a multiple of 16 is rounded up before the control bytes.
    expect<u64>(hashbrownAllocationBytes(4, 12)).toBe(48 + 4 + 16);
    expect<u64>(hashbrownAllocationBytes(8, 12)).toBe(96 + 8 + 16);
    expect<u64>(hashbrownAllocationBytes(4, 4)).toBe(16 + 4 + 16);
    expect<u64>(hashbrownAllocationBytes(4, 3)).toBe(16 + 4 + 16, "12 bytes of entries -> 16");
  });

  it("grows from no table to 4, 8, 16 buckets at 4, 8 and 15 keys; drop leaves nothing", () => {
    const live0 = allLive();
    const index = indexNew(INDEXER_FIRST_WORD, 0, VARIANT_EXPLICIT_DROP, 64, TABLE_HASHBROWN);
    expect<u64>(indexSlots(index)).toBe(0);
    const tables0 = requests(SITE_INDEX_TABLE);
    const bytes0 = load<u64>(siteRecord(SITE_INDEX_TABLE) + R_REQUESTED_BYTES);
    const tableLive0 = liveBytes(SITE_INDEX_TABLE);
    indexUpsert(index, 1, 1);
    expect<u64>(indexSlots(index)).toBe(4, "the first insert: 4 buckets");
    for (let k: u64 = 2; k <= 3; k++) indexUpsert(index, k, k);
    expect<u64>(indexSlots(index)).toBe(4, "4 buckets hold 3");
    indexUpsert(index, 4, 4);
    expect<u64>(indexSlots(index)).toBe(8);
    for (let k: u64 = 5; k <= 8; k++) indexUpsert(index, k, k);
    expect<u64>(indexSlots(index)).toBe(16, "8 buckets hold 7");
    for (let k: u64 = 9; k <= 15; k++) indexUpsert(index, k, k);
    expect<u64>(indexSlots(index)).toBe(32, "16 buckets hold 14");
    expect<u64>(requests(SITE_INDEX_TABLE) - tables0).toBe(4);
    expect<u64>(load<u64>(siteRecord(SITE_INDEX_TABLE) + R_REQUESTED_BYTES) - bytes0).toBe(84 + 152 + 288 + 560, "17 x b + 16 for b = 4, 8, 16, 32");
    expect<u64>(liveBytes(SITE_INDEX_TABLE) - tableLive0).toBe(560, "only the 32-bucket table is live");
    let lost = 0;
    for (let k: u64 = 1; k <= 15; k++) if (indexFind(index, k) != <i64>(k - 1)) lost++;
    expect<i32>(lost).toBe(0);
    indexDrop(index);
    expect<u64>(allLive()).toBe(live0, "the ledger as before");
  });
});

describe("indexers", () => {
  it("FIRST_WORD keys by a, SECOND_WORD by b, HASH_BOTH mixes both asymmetrically", () => {
    expect<u64>(indexKey(INDEXER_FIRST_WORD, 11, 22)).toBe(11);
    expect<u64>(indexKey(INDEXER_SECOND_WORD, 11, 22)).toBe(22);
    // (a x 0x9E3779B97F4A7C15) ^ rotl(b x 0xC2B2AE3D27D4EB4F, 31), computed independently (BigInt):
    expect<u64>(indexKey(INDEXER_HASH_BOTH, 1, 0)).toBe(0x9E3779B97F4A7C15);
    expect<u64>(indexKey(INDEXER_HASH_BOTH, 0, 1)).toBe(0x93EA75A7E159571E, "rotl(K2, 31)");
    expect<u64>(indexKey(INDEXER_HASH_BOTH, 1, 2)).toBe(0xB9E392F63DF8D228);
    expect<u64>(indexKey(INDEXER_HASH_BOTH, 2, 1)).toBe(0xAF8486D51FCDAF34, "(a, b) and (b, a) differ");
    expect<u64>(indexKey(INDEXER_HASH_BOTH, 5, 50)).toBe(0xF4DF9A287F076F91);
  });

  it("an index keys its values with its own indexer", () => {
    const byB = indexNew(INDEXER_SECOND_WORD, 8, VARIANT_EXPLICIT_DROP, 64);
    indexUpsert(byB, 1, 7);
    indexUpsert(byB, 2, 7); // same b: replaces
    indexUpsert(byB, 3, 8);
    expect<u64>(indexKeys(byB)).toBe(2);
    expect<u64>(indexKeyOf(byB, 9, 7)).toBe(7);
    expect<i64>(indexFind(byB, 7)).toBe(1);
    expect<bool>(indexGet(byB, 7, out)).toBe(true);
    expect<u64>(load<u64>(out)).toBe(2, "the latest value with b = 7");
    indexDrop(byB);

    const hashed = indexNew(INDEXER_HASH_BOTH, 8, VARIANT_EXPLICIT_DROP, 64);
    indexUpsert(hashed, 1, 2);
    indexUpsert(hashed, 2, 1);
    expect<u64>(indexKeys(hashed)).toBe(2, "(1, 2) and (2, 1) are different keys");
    expect<i64>(indexFind(hashed, 0xAF8486D51FCDAF34)).toBe(1);
    expect<i64>(indexFind(hashed, 0xB9E392F63DF8D228)).toBe(0);
    expect<i64>(indexFind(hashed, 1)).toBe(-1);
    indexDrop(hashed);
  });
});

/** Live bytes of the sites an index touches, to compare before and after. */
class Snap {
  inline: u64 = liveBytes(SITE_INDEX_INLINE);
  table: u64 = liveBytes(SITE_INDEX_TABLE);
  pages: u64 = liveBytes(SITE_STREAM_PAGES);
  arc: u64 = liveBytes(SITE_ARC_PAGE);
  slots: u64 = liveBytes(SITE_PAGE_SLOTS);
  all: u64 = allLive();
  blocks: u64 = allLiveBlocks();
  invalid: u64 = invalidFrees();
}

/** indexNew with `pageSlots`, 20 upserts (several pages if pageSlots < 20), indexDrop; returns its result. */
function churn(variant: u32, pageSlots: u32, expectPages: u64): bool {
  const index = indexNew(INDEXER_FIRST_WORD, 8, variant, pageSlots);
  for (let k: u64 = 0; k < 20; k++) indexUpsert(index, k, k);
  expect<u64>(streamPageCount(index)).toBe(expectPages);
  return indexDrop(index);
}

describe("indexDrop per variant", () => {
  it("EXPLICIT_DROP: every byte back, one page or several", () => {
    let s = new Snap();
    expect<bool>(churn(VARIANT_EXPLICIT_DROP, 64, 1)).toBe(true);
    expect<u64>(allLive()).toBe(s.all, "ledger live bytes as before indexNew");
    expect<u64>(allLiveBlocks()).toBe(s.blocks);
    s = new Snap();
    expect<bool>(churn(VARIANT_EXPLICIT_DROP, 8, 3)).toBe(true); // 20 values, 8 a page -> 3 pages
    expect<u64>(allLive()).toBe(s.all, "three pages, all given back");
    expect<u64>(allLiveBlocks()).toBe(s.blocks);
  });

  it("MOCK and ARCSWAP: every byte back", () => {
    let s = new Snap();
    churn(VARIANT_MOCK, 8, 3);
    expect<u64>(allLive()).toBe(s.all, "MOCK");
    s = new Snap();
    churn(VARIANT_ARCSWAP, 8, 3);
    expect<u64>(allLive()).toBe(s.all, "ARCSWAP");
    expect<u64>(allLiveBlocks()).toBe(s.blocks);
  });

  it("AS_WRITTEN: table, index and Vec freed; every page that was ever active leaks 56 + its slots", () => {
    let s = new Snap();
    churn(VARIANT_AS_WRITTEN, 64, 1);
    expect<u64>(liveBytes(SITE_INDEX_TABLE)).toBe(s.table, "table freed");
    expect<u64>(liveBytes(SITE_INDEX_INLINE)).toBe(s.inline, "index freed");
    expect<u64>(liveBytes(SITE_STREAM_PAGES)).toBe(s.pages, "Vec buffer freed");
    expect<u64>(liveBytes(SITE_ARC_PAGE) - s.arc).toBe(56, "the active page's ArcInner");
    expect<u64>(liveBytes(SITE_PAGE_SLOTS) - s.slots).toBe(1024, "and its 64 x 16 slots");
    s = new Snap();
    churn(VARIANT_AS_WRITTEN, 8, 3);
    expect<u64>(liveBytes(SITE_ARC_PAGE) - s.arc).toBe(3 * 56, "three pages were active in turn");
    expect<u64>(liveBytes(SITE_PAGE_SLOTS) - s.slots).toBe(3 * 8 * 16);
    expect<u64>(allLive() - s.all).toBe(3 * (56 + 128));
  });

  it("BOX_DROP: slots dropped in place, an invalid free of ArcInner + 16, the ArcInner leaks", () => {
    const s = new Snap();
    churn(VARIANT_BOX_DROP, 64, 1);
    expect<u64>(invalidFrees() - s.invalid).toBe(1, "Box::from_raw on Arc::into_raw's pointer");
    expect<u64>(liveBytes(SITE_PAGE_SLOTS)).toBe(s.slots, "the Page was dropped in place");
    expect<u64>(liveBytes(SITE_ARC_PAGE) - s.arc).toBe(56, "the Vec's release left strong 1: never freed");
    expect<u64>(liveBytes(SITE_INDEX_TABLE)).toBe(s.table);
    expect<u64>(liveBytes(SITE_INDEX_INLINE)).toBe(s.inline);
  });

  it("EPOCH_DEFERRED: the active page waits for the collector, then goes", () => {
    const s = new Snap();
    const collector0 = requests(SITE_ARC_GLOBAL);
    const pending0 = pendingDeferred(0);
    expect<bool>(churn(VARIANT_EPOCH_DEFERRED, 64, 1)).toBe(true);
    // The drop pinned: this instance's first pin created the collector (2072 + 640 + 2304).
    expect<u64>(requests(SITE_ARC_GLOBAL) - collector0).toBe(1);
    expect<u64>(liveBytes(SITE_QUEUE_NODE) + liveBytes(SITE_ARC_GLOBAL) + liveBytes(SITE_LOCAL)).toBe(5016);
    expect<u64>(liveBytes(SITE_INDEX_TABLE)).toBe(s.table, "table freed at once");
    expect<u64>(liveBytes(SITE_STREAM_PAGES)).toBe(s.pages);
    expect<u64>(liveBytes(SITE_ARC_PAGE) - s.arc).toBe(56, "active page deferred");
    expect<u64>(liveBytes(SITE_PAGE_SLOTS) - s.slots).toBe(1024);
    expect<u64>(pendingDeferred(0) - pending0).toBe(1, "one Deferred: drop(Arc::from_raw(old))");
    const local = currentParticipant();
    localFlush(local); // push the bag sealed at E, collect: E+1
    expect<u64>(liveBytes(SITE_ARC_PAGE) - s.arc).toBe(56, "not expired at E+1");
    localFlush(local); // E+2: run
    expect<u64>(liveBytes(SITE_ARC_PAGE)).toBe(s.arc, "freed once the bag expired");
    expect<u64>(liveBytes(SITE_PAGE_SLOTS)).toBe(s.slots);
  });
});
