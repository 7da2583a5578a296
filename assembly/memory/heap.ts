// === segstream's heap: a checked, accounted TLSF allocator over shared linear memory ===
//
// Every modelled Rust allocation comes through here, and nothing else in the library takes memory.
// It is a Two-Level Segregated Fit allocator (the design AssemblyScript's own rt/tlsf.ts uses, see
// http://www.gii.upv.es/tlsf/): free blocks sit in lists binned by size, two bitmaps find the first
// non-empty bin that is certain to fit in O(1), blocks are split on allocation and coalesced with
// free neighbours on free. What it adds for the lab:
//
// - Determinism. Memory comes only from `memory.grow`; bins are searched and split the same way
//   every time, so the same sequence of requests gives the same addresses, run after run.
// - Accounting. Each block remembers the site that asked and the bytes it asked for; ledger.ts
//   keeps the totals. Requests at or above a threshold are logged one by one.
// - A footprint limit and growth policies. The heap's footprint is the linear memory it has taken
//   (or, under the glibc model, the chunks glibc would hold for the live Rust blocks: footprint.ts).
//   When no free block fits, it grows by a policy (exact, doubling as rt/tlsf.ts does, or fixed
//   chunks); a growth that would pass the limit falls back to exactly what is needed, and if even
//   that passes the limit, or the engine refuses, the request fails: null to the caller and a
//   failure record with the live bytes of every site at that moment.
// - Checked frees. A block start carries a check word derived from its address, so freeing an
//   address that is not a block start (16 bytes into an ArcInner, say) or a block already free is
//   caught, logged with both sites, and changes nothing.
// - Zero tracking. Memory fresh from `memory.grow` is zero. Free blocks made only of such memory
//   carry ZERO, so a request for zeroed memory served from them is not filled again: like calloc
//   over fresh mmap pages, it touches nothing. Other requests are never zeroed, however large.
// - Large requests apart. A request of 128 KiB or more (glibc's mmap threshold) gets a region of
//   its own from `memory.grow` (natively, its own mapping) instead of a block from the bins; freed,
//   it goes on a list of large blocks that only large requests draw from (best fit, split only if
//   the rest is itself large; never merged). So a freed index table is found again whole by the
//   next one, instead of being chipped at by small requests and abandoned: the bins and the large
//   blocks never share memory, as glibc's heap and its mappings don't.
// - Threads. All state is in the reserved region (layout.ts), guarded by one futex mutex; several
//   instances over one shared memory allocate safely, each bringing its view of the memory up to
//   date after another's growth (view.ts).
//
// ╒══════════════════════ Block layout (16-byte header, payload 16-aligned) ═════════════════════╕
//  off  field        live block                          free block
//   0   info u32     size | LEFTFREE                     size | FREE | LEFTFREE | ZERO?
//   4   check u32    checkWord(block)                    kept from its live days, or 0 if never live
//   8   requested    bytes the caller asked for          (stale)
//  12   site u32     the site that asked                 (stale)
//  16   payload ...                                      prev u32 · next u32 (bin list links)
//  size-4                                                back u32: this block's address (footer)
// ╘════════════════════════════════════════════════════════════════════════════════════════════════╛
//  size counts the header, is a multiple of 16 and at least MIN_BLOCK. LEFTFREE says the block to
//  the left is free, so its footer can be read for coalescing. Each region of binned memory ends in
//  a 16-byte tail sentinel (size 0, never free, check 0). LARGE marks a block of a large region,
//  which has no sentinel, no neighbours in the bins and no footer.
//
// ╒══════════════════════════════════ Root (at HEAP_ROOT) ════════════════════════════════════════╕
//    0  lock u32         sync/mutex.ts word
//    4  state u32        0 new · 1 initialising · 2 ready
//    8  flMap u32        bit fl set: some bin of first level fl is non-empty
//   12  policy u32       GROW_EXACT · GROW_DOUBLE · GROW_CHUNK
//   16  chunkPages u32   growth step for GROW_CHUNK
//   20  tail u32         tail sentinel of the most recent region (0: no region yet)
//   24  limit u64        footprint limit in bytes (0: none)
//   32  footprint u64    bytes of linear memory taken by the heap
//   40  peakFootprint u64
//   48  regions u32      disjoint regions: large blocks' own, and binned ones split by other growth
//   52  growths u32      successful growths
//   56  engineRefusals u32   growths memory.grow refused
//   60  footprintModel u32   which footprint the limit applies to (footprint.ts)
//   64  slMap[FL_COUNT] u32  per first level: bit sl set if bin (fl, sl) is non-empty
//  168  glibcFootprint u64   FOOTPRINT_GLIBC bytes of the live RUST blocks (always kept)
//  176  glibcPeak u64
//  184  largeFree u32        first free large block (linked through payload word 0)
//  192  heads[FL_COUNT][SL_SIZE] u32  first free block of each bin
// ╘════════════════════════════════════════════════════════════════════════════════════════════════╛
//
// Bins: sizes below 256 bytes get one bin per 16 bytes (fl 0); above, each power of two [2^k, 2^k+1)
// is split into 16 equal bins, up to 2^32 (fl 24).

