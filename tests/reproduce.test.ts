// `segstream reproduce`: the seed scenario fails exactly as the seed did, and the figures are the
// model's own arithmetic, not planted numbers.
//
// Every expected figure is derived here from documented rules, never copied from a run:
//   - layouts on x86-64 (../shared/reference/rust-original.md, restated in rust-reference.ts):
//     ArcInner<Page<V16>> = 16 + 40 bytes, the slot array = pageSlots x 16 bytes, the
//     Vec<Arc<Page>> buffer's first capacity is 4 x 8;
//   - the table (src/index/optimised-index.ts): next power of two of capacity x 8/7 slots, 16 bytes each;
//   - glibc malloc on x86-64 (rust-reference.ts glibcChunk; the model's is assembly/memory/footprint.ts):
//     chunk = request + 8 rounded up to 16, at least 32; from 128 KiB the chunk + 8 is mapped in
//     whole 4 KiB pages;
//   - Criterion's warm-up (../shared/reference/criterion.md): rounds of 1, 2, 4, ... iterations until
//     the summed time is strictly greater than the warm-up time.
// The failing instance n is then the first whose table no longer fits: with (n - 1) dropped
// instances each keeping `perInstance` bytes of footprint and the instance being built holding
// `inFlight`, the request fails when (n - 1) x perInstance + inFlight + mapped(table) > limit.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScenario, type ScenarioRun } from "../src/scenarios/run-scenario.js";
import { applyScenario, type ScenarioInput } from "../src/scenarios/scenario.js";
import { SEED_SCENARIO, SEED_INSTANCES } from "../src/scenarios/seed.js";
import { explain, type LimitExplanation } from "../src/scenarios/explain.js";
import { reproduceJson } from "../src/report/reproduce-json.js";
import { cli } from "./cli-run.js";
import { V16, ARC_PAGE, VEC_FIRST, SITE, glibcChunk, slotArray } from "./rust-reference.js";

const MIB = 1024 * 1024;
const SEED_PAGE_SLOTS = 64; // "pages of 64 slots of 16-byte values"
const SEED_LIMIT = 800 * MIB;

/** Bytes of the table sized for `capacity` keys: next power of two of capacity x 8/7 slots of 16 bytes. */
function tableBytes(capacity: number): number {
  let slots = 1;
  while (slots < (capacity * 8) / 7) slots *= 2;
  return slots * 16;
}

interface Footprint {
  /** Requested bytes one dropped as-written instance keeps: its active page (ArcInner + slot array). */
  retained: number;
  /** glibc footprint of the same. */
  perInstance: number;
  /** glibc footprint of the instance being built when its table is requested: its stream. */
  inFlight: number;
}

function asWrittenFootprint(pageSlots: number): Footprint {
  const slots = slotArray(pageSlots);
  return {
    retained: ARC_PAGE + slots,
    perInstance: glibcChunk(ARC_PAGE) + glibcChunk(slots),
    inFlight: glibcChunk(ARC_PAGE) + glibcChunk(slots) + glibcChunk(VEC_FIRST),
  };
}

/** The first instance whose table request cannot fit under `limit`. */
function predictedInstance(limit: number, table: number, f: Footprint): number {
  return Math.floor((limit - glibcChunk(table) - f.inFlight) / f.perInstance) + 2;
}

const count = (n: number) => n.toLocaleString("en-US");

function run(input: ScenarioInput): ScenarioRun {
  return runScenario(applyScenario(SEED_SCENARIO, input));
}

/** The JSON the CLI would print for a library run, without the wall time. */
function comparable(json: object): Record<string, unknown> {
  const { elapsedMs: _elapsed, ...rest } = JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
  return rest;
}

