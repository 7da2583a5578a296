// The runner, flag parser and report helpers the benchmarks in bench/ share: untimed setup, one
// timed run, untimed check.
//
// Every case runs `warmup` untimed rounds first (so V8 has optimised its loops), then `reps` timed
// rounds. Rounds are interleaved across cases (round-robin, one run of every case per round), so
// drift in the machine's state (frequency, other load) spreads over all cases instead of biasing
// the ones that ran last. A full GC runs before every run, outside the timed window, so garbage a
// previous case left (millions of objects, old labs' memories) is not collected inside another's.
// Each run's checksum is folded into a sink, so the engine cannot drop the work that made it. Per
// case the runner gives the median and [min, max] over the timed runs, both as a rate (M ops/s)
// and as ns/op, plus the minor page faults and the CPU share inside the timed window.
//
// Every benchmark takes --json, --n, --reps, --warmup, --clock wall|cpu and --filter (parseFlags),
// and may add its own flags; each keeps only its cases, its baselines, its ratios and its analysis.
//
// Not a test: nothing here asserts on speed.

import { availableParallelism, loadavg } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// --- cases and the runner ---

export type Group = "baseline" | "segstream" | "diagnostic";

/** One benchmark: `setup` and `check` are untimed; `run` is timed and returns a checksum. */
export interface Case<S> {
  id: string;
  label: string;
  group: Group;
  /** Operations per run (values appended, calls made): the rate's numerator, ns/op's denominator. */
  ops: number;
  setup(): S;
  run(state: S): number;
  /** Sanity check after a run (length, last value, checksum); throw to abort. Untimed. */
  check?(state: S, checksum: number): void;
}

/** One figure over the timed runs: every run's value, their median, min and max. */
export interface Spread {
  samples: number[];
  median: number;
  min: number;
  max: number;
}

export interface Stats {
  /** Million operations per second. */
  rate: Spread;
  /** Nanoseconds per operation (the median of the runs' ns/op, not 1e3 / rate.median). */
  nsPerOp: Spread;
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
  rate: number;
  nsPerOp: number;
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
  const ns = clock === "cpu" ? Math.max(cpuNs, 1) : elapsed;
  // ops per ns * 1e3 = M ops / s
  return { rate: (c.ops / ns) * 1e3, nsPerOp: ns / c.ops, faults, cpuShare: cpuNs / elapsed };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function spread(samples: number[]): Spread {
  return { samples, median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
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
    const s = samples.get(c.id)!;
    stats.set(c.id, {
      rate: spread(s.map((x) => x.rate)), nsPerOp: spread(s.map((x) => x.nsPerOp)),
      faults: median(s.map((x) => x.faults)), cpuShare: median(s.map((x) => x.cpuShare)),
    });
  }
  return stats;
}

/**
 * Keeps the cases --filter TEXT names (their id contains TEXT), every baseline (so the ratios have
 * denominators) and the ids in `always`; then runs them, with progress on stderr when it is a terminal.
 */
export function measure<C extends Case<any>>(cases: readonly C[], flags: Flags, always: readonly string[] = []): { cases: C[]; stats: Map<string, Stats> } {
  const f = flags.filter;
  const chosen = f ? cases.filter((c) => c.group === "baseline" || c.id.includes(f) || always.includes(c.id)) : [...cases];
  const tty = process.stderr.isTTY;
  const progress = (message: string) => { if (tty) process.stderr.write(`\r\x1b[K${message}`); };
  const stats = runAll(chosen, { warmup: flags.warmup, reps: flags.reps, clock: flags.clock, progress });
  if (tty) process.stderr.write("\r\x1b[K");
  return { cases: chosen, stats };
}

/** One state per case, made at its first setup and kept: later runs continue with the same state. */
export function once<S>(make: () => S): () => S {
  let state: S | undefined;
  return () => (state ??= make());
}

/**
 * The call floor: `n` calls of a trivial raw export (`call(arg)`, one atomic load). Each benchmark
 * process passes one export only, so the call site stays monomorphic, as a loop of its own would be.
 */
export function emptyCalls(call: (arg: number) => number, arg: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += call(arg);
  return sum + n;
}

// --- flags ---

/** The flags every benchmark takes. */
export interface Flags {
  json: boolean;
  n: number;
  reps: number;
  warmup: number;
  clock: Clock;
  filter: string | undefined;
}

/** Reads the current flag's value: raw, or as a whole number in [min, max]. */
export interface FlagValue {
  text(): string;
  count(min: number, max?: number): number;
}

export interface FlagSpec {
  /** The --help line after "usage: ". */
  usage: string;
  /** Defaults and the range --n accepts. */
  n: number;
  nMin: number;
  nMax?: number;
  reps: number;
  warmup: number;
  /** A benchmark's own flags: handles `arg` (reading its value from `value`) and returns true, or returns false. */
  more?(arg: string, value: FlagValue): boolean;
}

/** Parses --json, --n, --reps, --warmup, --clock, --filter, --help and the spec's own flags; a bad one throws a RangeError. */
export function parseFlags(argv: readonly string[], spec: FlagSpec): Flags {
  const flags: Flags = { json: false, n: spec.n, reps: spec.reps, warmup: spec.warmup, clock: "wall", filter: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const text = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new RangeError(`${arg} needs a value`);
      return v;
    };
    const count = (min: number, max?: number): number => {
      const v = Number(text());
      if (!Number.isInteger(v) || v < min || (max !== undefined && v > max)) {
        throw new RangeError(`${arg} must be a whole number ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}`);
      }
      return v;
    };
    if (arg === "--json") flags.json = true;
    else if (arg === "--n") flags.n = count(spec.nMin, spec.nMax);
    else if (arg === "--reps") flags.reps = count(1);
    else if (arg === "--warmup") flags.warmup = count(0);
    else if (arg === "--filter") flags.filter = text();
    else if (arg === "--clock") {
      const v = text();
      if (v !== "wall" && v !== "cpu") throw new RangeError("--clock must be wall or cpu");
      flags.clock = v;
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write(`usage: ${spec.usage}\n`);
      process.exit(0);
    } else if (!spec.more?.(arg, { text, count })) throw new RangeError(`unknown argument ${arg}`);
  }
  return flags;
}

