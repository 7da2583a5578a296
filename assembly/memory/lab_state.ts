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
// ╘═════════════════════════════════════════════════════════════════════════════════╛

import { LAB_STATE, CHECK_REPORTS, EPOCH_CONFIG, EPOCH_CONFIG_BYTES, RESERVED_END } from "./layout";

// @ts-ignore: decorator
@inline const POISONED: usize = LAB_STATE;
// @ts-ignore: decorator
@inline const THREADS: usize = LAB_STATE + 4;

/** This instance's thread number, from 1 (0 until threadStart). */
let thread: u32 = 0;

/** Numbers this instance's thread; called once per instance, when it starts. */
export function threadStart(): void {
  if (!thread) thread = atomic.add<u32>(THREADS, 1) + 1;
}

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
@inline const REPORT_SLOTS: u32 = 64;
// @ts-ignore: decorator
@inline const REPORT_SLOT_BYTES: usize = 24;

/**
 * This thread's CheckReport slot (in CHECK_REPORTS, layout.ts): where the debug build's after-call
 * checks write, taking no allocation (which a test's injected refusal could hit).
 */
// The report slots once shared their first 16 bytes with EPOCH_CONFIG: the 64th instance's checks
// rewrote the crossbeam version (tests/reliability/reserved.test.ts).
if (CHECK_REPORTS < EPOCH_CONFIG + EPOCH_CONFIG_BYTES) ERROR("CHECK_REPORTS must start after EPOCH_CONFIG");
if (CHECK_REPORTS + <usize>REPORT_SLOTS * REPORT_SLOT_BYTES > RESERVED_END) ERROR("CHECK_REPORTS must end inside the reserved region");

export function threadReportSlot(): usize {
  return CHECK_REPORTS + <usize>(thread % REPORT_SLOTS) * REPORT_SLOT_BYTES;
}
