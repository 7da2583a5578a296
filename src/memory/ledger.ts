// Reading the ledger: a consistent snapshot of every figure the allocator keeps, decoded from the
// reserved region into plain objects. The snapshot is taken under the heap lock, so no thread is
// half way through an allocation while it is copied.

import type { Instance } from "../wasm/raw-exports.js";
import { SITE_RECORD, LEDGER, LARGE_ENTRY, FAILURE_ENTRY, BAD_FREE_ENTRY, HEAP_ROOT } from "./layout.js";
import { FAILURE_REASONS, type FailureRecord } from "./failure.js";

export { FAILURE_REASONS, type FailureReason, type FailureRecord } from "./failure.js";

export interface Figures {
  requests: number;
  requestedBytes: number;
  blockBytes: number;
  liveBytes: number;
  liveBlocks: number;
  peakLiveBytes: number;
  liveBlockBytes: number;
  frees: number;
  failedRequests: number;
  largestRequest: number;
  peakLiveBlocks: number;
  /** Sums of the event numbers of this record's allocations and frees (lifetimes, in events). */
  allocEvents: number;
  freeEvents: number;
  /** Sites: live bytes and blocks when the Rust total last peaked (DHAT's t-gmax). */
  bytesAtPeak: number;
  blocksAtPeak: number;
}

export interface SiteFigures extends Figures {
  id: number;
  name: string;
  /** A heap allocation of the native program (as opposed to storage only the model needs). */
  rust: boolean;
  /** The modelled Rust call paths that make this site's requests, one per program point, each outermost frame first. */
  callPaths: string[][];
}

export type GrowthPolicy = "exact" | "double" | "chunk";
export const GROWTH_POLICIES: readonly GrowthPolicy[] = ["exact", "double", "chunk"];

/** What the limit measures (assembly/memory/footprint.ts): segstream's linear memory, or glibc's chunks for the Rust heap. */
export type FootprintModel = "segstream" | "glibc";
export const FOOTPRINT_MODELS: readonly FootprintModel[] = ["segstream", "glibc"];

export interface HeapFigures {
  policy: GrowthPolicy;
  chunkPages: number;
  footprintModel: FootprintModel;
  /** glibc malloc's footprint of the live Rust allocations (kept whatever the model), and its peak. */
  glibcFootprintBytes: number;
  glibcPeakBytes: number;
  /** Footprint limit in bytes; 0 means none. */
  limitBytes: number;
  footprintBytes: number;
  peakFootprintBytes: number;
  regions: number;
  growths: number;
  engineRefusals: number;
}

export interface LargeRequest {
  event: number;
  bytes: number;
  site: number;
  siteName: string;
  address: number;
  granted: boolean;
  align: number;
}

/** What was wrong with a free: BadFreeEntry.kind - 1 (0 is "none"). */
export const BAD_FREE_KINDS = ["invalid", "double"] as const;


export interface BadFree {
  event: number;
  kind: (typeof BAD_FREE_KINDS)[number];
  address: number;
  freeingSite: string;
  /** The block the address points into (invalid) or the block freed before (double), if known. */
  blockSite: string | undefined;
  blockAddress: number;
  offset: number;
}

export interface LedgerSnapshot {
  all: Figures;
  /** RUST sites only: the native program's heap. */
  rust: Figures;
  sites: SiteFigures[];
  /** Each program point of the sites with several, in site order (their additive figures sum to the site's). */
  points: PointFigures[];
  events: number;
  /** The event at which the Rust total last peaked. */
  peakEvent: number;
  largestRequest: { bytes: number; site: string };
  heap: HeapFigures;
  largeThreshold: number;
  largeRequestCount: number;
  /** The most recent large requests (the ring keeps the last largeLogCapacity). */
  largeRequests: LargeRequest[];
  failureCount: number;
  failures: FailureRecord[];
  invalidFrees: number;
  doubleFrees: number;
  badFrees: BadFree[];
}

export interface SiteInfo {
  id: number;
  name: string;
  rust: boolean;
  callPaths: string[][];
  /** Where the ledger counts each program point of a site with several (SiteRecords); empty for a site with one. */
  pointRecords: number[];
}

/** One program point of a site with several: its call path and what its requests and frees did. */
export interface PointFigures extends Figures {
  site: number;
  siteName: string;
  point: number;
  callPath: string[];
}

/** A call path as the module spells it (assembly/memory/sites.ts): frames joined by " > ". */
export const FRAME_SEPARATOR = " > ";

