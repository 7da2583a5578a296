// OptimisedIndex upsert and get against JavaScript Maps, in one run.
//
//   node dist/bench/index.bench.js [--json] [--n UPSERTS] [--keys K] [--gets G] [--order random|cycle|both]
//                                  [--reps R] [--warmup W] [--clock wall|cpu] [--filter TEXT]
//
// Workload: N upserts (default 1,000,000) over K distinct number keys (default 100,000), value
// (a = key, b = i + 0.5), then G gets (default N) of keys that are all present. Key order "random":
// the upserts are N/K successive random permutations of the K keys, the gets uniform random keys;
// "cycle": key = i mod K for both. Both orders run by default (--order picks one). The index uses the "first-word" indexer, so a key is the value's
// first word, as a Map keyed by the number. M ops/s are median [min, max] over R timed runs after
// W warm-ups, rounds interleaved across cases with a full GC before every run (outside the window).
//
// Cases (per order)
//   baseline   map-tuple-upsert / -get   Map<number, [number, number]>: set(a, [a, b]) / get(a)[1]
//              map-f64-upsert / -get     Map<number, number> of positions into a Float64Array store
//                                        that doubles when full: the JS shape of stream + index
//   segstream  raw-upsert / raw-get      lab.raw.indexUpsert(address, a, b) / indexGet(address, a, 0, out)
//                                        then the value read from a Float64Array over the lab memory;
//                                        the index created with capacity 0 (its table grows by doubling)
//              raw-upsert-sized          the same, created with capacity K (no table growth)
//              typed-upsert / typed-get  OptimisedIndex.upsert(a, b) / OptimisedIndex.get(a)
//   diagnostic stream-append             raw streamAppend alone (the upsert minus the table)
//              raw-upsert-warm           raw upsert in a Lab whose heap held an index before (touched
//                                        memory: the first-touch share of raw-upsert)
//              raw-upsert-p4096          raw upsert with 4096-slot pages (1/64 of the page rollovers)
//              raw-get-tuple             raw get returning a fresh [a, b] from a view cached once: what
//                                        the typed get would cost without its per-call view and getter
//              raw-get-1page             raw get when every value sits in the active page (page of
//                                        2^20+ slots): streamGet's path without the stream mutex
//              empty-call                raw indexLen(address): one trivial JS -> wasm call
// Upsert cases time N upserts on a fresh Lab (fresh Map); get cases build the structure untimed first.
//
// Not a test: nothing asserts on speed. Sanity checks (sizes, the gets' checksum against a reference
// computed in JS) throw if a case did different work.

import { availableParallelism, loadavg } from "node:os";
import { Lab, OptimisedIndex } from "../src/index.js";
import { gc, now, consume, sinkValue, median } from "./measure.js";

// --- options ---

type Clock = "wall" | "cpu";
type Order = "random" | "cycle";

