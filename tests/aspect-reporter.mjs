// as-pect reporter: human output via as-pect's own Summary/Verbose reporter, plus a JSON file with
// counts that tests/run.mjs reads. as-pect imports this module once per `asp` process and calls
// onFinish once per spec file, so totals accumulate here and the file is rewritten each time.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { SummaryReporter, VerboseReporter } from "@as-pect/core";

const outPath = resolve(process.env.ASPECT_RESULTS || "build/aspect-results.json");
mkdirSync(dirname(outPath), { recursive: true });
rmSync(outPath, { force: true });

const results = { passed: 0, failed: 0, tests: 0, files: [] };

function write() {
  writeFileSync(outPath, JSON.stringify(results, null, 2) + "\n");
}

const counter = {
  stdout: null,
  stderr: null,
  onEnter() {},
  onExit() {},
  onFinish(ctx) {
    const tests = ctx.testCount;
    const passed = ctx.testPassCount;
    let failed = tests - passed;
    // A file can fail with no failing test: _start trapped, beforeAll/afterEach threw, snapshot
    // mismatch, rtrace error. Count that as one failure so it is never silently green.
    if (!ctx.pass && failed === 0) failed = 1;
    results.tests += tests;
    results.passed += passed;
    results.failed += failed;
    results.files.push({
      file: ctx.fileName,
      pass: ctx.pass,
      tests,
      passed,
      failed,
      errors: ctx.errors.map((e) => `${e.type}: ${e.message}`),
    });
    write();
  },
};

const human = process.env.ASPECT_REPORTER === "verbose" ? new VerboseReporter() : new SummaryReporter();
const reporters = [human, counter];

// as-pect's CombinationReporter has a bug: its `stderr` setter assigns `stdout`, so a config
// reporter would end up writing its report to stderr. Pin the streams and ignore the setters.
human.stdout = process.stdout;
human.stderr = process.stderr;

export default {
  reporters,
  get stdout() { return process.stdout; },
  set stdout(_w) {},
  get stderr() { return process.stderr; },
  set stderr(_w) {},
  onEnter(ctx, node) { for (const r of reporters) r.onEnter(ctx, node); },
  onExit(ctx, node) { for (const r of reporters) r.onExit(ctx, node); },
  onFinish(ctx) { for (const r of reporters) r.onFinish(ctx); },
};
