// Sleeping on a word of shared memory until another thread changes it (or a timeout passes): the
// futex wait every blocking path here uses (sync/mutex.ts, the stream's publish order, the heap's and
// the collector's one-time set-up). Wakes still use `memory.atomic.notify` directly.
//
// Why the wait goes through the host rather than `memory.atomic.wait32/64`: V8's baseline compiler
// (Liftoff) in Node 20 (V8 11.3) can corrupt a value the function holds in a register across a
// `memory.atomic.wait`. Seen here as a reader holding the stream's address and a running count in
// locals across a contended mutexLock: once woken, it read the Vec through a wrong address (a trap,
// or words of other memory). Each function starts in Liftoff and is recompiled by TurboFan only once
// hot, so a wait reached early or rarely runs the broken code; `node --liftoff-only` shows it every
// time, `--no-liftoff` never (tests/reliability/liftoff-wait.test.ts keeps that case). A call to an
// import, by contrast, is an ordinary call: Liftoff keeps nothing in registers across it, whatever
// the callee does. The host implements these with `Atomics.wait` on the same memory (src/wasm/futex.ts),
// which has the same semantics: it returns at once if the word no longer holds `expected`. A wait
// the host cannot perform returns as if timed out: every caller loops, so it then spins instead.

/** A wait's result when the timeout passed (0: woken, 1: the word no longer held `expected`). */
// @ts-ignore: decorator
@inline export const WAIT_TIMED_OUT: i32 = 2;

/** Sleeps while the u32 at `address` holds `expected`, for at most `timeoutNs`. */
// @ts-ignore: decorator
@external("env", "futexWait32")
export declare function futexWait32(address: usize, expected: u32, timeoutNs: i64): i32;

/** Sleeps while the u64 at `address` holds `expected`, for at most `timeoutNs`. */
// @ts-ignore: decorator
@external("env", "futexWait64")
export declare function futexWait64(address: usize, expected: u64, timeoutNs: i64): i32;
