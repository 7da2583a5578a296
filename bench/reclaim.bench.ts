// Reclamation costs: epoch pin/unpin, epoch defer (collection included), ArcSwap load_full and store,
// against plain-JS analogues measured in the same run.
//
//   node dist/bench/reclaim.bench.js [--json] [--n OPS] [--reps R] [--warmup W] [--clock wall|cpu] [--filter TEXT]
//
// Every case is a loop of one operation over the raw exports (lab.raw.*, no loader wrapper). Each
// case runs W untimed warm-up runs, then R timed runs interleaved round-robin with the other cases
// (bench/measure.ts's shared runner: a full GC before every run, outside the timed window); the
// table gives ns/op as median [min, max].
// Setup (the Lab, the participant, the ArcSwap) is outside the window and is made once per case:
// runs continue the same participant and collector, so the defer case measures the steady state.
//
// Cases
//   segstream  pin-nested     epochPin + epochUnpin while an outer guard is held (guard count only)
//              pin-outer      epochPin + epochUnpin, outermost: publishes the epoch, every 128th collects
//              defer          epochPin + epochDeferCount(counter, 8 bytes) + epochUnpin: bags of 64 sealed
//                             onto the queue, collected by every 128th pin (the amortised full cost)
//              arcswap-load   arcSwapPageLoadFull + pageRelease (an Arc clone/drop through the lock word)
//              arcswap-store  arcSwapPageStore: Arc::new(Page) (2 heap allocations) + swap + drop of the
//                             old page (2 heap frees)
//   baseline   js-refcount    obj.rc++ / --obj.rc on a plain object field (what single-threaded JS does)
//              js-atomics     Atomics.add / Atomics.sub on an Int32Array over a SharedArrayBuffer: an
//                             Arc clone/drop in JS
//              js-epoch       the same pin/unpin algorithm in JS (guard count, Atomics.store of the
//                             global epoch | pinned, try_advance every 128th pin)
//              js-epoch-defer js-epoch plus a bag of 64 counter indexes, sealed onto a linked queue,
//                             collected like the model (Atomics.add per deferred run)
//              js-arcswap-load  the model's load_full in JS Atomics: cmpxchg lock, load, add, xchg
//                             unlock, then sub (same 4 read-modify-writes)
//              js-page-store  { strong, slots: new Float64Array(2 x 64) } swapped in, old one dropped
//   diagnostic empty-call     raw epochGuardCount(local): one JS -> wasm call of a trivial export
//              defer-boxed    defer with a 32-byte capture: boxed, one heap alloc + free per defer
//              arcswap-store-4096 / js-page-store-4096  store with 4096-slot (64 KiB) pages
//              heap-alloc-free  raw heapAlloc(1 KiB) + heapFree: the allocator round trip a store makes twice
//
// Not a test: nothing asserts on speed. Sanity checks (deferred runs counted, pending bounded) print
// their figures; only a broken invariant (a lost deferred function) throws.

import { loadavg } from "node:os";
import { Lab } from "../src/index.js";
import {
  emptyCalls, environment, environmentLine, fmt as fmtDigits, measure, now, once, parseFlags, percent, printJson, printReport,
  resultsTable, runMain, sinkValue, table, type Case, type Flags, type Group,
} from "./measure.js";

// --- options ---

const USAGE = "node dist/bench/reclaim.bench.js [--json] [--n OPS] [--reps R] [--warmup W] [--clock wall|cpu] [--filter TEXT]";

function parseArgs(argv: readonly string[]): Flags {
  return parseFlags(argv, { usage: USAGE, n: 1 << 22, nMin: 1024, reps: 7, warmup: 2 });
}

// --- rows (ns/op) ---

interface Row {
  id: string;
  group: Group;
  label: string;
  opsPerRun: number;
  nsPerOp: number;
  minNs: number;
  maxNs: number;
  mopsPerSecond: number;
  cpuShare: number;
  samplesNs: number[];
}

