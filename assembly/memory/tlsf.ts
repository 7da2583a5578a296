// === The TLSF core with zero tracking: where free blocks are kept, found and merged ===
//
// Read beside AssemblyScript's rt/tlsf.ts, which this follows (http://www.gii.upv.es/tlsf/). Free
// binned blocks sit in doubly linked lists, one per bin; a bin is a size class, and two bitmaps
// (flMap, one slMap per first level) say which bins are non-empty, so a search is two ctz's, never
// a walk. The search rounds the size up to the next bin boundary first (searchSize): then the head
// of any bin it lands on fits, which is what makes it O(1) (a good fit, not the best one). A block
// is merged with its free neighbours the moment it is freed (boundary tags: LEFTFREE in the right
// neighbour, the footer in the free block), so no two free blocks of one kind ever touch; the
// invariant checker (check.ts) holds us to that.
//
// What differs from rt/tlsf.ts, and why:
// - Two kinds of free block, each on exactly one list: binned ones in their bin, large ones on the
//   large list (large.ts decides how that list is used). Both lists and the merge are here, so that
//   merging exists once for both kinds; a neighbour's LARGE tag says which list it is on.
// - ZERO rides along (below): a split hands the tag to both halves, a merge asks mergedZero whether
//   the union is still all zero, so fresh memory is known to be zero for as long as it is.
// - The start map (starts.ts) is kept in step: a split marks the new start, a merge clears the
//   absorbed one, since the map alone decides whether a free is valid (free.ts).
// - Splitting and growth for binned blocks are in binned.ts, large ones' in large.ts.
//
// Everything here runs with the heap lock held (heap.ts).

import {
  AL_MASK, HEADER, MIN_BLOCK, MAX_BLOCK, FREE, LEFTFREE, ZERO, LARGE, SB_SIZE, SL_BITS, SL_SIZE, FL_COUNT,
  ROOT_FLMAP, ROOT_LARGE_FREE, info, sizeOf, setInfo, prevFree, nextFree, setPrevFree, setNextFree, largePrev,
  largeNext, setLargePrev, setLargeNext, setFooter, leftOf, binFl, binSl, headSlot, slMapSlot
} from "./block";
import { clearStart, isStart } from "./starts";
import { DEBUG, DEBUG_WALK } from "./debug";

// --- the bins ---

/** Rounds a size up to the next bin boundary, so that every block in that bin fits it. */
export function searchSize(size: u64): u64 {
  if (size < <u64>SB_SIZE) return size;
  let top = 63 - clz<u64>(size);
  return size + (<u64>1 << (top - SL_BITS)) - 1;
}

/** Debug only: true if `block` is among the first DEBUG_WALK entries of the list starting at `head`. */
function listedNear(head: usize, block: usize, large: bool): bool {
  for (let at = head, n: u32 = 0; at && n < DEBUG_WALK; at = large ? largeNext(at) : nextFree(at), n++) {
    if (at == block) return true;
  }
  return false;
}

/** Puts the free binned block `block` at the head of its bin, telling its right neighbour. */
export function insertBlock(block: usize): void {
  let size = sizeOf(block);
  if (DEBUG) assert(info(block) & FREE && !(info(block) & LARGE) && size >= MIN_BLOCK, "insertBlock: not a free binned block");
  if (DEBUG) assert((block & AL_MASK) == 0 && (size & AL_MASK) == 0 && <u64>size <= MAX_BLOCK && isStart(block), "insertBlock: misaligned, oversized or no block start");
  let fl = binFl(size), sl = binSl(size);
  if (DEBUG) assert(fl < FL_COUNT && sl < SL_SIZE, "insertBlock: size class out of range");
  let head = <usize>load<u32>(headSlot(fl, sl));
  if (DEBUG) assert(!listedNear(head, block, false), "insertBlock: already in its bin");
  setPrevFree(block, 0);
  setNextFree(block, head);
  if (head) setPrevFree(head, block);
  store<u32>(headSlot(fl, sl), <u32>block);
  store<u32>(ROOT_FLMAP, load<u32>(ROOT_FLMAP) | (1 << fl));
  store<u32>(slMapSlot(fl), load<u32>(slMapSlot(fl)) | (1 << sl));
  setFooter(block, size);
  let right = block + size;
  setInfo(right, info(right) | LEFTFREE);
}