import { HEAP_ROOT } from "./layout";
import { siteIsRust, MAX_SITES, SITE_NONE } from "./sites";
import { FOOTPRINT_GLIBC, glibcChunk } from "./footprint";
import { noteGrowth } from "./view";
import { mutexLock, mutexUnlock } from "../sync/mutex";
import {
  ledgerSetThreshold, recordAlloc, recordFree, recordFailure, recordBadFree, nextEvent,
  DEFAULT_LARGE_THRESHOLD, REASON_LIMIT, REASON_ENGINE, REASON_TOO_LARGE, BAD_FREE_INVALID, BAD_FREE_DOUBLE
} from "./ledger";

// --- block constants ---

// @ts-ignore: decorator
@inline const AL_BITS: u32 = 4;
/** Payload alignment: 16 covers every Rust type the model allocates except the 128-aligned ones. */
// @ts-ignore: decorator
@inline export const AL_SIZE: usize = 1 << AL_BITS;
// @ts-ignore: decorator
@inline const AL_MASK: usize = AL_SIZE - 1;
// @ts-ignore: decorator
@inline export const HEADER: usize = 16;
/** Header plus room for the two list links and the footer of a free block. */
// @ts-ignore: decorator
@inline const MIN_BLOCK: usize = 32;
/** Largest block: keeps every size and bin computation inside u32 (the memory tops out at 4 GiB). */
// @ts-ignore: decorator
@inline const MAX_BLOCK: u64 = 0xF000_0000;

// @ts-ignore: decorator
@inline const FREE: u32 = 1;
// @ts-ignore: decorator
@inline const LEFTFREE: u32 = 2;
// @ts-ignore: decorator
@inline const ZERO: u32 = 4;
/** The block is a large one: its own region, never in the bins (see "Large requests apart"). */
// @ts-ignore: decorator
@inline const LARGE: u32 = 8;
// @ts-ignore: decorator
@inline const TAGS: u32 = FREE | LEFTFREE | ZERO | LARGE;
/** glibc's default mmap threshold: requests from here up are large. */
// @ts-ignore: decorator
@inline const LARGE_MIN: usize = 128 << 10;

// --- bin constants ---

// @ts-ignore: decorator
@inline const SL_BITS: u32 = 4;
// @ts-ignore: decorator
@inline const SL_SIZE: u32 = 1 << SL_BITS;
// @ts-ignore: decorator
@inline const SB_BITS: u32 = SL_BITS + AL_BITS;
// @ts-ignore: decorator
@inline const SB_SIZE: u32 = 1 << SB_BITS;
// @ts-ignore: decorator
@inline const FL_COUNT: u32 = 32 - SB_BITS + 1;

// --- root fields ---

