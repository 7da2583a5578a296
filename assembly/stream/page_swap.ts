// A standalone `ArcSwap<Arc<Page<V16>>>`: the arc-swap container on its own, for measuring
// load_full and store outside a stream. It lives in a MODEL block (natively it would be inline in
// its owner) and starts out holding a new page.

import { SITE_ARC_SWAP_INLINE } from "../memory/sites";
import { heapAlloc, heapFree } from "../memory/heap";
import { arcIntoRaw, arcFromRaw } from "../sync/arc";
import { ARC_SWAP_SIZE, arcSwapInit, arcSwapLoadFull, arcSwapSwap } from "../sync/arc_swap";
import { pageArcNew, pageArcRelease } from "./page";

/** ArcSwap::from(Arc::new(Page::new(slots, 0))). 0 if refused. */
export function pageSwapNew(slots: u32): usize {
  let swap = heapAlloc(SITE_ARC_SWAP_INLINE, <u64>ARC_SWAP_SIZE, 8, false);
  if (!swap) return 0;
  let page = pageArcNew(slots, 0);
  if (!page) {
    heapFree(swap, SITE_ARC_SWAP_INLINE);
    return 0;
  }
  arcSwapInit(swap, arcIntoRaw(page));
  return swap;
}

/** load_full: a new reference to the current page (its data pointer); give it back with pageRelease. */
export function pageSwapLoadFull(swap: usize): usize {
  return arcSwapLoadFull(swap);
}

/** store(Arc::new(Page::new(slots, pageNo))): the old page's reference is given back at once. */
export function pageSwapStore(swap: usize, slots: u32, pageNo: u32): bool {
  let page = pageArcNew(slots, pageNo);
  if (!page) return false;
  pageRelease(arcSwapSwap(swap, arcIntoRaw(page)));
  return true;
}

/** Drop for the container: its reference is given back. */
export function pageSwapDrop(swap: usize): void {
  pageRelease(arcSwapSwap(swap, 0));
  heapFree(swap, SITE_ARC_SWAP_INLINE);
}

/** Drops an Arc<Page> held as a data pointer (from load_full). */
export function pageRelease(data: usize): void {
  if (data) pageArcRelease(arcFromRaw(data));
}