/** Takes a free binned block off its bin. Its right neighbour keeps LEFTFREE: the caller decides. */
export function removeBlock(block: usize): void {
  let size = sizeOf(block);
  if (DEBUG) assert(info(block) & FREE && !(info(block) & LARGE), "removeBlock: not a free binned block");
  let fl = binFl(size), sl = binSl(size);
  if (DEBUG) assert(fl < FL_COUNT && sl < SL_SIZE, "removeBlock: size class out of range");
  let prev = prevFree(block), next = nextFree(block);
  if (DEBUG) assert((prev ? nextFree(prev) : <usize>load<u32>(headSlot(fl, sl))) == block && (!next || prevFree(next) == block), "removeBlock: not on its bin's list");
  if (prev) setNextFree(prev, next);
  if (next) setPrevFree(next, prev);
  if (<usize>load<u32>(headSlot(fl, sl)) != block) return;
  store<u32>(headSlot(fl, sl), <u32>next);
  if (next) return;
  let remaining = load<u32>(slMapSlot(fl)) & ~(1 << sl);
  store<u32>(slMapSlot(fl), remaining);
  if (!remaining) store<u32>(ROOT_FLMAP, load<u32>(ROOT_FLMAP) & ~(1 << fl));
}

/** First free block of at least `size` bytes, or 0. */
export function searchBlock(size: u64): usize {
  let rounded = searchSize(size);
  if (rounded > <u64>MAX_BLOCK) return 0;
  let fl = binFl(<usize>rounded), sl = binSl(<usize>rounded);
  if (DEBUG) assert(fl < FL_COUNT && sl < SL_SIZE, "searchBlock: size class out of range");
  let slMap = load<u32>(slMapSlot(fl)) & (~0 << sl);
  if (!slMap) {
    let flMap = load<u32>(ROOT_FLMAP) & (~0 << (fl + 1));
    if (!flMap) return 0;
    fl = ctz<u32>(flMap);
    slMap = load<u32>(slMapSlot(fl));
    if (DEBUG) assert(slMap, "searchBlock: flMap names an empty level");
  }
  return <usize>load<u32>(headSlot(fl, ctz<u32>(slMap)));
}

// --- the large list (its policy: large.ts) ---

export function firstFreeLarge(): usize { return <usize>load<u32>(ROOT_LARGE_FREE); }

export function pushLarge(block: usize): void {
  if (DEBUG) assert((info(block) & (FREE | LARGE)) == (FREE | LARGE) && isStart(block), "large list: pushing a block that is not a free large block");
  let head = firstFreeLarge();
  if (DEBUG) assert(!listedNear(head, block, true), "large list: already listed");
  setLargePrev(block, 0);
  setLargeNext(block, head);
  if (head) setLargePrev(head, block);
  store<u32>(ROOT_LARGE_FREE, <u32>block);
}

export function removeLarge(block: usize): void {
  if (DEBUG) assert((info(block) & (FREE | LARGE)) == (FREE | LARGE), "large list: removing a block that is not a free large block");
  let prev = largePrev(block), next = largeNext(block);
  if (DEBUG) assert((prev ? largeNext(prev) : firstFreeLarge()) == block && (!next || largePrev(next) == block), "large list: not on the list");
  if (prev) setLargeNext(prev, next);
  else store<u32>(ROOT_LARGE_FREE, <u32>next);
  if (next) setLargePrev(next, prev);
}

// --- merging, for both kinds ---

