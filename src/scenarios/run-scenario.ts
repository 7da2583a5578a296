// Running a scenario: the seed's benchmark body inside the Criterion-faithful harness, over a
// fresh lab. Each iteration's setup builds the structure (so it is where allocations can fail), the
// routine runs the upserts and consumes the structure (dropping it inside the timed window, as a
// by-value `|idx| { ... }` closure does), and nothing is caught but the model's own refusal: an
// AllocationFailedError ends the run as the native program's abort would, and the harness's
// observer says which phase, round and iteration it happened in.

import { Lab } from "../memory/lab.js";
import type { FailureRecord, Figures, LedgerSnapshot } from "../memory/ledger.js";
import { AllocationFailedError } from "../errors.js";
import { tableBytesFor } from "../index/optimised-index.js";
import { tableTime, type TableTime } from "../index/table-cost.js";
import { runBenchmark, type BenchmarkResult, type CallContext } from "../harness/runner.js";
import { RealClock, VirtualClock, type Clock } from "../harness/clock.js";
import type { Bencher } from "../harness/bencher.js";
import { holdGuard } from "../instance/variants.js";
import { instanceLife, type Instance } from "../instance/life.js";
import { applyScenario, type Scenario } from "./scenario.js";

/** Live Rust bytes by site, sampled after an instance is dropped. */
export interface SeriesPoint {
  instance: number;
  liveBytes: number;
  bySite: Record<string, number>;
  /** The footprint the limit applies to (glibc's chunks or segstream's memory). */
  footprintBytes: number;
  /** Criterion's phase and round (warm-up) or sample (measurement) at the point; absent before the first call. */
  phase?: CallContext["phase"];
  round?: number;
  /** Modelled time (the virtual clock's reading, ns) at the point; absent under the real clock. */
  modelledNs?: number;
}

/** One call of the benchmark's body: a warm-up round or a measurement sample, where it began. */
export interface BodyCall {
  phase: CallContext["phase"];
  /** The warm-up round or the measurement sample (1-based). */
  index: number;
  iters: number;
  /** Instances set up before the call began. */
  instancesBefore: number;
  /** Modelled time when the call began (the virtual clock's ns); absent under the real clock. */
  modelledNs?: number;
}

export interface FailureAt {
  record: FailureRecord;
  /** What the refused request would have added to the limited footprint (glibc: its chunk; segstream: the growth). */
  requestFootprintBytes: number;
  /** 1-based number of the instance whose setup was refused. */
  instance: number;
  context: CallContext;
  /** 0-based iteration within that body call. */
  iteration: number;
  /** The lab's linear memory when the request was refused (the engine's side of an "engine" refusal). */
  memoryBytes: number;
}

export interface ScenarioRun {
  scenario: Scenario;
  outcome: "allocation-failed" | "completed";
  /** Setups that returned (instances built). */
  instancesCreated: number;
  failure: FailureAt | null;
  /** Live Rust bytes by site at the failure (from its record), or at the end. */
  liveBytesBySite: Record<string, number>;
  /**
   * Rust bytes each dropped instance leaves behind, as the slope of live bytes over the second half
   * of the run (so bounded garbage, which levels off, reads as 0 and a leak as its size).
   */
  retainedBytesPerInstance: number;
  /** Table bytes one setup requests (OptimisedIndex), by the sizing rule. */
  tableBytes: number;
  /** What one setup's table adds in virtual time (control bytes written; 0 for a flat table or a bare stream). */
  tableTime: TableTime;
  warmUpRounds: { round: number; iters: number }[];
  /** Every body call in order, and the modelled time the run ended at (the trace's spans, report/trace-events.ts). */
  calls: BodyCall[];
  endModelledNs?: number;
  /** Completed runs only: Criterion's full result. */
  benchmark: BenchmarkResult | null;
  ledger: LedgerSnapshot;
  /** The Rust figures when the measurement began (null if it never did): report/criterion-memory.ts. */
  warmUpLedger: Figures | null;
  series: SeriesPoint[];
  elapsedMs: number;
}

export interface RunProgress {
  (instances: number, context: CallContext): void;
}

const WASM_PAGE = 65536;

/** Instances between series points: enough for a smooth plot, few enough to stay cheap. */
const SERIES_STRIDE = 4096;

function clockFor(scenario: Scenario): Clock {
  return scenario.clock === "virtual" ? new VirtualClock(scenario.cost) : new RealClock();
}

const NO_TABLE_TIME: TableTime = { controlBytes: 0, setupNs: 0, dropNs: 0 };

function tableTimeOf(lab: Lab, scenario: Scenario): TableTime {
  return scenario.structure === "OptimisedIndex" ? tableTime(lab, scenario.indexCapacity, scenario.indexTable, scenario.cost) : NO_TABLE_TIME;
}

/** Advances a virtual clock by `ns` of work the Bencher does not report (the table's, table-cost.ts). */
function spend(clock: Clock, ns: number): void {
  if (ns && clock instanceof VirtualClock) clock.advance(ns);
}

function footprintOf(ledger: LedgerSnapshot): number {
  return ledger.heap.footprintModel === "glibc" ? ledger.heap.glibcFootprintBytes : ledger.heap.footprintBytes;
}

function point(instance: number, ledger: LedgerSnapshot): SeriesPoint {
  const bySite: Record<string, number> = {};
  for (const site of ledger.sites) if (site.rust && site.liveBytes) bySite[site.name] = site.liveBytes;
  return { instance, liveBytes: ledger.rust.liveBytes, bySite, footprintBytes: footprintOf(ledger) };
}

