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
// The large list is doubly linked through the payload's first two words (largePrev, largeNext),
// the same words the bins use for their links.

import {
  HEADER, MIN_BLOCK, FREE, LEFTFREE, ZERO, LARGE, LARGE_MIN, PAGE_BITS, PAGE_SIZE, ROOT_LARGE_FREE, ROOT_REGIONS,
  info, sizeOf, setInfo, setFooter, leftOf, memoryEnd, prevFree as largePrev, nextFree as largeNext,
  setPrevFree as setLargePrev, setNextFree as setLargeNext
} from "./block";
import { markStart, clearStart, isStart } from "./starts";
import { takePages, takenStart, takenBytes, addFootprint } from "./grow";
import { mergedZero } from "./zero";
import { DEBUG } from "./debug";

export function firstFreeLarge(): usize { return <usize>load<u32>(ROOT_LARGE_FREE); }
export { largeNext };

function listPush(block: usize): void {
  if (DEBUG) assert((info(block) & (FREE | LARGE)) == (FREE | LARGE) && isStart(block), "large list: pushing a block that is not a free large block");
  let head = firstFreeLarge();
  setLargePrev(block, 0);
  setLargeNext(block, head);
  if (head) setLargePrev(head, block);
  store<u32>(ROOT_LARGE_FREE, <u32>block);
}

function listRemove(block: usize): void {
  if (DEBUG) assert((info(block) & (FREE | LARGE)) == (FREE | LARGE), "large list: removing a block that is not a free large block");
  let prev = largePrev(block), next = largeNext(block);
  if (prev) setLargeNext(prev, next);
  else store<u32>(ROOT_LARGE_FREE, <u32>next);
  if (next) setLargePrev(next, prev);
}

/** The large block right of `block` (of `size` bytes), or 0 at the edge of large memory. */
function largeRight(block: usize, size: usize): usize {
  let right = block + size;
  if (<u64>right + MIN_BLOCK > memoryEnd() || !isStart(right)) return 0;
  return info(right) & LARGE ? right : 0;
}

/** Makes `block` a free large block of `size` bytes on the list, telling its right neighbour. */
function setFree(block: usize, size: usize, zero: u32, leftFree: u32): void {
  setInfo(block, <u32>size | FREE | LARGE | zero | leftFree);
  setFooter(block, size);
  let right = largeRight(block, size);
  if (right) setInfo(right, info(right) | LEFTFREE);
  listPush(block);
}

/** Best-fit free large block of at least `need` bytes, off the list; 0 if none. */
function takeBestFit(need: usize): usize {
  let best: usize = 0;
  for (let block = firstFreeLarge(); block; block = largeNext(block)) {
    if (sizeOf(block) >= need && (!best || sizeOf(block) < sizeOf(best))) best = block;
  }
  if (best) listRemove(best);
  return best;
}

/** A large block of at least `need` bytes, handed out (FREE cleared); 0 if refused (a failure record says why). */
export function takeLarge(need: usize, site: u32, requested: u64, align: u32): usize {
  let block = takeBestFit(need);
  if (!block) block = growLarge(need, site, requested, align);
  if (!block) return 0;
  let size = sizeOf(block);
  let tags = info(block) & (ZERO | LEFTFREE);
  if (size - need >= LARGE_MIN) {
    let rest = block + need;
    markStart(rest);
    setFree(rest, size - need, tags & ZERO, 0);
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
  listRemove(top);
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
    if (top) listPush(top);
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
    if (top) listPush(top);
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
  let size = sizeOf(block);
  let leftFree = info(block) & LEFTFREE;
  let right = largeRight(block, size);
  if (right && (info(right) & FREE)) {
    let rightSize = sizeOf(right);
    listRemove(right);
    zero = mergedZero(block, size, zero, right, rightSize, info(right) & ZERO);
    clearStart(right);
    size += rightSize;
  }
  if (leftFree) {
    let left = leftOf(block);
    let leftSize = sizeOf(left);
    listRemove(left);
    zero = mergedZero(left, leftSize, info(left) & ZERO, block, size, zero);
    clearStart(block);
    leftFree = info(left) & LEFTFREE;
    size += leftSize;
    block = left;
  }
  setFree(block, size, zero, leftFree);
}
