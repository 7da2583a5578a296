// Sleeping until a stream's published length reaches a target, instead of polling it.
//
// The stream's `len` is an AtomicU64 in shared memory, moved only by a compare-and-swap in advance
// (assembly/stream/segmented_stream.ts). After a successful CAS the advancer notifies the len word,
// but only if the stream's waiter count (the model's u32 beside the mutex) is not zero, so appends
// pay one load when nobody waits. A waiter therefore: raises the count, re-reads len (an advance
// that read the count before it was raised may already have moved len, and will not notify), waits
// while len still holds the value it read, and lowers the count. The sequence is race-free: either
// the advancer's load of the count sees it raised (and notifies), or the waiter's re-read of len
// comes after the advancer's CAS (and sees the new length). Offsets come from the module's layout
// table (src/memory/layout.ts).

import { isMainThread } from "node:worker_threads";
import { requireInteger, requireNumber } from "../errors.js";
import { STREAM_FIELDS } from "../memory/layout.js";

/** Atomics.waitAsync (Node 16 and later; the TypeScript lib this project targets predates it). */
type WaitAsyncResult = { async: false; value: string } | { async: true; value: Promise<string> };
const atomicsWaitAsync = (Atomics as unknown as { waitAsync(a: BigInt64Array, i: number, v: bigint, t: number): WaitAsyncResult }).waitAsync;

/** The longest delay a Node timer takes (2^31 - 1 ms). */
const MAX_TIMER_MS = 0x7fff_ffff;

/** The two words a waiter touches, as views over this thread's view of the shared memory. */
class LenWord {
  readonly len: BigInt64Array;
  readonly waiters: Int32Array;
  constructor(memory: WebAssembly.Memory, stream: number) {
    const buffer = memory.buffer;
    this.len = new BigInt64Array(buffer, stream + STREAM_FIELDS.len, 1);
    this.waiters = new Int32Array(buffer, stream + STREAM_FIELDS.waiters, 1);
  }
  length(): number { return Number(Atomics.load(this.len, 0)); }
}

/** A target length and a timeout in milliseconds (Infinity: none), checked. */
export function requireWait(length: unknown, timeoutMs: unknown): { length: number; timeoutMs: number } {
  const target = requireInteger("length", length, 0, Number.MAX_SAFE_INTEGER);
  const timeout = timeoutMs === undefined ? Infinity : requireNumber("timeoutMs", timeoutMs);
  if (!(timeout >= 0)) throw new RangeError(`timeoutMs must be 0 or more (Infinity: no timeout), got ${timeout}`);
  return { length: target, timeoutMs: timeout };
}

/** Blocks this (worker) thread until the length is at least `length` or the timeout passes; returns the length then. */
export function waitForLength(memory: WebAssembly.Memory, stream: number, length: number, timeoutMs: number): number {
  if (isMainThread) {
    throw new Error("SegmentedStream.wait blocks its thread, which the main thread must not do: use `await stream.waitAsync(length, timeoutMs)` there");
  }
  const word = new LenWord(memory, stream);
  const deadline = performance.now() + timeoutMs;
  let now = word.length();
  while (now < length) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    Atomics.add(word.waiters, 0, 1);
    try {
      const seen = Atomics.load(word.len, 0);
      if (Number(seen) < length) Atomics.wait(word.len, 0, seen, left);
    } finally {
      Atomics.sub(word.waiters, 0, 1);
    }
    now = word.length();
  }
  return now;
}

/** waitForLength without blocking: resolves with the length once it is at least `length`, or at the timeout. */
export async function waitForLengthAsync(memory: WebAssembly.Memory, stream: number, length: number, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const word = new LenWord(memory, stream);
  const deadline = performance.now() + timeoutMs;
  let now = word.length();
  while (now < length && !signal?.aborted) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    Atomics.add(word.waiters, 0, 1);
    try {
      const seen = Atomics.load(word.len, 0);
      if (Number(seen) < length) {
        const result = atomicsWaitAsync(word.len, 0, seen, left);
        if (result.async) await firstOf(result.value, left, signal);
      }
    } finally {
      Atomics.sub(word.waiters, 0, 1);
    }
    now = word.length();
  }
  return now;
}

/**
 * `wait`, the timeout or the abort of `signal`, whichever comes first. The timeout is also a Node
 * timer because a pending waitAsync holds no handle of Node's event loop: without one, a process
 * whose only work is this wait would exit under it. An abandoned Atomics.waitAsync stays queued
 * until its own timeout or the next notify, which costs nothing but a spurious wake.
 */
function firstOf(wait: Promise<unknown>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(timeoutMs, MAX_TIMER_MS));
    signal?.addEventListener("abort", done, { once: true });
    void wait.then(done);
  });
}