// --- segstream workloads (plain functions, one shape each) ---

function pinUnpin(lab: Lab, local: number, n: number): number {
  const pin = lab.raw.epochPin;
  const unpin = lab.raw.epochUnpin;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += pin(local);
    sum += unpin(local);
  }
  return sum;
}

function pinDeferUnpin(lab: Lab, local: number, counter: number, capture: number, n: number): number {
  const pin = lab.raw.epochPin;
  const defer = lab.raw.epochDeferCount;
  const unpin = lab.raw.epochUnpin;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += pin(local);
    sum += defer(local, counter, capture);
    sum += unpin(local);
  }
  return sum;
}

function loadFullRelease(lab: Lab, swap: number, n: number): number {
  const load = lab.raw.arcSwapPageLoadFull;
  const release = lab.raw.pageRelease;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const page = load(swap);
    sum += page;
    release(page);
  }
  return sum;
}

function storePages(lab: Lab, swap: number, slots: number, n: number): number {
  const store = lab.raw.arcSwapPageStore;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += store(swap, slots, i);
  return sum;
}

/** heapAlloc + heapFree of `bytes` under the "test" site: one allocator round trip (mutex, ledger records). */
function allocFree(lab: Lab, site: number, bytes: number, n: number): number {
  const alloc = lab.raw.heapAlloc;
  const free = lab.raw.heapFree;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const block = alloc(site, bytes, 8, 0);
    sum += block;
    sum += free(block, site);
  }
  return sum;
}

// --- JS baselines ---

interface Counted {
  rc: number;
  id: number;
}

/** Clone (rc++) and drop (--rc, "free" at 0) of one of 64 objects: single-threaded JS refcounting. */
function jsRefcount(objects: Counted[], n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const o = objects[i & 63];
    o.rc++;
    sum += o.id;
    if (--o.rc === 0) sum -= 1;
  }
  return sum;
}

/** Atomics.add / Atomics.sub on one shared counter: the JS form of Arc::clone + drop. */
function jsAtomics(counts: Int32Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    Atomics.add(counts, 0, 1);
    if (Atomics.sub(counts, 0, 1) === 1) sum++;
  }
  return sum;
}

// The model's load_full in JS over shared memory: [0] lock word, [1] pointer, [2] strong count.
function jsArcSwapLoad(words: Int32Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (Atomics.compareExchange(words, 0, 0, 1) !== 0) throw new Error("js-arcswap-load: lock taken");
    const pointer = Atomics.load(words, 1);
    Atomics.add(words, 2, 1);
    Atomics.exchange(words, 0, 0);
    sum += pointer;
    if (Atomics.sub(words, 2, 1) === 1) sum--;
  }
  return sum;
}

interface JsPage {
  strong: number;
  pageNo: number;
  slots: Float64Array;
}

interface JsSwap {
  current: JsPage;
}

/** store(Arc::new(Page::new(slots, i))) in JS: a new page object and slot array, the old one dropped. */
function jsPageStore(holder: JsSwap, slots: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const page: JsPage = { strong: 1, pageNo: i, slots: new Float64Array(2 * slots) };
    const old = holder.current;
    holder.current = page;
    if (--old.strong === 0) sum += old.pageNo & 1; // the last reference: the GC frees it
  }
  return sum;
}

// A JS epoch collector with the model's algorithm (one participant here). Shared words:
// [0] global epoch (doubled, as crossbeam), [1] the participant's epoch word (low bit: pinned),
// [2] the counter the deferred functions add to.
const PINNINGS_BETWEEN_COLLECT = 128;
const COLLECT_STEPS = 8;
const MAX_OBJECTS = 64;

interface JsBagNode {
  epoch: number;
  items: Int32Array;
  length: number;
  next: JsBagNode | null;
}

class JsLocal {
  guards = 0;
  pins = 0;
  bag = new Int32Array(MAX_OBJECTS);
  bagLength = 0;
  head: JsBagNode;
  tail: JsBagNode;
  queued = 0;

