// Every bad argument leaves a clean error (issue 7). For every callable src/index.ts exports, every
// parameter and every option is tried with NaN, ±Infinity, -0, 0.5, 2^31, 2^32, 2^53, 10n, "12", "",
// true, null, undefined, {}, [], a Symbol and a function (the values its kind accepts left out), and
// every options parameter with an unknown key: each call must throw a TypeError (wrong type, or
// missing) or RangeError (wrong value) whose message names the argument, within a deadline, and
// afterwards lab.check() must pass and the lab must still work. The raw exports' addresses, enums
// and sizes must be refused by the module (a RangeError through the boundary, memory/poison.ts).
//
// The rows run in a worker thread with a deadline each (row-runner.ts), so a call that hangs fails
// its row. This file also runs against the debug build (heap and epoch checked after every call).

import { test } from "node:test";
import assert from "node:assert/strict";
import { createMemory } from "../../src/index.js";
import { instantiate, wasmModule } from "../../src/wasm/module.js";
import { RAW_EXPORTS } from "../../src/wasm/abi.js";
import { API, publicCallables } from "./api-spec.js";
import { allRows } from "./bad-input-table.js";
import { RAW_AWAITING_WASM } from "./raw-todo.js";
import type { Row } from "./bad-input-rows.js";
import { runRows } from "./row-runner.js";

const TYPED_DEADLINE_MS = 10_000;
/** Isolated rows take a few ms; one that does not answer in this time is stuck (on a lock it corrupted). */
const ISOLATED_DEADLINE_MS = 2_000;
/** Isolated rows run this many at once (a stuck one mostly waits on a lock, using no CPU). */
const ISOLATED_WORKERS = 4;

const rows = allRows();
const typed = rows.filter((r) => !r.group.startsWith("raw "));
const raw = rows.filter((r) => r.group.startsWith("raw "));

test("the table covers every public callable, and knows no callable the API does not have", () => {
  const callables = publicCallables();
  const names = callables.map((c) => c.name);
  assert.deepEqual(names.filter((n) => !(n in API)), [], "callables without a parameter spec in api-spec.ts");
  assert.deepEqual(Object.keys(API).filter((n) => !names.includes(n)), [], "specs of callables the API does not export");
  // A constructor's later parameters are internal (only its token, the first, is public).
  for (const c of callables.filter((x) => !x.name.startsWith("new "))) {
    const declared = c.target.length;
    assert.ok(API[c.name].length >= declared, `${c.name} declares ${declared} parameters, the spec has ${API[c.name].length}`);
  }
  assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, "row ids are unique");
  const ids = new Set(rows.map((r) => r.id));
  assert.deepEqual(RAW_AWAITING_WASM.filter((id) => !ids.has(id)), [], "raw-todo.ts names rows the table does not have");
});

test("the boundary knows every raw export's parameters (src/wasm/abi.ts against the built module)", () => {
  const exports = instantiate(createMemory(), wasmModule()).raw as unknown as Record<string, unknown>;
  const functions = Object.keys(exports).filter((k) => typeof exports[k] === "function");
  assert.deepEqual(functions.filter((k) => !(k in RAW_EXPORTS)), [], "exports src/wasm/abi.ts does not describe");
  for (const [name, info] of Object.entries(RAW_EXPORTS)) {
    assert.equal(info.params.length, (exports[name] as Function)?.length, `${name}: parameter names against its arity`);
  }
});

/** Fails with every failing row of `group`, each with what went wrong. */
function report(group: readonly Row[], results: Map<string, { ok: boolean; detail: string }>): void {
  const failures = group.filter((r) => !results.get(r.id)?.ok).map((r) => `${r.id}: ${results.get(r.id)?.detail ?? "not run"}`);
  assert.deepEqual(failures, [], `${failures.length} of ${group.length} rows failed`);
}

test("bad input to the typed API: TypeError/RangeError naming the argument; the lab checked and usable after", async (t) => {
  const todo = rows.filter((r) => r.todo);
  t.diagnostic(`bad-input cases: ${rows.length} (${typed.length} typed API and regression rows, ${raw.length} raw-export rows), ${todo.length} marked todo`);
  const results = await runRows(typed.filter((r) => !r.todo).map((r) => r.id), TYPED_DEADLINE_MS);
  const groups = new Map<string, Row[]>();
  for (const row of typed.filter((r) => !r.todo)) groups.set(row.group, [...(groups.get(row.group) ?? []), row]);
  for (const [group, members] of groups) await t.test(`${group}: ${members.length} rows`, () => report(members, results));
  const pending = await runRows(typed.filter((r) => r.todo).map((r) => r.id), ISOLATED_DEADLINE_MS);
  for (const row of typed.filter((r) => r.todo)) await t.test(row.id, { todo: row.todo }, () => report([row], pending));
});

test("raw exports refuse bad addresses, enums and sizes: a RangeError naming export and argument; the lab checked and usable after", async (t) => {
  const results = await runRows(raw.map((r) => r.id), ISOLATED_DEADLINE_MS, ISOLATED_WORKERS);
  const switchOn = raw.filter((r) => r.todo && results.get(r.id)?.ok);
  t.diagnostic(`${raw.length} raw rows, ${raw.filter((r) => r.todo).length} todo; ${switchOn.length} of those pass now` +
    (switchOn.length ? ` (delete from raw-todo.ts: ${switchOn.map((r) => r.id).join("; ")})` : ""));
  for (const row of raw) await t.test(row.id, { todo: row.todo }, () => report([row], results));
});
