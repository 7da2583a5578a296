#!/usr/bin/env node
// Runs both test suites and prints one combined line at the very end:
//   1. as-pect specs (assembly/__tests__/**/*.spec.ts), counts from build/aspect-results.json,
//      written by tests/aspect-reporter.mjs;
//   2. host tests: `node --test` over dist/tests/**/*.test.js (compiled; build first), counts from
//      a TAP copy of the run written to build/node-test.tap;
//   3. the reliability suites (dist/tests/reliability/*.test.js) a second time on the debug wasm
//      build (SEGSTREAM_BUILD=debug: build/segstream.debug.wasm, whose heap and collector assert
//      their invariants), TAP copy in build/node-test-debug.tap. There they scale their heavy work
//      down themselves (tests/reliability/budget.ts).
// The closing line is "N passed, N failed, N skipped" over all three; a test marked todo (a known
// defect, kept failing until it is fixed) is counted as skipped, as is one node --test skips.
// Exit code is non-zero if any test failed, if a suite ran zero tests, or if a runner crashed.
// Every suite always runs.
//
// Overrides (for debugging the plumbing itself):
//   ASPECT_CONFIG   as-pect config file        (default as-pect.config.js)
//   NODE_TESTS_DIR  directory of *.test.js     (default dist/tests)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(ROOT);

const BUILD = join(ROOT, "build");
const ASPECT_RESULTS = join(BUILD, "aspect-results.json");
const NODE_TAP = join(BUILD, "node-test.tap");
const NODE_DEBUG_TAP = join(BUILD, "node-test-debug.tap");
const ASPECT_CONFIG = resolve(process.env.ASPECT_CONFIG || "as-pect.config.js");
const NODE_TESTS_DIR = resolve(process.env.NODE_TESTS_DIR || "dist/tests");

const errors = [];
const totals = { passed: 0, failed: 0, skipped: 0 };

