// The heap's invariant checker: everything tlsf.ts, large.ts, heap.ts and ledger.ts promise,
// verified from the memory itself. It walks every block through the start map (so it needs no list
// of regions and steps over memory the heap does not own), then the bins, the large list and the
// ledger:
//
//   blocks      size a multiple of 16, at least MIN_BLOCK, inside memory; no two overlap; a live
//               block's check word, site and requested bytes agree with its size; a free block's
//               footer names it; LEFTFREE is set exactly when the block to the left is free; no two
//               free neighbours of one kind are left unmerged; binned blocks end their region in a
//               tail sentinel, the last one being the root's tail; ZERO blocks are zero (deep)
//   bins        a bin's head is set exactly when its bitmap bit is; each listed block is a free
//               binned block of that bin, linked both ways; every free binned block is listed once
//   large list  the same for free large blocks
//   caches      every thread cache's lists hold CACHED blocks of their size, as many as the walk found
//               and the caches count (thread_cache.ts); cached blocks count as nobody's live bytes
//   ledger      each site's live bytes, blocks and block bytes, the all and Rust totals, and the
//               glibc footprint equal the sums over the live blocks; the footprint equals the bytes
//               of all regions; each live block names a program point its site has, and each point
//               record's live figures equal the sums over the blocks of that point
//
// A check writes its verdict to a CheckReport at `out` (the caller's memory) and returns its code,
// CHECK_OK (0) when every invariant holds. It takes the heap lock and every thread cache's lock, having
// folded the caches' deltas into the ledger, so it sees the heap between two operations; structures other threads change without that lock (epoch queue, streams) have their
// own checks (epoch/check.ts, stream/check.ts) that are exact only when those threads are quiet.
//
// ╒════════════ CheckReport (24 bytes) ═════════════╕
//  off  field
//   0   code u32      CHECK_* below (0: all good)
//   4   address u32   the block or structure at fault
//   8   expected u64  what the invariant wants
//  16   actual u64    what was found
// ╘══════════════════════════════════════════════════╛

import {
  HEADER, MIN_BLOCK, FREE, LEFTFREE, ZERO, LARGE, AL_MASK, FL_COUNT, SL_SIZE, ROOT_LOCK, ROOT_FLMAP, ROOT_TAIL,
  ROOT_FOOTPRINT, ROOT_GLIBC, info, sizeOf, checkOf, requestedOf, siteOf, prevFree, nextFree, largePrev, largeNext,
  checkWord, memoryEnd, heapBase, binFl, binSl, headSlot, slMapSlot, isCached, ownerOf
} from "./block";
import { liveBlockAt } from "./free";
import { lockAllCaches, unlockAllCaches, cachedBlocksListed } from "./thread_cache";
import { startAtOrAfter, isStart } from "./starts";
import { firstFreeLarge } from "./tlsf";
import { CHECK_SCRATCH, POINT_TABLE } from "./layout";
import { MAX_SITES, SITE_COUNT, POINT_RECORDS, siteIsRust, sitePointCount, pointRecordBase, pointOf } from "./sites";
import { glibcChunk } from "./footprint";
import { siteRecord, SITE_RECORD_SIZE, L_ALL, L_RUST, R_LIVE_BYTES, R_LIVE_BLOCKS, R_LIVE_BLOCK_BYTES } from "./ledger";
import { mutexLock, mutexUnlock } from "../sync/mutex";