  constructor(readonly words: Int32Array) {
    this.head = this.tail = { epoch: 0, items: new Int32Array(0), length: 0, next: null };
  }

  pin(): void {
    const g = this.guards;
    this.guards = g + 1;
    if (g !== 0) return;
    Atomics.store(this.words, 1, Atomics.load(this.words, 0) | 1);
    const count = this.pins;
    this.pins = count + 1;
    if (count % PINNINGS_BETWEEN_COLLECT === 0) this.collect();
  }

  unpin(): void {
    const g = this.guards;
    this.guards = g - 1;
    if (g === 1) Atomics.store(this.words, 1, 0);
  }

  /** try_advance over the one participant, then pop and run at most 8 expired bags. */
  collect(): void {
    const words = this.words;
    let epoch = Atomics.load(words, 0);
    const local = Atomics.load(words, 1);
    if (!(local & 1) || (local & ~1) === epoch) {
      epoch += 2;
      Atomics.store(words, 0, epoch);
    }
    for (let step = 0; step < COLLECT_STEPS; step++) {
      const first = this.head.next;
      if (!first || ((epoch - first.epoch) >> 1) < 2) break;
      this.head = first;
      this.queued--;
      for (let i = 0; i < first.length; i++) Atomics.add(words, first.items[i], 1);
      first.length = 0;
    }
  }

  defer(counterIndex: number): void {
    if (this.bagLength === MAX_OBJECTS) {
      const node: JsBagNode = { epoch: Atomics.load(this.words, 0), items: this.bag, length: MAX_OBJECTS, next: null };
      this.tail.next = node;
      this.tail = node;
      this.queued++;
      this.bag = new Int32Array(MAX_OBJECTS);
      this.bagLength = 0;
    }
    this.bag[this.bagLength++] = counterIndex;
  }

  pending(): number {
    let total = this.bagLength;
    for (let node = this.head.next; node; node = node.next) total += node.length;
    return total;
  }
}

function jsEpochPinUnpin(local: JsLocal, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    local.pin();
    sum += local.guards;
    local.unpin();
  }
  return sum;
}

function jsEpochDefer(local: JsLocal, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    local.pin();
    local.defer(2);
    sum += local.guards;
    local.unpin();
  }
  return sum;
}

// --- cases ---

interface EpochState {
  lab: Lab;
  local: number;
  counter: number;
  /** Defers made so far in this lab (so counter + pending = deferred). */
  deferred: number;
  /** Pending (user) deferred functions after each run. */
  pendingAfterRun: number[];
  queuedAfterRun: number[];
}

/** A Lab and this thread's participant, registered through the public API, the raw address read back. */
function epochState(): EpochState {
  const lab = Lab.create();
  lab.epoch.current();
  const local = lab.raw.epochCurrent() >>> 0;
  if (local === 0) throw new Error("epochCurrent returned 0");
  const counter = lab.alloc("test", 8, { align: 8, zeroed: true });
  return { lab, local, counter, deferred: 0, pendingAfterRun: [], queuedAfterRun: [] };
}

function readU64(lab: Lab, address: number): number {
  const w = new Uint32Array(lab.memory.buffer, address, 2);
  return w[0] + w[1] * 2 ** 32;
}

interface SwapState {
  lab: Lab;
  swap: number;
}

function swapState(slots: number): SwapState {
  const lab = Lab.create();
  const swap = lab.raw.arcSwapPageNew(slots) >>> 0;
  if (swap === 0) throw new Error("arcSwapPageNew refused");
  return { lab, swap };
}

function deferCase(id: string, group: Group, label: string, n: number, capture: number): Case<EpochState> {
  return {
    id, group, label, ops: n,
    setup: once(epochState),
    run: (s) => pinDeferUnpin(s.lab, s.local, s.counter, capture, n),
    check: (s) => {
      s.deferred += n;
      const ran = readU64(s.lab, s.counter);
      const pending = s.lab.raw.epochPending(1);
      if (ran + pending !== s.deferred) throw new Error(`${id}: ${ran} ran + ${pending} pending != ${s.deferred} deferred`);
      s.pendingAfterRun.push(pending);
      s.queuedAfterRun.push(s.lab.raw.epochQueuedBags());
    },
  };
}

