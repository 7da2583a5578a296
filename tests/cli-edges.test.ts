// The CLI's edges (issue 7): every bad argument leaves one clean line and an exit code, and the
// runs that used to take for ever (or crash) now end with the right figures.
//
// Figures: a SegmentedStream::new makes three Rust allocations (1,024-byte slot array, 56-byte
// ArcInner<Page<V16>>, 32-byte Vec buffer); OptimisedIndex adds its table, 2^24 x 16 bytes for
// capacity 10,000,000 (table.ts's sizing rule).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, type CliRun } from "./cli-run.js";
import { loadScenario } from "../src/scenarios/scenario-file.js";
import { ScenarioError, applyScenario, type ScenarioInput } from "../src/scenarios/scenario.js";
import { plannedIterations } from "../src/scenarios/scenario-plan.js";
import { runScenario } from "../src/scenarios/run-scenario.js";
import { runProbe, type ProbeOptions } from "../src/probe/probe.js";
import { parseLimit } from "../src/cli/limit.js";
import { engineLines } from "../src/report/engine-text.js";
import type { EngineExplanation } from "../src/scenarios/explain.js";
import { UsageError } from "../src/cli/usage-error.js";
import { MAX_INSTANCES, MAX_PHASE_MS, MAX_SAMPLE_SIZE, MAX_VALUES_PER_INSTANCE } from "../src/bounds.js";
import { SEED_SCENARIO } from "../src/scenarios/seed.js";
import { SITE } from "./rust-reference.js";

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
  const table = f.sites.find((s: { name: string }) => s.name === SITE.table);
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
    [json("table.json", { indexTable: "btree" }), /field indexTable: must be one of flat, hashbrown, got the string "btree"/],
    [json("table-cost.json", { cost: { iterationNs: 5750, controlByteDropNs: -1 } }), /field cost\.controlByteDropNs: must be a number from 0 to/],
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
  assert.throws(() => runScenario({ ...SEED_SCENARIO, cost: { iterationNs: -5750 } }), /scenario field cost\.iterationNs: /);
  assert.throws(() => runScenario({ ...SEED_SCENARIO, memory: { ...SEED_SCENARIO.memory, limitBytes: 2 ** 60 } }), /scenario field memory\.limitBytes: /);
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
    [{ variant: "as-written", instances: 1, upserts: 2 }, /^upserts, indexer and indexTable apply to indexes/],
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
    [["probe", "mock", "--index-table", "hashbrown"], /--upserts, --indexer and --index-table apply to indexes: add --index-capacity/],
    [["probe", "mock", "--index-capacity", "8", "--index-table", "btree"], /--index-table must be one of flat, hashbrown, got "btree"/],
    [["reproduce", "--index-table", "HashMap"], /--index-table must be one of flat, hashbrown/],
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
  const words = ["0", "800MB", "1.5GiB", "5GiB"];
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

// --- 3. --report ---

/** A short completing run: a few thousand mock instances, 10 samples. */
const SHORT_RUN = ["--structure", "SegmentedStream", "--variant", "mock", "--warm-up-ms", "20", "--measurement-ms", "30", "--sample-size", "10"];

/** Every path below `dir`, sorted: what a command left there. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

test("--report: a bad place is one line and exit 2 before the run, and nothing is written anywhere", async (t) => {
  const dir = tempDir(t);
  const file = join(dir, "a-file");
  writeFileSync(file, "keep me");
  const before = tree(dir);
  const cases: [string[], RegExp][] = [
    [["reproduce", "--report="], /reproduce: --report needs a directory/],
    [["diagnose", "--report", ""], /diagnose: --report needs a directory/],
    [["reproduce", "--report", file], /--report ".*a-file" exists and is not a directory/],
    [["reproduce", "--report", join(file, "below")], /cannot write the report there \(ENOTDIR/],
    [["reproduce", "--report", join(dir, "missing", "deeper")], /its parent .*missing does not exist \(segstream creates the report directory, never its parents\)/],
    [["reproduce", "--report", "/proc/self/x"], /--report "\/proc\/self\/x": cannot write the report there/],
    [["diagnose", "--report", "/proc/self"], /--report "\/proc\/self": cannot write the report there/],
  ];
  const runs = await Promise.all(cases.map(([args]) => cli(...args, ...SHORT_RUN)));
  cases.forEach(([args, message], i) => usageError(runs[i], message, args.join(" ")));
  assert.deepEqual(tree(dir), before, "nothing created, nothing changed");
  assert.equal(readFileSync(file, "utf8"), "keep me");
});

test("--report: a new directory under an existing parent is created; a write that fails after the run is one line, exit 1, after the run's output", async (t) => {
  const dir = tempDir(t);
  const fresh = join(dir, "report");
  const blocked = join(dir, "blocked");
  mkdirSync(join(blocked, "runs.json"), { recursive: true }); // runs.json cannot be written: a directory is in the way
  const [made, failed] = await Promise.all([cli("reproduce", ...SHORT_RUN, "--report", fresh), cli("reproduce", ...SHORT_RUN, "--report", blocked)]);
  assert.equal(made.code, 0, made.stderr);
  for (const name of ["index.html", "runs.json", "dhat"]) assert.ok(existsSync(join(fresh, name)), `${name} written`);
  assert.match(made.stdout, /Outcome: COMPLETED[\s\S]*report written: .*index\.html\n$/);
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stdout, /Outcome: COMPLETED/, "the run's output comes first");
  assert.doesNotMatch(failed.stdout, /report written/);
  assert.match(failed.stderr, /^segstream: reproduce: --report ".*blocked": the run finished but its report could not be written \(EISDIR[^\n]*\n$/);
  assert.doesNotMatch(failed.stderr, /\bat .*\.js:\d+/, "no stack trace");
});

// --- 5. the engine's 4 GiB ceiling ---

/** Every number anywhere in `value`, with its path. */
function numbers(value: unknown, path = ""): [string, number][] {
  if (typeof value === "number") return [[path, value]];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
}