function readPointRecords(instance: Instance, site: number, points: number): number[] {
  const records = Array.from({ length: points }, (_, point) => instance.raw.sitePointRecord(site, point) >>> 0);
  return records.every((address) => address !== 0) ? records : [];
}

function readCallPaths(instance: Instance, site: number): string[][] {
  const paths: string[][] = [];
  for (let point = 0; point < instance.raw.sitePointCount(site); point++) {
    paths.push(instance.getString(instance.raw.siteCallPath(site, point)).split(FRAME_SEPARATOR));
  }
  return paths;
}

export function readSites(instance: Instance): SiteInfo[] {
  const { raw } = instance;
  const sites: SiteInfo[] = [];
  for (let id = 0; id < raw.siteCount(); id++) {
    const callPaths = readCallPaths(instance, id);
    sites.push({ id, name: instance.getString(raw.siteName(id)), rust: raw.siteIsRust(id) !== 0, callPaths, pointRecords: readPointRecords(instance, id, callPaths.length) });
  }
  return sites;
}

class Reader {
  private readonly view: DataView;
  constructor(memory: WebAssembly.Memory) {
    this.view = new DataView(memory.buffer);
  }
  u32(address: number): number {
    return this.view.getUint32(address, true);
  }
  /** A u64 as the nearest double (exact to 2^53): the two halves, so no BigInt is made per field. */
  u64(address: number): number {
    return this.view.getUint32(address, true) + this.view.getUint32(address + 4, true) * 0x1_0000_0000;
  }
  figures(address: number): Figures {
    const f = (offset: number) => this.u64(address + offset);
    return {
      requests: f(SITE_RECORD.requests),
      requestedBytes: f(SITE_RECORD.requestedBytes),
      blockBytes: f(SITE_RECORD.blockBytes),
      liveBytes: f(SITE_RECORD.liveBytes),
      liveBlocks: f(SITE_RECORD.liveBlocks),
      peakLiveBytes: f(SITE_RECORD.peakLiveBytes),
      liveBlockBytes: f(SITE_RECORD.liveBlockBytes),
      frees: f(SITE_RECORD.frees),
      failedRequests: f(SITE_RECORD.failedRequests),
      largestRequest: f(SITE_RECORD.largestRequest),
      peakLiveBlocks: f(SITE_RECORD.peakLiveBlocks),
      allocEvents: f(SITE_RECORD.allocEvents),
      freeEvents: f(SITE_RECORD.freeEvents),
      bytesAtPeak: f(SITE_RECORD.bytesAtPeak),
      blocksAtPeak: f(SITE_RECORD.blocksAtPeak),
    };
  }
}

/** The entries of a ring of `capacity` that has had `count` writes, oldest first. */
function ringEntries(base: number, entrySize: number, capacity: number, count: number): number[] {
  const first = Math.max(0, count - capacity);
  const addresses: number[] = [];
  for (let i = first; i < count; i++) addresses.push(base + (i % capacity) * entrySize);
  return addresses;
}

export function readLedger(instance: Instance, sites: readonly SiteInfo[]): LedgerSnapshot {
  const { raw } = instance;
  raw.heapLock();
  try {
    return decode(instance, sites, new Reader(raw.memory));
  } finally {
    raw.heapUnlock();
  }
}

