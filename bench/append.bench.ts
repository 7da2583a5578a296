// Append throughput of SegmentedStream against the strongest plain-JS baselines, in one run.
//
//   npm run bench            (builds first)
//   node dist/bench/append.bench.js [--json] [--n VALUES] [--reps R] [--warmup W] [--filter TEXT] [--clock wall|cpu]
//
// Every case appends the same N values (a = i, b = i + 0.5: two 8-byte words, a V16; default
// N = 2^22) and reports M values/s: median and [min, max] over R timed runs (default 7) after W
// untimed warm-up runs (default 2), rounds interleaved across cases (bench/measure.ts's shared
// runner, as in the other benchmarks). Only the appends are timed: creating the Lab, the stream or
// a baseline's array is setup. Each run also records the minor page faults inside its window and
// the share of a CPU the process got.
//
// Memory matters as much as code here. Writing memory for the first time costs a page fault per
// 4 KiB, several ns per 16-byte value on this kind of machine, and a fresh Lab (one per segstream
// run, as asked) pays it on every page. So baseline 1 comes twice: on a reused, already-touched
// array (the best case) and on a fresh WebAssembly.Memory (f64-loop-cold, like for like with a
// fresh Lab); and the "-warm" diagnostics run segstream on a heap whose memory is already touched.
//
// Cases
//   baseline    f64-loop        Float64Array(2N), preallocated once and reused, 2 stores per value
//               js-seg-P        the segmented structure in plain JS: pages of P slots, a new
//                               Float64Array(2P) per page pushed to an array
//               push-obj        Array.push({a, b})
//   segstream   single-typed-P  stream.append(a, b), page size P (64: the seed's; 4096)
//               single-raw-P    lab.raw.streamAppend(address, a, b): the bare export
//               batch-B-pP      stream.appendBatch(words), B values per call, the batch refilled in JS
//                               for every call (every case produces its values the same way)
//   diagnostic  f64-loop-cold, empty-call (JS -> wasm call floor), single-raw-16 (rollover cost),
//               single-raw-64-chunk (memory.grow cost), *-copy (appendBatch with a prefilled batch),
//               *-warm (touched memory); summarised in the analysis printed after the table.
//
// --clock cpu computes rates from the process's CPU time instead of wall time, for a loaded machine
// (the cpu column well under 100%); it still counts V8's helper threads.
//
// Not a test: nothing asserts on speed. Sanity checks (length and last value) do throw.

import { loadavg } from "node:os";
import { Lab, SegmentedStream, type LabOptions } from "../src/index.js";
import {
  emptyCalls, environment, environmentLine, fmt as fmtDigits, measure, now, once, parseFlags, percent, printJson, printReport,
  resultsTable, runMain, sinkValue, table, type Case, type Flags, type Group,
} from "./measure.js";

// --- options ---

const USAGE = "node dist/bench/append.bench.js [--json] [--n VALUES] [--reps R] [--warmup W] [--filter TEXT] [--clock wall|cpu]";

function parseArgs(argv: readonly string[]): Flags {
  const options = parseFlags(argv, { usage: USAGE, n: 1 << 22, nMin: 65536, reps: 7, warmup: 2 });
  // Batches of 65536 must divide N evenly, so every batched case appends exactly N values.
  if (options.n % 65536 !== 0) throw new RangeError("--n must be a multiple of 65536");
  return options;
}

// --- the workloads (each a plain function, so V8 optimises it once per shape) ---

function f64Loop(words: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) {
    words[2 * i] = i;
    words[2 * i + 1] = i + 0.5;
  }
  return words[2 * n - 1];
}

function jsSegmented(n: number, pageSlots: number): Float64Array[] {
  const pages: Float64Array[] = [];
  let page = new Float64Array(2 * pageSlots);
  pages.push(page);
  let cursor = 0;
  for (let i = 0; i < n; i++) {
    if (cursor === pageSlots) {
      page = new Float64Array(2 * pageSlots);
      pages.push(page);
      cursor = 0;
    }
    page[2 * cursor] = i;
    page[2 * cursor + 1] = i + 0.5;
    cursor++;
  }
  return pages;
}

interface Pair {
  a: number;
  b: number;
}

