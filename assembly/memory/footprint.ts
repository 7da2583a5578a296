// The heap's footprint: the memory it holds, as the limit measures it, and how it takes more.
//
// Two footprint models say what "memory in use" means when a limit is applied:
//
//   FOOTPRINT_SEGSTREAM  the linear memory segstream's heap has taken from the engine: the model's
//                        own process size, growth policy and fragmentation included.
//   FOOTPRINT_GLIBC      what glibc malloc on x86-64 would hold for the live Rust allocations, so a
//                        limit reads like an address-space limit on the native program:
//                          - a request below the mmap threshold (128 KiB) takes a chunk of
//                            request + 8 (the size field) rounded up to 16, at least 32 bytes;
//                          - a request from the threshold up is mapped on its own: the chunk plus
//                            an 8-byte header, rounded up to whole 4 KiB pages.
//                        Only RUST sites count (MODEL storage has no native counterpart), and freed
//                        chunks are assumed reused perfectly (no arena fragmentation). glibc's
//                        dynamic threshold only moves for freed maps up to 32 MiB, so a 256 MiB
//                        table is mapped every time.
//
// Both figures are always kept (the ledger reports both); the limit applies to the chosen one only,
// at the point where that model would feel it: the glibc count when a request is admitted (before
// any memory is touched, so the refusal is the same whatever the bins hold), the segstream count
// when memory is taken from the engine. Both kinds of region come from takePages: binned regions
// (tlsf.ts) by the growth policy, large blocks' regions (large.ts) by the page. A growth that would
// pass the limit falls back to exactly what is needed; if even that passes the limit, or the engine
// refuses, the request fails with a failure record (ledger.ts).

import {
  ROOT_FOOTPRINT, ROOT_PEAK_FOOTPRINT, ROOT_GROWTHS, ROOT_ENGINE_REFUSALS, ROOT_MODEL, ROOT_LIMIT, ROOT_POLICY,
  ROOT_CHUNK, ROOT_GLIBC, ROOT_GLIBC_PEAK, PAGE_BITS
} from "./block";
import { noteGrowth } from "./view";
import { STARTS_PAGES } from "./starts";
import { siteIsRust } from "./sites";
import { recordFailure, nextEvent, REASON_LIMIT, REASON_ENGINE } from "./ledger";
import { DEBUG } from "./debug";

export const FOOTPRINT_SEGSTREAM: u32 = 0;
export const FOOTPRINT_GLIBC: u32 = 1;

export const GROW_EXACT: u32 = 0;
export const GROW_DOUBLE: u32 = 1;
export const GROW_CHUNK: u32 = 2;

// --- the glibc model ---

// @ts-ignore: decorator
@inline const SIZE_SZ: u64 = 8;
// @ts-ignore: decorator
@inline const MALLOC_ALIGN_MASK: u64 = 15;
// @ts-ignore: decorator
@inline const MINSIZE: u64 = 32;
// @ts-ignore: decorator
@inline const MMAP_THRESHOLD: u64 = 128 << 10;
// @ts-ignore: decorator
@inline const PAGE: u64 = 4096;

/** glibc's request2size followed by its mmap rounding: the bytes one request occupies. */
export function glibcChunk(requested: u64): u64 {
  let chunk = (requested + SIZE_SZ + MALLOC_ALIGN_MASK) & ~MALLOC_ALIGN_MASK;
  if (chunk < MINSIZE) chunk = MINSIZE;
  if (chunk < MMAP_THRESHOLD) return chunk;
  return (chunk + SIZE_SZ + PAGE - 1) & ~(PAGE - 1);
}

/** Under FOOTPRINT_GLIBC, refuses (with a failure record) a RUST request whose chunk would pass the limit. */
export function glibcAdmits(site: u32, requested: u64, align: u32): bool {
  let limit = load<u64>(ROOT_LIMIT);
  if (!limit || load<u32>(ROOT_MODEL) != FOOTPRINT_GLIBC || !siteIsRust(site)) return true;
  let footprint = load<u64>(ROOT_GLIBC);
  if (footprint + glibcChunk(requested) <= limit) return true;
  recordFailure(site, requested, align, REASON_LIMIT, footprint, limit, 0);
  return false;
}