test("reproduce --json: the seed's failure, every figure derived", async () => {
  const r = await cli("reproduce", "--json");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const j = JSON.parse(r.stdout);

  const table = tableBytes(SEED_SCENARIO.indexCapacity);
  assert.equal(table, 256 * MIB);
  const f = asWrittenFootprint(SEED_PAGE_SLOTS);
  assert.equal(f.perInstance, 64 + 1040, "glibc: 56 -> 64, 1,024 -> 1,040");
  const n = predictedInstance(SEED_LIMIT, table, f);

  assert.equal(j.outcome, "allocation-failed");
  assert.equal(j.variant, "as-written");
  assert.deepEqual(j.failedRequest, { bytes: table, site: SITE.table, reason: "limit" });
  assert.equal(j.limitBytes, SEED_LIMIT);
  assert.equal(j.instance, n);
  assert.ok(Math.abs(j.instance - SEED_INSTANCES) <= 0.05 * SEED_INSTANCES, `instance ${j.instance} within 5% of ${SEED_INSTANCES}`);
  assert.equal(j.instancesCreated, n - 1, "every setup before the failing one returned");

  // Warm-up at 5.75 µs per iteration for 3 s: the first round whose cumulative 2^r - 1 iterations
  // take more than 3 s is the last; the failing instance lies in round floor(log2(n)) + 1.
  const iterationNs = SEED_SCENARIO.cost.iterationNs!;
  let rounds = 1;
  while ((2 ** rounds - 1) * iterationNs <= SEED_SCENARIO.warmUpMs * 1e6) rounds++;
  assert.equal(rounds, 19);
  assert.equal(j.phase, "warm-up");
  assert.equal(j.round, Math.floor(Math.log2(n)) + 1);
  assert.equal(j.round, 19);
  assert.ok(n <= 2 ** rounds - 1, "inside the warm-up");
  assert.equal(j.iterationInRound, n - (2 ** (j.round - 1) - 1), "iterations of earlier rounds + this one's = the instance");

  // Live at the failure: n - 1 dropped instances' pages plus the failing instance's stream.
  const live = j.liveBytesBySite as Record<string, number>;
  assert.equal(live[SITE.arc], (n - 1) * ARC_PAGE + ARC_PAGE);
  assert.equal(live[SITE.slots], (n - 1) * SEED_PAGE_SLOTS * V16 + SEED_PAGE_SLOTS * V16);
  assert.equal(live[SITE.vec], VEC_FIRST, "only the instance being built has its Vec buffer");
  assert.equal(live[SITE.table], undefined, "no table is live: each was freed with its index");
  assert.equal(j.retainedBytesPerInstance, f.retained);
  assert.equal(j.tableBytes, table);
  assert.equal(j.largestRequest, table);
  assert.equal(j.invalidFrees, 0);

  const x = j.explanation;
  assert.equal(x.requestFootprintBytes, glibcChunk(table));
  assert.equal(x.requestFootprintBytes, 268_439_552);
  assert.equal(x.roomBytes, SEED_LIMIT - glibcChunk(table));
  assert.equal(x.perInstanceFootprintBytes, f.perInstance);
  assert.equal(x.inFlightBytes, f.inFlight);
  assert.equal(x.footprintAtFailureBytes, (n - 1) * f.perInstance + f.inFlight);
  assert.ok(x.footprintAtFailureBytes > x.roomBytes, "the table no longer fits");
  assert.ok((n - 2) * f.perInstance + f.inFlight <= x.roomBytes, "one instance earlier it did");
  assert.equal(x.predictedInstance, n);
});