function pushObjects(list: Pair[], n: number): number {
  for (let i = 0; i < n; i++) list.push({ a: i, b: i + 0.5 });
  return list.length;
}

function singleTyped(stream: SegmentedStream, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += stream.append(i, i + 0.5);
  return sum;
}

function singleRaw(lab: Lab, address: number, n: number): number {
  const append = lab.raw.streamAppend;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += append(address, i, i + 0.5);
  return sum;
}

function batched(stream: SegmentedStream, batch: Float64Array, n: number): number {
  const size = batch.length >> 1;
  let sum = 0;
  for (let base = 0; base < n; base += size) {
    for (let j = 0; j < size; j++) {
      batch[2 * j] = base + j;
      batch[2 * j + 1] = base + j + 0.5;
    }
    sum += stream.appendBatch(batch);
  }
  return sum;
}

/** Appends one prefilled batch over and over: the copy path alone, no JS value production. */
function batchedCopyOnly(stream: SegmentedStream, batch: Float64Array, n: number): number {
  const size = batch.length >> 1;
  let sum = 0;
  for (let base = 0; base < n; base += size) sum += stream.appendBatch(batch);
  return sum;
}

// --- cases ---

interface BenchCase extends Case<any> {
  pageSlots?: number;
  batch?: number;
  /** What a diagnostic isolates, for the table. */
  note?: string;
}

interface StreamState {
  lab: Lab;
  stream: SegmentedStream;
  address: number;
  batch: Float64Array;
}

interface StreamSetup {
  pageSlots: number;
  /** Values per appendBatch call (0: single appends, no batch buffer). */
  batch: number;
  lab?: LabOptions;
  /**
   * Fill and drop a first stream of n values in the same lab, so the measured stream reuses memory
   * that is already touched (no first-touch faults, no memory.grow). Uses the "explicit-drop"
   * variant: the seed's "as-written" Drop leaks every page (each keeps the strong count its
   * active_page reference took), so its memory could never be reused.
   */
  warm?: boolean;
}

/** A fresh Lab and stream (setup, untimed). */
function streamState(n: number, setup: StreamSetup): StreamState {
  const lab = Lab.create(setup.lab ?? {});
  const variant = setup.warm ? "explicit-drop" : undefined;
  if (setup.warm) {
    const first = SegmentedStream.create(lab, { pageSlots: setup.pageSlots, variant });
    const words = new Float64Array(2 * 65536);
    for (let done = 0; done < n; done += 65536) first.appendBatch(words);
    first.drop();
  }
  const stream = SegmentedStream.create(lab, { pageSlots: setup.pageSlots, variant });
  const batch = new Float64Array(2 * setup.batch);
  for (let j = 0; j < setup.batch; j++) {
    batch[2 * j] = j;
    batch[2 * j + 1] = j + 0.5;
  }
  return { lab, stream, address: stream.address, batch };
}

function checkStream(id: string, n: number, lastA: number): (s: StreamState) => void {
  return ({ stream }) => {
    if (stream.length !== n) throw new Error(`${id}: stream has ${stream.length} values, expected ${n}`);
    const last = stream.get(n - 1);
    if (!last || last[0] !== lastA || last[1] !== lastA + 0.5) throw new Error(`${id}: last value is ${JSON.stringify(last)}`);
  };
}