// @ts-ignore: decorator
@inline const ROOT_LOCK: usize = HEAP_ROOT;
// @ts-ignore: decorator
@inline const ROOT_STATE: usize = HEAP_ROOT + 4;
// @ts-ignore: decorator
@inline const ROOT_FLMAP: usize = HEAP_ROOT + 8;
// @ts-ignore: decorator
@inline const ROOT_POLICY: usize = HEAP_ROOT + 12;
// @ts-ignore: decorator
@inline const ROOT_CHUNK: usize = HEAP_ROOT + 16;
// @ts-ignore: decorator
@inline const ROOT_TAIL: usize = HEAP_ROOT + 20;
// @ts-ignore: decorator
@inline const ROOT_LIMIT: usize = HEAP_ROOT + 24;
// @ts-ignore: decorator
@inline const ROOT_FOOTPRINT: usize = HEAP_ROOT + 32;
// @ts-ignore: decorator
@inline const ROOT_PEAK_FOOTPRINT: usize = HEAP_ROOT + 40;
// @ts-ignore: decorator
@inline const ROOT_REGIONS: usize = HEAP_ROOT + 48;
// @ts-ignore: decorator
@inline const ROOT_GROWTHS: usize = HEAP_ROOT + 52;
// @ts-ignore: decorator
@inline const ROOT_ENGINE_REFUSALS: usize = HEAP_ROOT + 56;
// @ts-ignore: decorator
@inline const ROOT_MODEL: usize = HEAP_ROOT + 60;
// @ts-ignore: decorator
@inline const ROOT_SLMAP: usize = HEAP_ROOT + 64;
// @ts-ignore: decorator
@inline const ROOT_GLIBC: usize = HEAP_ROOT + 168;
// @ts-ignore: decorator
@inline const ROOT_GLIBC_PEAK: usize = HEAP_ROOT + 176;
// @ts-ignore: decorator
@inline const ROOT_LARGE_FREE: usize = HEAP_ROOT + 184;
// @ts-ignore: decorator
@inline const ROOT_HEADS: usize = HEAP_ROOT + 192;

// @ts-ignore: decorator
@inline const STATE_READY: u32 = 2;
// @ts-ignore: decorator
@inline const STATE_INITIALISING: u32 = 1;

export const GROW_EXACT: u32 = 0;
export const GROW_DOUBLE: u32 = 1;
export const GROW_CHUNK: u32 = 2;

// @ts-ignore: decorator
@inline const PAGE_BITS: u32 = 16;
// @ts-ignore: decorator
@inline const PAGE_SIZE: u64 = 1 << PAGE_BITS;
/** Largest dirty free block wiped to keep a neighbouring zero block zero when they merge (mergedZero). */
// @ts-ignore: decorator
@inline const WIPE_LIMIT: usize = 64 << 10;
/** How far back an invalid free looks for the live block it points into. */
// @ts-ignore: decorator
@inline const CONTAINING_SCAN: usize = 64 << 10;

/** Lowest address a block can start at: the reserved region and the static data lie below. */
// @ts-ignore: decorator
@inline function heapFloor(): usize {
  return (__heap_base + AL_MASK) & ~AL_MASK;
}

// --- block accessors ---

// @ts-ignore: decorator
@inline function info(block: usize): u32 { return load<u32>(block); }
// @ts-ignore: decorator
@inline function sizeOf(block: usize): usize { return <usize>(load<u32>(block) & ~TAGS); }
// @ts-ignore: decorator
@inline function setInfo(block: usize, value: u32): void { store<u32>(block, value); }
// @ts-ignore: decorator
@inline function prevFree(block: usize): usize { return <usize>load<u32>(block, 16); }
// @ts-ignore: decorator
@inline function nextFree(block: usize): usize { return <usize>load<u32>(block, 20); }
// @ts-ignore: decorator
@inline function setPrevFree(block: usize, prev: usize): void { store<u32>(block, <u32>prev, 16); }
// @ts-ignore: decorator
@inline function setNextFree(block: usize, next: usize): void { store<u32>(block, <u32>next, 20); }

/**
 * The word a block start carries while it is (or was) handed out. A multiplicative hash of the
 * address: data that merely lies 16 bytes after some address (Arc counts, lengths, pointers) does
 * not equal it by accident.
 */
// @ts-ignore: decorator
@inline function checkWord(block: usize): u32 {
  return (<u32>block * 0x9E3779B1) ^ 0x5E65_7EA5;
}

function memoryEnd(): u64 {
  return <u64>memory.size() << PAGE_BITS;
}

// --- bins ---

function binFl(size: usize): u32 {
  return size < SB_SIZE ? 0 : (31 - clz<u32>(<u32>size)) - SB_BITS + 1;
}

function binSl(size: usize): u32 {
  if (size < SB_SIZE) return <u32>size >> AL_BITS;
  let top = 31 - clz<u32>(<u32>size);
  return (<u32>size >> (top - SL_BITS)) ^ SL_SIZE;
}

// @ts-ignore: decorator
@inline function headSlot(fl: u32, sl: u32): usize {
  return ROOT_HEADS + ((<usize>fl << SL_BITS) + <usize>sl) * 4;
}

/** Rounds a size up to the next bin boundary, so that every block in that bin fits it. */
function searchSize(size: u64): u64 {
  if (size < <u64>SB_SIZE) return size;
  let top = 63 - clz<u64>(size);
  return size + (<u64>1 << (top - SL_BITS)) - 1;
}

