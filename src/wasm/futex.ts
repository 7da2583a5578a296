// The futex waits the module imports (assembly/sync/futex.ts says why they are not
// `memory.atomic.wait`): `Atomics.wait` on the same shared memory, with the wasm instruction's
// contract. It returns 0 when woken by a notify, 1 when the word no longer held `expected`, 2 when
// the timeout passed. The views are remade only when another thread has grown the memory past them.
// It never throws into the module: an exception there would unwind a thread that holds a reservation
// (a publish waiting its turn) without the poisoning a trap gets. A wait `Atomics.wait` refuses (a
// word past what this thread's buffer shows yet, a thread that may not block) answers "timed out"
// at once, and the caller, which loops and looks for poison on a timeout, spins instead of sleeping.

import { requireSharedMemory } from "../errors.js";

export interface FutexImports {
  futexWait32(address: number, expected: number, timeoutNs: bigint): number;
  futexWait64(address: number, expected: bigint, timeoutNs: bigint): number;
}

const OUTCOME: Record<string, number> = { ok: 0, "not-equal": 1, "timed-out": 2 };
const TIMED_OUT = OUTCOME["timed-out"];

/** `Atomics.wait`'s result as a number, or TIMED_OUT if it refused to wait. */
function waitOutcome(wait: () => string): number {
  try {
    return OUTCOME[wait()];
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) return TIMED_OUT;
    throw error;
  }
}

/** The imports for an instance over `memory` (a shared WebAssembly.Memory, else a TypeError). */
export function futexImports(memory: WebAssembly.Memory): FutexImports {
  requireSharedMemory("memory", memory);
  let words32 = new Int32Array(memory.buffer);
  let words64 = new BigInt64Array(memory.buffer);
  const current = (address: number, bytes: number): void => {
    if ((address >>> 0) + bytes > words32.byteLength) {
      words32 = new Int32Array(memory.buffer);
      words64 = new BigInt64Array(memory.buffer);
    }
  };
  const millis = (timeoutNs: bigint): number => (timeoutNs < 0n ? Infinity : Number(timeoutNs) / 1e6);
  return {
    futexWait32(address, expected, timeoutNs) {
      current(address, 4);
      return waitOutcome(() => Atomics.wait(words32, (address >>> 0) / 4, expected | 0, millis(timeoutNs)));
    },
    futexWait64(address, expected, timeoutNs) {
      current(address, 8);
      return waitOutcome(() => Atomics.wait(words64, (address >>> 0) / 8, BigInt.asIntN(64, expected), millis(timeoutNs)));
    },
  };
}
