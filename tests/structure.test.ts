// The host's module structure: no import circle in src/, counting type-only imports (a circle of
// types still ties the modules' meaning together), so any module can be read, and tested, with
// only what it imports.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// dist/tests/structure.test.js -> src/
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");
const IMPORT = /^(?:import|export)\s[^;]*?\sfrom\s+"(\.[^"]+)\.js"/gms;

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith(".ts")) out.push(path);
  }
  return out;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, "utf8");
    graph.set(file, [...text.matchAll(IMPORT)].map((m) => resolve(dirname(file), `${m[1]}.ts`)));
  }
  return graph;
}

/** Every circle found by a depth-first walk, as "a.ts -> b.ts -> a.ts". */
function circles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const found: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "open") found.push([...path.slice(path.indexOf(next)), next].map((f) => relative(SRC, f)).join(" -> "));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

test("src/ has no import circle, type-only imports included", () => {
  const graph = importGraph();
  assert.ok(graph.size > 50, `read ${graph.size} modules`);
  assert.ok([...graph.values()].some((deps) => deps.length > 3), "imports were parsed");
  assert.deepEqual(circles(graph), []);
});

test("the circle finder finds a circle (so the test above can fail)", () => {
  const a = join(SRC, "a.ts");
  const b = join(SRC, "b.ts");
  assert.deepEqual(circles(new Map([[a, [b]], [b, [a]]])), ["a.ts -> b.ts -> a.ts"]);
});
