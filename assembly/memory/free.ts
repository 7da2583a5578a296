// Checked frees: a free is judged before it changes anything, and a bad one is only reported.
//
// The judge is the start map (starts.ts), not the header: a header sits in memory a program can
// write, so a forged one (16 bytes into an ArcInner, a header copied into user data) would pass any
// test the header itself can answer. Only the allocator writes the map, so "is a block start here?"
// is the one question no payload write can change the answer to. A free is then, in order:
//
//   not a block start          reportBadFree: a double free of a block that has since been merged
//                              away (its stale header still says FREE with its check word), or an
//                              invalid free, naming the live block it points into, if any
//   a block start, FREE        a double free; the record names the block's site (so is a block on
//   or CACHED                  a thread cache's list, thread_cache.ts, which the bins count as live)
//   a live block, not USER     (heapFreeUser only) refused, nothing logged: the lab's own block
//   a live block               accounted (ledger, glibc footprint), then merged back (binned.ts
//                              or large.ts, both through tlsf.ts's coalesce)
//
// A bad free writes one record (ledger.ts, with both sites) and leaves the heap as it was, so a
// test can go on after it. The same judgement answers the host's questions about addresses
// (liveBlockAt, containingBlock, wordIsLive), which may come from anywhere.

import { AL_MASK, HEADER, MIN_BLOCK, FREE, LARGE, USER, isCached, info, sizeOf, checkOf, requestedOf, ownerOf, siteOf, checkWord, memoryEnd, heapBase } from "./block";
import { isStart, startAtOrBefore } from "./starts";
import { releaseBlock } from "./binned";
import { freeLarge } from "./large";
import { glibcFree } from "./footprint";
import { recordFree, recordBadFree, BAD_FREE_INVALID, BAD_FREE_DOUBLE } from "./ledger";
import { DEBUG } from "./debug";

/** Result of a free. */
export const FREED: u32 = 0;
export const FREE_INVALID: u32 = BAD_FREE_INVALID;
export const FREE_DOUBLE: u32 = BAD_FREE_DOUBLE;
/** heapFreeUser only: a live block, but one the lab's own structures own (nothing is changed or logged). */
export const FREE_NOT_USER: u32 = 3;

/** True if `block` is the start of a block (live or free) this heap made: the start map says so. */
function isBlockStart(block: usize, end: u64): bool {
  if ((block & AL_MASK) != 0 || block < heapBase() || <u64>block + MIN_BLOCK > end) return false;
  return isStart(block);
}

/** The live block whose payload starts at `payload`, or 0. */
export function liveBlockAt(payload: usize): usize {
  let block = payload - HEADER;
  if (payload < HEADER || !isBlockStart(block, memoryEnd()) || (info(block) & FREE) || isCached(block)) return 0;
  return block;
}

/**
 * Frees the block whose payload starts at `payload` for `site` if it is a live block (userOnly: a
 * USER one), the block rejoining free memory with ZERO tag `zero`; otherwise reports it. Called
 * with the heap lock held. Returns FREED or what the free was.
 */
export function freeChecked(payload: usize, site: u32, zero: u32, userOnly: bool): u32 {
  let end = memoryEnd();
  let block = payload - HEADER;
  let result = FREED;
  if (payload < HEADER || !isBlockStart(block, end)) {
    result = reportBadFree(payload, site);
  } else if ((info(block) & FREE) || isCached(block)) {
    result = FREE_DOUBLE;
    recordBadFree(payload, site, BAD_FREE_DOUBLE, siteOf(block), payload);
  } else if (userOnly && !(ownerOf(block) & USER)) {
    result = FREE_NOT_USER;
  } else {
    if (DEBUG) assert(checkOf(block) == checkWord(block), "free: a block header was overwritten");
    accountFree(block);
    if (info(block) & LARGE) freeLarge(block, zero);
    else releaseBlock(block, zero);
  }
  return result;
}

/** The ledger's and the glibc footprint's side of a free. */
function accountFree(block: usize): void {
  let requested = <u64>requestedOf(block);
  recordFree(ownerOf(block), requested, <u64>sizeOf(block));
  glibcFree(siteOf(block), requested);
}

/**
 * Logs a free of an address that is no block start. Inside a free block whose merge kept the old
 * header (check word and FREE), it is a double free of a block that has since coalesced; otherwise
 * an invalid free, naming the live block it points into if any.
 */
function reportBadFree(payload: usize, site: u32): u32 {
  let around = blockAround(payload);
  let stale = payload - HEADER;
  if (around && (info(around) & FREE) && payload >= around + HEADER && checkOf(stale) == checkWord(stale) && (info(stale) & FREE)) {
    recordBadFree(payload, site, BAD_FREE_DOUBLE, siteOf(stale), payload);
    return FREE_DOUBLE;
  }
  let live = around && !(info(around) & FREE) && !isCached(around) ? around : 0;
  recordBadFree(payload, site, BAD_FREE_INVALID, live ? siteOf(live) : 0, live ? live + HEADER : 0);
  return FREE_INVALID;
}

/** The block (live or free) whose bytes hold `address`, or 0. */
function blockAround(address: usize): usize {
  let base = heapBase();
  if (address < base || <u64>address >= memoryEnd()) return 0;
  let block = startAtOrBefore(address, base);
  return block && block + sizeOf(block) > address ? block : 0;
}

/** The live block whose payload holds `address` (or whose header does), or 0. */
export function containingBlock(address: usize): usize {
  let block = blockAround(address);
  return block && !(info(block) & FREE) && !isCached(block) ? block : 0;
}

/** True if the 8-aligned u64 at `address` lies within the requested bytes of a live block (userOnly: a USER one). */
export function wordIsLive(address: usize, userOnly: bool): bool {
  if ((address & 7) != 0) return false;
  let block = containingBlock(address);
  if (!block || (userOnly && !(ownerOf(block) & USER))) return false;
  return address >= block + HEADER && address + 8 <= block + HEADER + <usize>requestedOf(block);
}
