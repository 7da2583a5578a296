// `Deferred`: a deferred function, 32 bytes: what to call and up to 24 bytes of captured data.
//
// crossbeam-epoch stores a closure of at most 24 bytes (align <= 8) inline; a larger closure is
// boxed (one extra heap allocation of its size) and the Deferred holds the box. Linear memory has
// no closures, so "what to call" is one of a small set of destructor kinds, dispatched here.
//
// ╒═══════════════════════ Deferred (32 bytes) ═══════════════════════╕
//  off  field     native                      here
//   0   call      unsafe fn(*mut u8)          kind (u64)
//   8   data      MaybeUninit<[usize; 3]>     captured words, or the Box's address when boxed
// ╘════════════════════════════════════════════════════════════════════╛
//  A boxed closure's allocation holds [inner kind u64, words...] and is `captureBytes` long.

import { SITE_DEFERRED_BOX, SITE_QUEUE_NODE, SITE_LOCAL } from "../memory/sites";
import { heapAlloc, heapFree, wordIsLive } from "../memory/heap";
import { pageArcRelease } from "../stream/page";

// @ts-ignore: decorator
@inline export const DEFERRED_SIZE: usize = 32;
/** Inline capacity: three words. */
// @ts-ignore: decorator
@inline export const DEFERRED_INLINE_BYTES: u32 = 24;

/** Drop an Arc<Page> (data[0] = ArcInner address). */
export const KIND_DROP_ARC_PAGE: u32 = 1;
/** Free a queue node (data[0] = node address): the node a pop unlinked. */
export const KIND_FREE_QUEUE_NODE: u32 = 2;
/** Count a run (data[0] = address of a u64 counter): lets tests and reports observe execution. */
export const KIND_COUNT: u32 = 3;
/** A closure larger than 24 bytes: data[0] is its Box, whose first word is the inner kind. */
export const KIND_BOXED: u32 = 4;
/** Free an unregistered participant's Local (data[0] = its address), unlinked from the list. */
export const KIND_FREE_LOCAL: u32 = 5;
/** The highest kind in use. */
export const KIND_LAST: u32 = KIND_FREE_LOCAL;

/** The collector's own garbage (queue nodes, participants), as opposed to what its users deferred. */
export function kindIsInternal(kind: u32): bool {
  return kind == KIND_FREE_QUEUE_NODE || kind == KIND_FREE_LOCAL;
}

/**
 * Deferred::new for a capture over 24 bytes: boxes it ([kind, word] at the start of a
 * `captureBytes` allocation). Returns the box, or 0 if refused.
 */
export function deferredBox(kind: u32, word: u64, captureBytes: u32): usize {
  let box = heapAlloc(SITE_DEFERRED_BOX, <u64>captureBytes, 8, false);
  if (box) {
    store<u64>(box, <u64>kind);
    store<u64>(box, word, 8);
  }
  return box;
}

/** Drops a boxed closure without calling it. */
export function deferredUnbox(box: usize): void {
  heapFree(box, SITE_DEFERRED_BOX);
}

export function deferredStore(slot: usize, kind: u32, word: u64): void {
  store<u64>(slot, <u64>kind);
  store<u64>(slot, word, 8);
}

/** The kind a Deferred will run, looking inside a box. */
export function deferredInnerKind(slot: usize): u32 {
  let kind = deferredKind(slot);
  return kind == KIND_BOXED ? <u32>load<u64>(<usize>load<u64>(slot, 8)) : kind;
}

// @ts-ignore: decorator
@inline export function deferredKind(slot: usize): u32 { return <u32>load<u64>(slot); }

/** Runs the Deferred at `slot` (Deferred::call). */
export function deferredRun(slot: usize): void {
  let kind = deferredKind(slot);
  let word = load<u64>(slot, 8);
  if (kind == KIND_BOXED) {
    let box = <usize>word;
    runKind(<u32>load<u64>(box), load<u64>(box, 8));
    deferredUnbox(box);
    return;
  }
  runKind(kind, word);
}

/** KIND_COUNT on the unprotected guard: no Deferred is made, the function runs at once. */
export function runCountNow(counter: usize): void {
  runKind(KIND_COUNT, <u64>counter);
}

function runKind(kind: u32, word: u64): void {
  if (kind == KIND_DROP_ARC_PAGE) pageArcRelease(<usize>word);
  else if (kind == KIND_FREE_QUEUE_NODE) heapFree(<usize>word, SITE_QUEUE_NODE);
  else if (kind == KIND_FREE_LOCAL) heapFree(<usize>word, SITE_LOCAL);
  else if (kind == KIND_COUNT) runCount(<usize>word);
}

/**
 * Adds 1 to the counter, if it still lies in a live block: a counter freed before its deferred
 * increment ran is skipped, never written (the write would land in free memory).
 */
function runCount(counter: usize): void {
  if (wordIsLive(counter, false)) atomic.add<u64>(counter, 1);
}
