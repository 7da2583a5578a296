// The trace-event timeline (report/trace-events.ts), checked against the run it was made from: its
// spans are Criterion's body calls in order and tile the run's modelled time, its counters are the
// series' points, the refusal sits where the run ended, and a real-clock run gets no trace.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runScenario, type ScenarioRun } from "../src/scenarios/run-scenario.js";
import { applyScenario, type ScenarioInput } from "../src/scenarios/scenario.js";
import { SEED_SCENARIO } from "../src/scenarios/seed.js";
import { traceEvents, type TraceEvent, type TraceFile } from "../src/report/trace-events.js";

const SMALL: ScenarioInput = {
  variant: "explicit-drop", indexCapacity: 1000, warmUpMs: 50, measurementMs: 50, sampleSize: 10, memory: { limitBytes: null },
};

function run(input: ScenarioInput): ScenarioRun {
  return runScenario(applyScenario(SEED_SCENARIO, { ...SMALL, ...input }));
}

function traced(r: ScenarioRun): TraceFile {
  const trace = traceEvents(r, "test");
  assert.ok(trace, "a virtual-clock run has a trace");
  assert.deepEqual(JSON.parse(JSON.stringify(trace)), trace, "plain JSON");
  for (const e of trace.traceEvents) {
    assert.equal(typeof e.name, "string");
    assert.ok(["M", "X", "C", "i"].includes(e.ph), e.ph);
    if (e.ph !== "M") assert.ok(Number.isFinite(e.ts) && e.ts! >= 0, `${e.name}: ts ${e.ts}`);
  }
  return trace;
}

const of = (t: TraceFile, ph: TraceEvent["ph"], name?: string) => t.traceEvents.filter((e) => e.ph === ph && (name === undefined || e.name === name));

test("spans: one per body call, named by round and sample, tiling modelled time from the first call to the run's end", () => {
  const r = run({});
  assert.equal(r.outcome, "completed");
  const t = traced(r);
  const spans = of(t, "X");
  const rounds = r.warmUpRounds.length;
  assert.equal(spans.length, rounds + SMALL.sampleSize!);
  assert.deepEqual(
    spans.map((s) => s.name),
    [...r.warmUpRounds.map((w) => `warm-up round ${w.round}`), ...Array.from({ length: SMALL.sampleSize! }, (_, i) => `measurement sample ${i + 1}`)],
  );
  assert.equal(spans[0].ts, r.calls[0].modelledNs! / 1000);
  for (let i = 1; i < spans.length; i++) assert.ok(Math.abs(spans[i - 1].ts! + spans[i - 1].dur! - spans[i].ts!) < 1e-6, `span ${i} starts where ${i - 1} ends`);
  const last = spans.at(-1)!;
  assert.ok(Math.abs(last.ts! + last.dur! - r.endModelledNs! / 1000) < 1e-6, "the last span ends where the run ended");
  assert.deepEqual(spans.map((s) => s.args!.iters), r.calls.map((c) => c.iters));
  assert.equal(of(t, "i").length, 0, "nothing refused, no refusal event");
});

test("counters: the series' points, live bytes by site summing to the Rust live bytes, in time order", () => {
  const r = run({ variant: "as-written" });
  const t = traced(r);
  const live = of(t, "C", "live bytes by site");
  const timed = r.series.filter((p) => p.modelledNs !== undefined);
  assert.equal(live.length, timed.length);
  assert.ok(live.length >= 1);
  live.forEach((e, i) => {
    assert.equal(e.ts, timed[i].modelledNs! / 1000);
    const sum = Object.values(e.args!).reduce((n: number, b) => n + (b as number), 0);
    assert.equal(sum, timed[i].liveBytes);
    if (i > 0) assert.ok(e.ts! >= live[i - 1].ts!, "counters in time order");
  });
  const footprint = of(t, "C", "footprint (bytes)");
  assert.deepEqual(footprint.map((e) => e.args!.footprint), timed.map((p) => p.footprintBytes));
  assert.ok(footprint.every((e) => !("limit" in e.args!)), "no limit, no limit counter");
});

test("a refused request: one instant event at the run's end naming the site, the bytes and the reason", () => {
  const r = run({ variant: "as-written", indexCapacity: 10_000_000, memory: { limitBytes: 262 * 1024 * 1024 } });
  assert.equal(r.outcome, "allocation-failed");
  const t = traced(r);
  const [refused] = of(t, "i");
  assert.ok(refused);
  assert.equal(refused.ts, r.endModelledNs! / 1000);
  assert.equal(refused.args!.site, r.failure!.record.siteName);
  assert.equal(refused.args!.bytes, r.failure!.record.bytes);
  assert.equal(refused.args!.reason, "limit");
  assert.equal(refused.args!.instance, r.failure!.instance);
  assert.ok(of(t, "C", "footprint (bytes)").every((e) => e.args!.limit === 262 * 1024 * 1024), "the limit beside the footprint");
  assert.ok(of(t, "X").every((s) => s.ts! <= refused.ts!), "no span starts after the failure");
});

test("a real-clock run has no modelled time: no trace, rather than a guessed one", () => {
  const r = run({ clock: "real", warmUpMs: 5, measurementMs: 5 });
  assert.equal(r.endModelledNs, undefined);
  assert.equal(traceEvents(r, "test"), null);
});
