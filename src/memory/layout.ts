// Field offsets of the tables in the module's reserved region, read from the module itself at load
// (assembly/abi/layout.ts: "Structure.field" names and offsets), so none is written here. The base
// addresses come from the module's own exports (ledgerAddress() and the like).

import { instantiate, createMemory } from "../wasm/module.js";

function readLayout(): Map<string, number> {
  const { raw, getString } = instantiate(createMemory());
  const table = new Map<string, number>();
  for (let i = 0; i < raw.layoutCount(); i++) table.set(getString(raw.layoutName(i)), raw.layoutOffset(i) >>> 0);
  return table;
}

const TABLE = readLayout();

/** The offsets of `structure`'s `fields`, by name; throws naming every name the module does not describe. */
function structure<const F extends readonly string[]>(name: string, fields: F): { readonly [K in F[number]]: number } {
  const missing = fields.filter((f) => !TABLE.has(`${name}.${f}`));
  if (missing.length) throw new Error(`segstream: the module describes no layout for ${missing.map((f) => `${name}.${f}`).join(", ")} (assembly/abi/layout.ts)`);
  return Object.fromEntries(fields.map((f) => [f, TABLE.get(`${name}.${f}`)])) as { readonly [K in F[number]]: number };
}

/**
 * Bytes below the module's memoryBase (asconfig.json): the reserved region where the heap's root, the
 * ledger, the collector's root and the lab state live (assembly/memory/layout.ts). No address a
 * user may hand the model (a counter, a block) lies in it.
 */
export const RESERVED_BYTES = structure("Reserved", ["end"]).end;

/** SiteRecord: one per site plus the all-sites and Rust totals. */
export const SITE_RECORD = structure("SiteRecord", [
  "size", "requests", "requestedBytes", "blockBytes", "liveBytes", "liveBlocks", "peakLiveBytes", "liveBlockBytes", "frees",
  "failedRequests", "largestRequest", "peakLiveBlocks", "allocEvents", "freeEvents", "bytesAtPeak", "blocksAtPeak",
]);

/** The ledger header at ledgerAddress(). */
export const LEDGER = structure("Ledger", [
  "all", "rust", "events", "largestRequest", "largestSite", "largeThreshold", "largeCount", "failureCount", "invalidFrees",
  "doubleFrees", "peakEvent",
]);

export const LARGE_ENTRY = structure("LargeEntry", ["size", "event", "bytes", "address", "site", "granted", "align"]);

export const FAILURE_ENTRY = structure("FailureEntry", [
  "size", "event", "bytes", "footprint", "limit", "site", "reason", "align", "pagesWanted", "liveBytes",
]);

export const BAD_FREE_ENTRY = structure("BadFreeEntry", ["size", "event", "address", "freeingSite", "kind", "blockSite", "blockAddress"]);

/** The allocator root at heapRootAddress(). */
export const HEAP_ROOT = structure("HeapRoot", [
  "policy", "chunkPages", "limit", "footprint", "peakFootprint", "regions", "growths", "engineRefusals", "footprintModel",
  "glibcFootprint", "glibcPeak",
]);

/** CheckReport, written by every check export (assembly/memory/check.ts). */
export const CHECK_REPORT = structure("CheckReport", ["size", "code", "address", "expected", "actual"]);

/** A stream's published length (an AtomicU64) and the model's waiter count beside its mutex (assembly/stream/segmented_stream.ts). */
export const STREAM_FIELDS = structure("SegmentedStream", ["len", "waiters", "variant", "pageShift"]);

/** For tests: the names the module describes. */
/** The seed's value: two u64 words (assembly/stream/page.ts). */
export const V16_BYTES = structure("V16", ["size"]).size;

/** The largest capacity whose table the model allows (assembly/index/table.ts MAX_SLOTS, at 7/8 load). */
export const MAX_INDEX_CAPACITY = structure("OptimisedIndex", ["maxCapacity"]).maxCapacity;

/** A queueSnapshot record: a queued bag's sealed epoch word and length. */
export const BAG_SNAPSHOT = structure("BagSnapshot", ["size", "epoch", "length"]);

export const layoutNames = (): string[] => [...TABLE.keys()];
