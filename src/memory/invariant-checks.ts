// The debug build's per-call invariant checks: after every call of an export that can change the
// lab's state, the heap (blocks, bins, large list, ledger) and the epoch collector are checked, and
// a violation throws InvariantError naming the call after which it was found. Streams and indexes are
// not checked per call: other threads may be half way through an append to them.
//
// The checks write their reports to this thread's own slot in the reserved region (no allocation, so
// a test's injected refusal is never spent on it), never to a buffer the call itself used.
// No check runs while this thread holds the heap lock (between heapLock and heapUnlock, as reading
// the ledger does): the check takes that lock too. Debug code: the wrappers take rest arguments.

import { changesState } from "../wasm/abi.js";
import type { RawExports } from "../wasm/module.js";
import type { Verdicts } from "./verdict.js";

type Export = (...args: unknown[]) => unknown;


/**
 * The collector's check is exact only while no other thread works on it (assembly/epoch/check.ts
 * reads the queue and the bags without a lock): with other threads running, one reading may be torn
 * by their progress, so a violation counts only if it shows in EPOCH_READS readings in a row. A
 * violation on a quiet lab is deterministic and shows in all of them.
 */
const EPOCH_READS = 3;

function epochCheckSettled(raw: RawExports, out: number): number {
  let code = 0;
  for (let i = 0; i < EPOCH_READS; i++) {
    code = raw.epochCheck(out);
    if (code === 0) return 0;
  }
  return code;
}

export function withInvariantChecks(raw: RawExports, verdicts: Verdicts): RawExports {
  const out = raw.checkReportSlot() >>> 0;
  let locked = 0;
  const checkAfter = (name: string): void => {
    if (locked > 0) return;
    verdicts.require(raw.heapCheck(out, 0), out, `heap (after ${name})`);
    verdicts.require(epochCheckSettled(raw, out), out, `epoch collector (after ${name})`);
  };
  const checked: Record<string, unknown> = { ...raw };
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== "function" || !changesState(name)) continue;
    const f = value as Export;
    checked[name] = (...args: unknown[]) => {
      const result = f(...args);
      checkAfter(name);
      return result;
    };
  }
  checked.heapLock = () => { raw.heapLock(); locked++; };
  checked.heapUnlock = () => { locked--; raw.heapUnlock(); };
  return checked as unknown as RawExports;
}
