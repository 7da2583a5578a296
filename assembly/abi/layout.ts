// The layouts of the reserved region's tables, as the host reads them: "Structure.field" names and
// their offsets (within the structure; the structures' base addresses have exports of their own, in
// index.ts), "Structure.size" for each structure's size or ring stride, and the largest index
// capacity the model allows (its table's slots, MAX_SLOTS, at 7/8 load). src/memory/layout.ts
// builds its offsets from these at load, by name, so no offset is written twice.

import { RESERVED_END, LEDGER, HEAP_ROOT } from "../memory/layout";
import {
  ROOT_POLICY, ROOT_CHUNK, ROOT_LIMIT, ROOT_FOOTPRINT, ROOT_PEAK_FOOTPRINT, ROOT_REGIONS, ROOT_GROWTHS,
  ROOT_ENGINE_REFUSALS, ROOT_MODEL, ROOT_GLIBC, ROOT_GLIBC_PEAK
} from "../memory/block";
import {
  SITE_RECORD_SIZE, R_REQUESTS, R_REQUESTED_BYTES, R_BLOCK_BYTES, R_LIVE_BYTES, R_LIVE_BLOCKS, R_PEAK_LIVE_BYTES,
  R_LIVE_BLOCK_BYTES, R_FREES, R_FAILED, R_LARGEST, R_PEAK_LIVE_BLOCKS, R_ALLOC_EVENTS, R_FREE_EVENTS,
  R_BYTES_AT_PEAK, R_BLOCKS_AT_PEAK, L_ALL, L_RUST, L_EVENTS, L_LARGEST, L_LARGEST_SITE, L_LARGE_THRESHOLD,
  L_LARGE_COUNT, L_FAILURE_COUNT, L_INVALID_FREES, L_DOUBLE_FREES, L_PEAK_EVENT, LargeEntry, LARGE_ENTRY,
  FailureHead, FAILURE_ENTRY, F_LIVE_BYTES, BadFreeEntry, BAD_FREE_ENTRY
} from "../memory/ledger";
import { CheckReport, CHECK_REPORT_SIZE } from "../memory/check";
import { V16_SIZE } from "../stream/page";
import { MAX_SLOTS } from "../index/table";
import { BagSnapshot } from "../epoch/collector";
import { S_LEN, S_WAITERS, S_VARIANT, S_PAGE_SHIFT } from "../stream/segmented_stream";

/** The offset of the row layoutRow last returned the name of. */
let rowOffset: usize = 0;

// @ts-ignore: decorator
@inline function row(offset: usize, name: string): string {
  rowOffset = offset;
  return name;
}

