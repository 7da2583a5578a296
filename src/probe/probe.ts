// The probe: the seed's loop without a harness. Create a stream (or an OptimisedIndex holding one),
// optionally append to it, drop it, N times, one after another, in a fresh lab; then compare the
// ledger before and after. Whatever is still live at the end was retained by the drops: the leak,
// per variant, to the byte. For the epoch variants the loop is followed by a drain (release any
// stalled guard, flush until no user garbage is pending) whose yield is reported separately.
// The variants include two epoch scenarios (variants.ts).

import { describe, requireChoice, requireInteger, requireOptions } from "../errors.js";
import { Lab, LAB_KEYS } from "../memory/lab.js";
import type { BadFree, Figures, LedgerSnapshot, SiteFigures } from "../memory/ledger.js";
import { DEFAULT_PAGE_SLOTS, streamSettings } from "../stream/segmented-stream.js";
import { instanceLife } from "../instance/life.js";
import { checkProbeOptions, type ProbeOptions } from "./check-options.js";

export type { ProbeOptions };
import { holdGuard, streamVariantOf, PROBE_VARIANTS, type ProbeVariant } from "../instance/variants.js";
import { tableBytesFor, INDEXERS, MAX_CAPACITY, TABLE_KINDS, type Indexer, type TableKind } from "../index/optimised-index.js";
import type { Guard } from "../epoch/participant.js";


export interface ProbeSite {
  name: string;
  rust: boolean;
  requests: number;
  requestedBytes: number;
  liveBytes: number;
  liveBlocks: number;
  /** The modelled Rust call paths that make the site's requests (SiteFigures.callPaths), one per program point. */
  callPaths: string[][];
  /** The program points (indexes into callPaths) the ledger counted requests at in the loop. */
  pointsUsed: number[];
}

/** The program points of `site` with requests between two snapshots (a one-point site's only point if it made any). */
function pointsUsed(site: SiteFigures, before: LedgerSnapshot, after: LedgerSnapshot): number[] {
  const points = after.points.filter((p) => p.site === site.id);
  if (points.length === 0) return site.requests > (before.sites[site.id]?.requests ?? 0) ? [0] : [];
  const earlier = (point: number) => before.points.find((p) => p.site === site.id && p.point === point)?.requests ?? 0;
  return points.filter((p) => p.requests > earlier(p.point)).map((p) => p.point);
}

export interface DrainResult {
  /** Pin-flush-unpin rounds until no user garbage was pending. */
  rounds: number;
  /** Rust-visible bytes and blocks the drain freed. */
  freedBytes: number;
  freedBlocks: number;
  /** Rust-visible bytes still live after the drain, less those live before the loop. */
  liveBytes: number;
  /** Deferred functions still pending: the queue's own node churn (at most two node frees). */
  pendingDeferred: number;
}

export interface ProbeResult {
  variant: ProbeVariant;
  structure: "SegmentedStream" | "OptimisedIndex";
  instances: number;
  pageSlots: number;
  appends: number;
  indexCapacity: number | null;
  indexTable: TableKind | null;
  indexTableBytes: number | null;
  upserts: number;
  indexer: Indexer | null;
  /** Rust-visible (requested) bytes still live after the loop, less those live before it. */
  liveBytes: number;
  liveBlocks: number;
  /** Highest Rust-visible live bytes at any moment of the loop. */
  peakBytes: number;
  requests: number;
  requestedBytes: number;
  largestRequest: number;
  retainedBytesPerInstance: number;
  retainedBlocksPerInstance: number;
  requestsPerInstance: number;
  /** The allocator's view: block bytes (header and rounding included) still live. */
  liveBlockBytes: number;
  footprintBytes: number;
  invalidFrees: number;
  doubleFrees: number;
  /** The first bad frees of the loop, with the blocks they hit. */
  badFrees: BadFree[];
  /** Epoch garbage at the end of the loop: deferred functions not run, sealed bags queued, global epoch. */
  pendingDeferred: number;
  queueNodes: number;
  epoch: number;
  /** What a full drain freed afterwards (epoch variants only). */
  drain: DrainResult | null;
  sites: ProbeSite[];
  elapsedMs: number;
}

const PROBE_KEYS = [
  "variant", "instances", "pageSlots", "appends", "indexCapacity", "upserts", "indexer", "indexTable", "lab", "afterLoop",
] as const satisfies readonly (keyof ProbeOptions)[];

const BAD_FREE_SAMPLES = 4;
const MAX_DRAIN_ROUNDS = 10_000_000;
/** Node frees the queue always has in flight once user garbage is gone (see drainEpoch). */
const QUEUE_CHURN = 2;

/** Runs a probe. Bad options throw TypeError or RangeError naming the option (check-options.ts; bounds in bounds.ts). */
export function runProbe(options: ProbeOptions): ProbeResult {
  checkProbeShape(options);
  const values = checkProbeOptions(options);
  const pageSlots = options.pageSlots ?? DEFAULT_PAGE_SLOTS;
  const lab = Lab.create(options.lab);
  const held = holdGuard(lab, options.variant);
  const life = instanceLife(lab, {
    variant: options.variant, pageSlots, indexCapacity: options.indexCapacity, indexer: options.indexer, indexTable: options.indexTable, values,
  });
  lab.reserveScratch(); // allocated before the loop, so the loop's figures are the instances' alone
  const before = lab.ledger();
  const started = performance.now();
  for (let i = 0; i < options.instances; i++) life.routine(life.setup());
  const elapsedMs = performance.now() - started;
  const after = lab.ledger();
  options.afterLoop?.(lab);
  const collector = lab.epoch.state();
  const drain = streamVariantOf(options.variant) === "epoch-deferred" ? drainEpoch(lab, held, before, after) : null;
  return {
    ...summarise(options, pageSlots, before, after, elapsedMs),
    indexTableBytes: options.indexCapacity === undefined ? null : tableBytesFor(lab, options.indexCapacity, options.indexTable),
    pendingDeferred: collector.pendingDeferred,
    queueNodes: collector.queuedBags,
    epoch: collector.epoch,
    drain,
  };
}

