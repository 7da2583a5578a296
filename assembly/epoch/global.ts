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
//
// AS has no field alignment, so the class Global declares the four fields in rustc's order, one
// word each, and each word stands for its CachePadded line (epoch.ts): the field at word i lies at
// line i of Global, which starts at ArcInner's counts (sync/arc.ts) rounded up to a line.

import { SITE_ARC_GLOBAL } from "../memory/sites";
import { heapAlloc } from "../memory/heap";
import { queueSentinel, queuePush, nodeFree } from "./queue";
import { ArcInner } from "../sync/arc";
import { epochIsPinned, epochUnpinned, epochSuccessor, CACHE_LINE, CACHE_PADDED_SIZE } from "./epoch";
import { bagIsFull, bagPushSlot } from "./bag";
import { deferredStore, freeLocalFn } from "./deferred";
import { localEpochOffset, LOCAL_ENTRY_NEXT } from "./version";
import { syncMemoryView } from "../memory/view";

/** crossbeam-epoch's Global, one word per CachePadded line (see the header). */
@unmanaged export class Global {
  queueHead: u64;
  queueTail: u64;
  localsHead: u64;
  epoch: u64;
}

/** Lines per word of Global: a field at byte `off` of the class lies at `off * LINES_PER_WORD`. */
// @ts-ignore: decorator
@inline const LINES_PER_WORD: usize = CACHE_PADDED_SIZE / sizeof<u64>();
// @ts-ignore: decorator
@inline const GLOBAL: usize = (offsetof<ArcInner>() + CACHE_LINE - 1) & ~(CACHE_LINE - 1);
// @ts-ignore: decorator
@inline const G_QUEUE_HEAD: usize = GLOBAL + offsetof<Global>("queueHead") * LINES_PER_WORD;
// @ts-ignore: decorator
@inline const G_QUEUE_TAIL: usize = GLOBAL + offsetof<Global>("queueTail") * LINES_PER_WORD;
// @ts-ignore: decorator
@inline const G_LOCALS: usize = GLOBAL + offsetof<Global>("localsHead") * LINES_PER_WORD;
// @ts-ignore: decorator
@inline const G_EPOCH: usize = GLOBAL + offsetof<Global>("epoch") * LINES_PER_WORD;
// @ts-ignore: decorator
@inline export const GLOBAL_ARC_SIZE: usize = GLOBAL + offsetof<Global>() * LINES_PER_WORD;
// @ts-ignore: decorator
@inline const GLOBAL_ALIGN: u32 = <u32>CACHE_LINE;
// crossbeam-epoch, x86_64: Global is four CachePadded fields (512 bytes, align 128); its ArcInner 640.
if (GLOBAL_ARC_SIZE != 640 || GLOBAL_ALIGN != 128) ERROR("ArcInner<Global> must be 640 bytes, align 128, as crossbeam-epoch's");
if (GLOBAL != 128 || G_QUEUE_HEAD != 128 || G_QUEUE_TAIL != 256 || G_LOCALS != 384 || G_EPOCH != 512) ERROR("Global's fields must lie at 128, 256, 384 and 512 of its ArcInner, as rustc lays crossbeam-epoch's");

// @ts-ignore: decorator
@inline export function queueHead(global: usize): usize { return global + G_QUEUE_HEAD; }
// @ts-ignore: decorator
@inline export function queueTail(global: usize): usize { return global + G_QUEUE_TAIL; }
/** An entry's next link carries this bit once its participant unregistered (crossbeam's List mark). */
// @ts-ignore: decorator
@inline export const ENTRY_DELETED: u64 = 1;

// @ts-ignore: decorator
@inline export function firstLocal(global: usize): usize {
  let local = <usize>atomic.load<u64>(global + G_LOCALS);
  // A participant registered by another thread may lie in memory it grew after this thread last
  // synced its view; every older one was published before it, so one sync covers the whole list.
  syncMemoryView();
  return local;
}
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
  store<u64>(global, 1, offsetof<ArcInner>("strong"));
  store<u64>(global, 1, offsetof<ArcInner>("weak"));
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
