// Binned blocks: carved from the bins, given back to them, and the regions they come from.
//
// The allocation side of rt/tlsf.ts (prepareBlock, addMemory, growMemory, allocateBlock) over the
// core in tlsf.ts. A request is rounded to a block size and searched for; an aligned one (align
// above 16) searches for align + MIN_BLOCK more, so that the padding cut off in front is always a
// whole free block (at least MIN_BLOCK) or nothing. What is left past the block goes back to the
// bins if it can be a block of its own; otherwise the block keeps it (the slack the ledger counts).
//
// When no free block fits, memory is grown by the growth policy (footprint.ts) and becomes a region:
// a free block ending in a 16-byte tail sentinel (size 0, never free), instead of rt/tlsf.ts's one
// pool, because other users of memory.grow (the start map, large regions, as-pect's runtime) may
// take the pages in between. Growth adjacent to the last region extends it over its sentinel and
// merges with a free block at its top, so the heap's top stays one block.
//
// Everything here runs with the heap lock held (heap.ts).

import {
  AL_SIZE, HEADER, MIN_BLOCK, MAX_BLOCK, FREE, LEFTFREE, ZERO, LARGE, PAGE_BITS, PAGE_SIZE, ROOT_TAIL, ROOT_REGIONS,
  ROOT_FOOTPRINT, ROOT_LIMIT, AL_MASK, info, sizeOf, setInfo, leftOf, memoryEnd
} from "./block";
import { markStart } from "./starts";
import { searchSize, searchBlock, insertBlock, removeBlock, coalesce, mergedZero } from "./tlsf";
import { takePages, takenStart, takenBytes, addFootprint, policyPages } from "./footprint";
import { recordFailure, REASON_TOO_LARGE } from "./ledger";
import { DEBUG } from "./debug";

// --- allocation ---

/**
 * Carves a block of `need` bytes whose payload is `align`-aligned out of the free block `block`
 * (already out of its bin). Leading padding and the tail end go back to the bins as free blocks,
 * inheriting ZERO. Returns the block used.
 */
function carve(block: usize, need: usize, align: usize): usize {
  if (DEBUG) assert((need & AL_MASK) == 0 && need >= MIN_BLOCK, "carve: need is no block size");
  let size = sizeOf(block);
  let zero = info(block) & ZERO;
  let leftFree = info(block) & LEFTFREE;
  if (align > AL_SIZE) {
    let gap = ((block + HEADER + align - 1) & ~(align - 1)) - HEADER - block;
    if (gap != 0 && gap < MIN_BLOCK) gap += align;
    if (gap) {
      setInfo(block + gap, 0);
      setInfo(block, <u32>gap | FREE | zero | leftFree);
      store<u32>(block, 0, 4);
      insertBlock(block);
      block += gap;
      markStart(block);
      size -= gap;
      leftFree = LEFTFREE;
    }
  }
  if (DEBUG) assert(size >= need && ((block + HEADER) & (align - 1)) == 0, "carve: the aligned block does not fit");
  if (size - need >= MIN_BLOCK) {
    let rest = block + need;
    setInfo(rest, <u32>(size - need) | FREE | zero);
    store<u32>(rest, 0, 4);
    markStart(rest);
    insertBlock(rest);
    size = need;
  } else {
    let right = block + size;
    setInfo(right, info(right) & ~LEFTFREE);
  }
  setInfo(block, <u32>size | leftFree | zero);
  return block;
}

/** A block of `need` bytes aligned to `align` from the bins, growing memory if none fits; 0 if refused. */
export function takeBinned(need: usize, align: usize, site: u32, requested: u64, alignArg: u32): usize {
  let search = <u64>(align > AL_SIZE ? need + align + MIN_BLOCK : need);
  // The bin search rounds up to the next bin first: past MAX_BLOCK it can never find a block.
  if (searchSize(search) > <u64>MAX_BLOCK) {
    recordFailure(site, requested, alignArg, REASON_TOO_LARGE, load<u64>(ROOT_FOOTPRINT), load<u64>(ROOT_LIMIT), 0);
    return 0;
  }
  let block = searchBlock(search);
  if (!block) {
    if (!growBins(search, site, requested, alignArg)) return 0;
    block = searchBlock(search);
    if (DEBUG) assert(block, "takeBinned: no block after growth");
  }
  if (DEBUG) assert(<u64>sizeOf(block) >= search, "takeBinned: the bin's head does not fit");
  removeBlock(block);
  return carve(block, need, align);
}

