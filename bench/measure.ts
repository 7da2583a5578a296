// A small timing harness for throughput benchmarks: untimed setup, one timed run, untimed check.
//
// Every case runs `warmup` untimed rounds first (so V8 has optimised its loops), then `reps` timed
// rounds. Rounds are interleaved across cases (round-robin, one run of every case per round), so
// drift in the machine's state (frequency, other load) spreads over all cases instead of biasing
// the ones that ran last. A full GC runs before every run, outside the timed window, so garbage a
// previous case left (millions of objects, old labs' memories) is not collected inside another's.
//
// Not a test: nothing here asserts on speed.

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** One benchmark: `setup` and `check` are untimed; `run` is timed and returns a checksum. */
export interface Case<S> {
  id: string;
  label: string;
  /** Values appended per run: the throughput numerator. */
  values: number;
  setup(): S;
  run(state: S): number;
  /** Sanity check after a run (length, last value); throw to abort. Untimed. */
  check?(state: S, checksum: number): void;
}

export interface Stats {
  /** Million values per second, per timed run. */
  samples: number[];
  median: number;
  min: number;
  max: number;
  /** Nanoseconds per value at the median rate. */
  nsPerValue: number;
  /** Minor page faults inside the timed window (first touches of memory), median over the timed runs. */
  faults: number;
  /**
   * CPU time this process got during the timed window over its wall time, median over the runs. Well
   * below 1 means the run was descheduled (other processes on the machine) and its figure is noisy.
   */
  cpuShare: number;
}

let forcedGc: (() => void) | undefined;

/** A callable full GC: `global.gc` if node ran with --expose-gc, else one enabled at run time. */
export function gc(): void {
  if (!forcedGc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) forcedGc = exposed;
    else {
      setFlagsFromString("--expose-gc");
      forcedGc = runInNewContext("gc") as () => void;
    }
  }
  forcedGc();
}

/** Wall time in nanoseconds. */
export function now(): bigint {
  return process.hrtime.bigint();
}

/** Results of a run are folded into this so the engine cannot drop the work that made them. */
let sink = 0;
export function consume(value: number): void {
  sink = (sink + value) % 9_007_199_254_740_881;
}
export function sinkValue(): number {
  return sink;
}

function minorFaults(): number {
  return process.resourceUsage().minorPageFault;
}

interface Sample {
  mvps: number;
  faults: number;
  cpuShare: number;
}

/**
 * Which elapsed time a rate is computed from. "wall": the timed window's wall time (the default).
 * "cpu": the CPU time the process got in the window (user + system, all threads: V8's helper
 * threads' GC work counts too), which leaves out time spent descheduled when other processes load
 * the machine.
 */
export type Clock = "wall" | "cpu";

function runOnce<S>(c: Case<S>, clock: Clock): Sample {
  // Collecting here also frees the previous run's memory (old labs' linear memories included): on
  // this machine page faults get several times slower once the process holds about 1 GiB.
  gc();
  const state = c.setup();
  const faultsBefore = minorFaults();
  const cpuBefore = process.cpuUsage();
  const start = now();
  const checksum = c.run(state);
  const elapsed = Number(now() - start);
  const cpu = process.cpuUsage(cpuBefore);
  const faults = minorFaults() - faultsBefore;
  consume(checksum);
  c.check?.(state, checksum);
  const cpuNs = (cpu.user + cpu.system) * 1e3;
  const cpuShare = cpuNs / elapsed;
  const ns = clock === "cpu" ? Math.max(cpuNs, 1) : elapsed;
  return { mvps: (c.values / ns) * 1e3, faults, cpuShare }; // values per ns * 1e3 = M values / s
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface RunOptions {
  warmup: number;
  reps: number;
  clock: Clock;
  /** Called after each case's warm-up and after each round, for progress output. */
  progress?: (message: string) => void;
}

/** Runs every case: warm-ups first (per case), then `reps` interleaved rounds. */
export function runAll(cases: readonly Case<any>[], options: RunOptions): Map<string, Stats> {
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.id, []]));
  for (const c of cases) {
    for (let i = 0; i < options.warmup; i++) runOnce(c, options.clock);
    options.progress?.(`warmed up ${c.id}`);
  }
  for (let round = 0; round < options.reps; round++) {
    // Rotate the starting case each round so no case always runs right after the same neighbour.
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + round) % cases.length];
      samples.get(c.id)!.push(runOnce(c, options.clock));
    }
    options.progress?.(`round ${round + 1}/${options.reps}`);
  }
  const stats = new Map<string, Stats>();
  for (const c of cases) {
    const s = samples.get(c.id)!.map((x) => x.mvps);
    const m = median(s);
    const faults = median(samples.get(c.id)!.map((x) => x.faults));
    const cpuShare = median(samples.get(c.id)!.map((x) => x.cpuShare));
    stats.set(c.id, { samples: s, median: m, min: Math.min(...s), max: Math.max(...s), nsPerValue: 1e3 / m, faults, cpuShare });
  }
  return stats;
}