/** A Float64Array of 2n words over a fresh WebAssembly.Memory: untouched pages, as a fresh Lab's are. */
function coldWords(n: number): Float64Array {
  const pages = Math.ceil((16 * n) / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  return new Float64Array(memory.buffer, 0, 2 * n);
}

const BATCHES = [64, 1024, 65536] as const;
const PAGES = [64, 4096] as const;

function singleCase(n: number, id: string, label: string, group: Group, setup: StreamSetup, typed: boolean, note?: string): BenchCase {
  return {
    id, label, group, note, ops: n, pageSlots: setup.pageSlots, batch: 1,
    setup: () => streamState(n, setup),
    run: typed ? (s: StreamState) => singleTyped(s.stream, n) : (s: StreamState) => singleRaw(s.lab, s.address, n),
    check: checkStream(id, n, n - 1),
  };
}

function batchCase(n: number, id: string, label: string, group: Group, setup: StreamSetup, copyOnly = false, note?: string): BenchCase {
  return {
    id, label, group, note, ops: n, pageSlots: setup.pageSlots, batch: setup.batch,
    setup: () => streamState(n, setup),
    run: copyOnly ? (s: StreamState) => batchedCopyOnly(s.stream, s.batch, n) : (s: StreamState) => batched(s.stream, s.batch, n),
    check: checkStream(id, n, copyOnly ? setup.batch - 1 : n - 1),
  };
}

function buildCases(n: number): BenchCase[] {
  const cases: BenchCase[] = [];

  // Baselines.
  cases.push({
    id: "f64-loop", label: "Float64Array loop, preallocated and reused", group: "baseline", ops: n,
    // One array for every run: its pages are touched once (in the first warm-up), the best case.
    setup: once(() => new Float64Array(2 * n)),
    run: (words: Float64Array) => f64Loop(words, n),
    check: (words: Float64Array) => { if (words[2 * n - 2] !== n - 1) throw new Error("f64-loop: wrong last value"); },
  });
  for (const p of PAGES) {
    cases.push({
      id: `js-seg-${p}`, label: `JS segmented, Float64Array pages of ${p}`, group: "baseline", ops: n, pageSlots: p,
      setup: () => ({ pages: [] as Float64Array[] }),
      run: (s: { pages: Float64Array[] }) => { s.pages = jsSegmented(n, p); return s.pages.length; },
      check: (s: { pages: Float64Array[] }) => {
        const last = s.pages[s.pages.length - 1];
        if (last[2 * ((n - 1) % p)] !== n - 1) throw new Error(`js-seg-${p}: wrong last value`);
      },
    });
  }
  cases.push({
    id: "push-obj", label: "Array.push({a, b})", group: "baseline", ops: n,
    setup: () => [] as Pair[],
    run: (list: Pair[]) => pushObjects(list, n),
    check: (list: Pair[]) => { if (list.length !== n || list[n - 1].a !== n - 1) throw new Error("push-obj: wrong contents"); },
  });

  // segstream: a fresh Lab per run, the seed's variant and growth policy.
  for (const p of PAGES) {
    cases.push(singleCase(n, `single-typed-${p}`, `segstream append(a, b), page ${p}`, "segstream", { pageSlots: p, batch: 0 }, true));
    cases.push(singleCase(n, `single-raw-${p}`, `segstream raw streamAppend, page ${p}`, "segstream", { pageSlots: p, batch: 0 }, false));
    for (const b of BATCHES) {
      cases.push(batchCase(n, `batch-${b}-p${p}`, `segstream appendBatch(${b}), page ${p}`, "segstream", { pageSlots: p, batch: b }));
    }
  }

  // Diagnostics.
  cases.push({
    id: "f64-loop-cold", label: "Float64Array loop over a fresh WebAssembly.Memory", group: "diagnostic", ops: n,
    note: "baseline 1 on untouched memory, as a fresh Lab's",
    setup: () => coldWords(n),
    run: (words: Float64Array) => f64Loop(words, n),
    check: (words: Float64Array) => { if (words[2 * n - 2] !== n - 1) throw new Error("f64-loop-cold: wrong last value"); },
  });
  cases.push({
    id: "empty-call", label: "raw streamLen(address) calls", group: "diagnostic", ops: n,
    note: "JS -> wasm call of a trivial export (Mcalls/s)",
    setup: () => streamState(n, { pageSlots: 64, batch: 0 }),
    run: (s: StreamState) => emptyCalls(s.lab.raw.streamLen, s.address, n), // a floor for single appends
  });
  cases.push(singleCase(n, "single-raw-16", "segstream raw streamAppend, page 16", "diagnostic", { pageSlots: 16, batch: 0 }, false,
    "raw single, page 16: 4x page 64's rollovers"));
  cases.push(singleCase(n, "single-raw-64-chunk", "segstream raw streamAppend, page 64, growth chunk", "diagnostic",
    { pageSlots: 64, batch: 0, lab: { growth: "chunk", chunkPages: 1024 } }, false, "raw single, page 64, 64 MiB growth chunks"));
  cases.push(singleCase(n, "single-raw-64-warm", "segstream raw streamAppend, page 64, heap reused", "diagnostic",
    { pageSlots: 64, batch: 0, warm: true }, false, "raw single, page 64, heap reused (no faults)"));
  cases.push(singleCase(n, "single-raw-4096-warm", "segstream raw streamAppend, page 4096, heap reused", "diagnostic",
    { pageSlots: 4096, batch: 0, warm: true }, false, "raw single, page 4096, heap reused"));
  for (const p of PAGES) {
    cases.push(batchCase(n, `batch-64-p${p}-copy`, `segstream appendBatch(64) prefilled, page ${p}`, "diagnostic",
      { pageSlots: p, batch: 64 }, true, `appendBatch(64) prefilled (no JS fill), page ${p}`));
  }
  cases.push(batchCase(n, "batch-64-p4096-warm", "segstream appendBatch(64), page 4096, heap reused", "diagnostic",
    { pageSlots: 4096, batch: 64, warm: true }, false, "appendBatch(64), page 4096, heap reused"));
  cases.push(batchCase(n, "batch-1024-p4096-warm", "segstream appendBatch(1024), page 4096, heap reused", "diagnostic",
    { pageSlots: 4096, batch: 1024, warm: true }, false, "appendBatch(1024), page 4096, heap reused"));
  cases.push(batchCase(n, "batch-65536-p65536-warm", "segstream appendBatch(65536), page 65536, heap reused", "diagnostic",
    { pageSlots: 65536, batch: 65536, warm: true }, false, "appendBatch(65536), page 65536, heap reused"));
  return cases;
}

// --- reporting ---

interface Row {
  id: string;
  label: string;
  group: Group;
  pageSlots: number | null;
  batch: number | null;
  note: string | null;
  medianMvps: number;
  minMvps: number;
  maxMvps: number;
  nsPerValue: number;
  /** Minor page faults in the timed window, median per run. */
  faultsPerRun: number;
  /** CPU time over wall time in the timed window, median per run (well below 1: descheduled, noisy). */
  cpuShare: number;
  samplesMvps: number[];
}

interface Ratio {
  numerator: string;
  denominator: string;
  ratio: number;
}

const BASELINE_COLUMNS: readonly { title: string; of: (r: Row) => string }[] = [
  { title: "/F64 loop", of: () => "f64-loop" },
  { title: "/F64 cold", of: () => "f64-loop-cold" },
  { title: "/JS seg same page", of: (r) => `js-seg-${r.pageSlots}` },
  { title: "/push obj", of: () => "push-obj" },
];

/** Like-for-like pairs beyond the matrix: segstream on touched memory against the (touched) baseline. */
const WARM_PAIRS: readonly [string, string][] = [
  ["single-raw-64-warm", "f64-loop"],
  ["single-raw-4096-warm", "f64-loop"],
  ["batch-64-p4096-warm", "f64-loop"],
  ["batch-1024-p4096-warm", "f64-loop"],
  ["batch-65536-p65536-warm", "f64-loop"],
];

function ratios(rows: readonly Row[]): Ratio[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: Ratio[] = [];
  const add = (num: Row | undefined, den: Row | undefined) => {
    if (num && den) out.push({ numerator: num.id, denominator: den.id, ratio: num.medianMvps / den.medianMvps });
  };
  for (const r of rows) {
    if (r.group !== "segstream") continue;
    for (const col of BASELINE_COLUMNS) add(r, byId.get(col.of(r)));
  }
  for (const [num, den] of WARM_PAIRS) add(byId.get(num), byId.get(den));
  return out;
}

function fmt(x: number, digits = 1): string {
  return fmtDigits(x, digits);
}

function fmtRatio(q: number): string {
  return `${q >= 10 ? q.toFixed(1) : q.toFixed(2)}x`;
}

/** Plain-language findings computed from the medians; a line is left out if a case it needs did not run. */
function analysis(rows: readonly Row[], n: number): string[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ns = (id: string) => byId.get(id)?.nsPerValue ?? NaN;
  const faults = (id: string) => byId.get(id)?.faultsPerRun ?? NaN;
  const pct = (part: number, whole: number) => `${fmt((100 * part) / whole, 0)}%`;
  const lines: string[] = [];
  const add = (text: string) => { if (!text.includes("NaN")) lines.push(text); };
  const signed = (x: number) => `${x >= 0 ? "+" : "-"}${fmt(Math.abs(x), 2)}`;

  const call = ns("empty-call");
  const raw16 = ns("single-raw-16"), raw64 = ns("single-raw-64"), raw4096 = ns("single-raw-4096");
  const typed64 = ns("single-typed-64"), typed4096 = ns("single-typed-4096");
  const warm64 = ns("single-raw-64-warm"), warm4096 = ns("single-raw-4096-warm");
  add(`Single appends: raw export ${fmt(raw4096, 2)} ns/value at page 4096 on a fresh Lab, ${fmt(warm4096, 2)} on touched memory. ` +
    `A JS -> wasm call of a trivial export costs ${fmt(call, 2)} ns (${pct(call, warm4096)} of the warm figure): single appends are not call-bound; ` +
    `the rest (~${fmt(warm4096 - call, 2)} ns) is the wasm body, mostly its three seq-cst atomics (fetch_add on the cursor, stores to 'committed' and 'len').`);
  add(`Typed API (SegmentedStream.append) over the raw export: ${signed(typed64 - raw64)} ns/value at page 64, ${signed(typed4096 - raw4096)} at page 4096.`);
  // cost(p) ~ base + R / p: two page sizes give R (rollover cost), page 4096's share being negligible.
  const perRollover = ((raw16 - raw4096) / (1 / 16 - 1 / 4096));
  add(`Page rollover: raw ${fmt(raw16, 2)} / ${fmt(raw64, 2)} / ${fmt(raw4096, 2)} ns/value at page 16 / 64 / 4096 gives ~${fmt(perRollover, 0)} ns per rollover ` +
    `(stream mutex, 2 heap allocations each under the heap mutex with ledger records, Vec push, Arc clone, active_page swap, memory.grow share): ` +
    `~${fmt(perRollover / 64, 2)} ns/value at page 64, ${pct(perRollover / 64, raw64)} of its time (measured page 64 - page 4096: ${fmt(raw64 - raw4096, 2)} ns/value). Not dominant.`);
  const chunk = ns("single-raw-64-chunk");
  add(`memory.grow: with growth "exact" the heap grows 64 KiB at a time (every ~58 pages at page 64); 64 MiB chunks give ${fmt(chunk, 2)} ns/value vs ${fmt(raw64, 2)} (${pct(raw64 - chunk, raw64)}).`);
  const f64 = ns("f64-loop"), cold = ns("f64-loop-cold");
  const perFault = ((cold - f64) * n) / faults("f64-loop-cold");
  add(`First touch: writing fresh memory costs ~${fmt(cold - f64, 2)} ns per 16-byte value here (Float64Array loop ${fmt(cold, 2)} ns/value on a fresh WebAssembly.Memory vs ${fmt(f64, 2)} reused; ` +
    `${fmt(faults("f64-loop-cold"), 0)} faults/run, ~${fmt(perFault / 1000, 2)} us per 4 KiB fault). A fresh Lab pays it on every page (${fmt(faults("single-raw-64"), 0)} faults/run at page 64): ` +
    `raw page-64 appends take ${fmt(warm64, 2)} ns/value on touched memory vs ${fmt(raw64, 2)} fresh (${pct(raw64 - warm64, raw64)} of the fresh time).`);
  for (const p of PAGES) {
    const b64 = ns(`batch-64-p${p}`), b1024 = ns(`batch-1024-p${p}`), b65536 = ns(`batch-65536-p${p}`), copy = ns(`batch-64-p${p}-copy`);
    add(`Batches on a fresh Lab, page ${p}: ${fmt(b64, 2)} / ${fmt(b1024, 2)} / ${fmt(b65536, 2)} ns/value for 64 / 1024 / 65536 values per call ` +
      `(first touch alone is ~${fmt(cold - f64, 2)}); appendBatch(64) with a prefilled batch: ${fmt(copy, 2)} ns/value = ${fmt(copy * 64, 0)} ns per call.`);
  }
  const bw64 = ns("batch-64-p4096-warm"), bw1024 = ns("batch-1024-p4096-warm"), best = ns("batch-65536-p65536-warm");
  add(`Batches on touched memory: ${fmt(bw64, 2)} / ${fmt(bw1024, 2)} ns/value for 64 / 1024 at page 4096, ${fmt(best, 2)} for 65536 at page 65536, against ${fmt(f64, 2)} for the Float64Array loop ` +
    `(each value is written 3 times: JS fill, TypedArray.set into the lab's 32 KiB scratch, 2048 values per chunk, memory.copy into a page). Host cost per appendBatch call ~${fmt((bw64 - bw1024) * 64 * 1024 / 960, 0)} ns.`);
  return lines;
}

// --- main ---

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const started = now();
  const loadStart = loadavg()[0];
  const { cases, stats } = measure(buildCases(options.n), options);
  const seconds = Number(now() - started) / 1e9;

  const rows: Row[] = cases.map((c) => {
    const s = stats.get(c.id)!;
    return {
      id: c.id, label: c.label, group: c.group, pageSlots: c.pageSlots ?? null, batch: c.batch ?? null, note: c.note ?? null,
      medianMvps: s.rate.median, minMvps: s.rate.min, maxMvps: s.rate.max, nsPerValue: 1e3 / s.rate.median, faultsPerRun: s.faults,
      cpuShare: s.cpuShare, samplesMvps: s.rate.samples,
    };
  });
  const ratioList = ratios(rows);
  const findings = analysis(rows, options.n);
  const meta = {
    ...environment(loadStart),
    clock: options.clock, valuesPerRun: options.n, reps: options.reps, warmup: options.warmup, seconds, checksum: sinkValue(),
  };

  if (options.json) {
    printJson({ meta, results: rows, ratios: ratioList, analysis: findings });
    return;
  }

  const out: string[] = [];
  out.push(`segstream append throughput: N = ${options.n} values (V16, 16 bytes) per run, ${options.warmup} warm-up + ${options.reps} timed runs per case, ${options.clock === "cpu" ? "rates from process CPU time" : "rates from wall time"}`);
  out.push(`${environmentLine(meta)}; M values/s: median [min, max]; faults: minor page faults in the`);
  out.push("timed window; cpu: CPU time the process got over wall time in the window (medians per run)");
  out.push("");
  const body: string[][] = [];
  for (const g of ["baseline", "segstream", "diagnostic"] as const) {
    for (const r of rows.filter((row) => row.group === g)) {
      body.push([g, r.id, fmt(r.medianMvps), `[${fmt(r.minMvps)}, ${fmt(r.maxMvps)}]`, fmt(r.nsPerValue, 2), fmt(r.faultsPerRun, 0),
        percent(r.cpuShare), r.note ?? r.label]);
    }
  }
  out.push(...resultsTable(["group", "case", "Mval/s", "[min, max]", "ns/val", "faults", "cpu", "what"], body, (c) => c >= 2 && c <= 6,
    rows, options.clock, meta));

  const byRatio = new Map(ratioList.map((q) => [`${q.numerator}/${q.denominator}`, q.ratio]));
  const ratioBody = rows.filter((r) => r.group === "segstream").map((r) => [
    r.id,
    ...BASELINE_COLUMNS.map((col) => {
      const q = byRatio.get(`${r.id}/${col.of(r)}`);
      return q === undefined ? "-" : fmtRatio(q);
    }),
  ]);
  out.push("Ratios of medians, segstream (fresh Lab) / baseline (> 1: segstream faster). F64 loop reuses touched memory;");
  out.push("F64 cold writes untouched memory, as a fresh Lab does: the like-for-like column.");
  out.push(table(["segstream case", ...BASELINE_COLUMNS.map((c) => c.title)], ratioBody, (c) => c >= 1));
  out.push("");
  out.push("Headline ratios:");
  const headline = ratioList.filter((q) =>
    (/^f64-loop(-cold)?$/.test(q.denominator) && /^(single-(typed|raw)-64|batch-(64|1024)-p(64|4096))$/.test(q.numerator)) ||
    WARM_PAIRS.some(([num, den]) => num === q.numerator && den === q.denominator));
  const names: Record<string, string> = { "f64-loop": "Float64Array loop", "f64-loop-cold": "Float64Array loop (cold)" };
  for (const q of headline) out.push(`  ${q.numerator} / ${names[q.denominator] ?? q.denominator} = ${fmtRatio(q.ratio)}`);
  out.push("");
  printReport(out, findings, seconds, meta.checksum);
}

runMain("append.bench", main);
