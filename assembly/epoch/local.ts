// `Local`: one participant of a collector (natively, one per thread), 2,304 bytes with 128-byte
// alignment (crossbeam-epoch 0.9.20; 2,104, align 8, in 0.9.13: version.ts declares the layout,
// and gives the size, the alignment and the two offsets that differ), allocated when the
// participant registers, which is at its first pin.
//
// ╒═══════════════════════ Local (2,304 bytes, align 128) ════════════════════════╕
//  off    field          type                          meaning
//     0   entry          Entry (next: Atomic<Entry>)   link in Global's list of participants
//     8   collector      ManuallyDrop<Collector>       an Arc<Global> (a strong reference)
//    16   bag            UnsafeCell<Bag>               2,056 bytes: deferred functions (bag.ts)
//  2072   guard_count    Cell<usize>                   guards alive; > 1 means nested pins
//  2080   handle_count   Cell<usize>                   handles alive (1: the participant's own)
//  2088   pin_count      Cell<Wrapping<usize>>         outermost pins ever made
//  2096   owner          (model only, in the padding)  thread number of the instance that registered it
//  2176   epoch          CachePadded<AtomicEpoch>      the epoch pinned in, low bit = pinned
// ╘═══════════════════════════════════════════════════════════════════════════════╛
//  Declared in version.ts: LocalHead (entry, collector; its base Entry) · the Bag · LocalCounts
//  (the three counts) · LocalTail0920 (owner) or LocalTail0913 (epoch).
//
// Only the owning participant touches guard_count, pin_count and the bag; other participants read
// `epoch` (in try_advance) and follow `entry`. Natively a Local belongs to the thread whose
// thread-local handle made it; here `owner` says which thread (memory/lab_state.ts) may drive it,
// and the ABI refuses the others.
//
// A participant's life ends with unregister (Local::finalize): its bag goes to the global queue, so
// nothing it deferred is stranded, its entry is marked deleted, and its reference to the collector
// is dropped. A later collect by any participant unlinks the entry and defers the Local's free.
//
// A refusal never drops work: a collect makes room in the bag (pushing it, which allocates) before
// it pops anything, so a popped bag always runs; a defer that cannot push a full bag defers nothing
// and says so.

import { SITE_LOCAL } from "../memory/sites";
import { syncMemoryView } from "../memory/view";
import { heapAlloc } from "../memory/heap";
import { currentThread } from "../memory/lab_state";
import { DEBUG } from "../memory/debug";
import { arcClone, arcReleaseStrong } from "../sync/arc";
import { bagLen, bagClear, bagPushSlot, bagRunAll, sealedBag, bagIsFull } from "./bag";
import { deferredBox, deferredUnbox, deferredStore, DEFERRED_INLINE_BYTES, runBoxedFn, freeQueueNodeFn } from "./deferred";
import { epochPinned } from "./epoch";
import {
  globalEpoch, globalAddLocal, globalTryAdvance, globalPushBag, globalMarkDeleted, queueHead, queueTail
} from "./global";
import {
  localSize, localAlign, localOwnerOffset, localEpochOffset, LOCAL_0920_SIZE,
  LOCAL_COLLECTOR, LOCAL_BAG, LOCAL_GUARD_COUNT, LOCAL_HANDLE_COUNT, LOCAL_PIN_COUNT
} from "./version";
import { queuePopExpired, queueHasExpired, nodeNext, nodeData } from "./queue";

/** Local's size in 0.9.20, the default (localSize() gives the configured version's). */
// @ts-ignore: decorator
@inline export const LOCAL_SIZE: usize = LOCAL_0920_SIZE;

/** crossbeam-epoch's PINNINGS_BETWEEN_COLLECT: an outermost pin collects when its count is a multiple. */
// @ts-ignore: decorator
@inline export const PINNINGS_BETWEEN_COLLECT: u64 = 128;
/** crossbeam-epoch's COLLECT_STEPS: bags popped at most per collect. */
// @ts-ignore: decorator
@inline export const COLLECT_STEPS: u32 = 8;
/** Epoch::starting(): unpinned, epoch 0. */
// @ts-ignore: decorator
@inline const EPOCH_STARTING: u64 = 0;

// @ts-ignore: decorator
@inline export function localGlobal(local: usize): usize { return <usize>load<u64>(local + LOCAL_COLLECTOR); }
// @ts-ignore: decorator
@inline export function localBag(local: usize): usize { return local + LOCAL_BAG; }
// @ts-ignore: decorator
@inline export function localGuardCount(local: usize): u64 { return load<u64>(local + LOCAL_GUARD_COUNT); }
// @ts-ignore: decorator
@inline export function localPinCount(local: usize): u64 { return load<u64>(local + LOCAL_PIN_COUNT); }
// @ts-ignore: decorator
@inline export function localEpoch(local: usize): u64 { return atomic.load<u64>(local + localEpochOffset()); }
// @ts-ignore: decorator
@inline export function localOwner(local: usize): u32 { return load<u32>(local + localOwnerOffset()); }