/**
 * Merges the block `block`, being freed with ZERO tag `zero`, with its free neighbours of the same
 * kind, taking them off their lists: `right` is the block after it if that is one of its kind, else
 * 0 (a large region's edge). Returns the merged block, its header written (FREE, its kind, LEFTFREE
 * inherited from the leftmost part, the merged ZERO), not yet on a list. An absorbed header stays in
 * memory as it was (unless a wipe for ZERO reached it): reportBadFree reads it.
 */
export function coalesce(block: usize, right: usize, zero: u32): usize {
  let size = sizeOf(block);
  let kind = info(block) & LARGE;
  let leftFree = info(block) & LEFTFREE;
  if (right && (info(right) & FREE)) {
    if (DEBUG) assert((info(right) & LARGE) == kind && right == block + size, "coalesce: right neighbour of another kind");
    let rightSize = sizeOf(right);
    if (kind) removeLarge(right);
    else removeBlock(right);
    zero = mergedZero(block, size, zero, right, rightSize, info(right) & ZERO);
    clearStart(right);
    size += rightSize;
  }
  if (leftFree) {
    let left = leftOf(block);
    let leftSize = sizeOf(left);
    if (DEBUG) assert((info(left) & (FREE | LARGE)) == (FREE | kind) && left + leftSize == block, "coalesce: LEFTFREE without a free left neighbour of its kind");
    if (kind) removeLarge(left);
    else removeBlock(left);
    leftFree = info(left) & LEFTFREE;
    zero = mergedZero(left, leftSize, info(left) & ZERO, block, size, zero);
    clearStart(block);
    size += leftSize;
    block = left;
  }
  setInfo(block, <u32>size | FREE | kind | leftFree | zero);
  return block;
}

// --- zero tracking ---
//
// Memory fresh from `memory.grow` is zero. A free block made only of such memory (or
// handed back zero by its owner, heapFreeZeroed) carries ZERO: its payload is zero except for its
// list links (payload words 0 and 1) and its footer (its last word). A zeroed request served from
// it clears just those, so a zeroed 256 MiB table from fresh memory touches none of its pages, as
// calloc over fresh mmap pages. A zeroed request served from other memory is filled whole.

/** Largest dirty free block wiped to keep a neighbouring zero block zero when they merge. */
// @ts-ignore: decorator
@inline const WIPE_LIMIT: usize = 64 << 10;

/**
 * The ZERO tag of adjacent free blocks `left` and `right` merged (`right` may be an old tail
 * sentinel, size HEADER, with fresh memory after it). When both are zero, the bytes the merge
 * buries (the left footer, the right header and its links) are wiped so the merged block is zero
 * too. When only one is, a dirty partner of at most WIPE_LIMIT bytes is wiped whole rather than
 * spoiling it: a large zero block (a freed index table) stays zero while small blocks beside it
 * come and go, at a cost of at most WIPE_LIMIT bytes written per merge. Read tags before calling.
 */
export function mergedZero(left: usize, leftSize: usize, leftZero: u32, right: usize, rightSize: usize, rightZero: u32): u32 {
  if (leftZero & rightZero) {
    memory.fill(right - 4, 0, 4 + HEADER + 8);
    return rightZero;
  }
  if (rightZero && leftSize <= WIPE_LIMIT) {
    memory.fill(left + HEADER, 0, leftSize + 8); // its payload, then the right header and links
    return rightZero;
  }
  if (leftZero && rightSize <= WIPE_LIMIT) {
    memory.fill(right - 4, 0, 4 + rightSize);
    return leftZero;
  }
  return 0;
}

/**
 * Zero-fills the payload of a block of `blockSize` bytes just handed out. From a ZERO block only the
 * links and the footer need clearing; otherwise the whole payload is filled, slack included, so that
 * an owner who later wipes what it wrote may hand the block back as ZERO (heapFreeZeroed).
 */
export function zeroPayload(payload: usize, blockSize: usize, fresh: bool): void {
  if (!fresh) {
    memory.fill(payload, 0, blockSize - HEADER);
    return;
  }
  store<u64>(payload, 0);
  store<u32>(payload - HEADER + blockSize - 4, 0);
}