test("reproduce (text): prints where it failed and the arithmetic behind it", async () => {
  const r = await cli("reproduce");
  assert.equal(r.code, 0, r.stderr);
  const table = tableBytes(SEED_SCENARIO.indexCapacity);
  const f = asWrittenFootprint(SEED_PAGE_SLOTS);
  const n = predictedInstance(SEED_LIMIT, table, f);
  const mapped = glibcChunk(table);
  const room = SEED_LIMIT - mapped;
  const expected = [
    "ALLOCATION FAILED",
    `${count(table)} B) for ${SITE.table}`,
    `instance   ${count(n)}`,
    "warm-up round 19",
    "Criterion warm-up",
    `${count(SEED_LIMIT)} − ${count(mapped)} = ${count(room)} B`,
    `each dropped instance keeps      ${count(f.perInstance)} B of footprint (${count(f.retained)} B requested)`,
    `the instance being built holds   ${count(f.inFlight)} B`,
    `${count(n - 1)} × ${count(f.perInstance)} + ${count(f.inFlight)} = ${count((n - 1) * f.perInstance + f.inFlight)} B > ${count(room)} B`,
    `first instance that cannot fit   ${count(n)}`,
  ];
  for (const text of expected) assert.ok(r.stdout.includes(text), `output contains ${JSON.stringify(text)}\n${r.stdout}`);
  const live = r.stdout.split("live at the failure")[1].split("\n\n")[0].split("\n").slice(2);
  const marked = live.map((line) => line.includes("[model]"));
  assert.ok(marked.includes(true) && marked.indexOf(true) === marked.length - marked.filter(Boolean).length, `Rust sites first, model-only ones marked after them:\n${live.join("\n")}`);
  assert.ok(live.some((line) => line.startsWith("host buffer [model]")), "the host buffer is marked model-only");
});

// The metamorphic checks run under a 300 MiB limit so the failure comes after ~42,000 instances.
const SMALL_LIMIT = 300 * MIB;

test("raising the limit by X moves the failure later by exactly X / 1,104 instances", () => {
  const f = asWrittenFootprint(SEED_PAGE_SLOTS);
  const X = f.perInstance * 1000;
  const a = run({ memory: { limitBytes: SMALL_LIMIT } });
  const b = run({ memory: { limitBytes: SMALL_LIMIT + X } });
  const table = tableBytes(SEED_SCENARIO.indexCapacity);
  assert.equal(a.failure?.instance, predictedInstance(SMALL_LIMIT, table, f));
  assert.equal(b.failure!.instance - a.failure!.instance, X / f.perInstance);
  for (const r of [a, b]) {
    assert.equal(r.failure!.record.bytes, table);
    assert.equal(r.failure!.record.siteName, SITE.table);
    assert.equal(r.failure!.context.phase, "warm-up");
  }
});

test("halving the table (capacity 5,000,000) moves the failing request to 128 MiB, later by the mapped difference / 1,104", () => {
  const f = asWrittenFootprint(SEED_PAGE_SLOTS);
  const full = tableBytes(SEED_SCENARIO.indexCapacity);
  const half = tableBytes(5_000_000);
  assert.equal(half, full / 2);
  assert.equal(glibcChunk(full) - glibcChunk(half), 268_439_552 - 134_221_824);
  const a = run({ memory: { limitBytes: SMALL_LIMIT } });
  const b = run({ indexCapacity: 5_000_000, memory: { limitBytes: SMALL_LIMIT } });
  assert.equal(b.failure?.record.bytes, half);
  assert.equal(b.failure?.record.siteName, SITE.table);
  assert.equal(b.tableBytes, half);
  assert.equal(b.failure!.instance, predictedInstance(SMALL_LIMIT, half, f));
  // The shift is the freed room in whole instances: floor or ceil of the difference / 1,104,
  // depending on where the remainders fall.
  const shift = b.failure!.instance - a.failure!.instance;
  const exact = (glibcChunk(full) - glibcChunk(half)) / f.perInstance;
  assert.ok(shift === Math.floor(exact) || shift === Math.ceil(exact), `shift ${shift} ~ ${exact}`);
  assert.equal(b.retainedBytesPerInstance, a.retainedBytesPerInstance, "the table is never retained");
});