function insertBlock(block: usize): void {
  let size = sizeOf(block);
  let fl = binFl(size), sl = binSl(size);
  let head = <usize>load<u32>(headSlot(fl, sl));
  setPrevFree(block, 0);
  setNextFree(block, head);
  if (head) setPrevFree(head, block);
  store<u32>(headSlot(fl, sl), <u32>block);
  store<u32>(ROOT_FLMAP, load<u32>(ROOT_FLMAP) | (1 << fl));
  let slMap = ROOT_SLMAP + <usize>fl * 4;
  store<u32>(slMap, load<u32>(slMap) | (1 << sl));
  store<u32>(block + size - 4, <u32>block);
  let right = block + size;
  setInfo(right, info(right) | LEFTFREE);
}

function removeBlock(block: usize): void {
  let size = sizeOf(block);
  let fl = binFl(size), sl = binSl(size);
  let prev = prevFree(block), next = nextFree(block);
  if (prev) setNextFree(prev, next);
  if (next) setPrevFree(next, prev);
  if (<usize>load<u32>(headSlot(fl, sl)) != block) return;
  store<u32>(headSlot(fl, sl), <u32>next);
  if (next) return;
  let slMap = ROOT_SLMAP + <usize>fl * 4;
  let remaining = load<u32>(slMap) & ~(1 << sl);
  store<u32>(slMap, remaining);
  if (!remaining) store<u32>(ROOT_FLMAP, load<u32>(ROOT_FLMAP) & ~(1 << fl));
}

/** First free block of at least `size` bytes, or 0. */
function searchBlock(size: u64): usize {
  let rounded = searchSize(size);
  if (rounded > <u64>MAX_BLOCK) return 0;
  let fl = binFl(<usize>rounded), sl = binSl(<usize>rounded);
  let slMap = load<u32>(ROOT_SLMAP + <usize>fl * 4) & (~0 << sl);
  if (!slMap) {
    let flMap = load<u32>(ROOT_FLMAP) & (~0 << (fl + 1));
    if (!flMap) return 0;
    fl = ctz<u32>(flMap);
    slMap = load<u32>(ROOT_SLMAP + <usize>fl * 4);
  }
  return <usize>load<u32>(headSlot(fl, ctz<u32>(slMap)));
}

// --- growth ---

/**
 * Takes memory from the engine so that a block of `size` bytes can be found. Returns false, having
 * written a failure record, when the limit or the engine says no.
 */
function grow(size: u64, site: u32, requested: u64, align: u32): bool {
  let rounded = searchSize(size);
  let tail = <usize>load<u32>(ROOT_TAIL);
  let end = memoryEnd();
  let adjacent = tail != 0 && <u64>tail + HEADER == end;
  let leftFree: u64 = adjacent && (info(tail) & LEFTFREE) ? <u64>sizeOf(<usize>load<u32>(tail - 4)) : 0;
  // Adjacent: the new block starts at the old tail and is as large as the memory added (plus the
  // free block it merges with). Otherwise it needs its own tail sentinel at the end.
  let bytes: u64 = adjacent ? (rounded > leftFree ? rounded - leftFree : 0) : rounded + HEADER;
  let needed = <u32>((bytes + PAGE_SIZE - 1) >> PAGE_BITS);
  let start = takePages(needed, policyPages(needed), site, requested, align);
  if (start < 0) return false;
  addRegion((start & 0xFFFF_FFFF) << PAGE_BITS, (start >> 32) << PAGE_BITS);
  return true;
}

/**
 * memory.grow by `wanted` pages, or by `needed` if `wanted` would pass the limit or the engine
 * refuses it. Returns (pages taken << 32) | first page, or -1 having written a failure record.
 */
