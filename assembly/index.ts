// The module's ABI: what the host (src/) calls. Every 64-bit quantity crosses as an f64 (exact up
// to 2^53, and no BigInt on the JS side); pointers cross as u32 (the host applies `>>> 0`). No
// export has default parameters: raw calls would trap on them.
//
// One instance's life, as the host drives it:
//   heapInit ─ heapConfigure ─ streamNew ─ streamAppend* ─ streamDrop ─ (ledger read under heapLock)

import {
  heapInit as init, heapConfigure as configure, heapAlloc as alloc, heapFree as free,
  heapBlockSize as blockSize, heapLock as lock, heapUnlock as unlock, GROW_CHUNK
} from "./memory/heap";
import { HEAP_ROOT, LEDGER, SITE_TABLE, LARGE_LOG, FAILURE_LOG, BAD_FREE_LOG } from "./memory/layout";
import { SITE_COUNT, MAX_SITES, siteName as nameOf, siteIsRust as isRust } from "./memory/sites";
import { LARGE_CAPACITY, FAILURE_CAPACITY, BAD_FREE_CAPACITY } from "./memory/ledger";
import {
  streamNew as newStream, streamDrop as dropStream, streamAppend as append, streamAppendBatch as appendBatch,
  streamGet as get, streamRead as read, streamLen as len, streamPageCount as pageCount
} from "./stream/segmented_stream";
import { VARIANT_COUNT } from "./stream/variant";
import { arcStrong, arcWeak, arcFromRaw } from "./sync/arc";

// --- heap ---

export function heapInit(): void { init(); }

/** Returns false (changing nothing) for an unknown policy or a zero chunk. */
export function heapConfigure(policy: u32, chunkPages: u32, limitBytes: f64, largeThreshold: f64): bool {
  if (policy > GROW_CHUNK || chunkPages == 0) return false;
  configure(policy, chunkPages, <u64>limitBytes, <u64>largeThreshold);
  return true;
}

/** 0 if refused. `align` must be a power of two (the host checks). */
export function heapAlloc(site: u32, bytes: f64, align: u32, zeroed: bool): usize {
  return alloc(site, <u64>bytes, align, zeroed);
}

export function heapFree(payload: usize, site: u32): u32 { return free(payload, site); }
export function heapBlockSize(payload: usize): usize { return blockSize(payload); }
export function heapLock(): void { lock(); }
export function heapUnlock(): void { unlock(); }

// --- where the host finds the tables (field offsets: src/memory/layout.ts) ---

export function heapRootAddress(): usize { return HEAP_ROOT; }
export function ledgerAddress(): usize { return LEDGER; }
export function siteTableAddress(): usize { return SITE_TABLE; }
export function largeLogAddress(): usize { return LARGE_LOG; }
export function largeLogCapacity(): u32 { return <u32>LARGE_CAPACITY; }
export function failureLogAddress(): usize { return FAILURE_LOG; }
export function failureLogCapacity(): u32 { return <u32>FAILURE_CAPACITY; }
export function badFreeLogAddress(): usize { return BAD_FREE_LOG; }
export function badFreeLogCapacity(): u32 { return <u32>BAD_FREE_CAPACITY; }

export function siteCount(): u32 { return SITE_COUNT; }
export function maxSites(): u32 { return MAX_SITES; }
export function siteName(site: u32): string { return nameOf(site); }
export function siteIsRust(site: u32): bool { return isRust(site); }

// --- SegmentedStream ---

export function variantCount(): u32 { return VARIANT_COUNT; }
/** 0 if an allocation was refused. `pageSlots` must be a power of two (the host checks). */
export function streamNew(variant: u32, pageSlots: u32): usize { return newStream(variant, pageSlots); }
export function streamDrop(stream: usize): void { dropStream(stream); }

/** Index of the value, or -1 if a page allocation was refused. Words are stored as f64 bit patterns. */
export function streamAppend(stream: usize, a: f64, b: f64): f64 {
  return <f64>append(stream, reinterpret<u64>(a), reinterpret<u64>(b));
}

export function streamAppendBatch(stream: usize, source: usize, count: u32): f64 {
  return <f64>appendBatch(stream, source, <u64>count);
}

export function streamGet(stream: usize, index: f64, out: usize): bool { return get(stream, <u64>index, out); }
export function streamRead(stream: usize, start: f64, count: u32, out: usize): u32 {
  return <u32>read(stream, <u64>start, <u64>count, out);
}
export function streamLen(stream: usize): f64 { return <f64>len(stream); }
export function streamPageCount(stream: usize): f64 { return <f64>pageCount(stream); }

// --- Arc counts, for tests and reports ---

export function arcStrongCount(data: usize): f64 { return <f64>arcStrong(arcFromRaw(data)); }
export function arcWeakCount(data: usize): f64 { return <f64>arcWeak(arcFromRaw(data)); }
