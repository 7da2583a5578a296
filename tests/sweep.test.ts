// `segstream sweep`: a small grid (2 limits x 2 variants, limits just above the 256 MiB table so
// the as-written runs fail within a few warm-up rounds, and short phases so explicit-drop completes
// quickly) gives, through the worker pool and through the CLI, the same outcomes as the single
// runs done by runScenario directly; --resume skips what its file holds; bad grid values are usage
// errors; keys are stable; the frontier page has a chart per variant with the seed marked.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScenario } from "../src/scenarios/run-scenario.js";
import { expandGrid, parseAxis, cellKey } from "../src/sweep/grid.js";
import { runPool } from "../src/sweep/pool.js";
import type { CellResult } from "../src/sweep/cell.js";
import { SEED_SCENARIO } from "../src/scenarios/seed.js";
import { cli } from "./cli-run.js";

const SHORT = ["--warm-up-ms", "200", "--measurement-ms", "200", "--sample-size", "10"];
const GRID = ["--limit", "270MiB,290MiB", "--variant", "as-written,explicit-drop", ...SHORT];
const BASE = { "warm-up-ms": 200, "measurement-ms": 200, "sample-size": 10 };

function cells() {
  return expandGrid(BASE, { limit: parseAxis("limit", "270MiB,290MiB"), variant: parseAxis("variant", "as-written,explicit-drop") });
}

/** Runs `body` with a fresh temporary directory, removed afterwards. */
async function inTmp(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "segstream-sweep-"));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a cell's result must agree on with the single run. */
function outcomeOf(r: Pick<CellResult, "outcome" | "instance" | "requestBytes" | "site" | "phase" | "round" | "instancesCreated">) {
  return { outcome: r.outcome, instance: r.instance, requestBytes: r.requestBytes, site: r.site, phase: r.phase, round: r.round, instancesCreated: r.instancesCreated };
}

test("the pool's results are the single runs' outcomes, cell by cell", async () => {
  const grid = cells();
  assert.equal(grid.length, 4);
  const seen: string[] = [];
  const results = await runPool(grid, 2, (r) => seen.push(r.key));
  assert.deepEqual([...seen].sort(), grid.map((c) => c.key).sort(), "every result is reported as it arrives");
  assert.deepEqual(results.map((r) => r.key), grid.map((c) => c.key), "results come back in grid order");
  results.forEach((r, i) => {
    const run = runScenario(grid[i].scenario);
    const f = run.failure;
    assert.deepEqual(outcomeOf(r), {
      outcome: run.outcome, instance: f ? f.instance : null, requestBytes: f ? f.record.bytes : null, site: f ? f.record.siteName : null,
      phase: f ? f.context.phase : null, round: f ? (f.context.phase === "warm-up" ? f.context.round : f.context.sample) : null,
      instancesCreated: run.instancesCreated,
    });
  });
  // The grid shows a frontier: as-written fails, later under the larger limit; explicit-drop completes.
  const [low, lowFix, high, highFix] = results;
  assert.equal(low.outcome, "allocation-failed");
  assert.equal(low.site, "OptimisedIndex.table");
  assert.ok(high.instance! > low.instance!, "a larger limit moves the failure later");
  assert.equal(lowFix.outcome, "completed");
  assert.equal(highFix.outcome, "completed");
});

test("keys are a stable hash of the scenario: field order does not matter, any field does", () => {
  const reordered = Object.fromEntries(Object.entries(SEED_SCENARIO).reverse()) as typeof SEED_SCENARIO;
  assert.equal(cellKey(reordered), cellKey(SEED_SCENARIO));
  assert.notEqual(cellKey({ ...SEED_SCENARIO, pageSlots: 32 }), cellKey(SEED_SCENARIO));
  assert.match(cellKey(SEED_SCENARIO), /^[0-9a-f]{16}$/);
});