export const CHECK_OK: u32 = 0;
export const CHECK_BLOCK_SIZE: u32 = 1;
export const CHECK_BLOCK_OVERLAP: u32 = 2;
export const CHECK_CHECK_WORD: u32 = 3;
export const CHECK_SITE: u32 = 4;
export const CHECK_REQUESTED: u32 = 5;
export const CHECK_FOOTER: u32 = 6;
export const CHECK_LEFTFREE: u32 = 7;
export const CHECK_UNMERGED: u32 = 8;
export const CHECK_SENTINEL: u32 = 9;
export const CHECK_TAIL: u32 = 10;
export const CHECK_ZERO: u32 = 11;
export const CHECK_BIN_MAP: u32 = 12;
export const CHECK_BIN_LIST: u32 = 13;
export const CHECK_FREE_COUNT: u32 = 14;
export const CHECK_LARGE_LIST: u32 = 15;
export const CHECK_LEDGER_SITE: u32 = 16;
export const CHECK_LEDGER_TOTAL: u32 = 17;
export const CHECK_GLIBC: u32 = 18;
export const CHECK_FOOTPRINT: u32 = 19;
export const CHECK_QUEUE: u32 = 20;
export const CHECK_QUEUE_ORDER: u32 = 21;
export const CHECK_BAG: u32 = 22;
export const CHECK_DEFERRED: u32 = 23;
export const CHECK_LOCAL: u32 = 24;
export const CHECK_COLLECTOR: u32 = 25;
export const CHECK_STREAM: u32 = 26;
export const CHECK_VEC: u32 = 27;
export const CHECK_PAGE: u32 = 28;
export const CHECK_ACTIVE: u32 = 29;
export const CHECK_LEN: u32 = 30;
export const CHECK_INDEX: u32 = 31;
export const CHECK_THREAD_CACHE: u32 = 32;
export const CHECK_POINT: u32 = 33;
/** One past the last code. */
export const CHECK_CODE_COUNT: u32 = 34;

export function checkCodeName(code: u32): string {
  switch (code) {
    case CHECK_OK: return "ok";
    case CHECK_BLOCK_SIZE: return "block size";
    case CHECK_BLOCK_OVERLAP: return "blocks overlap";
    case CHECK_CHECK_WORD: return "block check word";
    case CHECK_SITE: return "block site";
    case CHECK_REQUESTED: return "block requested bytes";
    case CHECK_FOOTER: return "free block footer";
    case CHECK_LEFTFREE: return "LEFTFREE tag";
    case CHECK_UNMERGED: return "free neighbours left unmerged";
    case CHECK_SENTINEL: return "region tail sentinel";
    case CHECK_TAIL: return "root tail";
    case CHECK_ZERO: return "ZERO block not zero";
    case CHECK_BIN_MAP: return "bin bitmaps";
    case CHECK_BIN_LIST: return "bin list";
    case CHECK_FREE_COUNT: return "free blocks listed";
    case CHECK_LARGE_LIST: return "large list";
    case CHECK_LEDGER_SITE: return "ledger site figures";
    case CHECK_LEDGER_TOTAL: return "ledger totals";
    case CHECK_GLIBC: return "glibc footprint";
    case CHECK_FOOTPRINT: return "footprint";
    case CHECK_QUEUE: return "epoch queue";
    case CHECK_QUEUE_ORDER: return "epoch queue order";
    case CHECK_BAG: return "epoch bag";
    case CHECK_DEFERRED: return "deferred function";
    case CHECK_LOCAL: return "epoch participant";
    case CHECK_COLLECTOR: return "epoch collector";
    case CHECK_STREAM: return "stream";
    case CHECK_VEC: return "stream page vector";
    case CHECK_PAGE: return "stream page";
    case CHECK_ACTIVE: return "stream active page";
    case CHECK_LEN: return "stream length";
    case CHECK_INDEX: return "index";
    case CHECK_THREAD_CACHE: return "thread cache";
    case CHECK_POINT: return "ledger program-point figures";
  }
  return "unknown";
}

/** CheckReport (table above). */
@unmanaged export class CheckReport {
  code: u32;
  address: u32;
  expected: u64;
  actual: u64;
}
// @ts-ignore: decorator
@inline export const CHECK_REPORT_SIZE: u64 = <u64>offsetof<CheckReport>();
if (CHECK_REPORT_SIZE != 24) ERROR("CheckReport must be 24 bytes");

/** Writes a verdict at `out` and returns its code. */
export function report(out: usize, code: u32, address: usize, expected: u64, actual: u64): u32 {
  store<u32>(out, code, offsetof<CheckReport>("code"));
  store<u32>(out, <u32>address, offsetof<CheckReport>("address"));
  store<u64>(out, expected, offsetof<CheckReport>("expected"));
  store<u64>(out, actual, offsetof<CheckReport>("actual"));
  return code;
}