/** Recursively list files under `dir` whose name ends with `suffix` (sorted, absolute). */
function walk(dir, suffix, out = []) {
  if (!existsSync(dir)) return out;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) {
      if (ent.name !== "node_modules") walk(p, suffix, out);
    } else if (ent.name.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

/** Spawn with inherited stdio (streams straight to the terminal); resolves {code, signal}. */
function run(cmd, args, env = {}) {
  return new Promise((res) => {
    const child = spawn(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("error", (err) => res({ code: null, signal: null, error: err }));
    child.on("exit", (code, signal) => res({ code, signal }));
  });
}

function describeExit(r) {
  if (r.error) return `failed to start: ${r.error.message}`;
  return r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
}

function banner(title) {
  process.stdout.write(`\n==== ${title} ====\n`);
}

async function runAspect() {
  banner("as-pect (AssemblyScript specs)");
  mkdirSync(BUILD, { recursive: true });
  rmSync(ASPECT_RESULTS, { force: true });

  // What as-pect should find (mirrors the config's entries glob) to detect files that never
  // reported: asp exits on the first compile error without running the remaining files.
  let expectedFiles = null;
  try {
    const cfg = (await import(pathToFileURL(ASPECT_CONFIG).href)).default;
    const disclude = cfg.disclude || [];
    expectedFiles = walk(join(ROOT, "assembly/__tests__"), ".spec.ts")
      .map((f) => relative(ROOT, f))
      .filter((f) => !disclude.some((re) => re.test(f))).length;
  } catch (err) {
    errors.push(`as-pect: cannot load ${relative(ROOT, ASPECT_CONFIG)}: ${err.message}`);
    return;
  }

  const asp = join(ROOT, "node_modules/@as-pect/cli/bin/asp.js");
  // asp resolves --config with path.join(cwd, value), so it must be relative.
  const r = await run(process.execPath, [asp, "--config", relative(ROOT, ASPECT_CONFIG)], {
    ASPECT_RESULTS,
  });

  if (!existsSync(ASPECT_RESULTS)) {
    errors.push(`as-pect: no results (${relative(ROOT, ASPECT_RESULTS)} missing; ${describeExit(r)}): ` +
      "no spec matched, or asp crashed/failed to compile before finishing a file");
    return;
  }
  let res;
  try {
    res = JSON.parse(readFileSync(ASPECT_RESULTS, "utf8"));
  } catch (err) {
    errors.push(`as-pect: unreadable results: ${err.message}`);
    return;
  }
  totals.passed += res.passed;
  totals.failed += res.failed;
  process.stdout.write(`\nas-pect: ${res.passed} passed, ${res.failed} failed (${res.files.length} file(s))\n`);

  if (res.tests === 0) errors.push("as-pect: zero tests ran");
  if (res.files.length < expectedFiles) {
    errors.push(`as-pect: only ${res.files.length} of ${expectedFiles} spec file(s) reported ` +
      "(compile error or crash; see output above)");
  }
  if (r.code !== 0 && res.failed === 0) errors.push(`as-pect: runner failed (${describeExit(r)}) with no failing test`);
  if (r.code === 0 && res.failed > 0) errors.push("as-pect: asp exited 0 despite failures");
}

/**
 * Runs the *.test.js files under `dir` with `node --test`, `env` added to the environment and a
 * TAP copy written to `tapPath`, and adds the counts to the totals under `label`.
 */
async function runNode(label, dir, tapPath, env = {}) {
  const files = walk(dir, ".test.js");
  if (files.length === 0) {
    errors.push(`${label}: no *.test.js files under ${relative(ROOT, dir) || "."} ` +
      "(did the build run? `npm run build` must compile tests/ to dist/tests)");
    return;
  }
  mkdirSync(BUILD, { recursive: true });
  rmSync(tapPath, { force: true });
  const r = await run(process.execPath, [
    "--test",
    "--test-reporter=spec", "--test-reporter-destination=stdout",
    "--test-reporter=tap", `--test-reporter-destination=${tapPath}`,
    ...files.map((f) => relative(ROOT, f)),
  ], env);

  const tap = existsSync(tapPath) ? readFileSync(tapPath, "utf8") : "";
  const count = (key) => {
    // The top-level summary is the last unindented "# key N" line.
    const m = [...tap.matchAll(new RegExp(`^# ${key} (\\d+)$`, "gm"))].pop();
    return m ? Number(m[1]) : null;
  };
  const tests = count("tests");
  const pass = count("pass");
  const fail = count("fail");
  const cancelled = count("cancelled") ?? 0;
  const skipped = (count("skipped") ?? 0) + (count("todo") ?? 0);
  if (tests === null || pass === null || fail === null) {
    errors.push(`${label}: no TAP summary (${describeExit(r)}): runner crashed`);
    return;
  }
  // Node 20 reports a file that loads fine but registers no test as one passing top-level test
  // named after the file. That is not a test: drop it from the counts and say so.
  const abs = new Set(files);
  const empty = [...tap.matchAll(/^ok \d+ - (.+)$/gm)].map((m) => m[1]).filter((n) => abs.has(n));
  for (const f of empty) process.stderr.write(`warning: ${label}: ${relative(ROOT, f)} defines no tests\n`);
  totals.passed += pass - empty.length;
  totals.failed += fail + cancelled;
  totals.skipped += skipped;
  process.stdout.write(`\n${label}: ${pass - empty.length} passed, ${fail + cancelled} failed, ${skipped} skipped (todo included)\n`);
  if (tests - empty.length === 0) errors.push(`${label}: zero tests ran`);
  if (r.code !== 0 && fail + cancelled === 0) errors.push(`${label}: runner failed (${describeExit(r)}) with no failing test`);
}

await runAspect();
banner("node --test (host tests, release build)");
await runNode("node", NODE_TESTS_DIR, NODE_TAP, { SEGSTREAM_BUILD: "release" });
banner("node --test (reliability suites again, debug build: SEGSTREAM_BUILD=debug)");
await runNode("node, debug build", join(NODE_TESTS_DIR, "reliability"), NODE_DEBUG_TAP, { SEGSTREAM_BUILD: "debug" });

process.stdout.write("\n");
for (const e of errors) process.stderr.write(`error: ${e}\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exitCode = errors.length > 0 || totals.failed > 0 ? 1 : 0;
