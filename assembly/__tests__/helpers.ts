// Shared helpers for the as-pect specs: readers for the documented tables (heap root, ledger, logs)
// and the heap's size arithmetic written out from the layout comments, so a spec can state the exact
// figure it expects. Not a spec itself (no `.spec.ts`), and no top-level statements that touch memory.
//
// Offsets come from the modules that declare the structures (ledger.ts, block.ts), never copied.

import { heapInit, heapConfigure, GROW_EXACT } from "../memory/heap";
import { LARGE_LOG, FAILURE_LOG, BAD_FREE_LOG } from "../memory/layout";
import {
  ROOT_FOOTPRINT, ROOT_PEAK_FOOTPRINT, ROOT_REGIONS, ROOT_GROWTHS, FL_COUNT, SL_SIZE, headSlot, sizeOf, nextFree
} from "../memory/block";
import {
  siteRecord, DEFAULT_LARGE_THRESHOLD, LARGE_CAPACITY, FAILURE_CAPACITY, BAD_FREE_CAPACITY,
  LARGE_ENTRY, FAILURE_ENTRY, BAD_FREE_ENTRY,
  R_REQUESTS, R_REQUESTED_BYTES, R_BLOCK_BYTES, R_LIVE_BYTES, R_LIVE_BLOCKS, R_PEAK_LIVE_BYTES,
  R_LIVE_BLOCK_BYTES, R_FREES, R_FAILED, R_LARGEST,
  L_ALL, L_RUST, L_EVENTS, L_LARGE_COUNT, L_FAILURE_COUNT, L_INVALID_FREES, L_DOUBLE_FREES
} from "../memory/ledger";
import { FOOTPRINT_SEGSTREAM } from "../memory/footprint";

// --- Ledger (ledger.ts exports the SiteRecord field offsets R_* and the header addresses L_*) ---

/** One SiteRecord field of a site, and of the `all` (every site) and `rust` (RUST sites) records. */
export function requests(site: u32): u64 { return load<u64>(siteRecord(site) + R_REQUESTS); }
export function requestedBytes(site: u32): u64 { return load<u64>(siteRecord(site) + R_REQUESTED_BYTES); }
export function liveBytes(site: u32): u64 { return load<u64>(siteRecord(site) + R_LIVE_BYTES); }
export function liveBlocks(site: u32): u64 { return load<u64>(siteRecord(site) + R_LIVE_BLOCKS); }
export function frees(site: u32): u64 { return load<u64>(siteRecord(site) + R_FREES); }
export function allRequests(): u64 { return load<u64>(L_ALL + R_REQUESTS); }
export function allRequested(): u64 { return load<u64>(L_ALL + R_REQUESTED_BYTES); }
export function allLive(): u64 { return load<u64>(L_ALL + R_LIVE_BYTES); }
export function allLiveBlocks(): u64 { return load<u64>(L_ALL + R_LIVE_BLOCKS); }
export function rustRequested(): u64 { return load<u64>(L_RUST + R_REQUESTED_BYTES); }
export function rustLive(): u64 { return load<u64>(L_RUST + R_LIVE_BYTES); }

export function events(): u64 { return load<u64>(L_EVENTS); }
export function largeCount(): u64 { return load<u64>(L_LARGE_COUNT); }
export function failureCount(): u64 { return load<u64>(L_FAILURE_COUNT); }
export function invalidFrees(): u64 { return load<u64>(L_INVALID_FREES); }
export function doubleFrees(): u64 { return load<u64>(L_DOUBLE_FREES); }

// --- Logs (ledger.ts, LargeEntry / FailureEntry / BadFreeEntry) ---
/** LargeEntry i: 0 event u64 · 8 bytes u64 · 16 address u32 · 20 site u32 · 24 granted u32 · 28 align u32. */
export function largeEntry(index: u64): usize { return LARGE_LOG + <usize>(index % LARGE_CAPACITY) * LARGE_ENTRY; }
/** FailureEntry i: 0 event · 8 bytes · 16 footprint · 24 limit (u64s) · 32 site · 36 reason · 40 align · 44 pagesWanted (u32s) · 64 liveBytes[MAX_SITES] u64. */
export function failureEntry(index: u64): usize { return FAILURE_LOG + <usize>(index % FAILURE_CAPACITY) * FAILURE_ENTRY; }
/** BadFreeEntry i: 0 event u64 · 8 address · 12 freeingSite · 16 kind · 20 blockSite · 24 blockAddress (u32s). */
export function badFreeEntry(index: u64): usize { return BAD_FREE_LOG + <usize>(index % BAD_FREE_CAPACITY) * BAD_FREE_ENTRY; }

// --- Heap root (block.ts, "Root (at HEAP_ROOT)") ---
export function footprint(): u64 { return load<u64>(ROOT_FOOTPRINT); }
export function peakFootprint(): u64 { return load<u64>(ROOT_PEAK_FOOTPRINT); }
export function regions(): u32 { return load<u32>(ROOT_REGIONS); }
export function growths(): u32 { return load<u32>(ROOT_GROWTHS); }