test("128-slot pages: each dropped instance keeps 56 + 2,048 requested, 64 + 2,064 in glibc's chunks", () => {
  const f = asWrittenFootprint(128);
  assert.equal(f.retained, 56 + 2048);
  assert.equal(f.perInstance, 64 + 2064);
  const r = run({ pageSlots: 128, memory: { limitBytes: SMALL_LIMIT } });
  const table = tableBytes(SEED_SCENARIO.indexCapacity);
  assert.equal(r.retainedBytesPerInstance, f.retained);
  const n = predictedInstance(SMALL_LIMIT, table, f);
  assert.equal(r.failure?.instance, n);
  assert.equal(r.failure?.record.bytes, table);
  assert.equal(r.liveBytesBySite[SITE.slots], n * 128 * V16);
  const x = explain(r) as LimitExplanation;
  assert.equal(x.perInstanceFootprintBytes, f.perInstance);
  assert.equal(x.inFlightBytes, f.inFlight);
});

test("CLI flags and --scenario FILE give the same run as the library", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "segstream-scenario-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const input: ScenarioInput = { pageSlots: 128, indexCapacity: 5_000_000, memory: { limitBytes: SMALL_LIMIT } };
  const file = join(dir, "scenario.json");
  writeFileSync(file, JSON.stringify(input));
  const overFile = join(dir, "over.json");
  writeFileSync(overFile, JSON.stringify({ ...input, pageSlots: 32 }));

  const [flags, fromFile, flagsOverFile] = await Promise.all([
    cli("reproduce", "--json", "--page-slots", "128", "--index-capacity", "5000000", "--limit", "300MiB"),
    cli("reproduce", "--json", "--scenario", file),
    cli("reproduce", "--json", "--scenario", overFile, "--page-slots", "128"),
  ]);
  const lib = run(input);
  const expected = comparable(reproduceJson(lib, explain(lib)));
  assert.equal(expected.failedRequest && (expected.failedRequest as { bytes: number }).bytes, tableBytes(5_000_000));
  for (const [name, r] of [["flags", flags], ["--scenario", fromFile], ["--scenario + flag", flagsOverFile]] as const) {
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.deepEqual(comparable(JSON.parse(r.stdout)), expected, name);
  }
});

test("bad scenario input: one line on stderr, nothing on stdout, exit code 2", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "segstream-bad-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };
  const cases: [string[], RegExp][] = [
    [["--scenario", write("unknown.json", JSON.stringify({ warmupMs: 10 }))], /warmupMs: unknown field/],
    [["--scenario", write("memory.json", JSON.stringify({ memory: { limit: 5 } }))], /memory\.limit: unknown field/],
    [["--scenario", write("batch.json", JSON.stringify({ batchSize: "NumBatches:0" }))], /batchSize/],
    [["--batch-size", "NumBatches:0"], /batchSize/],
    [["--batch-size", "Huge"], /batchSize/],
    [["--scenario", write("clock.json", JSON.stringify({ clock: "virtual", cost: { iterationNs: 0 } }))], /virtual clock needs at least one cost above 0/],
    [["--iteration-ns", "0"], /virtual clock needs at least one cost above 0/],
    [["--limit", "nonsense"], /--limit must be none \(no limit\), or a whole number of bytes/],
    [["--limit", "0"], /--limit 0 would refuse every allocation; for no limit write none/],
    [["--page-slots", "48"], /power of two/],
    [["--scenario", join(dir, "missing.json")], /scenario file ".*missing\.json" does not exist/],
  ];
  const results = await Promise.all(cases.map(([args]) => cli("reproduce", "--json", ...args)));
  cases.forEach(([args, message], i) => {
    const r = results[i];
    const what = args.join(" ");
    assert.equal(r.code, 2, `${what}: exit code (stderr: ${r.stderr})`);
    assert.equal(r.stdout, "", what);
    assert.match(r.stderr, /^segstream: [^\n]+\n$/, `${what}: exactly one line`);
    assert.match(r.stderr, message, what);
  });
});

test("a scenario file that is not JSON: one line on stderr, exit code 2", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "segstream-bad-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "broken.json");
  writeFileSync(path, "nope\n");
  const r = await cli("reproduce", "--json", "--scenario", path);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^segstream: scenario file "[^"]*broken\.json" is not valid JSON: [^\n]+\n$/);
});
