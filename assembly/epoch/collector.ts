// === Epoch-based memory reclamation: a model of crossbeam-epoch 0.9 over linear memory ===
//
// In a lock-free structure a thread that unlinks a node cannot free it at once: another thread may
// have loaded a pointer to it a moment earlier and still be reading. Epoch-based reclamation lets
// the unlinking thread *defer* the free until no such reader can remain.
//
// Every thread that touches the structure is a *participant* (a Local). Before it reads shared
// pointers it *pins* itself: it copies the global epoch into its own epoch word with the pinned bit
// set, and holds a Guard for as long as it uses what it read. Garbage it unlinks goes, as a
// Deferred function, into its own Bag. A full Bag (64 items) is *sealed* with the global epoch of
// that moment and pushed onto a global queue.
//
// The global epoch may advance from E to E + 1 only when every pinned participant is pinned in E
// (try_advance); unpinned participants never hold it back. So while a participant stays pinned at
// E, the global epoch can reach E + 1 but no further. A bag sealed in epoch S was sealed after every
// reference to its garbage had been unlinked; a participant that could still hold one was pinned in
// S or earlier, and the global epoch cannot reach S + 2 until that participant has unpinned. So a
// bag is *expired*, and its functions safe to run, once the global epoch is at least S + 2.
//
// Collection is incremental and piggy-backs on pinning: every 128th outermost pin of a participant
// (the first included) runs `collect`: one try_advance, then at most 8 expired bags popped from the
// queue and run. Popping retires the queue's old sentinel node, which is itself deferred. Nested
// pins (a participant pinning while it already holds a guard) only count guards: they neither
// collect nor refresh the participant's epoch. `flush` pushes a partly filled bag and collects once.
// `defer` on the unprotected guard (no participant) runs the function immediately.
//
// Consequences the lab measures: garbage is bounded while participants keep pinning and unpinning;
// a participant that stays pinned (a stalled thread, or an outer guard held across a loop) stops
// the epoch two steps short of expiring anything sealed after it pinned, and everything deferred
// from then on accumulates, one queue node per 64 items, until that guard goes. The default
// collector is a process-wide static that is never dropped.
//
// Files: epoch.ts (epoch words) · deferred.ts (Deferred: a function's table index and its data)
// · bag.ts (Bag, SealedBag) · queue.ts (the garbage queue) · global.ts (Global, try_advance)
// · local.ts (Local: pin, unpin, defer, collect, flush) · this file (the default collector, this
// thread's participant, statistics) · count.ts (the ABI's count item: a client, as the stream is).
//
// ╒══════════════════ EPOCH_ROOT (in the reserved region, layout.ts) ══════════════════╕
//   0  state u32     0 none · 1 being created · 2 ready
//   4  global u32    the default collector's ArcInner<Global>
// ╘══════════════════════════════════════════════════════════════════════════════════════╛

import { EPOCH_ROOT, MEMORY_VIEW } from "../memory/layout";
import { trapIfPoisoned } from "../memory/lab_state";
import { futexWait32 } from "../sync/futex";
import { globalNew, firstLocal, nextLocal, queueHead } from "./global";
import { localRegister, localUnregister, localBag } from "./local";
import { bagPending, bagLen, sealedBag, sealedEpoch } from "./bag";
import { nodeNext, nodeData } from "./queue";

/** EPOCH_ROOT (layout above); the model's own, no Rust figure. */
@unmanaged export class EpochRoot {
  state: u32;
  global: u32;
}
if (offsetof<EpochRoot>() > MEMORY_VIEW - EPOCH_ROOT) ERROR("EpochRoot must fit in its reserved range (memory/layout.ts)");

/** One record of queueSnapshot's output. */
@unmanaged export class BagSnapshot {
  epoch: u64;
  len: u64;
}
// The host reads the records by the module's layout table (abi/layout.ts): no size to agree on.

