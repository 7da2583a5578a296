// A run's ledger timeline in Chrome's trace-event format (the JSON Object Format: {"traceEvents": [...]}),
// which Perfetto (ui.perfetto.dev), chrome://tracing and the Firefox Profiler open as they are.
//
// Why this format: what the run knows is a few counters over time (live bytes per site, the limited
// footprint) and labelled spans (Criterion's warm-up rounds and measurement samples), which are the
// format's own "C" (counter) and "X" (complete) events; nothing has to be invented to fill it. The
// Firefox Profiler's processed format, by contrast, is built around sampled call stacks and threads,
// which a deterministic model does not have: filling it would mean making samples up.
//
// Timestamps are the virtual clock's modelled time, in microseconds as the format wants, so the
// trace exists only for runs under the virtual clock (a real-clock run has no time per point; it is
// not guessed). Counters are taken where the series is (every 4,096 instances and at the end,
// run-scenario.ts), spans are exact: each body call records the modelled time it began at, and ends
// where the next begins (the last one where the run ended). A refused request is an instant event
// at the failure, with its site, size and reason. Everything is in one process and one track.

import type { BodyCall, ScenarioRun } from "../scenarios/run-scenario.js";

export interface TraceEvent {
  name: string;
  ph: "M" | "X" | "C" | "i";
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: "g" | "p" | "t";
  args?: Record<string, number | string>;
}

export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: "ms";
  otherData: Record<string, string>;
}

const PID = 1;
const TID = 1;

const us = (ns: number) => ns / 1000;

function metadata(title: string): TraceEvent[] {
  return [
    { name: "process_name", ph: "M", pid: PID, tid: TID, args: { name: title } },
    { name: "thread_name", ph: "M", pid: PID, tid: TID, args: { name: "Criterion (modelled time)" } },
  ];
}

function callName(call: BodyCall): string {
  return call.phase === "warm-up" ? `warm-up round ${call.index}` : `measurement sample ${call.index}`;
}

/** Each body call as a span from where it began to where the next began (or the run ended). */
function spans(run: ScenarioRun, endNs: number): TraceEvent[] {
  return run.calls.map((call, i) => {
    const start = call.modelledNs!;
    const end = run.calls[i + 1]?.modelledNs ?? endNs;
    const args = { iters: call.iters, "instances before": call.instancesBefore };
    return { name: callName(call), cat: call.phase, ph: "X", pid: PID, tid: TID, ts: us(start), dur: us(end - start), args };
  });
}

/** The series as two counter tracks: live Rust bytes by site, and the footprint the limit measures. */
function counters(run: ScenarioRun): TraceEvent[] {
  const limit = run.scenario.memory.limitBytes;
  return run.series.flatMap((p) => {
    if (p.modelledNs === undefined) return [];
    const ts = us(p.modelledNs);
    const footprint: Record<string, number> = { footprint: p.footprintBytes, ...(limit === null ? {} : { limit }) };
    return [
      { name: "live bytes by site", ph: "C", pid: PID, tid: TID, ts, args: { ...p.bySite } },
      { name: "footprint (bytes)", ph: "C", pid: PID, tid: TID, ts, args: footprint },
    ];
  });
}

function refusal(run: ScenarioRun, endNs: number): TraceEvent[] {
  const f = run.failure;
  if (!f) return [];
  const args = { site: f.record.siteName, bytes: f.record.bytes, reason: f.record.reason, instance: f.instance };
  return [{ name: `refused: ${f.record.siteName}, ${f.record.bytes} B`, cat: "failure", ph: "i", s: "p", pid: PID, tid: TID, ts: us(endNs), args }];
}

/** The trace of `run`, or null when it ran under the real clock (no modelled time to place events at). */
export function traceEvents(run: ScenarioRun, title: string): TraceFile | null {
  const endNs = run.endModelledNs;
  if (endNs === undefined || run.calls.some((c) => c.modelledNs === undefined)) return null;
  return {
    traceEvents: [...metadata(title), ...spans(run, endNs), ...counters(run), ...refusal(run, endNs)],
    displayTimeUnit: "ms",
    otherData: {
      clock: "modelled time: the virtual clock of the scenario (src/harness/clock.ts), not a measurement",
      variant: run.scenario.variant,
      outcome: run.outcome,
    },
  };
}
