// The ledger: every byte the allocator hands out, accounted for by site.
//
// The allocator calls in here while it holds the heap lock, so plain loads and stores suffice: the
// lock's atomics order them for every thread. The host reads the ledger under the same lock
// (heapLock/heapUnlock in index.ts) and decodes it with src/memory/ledger.ts, at the offsets the
// classes below the tables declare (exported through abi/layout.ts).
//
// Two sizes are kept for every block. *Requested* bytes are what the modelled Rust code asked for:
// the figure the native program's allocator would see, and the one every report leads with.
// *Block* bytes add this allocator's header and rounding, so the two together show our overhead.
//
// ╒═══════════════ SiteRecord (128 bytes, one per site, and two totals) ══════════════╕
//  off  field            meaning
//   0   requests         granted requests
//   8   requestedBytes   sum of granted requested sizes
//  16   blockBytes       sum of granted block sizes (header and rounding included)
//  24   liveBytes        requested bytes not yet freed
//  32   liveBlocks       blocks not yet freed
//  40   peakLiveBytes    highest liveBytes seen
//  48   liveBlockBytes   block bytes not yet freed
//  56   frees            blocks given back
//  64   failedRequests   requests refused (limit, engine, too large)
//  72   largestRequest   largest requested size, granted or not
//  80   peakLiveBlocks   highest liveBlocks seen
//  88   allocEvents      sum of the event numbers of granted requests   ┐ together they give the
//  96   freeEvents       sum of the event numbers of frees              ┘ blocks' total lifetime
// 104   bytesAtPeak      liveBytes when the Rust total last peaked       ┐ DHAT's "at t-gmax"
// 112   blocksAtPeak     liveBlocks then                                 ┘ (sites only)
// 120   (reserved)
// ╘═══════════════════════════════════════════════════════════════════════════════════╛
// Total lifetime in events = freeEvents + liveBlocks x now − allocEvents, with no per-block record.
//
// The t-gmax snapshot (bytesAtPeak, blocksAtPeak) is taken lazily, as DHAT itself takes it: a new
// Rust peak records its event and marks the snapshot pending; the records are copied only when
// something other than a further peak is about to change them (a free, a fold, an allocation that
// raises no peak) or a reader looks (heapLock). Between a peak and that moment only peak-raising
// allocations happen, each moving the peak on, so the copy is what an eager one at the last peak
// would have been; a growing heap (every allocation a new peak) pays one copy, not one per request.
//
// Point records (POINT_TABLE, POINT_RECORDS SiteRecords): a site with several program points
// (sites.ts) is also counted per point, in the same record layout: what its granted requests and
// frees did at that point, and their peaks and t-gmax figures. Refusals are counted per site only
// (failedRequests stays 0 here). A point's additive figures sum over the site's points to the site
// record's; peaks are the point's own. Thread caches serve a site's first point only (thread_cache.ts),
// so a fold adds a cache's delta to the site record and to that point's record alike.
//
// ╒═════════════════════════ Ledger header (at LEDGER, 332 bytes) ═════════════════════╕
//    0  all: SiteRecord      every site
//  128  rust: SiteRecord     RUST sites only (the native program's heap)
//  256  events u64           allocations, frees, growths, failures and bad frees, numbered from 1
//  264  largestRequest u64   largest requested size over all sites
//  272  largestSite u32
//  280  largeThreshold u64   requests at or above it are logged in LARGE_LOG
//  288  largeCount u64       entries ever written to LARGE_LOG (ring of LARGE_CAPACITY)
//  296  failureCount u64     entries ever written to FAILURE_LOG (ring of FAILURE_CAPACITY)
//  304  invalidFrees u64     frees of an address that is not a block start
//  312  doubleFrees u64      frees of a block already free
//  320  peakEvent u64        the event at which the Rust total last peaked (DHAT's t-gmax)
//  328  peakPending u32      1 while that peak's snapshot has not been copied yet (settlePeak)
// ╘═══════════════════════════════════════════════════════════════════════════════════╛
//
// LargeEntry (32 bytes):  0 event u64 · 8 bytes u64 · 16 address u32 (0 if refused) · 20 site u32
//                         · 24 granted u32 · 28 align u32
// FailureEntry (320 bytes): 0 event u64 · 8 bytes u64 · 16 footprint u64 · 24 limit u64 · 32 site u32
//                         · 36 reason u32 · 40 align u32 · 44 pagesWanted u32 · 48 (reserved, 16)
//                         · 64 liveBytes[MAX_SITES] u64
// BadFreeEntry (32 bytes): 0 event u64 · 8 address u32 · 12 freeingSite u32 · 16 kind u32
//                         · 20 blockSite u32 (0 if unknown) · 24 blockAddress u32 (payload, 0 if unknown)
//                         · 28 (reserved)
//
// SiteDelta (64 bytes, one per site in each thread cache, memory/thread_cache.ts): what a thread served from its
// cache and has not folded into the site records yet:
//                         0 requests u64 · 8 requestedBytes u64 · 16 blockBytes u64 · 24 frees u64
//                         · 32 liveBytes i64 · 40 liveBlocks i64 · 48 liveBlockBytes i64 · 56 largestRequest u64
//
// The header embeds two SiteRecords and FailureEntry ends in an array; as in epoch/bag.ts, a class
// declares the scalars on either side and the embedded part takes its extent from its own size.