test("sweep --out writes a line per cell; --resume skips them all, and reruns only a cut-off cell", () => inTmp(async (dir) => {
    const file = join(dir, "results.jsonl");
    const first = await cli("sweep", ...GRID, "--jobs", "2", "--out", file);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /4 cells: 4 run on 2 worker threads/);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    assert.equal(lines.length, 4);
    assert.deepEqual(lines.map((l) => JSON.parse(l).key).sort(), cells().map((c) => c.key).sort());

    const again = await cli("sweep", ...GRID, "--resume", file, "--json");
    assert.equal(again.code, 0, again.stderr);
    const json = JSON.parse(again.stdout);
    assert.equal(json.ran, 0);
    assert.equal(json.skipped, 4);
    const byKey = new Map(lines.map((l) => [JSON.parse(l).key, outcomeOf(JSON.parse(l))]));
    assert.deepEqual(json.cells.map(outcomeOf), json.cells.map((c: CellResult) => byKey.get(c.key)), "the file's results, in grid order");
    assert.equal(readFileSync(file, "utf8").trimEnd().split("\n").length, 4, "nothing appended");

    // A kill mid-write leaves a cut-off last line: resume ignores it and runs that cell again.
    writeFileSync(file, `${lines.slice(0, 3).join("\n")}\n${lines[3].slice(0, 40)}`);
    const resumed = await cli("sweep", ...GRID, "--resume", file, "--json");
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).ran, 1);
    const after = readFileSync(file, "utf8").trimEnd().split("\n");
    assert.equal(after.length, 4);
    assert.equal(JSON.parse(after[3]).key, JSON.parse(lines[3]).key);

    const refused = await cli("sweep", ...GRID, "--out", file);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /exists; continue it with --resume/);
}));

test("bad grid values are usage errors naming the flag, and nothing runs", () => inTmp(async (dir) => {
    const gridFile = join(dir, "grid.json");
    writeFileSync(gridFile, JSON.stringify({ limit: ["300MiB"], pages: [1] }));
    const cases: [string[], RegExp][] = [
      [["--limit", "300MB,400MiB"], /--limit: unit MB is not accepted/],
      [["--limit", "300MiB,,400MiB"], /--limit has an empty value/],
      [["--limit", "300MiB,300MiB"], /--limit lists "300MiB" twice/],
      [["--variant", "as-written,nope"], /--variant must be one of/],
      [["--page-slots", "64,48"], /pageSlots: must be a power of two.*--page-slots/],
      [["--batch-size", "NumBatches:0"], /batchSize/],
      [["--jobs", "0"], /--jobs must be at least 1/],
      [["--grid", gridFile], /unknown axis "pages"/],
      [["--out", join(dir, "a"), "--resume", join(dir, "b")], /not both/],
    ];
    for (const [args, message] of cases) {
      const r = await cli("sweep", ...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(" "));
      assert.equal(r.stdout, "");
    }
}));

test("a grid file gives the same cells as the flags", () => inTmp(async (dir) => {
    const gridFile = join(dir, "grid.json");
    writeFileSync(gridFile, JSON.stringify({ limit: ["270MiB", 290 * 1024 * 1024], variant: ["as-written", "explicit-drop"] }));
    const r = await cli("sweep", "--grid", gridFile, ...SHORT, "--json");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).cells.map((c: CellResult) => c.key), cells().map((c) => c.key));
}));

test("--report draws a frontier chart per variant, a dot per cell and the seed's observation", () => inTmp(async (dir) => {
    const r = await cli("sweep", ...GRID, "--report", join(dir, "out"));
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(join(dir, "out", "index.html"), "utf8");
    assert.equal(html.match(/<svg /g)?.length, 2);
    assert.match(html, /data-variant="as-written"/);
    assert.match(html, /data-variant="explicit-drop"/);
    assert.equal(html.match(/class="cell allocation-failed"/g)?.length, 2);
    assert.equal(html.match(/class="cell completed"/g)?.length, 2);
    assert.equal(html.match(/class="seed"/g)?.length, 2);
    assert.match(html, /seed: ~522,000 at 800 MiB/);
    for (const key of cells().map((c) => c.key)) assert.match(html, new RegExp(`data-key="${key}"`));
    assert.equal(JSON.parse(readFileSync(join(dir, "out", "results.json"), "utf8")).length, 4);
}));
