// The CLI's edges (issue 7): every bad argument leaves one clean line and an exit code, and the
// runs that used to take for ever (or crash) now end with the right figures.
//
// Figures: a SegmentedStream::new makes three Rust allocations (1,024-byte slot array, 56-byte
// ArcInner<Page<V16>>, 32-byte Vec buffer); OptimisedIndex adds its table, 2^24 x 16 bytes for
// capacity 10,000,000 (table.ts's sizing rule).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, type CliRun } from "./cli-run.js";
import { loadScenario } from "../src/scenarios/scenario-file.js";
import { ScenarioError, applyScenario, type ScenarioInput } from "../src/scenarios/scenario.js";
import { plannedIterations } from "../src/scenarios/scenario-plan.js";
import { runScenario } from "../src/scenarios/run-scenario.js";
import { runProbe, type ProbeOptions } from "../src/probe/probe.js";
import { parseLimit } from "../src/cli/limit.js";
import { UsageError } from "../src/cli/usage-error.js";
import { MAX_INSTANCES, MAX_PHASE_MS, MAX_SAMPLE_SIZE, MAX_VALUES_PER_INSTANCE } from "../src/bounds.js";
import { SEED_SCENARIO } from "../src/scenarios/seed.js";

const TABLE_10M = 2 ** 24 * 16;
const STREAM_REQUESTS = 3;
const PAGE = 56 + 64 * 16;

test("probe --index-capacity 10000000 --upserts 2: each drop wipes only what it wrote, and the figures hold", async () => {
  const instances = 200;
  const [fixed, leaky] = await Promise.all([
    cli("probe", "explicit-drop", "--index-capacity", "10000000", "--upserts", "2", "--instances", String(instances), "--json"),
    cli("probe", "as-written", "--index-capacity", "10000000", "--upserts", "2", "--instances", String(instances), "--json"),
  ]);
  for (const r of [fixed, leaky]) assert.equal(r.code, 0, r.stderr);
  const f = JSON.parse(fixed.stdout);
  assert.equal(f.instances, instances);
  assert.equal(f.liveBytes, 0, "explicit-drop gives every byte back");
  assert.equal(f.requests, instances * (STREAM_REQUESTS + 1), "the stream's three requests and the table");
  assert.equal(f.largestRequest, TABLE_10M);
  const table = f.sites.find((s: { name: string }) => s.name === "OptimisedIndex.table");
  assert.equal(table.requestedBytes, instances * TABLE_10M);
  assert.equal(table.liveBytes, 0);
  assert.ok(f.footprintBytes < 2 * TABLE_10M, `one table's memory serves every instance (footprint ${f.footprintBytes})`);
  const l = JSON.parse(leaky.stdout);
  assert.equal(l.retainedBytesPerInstance, PAGE, "as-written keeps its one page, 2 upserts fit in it");
  assert.ok(l.footprintBytes < 2 * TABLE_10M + instances * 2 * PAGE, `the freed table is reused (footprint ${l.footprintBytes})`);
});

// --- one line, exit code 2 ---

/** Asserts the usage-error shape: exit 2, nothing on stdout, one `segstream: ` line naming what `mentions` says. */
function usageError(r: CliRun, mentions: RegExp, what: string): void {
  assert.equal(r.code, 2, `${what}: exit code (stderr ${JSON.stringify(r.stderr.slice(0, 300))})`);
  assert.equal(r.stdout, "", `${what}: nothing on stdout`);
  assert.match(r.stderr, /^segstream: [^\n]+\n$/, `${what}: exactly one line, got ${JSON.stringify(r.stderr.slice(0, 300))}`);
  assert.match(r.stderr, mentions, `${what}: names the problem`);
  assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/, `${what}: no stack trace`);
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "segstream-edges-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// --- 1. scenario files ---

