// The collector's invariant checker (the heap's is memory/check.ts, whose CheckReport it shares).
//
//   collector   the default collector's ArcInner<Global> is a live block of its site and size
//   queue       head to tail, every node a live Node<SealedBag> block; the tail is the last node or
//               one short of it (a push links first and swings the tail after); no cycle
//   order       sealed epochs never go back by more than one step (two threads may seal in E and
//               E + 1 and link in the other order: a participant pinned in E holds the epoch at
//               E + 1, so never more)
//   bags        at most MAX_OBJECTS deferred functions, each call a function table index (nonzero,
//               32 bits: the checker cannot read the table's size, and a call past it would trap),
//               a boxed one's box a live block of its site whose inner function is such an index
//               and not itself the box trampoline
//   locals      every listed participant a live Local block, its bag within bounds
//
// Exact while no participant runs on another thread; the queue is read as the lock-free algorithm
// allows any thread to (acquire loads).

import { siteOf } from "../memory/block";
import { liveBlockAt } from "../memory/heap";
import { SITE_ARC_GLOBAL, SITE_QUEUE_NODE, SITE_LOCAL, SITE_DEFERRED_BOX } from "../memory/sites";
import {
  report, isLiveBlockOf, CHECK_OK, CHECK_QUEUE, CHECK_QUEUE_ORDER, CHECK_BAG, CHECK_DEFERRED, CHECK_LOCAL, CHECK_COLLECTOR
} from "../memory/check";
import { existingCollector } from "./collector";
import { GLOBAL_ARC_SIZE, queueHead, queueTail, firstLocal, nextLocal } from "./global";
import { NODE_SIZE, nodeNext, nodeData } from "./queue";
import { localBag } from "./local";
import { localSize } from "./version";
import { bagLen, bagSlot, sealedBag, sealedEpoch, MAX_OBJECTS } from "./bag";
import { deferredCall, deferredData, boxCall, runBoxedFn } from "./deferred";

/** Checks the default collector, if one exists. Returns CHECK_OK or the first broken invariant's code. */
export function epochCheck(out: usize): u32 {
  let global = existingCollector();
  if (!global) return report(out, CHECK_OK, 0, 0, 0);
  if (!isLiveBlockOf(global, SITE_ARC_GLOBAL, <u64>GLOBAL_ARC_SIZE)) return report(out, CHECK_COLLECTOR, global, SITE_ARC_GLOBAL, 0);
  let code = checkQueue(out, global);
  if (code == CHECK_OK) code = checkLocals(out, global);
  return code == CHECK_OK ? report(out, CHECK_OK, 0, 0, 0) : code;
}

function checkQueue(out: usize, global: usize): u32 {
  let tail = <usize>atomic.load<u64>(queueTail(global));
  let node = <usize>atomic.load<u64>(queueHead(global));
  let lastEpoch: u64 = 0;
  let sawTail = false;
  // Every node is a live block of NODE_SIZE bytes, so the live blocks bound the walk: a cycle ends it.
  for (let steps: u32 = 0; node; steps++, node = nodeNext(node)) {
    if (!isLiveBlockOf(node, SITE_QUEUE_NODE, <u64>NODE_SIZE) || steps > 0x0200_0000) return report(out, CHECK_QUEUE, node, SITE_QUEUE_NODE, steps);
    if (node == tail) sawTail = true;
    if (steps == 0) continue; // the sentinel's data is spent
    let sealed = nodeData(node);
    let epoch = sealedEpoch(sealed);
    if (epoch + 2 < lastEpoch) return report(out, CHECK_QUEUE_ORDER, node, lastEpoch, epoch);
    if (epoch > lastEpoch) lastEpoch = epoch;
    let code = checkBag(out, sealedBag(sealed), true);
    if (code) return code;
  }
  if (!sawTail) return report(out, CHECK_QUEUE, tail, 1, 0);
  return tailLag(out, global, tail);
}

/**
 * The tail is the last node or one short of it. Read apart from the walk, so other threads may
 * push meanwhile: only if the tail has not moved since the walk began is the reading exact (a
 * second push swings the tail before it links, so an unmoved tail has at most one node after it).
 */
function tailLag(out: usize, global: usize, tail: usize): u32 {
  let afterTail = nodeNext(tail);
  if (!afterTail || !nodeNext(afterTail)) return CHECK_OK;
  if (<usize>atomic.load<u64>(queueTail(global)) != tail) return CHECK_OK;
  return report(out, CHECK_QUEUE, tail, 0, afterTail);
}

/** A bag's length, and (when `contents`: a sealed bag, which no thread writes any more) its items. */
function checkBag(out: usize, bag: usize, contents: bool): u32 {
  let len = bagLen(bag);
  if (len > MAX_OBJECTS) return report(out, CHECK_BAG, bag, MAX_OBJECTS, len);
  if (!contents) return CHECK_OK;
  for (let i: u64 = 0; i < len; i++) {
    let slot = bagSlot(bag, i);
    let call = deferredCall(slot);
    if (!isTableIndex(call)) return report(out, CHECK_DEFERRED, slot, TABLE_INDEX_MAX, call);
    if (<u32>call == runBoxedFn()) {
      let box = <usize>deferredData(slot);
      let block = liveBlockAt(box);
      if (!block || siteOf(block) != SITE_DEFERRED_BOX) return report(out, CHECK_DEFERRED, slot, box, block ? siteOf(block) : 0);
      let inner = boxCall(box);
      if (!isTableIndex(inner) || <u32>inner == runBoxedFn()) return report(out, CHECK_DEFERRED, box, TABLE_INDEX_MAX, inner);
    }
  }
  return CHECK_OK;
}

/** The largest table index a call word may hold. */
// @ts-ignore: decorator
@inline const TABLE_INDEX_MAX: u64 = 0xFFFF_FFFF;

/** A call word that can name a function: index 0 is never one (the table starts at 1). */
function isTableIndex(call: u64): bool {
  return call != 0 && call <= TABLE_INDEX_MAX;
}

function checkLocals(out: usize, global: usize): u32 {
  let steps: u32 = 0;
  for (let local = firstLocal(global); local; local = nextLocal(local)) {
    if (!isLiveBlockOf(local, SITE_LOCAL, <u64>localSize()) || ++steps > 0x0100_0000) return report(out, CHECK_LOCAL, local, SITE_LOCAL, steps);
    let code = checkBag(out, localBag(local), false);
    if (code) return code;
  }
  return CHECK_OK;
}
