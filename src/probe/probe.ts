// The probe: the seed's loop without a harness. Create a stream, drop it, N times, one after
// another, in a fresh lab; then compare the ledger before and after. Whatever is still live at the
// end was retained by the drops: the leak, per variant, to the byte.

import { Lab, type LabOptions } from "../memory/lab.js";
import type { BadFree, Figures, LedgerSnapshot } from "../memory/ledger.js";
import { SegmentedStream, DEFAULT_PAGE_SLOTS } from "../stream/segmented-stream.js";
import type { StreamVariant } from "../stream/variants.js";

export interface ProbeOptions {
  variant: StreamVariant;
  instances: number;
  pageSlots?: number;
  /** Values appended to each stream before it is dropped (0: the seed's disabled upserts). */
  appends?: number;
  lab?: LabOptions;
}

export interface ProbeSite {
  name: string;
  rust: boolean;
  requests: number;
  requestedBytes: number;
  liveBytes: number;
  liveBlocks: number;
}

export interface ProbeResult {
  variant: StreamVariant;
  instances: number;
  pageSlots: number;
  appends: number;
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
  sites: ProbeSite[];
  elapsedMs: number;
}

const BAD_FREE_SAMPLES = 4;

export function runProbe(options: ProbeOptions): ProbeResult {
  const { variant, instances } = options;
  const pageSlots = options.pageSlots ?? DEFAULT_PAGE_SLOTS;
  const appends = options.appends ?? 0;
  const lab = Lab.create(options.lab);
  const before = lab.ledger();
  const started = performance.now();
  for (let i = 0; i < instances; i++) {
    const stream = SegmentedStream.create(lab, { variant, pageSlots });
    for (let k = 0; k < appends; k++) stream.append(i, k);
    stream.drop();
  }
  const elapsedMs = performance.now() - started;
  lab.releaseScratch();
  return summarise(options, pageSlots, appends, before, lab.ledger(), elapsedMs);
}

function summarise(
  options: ProbeOptions, pageSlots: number, appends: number, before: LedgerSnapshot, after: LedgerSnapshot, elapsedMs: number,
): ProbeResult {
  const delta = (key: keyof Figures) => after.rust[key] - before.rust[key];
  const perInstance = (value: number) => (options.instances ? value / options.instances : 0);
  const liveBytes = delta("liveBytes");
  const liveBlocks = delta("liveBlocks");
  const requests = delta("requests");
  const sites = after.sites
    .map((site, i) => ({
      name: site.name,
      rust: site.rust,
      requests: site.requests - before.sites[i].requests,
      requestedBytes: site.requestedBytes - before.sites[i].requestedBytes,
      liveBytes: site.liveBytes - before.sites[i].liveBytes,
      liveBlocks: site.liveBlocks - before.sites[i].liveBlocks,
    }))
    .filter((site) => site.requests !== 0 || site.liveBlocks !== 0);
  return {
    variant: options.variant,
    instances: options.instances,
    pageSlots,
    appends,
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
    sites,
    elapsedMs,
  };
}
