// `Deferred`: a deferred function, 32 bytes: what to call and up to 24 bytes of captured data.
//
// crossbeam-epoch's Deferred is `call: unsafe fn(*mut u8)` plus `data: MaybeUninit<[usize; 3]>`.
// Deferred::new stores a closure of at most 24 bytes (align <= 8) inline, with `call` pointing at
// `call::<F>`, a trampoline that reads F back out of `data` and runs it; a larger closure is boxed
// (one extra heap allocation of its size), `data` holds the Box and `call` is `call::<Box<F>>`,
// which runs the closure and frees the box. So the collector never knows what it is running: it
// calls a function pointer on its data, and whoever deferred the work chose both.
//
// Here the function pointer is a function table index, and calling it is `call_indirect`. Linear
// memory has no closures, so a deferred function is a module-level `DeferredFn` taking the first
// data word. A client names it once as `@inline const F: DeferredFn = f` (which checks f's
// signature at compile time) and hands the collector `deferredIndex(changetype<usize>(F))`: the
// stream hands it the Arc<Page> release (stream/segmented_stream.ts), the ABI its count
// (epoch/count.ts). The collector's own garbage (a queue node it retired, an unregistered
// participant's Local) and the boxed-closure trampoline are functions of this file. No file of the
// collector imports a client.
//
// Why a table index and not a function reference value: under our runtime (runtime/forbidden.ts)
// there is no managed heap, and a function reference held in a local or a parameter is a managed
// value that the shadow-stack pass spills to a stack in static memory, which every instance over the
// shared memory would write at the same addresses. `changetype<usize>(F)` of an inlined constant is
// only the address of F's static Function object (a data segment, re-written with the same bytes by
// every instance), and the index is one load from it: no local, no spill, no global.
//
// Shared memory: a Deferred written by one thread's instance may run in another's. Table indices are
// per module, fixed by the compiler in the module's element segment, so every instance of the same
// module (every worker loads the same build) holds the same function at the same index. Two
// different builds (release and debug) must never share one memory; they never do. Index 0 is never
// a function (AssemblyScript's table starts at 1), so a zero call word is no Deferred.
//
// ╒═══════════════════════ Deferred (32 bytes) ═══════════════════════╕
//  off  field     native                      here
//   0   call      unsafe fn(*mut u8)          table index of a DeferredFn (u64)
//   8   data      MaybeUninit<[usize; 3]>     captured words (data0..data2), or the Box's address
// ╘════════════════════════════════════════════════════════════════════╛
//  A boxed closure's allocation (DeferredBox) holds [call: the inner function's index u64, data0:
//  its first word, ...] and is `captureBytes` long; the Deferred's call is then runBoxed.

import { SITE_DEFERRED_BOX, SITE_QUEUE_NODE, SITE_LOCAL } from "../memory/sites";
import { heapAlloc, heapFree } from "../memory/heap";
import { WORD_ALIGN } from "./epoch";

/** crossbeam-epoch's Deferred (layout above). Only its offsets are used (linear memory, no objects). */
@unmanaged export class Deferred {
  call: u64;
  data0: u64;
  data1: u64;
  data2: u64;
}
// crossbeam-epoch: `call` (a fn pointer, 8 bytes), then `data` (3 x usize, 24 bytes).
if (offsetof<Deferred>() != 32) ERROR("Deferred must be 32 bytes, as crossbeam-epoch's");
if (offsetof<Deferred>("data0") != 8) ERROR("Deferred's data must follow its 8-byte call, as crossbeam-epoch's");

/** The head of a boxed closure's allocation (`captureBytes` long; the model's Box<F>). */
@unmanaged export class DeferredBox {
  call: u64;
  data0: u64;
}

// @ts-ignore: decorator
@inline export const DEFERRED_SIZE: usize = offsetof<Deferred>();
/** Inline capacity: the three data words. */
// @ts-ignore: decorator
@inline export const DEFERRED_INLINE_BYTES: u32 = <u32>(offsetof<Deferred>() - offsetof<Deferred>("data0"));
// A box is made only for a capture over the inline capacity, so its head always fits in the allocation.
if (offsetof<DeferredBox>() > <usize>DEFERRED_INLINE_BYTES) ERROR("a boxed closure's head must fit in a capture too large to inline");

/** What a Deferred calls: a module-level function of the first captured word. */
export type DeferredFn = (data: u64) => void;

