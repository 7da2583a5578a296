// The count item: the ABI's deferred function (epochDeferCount), which lets tests and reports
// observe when deferred work runs. A client of the collector like the stream's page release: it
// hands the collector its function (deferred.ts says how), the collector knows nothing of it.

import { wordIsLive } from "../memory/heap";
import { DeferredFn, deferredIndex } from "./deferred";

/**
 * Adds 1 to the u64 counter at `counter`, if it still lies in a live block: a counter freed before
 * its deferred increment ran is skipped, never written (the write would land in free memory).
 */
function runCount(counter: u64): void {
  if (wordIsLive(<usize>counter, false)) atomic.add<u64>(<usize>counter, 1);
}

// @ts-ignore: decorator
@inline const COUNT: DeferredFn = runCount;

/** The count function's table index, for localDefer. */
// @ts-ignore: decorator
@inline export function countFn(): u32 { return deferredIndex(changetype<usize>(COUNT)); }

/** The count on the unprotected guard: no Deferred is made, the function runs at once. */
export function runCountNow(counter: usize): void {
  runCount(<u64>counter);
}