/** Collector::register: a new Local holding a clone of the Arc<Global>, added to the list. 0 if refused. */
export function localRegister(global: usize): usize {
  let local = heapAlloc(SITE_LOCAL, <u64>localSize(), localAlign(), false);
  if (!local) return 0;
  arcClone(global);
  store<u64>(local + LOCAL_COLLECTOR, <u64>global);
  bagClear(localBag(local));
  store<u64>(local + LOCAL_GUARD_COUNT, 0);
  store<u64>(local + LOCAL_HANDLE_COUNT, 1);
  store<u64>(local + LOCAL_PIN_COUNT, 0);
  store<u32>(local + localOwnerOffset(), currentThread());
  atomic.store<u64>(local + localEpochOffset(), EPOCH_STARTING);
  globalAddLocal(global, local);
  return local;
}

/**
 * Local::pin. An outermost pin publishes the global epoch (pinned) as this participant's, and
 * collects when its pin count was a multiple of PINNINGS_BETWEEN_COLLECT. A nested pin only counts.
 * Returns false if a bag push inside collect was refused (the pin itself still holds).
 */
export function localPin(local: usize): bool {
  let guards = localGuardCount(local);
  store<u64>(local + LOCAL_GUARD_COUNT, guards + 1);
  if (guards != 0) return true;
  let global = localGlobal(local);
  atomic.store<u64>(local + localEpochOffset(), epochPinned(globalEpoch(global)));
  let count = localPinCount(local);
  store<u64>(local + LOCAL_PIN_COUNT, count + 1);
  return count % PINNINGS_BETWEEN_COLLECT != 0 || localCollect(local);
}

/** Guard::drop: the last guard unpins the participant. False if there was no guard. */
export function localUnpin(local: usize): bool {
  let guards = localGuardCount(local);
  if (guards == 0) return false;
  store<u64>(local + LOCAL_GUARD_COUNT, guards - 1);
  if (guards == 1) atomic.store<u64>(local + localEpochOffset(), EPOCH_STARTING);
  return true;
}

/**
 * Local::defer: Deferred::new of `fn` (a DeferredFn's table index, deferred.ts) on `word`, boxing a
 * capture over 24 bytes, then into the bag; a full bag is first sealed and pushed to the global
 * queue. False if an allocation was refused: nothing is deferred (a box already made is dropped
 * uncalled), where the native program would abort.
 */
export function localDefer(local: usize, fn: u32, word: u64, captureBytes: u32): bool {
  let storedFn = fn;
  let storedWord = word;
  let boxed = captureBytes > DEFERRED_INLINE_BYTES;
  if (boxed) {
    let box = deferredBox(fn, word, captureBytes);
    if (!box) return false;
    storedFn = runBoxedFn();
    storedWord = <u64>box;
  }
  if (!localReserve(local)) {
    if (boxed) deferredUnbox(<usize>storedWord);
    return false;
  }
  deferredStore(bagPushSlot(localBag(local)), storedFn, storedWord);
  return true;
}

/**
 * Makes room for one more Deferred in the bag, pushing it to the global queue if it is full (the
 * allocation a defer may need). False, the bag untouched, if that push was refused.
 */
export function localReserve(local: usize): bool {
  let bag = localBag(local);
  return !bagIsFull(bag) || globalPushBag(localGlobal(local), bag);
}

/**
 * Global::collect: one try_advance, then at most COLLECT_STEPS expired bags popped and run. Each
 * pop retires the old sentinel node, which is deferred like any garbage: room for that deferral is
 * made before the pop, so a refusal (false) leaves the bag it would have popped in the queue.
 */
export function localCollect(local: usize): bool {
  syncMemoryView(); // queue nodes and participants may lie in memory other threads grew
  let global = localGlobal(local);
  let epoch = globalTryAdvance(global, localBag(local));
  for (let step: u32 = 0; step < COLLECT_STEPS; step++) {
    if (!queueHasExpired(queueHead(global), epoch)) break;
    if (!localReserve(local)) return false;
    let retired = queuePopExpired(queueHead(global), queueTail(global), epoch);
    if (!retired) break;
    deferredStore(bagPushSlot(localBag(local)), freeQueueNodeFn(), <u64>retired);
    bagRunAll(sealedBag(nodeData(nodeNext(retired))));
  }
  return true;
}

/** Local::flush: push the bag if it has anything, then collect once (with an empty bag: it cannot be refused). */
export function localFlush(local: usize): bool {
  let bag = localBag(local);
  if (bagLen(bag) && !globalPushBag(localGlobal(local), bag)) return false;
  let collected = localCollect(local);
  if (DEBUG) assert(collected, "flush: a collect with an empty bag needs no allocation");
  return collected;
}

/**
 * Local::finalize, for a participant holding no guard: its bag goes to the global queue, its entry
 * is marked deleted (a later collect unlinks it and defers its free) and its reference to the
 * collector is dropped. False, nothing changed, if pushing the bag was refused.
 */
export function localUnregister(local: usize): bool {
  if (DEBUG) assert(localGuardCount(local) == 0, "unregister: the participant is pinned");
  let bag = localBag(local);
  if (bagLen(bag) && !globalPushBag(localGlobal(local), bag)) return false;
  globalMarkDeleted(local);
  let last = arcReleaseStrong(localGlobal(local));
  if (DEBUG) assert(!last, "unregister: the default collector is never dropped");
  return true;
}