/**
 * The table index of a deferred function, given `changetype<usize>(F)` for an `@inline const F:
 * DeferredFn` (read from F's static Function object). Pass it straight in: a function reference
 * in a local would be spilled to the shadow stack (see the header).
 */
// @ts-ignore: decorator
@inline export function deferredIndex(fnRef: usize): u32 {
  return load<u32>(fnRef, offsetof<Function<DeferredFn>>("_index"));
}

// @ts-ignore: decorator
@inline function callDeferred(fn: u32, data: u64): void { call_indirect<void>(fn, data); }

/** Frees a queue node (data = node address): the node a pop unlinked. */
function freeQueueNode(node: u64): void { heapFree(<usize>node, SITE_QUEUE_NODE); }
/** Frees an unregistered participant's Local (data = its address), unlinked from the list. */
function freeLocal(local: u64): void { heapFree(<usize>local, SITE_LOCAL); }
/** Deferred::call for a closure over 24 bytes (data = its Box): runs it, then drops the box. */
function runBoxed(box: u64): void {
  callDeferred(<u32>boxCall(<usize>box), load<u64>(<usize>box, offsetof<DeferredBox>("data0")));
  deferredUnbox(<usize>box);
}

// @ts-ignore: decorator
@inline const FREE_QUEUE_NODE: DeferredFn = freeQueueNode;
// @ts-ignore: decorator
@inline const FREE_LOCAL: DeferredFn = freeLocal;
// @ts-ignore: decorator
@inline const RUN_BOXED: DeferredFn = runBoxed;

/** The collector's free of a queue node it retired. */
// @ts-ignore: decorator
@inline export function freeQueueNodeFn(): u32 { return deferredIndex(changetype<usize>(FREE_QUEUE_NODE)); }
/** The collector's free of an unregistered participant's Local. */
// @ts-ignore: decorator
@inline export function freeLocalFn(): u32 { return deferredIndex(changetype<usize>(FREE_LOCAL)); }
/** The call of every boxed Deferred. */
// @ts-ignore: decorator
@inline export function runBoxedFn(): u32 { return deferredIndex(changetype<usize>(RUN_BOXED)); }

/** The collector's own garbage (queue nodes, participants), as opposed to what its users deferred. */
export function fnIsInternal(fn: u32): bool {
  return fn == freeQueueNodeFn() || fn == freeLocalFn();
}

/**
 * Deferred::new for a capture over 24 bytes: boxes it ([fn, word] at the start of a
 * `captureBytes` allocation). Returns the box, or 0 if refused.
 */
export function deferredBox(fn: u32, word: u64, captureBytes: u32): usize {
  let box = heapAlloc(SITE_DEFERRED_BOX, <u64>captureBytes, WORD_ALIGN, false);
  if (box) {
    store<u64>(box, <u64>fn, offsetof<DeferredBox>("call"));
    store<u64>(box, word, offsetof<DeferredBox>("data0"));
  }
  return box;
}

/** Drops a boxed closure without calling it. */
export function deferredUnbox(box: usize): void {
  heapFree(box, SITE_DEFERRED_BOX);
}

export function deferredStore(slot: usize, fn: u32, word: u64): void {
  store<u64>(slot, <u64>fn, offsetof<Deferred>("call"));
  store<u64>(slot, word, offsetof<Deferred>("data0"));
}

/** The call word of the Deferred at `slot` (a table index, or garbage for the checker to find). */
// @ts-ignore: decorator
@inline export function deferredCall(slot: usize): u64 { return load<u64>(slot, offsetof<Deferred>("call")); }
/** The first data word of the Deferred at `slot` (the box's address when its call is runBoxed). */
// @ts-ignore: decorator
@inline export function deferredData(slot: usize): u64 { return load<u64>(slot, offsetof<Deferred>("data0")); }
/** The inner function's index in a boxed closure. */
// @ts-ignore: decorator
@inline export function boxCall(box: usize): u64 { return load<u64>(box, offsetof<DeferredBox>("call")); }

/** The function a Deferred will run, looking inside a box. */
export function deferredInnerFn(slot: usize): u32 {
  let fn = <u32>deferredCall(slot);
  return fn == runBoxedFn() ? <u32>boxCall(<usize>deferredData(slot)) : fn;
}

/** Runs the Deferred at `slot` (Deferred::call). */
export function deferredRun(slot: usize): void {
  callDeferred(<u32>deferredCall(slot), deferredData(slot));
}
