// The host boundary of every wasm call: nothing the module does can leave the host going on over
// unknown state.
//
// A call that traps has stopped part way through, perhaps holding a lock or with a list half
// linked. Two kinds of trap reach here as exceptions from the export:
//   - a refusal: the export checked an argument before writing anything (assembly/abi/error.ts),
//     recorded what was wrong and trapped; the guard turns it into a RangeError that names the
//     export, the value and what it is not, and the lab goes on;
//   - anything else (an assert of the debug build, an out-of-bounds access, a stack overflow): the
//     guard marks the lab poisoned in its shared memory (assembly/memory/lab_state.ts) and throws
//     LabPoisonedError; from then on every call on any lab over that memory, on any thread, throws
//     LabPoisonedError before it enters the module. Threads asleep on a lock the trapped call held
//     wake within 50 ms, see the mark, and trap themselves (assembly/sync/mutex.ts).
// In the debug build the guard also runs the heap's and the collector's invariant checks after
// every call that can change them, so a broken invariant is reported by the call that broke it.

import { InvariantError, LabPoisonedError } from "../errors.js";
import type { RawExports } from "../wasm/module.js";

type Export = (a?: number, b?: number, c?: number, d?: number, e?: number) => number;

/** Exports that only read: the debug build's after-call checks skip them. */
const READ_ONLY = /^(heapCheck|epochCheck|streamCheck|indexCheck|abiError|labStateAddress|heapLock|heapUnlock|.*Address|.*Count|.*Capacity|siteName|siteIsRust|checkCodeName|abiErrorName|streamLen|streamGet|streamRead|streamPageCount|indexLen|indexGet|indexTableSlots|indexValues|epochGlobalEpoch|epochLocalEpoch|epochGuardCount|epochPinCount|epochBagLen|epochPending|epochQueuedBags|epochQueueSnapshot|heapBlockSize|heapAllocCalls|heapInjectPending|heapStartMapBytes|glibcChunkBytes|indexTableBytesFor|maxSites)$/;

/** CheckReport (assembly/memory/check.ts): code u32 · address u32 · expected u64 · actual u64. */
const CHECK_REPORT = { address: 4, expected: 8, actual: 16 } as const;

/** The InvariantError for check verdict `code`, whose report is at `out`. */
export function invariantError(memory: WebAssembly.Memory, out: number, checkName: string, what: string): InvariantError {
  const view = new DataView(memory.buffer);
  return new InvariantError(
    checkName,
    view.getUint32(out + CHECK_REPORT.address, true),
    Number(view.getBigUint64(out + CHECK_REPORT.expected, true)),
    Number(view.getBigUint64(out + CHECK_REPORT.actual, true)),
    what,
  );
}

export interface GuardContext {
  /** Decodes an AssemblyScript string (static data) the module returned. */
  getString(ptr: number): string;
  /** Runs the invariant checks after every changing call (the debug build). */
  checkEveryCall: boolean;
  /** Where the after-call checks write their verdicts (allocated on first need). */
  reportBuffer(): number;
}

/** `raw` with every export behind the boundary described above. */
export function guardExports(raw: RawExports, memory: WebAssembly.Memory, context: GuardContext): RawExports {
  const flag = new Int32Array(memory.buffer, raw.labStateAddress(), 1);
  const guarded: Record<string, unknown> = {};
  const poisonedError = (name: string) => new LabPoisonedError(name, undefined, "the lab was poisoned by an earlier trap");
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== "function") {
      guarded[name] = value;
      continue;
    }
    const call = value as Export;
    const check = context.checkEveryCall && !READ_ONLY.test(name);
    guarded[name] = function guardedCall(a?: number, b?: number, c?: number, d?: number, e?: number): number {
      if (Atomics.load(flag, 0) !== 0) throw poisonedError(name);
      let result: number;
      try {
        result = call(a, b, c, d, e);
      } catch (error) {
        throw refusalOrPoison(name, error, raw, flag, context);
      }
      if (check) checkAfter(name, raw, memory, context);
      return result;
    };
  }
  return guarded as unknown as RawExports;
}

function refusalOrPoison(name: string, error: unknown, raw: RawExports, flag: Int32Array, context: GuardContext): Error {
  const code = raw.abiError();
  if (code !== 0) {
    const value = raw.abiErrorValue();
    return new RangeError(`${name}: ${value} ${context.getString(raw.abiErrorName(code))}`);
  }
  Atomics.store(flag, 0, 1);
  return new LabPoisonedError(name, error, "the call trapped; the lab's memory may be inconsistent and is not used again");
}

function checkAfter(name: string, raw: RawExports, memory: WebAssembly.Memory, context: GuardContext): void {
  const out = context.reportBuffer();
  let code = raw.heapCheck(out, 0);
  if (code === 0) code = raw.epochCheck(out);
  if (code !== 0) throw invariantError(memory, out, context.getString(raw.checkCodeName(code)), `after ${name}`);
}