/**
 * True if `payload` is a live block of `site` that asked for exactly `bytes`. A block a thread cache
 * holds keeps its site and size (thread_cache.ts) but is free to everyone else: it is not live.
 */
export function isLiveBlockOf(payload: usize, site: u32, bytes: u64): bool {
  let block = liveBlockAt(payload);
  return block != 0 && siteOf(block) == site && <u64>requestedOf(block) == bytes;
}

// --- per-site sums over the walk (in CHECK_SCRATCH: the checker holds the heap lock) ---
//
// ╒══════════════ CHECK_SCRATCH (808 bytes, in the reserved region, layout.ts) ══════════════╕
//    0  sums[MAX_SITES] SiteSums   per site: 0 bytes u64 · 8 blocks u64 · 16 blockBytes u64; the
//                                  point records' sums follow the last site's (pointSumOf)
//  768  freeBinned u64 · 776 freeLarge u64 · 784 regionBytes u64 · 792 glibc u64 · 800 cached u64 (WalkTotals)
// ╘═══════════════════════════════════════════════════════════════════════════════════════════╛

/** One site's sums over the walk. */
@unmanaged export class SiteSums {
  bytes: u64;
  blocks: u64;
  blockBytes: u64;
}
/** After the per-site sums: free binned and free large blocks seen, region bytes, glibc bytes. */
@unmanaged export class WalkTotals {
  freeBinned: u64;
  freeLarge: u64;
  regionBytes: u64;
  glibc: u64;
  cached: u64;
}

// @ts-ignore: decorator
@inline const SUM_BYTES: usize = offsetof<SiteSums>("bytes");
// @ts-ignore: decorator
@inline const SUM_BLOCKS: usize = offsetof<SiteSums>("blocks");
// @ts-ignore: decorator
@inline const SUM_BLOCK_BYTES: usize = offsetof<SiteSums>("blockBytes");
// @ts-ignore: decorator
@inline const SUM_SIZE: usize = offsetof<SiteSums>();
// @ts-ignore: decorator
@inline const W_FREE_BINNED: usize = CHECK_SCRATCH + <usize>MAX_SITES * SUM_SIZE;
// @ts-ignore: decorator
@inline const W_FREE_LARGE: usize = W_FREE_BINNED + offsetof<WalkTotals>("freeLarge");
// @ts-ignore: decorator
@inline const W_REGION_BYTES: usize = W_FREE_BINNED + offsetof<WalkTotals>("regionBytes");
// @ts-ignore: decorator
@inline const W_GLIBC: usize = W_FREE_BINNED + offsetof<WalkTotals>("glibc");
// @ts-ignore: decorator
@inline const W_CACHED: usize = W_FREE_BINNED + offsetof<WalkTotals>("cached");
// @ts-ignore: decorator
@inline const W_END: usize = W_FREE_BINNED + offsetof<WalkTotals>();
/** Bytes of CHECK_SCRATCH the checker uses. */
// @ts-ignore: decorator
@inline export const CHECK_SCRATCH_SIZE: usize = W_END - CHECK_SCRATCH;
if (SUM_SIZE != 24 || CHECK_SCRATCH_SIZE != 808) ERROR("CHECK_SCRATCH must be MAX_SITES sums of 24 bytes and 40 bytes of totals");

// @ts-ignore: decorator
@inline function sumOf(site: u32): usize { return CHECK_SCRATCH + <usize>site * SUM_SIZE; }
/** A point record's sums: the slots past the last site's (sites.ts: SITE_COUNT + POINT_RECORDS <= MAX_SITES). */
// @ts-ignore: decorator
@inline function pointSumOf(point: u32): usize { return sumOf(SITE_COUNT + point); }
if (SITE_COUNT + POINT_RECORDS > MAX_SITES) ERROR("the checker keeps the point records' sums in the site sums past SITE_COUNT");

function bump(address: usize, delta: u64): void {
  store<u64>(address, load<u64>(address) + delta);
}

