// What every thread of a lab must know about the lab as a whole: whether it is poisoned, and which
// thread (instance) it is.
//
// A trap (a wasm RuntimeError) can leave shared state half changed: a lock held, a list half linked.
// The host marks the lab poisoned when it catches one (src/memory/poison.ts) and refuses every later
// call; threads already waiting on a lock the trapped thread held would wait for ever, so lock waits
// are bounded and trap themselves once the lab is poisoned (sync/mutex.ts).
//
// Each instance over the memory takes a thread number when it starts, so structures that belong to
// one thread (an epoch participant) can refuse the others.
//
// ╒════════════════ LAB_STATE (in the reserved region, layout.ts) ════════════════╕
//   0  poisoned u32     0, or 1 once any thread trapped
//   4  threads u32      thread numbers handed out so far
//   8  attached u32     instances started and not yet detached (heapThreadDetach): the heap's
//                       thread caches serve requests only while there are two or more
// ╘═════════════════════════════════════════════════════════════════════════════════╛

import { LAB_STATE, CHECK_REPORTS } from "./layout";
import { CHECK_REPORT_SIZE } from "./check";

/** LAB_STATE (table above). */
@unmanaged export class LabState {
  poisoned: u32;
  threads: u32;
  attached: u32;
}
if (offsetof<LabState>() != 12) ERROR("LabState must be 12 bytes");

// @ts-ignore: decorator
@inline const POISONED: usize = LAB_STATE + offsetof<LabState>("poisoned");
// @ts-ignore: decorator
@inline const THREADS: usize = LAB_STATE + offsetof<LabState>("threads");

// @ts-ignore: decorator
@inline const ATTACHED: usize = LAB_STATE + offsetof<LabState>("attached");

/** This instance's thread number, from 1 (0 until threadStart). */
let thread: u32 = 0;

/** Numbers this instance's thread; called once per instance, when it starts. */
export function threadStart(): void {
  if (!thread) thread = atomic.add<u32>(THREADS, 1) + 1;
}

/** Counts this instance in (heap.ts, at set-up) or out (at heapThreadDetach); returns the new count. */
export function attachedAdd(delta: i32): u32 {
  return atomic.add<u32>(ATTACHED, <u32>delta) + <u32>delta;
}

export function attachedCount(): u32 { return atomic.load<u32>(ATTACHED); }

// @ts-ignore: decorator
@inline export function currentThread(): u32 { return thread; }

export function labPoisoned(): bool {
  return atomic.load<u32>(POISONED) != 0;
}

/** Traps if another thread poisoned the lab: a thread waiting for it must not wait for ever. */
export function trapIfPoisoned(): void {
  if (labPoisoned()) unreachable();
}

export function labStateAddress(): usize { return LAB_STATE; }

/** Threads that get a check report slot of their own (more share one, round robin). */
// @ts-ignore: decorator
@inline export const REPORT_SLOTS: u32 = 64;
// @ts-ignore: decorator
@inline const REPORT_SLOT_BYTES: usize = <usize>CHECK_REPORT_SIZE;
/** Bytes of CHECK_REPORTS: a CheckReport per slot. */
// @ts-ignore: decorator
@inline export const CHECK_REPORTS_SIZE: usize = <usize>REPORT_SLOTS * REPORT_SLOT_BYTES;

/**
 * This thread's CheckReport slot (in CHECK_REPORTS, layout.ts): where the debug build's after-call
 * checks write, taking no allocation (which a test's injected refusal could hit).
 */
// (That no slot overlaps EPOCH_CONFIG or leaves the reserved region is checked in layout.ts.)

export function threadReportSlot(): usize {
  return CHECK_REPORTS + <usize>(thread % REPORT_SLOTS) * REPORT_SLOT_BYTES;
}