import { LEDGER, SITE_TABLE, LARGE_LOG, FAILURE_LOG, BAD_FREE_LOG, POINT_TABLE } from "./layout";
import { MAX_SITES, SITE_COUNT, POINT_RECORDS, siteIsRust, pointOf, pointRecordBase } from "./sites";
import { SITE_MASK } from "./block";

/** SiteRecord (table above). */
@unmanaged export class SiteRecord {
  requests: u64;
  requestedBytes: u64;
  blockBytes: u64;
  liveBytes: u64;
  liveBlocks: u64;
  peakLiveBytes: u64;
  liveBlockBytes: u64;
  frees: u64;
  failedRequests: u64;
  largestRequest: u64;
  peakLiveBlocks: u64;
  allocEvents: u64;
  freeEvents: u64;
  bytesAtPeak: u64;
  blocksAtPeak: u64;
  reserved: u64;
}
/** The ledger header's fields after `all` and `rust`, its two SiteRecords. */
@unmanaged export class LedgerTail {
  events: u64;
  largestRequest: u64;
  largestSite: u32;
  largeThreshold: u64;
  largeCount: u64;
  failureCount: u64;
  invalidFrees: u64;
  doubleFrees: u64;
  peakEvent: u64;
  peakPending: u32;
}
/** LargeEntry (above). */
@unmanaged export class LargeEntry {
  event: u64;
  bytes: u64;
  address: u32;
  site: u32;
  granted: u32;
  align: u32;
}
/** FailureEntry's fields before `liveBytes[MAX_SITES]`, which ends it. */
@unmanaged export class FailureHead {
  event: u64;
  bytes: u64;
  footprint: u64;
  limit: u64;
  site: u32;
  reason: u32;
  align: u32;
  pagesWanted: u32;
  reserved0: u64;
  reserved1: u64;
}
/** SiteDelta (above): the live figures are signed, a thread may free what another allocated. */
@unmanaged export class SiteDelta {
  requests: u64;
  requestedBytes: u64;
  blockBytes: u64;
  frees: u64;
  liveBytes: i64;
  liveBlocks: i64;
  liveBlockBytes: i64;
  largestRequest: u64;
}
/** BadFreeEntry (above). */
@unmanaged export class BadFreeEntry {
  event: u64;
  address: u32;
  freeingSite: u32;
  kind: u32;
  blockSite: u32;
  blockAddress: u32;
  reserved: u32;
}

