// Checking one field of a scenario written as data (JSON or a literal): each checker takes the
// field's path (`memory.limitBytes`) and the value as it came, and either returns it typed or throws
// a ScenarioError that names the path, what was expected and what was there. Nothing here looks
// inside a value it was not asked about, so any nesting or size of input costs no more than its schema.

/** A scenario field with a bad value. A RangeError, as the library's other bad arguments are. */
export class ScenarioError extends RangeError {
  override name = "ScenarioError";
  /** `field` is the path ("" for the scenario itself); `problem` what is wrong with it; `message` the whole line if not the usual one. */
  constructor(readonly field: string, readonly problem: string, message?: string) {
    super(message ?? (field ? `scenario field ${field}: ${problem}` : `scenario: ${problem}`));
  }
}

/** Keys that reach an object's prototype, refused wherever they appear. */
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const SHOWN_STRING = 40;

export function fail(field: string, problem: string): never {
  throw new ScenarioError(field, problem);
}

/** What a value is, for a message: short, one line, whatever its size or depth. */
export function describe(value: unknown): string {
  if (typeof value === "string") {
    const shown = value.length > SHOWN_STRING ? `${value.slice(0, SHOWN_STRING)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return String(value);
}

export function oneOf<T extends string>(field: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== "string" || !choices.includes(value as T)) fail(field, `must be one of ${choices.join(", ")}, got ${describe(value)}`);
  return value as T;
}

/** A whole number from `min` to `max` (both at most 2^53 - 1). */
export function wholeNumber(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    const inexact = Number.isInteger(value) && !Number.isSafeInteger(value) ? " (past 2^53, where whole numbers are no longer exact)" : "";
    fail(field, `must be a whole number from ${min} to ${max}, got ${describe(value)}${inexact}`);
  }
  return value;
}

/** A finite number from `min` to `max`. */
export function finiteNumber(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    fail(field, `must be a number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** A string of `minLength` to `maxLength` characters, on one line. */
export function text(field: string, value: unknown, minLength: number, maxLength: number): string {
  if (typeof value !== "string" || value.length < minLength || value.length > maxLength || /[\u0000-\u001f\u007f]/.test(value)) {
    fail(field, `must be a one-line string of ${minLength} to ${maxLength} characters, got ${describe(value)}`);
  }
  return value;
}

/** A plain object whose keys are all among `allowed` (a key outside them is an unknown field). */
export function fields(field: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(field, `must be a JSON object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    const at = field ? `${field}.${key}` : key;
    if (PROTOTYPE_KEYS.has(key)) fail(at, "is not allowed (a key that reaches the prototype)");
    if (!allowed.includes(key)) fail(at, `unknown field; expected ${allowed.join(", ")}`);
  }
  return value as Record<string, unknown>;
}

/** `object[key]` if it is its own and defined, else `fallback`. */
export function own(object: Record<string, unknown>, key: string, fallback: unknown): unknown {
  return Object.hasOwn(object, key) && object[key] !== undefined ? object[key] : fallback;
}