interface Options {
  json: boolean;
  n: number;
  keys: number;
  gets: number;
  orders: Order[];
  reps: number;
  warmup: number;
  clock: Clock;
  filter: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    json: false, n: 1_000_000, keys: 100_000, gets: -1, orders: ["random", "cycle"], reps: 5, warmup: 1, clock: "wall", filter: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new RangeError(`${arg} needs a value`);
      return v;
    };
    const count = (min: number, max = 2 ** 31 - 1): number => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${arg} must be a whole number from ${min} to ${max}`);
      return v;
    };
    if (arg === "--json") options.json = true;
    else if (arg === "--n") options.n = count(1024, 1 << 24);
    else if (arg === "--keys") options.keys = count(1, 1 << 24);
    else if (arg === "--gets") options.gets = count(1024, 1 << 26);
    else if (arg === "--reps") options.reps = count(1);
    else if (arg === "--warmup") options.warmup = count(0);
    else if (arg === "--filter") options.filter = value();
    else if (arg === "--order") {
      const v = value();
      if (v === "both") options.orders = ["random", "cycle"];
      else if (v === "random" || v === "cycle") options.orders = [v];
      else throw new RangeError("--order must be random, cycle or both");
    } else if (arg === "--clock") {
      const v = value();
      if (v !== "wall" && v !== "cpu") throw new RangeError("--clock must be wall or cpu");
      options.clock = v;
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write("usage: node dist/bench/index.bench.js [--json] [--n UPSERTS] [--keys K] [--gets G] [--order random|cycle|both] " +
        "[--reps R] [--warmup W] [--clock wall|cpu] [--filter TEXT]\n");
      process.exit(0);
    } else throw new RangeError(`unknown argument ${arg}`);
  }
  if (options.keys > options.n) throw new RangeError("--keys must not exceed --n (every key is upserted)");
  if (options.gets < 0) options.gets = options.n;
  return options;
}

// --- a small runner (M ops/s; same discipline as bench/measure.ts's runAll) ---

type Group = "baseline" | "segstream" | "diagnostic";
type Phase = "upsert" | "get" | "call";

interface BenchCase<S = any> {
  id: string;
  group: Group;
  phase: Phase;
  order: Order | null;
  label: string;
  ops: number;
  setup(): S;
  run(state: S): number;
  check?(state: S, checksum: number): void;
}

interface Sample {
  mops: number;
  cpuShare: number;
  faults: number;
}

function runOnce(c: BenchCase, clock: Clock): Sample {
  gc();
  const state = c.setup();
  const faultsBefore = process.resourceUsage().minorPageFault;
  const cpuBefore = process.cpuUsage();
  const start = now();
  const checksum = c.run(state);
  const wall = Number(now() - start);
  const cpu = process.cpuUsage(cpuBefore);
  const faults = process.resourceUsage().minorPageFault - faultsBefore;
  consume(checksum);
  c.check?.(state, checksum);
  const cpuNs = (cpu.user + cpu.system) * 1e3;
  return { mops: (c.ops / (clock === "cpu" ? Math.max(cpuNs, 1) : wall)) * 1e3, cpuShare: cpuNs / wall, faults };
}

interface Row {
  id: string;
  group: Group;
  phase: Phase;
  order: Order | null;
  label: string;
  opsPerRun: number;
  medianMops: number;
  minMops: number;
  maxMops: number;
  nsPerOp: number;
  cpuShare: number;
  /** Minor page faults (first touches of memory) in the timed window, median per run. */
  faultsPerRun: number;
  samplesMops: number[];
}

function runCases(cases: readonly BenchCase[], options: Options, progress: (m: string) => void): Row[] {
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.id, []]));
  for (const c of cases) {
    for (let i = 0; i < options.warmup; i++) runOnce(c, options.clock);
    progress(`warmed up ${c.id}`);
  }
  for (let round = 0; round < options.reps; round++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + round) % cases.length];
      samples.get(c.id)!.push(runOnce(c, options.clock));
    }
    progress(`round ${round + 1}/${options.reps}`);
  }
  return cases.map((c) => {
    const s = samples.get(c.id)!;
    const mops = s.map((x) => x.mops);
    const m = median(mops);
    return {
      id: c.id, group: c.group, phase: c.phase, order: c.order, label: c.label, opsPerRun: c.ops,
      medianMops: m, minMops: Math.min(...mops), maxMops: Math.max(...mops), nsPerOp: 1e3 / m,
      cpuShare: median(s.map((x) => x.cpuShare)), faultsPerRun: median(s.map((x) => x.faults)), samplesMops: mops,
    };
  });
}

// --- keys ---

interface Workload {
  order: Order;
  n: number;
  keys: number;
  /** Upsert keys, in order; the value of upsert i is (keys[i], i + 0.5). */
  upsertKeys: Int32Array;
  getKeys: Int32Array;
  /** Sum over the gets of the latest b of each key: what every get case must return. */
  expectedGetSum: number;
}

/** xorshift32: a fixed sequence, so every run and every case sees the same keys. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function workload(order: Order, n: number, keys: number, gets: number): Workload {
  const upsertKeys = new Int32Array(n);
  const getKeys = new Int32Array(gets);
  if (order === "cycle") {
    for (let i = 0; i < n; i++) upsertKeys[i] = i % keys;
    for (let i = 0; i < gets; i++) getKeys[i] = i % keys;
  } else {
    const random = rng(0x5eed);
    const perm = new Int32Array(keys);
    for (let base = 0; base < n; base += keys) {
      for (let k = 0; k < keys; k++) perm[k] = k;
      for (let k = keys - 1; k > 0; k--) {
        const j = Math.floor(random() * (k + 1));
        const t = perm[k];
        perm[k] = perm[j];
        perm[j] = t;
      }
      upsertKeys.set(perm.subarray(0, Math.min(keys, n - base)), base);
    }
    for (let i = 0; i < gets; i++) getKeys[i] = Math.floor(random() * keys);
  }
  const latest = new Float64Array(keys).fill(NaN);
  for (let i = 0; i < n; i++) latest[upsertKeys[i]] = i + 0.5;
  let expectedGetSum = 0;
  for (let i = 0; i < gets; i++) {
    const b = latest[getKeys[i]];
    expectedGetSum += Number.isNaN(b) ? -1 : b;
  }
  return { order, n, keys, upsertKeys, getKeys, expectedGetSum };
}

// --- workloads (plain functions, one shape each) ---

function mapTupleUpsert(map: Map<number, [number, number]>, keys: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < keys.length; i++) {
    const a = keys[i];
    map.set(a, [a, i + 0.5]);
    sum += i;
  }
  return sum;
}

function mapTupleGet(map: Map<number, [number, number]>, keys: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = map.get(keys[i]);
    sum += v === undefined ? -1 : v[1];
  }
  return sum;
}

/** Map of positions into a growable Float64Array of (a, b) pairs: append, then point the key at it. */
interface F64Index {
  map: Map<number, number>;
  words: Float64Array;
  length: number;
}

function f64Index(): F64Index {
  return { map: new Map(), words: new Float64Array(2 * 1024), length: 0 };
}

function mapF64Upsert(index: F64Index, keys: Int32Array): number {
  const map = index.map;
  let words = index.words;
  let length = index.length;
  let sum = 0;
  for (let i = 0; i < keys.length; i++) {
    const a = keys[i];
    if (2 * length === words.length) {
      const bigger = new Float64Array(2 * words.length);
      bigger.set(words);
      words = bigger;
    }
    words[2 * length] = a;
    words[2 * length + 1] = i + 0.5;
    map.set(a, length);
    sum += length;
    length++;
  }
  index.words = words;
  index.length = length;
  return sum;
}

function mapF64Get(index: F64Index, keys: Int32Array): number {
  const map = index.map;
  const words = index.words;
  let sum = 0;
  for (let i = 0; i < keys.length; i++) {
    const position = map.get(keys[i]);
    sum += position === undefined ? -1 : words[2 * position + 1];
  }
  return sum;
}

function rawUpsert(lab: Lab, address: number, keys: Int32Array): number {
  const upsert = lab.raw.indexUpsert;
  let sum = 0;
  for (let i = 0; i < keys.length; i++) sum += upsert(address, keys[i], i + 0.5);
  return sum;
}

function rawGet(lab: Lab, address: number, out: number, view: Float64Array, keys: Int32Array): number {
  const get = lab.raw.indexGet;
  const b = (out >>> 3) + 1;
  let sum = 0;
  for (let i = 0; i < keys.length; i++) sum += get(address, keys[i], 0, out) ? view[b] : -1;
  return sum;
}

/**
 * What OptimisedIndex.get would cost with a view cached once (the scratch block never moves, and a
 * shared memory's backing store never moves either): the raw get plus the [a, b] result array.
 */
function rawGetTuple(lab: Lab, address: number, out: number, view: Float64Array, keys: Int32Array): number {
  const get = lab.raw.indexGet;
  const w = out >>> 3;
  let sum = 0;
  for (let i = 0; i < keys.length; i++) {
    const v: [number, number] | undefined = get(address, keys[i], 0, out) ? [view[w], view[w + 1]] : undefined;
    sum += v === undefined ? -1 : v[1];
  }
  return sum;
}

function typedUpsert(index: OptimisedIndex, keys: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < keys.length; i++) sum += index.upsert(keys[i], i + 0.5);
  return sum;
}

function typedGet(index: OptimisedIndex, keys: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = index.get(keys[i]);
    sum += v === undefined ? -1 : v[1];
  }
  return sum;
}

function streamAppendOnly(lab: Lab, stream: number, keys: Int32Array): number {
  const append = lab.raw.streamAppend;
  let sum = 0;
  for (let i = 0; i < keys.length; i++) sum += append(stream, keys[i], i + 0.5);
  return sum;
}

function emptyCalls(lab: Lab, address: number, n: number): number {
  const len = lab.raw.indexLen;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += len(address);
  return sum + n;
}

// --- cases ---

/**
 * The index's linear-memory address. The class keeps it private; a public read-only accessor would
 * avoid this cast (see the report).
 */
function addressOf(index: OptimisedIndex): number {
  return (index as unknown as { address: number }).address;
}

interface IndexState {
  lab: Lab;
  index: OptimisedIndex;
  address: number;
  out: number;
  view: Float64Array;
}

function indexState(capacity: number, pageSlots: number): IndexState {
  const lab = Lab.create();
  const index = OptimisedIndex.create(lab, { capacity, pageSlots });
  const out = lab.scratch; // the lab's fixed staging buffer: 16 bytes of it take the value
  return { lab, index, address: addressOf(index), out, view: new Float64Array(lab.memory.buffer) };
}

/**
 * An index in a Lab whose heap already held (and dropped) an index of the same workload, so its
 * upserts reuse touched memory: no first-touch faults, no memory.grow. Both use the "explicit-drop"
 * variant, since "as-written" never frees its pages (their memory could not be reused).
 */
function warmIndexState(w: Workload): IndexState {
  const lab = Lab.create();
  const first = OptimisedIndex.create(lab, { capacity: 0, pageSlots: DEFAULT_PAGE, variant: "explicit-drop" });
  rawUpsert(lab, addressOf(first), w.upsertKeys);
  first.drop();
  const index = OptimisedIndex.create(lab, { capacity: 0, pageSlots: DEFAULT_PAGE, variant: "explicit-drop" });
  const out = lab.scratch; // the lab's fixed staging buffer: 16 bytes of it take the value
  return { lab, index, address: addressOf(index), out, view: new Float64Array(lab.memory.buffer) };
}

/** An index filled with the workload's upserts (untimed), the view rebuilt after the memory grew. */
function filledIndex(w: Workload, capacity: number, pageSlots: number): IndexState {
  const s = indexState(capacity, pageSlots);
  rawUpsert(s.lab, s.address, w.upsertKeys);
  s.view = new Float64Array(s.lab.memory.buffer);
  return s;
}

function checkIndex(id: string, w: Workload): (s: IndexState) => void {
  return ({ index }) => {
    if (index.size !== w.keys || index.streamLength !== w.n) {
      throw new Error(`${id}: ${index.size} keys, ${index.streamLength} values; expected ${w.keys}, ${w.n}`);
    }
  };
}

function checkGets(id: string, w: Workload): (s: unknown, checksum: number) => void {
  return (_s, checksum) => {
    if (checksum !== w.expectedGetSum) throw new Error(`${id}: gets summed to ${checksum}, expected ${w.expectedGetSum}`);
  };
}

const DEFAULT_PAGE = 64;

function onePageSlots(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function casesFor(w: Workload): BenchCase[] {
  const o = w.order;
  const n = w.n;
  const gets = w.getKeys.length;
  const cases: BenchCase[] = [];
  const c = (x: Omit<BenchCase, "order" | "id"> & { id: string }): void => { cases.push({ ...x, id: `${x.id}/${o}`, order: o }); };

  // Upserts.
  c({
    id: "map-tuple-upsert", group: "baseline", phase: "upsert", label: "Map<number,[a,b]>.set(a, [a, b])", ops: n,
    setup: () => new Map<number, [number, number]>(),
    run: (m: Map<number, [number, number]>) => mapTupleUpsert(m, w.upsertKeys),
    check: (m: Map<number, [number, number]>) => { if (m.size !== w.keys) throw new Error("map-tuple-upsert: wrong size"); },
  });
  c({
    id: "map-f64-upsert", group: "baseline", phase: "upsert", label: "Map<number,pos> + Float64Array store append", ops: n,
    setup: f64Index,
    run: (s: F64Index) => mapF64Upsert(s, w.upsertKeys),
    check: (s: F64Index) => { if (s.map.size !== w.keys || s.length !== n) throw new Error("map-f64-upsert: wrong size"); },
  });
  c({
    id: "raw-upsert", group: "segstream", phase: "upsert", label: "raw indexUpsert, capacity 0 (table grows)", ops: n,
    setup: () => indexState(0, DEFAULT_PAGE),
    run: (s: IndexState) => rawUpsert(s.lab, s.address, w.upsertKeys),
    check: checkIndex("raw-upsert", w),
  });
  c({
    id: "raw-upsert-sized", group: "segstream", phase: "upsert", label: `raw indexUpsert, capacity ${w.keys} (no growth)`, ops: n,
    setup: () => indexState(w.keys, DEFAULT_PAGE),
    run: (s: IndexState) => rawUpsert(s.lab, s.address, w.upsertKeys),
    check: checkIndex("raw-upsert-sized", w),
  });
  c({
    id: "typed-upsert", group: "segstream", phase: "upsert", label: "OptimisedIndex.upsert, capacity 0", ops: n,
    setup: () => indexState(0, DEFAULT_PAGE),
    run: (s: IndexState) => typedUpsert(s.index, w.upsertKeys),
    check: checkIndex("typed-upsert", w),
  });
  c({
    id: "stream-append", group: "diagnostic", phase: "upsert", label: "raw streamAppend alone, page 64 (upsert minus the table)", ops: n,
    setup: () => {
      const lab = Lab.create();
      const stream = lab.raw.streamNew(0, DEFAULT_PAGE) >>> 0;
      if (!stream) throw new Error("streamNew refused");
      return { lab, stream };
    },
    run: (s: { lab: Lab; stream: number }) => streamAppendOnly(s.lab, s.stream, w.upsertKeys),
  });
  c({
    id: "raw-upsert-warm", group: "diagnostic", phase: "upsert", label: "raw indexUpsert, capacity 0, heap reused (no first touch)", ops: n,
    setup: () => warmIndexState(w),
    run: (s: IndexState) => rawUpsert(s.lab, s.address, w.upsertKeys),
    check: checkIndex("raw-upsert-warm", w),
  });
  c({
    id: "raw-upsert-p4096", group: "diagnostic", phase: "upsert", label: "raw indexUpsert, capacity 0, page 4096", ops: n,
    setup: () => indexState(0, 4096),
    run: (s: IndexState) => rawUpsert(s.lab, s.address, w.upsertKeys),
    check: checkIndex("raw-upsert-p4096", w),
  });

  // Gets.
  c({
    id: "map-tuple-get", group: "baseline", phase: "get", label: "Map<number,[a,b]>.get(a)[1]", ops: gets,
    setup: () => { const m = new Map<number, [number, number]>(); mapTupleUpsert(m, w.upsertKeys); return m; },
    run: (m: Map<number, [number, number]>) => mapTupleGet(m, w.getKeys),
    check: checkGets("map-tuple-get", w),
  });
  c({
    id: "map-f64-get", group: "baseline", phase: "get", label: "Map<number,pos>.get(a) -> store[2 pos + 1]", ops: gets,
    setup: () => { const s = f64Index(); mapF64Upsert(s, w.upsertKeys); return s; },
    run: (s: F64Index) => mapF64Get(s, w.getKeys),
    check: checkGets("map-f64-get", w),
  });
  c({
    id: "raw-get", group: "segstream", phase: "get", label: "raw indexGet + read from a Float64Array view", ops: gets,
    setup: () => filledIndex(w, 0, DEFAULT_PAGE),
    run: (s: IndexState) => rawGet(s.lab, s.address, s.out, s.view, w.getKeys),
    check: checkGets("raw-get", w),
  });
  c({
    id: "typed-get", group: "segstream", phase: "get", label: "OptimisedIndex.get(a)[1]", ops: gets,
    setup: () => filledIndex(w, 0, DEFAULT_PAGE),
    run: (s: IndexState) => typedGet(s.index, w.getKeys),
    check: checkGets("typed-get", w),
  });
  c({
    id: "raw-get-tuple", group: "diagnostic", phase: "get", label: "raw indexGet + [a, b] array from a cached view (a fixed typed get)", ops: gets,
    setup: () => filledIndex(w, 0, DEFAULT_PAGE),
    run: (s: IndexState) => rawGetTuple(s.lab, s.address, s.out, s.view, w.getKeys),
    check: checkGets("raw-get-tuple", w),
  });
  const one = onePageSlots(n);
  c({
    id: "raw-get-1page", group: "diagnostic", phase: "get", label: `raw indexGet, one page of ${one} slots (no stream mutex)`, ops: gets,
    setup: () => filledIndex(w, 0, one),
    run: (s: IndexState) => rawGet(s.lab, s.address, s.out, s.view, w.getKeys),
    check: checkGets("raw-get-1page", w),
  });
  return cases;
}

function buildCases(options: Options, workloads: readonly Workload[]): BenchCase[] {
  const cases = workloads.flatMap(casesFor);
  cases.push({
    id: "empty-call", group: "diagnostic", phase: "call", order: null, label: "raw indexLen(address): one trivial JS -> wasm call",
    ops: 16 * options.n,
    setup: (() => { let s: IndexState | undefined; return () => (s ??= indexState(0, DEFAULT_PAGE)); })(),
    run: (s: IndexState) => emptyCalls(s.lab, s.address, 16 * options.n),
  });
  return cases;
}

// --- ratios and report ---

interface Ratio {
  numerator: string;
  denominator: string;
  /** Numerator M ops/s over denominator M ops/s: > 1 means the numerator is faster. */
  speedRatio: number;
}

const PAIRS: Readonly<Record<Phase, { segstream: string[]; baselines: string[] }>> = {
  upsert: { segstream: ["raw-upsert", "raw-upsert-sized", "typed-upsert", "raw-upsert-warm", "raw-upsert-p4096"], baselines: ["map-tuple-upsert", "map-f64-upsert"] },
  get: { segstream: ["raw-get", "typed-get", "raw-get-tuple", "raw-get-1page"], baselines: ["map-tuple-get", "map-f64-get"] },
  call: { segstream: [], baselines: [] },
};

function ratios(rows: readonly Row[], orders: readonly Order[]): Ratio[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: Ratio[] = [];
  for (const o of orders) {
    for (const phase of ["upsert", "get"] as const) {
      for (const s of PAIRS[phase].segstream) {
        for (const b of PAIRS[phase].baselines) {
          const num = byId.get(`${s}/${o}`);
          const den = byId.get(`${b}/${o}`);
          if (num && den) out.push({ numerator: num.id, denominator: den.id, speedRatio: num.medianMops / den.medianMops });
        }
      }
    }
  }
  return out;
}

function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return "NaN";
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  if (Math.abs(x) >= 100) return x.toFixed(Math.max(0, digits - 1));
  return x.toFixed(digits);
}

function table(headers: readonly string[], body: readonly string[][], right: (col: number) => boolean): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (right(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

function analysis(rows: readonly Row[], orders: readonly Order[]): string[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const lines: string[] = [];
  const add = (text: string) => { if (!text.includes("NaN")) lines.push(text); };
  const call = byId.get("empty-call")?.nsPerOp ?? NaN;
  add(`One raw JS -> wasm call of a trivial export: ${fmt(call)} ns.`);
  for (const o of orders) {
    const ns = (id: string) => byId.get(`${id}/${o}`)?.nsPerOp ?? NaN;
    const faults = (id: string) => byId.get(`${id}/${o}`)?.faultsPerRun ?? NaN;
    add(`[${o}] Upsert: raw ${fmt(ns("raw-upsert"))} ns/op on a fresh Lab (${faults("raw-upsert")} faults/run); the stream append alone takes ` +
      `${fmt(ns("stream-append"))} ns, leaving ${fmt(ns("raw-upsert") - ns("stream-append"))} ns for the table (hash, probe, write, dirty range, ` +
      `growth amortised). Capacity K (no growth): ${fmt(ns("raw-upsert-sized"))} ns. Heap reused (no first touch): ${fmt(ns("raw-upsert-warm"))} ns ` +
      `(${faults("raw-upsert-warm")} faults/run). Page 4096 (1/64 of the rollovers): ${fmt(ns("raw-upsert-p4096"))} ns. Typed API: ` +
      `${fmt(ns("typed-upsert"))} ns. Map baselines: ${fmt(ns("map-f64-upsert"))} ns (positions + Float64Array), ${fmt(ns("map-tuple-upsert"))} ns (tuples).`);
    add(`[${o}] Get: raw ${fmt(ns("raw-get"))} ns/op; with every value in the active page (no stream mutex, no Vec lookup) ` +
      `${fmt(ns("raw-get-1page"))} ns. Typed get: ${fmt(ns("typed-get"))} ns = ${fmt(ns("typed-get") / ns("raw-get"))}x raw ` +
      `(+${fmt(ns("typed-get") - ns("raw-get"))} ns per call: the shared memory's .buffer getter, a Float64Array view and ` +
      `a result array per call; with a cached view and the result array only: ${fmt(ns("raw-get-tuple"))} ns). Map baselines: ${fmt(ns("map-f64-get"))} ns (positions + Float64Array), ${fmt(ns("map-tuple-get"))} ns (tuples).`);
  }
  return lines;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const started = now();
  const loadStart = loadavg()[0];
  const workloads = options.orders.map((o) => workload(o, options.n, options.keys, options.gets));
  let cases = buildCases(options, workloads);
  if (options.filter) {
    const f = options.filter;
    cases = cases.filter((c) => c.group === "baseline" || c.id.includes(f) || c.id === "empty-call");
  }
  const progress = (m: string) => { if (!options.json && process.stderr.isTTY) process.stderr.write(`\r\x1b[K${m}`); };
  const rows = runCases(cases, options, progress);
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  const ratioList = ratios(rows, options.orders);
  const findings = analysis(rows, options.orders);
  const seconds = Number(now() - started) / 1e9;
  const meta = {
    node: process.version, v8: process.versions.v8, platform: `${process.platform}-${process.arch}`, cpus: availableParallelism(),
    loadAverage: [loadStart, loadavg()[0]].map((x) => Number(x.toFixed(2))), clock: options.clock, upserts: options.n,
    distinctKeys: options.keys, gets: options.gets, orders: options.orders, reps: options.reps, warmup: options.warmup, seconds,
    checksum: sinkValue(),
  };

  if (options.json) {
    process.stdout.write(JSON.stringify({ meta, results: rows, ratios: ratioList, analysis: findings }, null, 2) + "\n");
    return;
  }
  const out: string[] = [];
  out.push(`OptimisedIndex vs Map: ${options.n} upserts over ${options.keys} keys, then ${options.gets} gets; order ${options.orders.join(" and ")}; ` +
    `${options.warmup} warm-up + ${options.reps} timed runs per case, ${options.clock} clock`);
  out.push(`node ${meta.node} (V8 ${meta.v8}), ${meta.platform}, ${meta.cpus} CPUs; M ops/s: median [min, max]; faults: minor page faults`);
  out.push("in the timed window (first touches of memory); cpu: CPU time over wall time while timed (medians per run)");
  out.push("");
  const body = rows.map((r) => [
    r.group, r.id, fmt(r.medianMops), `[${fmt(r.minMops)}, ${fmt(r.maxMops)}]`, fmt(r.nsPerOp), String(r.faultsPerRun),
    `${(100 * r.cpuShare).toFixed(0)}%`, r.label,
  ]);
  out.push(table(["group", "case", "Mops/s", "[min, max]", "ns/op", "faults", "cpu", "what"], body, (c) => c >= 2 && c <= 6));
  const noisy = rows.filter((r) => r.cpuShare < 0.9).map((r) => r.id);
  if (noisy.length && options.clock === "wall") {
    out.push(`WARNING: under 90% of a CPU while timed (other load; load average ${meta.loadAverage.join(" -> ")}): ${noisy.join(", ")}`);
  }
  out.push("");
  out.push("Speed ratios of medians (M ops/s over M ops/s; > 1: segstream faster than the Map baseline):");
  out.push(table(["segstream case", "vs baseline", "ratio"], ratioList.map((q) => [q.numerator, q.denominator, `${fmt(q.speedRatio)}x`]), (c) => c === 2));
  out.push("");
  out.push("Analysis (from the medians):");
  for (const line of findings) out.push(`  - ${line}`);
  out.push("");
  out.push(`total ${seconds.toFixed(1)} s; checksum ${meta.checksum}`);
  process.stdout.write(out.join("\n") + "\n");
}

try {
  main();
} catch (error) {
  process.stderr.write(`index.bench: ${error instanceof RangeError ? error.message : error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(error instanceof RangeError ? 2 : 1);
}