// @ts-ignore: decorator
@inline export const SITE_RECORD_SIZE: usize = offsetof<SiteRecord>();
// @ts-ignore: decorator
@inline export const R_REQUESTS: usize = offsetof<SiteRecord>("requests");
// @ts-ignore: decorator
@inline export const R_REQUESTED_BYTES: usize = offsetof<SiteRecord>("requestedBytes");
// @ts-ignore: decorator
@inline export const R_BLOCK_BYTES: usize = offsetof<SiteRecord>("blockBytes");
// @ts-ignore: decorator
@inline export const R_LIVE_BYTES: usize = offsetof<SiteRecord>("liveBytes");
// @ts-ignore: decorator
@inline export const R_LIVE_BLOCKS: usize = offsetof<SiteRecord>("liveBlocks");
// @ts-ignore: decorator
@inline export const R_PEAK_LIVE_BYTES: usize = offsetof<SiteRecord>("peakLiveBytes");
// @ts-ignore: decorator
@inline export const R_LIVE_BLOCK_BYTES: usize = offsetof<SiteRecord>("liveBlockBytes");
// @ts-ignore: decorator
@inline export const R_FREES: usize = offsetof<SiteRecord>("frees");
// @ts-ignore: decorator
@inline export const R_FAILED: usize = offsetof<SiteRecord>("failedRequests");
// @ts-ignore: decorator
@inline export const R_LARGEST: usize = offsetof<SiteRecord>("largestRequest");
// @ts-ignore: decorator
@inline export const R_PEAK_LIVE_BLOCKS: usize = offsetof<SiteRecord>("peakLiveBlocks");
// @ts-ignore: decorator
@inline export const R_ALLOC_EVENTS: usize = offsetof<SiteRecord>("allocEvents");
// @ts-ignore: decorator
@inline export const R_FREE_EVENTS: usize = offsetof<SiteRecord>("freeEvents");
// @ts-ignore: decorator
@inline export const R_BYTES_AT_PEAK: usize = offsetof<SiteRecord>("bytesAtPeak");
// @ts-ignore: decorator
@inline export const R_BLOCKS_AT_PEAK: usize = offsetof<SiteRecord>("blocksAtPeak");

/** Offset of the header's scalars (after its two SiteRecords) and its size. */
// @ts-ignore: decorator
@inline export const LEDGER_TAIL_OFFSET: usize = 2 * SITE_RECORD_SIZE;
// @ts-ignore: decorator
@inline export const LEDGER_SIZE: usize = LEDGER_TAIL_OFFSET + offsetof<LedgerTail>();
// @ts-ignore: decorator
@inline export const L_ALL: usize = LEDGER;
// @ts-ignore: decorator
@inline export const L_RUST: usize = LEDGER + SITE_RECORD_SIZE;
// @ts-ignore: decorator
@inline export const L_EVENTS: usize = LEDGER + LEDGER_TAIL_OFFSET + offsetof<LedgerTail>("events");
// @ts-ignore: decorator
@inline export const L_LARGEST: usize = LEDGER + LEDGER_TAIL_OFFSET + offsetof<LedgerTail>("largestRequest");
// @ts-ignore: decorator
@inline export const L_LARGEST_SITE: usize = LEDGER + LEDGER_TAIL_OFFSET + offsetof<LedgerTail>("largestSite");
// @ts-ignore: decorator
@inline export const L_LARGE_THRESHOLD: usize = LEDGER + LEDGER_TAIL_OFFSET + offsetof<LedgerTail>("largeThreshold");
// @ts-ignore: decorator
@inline export const L_LARGE_COUNT: usize = LEDGER + LEDGER_TAIL_OFFSET + offsetof<LedgerTail>("largeCount");
// @ts-ignore: decorator
@inline export const L_FAILURE_COUNT: usize = LEDGER + LEDGER_TAIL_OFFSET + offsetof<LedgerTail>("failureCount");
// @ts-ignore: decorator
@inline export const L_INVALID_FREES: usize = LEDGER + LEDGER_TAIL_OFFSET + offsetof<LedgerTail>("invalidFrees");
// @ts-ignore: decorator
@inline export const L_DOUBLE_FREES: usize = LEDGER + LEDGER_TAIL_OFFSET + offsetof<LedgerTail>("doubleFrees");
// @ts-ignore: decorator
@inline export const L_PEAK_EVENT: usize = LEDGER + LEDGER_TAIL_OFFSET + offsetof<LedgerTail>("peakEvent");
// @ts-ignore: decorator
@inline const L_PEAK_PENDING: usize = LEDGER + LEDGER_TAIL_OFFSET + offsetof<LedgerTail>("peakPending");

