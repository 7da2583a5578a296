// RawExports (src/wasm/raw-exports.ts) and the ABI table (src/wasm/abi.ts) against the module's own
// declarations: asc writes build/segstream.d.ts (asconfig.json "bindings": "raw") from
// assembly/index.ts, so every export's name, parameter names and void-ness are checked here
// against what the compiler saw, not against a copy. (Pointers, bools and strings cross the raw
// ABI as numbers, so a raw parameter or result is always `number` unless the export returns void.)

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { RAW_EXPORTS } from "../src/wasm/abi.js";

// dist/tests/raw-exports.test.js -> the repository root
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Signature {
  params: string[];
  returnsVoid: boolean;
}

function signatures(text: string, line: RegExp): Map<string, Signature> {
  const found = new Map<string, Signature>();
  for (const m of text.matchAll(line)) {
    const params = m[2].trim() ? m[2].split(",").map((p) => p.trim().split(":")[0].trim()) : [];
    found.set(m[1], { params, returnsVoid: m[3] === "void" });
  }
  return found;
}

const declared = () => signatures(readFileSync(`${ROOT}build/segstream.d.ts`, "utf8"), /^\s*export function (\w+)\(([^)]*)\): (\w+);$/gm);
/** The members of `interface RawExports { ... }` in src/wasm/raw-exports.ts. */
function typed(): Map<string, Signature> {
  const text = readFileSync(`${ROOT}src/wasm/raw-exports.ts`, "utf8");
  const body = /export interface RawExports \{\n([\s\S]*?)\n\}/.exec(text);
  assert.ok(body, "src/wasm/raw-exports.ts declares interface RawExports");
  return signatures(body[1], /^\s{2}(\w+)\(([^)]*)\): (\w+);$/gm);
}

test("RawExports declares exactly the module's exports, with their parameter names and results", () => {
  const module = declared();
  const host = typed();
  assert.ok(module.size > 60, `${module.size} exports declared`);
  assert.deepEqual([...host.keys()].sort(), [...module.keys()].sort(), "the same exports");
  for (const [name, signature] of module) assert.deepEqual(host.get(name), signature, name);
});

test("the ABI table names each export's parameters as assembly/index.ts does", () => {
  const module = declared();
  assert.deepEqual(Object.keys(RAW_EXPORTS).sort(), [...module.keys()].sort());
  for (const [name, info] of Object.entries(RAW_EXPORTS)) assert.deepEqual([...info.params], module.get(name)?.params, name);
});

test("the signature reader reads both forms (so the checks above can fail)", () => {
  assert.deepEqual(signatures("  export function f(a: number, b: boolean): void;\n", /^\s*export function (\w+)\(([^)]*)\): (\w+);$/gm).get("f"), { params: ["a", "b"], returnsVoid: true });
  assert.deepEqual(signatures("  g(): number;\n", /^\s{2}(\w+)\(([^)]*)\): (\w+);$/gm).get("g"), { params: [], returnsVoid: false });
});

test("the host's enums are the module's, value for value (abi/names.ts)", async () => {
  const { instantiate, createMemory } = await import("../src/wasm/module.js");
  const { STREAM_VARIANTS } = await import("../src/stream/variants.js");
  const { INDEXERS, TABLE_KINDS } = await import("../src/index/optimised-index.js");
  const { GROWTH_POLICIES, FOOTPRINT_MODELS, FAILURE_REASONS, BAD_FREE_KINDS } = await import("../src/memory/ledger.js");
  const { CROSSBEAM_VERSIONS } = await import("../src/epoch/crossbeam.js");
  const { raw, getString } = instantiate(createMemory());
  const names = (e: number) => Array.from({ length: raw.enumCount(e) }, (_, v) => getString(raw.enumName(e, v)));
  assert.deepEqual(names(0), [...STREAM_VARIANTS], "stream variants");
  assert.deepEqual(names(1), [...INDEXERS], "indexers");
  assert.deepEqual(names(2), [...TABLE_KINDS], "index table kinds");
  assert.deepEqual(names(3), [...GROWTH_POLICIES], "growth policies");
  assert.deepEqual(names(4), [...FOOTPRINT_MODELS], "footprint models");
  assert.deepEqual(names(5), ["none", ...FAILURE_REASONS], "failure reasons (from 1)");
  assert.deepEqual(names(6), ["none", ...BAD_FREE_KINDS], "bad-free kinds (from 1)");
  assert.deepEqual(names(7), [...CROSSBEAM_VERSIONS], "crossbeam versions");
  assert.equal(raw.enumCount(99), 0, "no such enum");
  assert.equal(getString(raw.enumName(0, 99)), "", "past the end");
});

test("the host's layouts are the module's: every name it reads is described, offsets within their structure", async () => {
  const { layoutNames, SITE_RECORD, LEDGER, FAILURE_ENTRY, HEAP_ROOT, CHECK_REPORT, RESERVED_BYTES } = await import("../src/memory/layout.js");
  const names = layoutNames();
  assert.equal(new Set(names).size, names.length, "each name once");
  assert.ok(names.includes("SiteRecord.liveBytes") && names.includes("HeapRoot.glibcPeak"), names.join(", "));
  assert.equal(RESERVED_BYTES, 65536, "the reserved region ends at memoryBase (asconfig.json)");
  for (const o of [SITE_RECORD, LEDGER, FAILURE_ENTRY, HEAP_ROOT, CHECK_REPORT]) for (const v of Object.values(o)) assert.ok(Number.isInteger(v) && v < RESERVED_BYTES);
});
