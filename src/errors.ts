// Errors the host raises, and the argument checks every public entry point makes. Bad arguments are
// the built-in TypeError (a value of the wrong type, a missing one) and RangeError (the right type,
// a value out of range), with a message "<argument> must be ..., got ..."; what the model itself
// refuses, and a lab a trap left in an unknown state, have classes of their own.

import type { FailureRecord } from "./memory/failure.js";

/** The model's allocator refused a request: the native program would have aborted here. */
export class AllocationFailedError extends Error {
  override name = "AllocationFailedError";
  constructor(readonly what: string, readonly failure: FailureRecord | undefined) {
    super(`${what}: allocation refused${failure ? ` (${failure.bytes} bytes for ${failure.siteName}, ${failure.reason})` : ""}`);
  }
}

/** The invariant checker (lab.check) found the lab's memory inconsistent. */
export class InvariantError extends Error {
  override name = "InvariantError";
  constructor(readonly check: string, readonly address: number, readonly expected: number, readonly actual: number, what: string) {
    super(`${what}: ${check} broken at ${address} (expected ${expected}, found ${actual})`);
  }
}

/** A handle was used after it was dropped. */
export class UseAfterDropError extends Error {
  override name = "UseAfterDropError";
}

/**
 * A call into the wasm module trapped (a fault, not a refused argument), so the lab's shared memory
 * may be half changed: a lock held, a list half linked. The lab is poisoned: every later call on
 * any Lab object over its memory, on any thread, throws this error without entering the module.
 */
export class LabPoisonedError extends Error {
  override name = "LabPoisonedError";
  constructor(readonly call: string, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A call through a Lab object after its close(): nothing was called (the memory and other labs over it go on). */
export class LabClosedError extends Error {
  override name = "LabClosedError";
  constructor(readonly call: string, message: string) {
    super(message);
  }
}

/** A value as a message shows it after "got": `the string "12"`, `10n`, `-0`, `an array`, `null`. */
export function describe(value: unknown): string {
  switch (typeof value) {
    case "number": return Object.is(value, -0) ? "-0" : String(value);
    case "string": return `the string ${JSON.stringify(value)}`;
    case "bigint": return `the bigint ${value}n`;
    case "symbol": return `a symbol (${String(value)})`;
    case "function": return "a function";
    case "undefined": return "undefined";
    case "boolean": return String(value);
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const kind = Object.getPrototypeOf(value)?.constructor?.name;
  return kind && kind !== "Object" ? `a ${kind}` : "an object";
}

/** Any number (an f64 word's value): NaN, infinities and -0 included; nothing else. */
export function requireNumber(name: string, value: unknown): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  return value;
}

/** A whole number from `min` to `max`; -0 is refused (it is no index, size or address). */
export function requireInteger(name: string, value: unknown, min: number, max: number): number {
  const n = requireNumber(name, value);
  if (!Number.isInteger(n) || Object.is(n, -0)) throw new RangeError(`${name} must be a whole number, got ${describe(n)}`);
  if (n < min || n > max) throw new RangeError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function requirePowerOfTwo(name: string, value: unknown, min: number, max: number): number {
  const n = requireInteger(name, value, min, max);
  if ((n & (n - 1)) !== 0) throw new RangeError(`${name} must be a power of two, got ${n}`);
  return n;
}

export function requireBoolean(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** One of `choices` (strings), by name. */
export function requireChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string, one of ${choices.join(", ")}; got ${describe(value)}`);
  if (!(choices as readonly string[]).includes(value)) throw new RangeError(`${name} must be one of ${choices.join(", ")}, got ${JSON.stringify(value)}`);
  return value as T;
}

/**
 * An options argument: a plain object (or, unless `required`, undefined: no options) whose keys are
 * all among `keys`, none of them null. Its values are otherwise each option's own business.
 */
export function requireOptions<T extends object>(name: string, value: T | undefined, keys: readonly (keyof T & string)[], required = false): Partial<T> {
  if (value === undefined && !required) return {};
  const prototype = typeof value === "object" && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (prototype !== Object.prototype && prototype !== null) throw new TypeError(`${name} must be a plain object, got ${describe(value)}`);
  // Reflect.ownKeys's order (string keys, then symbols) in two calls: V8 answers it ~10x slower than
  // getOwnPropertyNames, and every instance reproduce builds passes through here twice.
  for (const key of Object.getOwnPropertyNames(value)) {
    if (!(keys as readonly string[]).includes(key)) throw new RangeError(`${name} has an unknown key ${JSON.stringify(key)}; accepted: ${keys.join(", ")}`);
    // undefined stands for "not given" (the default); null would silently mean the same: refused.
    if ((value as Record<string, unknown>)[key] === null) throw new TypeError(`${key} must not be null (leave it out for its default)`);
  }
  const symbols = Object.getOwnPropertySymbols(value);
  if (symbols.length > 0) throw new RangeError(`${name} has an unknown key ${String(symbols[0])}; accepted: ${keys.join(", ")}`);
  return value as T;
}

/** A shared WebAssembly.Memory (what the module imports). */
export function requireSharedMemory(name: string, value: unknown): WebAssembly.Memory {
  const memory = requireInstance(name, value, WebAssembly.Memory, "a WebAssembly.Memory");
  if (!(memory.buffer instanceof SharedArrayBuffer)) throw new TypeError(`${name} must be a shared WebAssembly.Memory, got an unshared one`);
  return memory;
}

/** An instance of `type` (a Lab, a WebAssembly.Memory, ...). */
export function requireInstance<T>(name: string, value: unknown, type: Function & { prototype: T }, what = `a ${type.name}`): T {
  if (!(value instanceof type)) throw new TypeError(`${name} must be ${what}, got ${describe(value)}`);
  return value as T;
}