/** The options argument's shape: a plain object of known keys and types (bounds: check-options.ts). */
function checkProbeShape(options: ProbeOptions): void {
  requireOptions("options", options, PROBE_KEYS, true); // checked up front: the loop may never build what would check the rest
  requireChoice("variant", options.variant, PROBE_VARIANTS);
  for (const count of ["instances", "appends", "upserts"] as const) {
    if (count === "instances" || options[count] !== undefined) requireInteger(count, options[count], 0, Number.MAX_SAFE_INTEGER);
  }
  streamSettings({ pageSlots: options.pageSlots });
  if (options.indexCapacity !== undefined) requireInteger("indexCapacity", options.indexCapacity, 0, MAX_CAPACITY);
  if (options.indexer !== undefined) requireChoice("indexer", options.indexer, INDEXERS);
  if (options.indexTable !== undefined) requireChoice("indexTable", options.indexTable, TABLE_KINDS);
  requireOptions("lab", options.lab, LAB_KEYS); // its values: Lab.create's to check
  if (options.afterLoop !== undefined && typeof options.afterLoop !== "function") throw new TypeError(`afterLoop must be a function, got ${describe(options.afterLoop)}`);
}

/**
 * Releases the held guard, then pins, flushes and unpins this thread's participant until no user
 * garbage is pending. What then remains is the queue's own churn: each pop defers the old sentinel's
 * free, so one or two node frees are always in flight; the drain stops at two.
 */
function drainEpoch(lab: Lab, held: Guard | undefined, before: LedgerSnapshot, after: LedgerSnapshot): DrainResult {
  held?.release();
  const participant = lab.epoch.current();
  let rounds = 0;
  for (let state = lab.epoch.state(); state.pendingUserDeferred > 0 || state.pendingDeferred > QUEUE_CHURN; state = lab.epoch.state()) {
    if (++rounds > MAX_DRAIN_ROUNDS) throw new Error(`epoch drain did not converge in ${MAX_DRAIN_ROUNDS} rounds`);
    const guard = participant.pin();
    try {
      guard.flush();
    } finally {
      guard.release(); // a refused flush must not leave the epoch pinned for ever
    }
  }
  const drained = lab.ledger();
  return {
    rounds,
    freedBytes: after.rust.liveBytes - drained.rust.liveBytes,
    freedBlocks: after.rust.liveBlocks - drained.rust.liveBlocks,
    liveBytes: drained.rust.liveBytes - before.rust.liveBytes,
    pendingDeferred: lab.epoch.state().pendingDeferred,
  };
}

type Summary = Omit<ProbeResult, "indexTableBytes" | "pendingDeferred" | "queueNodes" | "epoch" | "drain">;

function summarise(options: ProbeOptions, pageSlots: number, before: LedgerSnapshot, after: LedgerSnapshot, elapsedMs: number): Summary {
  const delta = (key: keyof Figures) => after.rust[key] - before.rust[key];
  const perInstance = (value: number) => (options.instances ? value / options.instances : 0);
  const liveBytes = delta("liveBytes");
  const liveBlocks = delta("liveBlocks");
  const requests = delta("requests");
  const isIndex = options.indexCapacity !== undefined;
  return {
    variant: options.variant,
    structure: isIndex ? "OptimisedIndex" : "SegmentedStream",
    instances: options.instances,
    pageSlots,
    appends: isIndex ? 0 : options.appends ?? 0,
    indexCapacity: isIndex ? options.indexCapacity ?? 0 : null,
    upserts: isIndex ? options.upserts ?? 0 : 0,
    indexer: isIndex ? options.indexer ?? "first-word" : null,
    indexTable: isIndex ? options.indexTable ?? "flat" : null,
    liveBytes,
    liveBlocks,
    peakBytes: after.rust.peakLiveBytes,
    requests,
    requestedBytes: delta("requestedBytes"),
    largestRequest: after.rust.largestRequest,
    retainedBytesPerInstance: perInstance(liveBytes),
    retainedBlocksPerInstance: perInstance(liveBlocks),
    requestsPerInstance: perInstance(requests),
    liveBlockBytes: delta("liveBlockBytes"),
    footprintBytes: after.heap.footprintBytes,
    invalidFrees: after.invalidFrees - before.invalidFrees,
    doubleFrees: after.doubleFrees - before.doubleFrees,
    badFrees: after.badFrees.filter((f) => f.event > before.events).slice(0, BAD_FREE_SAMPLES),
    sites: after.sites
      .map((site, i) => ({
        name: site.name,
        rust: site.rust,
        requests: site.requests - before.sites[i].requests,
        requestedBytes: site.requestedBytes - before.sites[i].requestedBytes,
        liveBytes: site.liveBytes - before.sites[i].liveBytes,
        liveBlocks: site.liveBlocks - before.sites[i].liveBlocks,
        callPaths: site.callPaths,
        pointsUsed: pointsUsed(site, before, after),
      }))
      .filter((site) => site.requests !== 0 || site.liveBlocks !== 0),
    elapsedMs,
  };
}
