// Reading the invariant checker's verdicts: each check export (heapCheck, epochCheck, streamCheck,
// indexCheck) writes a CheckReport at an address the caller gives and returns its code, 0 when every
// invariant holds. Lab.check and the debug build's per-call checks (invariant-checks.ts) read them here.

import { InvariantError } from "../errors.js";
import type { Instance } from "../wasm/module.js";
import { CHECK_REPORT } from "./layout.js";

/** CheckReport (assembly/memory/check.ts): code u32 · address u32 · expected u64 · actual u64. */
export const CHECK_REPORT_BYTES = CHECK_REPORT.size;

export class Verdicts {
  private names: readonly string[] | undefined;

  constructor(private readonly instance: Instance, private readonly memory: WebAssembly.Memory) {}

  /** Throws InvariantError if `code` (a check's result, its report at `out`) says `what` is broken. */
  require(code: number, out: number, what: string): void {
    if (code === 0) return;
    const { raw, getString } = this.instance;
    this.names ??= Array.from({ length: raw.checkCodeCount() }, (_, i) => getString(raw.checkCodeName(i)));
    const view = new DataView(this.memory.buffer);
    throw new InvariantError(
      this.names[code] ?? `check ${code}`,
      view.getUint32(out + CHECK_REPORT.address, true),
      Number(view.getBigUint64(out + CHECK_REPORT.expected, true)),
      Number(view.getBigUint64(out + CHECK_REPORT.actual, true)),
      what,
    );
  }
}
