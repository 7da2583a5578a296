// A futex mutex over one u32 in shared linear memory, modelling `std::sync::Mutex` on Linux
// (whose lock word is the same 4-byte futex). The word is
//
//   0  unlocked
//   1  locked, nobody waiting
//   2  locked, and some thread may be sleeping in `wait` on the word
//
// The fast path is one compare-exchange. A thread that loses spins briefly (critical sections here
// are a few hundred instructions), then marks the word 2 and sleeps; whoever unlocks a 2 wakes one
// sleeper. The woken thread sets 2 again when it takes the lock, because it cannot know whether
// others still sleep: a spurious wake-up costs one notify, a missed one would deadlock.
//
// Taking a lock also brings this thread's view of the memory up to date (memory/view.ts): what was
// published under the lock may lie in memory another thread grew.
//
// A futex wait (sync/futex.ts) fails on unshared memory, but it is only reached under contention,
// which needs a second thread, which needs shared memory.
//
// A thread that trapped while holding a lock never unlocks it. Sleeps are therefore bounded: a
// sleeper that wakes to a poisoned lab (memory/lab_state.ts) traps too, and the host reports it as
// such, instead of waiting for ever.

import { syncMemoryView } from "../memory/view";
import { trapIfPoisoned } from "../memory/lab_state";
import { futexWait32, WAIT_TIMED_OUT } from "./futex";

// @ts-ignore: decorator
@inline const UNLOCKED: u32 = 0;
// @ts-ignore: decorator
@inline const LOCKED: u32 = 1;
// @ts-ignore: decorator
@inline const CONTENDED: u32 = 2;
/** Spins before sleeping: enough to cover a short critical section on another core. */
// @ts-ignore: decorator
@inline const SPINS: i32 = 200;
/** Longest sleep before a sleeper looks whether the lab was poisoned (an unlock wakes it at once). */
// @ts-ignore: decorator
@inline const SLEEP_NS: i64 = 50_000_000;

/** Takes the lock; whatever another thread published under it, this thread can then address. */
export function mutexLock(word: usize): void {
  if (atomic.cmpxchg<u32>(word, UNLOCKED, LOCKED) != UNLOCKED) lockContended(word);
  syncMemoryView();
}

function lockContended(word: usize): void {
  for (let i = 0; i < SPINS; i++) {
    if (atomic.load<u32>(word) == UNLOCKED && atomic.cmpxchg<u32>(word, UNLOCKED, LOCKED) == UNLOCKED) return;
  }
  while (atomic.xchg<u32>(word, CONTENDED) != UNLOCKED) {
    if (futexWait32(word, CONTENDED, SLEEP_NS) == WAIT_TIMED_OUT) trapIfPoisoned();
  }
}

export function mutexUnlock(word: usize): void {
  if (atomic.xchg<u32>(word, UNLOCKED) == CONTENDED) atomic.notify(word, 1);
}
