// Large blocks: requests of LARGE_MIN (128 KiB, glibc's mmap threshold) and more.
//
// A large request gets a region of its own from `memory.grow` (natively, its own mapping) instead
// of a block from the bins, so a freed index table is found again whole by the next one instead of
// being chipped at by small requests and abandoned: the bins and the large blocks never share
// memory, as glibc's heap and its mappings don't. Freed, a large block goes on the large list, which
// only large requests draw from, best fit first. Free large blocks coalesce with free large
// neighbours (boundary tags, as in the bins), a block larger than a request by LARGE_MIN or more is
// split, and a request that no free block fits extends a free block at the top of memory rather
// than growing a region beside it, so free memory that fits a request is found whatever pieces it
// was freed in.
//
// The large list is doubly linked through the payload's first two words, the same words the bins
// use (block.ts: largePrev, largeNext); it is kept by tlsf.ts beside the bins, which also does the
// merging for both kinds (coalesce), so here is only the policy: best fit, split at LARGE_MIN,
// extend the top, else a region of its own.

import {
  MIN_BLOCK, AL_MASK, FREE, LEFTFREE, ZERO, LARGE, LARGE_MIN, PAGE_BITS, PAGE_SIZE, ROOT_REGIONS,
  info, sizeOf, setInfo, setFooter, memoryEnd, largeNext
} from "./block";
import { markStart, isStart } from "./starts";
import { takePages, takenStart, takenBytes, addFootprint } from "./footprint";
import { firstFreeLarge, pushLarge, removeLarge, coalesce } from "./tlsf";
import { DEBUG } from "./debug";

/** The large block right of `block` (of `size` bytes), or 0 at the edge of large memory. */
function largeRight(block: usize, size: usize): usize {
  let right = block + size;
  if (<u64>right + MIN_BLOCK > memoryEnd() || !isStart(right)) return 0;
  return info(right) & LARGE ? right : 0;
}

/** Puts the free large block `block` (header written) on the list, with its footer, telling its right neighbour. */
function listFree(block: usize): void {
  let size = sizeOf(block);
  setFooter(block, size);
  let right = largeRight(block, size);
  if (right) setInfo(right, info(right) | LEFTFREE);
  pushLarge(block);
}

/** Best-fit free large block of at least `need` bytes, off the list; 0 if none. */
function takeBestFit(need: usize): usize {
  let best: usize = 0;
  for (let block = firstFreeLarge(); block; block = largeNext(block)) {
    if (sizeOf(block) >= need && (!best || sizeOf(block) < sizeOf(best))) best = block;
  }
  if (best) removeLarge(best);
  return best;
}

/** A large block of at least `need` bytes, handed out (FREE cleared); 0 if refused (a failure record says why). */
export function takeLarge(need: usize, site: u32, requested: u64, align: u32): usize {
  if (DEBUG) assert(need >= LARGE_MIN && (need & AL_MASK) == 0, "takeLarge: no large block size");
  let block = takeBestFit(need);
  if (!block) block = growLarge(need, site, requested, align);
  if (!block) return 0;
  let size = sizeOf(block);
  if (DEBUG) assert((info(block) & LARGE) && size >= need && isStart(block), "takeLarge: the block is not a fitting large one");
  let tags = info(block) & (ZERO | LEFTFREE);
  if (size - need >= LARGE_MIN) {
    let rest = block + need;
    markStart(rest);
    setInfo(rest, <u32>(size - need) | FREE | LARGE | (tags & ZERO));
    listFree(rest);
    size = need;
  } else {
    let right = largeRight(block, size);
    if (right) setInfo(right, info(right) & ~LEFTFREE);
  }
  setInfo(block, <u32>size | LARGE | tags);
  return block;
}

/** The free large block that ends where memory ends, off the list; 0 if there is none. */
function takeTop(end: u64): usize {
  if (end < PAGE_SIZE) return 0;
  let top = <usize>load<u32>(<usize>(end - 4));
  if ((top & 15) != 0 || <u64>top + MIN_BLOCK > end || !isStart(top)) return 0;
  if ((info(top) & (FREE | LARGE)) != (FREE | LARGE) || <u64>top + sizeOf(top) != end) return 0;
  removeLarge(top);
  return top;
}

/**
 * Memory for a large block of `need` bytes: the free block at the top of memory extended, else a
 * region of its own (exact pages: a mapping, whatever the growth policy). 0 if refused.
 */
function growLarge(need: usize, site: u32, requested: u64, align: u32): usize {
  let end = memoryEnd();
  let top = takeTop(end);
  let have: u64 = top ? <u64>sizeOf(top) : 0;
  let pages = <u32>((<u64>need - have + PAGE_SIZE - 1) >> PAGE_BITS);
  let taken = takePages(pages, pages, site, requested, align);
  if (taken < 0) {
    if (top) pushLarge(top);
    return 0;
  }
  let bytes = takenBytes(taken);
  let block: usize;
  if (top && takenStart(taken) == end) {
    let zero = info(top) & ZERO;
    if (zero) store<u32>(<usize>(end - 4), 0); // its footer, now inside the block
    setInfo(top, <u32>(have + bytes) | LARGE | zero | (info(top) & LEFTFREE));
    block = top;
  } else {
    if (top) pushLarge(top);
    block = <usize>takenStart(taken);
    markStart(block);
    setInfo(block, <u32>bytes | LARGE | ZERO);
    store<u32>(ROOT_REGIONS, load<u32>(ROOT_REGIONS) + 1);
  }
  addFootprint(bytes);
  return block;
}

/** Gives a large block back (already accounted for), merged with free large neighbours. */
export function freeLarge(block: usize, zero: u32): void {
  if (DEBUG) assert((info(block) & (FREE | LARGE)) == LARGE, "freeLarge: not a live large block");
  listFree(coalesce(block, largeRight(block, sizeOf(block)), zero));
}