test("--scenario FILE: every malformed file is one line naming the file and the field, exit 2", async (t) => {
  const dir = tempDir(t);
  const file = (name: string, body: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };
  const json = (name: string, value: unknown) => file(name, JSON.stringify(value));
  const deep = `{"variant": ${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
  const cases: [string, RegExp][] = [
    [json("type.json", { variant: 5 }), /field variant: must be one of as-written, .* got 5/],
    [json("type-string.json", { indexCapacity: "10" }), /field indexCapacity: must be a whole number from 0 to 117440512, got the string "10"/],
    [json("unknown.json", { warmupMs: 10 }), /field warmupMs: unknown field; expected name, /],
    [json("unknown-deep.json", { memory: { limitBytes: 1024, extra: 1 } }), /field memory\.extra: unknown field; expected limitBytes, growth, chunkPages, footprint/],
    [json("unknown-batch.json", { batchSize: { kind: "PerIteration", batches: 4 } }), /field batchSize\.batches: does not belong to PerIteration/],
    [file("proto.json", '{"__proto__": {"polluted": true}}'), /field __proto__: is not allowed/],
    [file("constructor.json", '{"memory": {"constructor": 1}}'), /field memory\.constructor: is not allowed/],
    [file("prototype.json", '{"cost": {"prototype": 1}}'), /field cost\.prototype: is not allowed/],
    [file("deep.json", deep), /field variant: must be one of .* got an array/],
    [file("past-2-53.json", '{"sampleSize": 9007199254740993}'), /field sampleSize: must be a whole number from 10 to 10000, got 9007199254740992 \(past 2\^53/],
    [json("fraction.json", { upsertsPerIteration: 1.5 }), /field upsertsPerIteration: must be a whole number from 0 to 1000000, got 1\.5/],
    [json("negative.json", { memory: { limitBytes: -1 } }), /field memory\.limitBytes: must be a whole number from 1 to 4294967296, got -1/],
    [file("infinite.json", '{"cost": {"iterationNs": 1e400}}'), /field cost\.iterationNs: must be a number from 0 to 1000000000000, got Infinity/],
    [json("nan-like.json", { warmUpMs: "NaN" }), /field warmUpMs: must be a whole number from 1 to 3600000, got the string "NaN"/],
    [json("array.json", [1, 2]), /: must be a JSON object, got an array/],
    [json("name.json", { name: "" }), /field name: must be a one-line string of 1 to 100 characters/],
    [file("empty.json", ""), /is empty; expected a JSON object/],
    [file("broken.json", '{"variant": nope}'), /is not valid JSON: /],
    [file("latin1.json", Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])), /is not UTF-8 text/],
    [file("huge.json", `{"name": "${"x".repeat(2 * 1024 * 1024)}"}`), /is larger than 1,048,576 bytes \(1 MiB\)/],
    [dir, /is a directory; expected a regular file/],
    ["/dev/zero", /is a character device; expected a regular file/],
    [join(dir, "missing.json"), /does not exist/],
    [join(dir, "empty.json", "below-a-file.json"), /does not exist \(a part of its path is not a directory\)/],
  ];
  const runs = await Promise.all(cases.map(([path]) => cli("reproduce", "--json", "--scenario", path)));
  cases.forEach(([path, message], i) => {
    usageError(runs[i], message, path.slice(dir.length) || path);
    assert.ok(runs[i].stderr.startsWith(`segstream: scenario file ${JSON.stringify(path)}`), `${path}: names the file`);
  });
  usageError(await cli("reproduce", "--scenario="), /--scenario needs a file name/, "--scenario=");
});

test("a FIFO as --scenario is refused without being opened (it would wait for a writer for ever)", async (t) => {
  const fifo = join(tempDir(t), "fifo.json");
  try {
    execFileSync("mkfifo", [fifo]);
  } catch {
    return t.skip("mkfifo is not available");
  }
  usageError(await cli("reproduce", "--scenario", fifo), /is a FIFO; expected a regular file/, "FIFO");
});

test("loading a file with __proto__ pollutes no prototype", () => {
  const dir = mkdtempSync(join(tmpdir(), "segstream-edges-"));
  try {
    const path = join(dir, "proto.json");
    writeFileSync(path, '{"memory": {"__proto__": {"polluted": true}}, "__proto__": {"polluted": true}}');
    assert.throws(() => loadScenario(SEED_SCENARIO, path), (e: unknown) => e instanceof ScenarioError && e instanceof RangeError && /__proto__/.test(e.message));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted"), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// --- 2. runs that would never end ---

/** Criterion's warm-up under a virtual clock of `ns` per iteration: rounds 1, 2, 4, ... until the sum passes `ms`. */
function warmUpIterations(ns: number, ms: number): number {
  let total = 0;
  for (let iters = 1; total * ns <= ms * 1e6; iters *= 2) total += iters;
  return total;
}

test("the virtual clock's plan: the seed plans warm-up 2^19 - 1 plus Linear n(n+1)/2 x d iterations, and a run makes exactly its plan", () => {
  const ns = SEED_SCENARIO.cost.iterationNs!;
  const n = SEED_SCENARIO.sampleSize;
  const d = Math.ceil((SEED_SCENARIO.measurementMs * 1e6) / ns / ((n * (n + 1)) / 2));
  assert.equal(warmUpIterations(ns, SEED_SCENARIO.warmUpMs), 2 ** 19 - 1);
  assert.equal(plannedIterations(SEED_SCENARIO), 2 ** 19 - 1 + ((n * (n + 1)) / 2) * d);
  // A short run that completes creates one instance per planned iteration.
  const short = applyScenario(SEED_SCENARIO, { structure: "SegmentedStream", variant: "mock", warmUpMs: 20, measurementMs: 30, sampleSize: 10 });
  assert.equal(runScenario(short).instancesCreated, plannedIterations(short));
});

test("costs, times and counts that would never end (or are absurd): a RangeError naming the field, before anything runs", () => {
  const cases: [ScenarioInput, RegExp][] = [
    [{ cost: { iterationNs: 1e-300 } }, /^scenario field cost: .*at 1e-300 ns an iteration plan more than 100,000,000 iterations/],
    [{ cost: { iterationNs: 0 } }, /^scenario field cost: a virtual clock needs at least one cost above 0 ns/],
    [{ cost: { dropNs: 5750 } }, /^scenario field cost: a virtual clock needs at least one cost above 0 ns.*dropNs is never charged/],
    [{ cost: { iterationNs: -1 } }, /^scenario field cost\.iterationNs: must be a number from 0 to/],
    [{ cost: { iterationNs: NaN } }, /^scenario field cost\.iterationNs: must be a number from 0 to .* got NaN/],
    [{ cost: { iterationNs: 10 } }, /^scenario field cost: .*plan more than 100,000,000 iterations/],
    [{ warmUpMs: MAX_PHASE_MS + 1 }, /^scenario field warmUpMs: must be a whole number from 1 to 3600000/],
    [{ measurementMs: Infinity }, /^scenario field measurementMs: must be a whole number from 1 to 3600000, got Infinity/],
    [{ sampleSize: MAX_SAMPLE_SIZE + 1 }, /^scenario field sampleSize: must be a whole number from 10 to 10000/],
    [{ upsertsPerIteration: 1_000 }, /^scenario field upsertsPerIteration: 1,000 values in each of the 1,397,937 planned iterations/],
    [{ batchSize: "NumIterations:100000001" }, /^scenario field batchSize: expected .*n from 1 to 100000000/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => applyScenario(SEED_SCENARIO, input), (e: unknown) => e instanceof RangeError && message.test((e as Error).message), JSON.stringify(input));
  }
  // The library's runScenario checks a Scenario built by hand, too.
  assert.throws(() => runScenario({ ...SEED_SCENARIO, cost: { iterationNs: 1e-300 } }), /scenario field cost: /);
  // The bounds leave the seed, the README's examples and the real clock alone.
  for (const input of [{}, { cost: { iterationNs: 200 } }, { upsertsPerIteration: 700 }, { clock: "real", cost: {} }, { batchSize: "NumBatches:10" }] as ScenarioInput[]) {
    assert.doesNotThrow(() => applyScenario(SEED_SCENARIO, input), JSON.stringify(input));
  }
});

test("runProbe: instances, page slots, appends and upserts out of bounds throw a RangeError naming them", () => {
  const cases: [ProbeOptions, RegExp][] = [
    [{ variant: "as-written", instances: Infinity }, /^instances must be a whole number, got Infinity/],
    [{ variant: "as-written", instances: NaN }, /^instances must be a whole number, got NaN/],
    [{ variant: "as-written", instances: MAX_INSTANCES + 1 }, /^instances must be between 0 and 100000000/],
    [{ variant: "as-written", instances: -1 }, /^instances must be between 0/],
    [{ variant: "as-written", instances: 1, pageSlots: 48 }, /^pageSlots must be a power of two/],
    [{ variant: "as-written", instances: 1, appends: MAX_VALUES_PER_INSTANCE + 1 }, /^appends must be between 0 and 1000000/],
    [{ variant: "as-written", instances: 1, indexCapacity: 8, upserts: Infinity }, /^upserts must be a whole number/],
    [{ variant: "as-written", instances: 1, indexCapacity: 2 ** 40 }, /^indexCapacity must be between 0 and 117440512/],
    [{ variant: "as-written", instances: 10_000, appends: 1_000_000 }, /^instances × appends must be at most 1,000,000,000 values over the run/],
    [{ variant: "leaky" as ProbeOptions["variant"], instances: 1 }, /^variant must be one of/],
    [{ variant: "as-written", instances: 1, upserts: 2 }, /^upserts and indexer apply to indexes/],
  ];
  for (const [options, message] of cases) assert.throws(() => runProbe(options), (e: unknown) => e instanceof RangeError && message.test((e as Error).message), JSON.stringify(options));
  assert.throws(() => runProbe({ variant: "as-written", instances: "5" as unknown as number }), TypeError);
  assert.equal(runProbe({ variant: "as-written", instances: 10, appends: 2 }).instances, 10, "in bounds: runs");
});

test("the CLI turns the same bounds into usage errors naming the flags", async () => {
  const cases: [string[], RegExp][] = [
    [["reproduce", "--iteration-ns", "1"], /scenario field cost: .*plan more than 100,000,000 iterations.*flags: --iteration-ns/],
    [["reproduce", "--drop-ns", "5750", "--iteration-ns", "0"], /dropNs is never charged/],
    [["reproduce", "--warm-up-ms", "3600001"], /--warm-up-ms must be at most 3600000/],
    [["reproduce", "--sample-size", "100000"], /--sample-size must be at most 10000/],
    [["reproduce", "--upserts", "1000000"], /upsertsPerIteration: .* more than 1,000,000,000 values over the run \(flags: --upserts\)/],
    [["diagnose", "--iteration-ns", "1"], /plan more than 100,000,000 iterations/],
    [["probe", "mock", "--instances", "100000000000"], /--instances must be at most 100000000/],
    [["probe", "mock", "--instances", "100000", "--appends", "100000"], /--instances × --appends must be at most 1,000,000,000/],
    [["probe", "mock", "--instances", "9007199254740993"], /--instances must be at most 100000000/],
  ];
  const runs = await Promise.all(cases.map(([args]) => cli(...args)));
  cases.forEach(([args, message], i) => usageError(runs[i], message, args.join(" ")));
});

// --- 4. limit words ---

const KIB = 1024;
const GIB = 1024 ** 3;

test("parseLimit: none, plain bytes and B, KiB, MiB, GiB; the largest is the engine's 4 GiB", () => {
  const accepted: [string, number | null][] = [
    ["none", null], ["1", 1], ["838860800", 838_860_800], ["838_860_800", 838_860_800], ["512B", 512],
    ["64KiB", 64 * KIB], ["800MiB", 800 * KIB * KIB], ["1_024KiB", KIB * KIB], ["4GiB", 4 * GIB], [String(4 * GIB), 4 * GIB],
  ];
  for (const [text, bytes] of accepted) assert.equal(parseLimit("--limit", text), bytes, text);
  const refused: [string, RegExp][] = [
    ["0", /0 would refuse every allocation; for no limit write none/],
    ["0MiB", /0 would refuse every allocation/],
    ["-5", /must not be negative/],
    ["-1GiB", /must not be negative/],
    ["1.5GiB", /must be a whole number of GiB.*1536MiB/],
    ["0.5", /must be a whole number of bytes/],
    ["800MB", /unit MB is not accepted: units are powers of 1024, write MiB/],
    ["1GB", /write GiB/],
    ["8kb", /write KiB/],
    ["800mib", /the unit is spelt MiB, not mib/],
    ["5TiB", /unknown unit "TiB": use B, KiB, MiB or GiB/],
    ["9007199254740993", /past 2\^53 bytes/],
    ["5GiB", /above the engine's 4 GiB memory/],
    [String(4 * GIB + 1), /above the engine's 4 GiB memory/],
    ["", /must be none \(no limit\), or a whole number of bytes/],
    ["None", /must be none/],
    ["1 GiB", /must be none/],
    ["0x10", /must be none|unknown unit/],
  ];
  for (const [text, message] of refused) assert.throws(() => parseLimit("--limit", text), (e: unknown) => e instanceof UsageError && message.test((e as Error).message), text);
});

test("--limit: probe, reproduce and diagnose read it with the one parser, and say the same", async () => {
  const words = ["0", "800MB", "1.5GiB", "-1", "5GiB", "lots", ""];
  const commands = [["probe", "mock"], ["reproduce"], ["diagnose"]];
  const runs = await Promise.all(words.flatMap((w) => commands.map((c) => cli(...c, `--limit=${w}`))));
  words.forEach((word, i) => {
    const messages = commands.map((c, j) => {
      const r = runs[i * commands.length + j];
      usageError(r, /--limit/, `${c[0]} --limit=${word}`);
      return r.stderr.replace(/^segstream: \w+: /, "").replace(/ \(see `segstream \w+ --help`\)\n$/, "");
    });
    assert.equal(new Set(messages).size, 1, `--limit=${word}: ${messages.join(" | ")}`);
  });
  // The probe applies what it parsed: 1 MiB of heap refuses the first page beyond it, none refuses nothing.
  const [tight, none] = await Promise.all([cli("probe", "as-written", "--instances", "10000", "--limit", "1MiB"), cli("probe", "as-written", "--instances", "10000", "--limit", "none", "--json")]);
  assert.equal(tight.code, 1, tight.stderr);
  assert.match(tight.stderr, /allocation refused .*limit/);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(JSON.parse(none.stdout).liveBytes, 10_000 * PAGE);
  const help = await Promise.all(commands.map((c) => cli(c[0], "--help")));
  for (const r of help) assert.match(r.stdout, /--limit <bytes\|none> .*none \(no limit\), or a whole number of bytes, optionally with a unit B, KiB, MiB or GiB/);
});
