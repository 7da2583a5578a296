// SQLite's out-of-memory discipline over the lab: run an operation with its k-th allocation refused
// (lab.injectFailure(k)), for k = 1, 2, ... until the operation completes with the injection still
// armed (it made fewer than k allocations), each time in a fresh lab, and after every refused run
// check that nothing was lost or corrupted:
//
//   1. the operation threw AllocationFailedError with failure.reason "injected" (never a success
//      that swallowed the refusal, never another error);
//   2. every structure still holds exactly what the models say went in (models.ts gives the rule
//      for each call), no deferred counter ran more often than it was deferred, lab.check() passes;
//   3. the operation, taken up again at the refused step (a batch at its first value not taken),
//      completes, and every structure takes new values;
//   4. after dropping everything and draining the epoch, each counter ran exactly as often as it was
//      deferred, and the live bytes and blocks of every site (and the bad-free counts) equal those
//      of the same script run without a fault: nothing leaked, nothing freed twice.
//
// A script is a setup, which builds the starting state with no fault armed, and the steps of the
// operation under test; each step goes through the world's models (world.ts).

import assert from "node:assert/strict";
import { AllocationFailedError, Lab, type LabOptions } from "../../src/index.js";
import { World } from "./world.js";
import { drainEpoch, settledFigures, figuresDifference, type SettledFigures } from "./settle.js";

export type Step = () => void;

export interface FaultScript {
  name: string;
  lab?: LabOptions;
  /** Builds the starting state (nothing injected) and returns the operation's steps. */
  setup(world: World): Step[];
}

export interface SweepOptions {
  /** Run only some k (always the first `dense` and the last, which completes): for slow builds. */
  stride?: number;
  dense?: number;
}

export interface SweepResult {
  /** Runs made, the fault-free one included. */
  cases: number;
  /** Allocations the operation makes when nothing is refused. */
  allocations: number;
  /** One line per run that broke a promise: k and what. */
  failures: string[];
}

interface RunRecord {
  armed: boolean;
  calls: number;
  figures: SettledFigures;
}

function runOnce(script: FaultScript, k: number): RunRecord {
  const lab = Lab.create(script.lab);
  const world = new World(lab);
  const steps = script.setup(world);
  world.verify("after setup");
  lab.check();
  const callsBefore = lab.allocationCalls;
  if (k > 0) lab.injectFailure(k);
  let next = 0;
  let refusal: AllocationFailedError | undefined;
  let armed: boolean;
  try {
    for (; next < steps.length; next++) steps[next]();
  } catch (error) {
    if (!(error instanceof AllocationFailedError) || k === 0) throw error;
    refusal = error;
  } finally {
    armed = lab.injectionArmed;
    lab.injectFailure(0);
  }
  const calls = lab.allocationCalls - callsBefore;
  if (k > 0 && !armed) {
    assert.ok(refusal, `allocation ${k} was refused, yet step ${next} of the operation reported success`);
    assert.equal(refusal.failure?.reason, "injected", `the refusal reported is the injected one (${refusal.message})`);
    world.verify("after the refusal");
    lab.check();
    for (; next < steps.length; next++) steps[next]();
  } else {
    assert.equal(refusal, undefined, `no allocation was refused, yet the operation threw ${refusal?.message}`);
  }
  world.verify("after the operation");
  lab.check();
  world.acceptsNew();
  world.verify("after new values");
  lab.check();
  world.teardown();
  drainEpoch(lab, world.participants());
  lab.check();
  world.counters.forEach((c, i) => assert.equal(world.runs(c), c.deferred, `counter ${i} ran exactly once per accepted defer`));
  return { armed, calls, figures: settledFigures(lab) };
}

const MAX_K = 20_000;

/** Sweeps k over the script's allocations (see the top of this file). */
export function sweep(script: FaultScript, options: SweepOptions = {}): SweepResult {
  const reference = runOnce(script, 0);
  const allocations = reference.calls;
  const only = process.env.OOM_K ? Number(process.env.OOM_K) : undefined;
  const failures: string[] = [];
  let cases = 1;
  const stride = options.stride ?? 1;
  const dense = options.dense ?? Infinity;
  for (let k = 1; k <= MAX_K; k++) {
    const last = k === allocations + 1;
    if (only !== undefined ? k !== only : !last && k > dense && k % stride !== 0) {
      if (k > allocations) break;
      continue;
    }
    cases++;
    let run: RunRecord;
    try {
      run = runOnce(script, k);
    } catch (error) {
      failures.push(`k=${k}: ${(error as Error).message.split("\n")[0]}`);
      if (k > allocations) break;
      continue;
    }
    const leak = figuresDifference(run.figures, reference.figures);
    if (leak) failures.push(`k=${k}: after the drop and drain, against the fault-free run: ${leak}`);
    if (run.armed) {
      if (!last) failures.push(`k=${k}: the operation completed with the injection armed, but the fault-free run made ${allocations} allocations`);
      break;
    }
    if (k > allocations) {
      failures.push(`k=${k}: refused, but the fault-free run made only ${allocations} allocations`);
      break;
    }
  }
  return { cases, allocations, failures };
}

/** The assertion a test makes of a sweep: no failures, with a reproduction line for the first. */
export function assertSweep(script: FaultScript, result: SweepResult, file: string): void {
  if (result.failures.length === 0) return;
  const shown = result.failures.slice(0, 6).map((f) => `  ${f}`).join("\n");
  const firstK = /^k=(\d+)/.exec(result.failures[0])?.[1];
  assert.fail(
    `${script.name}: ${result.failures.length} of ${result.cases} runs broke a promise (the operation makes ${result.allocations} allocations):\n${shown}\n` +
    `reproduce: OOM_K=${firstK} node --test --test-name-pattern='${script.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}' ${file}`,
  );
}
