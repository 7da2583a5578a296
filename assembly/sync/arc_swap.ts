// `arc_swap::ArcSwap<T>`: an atomically replaceable Arc, the seed's second proposed fix.
//
// The container holds one pointer made by Arc::into_raw. `load_full` hands out a new strong
// reference; `swap`/`store` put a new Arc in and give the old reference back; dropping the container
// gives its reference back. Reclamation is exact: a value is freed the moment its last reference
// goes, with no epochs and no deferred garbage, and a stalled reader keeps alive only what it holds.
//
// The real crate makes `load` cheap with per-thread "debt" slots so a reader need not touch the
// refcount, and makes `load_full` safe against a concurrent swap freeing the value between reading
// the pointer and incrementing its count. The model gets the same safety from a lock word beside
// the pointer, held only across that read-and-increment; neither costs a heap allocation, so the
// memory figures are the crate's.
//
// ╒══════════════════ ArcSwap<T> (8 bytes natively; here 12, inline in its owner) ══════════════════╕
//  off  field   meaning
//   0   ptr     u64: Arc::into_raw of the current value (0: none)
//   8   lock    u32: sync/mutex.ts word guarding load_full's read-and-increment (model only)
// ╘════════════════════════════════════════════════════════════════════════════════════════════════╛
//
// Dropping a T is type-specific, so swap returns the old reference and the caller releases it.

import { mutexLock, mutexUnlock } from "./mutex";
import { arcClone, arcFromRaw } from "./arc";

/** The ArcSwap<T> inline in its owner (layout above). */
@unmanaged export class ArcSwapSlot {
  ptr: u64;
  lock: u32;
}
// The crate's ArcSwap is one pointer (8 bytes); the model adds its lock word, nothing else.
if (offsetof<ArcSwapSlot>("ptr") != 0 || offsetof<ArcSwapSlot>() != 12) ERROR("ArcSwap<T> is its 8-byte pointer and a 4-byte lock word");

// @ts-ignore: decorator
@inline export const ARC_SWAP_SIZE: usize = offsetof<ArcSwapSlot>();
// @ts-ignore: decorator
@inline const LOCK: usize = offsetof<ArcSwapSlot>("lock");

/** ArcSwap::from(arc): takes over the reference behind `raw`. */
export function arcSwapInit(slot: usize, raw: usize): void {
  store<u64>(slot, <u64>raw);
  store<u32>(slot + LOCK, 0);
}

/**
 * load without a new reference (the crate's cheap `load`, minus its debt slot): valid only while
 * something else keeps the value alive, as the Vec does for a stream's pages.
 */
export function arcSwapPeek(slot: usize): usize {
  return <usize>atomic.load<u64>(slot);
}

/** load_full: a new strong reference to the current value (0 if none). */
export function arcSwapLoadFull(slot: usize): usize {
  mutexLock(slot + LOCK);
  let raw = <usize>atomic.load<u64>(slot);
  if (raw) arcClone(arcFromRaw(raw));
  mutexUnlock(slot + LOCK);
  return raw;
}

/** swap: puts `raw` in and returns the previous reference, which the caller now owns and must release. */
export function arcSwapSwap(slot: usize, raw: usize): usize {
  mutexLock(slot + LOCK);
  let previous = <usize>atomic.xchg<u64>(slot, <u64>raw);
  mutexUnlock(slot + LOCK);
  return previous;
}