// @ts-ignore: decorator
@inline export const LARGE_ENTRY: usize = offsetof<LargeEntry>();
/** FailureEntry.liveBytes[MAX_SITES]: live requested bytes of every site (u64 each). */
// @ts-ignore: decorator
@inline export const F_LIVE_BYTES: usize = offsetof<FailureHead>();
// @ts-ignore: decorator
@inline export const FAILURE_ENTRY: usize = F_LIVE_BYTES + <usize>MAX_SITES * 8;
// @ts-ignore: decorator
@inline export const BAD_FREE_ENTRY: usize = offsetof<BadFreeEntry>();

// The tables above (and the figures the host has always decoded at these offsets).
if (SITE_RECORD_SIZE != 128 || R_BLOCKS_AT_PEAK != 112) ERROR("SiteRecord must be 128 bytes, blocksAtPeak at 112");
if (LEDGER_SIZE != 332 || offsetof<LedgerTail>("largeThreshold") != 24) ERROR("The ledger header must be 332 bytes, largeThreshold at 280");
if (LARGE_ENTRY != 32) ERROR("LargeEntry must be 32 bytes");
if (F_LIVE_BYTES != 64 || FAILURE_ENTRY != 320) ERROR("FailureEntry must be 320 bytes, liveBytes[MAX_SITES] at 64");
if (offsetof<SiteDelta>() != 64) ERROR("SiteDelta must be 64 bytes");
if (BAD_FREE_ENTRY != 32 || offsetof<BadFreeEntry>("blockAddress") != 24) ERROR("BadFreeEntry must be 32 bytes, blockAddress at 24");

/** Ring sizes, chosen to fill their slots of the reserved region (layout.ts). */
// @ts-ignore: decorator
@inline export const LARGE_CAPACITY: u64 = 256;
// @ts-ignore: decorator
@inline export const FAILURE_CAPACITY: u64 = 16;
// @ts-ignore: decorator
@inline export const BAD_FREE_CAPACITY: u64 = 256;

/** Why a request was refused (FailureEntry.reason). */
export const REASON_LIMIT: u32 = 1;
export const REASON_ENGINE: u32 = 2;
export const REASON_TOO_LARGE: u32 = 3;
/** A test asked for this request to be refused (heapInjectFailure). */
export const REASON_INJECTED: u32 = 4;

/** What was wrong with a free (BadFreeEntry.kind). */
export const BAD_FREE_INVALID: u32 = 1;
export const BAD_FREE_DOUBLE: u32 = 2;

/** Default logging threshold: 1 MiB, the size from which a single request is worth a line. */
// @ts-ignore: decorator
@inline export const DEFAULT_LARGE_THRESHOLD: u64 = 1 << 20;

export function siteRecord(site: u32): usize {
  return SITE_TABLE + <usize>site * SITE_RECORD_SIZE;
}

/** The record of the program point an owner word names, or 0 if its site has one point only. */
export function pointRecord(owner: u32): usize {
  let base = pointRecordBase(owner & SITE_MASK);
  if (base < 0) return 0;
  return POINT_TABLE + <usize>(<u32>base + pointOf(owner)) * SITE_RECORD_SIZE;
}

export function ledgerSetThreshold(bytes: u64): void {
  store<u64>(L_LARGE_THRESHOLD, bytes);
}

/** Numbers the next event. Every change the allocator makes is one event. */
export function nextEvent(): u64 {
  let event = load<u64>(L_EVENTS) + 1;
  store<u64>(L_EVENTS, event);
  return event;
}

function bump(record: usize, field: usize, delta: u64): u64 {
  let value = load<u64>(record + field) + delta;
  store<u64>(record + field, value);
  return value;
}

function noteLargest(record: usize, bytes: u64): void {
  if (bytes > load<u64>(record + R_LARGEST)) store<u64>(record + R_LARGEST, bytes);
}

/** Adds a block to a record; true if that raised its peak live bytes. */
function addLive(record: usize, requested: u64, blockBytes: u64, event: u64): bool {
  bump(record, R_REQUESTS, 1);
  bump(record, R_REQUESTED_BYTES, requested);
  bump(record, R_BLOCK_BYTES, blockBytes);
  bump(record, R_LIVE_BLOCK_BYTES, blockBytes);
  bump(record, R_ALLOC_EVENTS, event);
  noteLargest(record, requested);
  let blocks = bump(record, R_LIVE_BLOCKS, 1);
  if (blocks > load<u64>(record + R_PEAK_LIVE_BLOCKS)) store<u64>(record + R_PEAK_LIVE_BLOCKS, blocks);
  let live = bump(record, R_LIVE_BYTES, requested);
  if (live <= load<u64>(record + R_PEAK_LIVE_BYTES)) return false;
  store<u64>(record + R_PEAK_LIVE_BYTES, live);
  return true;
}

