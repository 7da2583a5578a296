// requireOptions lists own keys as Reflect.ownKeys would (string keys, then symbols), in two faster calls:
// these pin that it still refuses what ownKeys would have shown it, in the same order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { requireOptions } from "../src/errors.js";

const KEYS = ["a", "b"] as const;

test("requireOptions accepts known keys and undefined values", () => {
  const value = { a: 1, b: undefined };
  assert.equal(requireOptions("options", value, [...KEYS]), value);
});

test("requireOptions refuses a symbol key", () => {
  const value = { a: 1, [Symbol("s")]: 2 } as unknown as { a: number };
  assert.throws(() => requireOptions("options", value, ["a"]), { name: "RangeError", message: /unknown key Symbol\(s\)/ });
});

test("requireOptions refuses a non-enumerable unknown key", () => {
  const value = Object.defineProperty({ a: 1 }, "hidden", { value: 2, enumerable: false });
  assert.throws(() => requireOptions("options", value, ["a"]), { name: "RangeError", message: /unknown key "hidden"/ });
});

test("requireOptions names the first unknown string key before any symbol", () => {
  const value = { [Symbol("s")]: 1, z: 2 } as unknown as { a: number };
  assert.throws(() => requireOptions("options", value, ["a"]), { message: /unknown key "z"/ });
});

test("requireOptions refuses null values", () => {
  assert.throws(() => requireOptions("options", { a: null } as unknown as { a: number }, ["a"]), { name: "TypeError", message: /a must not be null/ });
});
