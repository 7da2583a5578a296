// Zero tracking. Memory fresh from `memory.grow` is zero. A free block made only of such memory (or
// handed back zero by its owner, heapFreeZeroed) carries ZERO: its payload is zero except for its
// list links (payload words 0 and 1) and its footer (its last word). A zeroed request served from
// it clears just those, so a zeroed 256 MiB table from fresh memory touches none of its pages, as
// calloc over fresh mmap pages. A zeroed request served from other memory is filled whole.

import { HEADER } from "./block";

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