function buildCases(n: number): Case<any>[] {
  const storeOps = Math.max(1024, n >> 4);
  const cases: Case<any>[] = [];

  // Baselines.
  cases.push({
    id: "js-refcount", group: "baseline", label: "JS object field rc++ / --rc", ops: n,
    setup: once(() => Array.from({ length: 64 }, (_, id): Counted => ({ rc: 1, id }))),
    run: (objects: Counted[]) => jsRefcount(objects, n),
  });
  cases.push({
    id: "js-atomics", group: "baseline", label: "JS Atomics.add + Atomics.sub (SharedArrayBuffer)", ops: n,
    setup: once(() => { const c = new Int32Array(new SharedArrayBuffer(64)); c[0] = 1; return c; }),
    run: (counts: Int32Array) => jsAtomics(counts, n),
  });
  cases.push({
    id: "js-epoch", group: "baseline", label: "JS epoch pin + unpin (same algorithm)", ops: n,
    setup: once(() => new JsLocal(new Int32Array(new SharedArrayBuffer(64)))),
    run: (local: JsLocal) => jsEpochPinUnpin(local, n),
  });
  cases.push({
    id: "js-epoch-defer", group: "baseline", label: "JS epoch pin + defer + unpin (same algorithm)", ops: n,
    setup: once(() => new JsLocal(new Int32Array(new SharedArrayBuffer(64)))),
    run: (local: JsLocal) => jsEpochDefer(local, n),
    check: (local: JsLocal) => {
      const ran = Atomics.load(local.words, 2);
      if (ran + local.pending() !== local.pins) throw new Error(`js-epoch-defer: ${ran} ran + ${local.pending()} pending != ${local.pins}`);
    },
  });
  cases.push({
    id: "js-arcswap-load", group: "baseline", label: "JS Atomics: cmpxchg, load, add, xchg, sub", ops: n,
    setup: once(() => { const w = new Int32Array(new SharedArrayBuffer(64)); w[1] = 4096; w[2] = 1; return w; }),
    run: (words: Int32Array) => jsArcSwapLoad(words, n),
  });
  for (const slots of [64, 4096]) {
    cases.push({
      id: slots === 64 ? "js-page-store" : `js-page-store-${slots}`, group: slots === 64 ? "baseline" : "diagnostic",
      label: `JS new page {strong, Float64Array(2 x ${slots})} swapped in, old dropped`, ops: slots === 64 ? storeOps : storeOps >> 2,
      setup: once((): JsSwap => ({ current: { strong: 1, pageNo: 0, slots: new Float64Array(2 * slots) } })),
      run: (holder: JsSwap) => jsPageStore(holder, slots, slots === 64 ? storeOps : storeOps >> 2),
    });
  }

  // segstream.
  cases.push({
    id: "pin-nested", group: "segstream", label: "epochPin + epochUnpin, nested (outer guard held)", ops: n,
    setup: once(() => {
      const s = epochState();
      s.lab.raw.epochPin(s.local); // the outer guard, held for every run
      return s;
    }),
    run: (s: EpochState) => pinUnpin(s.lab, s.local, n),
  });
  cases.push({
    id: "pin-outer", group: "segstream", label: "epochPin + epochUnpin, outermost (collects every 128th)", ops: n,
    setup: once(epochState),
    run: (s: EpochState) => pinUnpin(s.lab, s.local, n),
    check: (s: EpochState) => { if (s.lab.raw.epochGuardCount(s.local) !== 0) throw new Error("pin-outer: guard left held"); },
  });
  cases.push(deferCase("defer", "segstream", "epochPin + epochDeferCount(8 B) + epochUnpin", n, 8));
  cases.push({
    id: "arcswap-load", group: "segstream", label: "arcSwapPageLoadFull + pageRelease", ops: n,
    setup: once(() => swapState(64)),
    run: (s: SwapState) => loadFullRelease(s.lab, s.swap, n),
    check: (s: SwapState) => {
      const page = s.lab.raw.arcSwapPageLoadFull(s.swap) >>> 0;
      const strong = s.lab.raw.arcStrongCount(page);
      s.lab.raw.pageRelease(page);
      if (strong !== 2) throw new Error(`arcswap-load: strong count ${strong} with one probe reference (expected 2)`);
    },
  });
  for (const slots of [64, 4096]) {
    const ops = slots === 64 ? storeOps : storeOps >> 2;
    cases.push({
      id: slots === 64 ? "arcswap-store" : `arcswap-store-${slots}`, group: slots === 64 ? "segstream" : "diagnostic",
      label: `arcSwapPageStore, page of ${slots} slots (${(slots * 16) / 1024} KiB)`, ops,
      setup: once(() => swapState(slots)),
      run: (s: SwapState) => storePages(s.lab, s.swap, slots, ops),
    });
  }

  // Diagnostics.
  cases.push({
    id: "empty-call", group: "diagnostic", label: "raw epochGuardCount(local): one trivial JS -> wasm call", ops: n,
    setup: once(epochState),
    run: (s: EpochState) => emptyCalls(s.lab.raw.epochGuardCount, s.local, n),
  });
  cases.push({
    id: "heap-alloc-free", group: "diagnostic", label: "raw heapAlloc(1 KiB) + heapFree: one allocator round trip", ops: storeOps,
    setup: once(() => { const lab = Lab.create(); return { lab, site: lab.site("test") }; }),
    run: (s: { lab: Lab; site: number }) => allocFree(s.lab, s.site, 1024, storeOps),
  });
  cases.push(deferCase("defer-boxed", "diagnostic", "as defer, 32-byte capture (boxed: heap alloc + free each)", n >> 2, 32));
  return cases;
}

