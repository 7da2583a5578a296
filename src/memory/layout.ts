// Field offsets of the tables in the module's reserved region, mirroring the layout comments in
// assembly/memory/ledger.ts and assembly/memory/heap.ts (the base addresses come from the module's
// own exports, so only the offsets within each table are repeated here).

/**
 * Bytes below the module's memoryBase (asconfig.json): the reserved region where the heap's root, the
 * ledger, the collector's root and the lab state live (assembly/memory/layout.ts). No address a
 * user may hand the model (a counter, a block) lies in it.
 */
export const RESERVED_BYTES = 65536;

/** SiteRecord: 128 bytes, one per site plus the all-sites and Rust totals. */
export const SITE_RECORD = {
  size: 128,
  requests: 0,
  requestedBytes: 8,
  blockBytes: 16,
  liveBytes: 24,
  liveBlocks: 32,
  peakLiveBytes: 40,
  liveBlockBytes: 48,
  frees: 56,
  failedRequests: 64,
  largestRequest: 72,
  peakLiveBlocks: 80,
  allocEvents: 88,
  freeEvents: 96,
  bytesAtPeak: 104,
  blocksAtPeak: 112,
} as const;

/** The ledger header at ledgerAddress(). */
export const LEDGER = {
  all: 0,
  rust: 128,
  events: 256,
  largestRequest: 264,
  largestSite: 272,
  largeThreshold: 280,
  largeCount: 288,
  failureCount: 296,
  invalidFrees: 304,
  doubleFrees: 312,
  peakEvent: 320,
} as const;

export const LARGE_ENTRY = { size: 32, event: 0, bytes: 8, address: 16, site: 20, granted: 24, align: 28 } as const;

export const FAILURE_ENTRY = {
  size: 320, event: 0, bytes: 8, footprint: 16, limit: 24, site: 32, reason: 36, align: 40, pagesWanted: 44, liveBytes: 64,
} as const;

export const BAD_FREE_ENTRY = { size: 32, event: 0, address: 8, freeingSite: 12, kind: 16, blockSite: 20, blockAddress: 24 } as const;

/** The allocator root at heapRootAddress(). */
export const HEAP_ROOT = {
  policy: 12,
  chunkPages: 16,
  limit: 24,
  footprint: 32,
  peakFootprint: 40,
  regions: 48,
  growths: 52,
  engineRefusals: 56,
  footprintModel: 60,
  glibcFootprint: 168,
  glibcPeak: 176,
} as const;