/**
 * Checks the whole heap (deep: also that every ZERO block really is zero, reading all of it).
 * Returns CHECK_OK or the first broken invariant's code, with the details at `out`.
 */
export function heapCheck(out: usize, deep: bool): u32 {
  mutexLock(ROOT_LOCK);
  lockAllCaches();
  memory.fill(CHECK_SCRATCH, 0, W_END - CHECK_SCRATCH);
  let code = walkBlocks(out, deep);
  if (code == CHECK_OK) code = checkBins(out);
  if (code == CHECK_OK) code = checkLargeList(out);
  if (code == CHECK_OK) code = checkCaches(out);
  if (code == CHECK_OK) code = checkLedger(out);
  if (code == CHECK_OK) report(out, CHECK_OK, 0, 0, 0);
  unlockAllCaches();
  mutexUnlock(ROOT_LOCK);
  return code;
}

/** The block walk: every block start in address order, and the sums the later checks compare. */
function walkBlocks(out: usize, deep: bool): u32 {
  let end = memoryEnd();
  let block = startAtOrAfter(heapBase(), end);
  let prevEnd: usize = 0;
  let prevLarge = false, prevFree = false;
  let lastSentinel: usize = 0;
  let code: u32;
  while (block) {
    let size = sizeOf(block);
    let tags = info(block);
    if (size < MIN_BLOCK || (size & AL_MASK) != 0 || <u64>block + size > end) return report(out, CHECK_BLOCK_SIZE, block, MIN_BLOCK, size);
    if (block < prevEnd) return report(out, CHECK_BLOCK_OVERLAP, block, prevEnd, block);
    if (prevEnd != 0 && prevEnd != block && !prevLarge) {
      if ((code = checkSentinel(out, prevEnd, block, prevFree))) return code;
      lastSentinel = prevEnd;
    }
    if ((code = checkLeft(out, block, tags, prevEnd == block, prevLarge, prevFree))) return code;
    if ((code = tags & FREE ? countFree(out, block, size, tags, deep) : countLive(out, block, size))) return code;
    bump(W_REGION_BYTES, size);
    prevEnd = block + size;
    prevLarge = (tags & LARGE) != 0;
    prevFree = (tags & FREE) != 0;
    block = startAtOrAfter(block + HEADER, end);
  }
  if (prevEnd != 0 && !prevLarge) {
    if ((code = checkSentinel(out, prevEnd, <usize>end, prevFree))) return code;
    lastSentinel = prevEnd;
  }
  let tail = <usize>load<u32>(ROOT_TAIL);
  return tail == lastSentinel ? CHECK_OK : report(out, CHECK_TAIL, tail, lastSentinel, tail);
}

/** The tail sentinel a binned region ends in, at `sentinel`, before `limit`; it counts as region bytes. */
function checkSentinel(out: usize, sentinel: usize, limit: usize, leftFree: bool): u32 {
  if (sentinel + HEADER > limit || isStart(sentinel) || (info(sentinel) & ~LEFTFREE) != 0 || checkOf(sentinel) != 0) {
    return report(out, CHECK_SENTINEL, sentinel, 0, info(sentinel));
  }
  if (((info(sentinel) & LEFTFREE) != 0) != leftFree) return report(out, CHECK_LEFTFREE, sentinel, leftFree ? 1 : 0, info(sentinel) & LEFTFREE);
  bump(W_REGION_BYTES, HEADER);
  return CHECK_OK;
}

/** LEFTFREE and merging against the block to the left, if one ends where `block` starts. */
function checkLeft(out: usize, block: usize, tags: u32, adjacent: bool, prevLarge: bool, prevFree: bool): u32 {
  let leftFree = (tags & LEFTFREE) != 0;
  let large = (tags & LARGE) != 0;
  if (!adjacent || (prevLarge && !large)) return leftFree ? report(out, CHECK_LEFTFREE, block, 0, 1) : CHECK_OK;
  if (large && !prevLarge) return report(out, CHECK_SENTINEL, block, 0, 0); // a binned region must end in a sentinel
  if (leftFree != prevFree) return report(out, CHECK_LEFTFREE, block, prevFree ? 1 : 0, leftFree ? 1 : 0);
  if (prevFree && (tags & FREE)) return report(out, CHECK_UNMERGED, block, 0, 1);
  return CHECK_OK;
}