// --- ratios and report ---

/** segstream case -> the baselines it is compared with. */
const COMPARISONS: readonly [string, string[]][] = [
  ["pin-nested", ["js-refcount", "js-epoch", "empty-call"]],
  ["pin-outer", ["js-epoch", "js-atomics", "empty-call"]],
  ["defer", ["js-epoch-defer", "js-epoch", "pin-outer"]],
  ["arcswap-load", ["js-atomics", "js-arcswap-load", "js-refcount", "empty-call"]],
  ["arcswap-store", ["js-page-store", "js-atomics", "heap-alloc-free"]],
  ["arcswap-store-4096", ["js-page-store-4096"]],
  ["defer-boxed", ["defer", "js-epoch-defer"]],
];

interface Ratio {
  numerator: string;
  denominator: string;
  /** Numerator ns/op over denominator ns/op: > 1 means the numerator is slower. */
  costRatio: number;
}

function ratios(rows: readonly Row[]): Ratio[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: Ratio[] = [];
  for (const [num, dens] of COMPARISONS) {
    const a = byId.get(num);
    if (!a) continue;
    for (const den of dens) {
      const b = byId.get(den);
      if (b) out.push({ numerator: num, denominator: den, costRatio: a.nsPerOp / b.nsPerOp });
    }
  }
  return out;
}

function fmt(x: number, digits = 2): string {
  return fmtDigits(x, digits);
}

interface PendingTrace {
  ops: number;
  /** Pending user deferreds sampled every 64 ops (after the first 4096): min, max and final. */
  minPending: number;
  maxPending: number;
  finalPending: number;
  maxQueuedBags: number;
  ran: number;
  /** The lab's heap footprint at the end, and its peak: flat if reclamation keeps up. */
  footprintBytes: number;
  peakFootprintBytes: number;
}

