// Node 20's baseline wasm compiler (Liftoff) could corrupt a value held in a register across
// `memory.atomic.wait`, so every wait in the module goes through the host (assembly/sync/futex.ts).
// Under normal tiering a function runs in Liftoff only until it is hot, which made the defect
// intermittent; with `--liftoff-only` the focused reader case of soak.test.ts (one thread appending
// and rolling over, one reading what was published long before, the two meeting on the stream's
// mutex) failed on every run before the change. It runs here in a process of its own with that flag,
// and with `--no-liftoff` for comparison, on this process's build.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const SOAK = fileURLToPath(new URL("./soak.test.js", import.meta.url));
const FOCUSED = "a reader of values published long before";

function runFocused(engineFlag: string): { status: number | null; output: string } {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // a runner of its own, not a child reporting to this one
  const child = spawnSync(process.execPath, [engineFlag, "--test", "--test-reporter=tap", `--test-name-pattern=${FOCUSED}`, SOAK], {
    env, encoding: "utf8", timeout: 120_000,
  });
  return { status: child.status, output: `${child.stdout}${child.stderr}` };
}

for (const flag of ["--liftoff-only", "--no-liftoff"]) {
  test(`with ${flag}: a reader meeting an appender on the stream's mutex sees only what was appended`, { timeout: 150_000 }, (t) => {
    const { status, output } = runFocused(flag);
    const read = /# (\d+) values read in (\d+) reads; (\d+) never appended/.exec(output);
    t.diagnostic(read ? read[0].slice(2) : "no reader figures");
    assert.match(output, /^# pass 1$/m, `the focused soak case under ${flag}:\n${output.slice(-2000)}`);
    assert.equal(status, 0);
    assert.ok(read && Number(read[1]) > 0, "the reader read while the appender ran");
  });
}
