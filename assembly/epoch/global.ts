// `Global`: the state every participant of a collector shares, behind an Arc.
//
// It holds the global epoch, the garbage queue and the list of registered participants. Natively
// each of the three is padded to a 128-byte cache line (CachePadded), which makes Global 512 bytes
// with 128-byte alignment, so its ArcInner is 640 bytes: the two counts, padding to 128, then Global.
//
// ╒═════════════════════ ArcInner<Global> (640 bytes, align 128) ═════════════════════╕
//  off  field          type
//    0  strong         AtomicUsize
//    8  weak           AtomicUsize
//  128  queue.head     CachePadded<Atomic<Node<SealedBag>>>
//  256  queue.tail     CachePadded<Atomic<Node<SealedBag>>>
//  384  locals.head    List<Local> (Atomic<Entry>, padded)
//  512  epoch          CachePadded<AtomicEpoch>
// ╘════════════════════════════════════════════════════════════════════════════════════╛
//
// Global::new allocates the queue's sentinel node first, then Arc::new allocates the ArcInner.

import { SITE_ARC_GLOBAL } from "../memory/sites";
import { heapAlloc } from "../memory/heap";
import { queueSentinel, queuePush, nodeFree } from "./queue";
import { epochIsPinned, epochUnpinned, epochSuccessor } from "./epoch";
import { bagIsFull, bagPushSlot } from "./bag";
import { deferredStore, freeLocalFn } from "./deferred";
import { localEpochOffset } from "./version";

// @ts-ignore: decorator
@inline export const GLOBAL_ARC_SIZE: usize = 640;
// @ts-ignore: decorator
@inline const GLOBAL_ALIGN: u32 = 128;
// @ts-ignore: decorator
@inline const G_QUEUE_HEAD: usize = 128;
// @ts-ignore: decorator
@inline const G_QUEUE_TAIL: usize = 256;
// @ts-ignore: decorator
@inline const G_LOCALS: usize = 384;
// @ts-ignore: decorator
@inline const G_EPOCH: usize = 512;

/** Where a participant's list link sits in its Local (local.ts owns the layout; version.ts the epoch word's offset). */
// @ts-ignore: decorator
@inline export const LOCAL_ENTRY_NEXT: usize = 0;

// @ts-ignore: decorator
@inline export function queueHead(global: usize): usize { return global + G_QUEUE_HEAD; }
// @ts-ignore: decorator
@inline export function queueTail(global: usize): usize { return global + G_QUEUE_TAIL; }
/** An entry's next link carries this bit once its participant unregistered (crossbeam's List mark). */
// @ts-ignore: decorator
@inline export const ENTRY_DELETED: u64 = 1;

// @ts-ignore: decorator
@inline export function firstLocal(global: usize): usize { return <usize>atomic.load<u64>(global + G_LOCALS); }
// @ts-ignore: decorator
@inline export function nextLocal(local: usize): usize { return <usize>(atomic.load<u64>(local + LOCAL_ENTRY_NEXT) & ~ENTRY_DELETED); }
// @ts-ignore: decorator
@inline export function localDeleted(local: usize): bool { return (atomic.load<u64>(local + LOCAL_ENTRY_NEXT) & ENTRY_DELETED) != 0; }
// @ts-ignore: decorator
@inline export function globalEpoch(global: usize): u64 { return atomic.load<u64>(global + G_EPOCH); }

/** Collector::new: the queue sentinel, then ArcInner<Global> (strong 1, weak 1). 0 if refused. */
export function globalNew(): usize {
  let sentinel = queueSentinel();
  if (!sentinel) return 0;
  let global = heapAlloc(SITE_ARC_GLOBAL, <u64>GLOBAL_ARC_SIZE, GLOBAL_ALIGN, true);
  if (!global) {
    nodeFree(sentinel);
    return 0;
  }
  store<u64>(global, 1);
  store<u64>(global, 1, 8);
  store<u64>(queueHead(global), <u64>sentinel);
  store<u64>(queueTail(global), <u64>sentinel);
  return global;
}

/** List::insert: pushes a participant at the head of the list with a compare-exchange. */
export function globalAddLocal(global: usize, local: usize): void {
  while (true) {
    let head = atomic.load<u64>(global + G_LOCALS);
    atomic.store<u64>(local + LOCAL_ENTRY_NEXT, head);
    if (atomic.cmpxchg<u64>(global + G_LOCALS, head, <u64>local) == head) return;
  }
}

/** List::delete: marks `local`'s entry deleted; a later traversal unlinks it (globalTryAdvance). */
export function globalMarkDeleted(local: usize): void {
  let at = local + LOCAL_ENTRY_NEXT;
  while (true) {
    let next = atomic.load<u64>(at);
    if (atomic.cmpxchg<u64>(at, next, next | ENTRY_DELETED) == next) return;
  }
}

/**
 * Global::try_advance: if every pinned participant is pinned in the current epoch, move the global
 * epoch to its successor. Returns the global epoch after the attempt. On the way, one deleted entry
 * is unlinked if `bag` (the collecting participant's) has room for the deferred free of its Local:
 * other traversals may still stand on it, so it is garbage like any other. A lost race to unlink
 * gives up the advance, as crossbeam's iterator reports a stall.
 */
export function globalTryAdvance(global: usize, bag: usize): u64 {
  let current = globalEpoch(global);
  let room = !bagIsFull(bag);
  let pred = global + G_LOCALS;
  for (let local = firstLocal(global); local; ) {
    let link = atomic.load<u64>(local + LOCAL_ENTRY_NEXT);
    if (link & ENTRY_DELETED) {
      if (!room) {
        pred = local + LOCAL_ENTRY_NEXT;
        local = <usize>(link & ~ENTRY_DELETED);
        continue;
      }
      let next = link & ~ENTRY_DELETED;
      if (atomic.cmpxchg<u64>(pred, <u64>local, next) != <u64>local) return current;
      deferredStore(bagPushSlot(bag), freeLocalFn(), <u64>local);
      room = false;
      local = <usize>next;
      continue;
    }
    let epoch = atomic.load<u64>(local + localEpochOffset());
    if (epochIsPinned(epoch) && epochUnpinned(epoch) != current) return current;
    pred = local + LOCAL_ENTRY_NEXT;
    local = <usize>link;
  }
  let next = epochSuccessor(current);
  atomic.store<u64>(global + G_EPOCH, next);
  return next;
}

/** Global::push_bag: seals `bag` with the current global epoch onto the queue. False if refused. */
export function globalPushBag(global: usize, bag: usize): bool {
  return queuePush(queueTail(global), bag, globalEpoch(global));
}