/** Adds the modelled time (virtual clock only) to a point or a call record. */
function stamped<T extends { modelledNs?: number }>(record: T, clock: Clock): T {
  if (clock instanceof VirtualClock) record.modelledNs = clock.now();
  return record;
}

/** Adds where in Criterion's run the point was taken (the timeline's phases, rounds, clock axis). */
function placed(p: SeriesPoint, ctx: CallContext | undefined, clock: Clock): SeriesPoint {
  if (ctx) {
    p.phase = ctx.phase;
    p.round = ctx.phase === "warm-up" ? ctx.round : ctx.sample;
  }
  return stamped(p, clock);
}

/** Live-bytes slope between the series points nearest half way and the last one within `dropped`. */
function retainedSlope(series: SeriesPoint[], dropped: number): number {
  const points = series.filter((p) => p.instance <= dropped);
  const last = points.at(-1);
  const mid = points.find((p) => p.instance >= dropped / 2);
  if (!last || !mid || last.instance === mid.instance) {
    return last && last.instance ? (last.liveBytes - series[0].liveBytes) / last.instance : 0;
  }
  // Bounded garbage wobbles around its level: a slightly negative slope means nothing is kept.
  return Math.max(0, (last.liveBytes - mid.liveBytes) / (last.instance - mid.instance));
}

/** The limit the model's heap enforces: the process's limit less the baseline the process holds anyway. */
function heapLimit(m: Scenario["memory"]): number {
  if (m.limitBytes === null) return 0;
  return Math.max(1, m.limitBytes - (m.baselineBytes ?? 0));
}

/** Runs `scenario` (checked first: a ScenarioError, a RangeError, names a bad field). */
export function runScenario(scenario: Scenario, progress?: RunProgress): ScenarioRun {
  applyScenario(scenario, {});
  const started = performance.now();
  const m = scenario.memory;
  const lab = Lab.create({ limitBytes: heapLimit(m), growth: m.growth, chunkPages: m.chunkPages, footprint: m.footprint });
  holdGuard(lab, scenario.variant);
  const { setup, routine } = instanceLife(lab, {
    variant: scenario.variant,
    pageSlots: scenario.pageSlots,
    indexCapacity: scenario.structure === "OptimisedIndex" ? scenario.indexCapacity : undefined,
    indexer: scenario.indexer,
    indexTable: scenario.indexTable,
    values: scenario.upsertsPerIteration,
  });
  const table = tableTimeOf(lab, scenario);
  const clock = clockFor(scenario);
  lab.reserveScratch(); // allocated before the benchmark, so the series shows the instances alone
  const series: SeriesPoint[] = [stamped(point(0, lab.ledger()), clock)];
  const calls: BodyCall[] = [];
  let created = 0;
  let context: CallContext | undefined;
  let bencher: Bencher | undefined;
  let warmUpLedger: Figures | null = null;
  const counted = () => {
    created++;
    const instance = setup();
    spend(clock, table.setupNs);
    return instance;
  };
  const consume = (instance: Instance) => {
    routine(instance);
    spend(clock, table.dropNs);
    if (created % SERIES_STRIDE === 0) {
      series.push(placed(point(created, lab.ledger()), context, clock));
      if (context) progress?.(created, context);
    }
  };
  let benchmark: BenchmarkResult | null = null;
  let failure: FailureAt | null = null;
  try {
    benchmark = runBenchmark(
      scenario.name,
      (b) => b.iterBatched(counted, consume, scenario.batchSize),
      { warmUpTimeNs: scenario.warmUpMs * 1e6, measurementTimeNs: scenario.measurementMs * 1e6, sampleSize: scenario.sampleSize },
      clock,
      (ctx, b) => {
        context = ctx;
        bencher = b;
        calls.push(stamped<BodyCall>({ phase: ctx.phase, index: ctx.phase === "warm-up" ? ctx.round : ctx.sample, iters: ctx.iters, instancesBefore: created }, clock));
        if (ctx.phase === "measurement") warmUpLedger ??= lab.ledger().rust;
      },
    );
  } catch (error) {
    if (!(error instanceof AllocationFailedError) || !error.failure || !context || !bencher) throw error;
    const record = error.failure;
    const requestFootprintBytes = scenario.memory.footprint === "glibc" ? lab.raw.glibcChunkBytes(record.bytes) : record.pagesWanted * WASM_PAGE;
    failure = { record, requestFootprintBytes, instance: created, context, iteration: bencher.setupsRun, memoryBytes: lab.memory.buffer.byteLength };
  }
  const ledger = lab.ledger();
  series.push(placed(point(created, ledger), context, clock));
  const dropped = failure ? created - 1 : created;
  return {
    scenario,
    outcome: failure ? "allocation-failed" : "completed",
    instancesCreated: failure ? created - 1 : created,
    failure,
    liveBytesBySite: failure ? failure.record.liveBytesBySite : point(created, ledger).bySite,
    retainedBytesPerInstance: retainedSlope(series, dropped),
    tableBytes: scenario.structure === "OptimisedIndex" ? tableBytesFor(lab, scenario.indexCapacity, scenario.indexTable) : 0,
    tableTime: table,
    warmUpRounds: calls.filter((c) => c.phase === "warm-up").map((c) => ({ round: c.index, iters: c.iters })),
    calls,
    endModelledNs: clock instanceof VirtualClock ? clock.now() : undefined,
    benchmark,
    ledger,
    warmUpLedger,
    series,
    elapsedMs: performance.now() - started,
  };
}