function decode(instance: Instance, sites: readonly SiteInfo[], r: Reader): LedgerSnapshot {
  const { raw } = instance;
  const ledger = raw.ledgerAddress() >>> 0;
  const table = raw.siteTableAddress() >>> 0;
  const root = raw.heapRootAddress() >>> 0;
  const name = (id: number) => sites[id]?.name ?? `site ${id}`;
  const largeCount = r.u64(ledger + LEDGER.largeCount);
  const failureCount = r.u64(ledger + LEDGER.failureCount);
  const invalidFrees = r.u64(ledger + LEDGER.invalidFrees);
  const doubleFrees = r.u64(ledger + LEDGER.doubleFrees);
  return {
    all: r.figures(ledger + LEDGER.all),
    rust: r.figures(ledger + LEDGER.rust),
    sites: sites.map((s) => ({ id: s.id, name: s.name, rust: s.rust, callPaths: s.callPaths, ...r.figures(table + s.id * SITE_RECORD.size) })),
    points: sites.flatMap((s) => s.pointRecords.map((address, point) => ({ site: s.id, siteName: s.name, point, callPath: s.callPaths[point], ...r.figures(address) }))),
    events: r.u64(ledger + LEDGER.events),
    peakEvent: r.u64(ledger + LEDGER.peakEvent),
    largestRequest: { bytes: r.u64(ledger + LEDGER.largestRequest), site: name(r.u32(ledger + LEDGER.largestSite)) },
    heap: {
      policy: GROWTH_POLICIES[r.u32(root + HEAP_ROOT.policy)] ?? "exact",
      chunkPages: r.u32(root + HEAP_ROOT.chunkPages),
      footprintModel: FOOTPRINT_MODELS[r.u32(root + HEAP_ROOT.footprintModel)] ?? "segstream",
      glibcFootprintBytes: r.u64(root + HEAP_ROOT.glibcFootprint),
      glibcPeakBytes: r.u64(root + HEAP_ROOT.glibcPeak),
      limitBytes: r.u64(root + HEAP_ROOT.limit),
      footprintBytes: r.u64(root + HEAP_ROOT.footprint),
      peakFootprintBytes: r.u64(root + HEAP_ROOT.peakFootprint),
      regions: r.u32(root + HEAP_ROOT.regions),
      growths: r.u32(root + HEAP_ROOT.growths),
      engineRefusals: r.u32(root + HEAP_ROOT.engineRefusals),
    },
    largeThreshold: r.u64(ledger + LEDGER.largeThreshold),
    largeRequestCount: largeCount,
    largeRequests: ringEntries(raw.largeLogAddress() >>> 0, LARGE_ENTRY.size, raw.largeLogCapacity(), largeCount)
      .map((e) => ({
        event: r.u64(e + LARGE_ENTRY.event),
        bytes: r.u64(e + LARGE_ENTRY.bytes),
        site: r.u32(e + LARGE_ENTRY.site),
        siteName: name(r.u32(e + LARGE_ENTRY.site)),
        address: r.u32(e + LARGE_ENTRY.address),
        granted: r.u32(e + LARGE_ENTRY.granted) !== 0,
        align: r.u32(e + LARGE_ENTRY.align),
      })),
    failureCount,
    failures: ringEntries(raw.failureLogAddress() >>> 0, FAILURE_ENTRY.size, raw.failureLogCapacity(), failureCount)
      .map((e) => decodeFailure(r, e, sites, name)),
    invalidFrees,
    doubleFrees,
    badFrees: ringEntries(raw.badFreeLogAddress() >>> 0, BAD_FREE_ENTRY.size, raw.badFreeLogCapacity(), invalidFrees + doubleFrees)
      .map((e) => {
        const address = r.u32(e + BAD_FREE_ENTRY.address);
        const blockSite = r.u32(e + BAD_FREE_ENTRY.blockSite);
        const blockAddress = r.u32(e + BAD_FREE_ENTRY.blockAddress);
        return {
          event: r.u64(e + BAD_FREE_ENTRY.event),
          kind: BAD_FREE_KINDS[r.u32(e + BAD_FREE_ENTRY.kind) - 1] ?? "invalid",
          address,
          freeingSite: name(r.u32(e + BAD_FREE_ENTRY.freeingSite)),
          blockSite: blockAddress ? name(blockSite) : undefined,
          blockAddress,
          offset: blockAddress ? address - blockAddress : 0,
        };
      }),
  };
}

function decodeFailure(r: Reader, e: number, sites: readonly SiteInfo[], name: (id: number) => string): FailureRecord {
  const liveBytesBySite: Record<string, number> = {};
  for (const s of sites) {
    const bytes = r.u64(e + FAILURE_ENTRY.liveBytes + s.id * 8);
    if (bytes) liveBytesBySite[s.name] = bytes;
  }
  const site = r.u32(e + FAILURE_ENTRY.site);
  return {
    event: r.u64(e + FAILURE_ENTRY.event),
    bytes: r.u64(e + FAILURE_ENTRY.bytes),
    site,
    siteName: name(site),
    reason: FAILURE_REASONS[r.u32(e + FAILURE_ENTRY.reason) - 1] ?? "limit",
    align: r.u32(e + FAILURE_ENTRY.align),
    footprintBytes: r.u64(e + FAILURE_ENTRY.footprint),
    limitBytes: r.u64(e + FAILURE_ENTRY.limit),
    pagesWanted: r.u32(e + FAILURE_ENTRY.pagesWanted),
    liveBytesBySite,
  };
}