/** Untimed: pin/defer/unpin on a fresh Lab, sampling the pending count, to show it stays bounded. */
function tracePending(ops: number): PendingTrace {
  const s = epochState();
  const raw = s.lab.raw;
  let minPending = Infinity;
  let maxPending = 0;
  let maxQueued = 0;
  for (let i = 1; i <= ops; i++) {
    raw.epochPin(s.local);
    raw.epochDeferCount(s.local, s.counter, 8);
    raw.epochUnpin(s.local);
    if (i % 64 === 0) {
      if (i > 4096) minPending = Math.min(minPending, raw.epochPending(1));
      maxPending = Math.max(maxPending, raw.epochPending(1));
      maxQueued = Math.max(maxQueued, raw.epochQueuedBags());
    }
  }
  const heap = s.lab.ledger().heap;
  return {
    ops, minPending, maxPending, finalPending: raw.epochPending(1), maxQueuedBags: maxQueued, ran: readU64(s.lab, s.counter),
    footprintBytes: heap.footprintBytes, peakFootprintBytes: heap.peakFootprintBytes,
  };
}

function analysis(rows: readonly Row[], trace: PendingTrace, deferPending: number[]): string[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ns = (id: string) => byId.get(id)?.nsPerOp ?? NaN;
  const lines: string[] = [];
  const add = (text: string) => { if (!text.includes("NaN")) lines.push(text); };
  const call = ns("empty-call");
  add(`Call floor: one raw JS -> wasm call of a trivial export costs ${fmt(call)} ns; pin+unpin is 2 calls (~${fmt(2 * call)} ns), ` +
    `pin+defer+unpin 3 (~${fmt(3 * call)} ns), load_full+release 2.`);
  add(`Pin/unpin: nested ${fmt(ns("pin-nested"))} ns, outermost ${fmt(ns("pin-outer"))} ns per pair; the outermost extra ` +
    `${fmt(ns("pin-outer") - ns("pin-nested"))} ns is the two seq-cst epoch-word stores plus the amortised collect (1 in 128). ` +
    `The same algorithm in JS: ${fmt(ns("js-epoch"))} ns (no call boundary).`);
  add(`Defer (pin + defer + unpin, collection amortised): ${fmt(ns("defer"))} ns = ${fmt(1e3 / ns("defer"))} M defers/s; ` +
    `minus an outermost pin/unpin that leaves ${fmt(ns("defer") - ns("pin-outer"))} ns per defer (call, bag slot, 1/64 of a 2 KiB seal + node alloc, ` +
    `1/64 of a bag run with its queue-node free). JS same algorithm: ${fmt(ns("js-epoch-defer"))} ns. Boxed (32 B capture): ${fmt(ns("defer-boxed"))} ns ` +
    `(+${fmt(ns("defer-boxed") - ns("defer"))} ns: the box's heap allocation and its free when the bag runs).`);
  add(`Pending stays bounded: ${trace.ops} pin/defer/unpin on a fresh Lab kept between ${trace.minPending} and ${trace.maxPending} ` +
    `deferred functions pending (at most ${trace.maxQueuedBags} queued bags), ended at ${trace.finalPending} (${trace.ran} ran), heap footprint ` +
    `${trace.footprintBytes / 1024} KiB (peak ${trace.peakFootprintBytes / 1024} KiB); after each timed run of the defer case ` +
    `(cumulative, same participant): ${deferPending.join(", ")} pending.`);
  const wasmRmw = (ns("arcswap-load") - 2 * call) / 4;
  add(`ArcSwap load_full + release: ${fmt(ns("arcswap-load"))} ns, ${fmt(ns("arcswap-load") / ns("js-atomics"))}x a JS Atomics.add/sub pair ` +
    `(${fmt(ns("js-atomics"))} ns) though it does twice the read-modify-writes (lock cmpxchg, strong add, unlock xchg, strong sub): ` +
    `~${fmt(wasmRmw)} ns per wasm RMW once the 2 calls are taken off, against ~${fmt(ns("js-atomics") / 2)} ns per JS Atomics RMW. ` +
    `The same 4 RMWs + 1 load in JS Atomics: ${fmt(ns("js-arcswap-load"))} ns.`);
  add(`ArcSwap store: ${fmt(ns("arcswap-store"))} ns with 64-slot pages: 2 heap allocations + 2 frees, and one allocator ` +
    `round trip (heapAlloc + heapFree, 2 calls) costs ${fmt(ns("heap-alloc-free"))} ns, so the allocator is ~${fmt((2 * (ns("heap-alloc-free") - 2 * call) + call) / ns("arcswap-store") * 100, 0)}% of a store; ` +
    `${fmt(ns("arcswap-store-4096"))} ns with 4096-slot pages; JS new page + drop: ${fmt(ns("js-page-store"))} / ` +
    `${fmt(ns("js-page-store-4096"))} ns (GC cost included only as far as it falls inside the window).`);
  return lines;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const started = now();
  const loadStart = loadavg()[0];
  // The call floor stays in a filtered run: the analysis subtracts it.
  const { cases, stats } = measure(buildCases(options.n), options, ["empty-call"]);
  const rows: Row[] = cases.map((c) => {
    const s = stats.get(c.id)!;
    return {
      id: c.id, group: c.group, label: c.label, opsPerRun: c.ops, nsPerOp: s.nsPerOp.median, minNs: s.nsPerOp.min, maxNs: s.nsPerOp.max,
      mopsPerSecond: 1e3 / s.nsPerOp.median, cpuShare: s.cpuShare, samplesNs: s.nsPerOp.samples,
    };
  });
  const trace = tracePending(1_000_000);
  const deferCaseObj = cases.find((c) => c.id === "defer");
  const deferState = deferCaseObj ? (deferCaseObj.setup() as EpochState) : undefined;
  const deferPending = deferState?.pendingAfterRun ?? [];
  const ratioList = ratios(rows);
  const findings = analysis(rows, trace, deferPending);
  const seconds = Number(now() - started) / 1e9;
  const meta = {
    ...environment(loadStart), clock: options.clock, opsPerRun: options.n,
    reps: options.reps, warmup: options.warmup, seconds, checksum: sinkValue(),
  };
  const pending = {
    trace,
    deferCaseAfterEachRun: deferPending,
    deferCaseQueuedBagsAfterEachRun: deferState?.queuedAfterRun ?? [],
  };

  if (options.json) {
    printJson({ meta, results: rows, ratios: ratioList, pending, analysis: findings });
    return;
  }
  const out: string[] = [];
  out.push(`segstream reclamation costs: ${options.warmup} warm-up + ${options.reps} timed runs per case, ${options.n} ops per run ` +
    `(stores: ${options.n >> 4}), ${options.clock} clock`);
  out.push(`${environmentLine(meta)}; ns/op: median [min, max]; cpu: CPU time over wall time while timed`);
  out.push("");
  const body: string[][] = [];
  for (const g of ["baseline", "segstream", "diagnostic"] as const) {
    for (const r of rows.filter((row) => row.group === g)) {
      body.push([g, r.id, fmt(r.nsPerOp), `[${fmt(r.minNs)}, ${fmt(r.maxNs)}]`, fmt(r.mopsPerSecond), percent(r.cpuShare), r.label]);
    }
  }
  out.push(...resultsTable(["group", "case", "ns/op", "[min, max]", "Mops/s", "cpu", "what"], body, (c) => c >= 2 && c <= 5,
    rows, options.clock, meta));
  out.push("Cost ratios of medians (ns/op over ns/op; > 1: the segstream case is slower):");
  out.push(table(["case", "vs", "ratio"], ratioList.map((q) => [q.numerator, q.denominator, `${fmt(q.costRatio)}x`]), (c) => c === 2));
  out.push("");
  printReport(out, findings, seconds, meta.checksum);
}

runMain("reclaim.bench", main);