function countLive(out: usize, block: usize, size: usize): u32 {
  if (checkOf(block) != checkWord(block)) return report(out, CHECK_CHECK_WORD, block, checkWord(block), checkOf(block));
  if (isCached(block)) {
    bump(W_CACHED, 1);
    return CHECK_OK;
  }
  let site = siteOf(block);
  if (site >= SITE_COUNT) return report(out, CHECK_SITE, block, SITE_COUNT, site);
  let requested = <u64>requestedOf(block);
  if (requested + HEADER > <u64>size) return report(out, CHECK_REQUESTED, block, size - HEADER, requested);
  let owner = ownerOf(block);
  let point = pointOf(owner);
  let base = pointRecordBase(site);
  if (point >= sitePointCount(site)) return report(out, CHECK_POINT, block, sitePointCount(site), point);
  addSums(sumOf(site), requested, size);
  if (base >= 0) addSums(pointSumOf(<u32>base + point), requested, size);
  if (siteIsRust(site)) bump(W_GLIBC, glibcChunk(requested));
  return CHECK_OK;
}

function addSums(sum: usize, requested: u64, size: usize): void {
  bump(sum + SUM_BYTES, requested);
  bump(sum + SUM_BLOCKS, 1);
  bump(sum + SUM_BLOCK_BYTES, size);
}

function countFree(out: usize, block: usize, size: usize, tags: u32, deep: bool): u32 {
  let footer = <usize>load<u32>(block + size - 4);
  if (footer != block) return report(out, CHECK_FOOTER, block, block, footer);
  bump(tags & LARGE ? W_FREE_LARGE : W_FREE_BINNED, 1);
  if (deep && (tags & ZERO)) {
    // Zero but for the links (payload words 0 and 1) and the footer.
    for (let at = block + HEADER + 8; at < block + size - 4; at += 4) {
      if (load<u32>(at) != 0) return report(out, CHECK_ZERO, block, 0, at);
    }
  }
  return CHECK_OK;
}

/** Bitmaps against heads, and every bin list against the blocks the walk found. */
function checkBins(out: usize): u32 {
  let listed: u64 = 0;
  let limit = load<u64>(W_FREE_BINNED);
  let flMap = load<u32>(ROOT_FLMAP);
  for (let fl: u32 = 0; fl < FL_COUNT; fl++) {
    let slMap = load<u32>(slMapSlot(fl));
    if (((flMap >> fl) & 1) != (slMap != 0 ? 1 : 0)) return report(out, CHECK_BIN_MAP, slMapSlot(fl), slMap != 0 ? 1 : 0, (flMap >> fl) & 1);
    for (let sl: u32 = 0; sl < SL_SIZE; sl++) {
      let head = <usize>load<u32>(headSlot(fl, sl));
      if (((slMap >> sl) & 1) != (head != 0 ? 1 : 0)) return report(out, CHECK_BIN_MAP, headSlot(fl, sl), head != 0 ? 1 : 0, (slMap >> sl) & 1);
      let prev: usize = 0;
      for (let block = head; block; block = nextFree(block)) {
        if (++listed > limit) return report(out, CHECK_FREE_COUNT, block, limit, listed);
        if (!isStart(block) || (info(block) & (FREE | LARGE)) != FREE || binFl(sizeOf(block)) != fl || binSl(sizeOf(block)) != sl || prevFree(block) != prev) {
          return report(out, CHECK_BIN_LIST, block, (<u64>fl << 32) | sl, info(block));
        }
        prev = block;
      }
    }
  }
  return listed == limit ? CHECK_OK : report(out, CHECK_FREE_COUNT, 0, limit, listed);
}

