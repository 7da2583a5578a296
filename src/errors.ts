// Errors the host raises. Bad arguments are the built-in RangeError and TypeError (with a message
// that names the argument and what was wrong); what the model itself refuses has its own class.

import type { FailureRecord } from "./memory/ledger.js";

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

/**
 * A call trapped inside the module (or the lab was poisoned by an earlier trap, on any thread): the
 * lab's memory may be inconsistent, and every later call on it throws this instead of going on.
 */
export class LabPoisonedError extends Error {
  override name = "LabPoisonedError";
  constructor(readonly call: string, cause: unknown, why: string) {
    super(`${call}: ${why}`, cause === undefined ? undefined : { cause });
  }
}

/** A handle was used after it was dropped. */
export class UseAfterDropError extends Error {
  override name = "UseAfterDropError";
}

/** What a value is, for a message: its type, or null / an array where typeof would mislead. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/** A number (any: a value word is an f64 bit pattern); anything else, strings and BigInts included, is a TypeError. */
export function requireNumber(name: string, value: unknown): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, got ${kindOf(value)}`);
  return value;
}

/** A whole number from min to max; -0 is refused (it is no count, index or address). */
export function requireInteger(name: string, value: unknown, min: number, max: number): number {
  requireNumber(name, value);
  const n = value as number;
  if (!Number.isInteger(n)) throw new RangeError(`${name} must be a whole number, got ${n}`);
  if (Object.is(n, -0)) throw new RangeError(`${name} must not be -0`);
  if (n < min || n > max) throw new RangeError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function requireBoolean(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${name} must be true or false, got ${kindOf(value)}`);
  return value;
}

/**
 * An options argument: absent (undefined: no options), or a plain object whose keys are all among
 * `keys`. Anything else (a number, a string, a function, an array, null) is a TypeError; an
 * unknown key (a misspelt option) is a RangeError naming it and the accepted ones.
 */
export function requireOptions<T extends object>(name: string, value: unknown, keys: readonly string[]): Partial<T> {
  if (value === undefined) return {};
  const proto = typeof value === "object" && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value) || (proto !== Object.prototype && proto !== null)) {
    throw new TypeError(`${name} must be an options object, got ${kindOf(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new RangeError(`${name} has an unknown option ${JSON.stringify(key)}; options: ${keys.join(", ")}`);
  }
  return value as Partial<T>;
}

/**
 * The key handle constructors check, so that no handle can be made over an arbitrary address from
 * outside the library (`new Participant(lab, NaN)`): handles come from the lab's own factories.
 */
export const HANDLE_KEY: unique symbol = Symbol("segstream handle");

export function requireHandleKey(key: unknown, what: string, factory: string): void {
  if (key !== HANDLE_KEY) throw new TypeError(`${what} handles are made by ${factory}, not with new`);
}

export function requirePowerOfTwo(name: string, value: unknown, min: number, max: number): number {
  const n = requireInteger(name, value, min, max);
  if ((n & (n - 1)) !== 0) throw new RangeError(`${name} must be a power of two, got ${n}`);
  return n;
}
