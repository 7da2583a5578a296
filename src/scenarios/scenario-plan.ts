// A scenario must end. With the real clock, time does that (warm-up and measurement are bounded
// in bounds.ts). With the virtual clock, time moves only by the costs charged, so a cost near 0 ns
// would keep Criterion's warm-up doubling for ever: the iterations the run plans are worked out
// here, before it starts, from Criterion's own plan (harness/plan.ts), and bounded.
//
// Each iteration charges setupNs, routineNs and iterationNs once (harness/clock.ts); dropNs is
// charged only around a drop hook, and a scenario's routine drops its input itself, so it never is.

import { warmUp, measurementPlan } from "../harness/plan.js";
import { makeConfig } from "../harness/config.js";
import { MAX_INSTANCES, MAX_TOTAL_VALUES } from "../bounds.js";
import { fail } from "./scenario-fields.js";
import type { CostModel } from "../harness/clock.js";

/** What a plan depends on: a Scenario's clock, costs, times and values per iteration. */
export interface PlanInputs {
  clock: string;
  cost: CostModel;
  warmUpMs: number;
  measurementMs: number;
  sampleSize: number;
  upsertsPerIteration: number;
}

const count = (n: number) => n.toLocaleString("en-US");

/** Virtual nanoseconds one iteration advances the clock. */
export function iterationCostNs(scenario: PlanInputs): number {
  const c = scenario.cost;
  return (c.setupNs ?? 0) + (c.routineNs ?? 0) + (c.iterationNs ?? 0);
}

/** Warm-up plus measurement iterations the virtual clock plans, or Infinity past MAX_INSTANCES. */
export function plannedIterations(scenario: PlanInputs): number {
  const cost = iterationCostNs(scenario);
  let warm;
  try {
    // Bencher: a body call's elapsed time is at least 1 ns.
    warm = warmUp((iters) => Math.max(1, iters * cost), scenario.warmUpMs * 1e6, MAX_INSTANCES);
  } catch (error) {
    if (error instanceof RangeError) return Number.POSITIVE_INFINITY;
    throw error;
  }
  const config = makeConfig({ sampleSize: scenario.sampleSize, warmUpTimeNs: scenario.warmUpMs * 1e6, measurementTimeNs: scenario.measurementMs * 1e6 });
  return warm.totalIters + measurementPlan(warm.metNs, config).totalIters;
}

/** Throws a ScenarioError naming the costs and times if a virtual-clock run would not end in bounds. */
export function checkPlan(scenario: PlanInputs): void {
  if (scenario.clock !== "virtual") return;
  if (!(iterationCostNs(scenario) > 0)) {
    fail("cost", "a virtual clock needs at least one cost above 0 ns among setupNs, routineNs and iterationNs (dropNs is never charged: each routine drops its input itself)");
  }
  const planned = plannedIterations(scenario);
  const what = `warm-up ${count(scenario.warmUpMs)} ms and measurement ${count(scenario.measurementMs)} ms (${count(scenario.sampleSize)} samples) at ${iterationCostNs(scenario)} ns an iteration`;
  if (planned > MAX_INSTANCES) {
    fail("cost", `${what} plan ${Number.isFinite(planned) ? count(planned) : `more than ${count(MAX_INSTANCES)}`} iterations; at most ${count(MAX_INSTANCES)}: raise the costs or shorten warmUpMs, measurementMs`);
  }
  if (planned * scenario.upsertsPerIteration > MAX_TOTAL_VALUES) {
    fail("upsertsPerIteration", `${count(scenario.upsertsPerIteration)} values in each of the ${count(planned)} planned iterations (${what}) is more than ${count(MAX_TOTAL_VALUES)} values over the run`);
  }
}