// --- Block arithmetic (block.ts, "Block layout" and the bin description) ---
export const PAGE: u64 = 65536;
export const HEADER: u64 = 16;

/** Block bytes for a request: 16-byte header + payload, rounded up to 16, at least 32. */
export function blockSizeFor(requested: u64): u64 {
  let size = (requested + 16 + 15) & ~(<u64>15);
  return size < 32 ? 32 : size;
}

/**
 * TLSF "good fit": a search rounds the size up to the next bin boundary so that every block in the
 * bin it lands in fits. Below 256 bytes bins are 16 bytes wide (exact); above, [2^k, 2^k+1) is split
 * into 16 bins of 2^(k-4) bytes, so a search adds 2^(k-4) - 1.
 */
export function searchSize(size: u64): u64 {
  if (size < 256) return size;
  let top = 63 - clz<u64>(size);
  return size + (<u64>1 << (top - 4)) - 1;
}

export function pagesFor(bytes: u64): u64 { return (bytes + PAGE - 1) / PAGE; }

/**
 * Pages a growth needs for a search of `need` bytes when the heap's top does not touch the end of
 * memory: the (bin-rounded) block plus its region's own 16-byte tail sentinel.
 */
export function pagesForNewRegion(need: u64): u64 { return pagesFor(searchSize(need) + HEADER); }

/** More free blocks than any spec makes: a walk that goes past it is going round a cycle. */
const MAX_LIST: u32 = 1 << 20;

/** Largest free block, found by walking every bin list (root heads, each block's next link). */
export function largestFreeBlock(): u64 {
  let largest: u64 = 0;
  for (let fl: u32 = 0; fl < FL_COUNT; fl++) {
    for (let sl: u32 = 0; sl < SL_SIZE; sl++) {
      let block = <usize>load<u32>(headSlot(fl, sl));
      let steps: u32 = 0;
      while (block) {
        let size = <u64>sizeOf(block);
        if (size > largest) largest = size;
        block = nextFree(block);
        if (++steps > MAX_LIST) abort("bin list does not end (a block inserted twice?)");
      }
    }
  }
  return largest;
}

/** Free blocks in the bins (same walk). */
export function freeBlockCount(): u32 {
  let count: u32 = 0;
  for (let fl: u32 = 0; fl < FL_COUNT; fl++) {
    for (let sl: u32 = 0; sl < SL_SIZE; sl++) {
      let block = <usize>load<u32>(headSlot(fl, sl));
      while (block) {
        if (++count > MAX_LIST) abort("bin list does not end (a block inserted twice?)");
        block = nextFree(block);
      }
    }
  }
  return count;
}

/**
 * Per-file set-up: AS's own TLSF (as-pect's runtime) must have taken its memory before the segstream
 * heap's first `memory.grow`, or it would later claim our regions. Then the heap's own init.
 */
export function startHeap(): void {
  heap.free(heap.alloc(16));
  heapInit();
}

/**
 * heapConfigure with the footprint model these specs assume: the limit applies to the linear memory
 * the heap has taken (FOOTPRINT_SEGSTREAM, footprint.ts), the figure read at ROOT_FOOTPRINT.
 */
export function configure(policy: u32, chunkPages: u32, limit: u64, largeThreshold: u64): void {
  heapConfigure(policy, chunkPages, FOOTPRINT_SEGSTREAM, limit, largeThreshold);
}

/** Back to the defaults heapInit sets: exact growth, segstream footprint, no limit, 1 MiB large threshold. */
export function defaultConfig(): void {
  configure(GROW_EXACT, 1, 0, DEFAULT_LARGE_THRESHOLD);
}

/** A copy of one SiteRecord, to compare before and after. */
export class Rec {
  requests: u64 = 0;
  requestedBytes: u64 = 0;
  blockBytes: u64 = 0;
  liveBytes: u64 = 0;
  liveBlocks: u64 = 0;
  liveBlockBytes: u64 = 0;
  peakLiveBytes: u64 = 0;
  frees: u64 = 0;
  failed: u64 = 0;
  largest: u64 = 0;

  static at(record: usize): Rec {
    let r = new Rec();
    r.requests = load<u64>(record + R_REQUESTS);
    r.requestedBytes = load<u64>(record + R_REQUESTED_BYTES);
    r.blockBytes = load<u64>(record + R_BLOCK_BYTES);
    r.liveBytes = load<u64>(record + R_LIVE_BYTES);
    r.liveBlocks = load<u64>(record + R_LIVE_BLOCKS);
    r.liveBlockBytes = load<u64>(record + R_LIVE_BLOCK_BYTES);
    r.peakLiveBytes = load<u64>(record + R_PEAK_LIVE_BYTES);
    r.frees = load<u64>(record + R_FREES);
    r.failed = load<u64>(record + R_FAILED);
    r.largest = load<u64>(record + R_LARGEST);
    return r;
  }
  static site(site: u32): Rec { return Rec.at(siteRecord(site)); }
  static all(): Rec { return Rec.at(L_ALL); }
  static rust(): Rec { return Rec.at(L_RUST); }
}
