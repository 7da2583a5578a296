// A V16's two words from JavaScript, and the typed-array views batches come in and go out as.
//
// A word is either a number, stored as its f64 bit pattern (any number round-trips exactly), or a
// BigInt, stored as the u64 it is (0 to 2^64 - 1: exact above 2^53, where numbers are not). Both
// words of a value are of one kind, so a value never mixes the two readings. A batch is a view of
// whole values: a Float64Array or a BigUint64Array of word pairs, or a Uint8Array of 16-byte
// values (the words little-endian, as wasm and every platform Node runs on lay them out).

import { describe } from "../errors.js";

export type WordView = Float64Array | BigUint64Array | Uint8Array;

const U64_MAX = (1n << 64n) - 1n;

/** Which export takes the pair: "number" (f64 bit patterns) or "bigint" (u64 words); throws naming the word at fault. */
export function wordKind(a: unknown, b: unknown): "number" | "bigint" {
  if (typeof a === "number" && typeof b === "number") return "number";
  if (typeof a === "bigint" && typeof b === "bigint") {
    requireU64("a", a);
    requireU64("b", b);
    return "bigint";
  }
  for (const [name, word] of [["a", a], ["b", b]] as const) {
    if (typeof word !== "number" && typeof word !== "bigint") throw new TypeError(`${name} must be a number or a bigint, got ${describe(word)}`);
  }
  const [odd, other] = typeof a === "bigint" ? ["a", "b"] : ["b", "a"];
  throw new TypeError(`${odd} must be a number like ${other} (a value's words are both numbers or both bigints), got ${describe(odd === "a" ? a : b)}`);
}

function requireU64(name: string, word: bigint): void {
  if (word < 0n || word > U64_MAX) throw new RangeError(`${name} must be a u64 word (0 to 2^64 - 1), got ${word}n`);
}

/** The i64 an export taking u64 words as i64s receives for `word`. */
export const asI64 = (word: bigint): bigint => BigInt.asIntN(64, word);

/** The bytes of a batch view, checked to hold whole 16-byte values; `name` is the argument's. */
export function valueBytes(name: string, view: unknown, valueBytes: number): Uint8Array {
  if (!(view instanceof Float64Array || view instanceof BigUint64Array || view instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Float64Array or BigUint64Array of word pairs, or a Uint8Array of ${valueBytes}-byte values, got ${describe(view)}`);
  }
  if (view.byteLength % valueBytes !== 0) {
    const what = view instanceof Uint8Array ? `a multiple of ${valueBytes} bytes` : "an even number of words (pairs)";
    throw new RangeError(`${name} must hold ${what}, got ${view instanceof Uint8Array ? `${view.length} bytes` : `${view.length} words`}`);
  }
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
