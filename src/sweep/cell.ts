// One cell's run and the result a sweep keeps of it: the outcome (failing instance and request, or
// "completes"), the failure's site, bytes, phase and round. The same function runs in a worker
// thread, in a test, or on another machine: its only input is the cell's scenario.

import { runScenario } from "../scenarios/run-scenario.js";
import type { Cell } from "./grid.js";

export interface CellResult {
  key: string;
  axes: Cell["axes"];
  outcome: "allocation-failed" | "completed" | "error";
  /** 1-based instance whose setup was refused (null unless allocation-failed). */
  instance: number | null;
  requestBytes: number | null;
  site: string | null;
  phase: "warm-up" | "measurement" | null;
  /** Warm-up round or measurement sample, from 1. */
  round: number | null;
  instancesCreated: number | null;
  /** What went wrong when the run itself threw (outcome "error": retried by --resume). */
  error: string | null;
  elapsedMs: number;
  scenario: Cell["scenario"];
}

/** Runs the cell's scenario and keeps what the sweep reports. */
export function runCell(cell: Cell): CellResult {
  const run = runScenario(cell.scenario);
  const f = run.failure;
  return {
    key: cell.key,
    axes: cell.axes,
    outcome: run.outcome,
    instance: f ? f.instance : null,
    requestBytes: f ? f.record.bytes : null,
    site: f ? f.record.siteName : null,
    phase: f ? f.context.phase : null,
    round: f ? (f.context.phase === "warm-up" ? f.context.round : f.context.sample) : null,
    instancesCreated: run.instancesCreated,
    error: null,
    elapsedMs: Math.round(run.elapsedMs),
    scenario: cell.scenario,
  };
}

/** The result of a cell whose run threw or whose worker died. */
export function errorResult(cell: Cell, error: string): CellResult {
  return {
    key: cell.key, axes: cell.axes, outcome: "error", instance: null, requestBytes: null, site: null, phase: null,
    round: null, instancesCreated: null, error, elapsedMs: 0, scenario: cell.scenario,
  };
}
