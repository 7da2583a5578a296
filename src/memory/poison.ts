// The boundary between the host and the wasm module: every raw export a Lab exposes (lab.raw, and
// every internal caller) goes through it.
//
// A call that throws out of the module is one of three things:
//   - a refused argument: the export found an address, enum or size bad before writing anything,
//     recorded a code (assembly/abi/error.ts) and trapped. The boundary reads the code and throws a
//     RangeError naming the export, the argument, its value and what it is not; the lab stays usable.
//   - a trap with no code (a fault: out of bounds, unaligned, unreachable, an AssemblyScript assert's
//     abort in the debug build, the stack exhausted): shared memory may be half changed, a lock held.
//     The boundary marks the lab poisoned in shared memory (assembly/memory/lab_state.ts) and throws
//     LabPoisonedError; from then on every call on any Lab object over that memory, on any thread,
//     throws LabPoisonedError before entering the module.
//   - an argument JavaScript could not convert (a BigInt, a Symbol): thrown before the module ran,
//     so nothing changed; it is rethrown as a TypeError naming the argument.
//
// The forwarders have a fixed arity per export (no rest or spread arguments, no allocation) and read
// the poisoned flag with a plain load: an Atomics.load costs about 10 ns a call here, a plain load
// about 1, and the flag only ever goes from 0 to 1 (a call that races with another thread's trap
// may enter the module once more, as it could have just before the store). The flag is set with
// Atomics.store. It lies below 64 KiB, so the view made when the boundary is built covers it for
// good: a shared memory's buffer is never detached, only superseded by a longer one when the memory
// grows, and views over the old one still see the same bytes.

import { LabClosedError, LabPoisonedError, describe } from "../errors.js";
import { parameterNames } from "../wasm/abi.js";
import type { Instance, RawExports } from "../wasm/module.js";

type Export = (...args: never[]) => unknown;
type Forward = (gate: Gate, f: Function) => Function;

/** What the gates of a closed boundary read instead of the shared flag: always set. */
const CLOSED_FLAG = new Int32Array([1]);

/** The lab's poisoned flag and what this boundary knows about how it was set. */
class Boundary {
  /** The u32 at labStateAddress(), for the hot path's plain load. */
  readonly flag: Int32Array;
  /** What the gates read: the shared flag, or CLOSED_FLAG once this Lab object is closed (one load either way). */
  gate: Int32Array;
  private readonly address: number;
  /** The call that trapped on this boundary, if one did. */
  private trapped: string | undefined;

  constructor(private readonly inner: RawExports, private readonly getString: (ptr: number) => string, private readonly memory: WebAssembly.Memory) {
    this.address = inner.labStateAddress() >>> 0;
    this.flag = new Int32Array(memory.buffer, this.address, 1);
    this.gate = this.flag;
  }

  /** From now on every call through this boundary throws LabClosedError, before entering the module. */
  close(): void {
    this.gate = CLOSED_FLAG;
  }

  /** The error for a call the gate refused: this Lab object closed, or the lab poisoned. */
  refused(name: string): LabPoisonedError | LabClosedError {
    if (this.gate === CLOSED_FLAG) return new LabClosedError(name, `${name}: this Lab object was closed (lab.close()); nothing was called. Attach another with Lab.attach(descriptor)`);
    return this.poisoned(name);
  }

  /** The error for a call made once the lab is poisoned. */
  poisoned(name: string): LabPoisonedError {
    const by = this.trapped ? `${this.trapped} trapped earlier on this Lab object` : "a call on another Lab object or thread over its memory trapped";
    return new LabPoisonedError(name, `${name}: the lab is poisoned (${by}); nothing was called`);
  }

  /** What the error thrown out of `name(...args)` means (see the top of this file). */
  fault(name: string, error: unknown, args: readonly unknown[]): unknown {
    if (!isTrap(error)) return error instanceof TypeError ? unconvertible(name, args, error) : error;
    const code = this.inner.abiError();
    if (code !== 0) return this.refusal(name, code, args, error);
    this.poison(name);
    const what = error instanceof Error ? error.message : String(error);
    return new LabPoisonedError(name, `${name} trapped (${what}): the lab is poisoned, every later call on it throws`, { cause: error });
  }

