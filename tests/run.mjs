#!/usr/bin/env node
// Runs both test suites and prints one combined line at the very end:
//   1. as-pect specs (assembly/__tests__/**/*.spec.ts), counts from build/aspect-results.json,
//      written by tests/aspect-reporter.mjs;
//   2. host tests: `node --test` over dist/tests/**/*.test.js (compiled; build first), counts from
//      a TAP copy of the run written to build/node-test.tap.
// Exit code is non-zero if any test failed, if either suite ran zero tests, or if either runner
// crashed. Both suites always run.
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
const ASPECT_CONFIG = resolve(process.env.ASPECT_CONFIG || "as-pect.config.js");
const NODE_TESTS_DIR = resolve(process.env.NODE_TESTS_DIR || "dist/tests");

const errors = [];
const totals = { passed: 0, failed: 0 };

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

async function runNode() {
  banner("node --test (host tests)");
  const files = walk(NODE_TESTS_DIR, ".test.js");
  if (files.length === 0) {
    errors.push(`node: no *.test.js files under ${relative(ROOT, NODE_TESTS_DIR) || "."} ` +
      "(did the build run? `npm run build` must compile tests/ to dist/tests)");
    return;
  }
  mkdirSync(BUILD, { recursive: true });
  rmSync(NODE_TAP, { force: true });
  const r = await run(process.execPath, [
    "--test",
    "--test-reporter=spec", "--test-reporter-destination=stdout",
    "--test-reporter=tap", `--test-reporter-destination=${NODE_TAP}`,
    ...files.map((f) => relative(ROOT, f)),
  ]);

  const tap = existsSync(NODE_TAP) ? readFileSync(NODE_TAP, "utf8") : "";
  const count = (key) => {
    // The top-level summary is the last unindented "# key N" line.
    const m = [...tap.matchAll(new RegExp(`^# ${key} (\\d+)$`, "gm"))].pop();
    return m ? Number(m[1]) : null;
  };
  const tests = count("tests");
  const pass = count("pass");
  const fail = count("fail");
  const cancelled = count("cancelled") ?? 0;
  if (tests === null || pass === null || fail === null) {
    errors.push(`node: no TAP summary (${describeExit(r)}): runner crashed`);
    return;
  }
  // Node 20 reports a file that loads fine but registers no test as one passing top-level test
  // named after the file. That is not a test: drop it from the counts and say so.
  const abs = new Set(files);
  const empty = [...tap.matchAll(/^ok \d+ - (.+)$/gm)].map((m) => m[1]).filter((n) => abs.has(n));
  for (const f of empty) process.stderr.write(`warning: node: ${relative(ROOT, f)} defines no tests\n`);
  totals.passed += pass - empty.length;
  totals.failed += fail + cancelled;
  if (tests - empty.length === 0) errors.push("node: zero tests ran");
  if (r.code !== 0 && fail + cancelled === 0) errors.push(`node: runner failed (${describeExit(r)}) with no failing test`);
}

await runAspect();
await runNode();

process.stdout.write("\n");
for (const e of errors) process.stderr.write(`error: ${e}\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed\n`);
process.exitCode = errors.length > 0 || totals.failed > 0 ? 1 : 0;