function removeLive(record: usize, requested: u64, blockBytes: u64, event: u64): void {
  bump(record, R_FREES, 1);
  bump(record, R_LIVE_BLOCKS, -1);
  bump(record, R_LIVE_BLOCK_BYTES, -blockBytes);
  bump(record, R_LIVE_BYTES, -requested);
  bump(record, R_FREE_EVENTS, event);
}

function snapshotRecord(record: usize): void {
  store<u64>(record + R_BYTES_AT_PEAK, load<u64>(record + R_LIVE_BYTES));
  store<u64>(record + R_BLOCKS_AT_PEAK, load<u64>(record + R_LIVE_BLOCKS));
}

/** The Rust total just peaked at `event`: its snapshot is pending (the header above). */
function notePeak(event: u64): void {
  store<u64>(L_PEAK_EVENT, event);
  store<u32>(L_PEAK_PENDING, 1);
}

/**
 * Copies every site's and point's live figures into their t-gmax fields if the last peak left the
 * snapshot pending. Called before any change a further peak is not, and before the ledger is read.
 */
export function settlePeak(): void {
  if (!load<u32>(L_PEAK_PENDING)) return;
  store<u32>(L_PEAK_PENDING, 0);
  for (let site: u32 = 0; site < SITE_COUNT; site++) snapshotRecord(siteRecord(site));
  for (let point: u32 = 0; point < POINT_RECORDS; point++) snapshotRecord(POINT_TABLE + <usize>point * SITE_RECORD_SIZE);
}

/** Whether granting `requested` bytes at `site` raises the Rust total past its peak. */
function raisesPeak(site: u32, requested: u64): bool {
  return siteIsRust(site) && load<u64>(L_RUST + R_LIVE_BYTES) + requested > load<u64>(L_RUST + R_PEAK_LIVE_BYTES);
}

/** A granted request of `owner` (a site, with its program point: sites.ts pointOwner). */
export function recordAlloc(owner: u32, requested: u64, blockBytes: u64, address: usize, align: u32): void {
  let site = owner & SITE_MASK;
  if (!raisesPeak(site, requested)) settlePeak();
  let event = nextEvent();
  addLive(siteRecord(site), requested, blockBytes, event);
  let point = pointRecord(owner);
  if (point) addLive(point, requested, blockBytes, event);
  addLive(L_ALL, requested, blockBytes, event);
  if (siteIsRust(site) && addLive(L_RUST, requested, blockBytes, event)) notePeak(event);
  noteLargestOverall(site, requested);
  if (requested >= load<u64>(L_LARGE_THRESHOLD)) logLarge(event, site, requested, address, align);
}

// --- a thread cache's deltas (memory/thread_cache.ts), written under that cache's own lock ---

// @ts-ignore: decorator
@inline export const SITE_DELTA_SIZE: usize = offsetof<SiteDelta>();

/** A block served from a thread cache: counted in the cache's delta for its site. */
export function deltaAlloc(delta: usize, requested: u64, blockBytes: u64): void {
  bump(delta, offsetof<SiteDelta>("requests"), 1);
  bump(delta, offsetof<SiteDelta>("requestedBytes"), requested);
  bump(delta, offsetof<SiteDelta>("blockBytes"), blockBytes);
  bump(delta, offsetof<SiteDelta>("liveBytes"), requested);
  bump(delta, offsetof<SiteDelta>("liveBlocks"), 1);
  bump(delta, offsetof<SiteDelta>("liveBlockBytes"), blockBytes);
  if (requested > load<u64>(delta, offsetof<SiteDelta>("largestRequest"))) store<u64>(delta, requested, offsetof<SiteDelta>("largestRequest"));
}