function checkLargeList(out: usize): u32 {
  let listed: u64 = 0;
  let limit = load<u64>(W_FREE_LARGE);
  let prev: usize = 0;
  for (let block = firstFreeLarge(); block; block = largeNext(block)) {
    if (++listed > limit) return report(out, CHECK_FREE_COUNT, block, limit, listed);
    if (!isStart(block) || (info(block) & (FREE | LARGE)) != (FREE | LARGE) || largePrev(block) != prev) {
      return report(out, CHECK_LARGE_LIST, block, FREE | LARGE, info(block));
    }
    prev = block;
  }
  return listed == limit ? CHECK_OK : report(out, CHECK_FREE_COUNT, 0, limit, listed);
}

/** The thread caches' lists against the cached blocks the walk found. */
function checkCaches(out: usize): u32 {
  let listed = cachedBlocksListed();
  let found = load<u64>(W_CACHED);
  if (listed >> 63) return report(out, CHECK_THREAD_CACHE, <usize>(listed & 0xFFFF_FFFF), found, listed & 0xFFFF_FFFF);
  return listed == found ? CHECK_OK : report(out, CHECK_THREAD_CACHE, 0, found, listed);
}

/** A record's live figures against the walk's sums; CHECK_OK or `code` naming `what`. */
function checkLive(out: usize, code: u32, what: usize, record: usize, sum: usize): u32 {
  let bytes = load<u64>(sum + SUM_BYTES), blocks = load<u64>(sum + SUM_BLOCKS), blockBytes = load<u64>(sum + SUM_BLOCK_BYTES);
  if (load<u64>(record + R_LIVE_BYTES) != bytes) return report(out, code, what, bytes, load<u64>(record + R_LIVE_BYTES));
  if (load<u64>(record + R_LIVE_BLOCKS) != blocks) return report(out, code, what, blocks, load<u64>(record + R_LIVE_BLOCKS));
  if (load<u64>(record + R_LIVE_BLOCK_BYTES) != blockBytes) return report(out, code, what, blockBytes, load<u64>(record + R_LIVE_BLOCK_BYTES));
  return CHECK_OK;
}

function checkPoints(out: usize): u32 {
  for (let point: u32 = 0; point < POINT_RECORDS; point++) {
    let verdict = checkLive(out, CHECK_POINT, point, POINT_TABLE + <usize>point * SITE_RECORD_SIZE, pointSumOf(point));
    if (verdict != CHECK_OK) return verdict;
  }
  return CHECK_OK;
}

function checkLedger(out: usize): u32 {
  let all: u64 = 0, rust: u64 = 0, allBlocks: u64 = 0, rustBlocks: u64 = 0;
  for (let site: u32 = 0; site < SITE_COUNT; site++) {
    let sum = sumOf(site);
    let verdict = checkLive(out, CHECK_LEDGER_SITE, site, siteRecord(site), sum);
    if (verdict != CHECK_OK) return verdict;
    let bytes = load<u64>(sum + SUM_BYTES), blocks = load<u64>(sum + SUM_BLOCKS);
    all += bytes;
    allBlocks += blocks;
    if (siteIsRust(site)) {
      rust += bytes;
      rustBlocks += blocks;
    }
  }
  if (load<u64>(L_ALL + R_LIVE_BYTES) != all || load<u64>(L_ALL + R_LIVE_BLOCKS) != allBlocks) return report(out, CHECK_LEDGER_TOTAL, L_ALL, all, load<u64>(L_ALL + R_LIVE_BYTES));
  if (load<u64>(L_RUST + R_LIVE_BYTES) != rust || load<u64>(L_RUST + R_LIVE_BLOCKS) != rustBlocks) return report(out, CHECK_LEDGER_TOTAL, L_RUST, rust, load<u64>(L_RUST + R_LIVE_BYTES));
  if (load<u64>(ROOT_GLIBC) != load<u64>(W_GLIBC)) return report(out, CHECK_GLIBC, 0, load<u64>(W_GLIBC), load<u64>(ROOT_GLIBC));
  let regionBytes = load<u64>(W_REGION_BYTES);
  if (load<u64>(ROOT_FOOTPRINT) != regionBytes) return report(out, CHECK_FOOTPRINT, 0, regionBytes, load<u64>(ROOT_FOOTPRINT));
  return checkPoints(out);
}