test("--limit none at the engine's ceiling: the explanation says the 4 GiB memory ran out, with no negative figure", async () => {
  // The cheapest way there: as-written streams of 2^24-slot pages leak 256 MiB each (2^24 x 16 bytes).
  const args = ["reproduce", "--limit", "none", "--structure", "SegmentedStream", "--page-slots", String(2 ** 24)];
  const [json, text] = await Promise.all([cli(...args, "--json"), cli(...args)]);
  assert.equal(json.code, 0, json.stderr);
  const j = JSON.parse(json.stdout);
  const slots = 2 ** 24 * 16;
  const x = j.explanation;
  assert.equal(j.failedRequest.reason, "engine");
  assert.equal(j.failedRequest.bytes, slots);
  assert.equal(x.refusal, "engine");
  assert.equal(x.engineMaximumBytes, 65536 * 65536);
  assert.equal(x.limitBytes, null);
  assert.ok(x.memoryBytes <= x.engineMaximumBytes && x.memoryBytes + x.growthBytes > x.engineMaximumBytes, "the growth would pass 4 GiB");
  assert.ok(x.growthBytes >= slots, "the growth covers the request");
  assert.equal(x.droppedInstances, j.instance - 1);
  assert.equal(x.liveRustBytes, x.droppedInstances * (slots + 56), "each dropped stream keeps its page: ArcInner + slot array");
  for (const [path, n] of numbers(j)) assert.ok(n >= 0, `${path} = ${n}`);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /the wasm engine's 4 GiB \(4,294,967,296 B\) memory is exhausted \(refused: engine\), not the limit/);
  assert.match(text.stdout, new RegExp(`live at the failure\\s+${x.liveRustBytes.toLocaleString("en-US")} B requested`));
  assert.doesNotMatch(text.stdout, /-\d|∞|fits while the footprint/, "no room arithmetic, no negative or infinite figure");
});

test("a too-large refusal gets its own explanation, never a negative figure", () => {
  const tooLarge: EngineExplanation = {
    refusal: "too-large", footprintModel: "glibc", requestBytes: 4 * GIB, growthPages: 0, growthBytes: 0, heapBytes: 65536,
    memoryBytes: 2 * 65536, engineMaximumBytes: 4 * GIB, liveRustBytes: 1080, limitBytes: 800 * KIB * KIB, perInstanceRetainedBytes: 1080,
    droppedInstances: 1, retainedAtFailureBytes: 1080, seedEstimateBytes: 574_200_000,
  };
  const lines = engineLines(tooLarge).join("\n");
  assert.match(lines, /no block of the wasm engine's 4 GiB .* memory can hold it \(refused: too-large\)/);
  assert.match(lines, /4,294,967,296 B is larger than the largest block/);
  assert.match(lines, /838,860,800 B of glibc footprint, not reached/);
  assert.doesNotMatch(lines, /-\d/);
});

test("reproduce --limit 100MiB: the 256 MiB table alone passes the limit, and the text says so instead of a negative room", async () => {
  const r = await cli("reproduce", "--limit", "100MiB");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /the whole limit is\s+104,857,600 B: the request alone passes it, so it can never fit/);
  assert.doesNotMatch(r.stdout, /fits while the footprint|∞|= -\d/);
});
