// The global garbage queue: a Michael-Scott lock-free queue of SealedBags, one heap node each.
//
// `head` always points at a sentinel whose data is spent; the first live bag is `head.next`.
// Pushing appends a node at `tail` with two compare-exchanges (link, then swing the tail, which any
// thread may help finish). Popping swings `head` to `head.next` if that bag is expired, reads the
// bag out of the new head (which becomes the sentinel) and defers the destruction of the old head:
// other threads pinned now may still be reading it, so it becomes garbage like anything else.
//
// ╒════════════════════ Node<SealedBag> (2,072 bytes) ════════════════════╕
//  off    field
//     0   data  MaybeUninit<SealedBag>   (2,064; spent in the sentinel)
//  2064   next  Atomic<Node>             (u64; 0: last node)
// ╘════════════════════════════════════════════════════════════════════════╛
// One sentinel node is allocated with the queue, when the collector is created. NodeTail declares
// the field after `data` (a SealedBag, bag.ts), as bag.ts declares its structures.

import { SITE_QUEUE_NODE, POINT_PUSH_BAG, pointOwner } from "../memory/sites";
import { heapAlloc, heapFree } from "../memory/heap";
import { bagSeal, sealedIsExpired, bagLen, sealedBag, SEALED_BAG_SIZE, MAX_OBJECTS } from "./bag";
import { DEBUG } from "../memory/debug";
import { WORD_ALIGN } from "./epoch";
import { syncMemoryView } from "../memory/view";

/** Node<SealedBag>'s fields after `data: MaybeUninit<SealedBag>`, which starts it. */
@unmanaged export class NodeTail {
  next: u64;
}

// @ts-ignore: decorator
@inline const NODE_DATA: usize = 0;
// @ts-ignore: decorator
@inline const NODE_NEXT: usize = NODE_DATA + SEALED_BAG_SIZE + offsetof<NodeTail>("next");
// @ts-ignore: decorator
@inline export const NODE_SIZE: usize = NODE_DATA + SEALED_BAG_SIZE + offsetof<NodeTail>();
// @ts-ignore: decorator
@inline const NODE_ALIGN: u32 = WORD_ALIGN;
// crossbeam-epoch: a Node<SealedBag> is the SealedBag, then an Atomic (one word).
if (NODE_SIZE != 2072 || NODE_NEXT != 2064) ERROR("Node<SealedBag> must be 2,072 bytes, its next at 2,064, as crossbeam-epoch's");

// @ts-ignore: decorator
@inline export function nodeNext(node: usize): usize { return <usize>atomic.load<u64>(node + NODE_NEXT); }

/**
 * A node pointer another thread may have published (head, tail or a next link), made addressable:
 * the node may lie in memory that thread grew after this one last synced its view (memory/view.ts),
 * and touching it first would trap (it did, in the soak, under load: a push read a tail another
 * thread had just allocated in fresh memory).
 */
// @ts-ignore: decorator
@inline function loadNode(pointer: usize): usize {
  let node = <usize>atomic.load<u64>(pointer);
  syncMemoryView();
  return node;
}
/** The SealedBag in a node. */
// @ts-ignore: decorator
@inline export function nodeData(node: usize): usize { return node + NODE_DATA; }

/** Queue::new's sentinel: a node with no data. 0 if refused. */
export function queueSentinel(): usize {
  let node = heapAlloc(SITE_QUEUE_NODE, <u64>NODE_SIZE, NODE_ALIGN, false);
  if (node) atomic.store<u64>(node + NODE_NEXT, 0);
  return node;
}

/**
 * Queue::push(bag.seal(epoch)): a new node holding the sealed bag, linked at the tail. `head` and
 * `tail` are the addresses of the queue's two pointers. Returns false (the bag untouched) if refused.
 */
export function queuePush(tail: usize, bag: usize, epoch: u64): bool {
  let node = heapAlloc(pointOwner(SITE_QUEUE_NODE, POINT_PUSH_BAG), <u64>NODE_SIZE, NODE_ALIGN, false);
  if (!node) return false;
  bagSeal(bag, nodeData(node), epoch);
  atomic.store<u64>(node + NODE_NEXT, 0);
  while (true) {
    let last = loadNode(tail);
    let next = loadNode(last + NODE_NEXT);
    if (next) {
      atomic.cmpxchg<u64>(tail, <u64>last, <u64>next);
      continue;
    }
    if (atomic.cmpxchg<u64>(last + NODE_NEXT, 0, <u64>node) == 0) {
      atomic.cmpxchg<u64>(tail, <u64>last, <u64>node);
      return true;
    }
  }
}

/** True if the queue's first bag has expired by `globalEpoch` (a pop would take it, barring a race). */
export function queueHasExpired(head: usize, globalEpoch: u64): bool {
  let next = loadNode(loadNode(head) + NODE_NEXT);
  return next != 0 && sealedIsExpired(nodeData(next), globalEpoch);
}

/**
 * Queue::try_pop_if(is_expired): unlinks the first bag if it expired by `globalEpoch`. Returns the
 * old sentinel, which the caller must defer for destruction; its `next` is the node now holding the
 * popped bag (the new sentinel), whose data the caller runs. 0 if the queue is empty or its first
 * bag has not expired.
 */
export function queuePopExpired(head: usize, tail: usize, globalEpoch: u64): usize {
  while (true) {
    let first = loadNode(head);
    let next = loadNode(first + NODE_NEXT);
    if (!next || !sealedIsExpired(nodeData(next), globalEpoch)) return 0;
    if (atomic.cmpxchg<u64>(head, <u64>first, <u64>next) != <u64>first) continue;
    if (DEBUG) assert(bagLen(sealedBag(nodeData(next))) <= MAX_OBJECTS, "queue: a popped bag is longer than a bag can be");
    // Keep the tail off a node that is about to be retired.
    if (<usize>atomic.load<u64>(tail) == first) atomic.cmpxchg<u64>(tail, <u64>first, <u64>next);
    return first;
  }
}

/** Frees a queue node directly: only for a node nobody else can reach (never in a live queue). */
export function nodeFree(node: usize): void {
  heapFree(node, SITE_QUEUE_NODE);
}