/** A block taken into a thread cache: counted in the cache's delta for the block's site. */
export function deltaFree(delta: usize, requested: u64, blockBytes: u64): void {
  bump(delta, offsetof<SiteDelta>("frees"), 1);
  bump(delta, offsetof<SiteDelta>("liveBytes"), -requested);
  bump(delta, offsetof<SiteDelta>("liveBlocks"), -1);
  bump(delta, offsetof<SiteDelta>("liveBlockBytes"), -blockBytes);
}

/** Adds a delta's figures to a record, its allocations and frees numbered as events from `first`; true if a peak rose. */
function foldInto(record: usize, delta: usize, allocEvents: u64, freeEvents: u64): bool {
  bump(record, R_REQUESTS, load<u64>(delta, offsetof<SiteDelta>("requests")));
  bump(record, R_REQUESTED_BYTES, load<u64>(delta, offsetof<SiteDelta>("requestedBytes")));
  bump(record, R_BLOCK_BYTES, load<u64>(delta, offsetof<SiteDelta>("blockBytes")));
  bump(record, R_FREES, load<u64>(delta, offsetof<SiteDelta>("frees")));
  bump(record, R_LIVE_BLOCK_BYTES, load<u64>(delta, offsetof<SiteDelta>("liveBlockBytes")));
  bump(record, R_ALLOC_EVENTS, allocEvents);
  bump(record, R_FREE_EVENTS, freeEvents);
  noteLargest(record, load<u64>(delta, offsetof<SiteDelta>("largestRequest")));
  let blocks = bump(record, R_LIVE_BLOCKS, load<u64>(delta, offsetof<SiteDelta>("liveBlocks")));
  if (blocks > load<u64>(record + R_PEAK_LIVE_BLOCKS)) store<u64>(record + R_PEAK_LIVE_BLOCKS, blocks);
  let live = bump(record, R_LIVE_BYTES, load<u64>(delta, offsetof<SiteDelta>("liveBytes")));
  if (live <= load<u64>(record + R_PEAK_LIVE_BYTES)) return false;
  store<u64>(record + R_PEAK_LIVE_BYTES, live);
  return true;
}

/** Sum of the event numbers first + 1 .. first + n. */
// @ts-ignore: decorator
@inline function eventSum(first: u64, n: u64): u64 { return n * first + n * (n + 1) / 2; }

/**
 * Folds one site's delta into the ledger and clears it. Its operations are numbered as events now,
 * the allocations first: a thread's cache does not number them as they happen (that would write
 * the shared event counter on every call), so under concurrency an event number says when a batch
 * was folded, and lifetimes in events are exact to within a batch. True if the Rust total peaked.
 */
export function foldDelta(site: u32, delta: usize): bool {
  let allocs = load<u64>(delta, offsetof<SiteDelta>("requests"));
  let frees = load<u64>(delta, offsetof<SiteDelta>("frees"));
  if (!allocs && !frees) return false;
  settlePeak(); // a fold may free as well as allocate
  let first = load<u64>(L_EVENTS);
  let allocEvents = eventSum(first, allocs);
  let freeEvents = eventSum(first + allocs, frees);
  store<u64>(L_EVENTS, first + allocs + frees);
  foldInto(siteRecord(site), delta, allocEvents, freeEvents);
  let point = pointRecord(site);
  if (point) foldInto(point, delta, allocEvents, freeEvents);
  foldInto(L_ALL, delta, allocEvents, freeEvents);
  let peaked = siteIsRust(site) && foldInto(L_RUST, delta, allocEvents, freeEvents);
  noteLargestOverall(site, load<u64>(delta, offsetof<SiteDelta>("largestRequest")));
  memory.fill(delta, 0, SITE_DELTA_SIZE);
  return peaked;
}

/** After folds that raised the Rust total's peak: every site's live figures now are the t-gmax snapshot. */
export function notePeakNow(): void {
  notePeak(load<u64>(L_EVENTS));
}

/** A free of a block `owner` made (the block's owner word: its site and program point). */
export function recordFree(owner: u32, requested: u64, blockBytes: u64): void {
  let site = owner & SITE_MASK;
  settlePeak();
  let event = nextEvent();
  removeLive(siteRecord(site), requested, blockBytes, event);
  let point = pointRecord(owner);
  if (point) removeLive(point, requested, blockBytes, event);
  removeLive(L_ALL, requested, blockBytes, event);
  if (siteIsRust(site)) removeLive(L_RUST, requested, blockBytes, event);
}