/** Row `i`'s name ("" past the end), its offset left in rowOffset: one table for both exports. */
function layoutRow(i: u32): string {
  switch (i) {
    case 0: return row(RESERVED_END, "Reserved.end");
    case 1: return row(SITE_RECORD_SIZE, "SiteRecord.size");
    case 2: return row(R_REQUESTS, "SiteRecord.requests");
    case 3: return row(R_REQUESTED_BYTES, "SiteRecord.requestedBytes");
    case 4: return row(R_BLOCK_BYTES, "SiteRecord.blockBytes");
    case 5: return row(R_LIVE_BYTES, "SiteRecord.liveBytes");
    case 6: return row(R_LIVE_BLOCKS, "SiteRecord.liveBlocks");
    case 7: return row(R_PEAK_LIVE_BYTES, "SiteRecord.peakLiveBytes");
    case 8: return row(R_LIVE_BLOCK_BYTES, "SiteRecord.liveBlockBytes");
    case 9: return row(R_FREES, "SiteRecord.frees");
    case 10: return row(R_FAILED, "SiteRecord.failedRequests");
    case 11: return row(R_LARGEST, "SiteRecord.largestRequest");
    case 12: return row(R_PEAK_LIVE_BLOCKS, "SiteRecord.peakLiveBlocks");
    case 13: return row(R_ALLOC_EVENTS, "SiteRecord.allocEvents");
    case 14: return row(R_FREE_EVENTS, "SiteRecord.freeEvents");
    case 15: return row(R_BYTES_AT_PEAK, "SiteRecord.bytesAtPeak");
    case 16: return row(R_BLOCKS_AT_PEAK, "SiteRecord.blocksAtPeak");
    case 17: return row(L_ALL - LEDGER, "Ledger.all");
    case 18: return row(L_RUST - LEDGER, "Ledger.rust");
    case 19: return row(L_EVENTS - LEDGER, "Ledger.events");
    case 20: return row(L_LARGEST - LEDGER, "Ledger.largestRequest");
    case 21: return row(L_LARGEST_SITE - LEDGER, "Ledger.largestSite");
    case 22: return row(L_LARGE_THRESHOLD - LEDGER, "Ledger.largeThreshold");
    case 23: return row(L_LARGE_COUNT - LEDGER, "Ledger.largeCount");
    case 24: return row(L_FAILURE_COUNT - LEDGER, "Ledger.failureCount");
    case 25: return row(L_INVALID_FREES - LEDGER, "Ledger.invalidFrees");
    case 26: return row(L_DOUBLE_FREES - LEDGER, "Ledger.doubleFrees");
    case 27: return row(L_PEAK_EVENT - LEDGER, "Ledger.peakEvent");
    case 28: return row(LARGE_ENTRY, "LargeEntry.size");
    case 29: return row(offsetof<LargeEntry>("event"), "LargeEntry.event");
    case 30: return row(offsetof<LargeEntry>("bytes"), "LargeEntry.bytes");
    case 31: return row(offsetof<LargeEntry>("address"), "LargeEntry.address");
    case 32: return row(offsetof<LargeEntry>("site"), "LargeEntry.site");
    case 33: return row(offsetof<LargeEntry>("granted"), "LargeEntry.granted");
    case 34: return row(offsetof<LargeEntry>("align"), "LargeEntry.align");
    case 35: return row(FAILURE_ENTRY, "FailureEntry.size");
    case 36: return row(offsetof<FailureHead>("event"), "FailureEntry.event");
    case 37: return row(offsetof<FailureHead>("bytes"), "FailureEntry.bytes");
    case 38: return row(offsetof<FailureHead>("footprint"), "FailureEntry.footprint");
    case 39: return row(offsetof<FailureHead>("limit"), "FailureEntry.limit");
    case 40: return row(offsetof<FailureHead>("site"), "FailureEntry.site");
    case 41: return row(offsetof<FailureHead>("reason"), "FailureEntry.reason");
    case 42: return row(offsetof<FailureHead>("align"), "FailureEntry.align");
    case 43: return row(offsetof<FailureHead>("pagesWanted"), "FailureEntry.pagesWanted");
    case 44: return row(F_LIVE_BYTES, "FailureEntry.liveBytes");
    case 45: return row(BAD_FREE_ENTRY, "BadFreeEntry.size");
    case 46: return row(offsetof<BadFreeEntry>("event"), "BadFreeEntry.event");
    case 47: return row(offsetof<BadFreeEntry>("address"), "BadFreeEntry.address");
    case 48: return row(offsetof<BadFreeEntry>("freeingSite"), "BadFreeEntry.freeingSite");
    case 49: return row(offsetof<BadFreeEntry>("kind"), "BadFreeEntry.kind");
    case 50: return row(offsetof<BadFreeEntry>("blockSite"), "BadFreeEntry.blockSite");
    case 51: return row(offsetof<BadFreeEntry>("blockAddress"), "BadFreeEntry.blockAddress");
    case 52: return row(ROOT_POLICY - HEAP_ROOT, "HeapRoot.policy");
    case 53: return row(ROOT_CHUNK - HEAP_ROOT, "HeapRoot.chunkPages");
    case 54: return row(ROOT_LIMIT - HEAP_ROOT, "HeapRoot.limit");
    case 55: return row(ROOT_FOOTPRINT - HEAP_ROOT, "HeapRoot.footprint");
    case 56: return row(ROOT_PEAK_FOOTPRINT - HEAP_ROOT, "HeapRoot.peakFootprint");
    case 57: return row(ROOT_REGIONS - HEAP_ROOT, "HeapRoot.regions");
    case 58: return row(ROOT_GROWTHS - HEAP_ROOT, "HeapRoot.growths");
    case 59: return row(ROOT_ENGINE_REFUSALS - HEAP_ROOT, "HeapRoot.engineRefusals");
    case 60: return row(ROOT_MODEL - HEAP_ROOT, "HeapRoot.footprintModel");
    case 61: return row(ROOT_GLIBC - HEAP_ROOT, "HeapRoot.glibcFootprint");
    case 62: return row(ROOT_GLIBC_PEAK - HEAP_ROOT, "HeapRoot.glibcPeak");
    case 63: return row(<usize>CHECK_REPORT_SIZE, "CheckReport.size");
    case 64: return row(offsetof<CheckReport>("code"), "CheckReport.code");
    case 65: return row(offsetof<CheckReport>("address"), "CheckReport.address");
    case 66: return row(offsetof<CheckReport>("expected"), "CheckReport.expected");
    case 67: return row(offsetof<CheckReport>("actual"), "CheckReport.actual");
    case 68: return row(V16_SIZE, "V16.size");
    case 69: return row(<usize>(MAX_SLOTS / 8 * 7), "OptimisedIndex.maxCapacity");
    case 70: return row(offsetof<BagSnapshot>(), "BagSnapshot.size");
    case 71: return row(offsetof<BagSnapshot>("epoch"), "BagSnapshot.epoch");
    case 72: return row(offsetof<BagSnapshot>("len"), "BagSnapshot.length");
    case 73: return row(S_LEN, "SegmentedStream.len");
    case 74: return row(S_WAITERS, "SegmentedStream.waiters");
    case 75: return row(S_VARIANT, "SegmentedStream.variant");
    case 76: return row(S_PAGE_SHIFT, "SegmentedStream.pageShift");
  }
  return row(0, "");
}

/** Rows of the layout table: those up to the first without a name. */
export function layoutCount(): u32 {
  let count: u32 = 0;
  while (layoutRow(count).length) count++;
  return count;
}

/** Row `field`'s name, "Structure.field" ("" past the end). */
export function layoutName(field: u32): string { return layoutRow(field); }

/** Row `field`'s offset (0 past the end). */
export function layoutOffset(field: u32): u32 {
  layoutRow(field);
  return <u32>rowOffset;
}
