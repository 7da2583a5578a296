// The harness never reads time directly: it asks a Clock. Criterion measures with Instant::now(),
// which a test cannot steer, so the Bencher also reports *what* it is about to account for
// (`charge`) at fixed points. A RealClock ignores those reports and reads the monotonic timer; a
// VirtualClock ignores the timer and advances only when charged, so a scenario ("setup 1 µs,
// routine 4.75 µs") replays to the same nanosecond every time, warm-up rounds and all.
//
// How the Bencher charges (this is the contract a CostModel is written against):
//   - "setup"     once, right after each setup() returns (always outside a timed window);
//   - "routine"   once, right after each routine call returns (inside the timed window);
//   - "iteration" once per iteration, immediately after that iteration's "routine" charge (inside
//                 the window). With only iterationNs set, an iteration is one lump: setup, routine
//                 and drops together, all of it landing inside the window;
//   - "drop"      once, right after each caller-supplied drop hook (dropInput / dropOutput) runs,
//                 at the point where Criterion's drop happens (inside the window for a by-value
//                 input, outside for outputs and for `_ref` inputs). No hook, no drop charge.
// Every charge passes count = 1; `count` exists for callers that account in bulk.

/** Nanosecond time source plus the Bencher's accounting reports. */
export interface Clock {
  /** Monotonic time in nanoseconds (origin arbitrary). */
  now(): number;
  /** The Bencher is accounting for `count` (default 1) units of `kind` work that just happened. */
  charge(kind: ChargeKind, count?: number): void;
}

export type ChargeKind = "setup" | "routine" | "drop" | "iteration";

/** Virtual cost, in nanoseconds, of one unit of each kind of work. Missing kinds cost nothing. */
export interface CostModel {
  setupNs?: number;
  routineNs?: number;
  dropNs?: number;
  iterationNs?: number;
}

function requireNs(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

function requireCount(count: unknown): number {
  if (typeof count !== "number" || !Number.isFinite(count) || count < 0) {
    throw new RangeError(`charge count must be a finite number >= 0, got ${String(count)}`);
  }
  return count;
}

const KINDS: readonly ChargeKind[] = ["setup", "routine", "drop", "iteration"];

function requireKind(kind: unknown): ChargeKind {
  if (!KINDS.includes(kind as ChargeKind)) {
    throw new RangeError(`charge kind must be one of ${KINDS.join(", ")}, got ${String(kind)}`);
  }
  return kind as ChargeKind;
}

/** Wall time from process.hrtime.bigint(), relative to construction so it stays exact as a number. */
export class RealClock implements Clock {
  private readonly origin = process.hrtime.bigint();

  now(): number {
    return Number(process.hrtime.bigint() - this.origin);
  }

  charge(kind: ChargeKind, count = 1): void {
    requireKind(kind);
    requireCount(count);
  }
}

/** Time that moves only when charged: cost × count per charge, per the CostModel. */
export class VirtualClock implements Clock {
  readonly costs: Readonly<Required<CostModel>>;
  private t: number;

  constructor(costs: CostModel = {}, startNs = 0) {
    if (costs === null || typeof costs !== "object") throw new TypeError("costs must be a CostModel object");
    this.costs = Object.freeze({
      setupNs: requireNs("setupNs", costs.setupNs ?? 0),
      routineNs: requireNs("routineNs", costs.routineNs ?? 0),
      dropNs: requireNs("dropNs", costs.dropNs ?? 0),
      iterationNs: requireNs("iterationNs", costs.iterationNs ?? 0),
    });
    this.t = requireNs("startNs", startNs);
  }

  now(): number {
    return this.t;
  }

  charge(kind: ChargeKind, count = 1): void {
    requireKind(kind);
    const n = requireCount(count);
    this.t += this.costs[`${kind}Ns`] * n;
  }

  /** Move time forward by hand (e.g. to model work the Bencher does not report). */
  advance(ns: number): void {
    this.t += requireNs("advance ns", ns);
  }
}