/** A block of `need` bytes (16-aligned) from the bins as they are, or 0: it never grows memory nor records a failure. */
export function takeFromBins(need: usize): usize {
  let block = searchBlock(<u64>need);
  if (!block) return 0;
  removeBlock(block);
  return carve(block, need, AL_SIZE);
}

// --- free ---

/**
 * Returns a live binned block to the bins, merged with free neighbours. Its header is marked FREE
 * first, keeping its check word, so that a second free of it is told a double free even once its
 * left neighbour has absorbed it (reportBadFree finds the stale header inside the merged block).
 * (freeLarge does not mark first, so there such a second free is logged as invalid.)
 */
export function releaseBlock(block: usize, zero: u32): void {
  if (DEBUG) assert(!(info(block) & (FREE | LARGE)), "releaseBlock: not a live binned block");
  setInfo(block, <u32>sizeOf(block) | FREE | (info(block) & LEFTFREE) | zero);
  insertBlock(coalesce(block, block + sizeOf(block), zero));
}

// --- binned growth ---

/**
 * Takes memory from the engine so that a block of `size` bytes can be found in the bins. Returns
 * false, having written a failure record, when the limit or the engine says no.
 */
export function growBins(size: u64, site: u32, requested: u64, align: u32): bool {
  let rounded = searchSize(size);
  let tail = <usize>load<u32>(ROOT_TAIL);
  let end = memoryEnd();
  let adjacent = tail != 0 && <u64>tail + HEADER == end;
  let leftFree: u64 = adjacent && (info(tail) & LEFTFREE) ? <u64>sizeOf(leftOf(tail)) : 0;
  // Adjacent: the new block starts at the old tail and is as large as the memory added (plus the
  // free block it merges with). Otherwise it needs its own tail sentinel at the end.
  let bytes: u64 = adjacent ? (rounded > leftFree ? rounded - leftFree : 0) : rounded + HEADER;
  // At least a page: an empty region merged onto the top free block would corrupt it.
  let needed = max<u32>(1, <u32>((bytes + PAGE_SIZE - 1) >> PAGE_BITS));
  let taken = takePages(needed, policyPages(needed), site, requested, align);
  if (taken < 0) return false;
  addRegion(takenStart(taken), takenBytes(taken));
  return true;
}

/** Turns fresh memory [start, start + bytes) into a free block, merged with the heap's top if adjacent. */
function addRegion(start: u64, bytes: u64): void {
  if (DEBUG) assert((start & (PAGE_SIZE - 1)) == 0 && (bytes & (PAGE_SIZE - 1)) == 0, "addRegion: not whole pages");
  let tail = <usize>load<u32>(ROOT_TAIL);
  let newTail = <usize>(start + bytes - HEADER);
  let block: usize;
  let zero = ZERO;
  if (tail != 0 && <u64>tail + HEADER == start) {
    block = tail;
    if (info(tail) & LEFTFREE) {
      let left = leftOf(tail);
      removeBlock(left);
      zero = mergedZero(left, sizeOf(left), info(left) & ZERO, tail, HEADER, ZERO);
      block = left;
    } else {
      markStart(block);
    }
  } else {
    block = <usize>start;
    markStart(block);
    store<u32>(ROOT_REGIONS, load<u32>(ROOT_REGIONS) + 1);
  }
  setInfo(newTail, 0);
  store<u32>(newTail, 0, 4);
  setInfo(block, <u32>(newTail - block) | FREE | zero | (info(block) & LEFTFREE));
  store<u32>(block, 0, 4);
  insertBlock(block);
  store<u32>(ROOT_TAIL, <u32>newTail);
  addFootprint(bytes);
}