function noteLargestOverall(site: u32, requested: u64): void {
  if (requested > load<u64>(L_LARGEST)) {
    store<u64>(L_LARGEST, requested);
    store<u32>(L_LARGEST_SITE, site);
  }
}

function logLarge(event: u64, site: u32, requested: u64, address: usize, align: u32): void {
  let count = load<u64>(L_LARGE_COUNT);
  let entry = LARGE_LOG + <usize>(count % LARGE_CAPACITY) * LARGE_ENTRY;
  store<u64>(entry, event, offsetof<LargeEntry>("event"));
  store<u64>(entry, requested, offsetof<LargeEntry>("bytes"));
  store<u32>(entry, <u32>address, offsetof<LargeEntry>("address"));
  store<u32>(entry, site, offsetof<LargeEntry>("site"));
  store<u32>(entry, address != 0 ? 1 : 0, offsetof<LargeEntry>("granted"));
  store<u32>(entry, align, offsetof<LargeEntry>("align"));
  store<u64>(L_LARGE_COUNT, count + 1);
}

function countRefusal(record: usize, requested: u64): void {
  bump(record, R_FAILED, 1);
  noteLargest(record, requested);
}

/**
 * A refused request: counted against its site, logged if large, and written to the failure ring
 * with the live bytes of every site at that moment, so the host can show what filled the heap.
 */
export function recordFailure(
  site: u32, requested: u64, align: u32, reason: u32, footprint: u64, limit: u64, pagesWanted: u32
): void {
  let event = nextEvent();
  countRefusal(siteRecord(site), requested);
  countRefusal(L_ALL, requested);
  if (siteIsRust(site)) countRefusal(L_RUST, requested);
  noteLargestOverall(site, requested);
  if (requested >= load<u64>(L_LARGE_THRESHOLD)) logLarge(event, site, requested, 0, align);

  let count = load<u64>(L_FAILURE_COUNT);
  let entry = FAILURE_LOG + <usize>(count % FAILURE_CAPACITY) * FAILURE_ENTRY;
  store<u64>(entry, event, offsetof<FailureHead>("event"));
  store<u64>(entry, requested, offsetof<FailureHead>("bytes"));
  store<u64>(entry, footprint, offsetof<FailureHead>("footprint"));
  store<u64>(entry, limit, offsetof<FailureHead>("limit"));
  store<u32>(entry, site, offsetof<FailureHead>("site"));
  store<u32>(entry, reason, offsetof<FailureHead>("reason"));
  store<u32>(entry, align, offsetof<FailureHead>("align"));
  store<u32>(entry, pagesWanted, offsetof<FailureHead>("pagesWanted"));
  for (let s: u32 = 0; s < MAX_SITES; s++) {
    store<u64>(entry + F_LIVE_BYTES + <usize>s * 8, load<u64>(siteRecord(s) + R_LIVE_BYTES));
  }
  store<u64>(L_FAILURE_COUNT, count + 1);
}

export function recordBadFree(address: usize, freeingSite: u32, kind: u32, blockSite: u32, blockAddress: usize): void {
  let event = nextEvent();
  let index = load<u64>(L_INVALID_FREES) + load<u64>(L_DOUBLE_FREES);
  let counter = kind == BAD_FREE_DOUBLE ? L_DOUBLE_FREES : L_INVALID_FREES;
  store<u64>(counter, load<u64>(counter) + 1);
  let entry = BAD_FREE_LOG + <usize>(index % BAD_FREE_CAPACITY) * BAD_FREE_ENTRY;
  store<u64>(entry, event, offsetof<BadFreeEntry>("event"));
  store<u32>(entry, <u32>address, offsetof<BadFreeEntry>("address"));
  store<u32>(entry, freeingSite, offsetof<BadFreeEntry>("freeingSite"));
  store<u32>(entry, kind, offsetof<BadFreeEntry>("kind"));
  store<u32>(entry, blockSite, offsetof<BadFreeEntry>("blockSite"));
  store<u32>(entry, <u32>blockAddress, offsetof<BadFreeEntry>("blockAddress"));
}