/** Counts a granted request of `site` into the glibc footprint (RUST sites only). */
export function glibcAlloc(site: u32, requested: u64): void {
  if (!siteIsRust(site)) return;
  let footprint = load<u64>(ROOT_GLIBC) + glibcChunk(requested);
  store<u64>(ROOT_GLIBC, footprint);
  if (footprint > load<u64>(ROOT_GLIBC_PEAK)) store<u64>(ROOT_GLIBC_PEAK, footprint);
}

/** Takes a freed request of `site` out of the glibc footprint (RUST sites only). */
export function glibcFree(site: u32, requested: u64): void {
  if (!siteIsRust(site)) return;
  if (DEBUG) assert(load<u64>(ROOT_GLIBC) >= glibcChunk(requested), "glibcFree: the glibc footprint would go below zero");
  store<u64>(ROOT_GLIBC, load<u64>(ROOT_GLIBC) - glibcChunk(requested));
}

/** Adds a thread cache's net glibc change (signed; thread_cache.ts) to the glibc footprint. */
export function glibcFold(delta: u64): void {
  let footprint = load<u64>(ROOT_GLIBC) + delta;
  store<u64>(ROOT_GLIBC, footprint);
  if (footprint > load<u64>(ROOT_GLIBC_PEAK)) store<u64>(ROOT_GLIBC_PEAK, footprint);
}

// --- linear memory from the engine ---

/**
 * memory.grow by `wanted` pages, or by `needed` if `wanted` would pass the limit or the engine
 * refuses it. Returns (pages taken << 32) | first page, or -1 having written a failure record.
 */
export function takePages(needed: u32, wanted: u32, site: u32, requested: u64, align: u32): i64 {
  let footprint = load<u64>(ROOT_FOOTPRINT);
  let limit = load<u32>(ROOT_MODEL) == FOOTPRINT_GLIBC ? 0 : load<u64>(ROOT_LIMIT);
  if (limit && footprint + (<u64>wanted << PAGE_BITS) > limit) wanted = needed;
  if (limit && footprint + (<u64>wanted << PAGE_BITS) > limit) {
    recordFailure(site, requested, align, REASON_LIMIT, footprint, limit, needed);
    return -1;
  }
  let before = memory.grow(<i32>wanted);
  if (before < 0 && wanted != needed) before = memory.grow(<i32>(wanted = needed));
  if (before < 0) {
    store<u32>(ROOT_ENGINE_REFUSALS, load<u32>(ROOT_ENGINE_REFUSALS) + 1);
    recordFailure(site, requested, align, REASON_ENGINE, footprint, limit, needed);
    return -1;
  }
  return (<i64>wanted << 32) | <i64>before;
}

/** The first address of a takePages result. */
// @ts-ignore: decorator
@inline export function takenStart(taken: i64): u64 { return (<u64>taken & 0xFFFF_FFFF) << PAGE_BITS; }
/** The bytes of a takePages result. */
// @ts-ignore: decorator
@inline export function takenBytes(taken: i64): u64 { return (<u64>taken >> 32) << PAGE_BITS; }

/** Counts `bytes` of fresh memory into the footprint; every growth is an event. */
export function addFootprint(bytes: u64): void {
  noteGrowth();
  let footprint = load<u64>(ROOT_FOOTPRINT) + bytes;
  store<u64>(ROOT_FOOTPRINT, footprint);
  if (footprint > load<u64>(ROOT_PEAK_FOOTPRINT)) store<u64>(ROOT_PEAK_FOOTPRINT, footprint);
  store<u32>(ROOT_GROWTHS, load<u32>(ROOT_GROWTHS) + 1);
  nextEvent();
}

/**
 * Pages a binned growth takes for `needed` pages under the growth policy. GROW_DOUBLE doubles the
 * memory as rt/tlsf.ts does, not counting the start map (which models nothing).
 */
export function policyPages(needed: u32): u32 {
  let policy = load<u32>(ROOT_POLICY);
  if (policy == GROW_DOUBLE) return max<u32>(<u32>memory.size() - STARTS_PAGES, needed);
  if (policy == GROW_CHUNK) {
    let chunk = load<u32>(ROOT_CHUNK);
    return (needed + chunk - 1) / chunk * chunk;
  }
  return needed;
}