// --- reporting ---

/** The machine and the load average at the start and now: the head of every benchmark's JSON meta. */
export function environment(loadStart: number) {
  return {
    node: process.version, v8: process.versions.v8, platform: `${process.platform}-${process.arch}`, cpus: availableParallelism(),
    loadAverage: [loadStart, loadavg()[0]].map((x) => Number(x.toFixed(2))),
  };
}

export type Environment = ReturnType<typeof environment>;

export function environmentLine(env: Environment): string {
  return `node ${env.node} (V8 ${env.v8}), ${env.platform}, ${env.cpus} CPUs`;
}

/** A number with `digits` decimals below 100, one fewer below 1000, none above; "NaN" if not finite. */
export function fmt(x: number, digits: number): string {
  if (!Number.isFinite(x)) return "NaN"; // the analyses drop lines that mention a case that did not run
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  if (Math.abs(x) >= 100) return x.toFixed(Math.max(0, digits - 1));
  return x.toFixed(digits);
}

export function percent(share: number): string {
  return `${(100 * share).toFixed(0)}%`;
}

/** A plain-text table: columns padded to their widest cell, `right(col)` ones right-aligned. */
export function table(headers: readonly string[], body: readonly string[][], right: (col: number) => boolean): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (right(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/**
 * The results table (`right(col)` columns right-aligned), then, with the wall clock, a warning naming
 * the cases that got under 90% of a CPU while timed (their figures are noisy), then a blank line.
 */
export function resultsTable(
  headers: readonly string[], body: readonly string[][], right: (col: number) => boolean,
  rows: readonly { id: string; cpuShare: number }[], clock: Clock, env: Environment,
): string[] {
  const lines = [table(headers, body, right)];
  const noisy = rows.filter((r) => r.cpuShare < 0.9).map((r) => r.id);
  if (noisy.length && clock === "wall") {
    lines.push(`WARNING: these cases got under 90% of a CPU while timed (other load on the machine; load average ${env.loadAverage.join(" -> ")}): ${noisy.join(", ")}`);
  }
  lines.push("");
  return lines;
}

/** Ends a text report: the analysis lines, the total time and the checksum; writes it all to stdout. */
export function printReport(out: string[], findings: readonly string[], seconds: number, checksum: number): void {
  out.push("Analysis (from the medians):");
  for (const line of findings) out.push(`  - ${line}`);
  out.push("");
  out.push(`total ${seconds.toFixed(1)} s; checksum ${checksum}`);
  process.stdout.write(out.join("\n") + "\n");
}

export function printJson(report: unknown): void {
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
}

/** Runs a benchmark's main: a bad flag (RangeError) prints its message and exits 2, another error its stack and exits 1. */
export function runMain(name: string, main: () => void): void {
  try {
    main();
  } catch (error) {
    const text = error instanceof RangeError ? error.message : error instanceof Error ? error.stack ?? error.message : String(error);
    process.stderr.write(`${name}: ${text}\n`);
    process.exit(error instanceof RangeError ? 2 : 1);
  }
}