  private refusal(name: string, code: number, args: readonly unknown[], cause: unknown): RangeError {
    const value = this.inner.abiErrorValue();
    const what = this.getString(this.inner.abiErrorName(code));
    const params = parameterNames(name).filter((_, i) => sameValue(args[i], value));
    const argument = params.length ? params.join(" or ") : "an argument";
    return new RangeError(`${name}: ${argument} ${what} (got ${describe(value)})`, { cause });
  }

  private poison(name: string): void {
    this.trapped ??= name;
    Atomics.store(new Int32Array(this.memory.buffer, this.address, 1), 0, 1);
  }
}

/** One export behind the boundary: the hot path's check, and the error path. */
class Gate {
  constructor(private readonly boundary: Boundary, readonly name: string) {}

  enter(): void {
    if (this.boundary.gate[0] !== 0) throw this.boundary.refused(this.name);
  }

  fault(error: unknown, args: readonly unknown[]): unknown {
    return this.boundary.fault(this.name, error, args);
  }
}

// One forwarder per arity (the exports take at most five parameters).
const FORWARDERS: readonly Forward[] = [
  (g, f) => () => { g.enter(); try { return f(); } catch (e) { throw g.fault(e, []); } },
  (g, f) => (a: unknown) => { g.enter(); try { return f(a); } catch (e) { throw g.fault(e, [a]); } },
  (g, f) => (a: unknown, b: unknown) => { g.enter(); try { return f(a, b); } catch (e) { throw g.fault(e, [a, b]); } },
  (g, f) => (a: unknown, b: unknown, c: unknown) => { g.enter(); try { return f(a, b, c); } catch (e) { throw g.fault(e, [a, b, c]); } },
  (g, f) => (a: unknown, b: unknown, c: unknown, d: unknown) => { g.enter(); try { return f(a, b, c, d); } catch (e) { throw g.fault(e, [a, b, c, d]); } },
  (g, f) => (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown) => {
    g.enter();
    try { return f(a, b, c, d, e); } catch (x) { throw g.fault(x, [a, b, c, d, e]); }
  },
];

export interface GuardedExports {
  /** The exports behind the boundary. */
  raw: RawExports;
  /** Whether the lab is poisoned (by a trap on any thread), read without entering the module. */
  poisoned(): boolean;
  /** Closes the boundary: every later call throws LabClosedError (Lab.close). */
  close(): void;
}

/**
 * The instance's exports behind the boundary: every function forwarded through its gate, anything
 * else (the memory) as it is.
 */
export function guardExports(instance: Instance, memory: WebAssembly.Memory): GuardedExports {
  const inner = instance.raw;
  const boundary = new Boundary(inner, instance.getString, memory);
  const guarded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(inner)) {
    if (typeof value !== "function") {
      guarded[name] = value;
      continue;
    }
    const forward = FORWARDERS[value.length];
    if (!forward) throw new RangeError(`segstream: export ${name} takes ${value.length} parameters; the boundary forwards at most ${FORWARDERS.length - 1}`);
    guarded[name] = forward(new Gate(boundary, name), value as Export);
  }
  return { raw: guarded as unknown as RawExports, poisoned: () => boundary.flag[0] !== 0, close: () => boundary.close() };
}

/** Whether the error means the module stopped part way: a wasm trap, a loader abort, the stack exhausted. */
function isTrap(error: unknown): boolean {
  if (error instanceof WebAssembly.RuntimeError) return true;
  if (error instanceof RangeError) return true; // "Maximum call stack size exceeded": it may have been inside the module
  return error instanceof Error && error.message.startsWith("abort: "); // @assemblyscript/loader's abort
}

/** JavaScript refused to convert an argument (a BigInt or Symbol for a number) before the call. */
function unconvertible(name: string, args: readonly unknown[], cause: TypeError): TypeError {
  const params = parameterNames(name);
  const bad = args.findIndex((a) => typeof a === "bigint" || typeof a === "symbol");
  if (bad < 0) return cause;
  return new TypeError(`${name}: ${params[bad] ?? `argument ${bad + 1}`} must be a number, got ${describe(args[bad])}`, { cause });
}

/** Whether an argument is the value a refusal recorded (an address or enum as the export read it). */
function sameValue(arg: unknown, value: number): boolean {
  if (typeof arg === "boolean") return Number(arg) === value;
  return typeof arg === "number" && (Object.is(arg, value) || arg >>> 0 === value);
}
