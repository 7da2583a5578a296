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

/** A handle was used after it was dropped. */
export class UseAfterDropError extends Error {
  override name = "UseAfterDropError";
}

export function requireInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!Number.isInteger(value)) throw new RangeError(`${name} must be a whole number, got ${value}`);
  if (value < min || value > max) throw new RangeError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function requirePowerOfTwo(name: string, value: unknown, min: number, max: number): number {
  const n = requireInteger(name, value, min, max);
  if ((n & (n - 1)) !== 0) throw new RangeError(`${name} must be a power of two, got ${n}`);
  return n;
}