function takePages(needed: u32, wanted: u32, site: u32, requested: u64, align: u32): i64 {
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

/** Counts `bytes` of fresh memory into the footprint; every growth is an event. */
function addFootprint(bytes: u64): void {
  noteGrowth();
  let footprint = load<u64>(ROOT_FOOTPRINT) + bytes;
  store<u64>(ROOT_FOOTPRINT, footprint);
  if (footprint > load<u64>(ROOT_PEAK_FOOTPRINT)) store<u64>(ROOT_PEAK_FOOTPRINT, footprint);
  store<u32>(ROOT_GROWTHS, load<u32>(ROOT_GROWTHS) + 1);
  nextEvent();
}

function policyPages(needed: u32): u32 {
  let policy = load<u32>(ROOT_POLICY);
  if (policy == GROW_DOUBLE) return max<u32>(<u32>memory.size(), needed);
  if (policy == GROW_CHUNK) {
    let chunk = load<u32>(ROOT_CHUNK);
    return (needed + chunk - 1) / chunk * chunk;
  }
  return needed;
}

/** Turns fresh memory [start, start + bytes) into a free block, merged with the heap's top if adjacent. */
function addRegion(start: u64, bytes: u64): void {
  let tail = <usize>load<u32>(ROOT_TAIL);
  let newTail = <usize>(start + bytes - HEADER);
  let block: usize;
  let zero = ZERO;
  if (tail != 0 && <u64>tail + HEADER == start) {
    block = tail;
    if (info(tail) & LEFTFREE) {
      let left = <usize>load<u32>(tail - 4);
      removeBlock(left);
      zero = mergedZero(left, sizeOf(left), info(left) & ZERO, tail, HEADER, ZERO);
      block = left;
    }
  } else {
    block = <usize>start;
    store<u32>(ROOT_REGIONS, load<u32>(ROOT_REGIONS) + 1);
  }
  setInfo(newTail, 0);
  store<u32>(newTail, 0, 4);
  setInfo(block, <u32>(newTail - block) | FREE | zero);
  store<u32>(block, 0, 4);
  insertBlock(block);
  store<u32>(ROOT_TAIL, <u32>newTail);
  addFootprint(bytes);
}

// --- large blocks ---

/** Best-fit large block of at least `need` bytes off the free list, else a fresh region; 0 if refused. */
function takeLarge(need: usize, site: u32, requested: u64, align: u32): usize {
  let best: usize = 0, bestPrev: usize = 0;
  for (let prev: usize = 0, block = <usize>load<u32>(ROOT_LARGE_FREE); block; prev = block, block = prevFree(block)) {
    if (sizeOf(block) >= need && (!best || sizeOf(block) < sizeOf(best))) {
      best = block;
      bestPrev = prev;
    }
  }
  if (best) {
    let after = prevFree(best);
    if (bestPrev) setPrevFree(bestPrev, after);
    else store<u32>(ROOT_LARGE_FREE, <u32>after);
  } else {
    best = growLarge(need, site, requested, align);
    if (!best) return 0;
  }
  let size = sizeOf(best);
  let zero = info(best) & ZERO;
  if (size - need >= LARGE_MIN) {
    pushLarge(best + need, <u32>(size - need) | zero, 0);
    size = need;
  }
  setInfo(best, <u32>size | LARGE | zero);
  return best;
}

/** A region of its own for one large block (exact pages: a mapping, whatever the growth policy). */
function growLarge(need: usize, site: u32, requested: u64, align: u32): usize {
  let pages = <u32>((<u64>need + PAGE_SIZE - 1) >> PAGE_BITS);
  let start = takePages(pages, pages, site, requested, align);
  if (start < 0) return 0;
  let block = <usize>((start & 0xFFFF_FFFF) << PAGE_BITS);
  setInfo(block, <u32>(<u64>pages << PAGE_BITS) | LARGE | ZERO);
  store<u32>(ROOT_REGIONS, load<u32>(ROOT_REGIONS) + 1);
  addFootprint(<u64>pages << PAGE_BITS);
  return block;
}

/** Puts a large block (size and ZERO in `sizeAndZero`) on the free list, keeping `check`. */
function pushLarge(block: usize, sizeAndZero: u32, check: u32): void {
  setInfo(block, sizeAndZero | FREE | LARGE);
  store<u32>(block, check, 4);
  setPrevFree(block, <usize>load<u32>(ROOT_LARGE_FREE));
  store<u32>(ROOT_LARGE_FREE, <u32>block);
}

// --- the glibc footprint (footprint.ts) ---

function addGlibc(delta: u64): void {
  let footprint = load<u64>(ROOT_GLIBC) + delta;
  store<u64>(ROOT_GLIBC, footprint);
  if (footprint > load<u64>(ROOT_GLIBC_PEAK)) store<u64>(ROOT_GLIBC_PEAK, footprint);
}

/** Under FOOTPRINT_GLIBC, refuses (with a failure record) a RUST request whose chunk would pass the limit. */
function glibcAdmits(site: u32, requested: u64, align: u32): bool {
  let limit = load<u64>(ROOT_LIMIT);
  if (!limit || load<u32>(ROOT_MODEL) != FOOTPRINT_GLIBC || !siteIsRust(site)) return true;
  let footprint = load<u64>(ROOT_GLIBC);
  if (footprint + glibcChunk(requested) <= limit) return true;
  recordFailure(site, requested, align, REASON_LIMIT, footprint, limit, 0);
  return false;
}

// --- allocation ---

/** Block size for a request: header plus payload, rounded to the alignment, at least MIN_BLOCK. */
function blockSizeFor(requested: u64): u64 {
  let size = (requested + HEADER + AL_MASK) & ~(<u64>AL_MASK);
  return size < MIN_BLOCK ? MIN_BLOCK : size;
}

/**
 * Carves a block of `need` bytes whose payload is `align`-aligned out of the free block `block`
 * (already out of its bin). Leading padding and the tail end go back to the bins as free blocks,
 * inheriting ZERO. Returns the block used.
 */
function carve(block: usize, need: usize, align: usize): usize {
  let size = sizeOf(block);
  let zero = info(block) & ZERO;
  let leftFree: u32 = 0;
  if (align > AL_SIZE) {
    let gap = ((block + HEADER + align - 1) & ~(align - 1)) - HEADER - block;
    if (gap != 0 && gap < MIN_BLOCK) gap += align;
    if (gap) {
      setInfo(block + gap, 0);
      setInfo(block, <u32>gap | FREE | zero);
      store<u32>(block, 0, 4);
      insertBlock(block);
      block += gap;
      size -= gap;
      leftFree = LEFTFREE;
    }
  }
  if (size - need >= MIN_BLOCK) {
    let rest = block + need;
    setInfo(rest, <u32>(size - need) | FREE | zero);
    store<u32>(rest, 0, 4);
    insertBlock(rest);
    size = need;
  } else {
    let right = block + size;
    setInfo(right, info(right) & ~LEFTFREE);
  }
  setInfo(block, <u32>size | leftFree | zero);
  return block;
}

/**
 * Allocates `requested` bytes aligned to `align` (a power of two; at most 16 is the default) for
 * `site`. Returns the payload address, or 0 if the request was refused (limit, engine, too large),
 * in which case a failure record says why. `zeroed` asks for zero-filled memory.
 */
export function heapAlloc(site: u32, requested: u64, align: u32, zeroed: bool): usize {
  if (site >= MAX_SITES) return 0; // no ledger record to count it in (sites.ts)
  let effectiveAlign = max<usize>(<usize>align, AL_SIZE);
  let need = blockSizeFor(requested);
  mutexLock(ROOT_LOCK);
  if (need > MAX_BLOCK) {
    recordFailure(site, requested, align, REASON_TOO_LARGE, load<u64>(ROOT_FOOTPRINT), load<u64>(ROOT_LIMIT), 0);
    mutexUnlock(ROOT_LOCK);
    return 0;
  }
  if (!glibcAdmits(site, requested, align)) {
    mutexUnlock(ROOT_LOCK);
    return 0;
  }
  let block = <usize>need >= LARGE_MIN && effectiveAlign == AL_SIZE
    ? takeLarge(<usize>need, site, requested, align)
    : takeBinned(<usize>need, effectiveAlign, site, requested, align);
  if (!block) {
    mutexUnlock(ROOT_LOCK);
    return 0;
  }
  let payload = block + HEADER;
  let zero = info(block) & ZERO;
  setInfo(block, info(block) & ~ZERO);
  store<u32>(block, checkWord(block), 4);
  store<u32>(block, <u32>requested, 8);
  store<u32>(block, site, 12);
  recordAlloc(site, requested, <u64>sizeOf(block), payload, align);
  if (siteIsRust(site)) addGlibc(glibcChunk(requested));
  mutexUnlock(ROOT_LOCK);
  if (zeroed) zeroPayload(payload, <usize>requested, sizeOf(block), zero != 0);
  return payload;
}

/** A block of `need` bytes aligned to `align` from the bins, growing memory if none fits; 0 if refused. */
function takeBinned(need: usize, align: usize, site: u32, requested: u64, alignArg: u32): usize {
  let search = <u64>(align > AL_SIZE ? need + align + MIN_BLOCK : need);
  // The bin search rounds up to the next bin first: past MAX_BLOCK it can never find a block.
  if (searchSize(search) > <u64>MAX_BLOCK) {
    recordFailure(site, requested, alignArg, REASON_TOO_LARGE, load<u64>(ROOT_FOOTPRINT), load<u64>(ROOT_LIMIT), 0);
    return 0;
  }
  let block = searchBlock(search);
  if (!block) {
    if (!grow(search, site, requested, alignArg)) return 0;
    block = searchBlock(search);
  }
  removeBlock(block);
  return carve(block, need, align);
}

/**
 * Zero-fills a payload the caller owns. A block carved from ZERO memory holds only the bin links
 * at its start and possibly a footer at its end: clearing those leaves its pages untouched.
 */
function zeroPayload(payload: usize, requested: usize, blockSize: usize, fresh: bool): void {
  if (!fresh) {
    memory.fill(payload, 0, requested);
    return;
  }
  store<u64>(payload, 0);
  store<u32>(payload - HEADER + blockSize - 4, 0);
}

// --- free ---

/** Result of heapFree. */
export const FREED: u32 = 0;
export const FREE_INVALID: u32 = BAD_FREE_INVALID;
export const FREE_DOUBLE: u32 = BAD_FREE_DOUBLE;

/** True if a block header at `block` is one this heap wrote for a block handed out. */
function isBlockStart(block: usize, end: u64): bool {
  if (block < heapFloor() || <u64>block + MIN_BLOCK > end) return false;
  let size = sizeOf(block);
  return load<u32>(block, 4) == checkWord(block) && size >= MIN_BLOCK && <u64>block + size <= end;
}

/**
 * Gives back the block whose payload starts at `payload`. `site` is the code doing the freeing;
 * a bad free records it beside the site of the block it hit, and changes nothing else.
 */
export function heapFree(payload: usize, site: u32): u32 {
  return freeChecked(payload, site, 0);
}

/**
 * heapFree for a caller that knows the payload is all zero again (an index table that wiped the
 * entries it wrote): the block rejoins the bins as ZERO, so the next zeroed request served from it
 * touches nothing, as calloc over pages the kernel hands back zeroed.
 */
export function heapFreeZeroed(payload: usize, site: u32): u32 {
  return freeChecked(payload, site, ZERO);
}

function freeChecked(payload: usize, site: u32, zero: u32): u32 {
  mutexLock(ROOT_LOCK);
  let end = memoryEnd();
  let block = payload - HEADER;
  let result = FREED;
  if (payload < HEADER || (payload & AL_MASK) != 0 || !isBlockStart(block, end)) {
    result = FREE_INVALID;
    reportInvalidFree(payload, site, end);
  } else if (info(block) & FREE) {
    result = FREE_DOUBLE;
    recordBadFree(payload, site, BAD_FREE_DOUBLE, load<u32>(block, 12), payload);
  } else {
    accountFree(block);
    if (info(block) & LARGE) pushLarge(block, <u32>sizeOf(block) | zero, load<u32>(block, 4));
    else releaseBlock(block, zero);
  }
  mutexUnlock(ROOT_LOCK);
  return result;
}

/** The ledger's and the glibc footprint's side of a free. */
function accountFree(block: usize): void {
  let site = load<u32>(block, 12);
  let requested = <u64>load<u32>(block, 8);
  recordFree(site, requested, <u64>sizeOf(block));
  if (siteIsRust(site)) store<u64>(ROOT_GLIBC, load<u64>(ROOT_GLIBC) - glibcChunk(requested));
}

/**
 * Returns a block to the bins, coalescing it with free neighbours. The freed header keeps its check
 * word with FREE set, so a second free of the same address is recognised as a double free, unless
 * a merge into a ZERO block wiped that header (mergedZero): such a second free is still refused
 * and logged, but as an invalid free.
 */
function releaseBlock(block: usize, zero: u32): void {
  let size = sizeOf(block);
  let leftFree = info(block) & LEFTFREE;
  setInfo(block, <u32>size | FREE | leftFree | zero);
  let right = block + size;
  if (info(right) & FREE) {
    let rightSize = sizeOf(right);
    removeBlock(right);
    zero = mergedZero(block, size, zero, right, rightSize, info(right) & ZERO);
    size += rightSize;
  }
  if (leftFree) {
    let left = <usize>load<u32>(block - 4);
    let leftSize = sizeOf(left);
    removeBlock(left);
    leftFree = info(left) & LEFTFREE;
    zero = mergedZero(left, leftSize, info(left) & ZERO, block, size, zero);
    size += leftSize;
    block = left;
  }
  setInfo(block, <u32>size | FREE | leftFree | zero);
  insertBlock(block);
}

/**
 * The ZERO tag of adjacent free blocks `left` and `right` merged (`right` may be an old tail
 * sentinel, size HEADER, with fresh memory after it). When both are zero, the bytes the merge
 * buries (the left footer, the right header and its links) are wiped so the merged block is zero
 * too. When only one is, a dirty partner of at most WIPE_LIMIT bytes is wiped whole rather than
 * spoiling it: a large zero block (a freed index table) stays zero while small blocks beside it
 * come and go, at a cost of at most WIPE_LIMIT bytes written per merge. Read tags before calling.
 */
function mergedZero(left: usize, leftSize: usize, leftZero: u32, right: usize, rightSize: usize, rightZero: u32): u32 {
  if (leftZero & rightZero) {
    memory.fill(right - 4, 0, 4 + HEADER + 8);
    return ZERO;
  }
  if (rightZero && leftSize <= WIPE_LIMIT) {
    memory.fill(left + HEADER, 0, leftSize + 8); // its payload, then the right header and links
    return ZERO;
  }
  if (leftZero && rightSize <= WIPE_LIMIT) {
    memory.fill(right - 4, 0, 4 + rightSize);
    return ZERO;
  }
  return 0;
}

/** Logs a free of an address that is no block start, naming the live block it points into if any. */
function reportInvalidFree(payload: usize, site: u32, end: u64): void {
  let floor = heapFloor();
  let probe = (payload & ~AL_MASK) - HEADER;
  let stop = payload > floor + CONTAINING_SCAN ? payload - CONTAINING_SCAN : floor;
  while (probe >= stop && <u64>probe < end) {
    if (isBlockStart(probe, end) && !(info(probe) & FREE) && probe + sizeOf(probe) > payload) {
      recordBadFree(payload, site, BAD_FREE_INVALID, load<u32>(probe, 12), probe + HEADER);
      return;
    }
    if (probe < AL_SIZE) break;
    probe -= AL_SIZE;
  }
  recordBadFree(payload, site, BAD_FREE_INVALID, 0, 0);
}

// --- set-up ---

/** Prepares the heap once per memory; every instance calls it, the first one does the work. */
export function heapInit(): void {
  if (atomic.load<u32>(ROOT_STATE) == STATE_READY) return;
  if (atomic.cmpxchg<u32>(ROOT_STATE, 0, STATE_INITIALISING) == 0) {
    ledgerSetThreshold(DEFAULT_LARGE_THRESHOLD);
    store<u32>(ROOT_POLICY, GROW_EXACT);
    store<u32>(ROOT_CHUNK, 1);
    atomic.store<u32>(ROOT_STATE, STATE_READY);
    atomic.notify(ROOT_STATE);
    return;
  }
  while (atomic.load<u32>(ROOT_STATE) != STATE_READY) atomic.wait<u32>(ROOT_STATE, STATE_INITIALISING, 1000000);
}

/** Sets the growth policy, the footprint model and limit (0: none), and the large-request threshold. */
export function heapConfigure(policy: u32, chunkPages: u32, model: u32, limit: u64, largeThreshold: u64): void {
  mutexLock(ROOT_LOCK);
  store<u32>(ROOT_POLICY, policy);
  store<u32>(ROOT_MODEL, model);
  store<u32>(ROOT_CHUNK, chunkPages);
  store<u64>(ROOT_LIMIT, limit);
  ledgerSetThreshold(largeThreshold);
  mutexUnlock(ROOT_LOCK);
}

/**
 * Grows the heap by enough memory for a `bytes` request now, so that later requests up to that
 * size need no growth (see LabOptions.reserveBytes for why threads want this). False if refused.
 */
export function heapReserve(bytes: u64): bool {
  mutexLock(ROOT_LOCK);
  let ok = grow(blockSizeFor(bytes), SITE_NONE, bytes, <u32>AL_SIZE);
  mutexUnlock(ROOT_LOCK);
  return ok;
}

/** Holds the heap still while the host copies the ledger out. */
export function heapLock(): void { mutexLock(ROOT_LOCK); }
export function heapUnlock(): void { mutexUnlock(ROOT_LOCK); }

/** Block bytes behind a live payload (header included), or 0 if it is not one. */
export function heapBlockSize(payload: usize): usize {
  let block = payload - HEADER;
  if ((payload & AL_MASK) != 0 || !isBlockStart(block, memoryEnd()) || (info(block) & FREE)) return 0;
  return sizeOf(block);
}
