// `Bag` and `SealedBag`: where deferred functions wait.
//
// Each participant fills its own Bag; a full Bag (64 Deferreds) is sealed with the global epoch of
// the moment and pushed onto the global queue. A SealedBag may be run once the global epoch has
// moved two steps past its stamp: by then no participant can still be pinned in an epoch that saw
// the garbage reachable.
//
// ╒══════════════ Bag (2,056 bytes) ══════════════╕   ╒═══════════ SealedBag (2,064 bytes) ═══════════╕
//  off    field                                     off  field
//     0   deferreds [Deferred; 64]  (64 x 32)         0  epoch  Epoch (u64)
//  2048   len       usize                             8  bag    Bag
// ╘═══════════════════════════════════════════════╛   ╘════════════════════════════════════════════════╛
//
// AS classes hold no arrays and embed another structure only as their base (its fields first), so
// these are laid out as rt/tlsf.ts lays out its Root: a class declares the scalar fields, and an
// array or an embedded structure in between takes its extent from its element's class (BagTail's
// `len` follows MAX_OBJECTS Deferreds; SealedBagHead's `epoch` is followed by a Bag).

import { Deferred, DEFERRED_SIZE, deferredRun, deferredInnerFn, fnIsInternal, freeQueueNodeFn, freeLocalFn } from "./deferred";
import { epochDistance } from "./epoch";

/** crossbeam-epoch's MAX_OBJECTS: Deferreds per Bag. */
// @ts-ignore: decorator
@inline export const MAX_OBJECTS: u64 = 64;

/** Bag's fields after `deferreds: [Deferred; MAX_OBJECTS]`, which starts it. */
@unmanaged export class BagTail {
  len: u64;
}
/** SealedBag's fields before `_bag: Bag`, which ends it. */
@unmanaged export class SealedBagHead {
  epoch: u64;
}

// @ts-ignore: decorator
@inline const BAG_DEFERREDS: usize = 0;
// @ts-ignore: decorator
@inline const BAG_TAIL: usize = BAG_DEFERREDS + <usize>MAX_OBJECTS * offsetof<Deferred>();
// @ts-ignore: decorator
@inline const BAG_LEN: usize = BAG_TAIL + offsetof<BagTail>("len");
// @ts-ignore: decorator
@inline export const BAG_SIZE: usize = BAG_TAIL + offsetof<BagTail>();
// @ts-ignore: decorator
@inline const SEALED_EPOCH: usize = offsetof<SealedBagHead>("epoch");
// @ts-ignore: decorator
@inline const SEALED_BAG: usize = offsetof<SealedBagHead>();
// @ts-ignore: decorator
@inline export const SEALED_BAG_SIZE: usize = SEALED_BAG + BAG_SIZE;
// crossbeam-epoch: Bag is 64 Deferreds and a usize; SealedBag an Epoch (usize) and a Bag.
if (BAG_SIZE != 2056) ERROR("Bag must be 2,056 bytes, as crossbeam-epoch's");
if (BAG_LEN != 2048) ERROR("Bag's len must follow its 64 Deferreds (2,048 bytes), as crossbeam-epoch's");
if (SEALED_BAG_SIZE != 2064) ERROR("SealedBag must be 2,064 bytes, as crossbeam-epoch's");
if (SEALED_EPOCH != 0 || SEALED_BAG != 8) ERROR("SealedBag must hold its epoch, then its bag at 8, as crossbeam-epoch's");

// @ts-ignore: decorator
@inline export function bagLen(bag: usize): u64 { return load<u64>(bag + BAG_LEN); }
// @ts-ignore: decorator
@inline export function bagIsFull(bag: usize): bool { return bagLen(bag) == MAX_OBJECTS; }
// @ts-ignore: decorator
@inline export function bagClear(bag: usize): void { store<u64>(bag + BAG_LEN, 0); }
// @ts-ignore: decorator
@inline export function bagSlot(bag: usize, index: u64): usize { return bag + <usize>index * DEFERRED_SIZE; }

/** Claims the next slot of a bag that is not full; the caller writes the Deferred into it. */
export function bagPushSlot(bag: usize): usize {
  let len = bagLen(bag);
  store<u64>(bag + BAG_LEN, len + 1);
  return bagSlot(bag, len);
}

/** Seals `bag` into `sealed` with `epoch`, leaving `bag` empty (mem::replace with Bag::new()). */
export function bagSeal(bag: usize, sealed: usize, epoch: u64): void {
  store<u64>(sealed + SEALED_EPOCH, epoch);
  memory.copy(sealed + SEALED_BAG, bag, BAG_SIZE);
  bagClear(bag);
}

// @ts-ignore: decorator
@inline export function sealedEpoch(sealed: usize): u64 { return load<u64>(sealed + SEALED_EPOCH); }
// @ts-ignore: decorator
@inline export function sealedBag(sealed: usize): usize { return sealed + SEALED_BAG; }

/** SealedBag::is_expired: the global epoch is at least two steps past the seal. */
export function sealedIsExpired(sealed: usize, globalEpoch: u64): bool {
  return epochDistance(globalEpoch, sealedEpoch(sealed)) >= 2;
}

/** Drop for Bag: runs every Deferred in it, in order. */
export function bagRunAll(bag: usize): void {
  let len = bagLen(bag);
  for (let i: u64 = 0; i < len; i++) deferredRun(bagSlot(bag, i));
  bagClear(bag);
}

/** Which deferred functions bagPending counts. */
export const PENDING_ALL: u32 = 0;
/** Those the collector's users deferred (not fnIsInternal). */
export const PENDING_USER: u32 = 1;
/** The collector's frees of queue nodes it retired. */
export const PENDING_NODE_FREES: u32 = 2;
/** The collector's frees of unregistered participants' Locals. */
export const PENDING_LOCAL_FREES: u32 = 3;

function counts(fn: u32, which: u32): bool {
  if (which == PENDING_USER) return !fnIsInternal(fn);
  if (which == PENDING_NODE_FREES) return fn == freeQueueNodeFn();
  return fn == freeLocalFn();
}

/** Deferreds waiting in `bag`, of the functions `which` (PENDING_*) names (a box's inner one). */
export function bagPending(bag: usize, which: u32): u64 {
  let len = bagLen(bag);
  if (which == PENDING_ALL) return len;
  let count: u64 = 0;
  for (let i: u64 = 0; i < len; i++) {
    if (counts(deferredInnerFn(bagSlot(bag, i)), which)) count++;
  }
  return count;
}