// @ts-ignore: decorator
@inline const ROOT_STATE: usize = EPOCH_ROOT + offsetof<EpochRoot>("state");
// @ts-ignore: decorator
@inline const ROOT_GLOBAL: usize = EPOCH_ROOT + offsetof<EpochRoot>("global");
// @ts-ignore: decorator
@inline const NONE: u32 = 0;
// @ts-ignore: decorator
@inline const CREATING: u32 = 1;
// @ts-ignore: decorator
@inline const READY: u32 = 2;

/** This thread's participant: per instance, so per thread, like crossbeam's thread-local HANDLE. */
let current: usize = 0;

/** The default collector, created on first use (sentinel node, then ArcInner<Global>). 0 if refused. */
export function defaultCollector(): usize {
  while (true) {
    let state = atomic.load<u32>(ROOT_STATE);
    if (state == READY) return <usize>atomic.load<u32>(ROOT_GLOBAL);
    if (state == NONE && atomic.cmpxchg<u32>(ROOT_STATE, NONE, CREATING) == NONE) {
      let global = globalNew();
      atomic.store<u32>(ROOT_GLOBAL, <u32>global);
      atomic.store<u32>(ROOT_STATE, global ? READY : NONE);
      atomic.notify(ROOT_STATE);
      return global;
    }
    if (state == CREATING) {
      futexWait32(ROOT_STATE, CREATING, 1000000);
      trapIfPoisoned(); // the creating thread trapped: it will never finish
    }
  }
}

/** The global of an existing default collector, 0 if none has been created. */
export function existingCollector(): usize {
  return atomic.load<u32>(ROOT_STATE) == READY ? <usize>atomic.load<u32>(ROOT_GLOBAL) : 0;
}

/** A new participant of the default collector (creating the collector first if needed). 0 if refused. */
export function registerParticipant(): usize {
  let global = defaultCollector();
  return global ? localRegister(global) : 0;
}

/** This thread's participant, registered on first use (as a thread's first pin does). 0 if refused. */
export function currentParticipant(): usize {
  if (!current) current = registerParticipant();
  return current;
}

/** Unregisters a participant of this thread (localUnregister); the thread's own is then made anew when next needed. */
export function unregisterParticipant(local: usize): bool {
  if (!localUnregister(local)) return false;
  if (local == current) current = 0;
  return true;
}

/**
 * Deferred functions not yet run, in every participant's bag and in every queued bag, of the
 * functions `which` names (bag.ts PENDING_*). A statistic, read while no participant is running.
 */
export function pendingDeferred(which: u32): u64 {
  let global = existingCollector();
  if (!global) return 0;
  let total: u64 = 0;
  for (let local = firstLocal(global); local; local = nextLocal(local)) total += bagPending(localBag(local), which);
  let node = nodeNext(<usize>atomic.load<u64>(queueHead(global)));
  for (; node; node = nodeNext(node)) total += bagPending(sealedBag(nodeData(node)), which);
  return total;
}

/** Sealed bags waiting in the queue (the sentinel not counted). */
export function queuedBags(): u64 {
  let global = existingCollector();
  if (!global) return 0;
  let count: u64 = 0;
  for (let node = nodeNext(<usize>atomic.load<u64>(queueHead(global))); node; node = nodeNext(node)) count++;
  return count;
}

/** Writes (sealed epoch, length) u64 pairs of up to `max` queued bags, oldest first, at `out`; returns how many. */
export function queueSnapshot(out: usize, max: u32): u32 {
  let global = existingCollector();
  if (!global) return 0;
  let count: u32 = 0;
  for (let node = nodeNext(<usize>atomic.load<u64>(queueHead(global))); node && count < max; node = nodeNext(node)) {
    let sealed = nodeData(node);
    let record = out + <usize>count * offsetof<BagSnapshot>();
    store<u64>(record, sealedEpoch(sealed), offsetof<BagSnapshot>("epoch"));
    store<u64>(record, bagLen(sealedBag(sealed)), offsetof<BagSnapshot>("len"));
    count++;
  }
  return count;
}
