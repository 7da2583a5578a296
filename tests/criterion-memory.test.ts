// The memory figures printed beside Criterion's lines (report/criterion-memory.ts), checked
// against what the ledger says another way: with a fixed variant and PerIteration every iteration
// allocates and frees the same, so per-iteration figures equal whole-run totals over instances.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runScenario } from "../src/scenarios/run-scenario.js";
import { applyScenario, type ScenarioInput } from "../src/scenarios/scenario.js";
import { SEED_SCENARIO } from "../src/scenarios/seed.js";
import { criterionMemory, criterionMemoryLines } from "../src/report/criterion-memory.js";
import { reproduceText } from "../src/report/reproduce-text.js";
import { explain } from "../src/scenarios/explain.js";

const SMALL: ScenarioInput = {
  variant: "explicit-drop", indexCapacity: 1000, warmUpMs: 50, measurementMs: 50, sampleSize: 10, memory: { limitBytes: null },
};

function run(input: ScenarioInput) {
  return runScenario(applyScenario(SEED_SCENARIO, { ...SMALL, ...input }));
}

test("PerIteration, fixed variant: per-iteration figures are the run's totals over its instances, one setup live", () => {
  const r = run({});
  assert.equal(r.outcome, "completed");
  const m = criterionMemory(r)!;
  const rust = r.ledger.rust;
  assert.equal(m.measurementIters, r.benchmark!.samples.iters.reduce((a, b) => a + b, 0));
  assert.equal(m.allocationsPerIter, rust.requests / r.instancesCreated);
  assert.equal(m.bytesPerIter, rust.requestedBytes / r.instancesCreated);
  assert.ok(Number.isInteger(m.allocationsPerIter) && m.allocationsPerIter > 0);
  assert.equal(m.setupsLiveAtOnce, 1);
  // One instance at a time: the peak is one instance's bytes (everything it requests is live at once).
  assert.equal(m.warmUpPeakLiveBytes, m.bytesPerIter);
  assert.equal(m.measurementPeakExact, false, "the peak was set in warm-up, so measurement's is only bounded");
  const text = reproduceText(r, explain(r));
  assert.match(text, new RegExp(`allocs/iter: ${m.allocationsPerIter}  bytes/iter: ${m.bytesPerIter.toLocaleString("en-US")} B`));
  assert.match(text, /setups live at once: 1 \(PerIteration\)/);
});

test("SmallInput: a tenth of the largest sample's iterations are live at once", () => {
  const r = run({ batchSize: "SmallInput" });
  const m = criterionMemory(r)!;
  const largest = Math.max(...r.benchmark!.samples.iters);
  assert.equal(m.setupsLiveAtOnce, Math.ceil(largest / 10));
  assert.ok(m.setupsLiveAtOnce > 1);
  const perInstance = r.ledger.rust.requestedBytes / r.instancesCreated;
  assert.ok(m.warmUpPeakLiveBytes >= m.setupsLiveAtOnce * perInstance, "a whole batch is live in warm-up's last round at least");
});

test("a run that fails in warm-up has no measurement figures", () => {
  const r = run({ variant: "as-written", memory: { limitBytes: 4 * 1024 * 1024 } });
  assert.equal(r.outcome, "allocation-failed");
  assert.equal(criterionMemory(r), null);
  assert.deepEqual(criterionMemoryLines(r), []);
});
