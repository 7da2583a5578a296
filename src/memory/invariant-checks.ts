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

export interface CheckedExports {
  raw: RawExports;
  /** Gives the report block back (Lab.close). */
  release(): void;
}

export function withInvariantChecks(raw: RawExports, verdicts: Verdicts): CheckedExports {
  const out = raw.checkReportSlot() >>> 0;
  let locked = 0;
  const checkAfter = (name: string): void => {
    if (locked > 0) return;
    verdicts.require(raw.heapCheck(out, 0), out, `heap (after ${name})`);
    verdicts.require(raw.epochCheck(out), out, `epoch collector (after ${name})`);
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
  return { raw: checked as unknown as RawExports, release: () => {} };
}
