// The module's ABI: what the host (src/) calls. Every 64-bit quantity crosses as an f64 (exact up
// to 2^53, and no BigInt on the JS side); pointers cross as u32 (the host applies `>>> 0`). No
// export has default parameters: raw calls would trap on them.
//
// One instance's life, as the host drives it:
//   heapInit ─ heapConfigure ─ indexNew (streamInit + table) ─ indexUpsert* ─ indexDrop
//     ─ streamDeinit (per variant: forget, release, or epoch defer) ─ epochPin/collect ─ frees
//     ─ (ledger read under heapLock)

import {
  heapInit as init, heapConfigure as configure, heapAlloc as allocFor, heapFree as freeFor, heapAllocUser, heapFreeUser,
  heapBlockSize as blockSize, heapLock as lock, heapUnlock as unlock, heapReserve as reserve, GROW_CHUNK,
  heapInjectFailure as injectFailure, heapInjectTrap as injectTrap, heapAllocCalls as allocCalls, heapInjectPending as injectPending,
  heapThreadDetach as threadDetach, heapCachedBytes as cachedBytesNow
} from "./memory/heap";
import * as heapChecker from "./memory/check";
import { CHECK_CODE_COUNT, CHECK_REPORT_SIZE } from "./memory/check";
import * as epochChecker from "./epoch/check";
import * as streamChecker from "./stream/check";
import * as indexChecker from "./index/check";
import { SITE_HOST_BUFFER } from "./memory/sites";
import { STARTS_PAGES } from "./memory/starts";
import * as labState from "./memory/lab_state";
import { threadStart, threadReportSlot } from "./memory/lab_state";
import { refuse, ABI_BAD_COUNT, ABI_BAD_POLICY, ABI_BAD_SITE } from "./abi/error";
import { PENDING_LOCAL_FREES } from "./epoch/bag";
import * as abiErrors from "./abi/error";
import { takeAbiError, ABI_CODE_COUNT } from "./abi/error";
import { FOOTPRINT_GLIBC, glibcChunk } from "./memory/footprint";
import { HEAP_ROOT, LEDGER, SITE_TABLE, LARGE_LOG, FAILURE_LOG, BAD_FREE_LOG } from "./memory/layout";
// Compile-time checks that no region of the reserved map runs into the next (emits no code).
import "./memory/regions";
import * as sites from "./memory/sites";
import { SITE_COUNT, MAX_SITES } from "./memory/sites";
import { LARGE_CAPACITY, FAILURE_CAPACITY, BAD_FREE_CAPACITY, pointRecord } from "./memory/ledger";
import * as segmentedStream from "./stream/segmented_stream";
import { arcStrong, arcWeak, arcFromRaw } from "./sync/arc";
import * as pageSwap from "./stream/page_swap";
import { pageSwapNew, pageSwapLoadFull, pageSwapStore, pageSwapDrop } from "./stream/page_swap";
import * as optimisedIndex from "./index/optimised_index";
import { indexKeyOf, indexKeys, indexSlots, indexStream } from "./index/optimised_index";
import { TABLE_HASHBROWN, tableSlots, tableRequestBytes, tableControlBytes, hashbrownAllocationBytes } from "./index/table";
import {
  registerParticipant, currentParticipant, unregisterParticipant, existingCollector, pendingDeferred, queuedBags, queueSnapshot
} from "./epoch/collector";
import { localPin, localUnpin, localDefer, localFlush, localEpoch, localGuardCount, localPinCount, localBag } from "./epoch/local";
import { globalEpoch } from "./epoch/global";
import { epochCount, epochIsPinned } from "./epoch/epoch";
import { setCrossbeamVersion } from "./epoch/version";
import { bagLen } from "./epoch/bag";
import { countFn, runCountNow } from "./epoch/count";
import { releaseFn } from "./epoch/release";
import { V16_SIZE } from "./stream/page";
import {
  validStream, validOwnStream, validIndex, validParticipant, validGuard, validUnpinned, validVariant, validPageSlots,
  validIndexer, validTableKind, validCapacity, validCount, validCounter, validUserBlock, validSite, validAlign, validBuffer, validElements, validArcSwap, validPage
} from "./abi/validate";

// --- heap ---

/** Starts this instance (its thread number) and the heap. False if the engine refused the heap's start map. */
export function heapInit(): bool {
  threadStart();
  return init();
}

// --- refusals and poisoning (abi/error.ts, memory/lab_state.ts) ---

/** The bad-argument code behind this thread's last trap (0: the trap was a fault), cleared on read. */
export function abiError(): u32 { return takeAbiError(); }
/** The offending value of that refusal. */
export function abiErrorValue(): f64 { return abiErrors.abiErrorValue(); }
export function abiErrorCount(): u32 { return ABI_CODE_COUNT; }
/** What a refused argument is not, for code `code` ("is not a live SegmentedStream of this lab"). */
export function abiErrorName(code: u32): string { return abiErrors.abiErrorName(code); }
/** Enums the host mirrors (abi/names.ts): how many values enum `e` has, and each one's name. */
export { enumCount, enumName } from "./abi/names";
export { layoutCount, layoutName, layoutOffset } from "./abi/layout";
/** Where the poisoned flag lives (memory/lab_state.ts), for the host to set it when a call trapped. */
export function labStateAddress(): usize { return labState.labStateAddress(); }

/** Returns false (changing nothing) for an unknown policy or model, or a zero chunk. */
export function heapConfigure(policy: u32, chunkPages: u32, footprintModel: u32, limitBytes: f64, largeThreshold: f64): bool {
  if (policy > GROW_CHUNK) refuse(ABI_BAD_POLICY, <f64>policy);
  if (chunkPages == 0 || chunkPages > 65536) refuse(ABI_BAD_POLICY, <f64>chunkPages);
  if (footprintModel > FOOTPRINT_GLIBC) refuse(ABI_BAD_POLICY, <f64>footprintModel);
  configure(policy, chunkPages, footprintModel, validCount(limitBytes), validCount(largeThreshold));
  return true;
}

/** The crossbeam-epoch version modelled (epoch/version.ts): 0 = 0.9.20, 1 = 0.9.13. False for another. */
export function epochConfigure(version: u32): bool { return setCrossbeamVersion(version); }

/** lab.alloc: a block the caller owns (USER). 0 if refused. `align` must be a power of two (the host checks). */
export function heapAlloc(site: u32, bytes: f64, align: u32, zeroed: bool): usize {
  validSite(site);
  let requested = validCount(bytes);
  validAlign(align);
  return heapAllocUser(site, requested, align, zeroed);
}

/** lab.free: 0 freed, 1 invalid, 2 double (both logged), 3 a live block the lab's structures own (nothing done). */
export function heapFree(payload: usize, site: u32): u32 {
  validSite(site);
  return heapFreeUser(payload, site);
}

/** The host's staging buffer: a block of the lab's own (lab.free refuses it). 0 if refused. */
export function hostBufferAlloc(bytes: u32): usize { return allocFor(SITE_HOST_BUFFER, <u64>bytes, 16, false); }
export function hostBufferFree(payload: usize): u32 { return freeFor(payload, SITE_HOST_BUFFER); }

/** Bytes of linear memory the heap's start map takes (memory/starts.ts): not footprint. */
export function heapStartMapBytes(): f64 { return <f64>(<u64>STARTS_PAGES << 16); }

/** Fault injection for tests: the n-th allocation from now (1: the next) is refused; 0: off. */
export function heapInjectFailure(n: u32): void { injectFailure(n); }
/** Fault injection for tests: the next allocation traps inside the heap's critical section (the lab is then poisoned). */
export function heapInjectTrap(): void { injectTrap(); }
/** Allocation calls ever made (granted or refused), and the countdown of an armed injection (0: none). */
export function heapAllocCalls(): f64 { return <f64>allocCalls(); }
export function heapInjectPending(): u32 { return injectPending(); }
/** This instance is done with the heap (Lab.close): its thread cache is given back (memory/thread_cache.ts). */
export function heapThreadDetach(): void { threadDetach(); }
/** Block bytes every thread cache holds now (they count as nobody's live bytes). */
export function heapCachedBytes(): f64 { return <f64>cachedBytesNow(); }

// --- invariant checks (memory/check.ts): each writes a 24-byte CheckReport at `out`, returns its code ---

export function heapCheck(out: usize, deep: bool): u32 {
  validReport(out);
  return heapChecker.heapCheck(out, deep);
}
export function epochCheck(out: usize): u32 {
  validReport(out);
  return epochChecker.epochCheck(out);
}
export function streamCheck(out: usize, stream: usize): u32 {
  validBuffer(out, CHECK_REPORT_SIZE);
  validOwnStream(stream);
  return streamChecker.streamCheck(out, stream, 0);
}
export function indexCheck(out: usize, index: usize): u32 {
  validBuffer(out, CHECK_REPORT_SIZE);
  validIndex(index);
  return indexChecker.indexCheck(out, index);
}
export function checkCodeCount(): u32 { return CHECK_CODE_COUNT; }
/** This thread's own CheckReport slot in the reserved region (the debug build's after-call checks use it). */
export function checkReportSlot(): usize { return threadReportSlot(); }

/** A CheckReport target: a buffer in a live block, or this thread's own slot. */
function validReport(out: usize): void {
  if (out != threadReportSlot()) validBuffer(out, CHECK_REPORT_SIZE);
}
export function checkCodeName(code: u32): string { return heapChecker.checkCodeName(code); }
/** Bytes glibc malloc on x86-64 would hold for one request (memory/footprint.ts). */
export function glibcChunkBytes(bytes: f64): f64 { return <f64>glibcChunk(validCount(bytes)); }
export function heapBlockSize(payload: usize): usize { return blockSize(payload); }
/** Takes memory for a `bytes` request from the engine now; false if refused. */
export function heapReserve(bytes: f64): bool { return reserve(validCount(bytes)); }
export function heapLock(): void { lock(); }
export function heapUnlock(): void { unlock(); }

// --- where the host finds the tables (field offsets: src/memory/layout.ts) ---

export function heapRootAddress(): usize { return HEAP_ROOT; }
export function ledgerAddress(): usize { return LEDGER; }
export function siteTableAddress(): usize { return SITE_TABLE; }
export function largeLogAddress(): usize { return LARGE_LOG; }
export function largeLogCapacity(): u32 { return <u32>LARGE_CAPACITY; }
export function failureLogAddress(): usize { return FAILURE_LOG; }
export function failureLogCapacity(): u32 { return <u32>FAILURE_CAPACITY; }
export function badFreeLogAddress(): usize { return BAD_FREE_LOG; }
export function badFreeLogCapacity(): u32 { return <u32>BAD_FREE_CAPACITY; }

export function siteCount(): u32 { return SITE_COUNT; }
export function maxSites(): u32 { return MAX_SITES; }
export function siteName(site: u32): string {
  if (site >= SITE_COUNT) refuse(ABI_BAD_SITE, <f64>site);
  return sites.siteName(site);
}
export function sitePointCount(site: u32): u32 {
  if (site >= SITE_COUNT) refuse(ABI_BAD_SITE, <f64>site);
  return sites.sitePointCount(site);
}
export function siteCallPath(site: u32, point: u32): string {
  if (site >= SITE_COUNT) refuse(ABI_BAD_SITE, <f64>site);
  return sites.siteCallPath(site, point);
}
/** The ledger record of one program point of a site with several (a SiteRecord), or 0 for a site with one. */
export function sitePointRecord(site: u32, point: u32): usize {
  if (site >= SITE_COUNT) refuse(ABI_BAD_SITE, <f64>site);
  return point < sites.sitePointCount(site) ? pointRecord(sites.pointOwner(site, point)) : 0;
}
export function siteIsRust(site: u32): bool {
  if (site >= SITE_COUNT) refuse(ABI_BAD_SITE, <f64>site);
  return sites.siteIsRust(site);
}

// --- SegmentedStream (every address and enum is checked first: abi/validate.ts) ---

/** 0 if an allocation was refused. */
export function streamNew(variant: u32, pageSlots: u32): usize {
  validVariant(variant);
  validPageSlots(pageSlots);
  return segmentedStream.streamNew(variant, pageSlots);
}
/** False if the epoch pin an epoch-deferred Drop needs was refused: nothing was dropped. */
export function streamDrop(stream: usize): bool {
  validOwnStream(stream);
  return segmentedStream.streamDrop(stream);
}

/** Index of the value, or -1 if a page allocation was refused. Words are stored as f64 bit patterns. */
export function streamAppend(stream: usize, a: f64, b: f64): f64 {
  validOwnStream(stream); // an index's stream takes values through indexUpsert only
  return <f64>segmentedStream.streamAppend(stream, reinterpret<u64>(a), reinterpret<u64>(b));
}

/** streamAppend with the words as u64s (BigInts from JavaScript: exact above 2^53). */
export function streamAppendWords(stream: usize, a: i64, b: i64): f64 {
  validOwnStream(stream);
  return <f64>segmentedStream.streamAppend(stream, <u64>a, <u64>b);
}

export function streamAppendBatch(stream: usize, source: usize, count: u32): f64 {
  validOwnStream(stream);
  validElements(source, <u64>count, V16_SIZE);
  return <f64>segmentedStream.streamAppendBatch(stream, source, <u64>count);
}

export function streamGet(stream: usize, index: f64, out: usize): bool {
  validStream(stream);
  let at = validCount(index);
  validBuffer(out, V16_SIZE);
  return segmentedStream.streamGet(stream, at, out);
}
export function streamRead(stream: usize, start: f64, count: u32, out: usize): u32 {
  validStream(stream);
  let from = validCount(start);
  validBuffer(out, <u64>count * V16_SIZE);
  return <u32>segmentedStream.streamRead(stream, from, <u64>count, out);
}
export function streamLen(stream: usize): f64 {
  validStream(stream);
  return <f64>segmentedStream.streamLen(stream);
}
export function streamPageCount(stream: usize): f64 {
  validStream(stream);
  return <f64>segmentedStream.streamPageCount(stream);
}

// --- Arc counts, for tests and reports ---

export function arcStrongCount(data: usize): f64 {
  validPage(data);
  return <f64>arcStrong(arcFromRaw(data));
}
export function arcWeakCount(data: usize): f64 {
  validPage(data);
  return <f64>arcWeak(arcFromRaw(data));
}

// --- ArcSwap<Page> on its own ---

export function arcSwapPageNew(pageSlots: u32): usize {
  validPageSlots(pageSlots);
  return pageSwapNew(pageSlots);
}
export function arcSwapPageLoadFull(swap: usize): usize {
  validArcSwap(swap);
  return pageSwapLoadFull(swap);
}
export function arcSwapPageStore(swap: usize, pageSlots: u32, pageNo: u32): bool {
  validArcSwap(swap);
  validPageSlots(pageSlots);
  return pageSwapStore(swap, pageSlots, pageNo);
}
export function arcSwapPageDrop(swap: usize): void {
  validArcSwap(swap);
  pageSwapDrop(swap);
}
/** Drops an Arc<Page> reference held as a data pointer (from arcSwapPageLoadFull). */
export function pageRelease(data: usize): void {
  validPage(data);
  pageSwap.pageRelease(data);
}

// --- OptimisedIndex ---

/** Table bytes new_with_indexer_and_capacity(capacity) requests with a table of `tableKind` (table.ts's sizing rules). */
export function indexTableBytesFor(capacity: f64, tableKind: u32): f64 {
  let keys = validCapacity(capacity);
  validTableKind(tableKind);
  return <f64>tableRequestBytes(tableKind, tableSlots(tableKind, keys));
}
/** Control bytes (hashbrown's, written at every with_capacity) in the table new_with_indexer_and_capacity(capacity) makes. */
export function indexTableControlBytesFor(capacity: f64, tableKind: u32): f64 {
  let keys = validCapacity(capacity);
  validTableKind(tableKind);
  return <f64>tableControlBytes(tableKind, tableSlots(tableKind, keys));
}
/** What HashMap::with_capacity(capacity) requests for entries of `entryBytes` (1 to 65,536): the table rule for any entry. */
export function hashbrownTableBytes(capacity: f64, entryBytes: u32): f64 {
  let keys = validCapacity(capacity);
  if (entryBytes == 0 || entryBytes > 65536) refuse(ABI_BAD_COUNT, <f64>entryBytes);
  return <f64>hashbrownAllocationBytes(tableSlots(TABLE_HASHBROWN, keys), entryBytes);
}
/** 0 if refused. */
export function indexNew(indexer: u32, capacity: f64, variant: u32, pageSlots: u32, tableKind: u32): usize {
  validIndexer(indexer);
  let keys = validCapacity(capacity);
  validVariant(variant);
  validPageSlots(pageSlots);
  validTableKind(tableKind);
  return optimisedIndex.indexNew(indexer, keys, variant, pageSlots, tableKind);
}
/** False if the epoch pin an epoch-deferred Drop needs was refused: nothing was dropped. */
export function indexDrop(index: usize): bool {
  validIndex(index);
  return optimisedIndex.indexDrop(index);
}
/** Stream position of the value, or -1 if refused. */
export function indexUpsert(index: usize, a: f64, b: f64): f64 {
  validIndex(index);
  return <f64>optimisedIndex.indexUpsert(index, reinterpret<u64>(a), reinterpret<u64>(b));
}
/** Latest value of the key the indexer derives from the words (a, b); false if absent. */
export function indexGet(index: usize, a: f64, b: f64, out: usize): bool {
  validIndex(index);
  validBuffer(out, V16_SIZE);
  return optimisedIndex.indexGet(index, indexKeyOf(index, reinterpret<u64>(a), reinterpret<u64>(b)), out);
}
export function indexLen(index: usize): f64 {
  validIndex(index);
  return <f64>indexKeys(index);
}
export function indexTableSlots(index: usize): f64 {
  validIndex(index);
  return <f64>indexSlots(index);
}
export function indexStreamAddress(index: usize): usize {
  validIndex(index);
  return indexStream(index);
}
/** See optimised_index.ts indexValues: returns the resume position, writes the count at `written`. */
export function indexValues(index: usize, from: f64, out: usize, max: u32, written: usize): f64 {
  validIndex(index);
  let start = validCount(from);
  validBuffer(out, <u64>max * V16_SIZE);
  validBuffer(written, 4);
  return <f64>optimisedIndex.indexValues(index, start, out, max, written);
}

// --- epoch (participants are checked to be registered, and driven by the thread that owns them) ---

/** A new participant of the default collector (made on first use), owned by this thread. 0 if refused. */
export function epochRegister(): usize { return registerParticipant(); }
/** This thread's own participant, registered on first use. 0 if refused. */
export function epochCurrent(): usize { return currentParticipant(); }
/**
 * Local::finalize for a participant holding no guard: its bag goes to the global queue, so nothing
 * it deferred is stranded. False (nothing changed) if pushing the bag was refused.
 */
export function epochUnregister(local: usize): bool {
  validUnpinned(local);
  return unregisterParticipant(local);
}
/** False if the pin's collect was refused (the pin holds all the same; nothing was lost). */
export function epochPin(local: usize): bool {
  validParticipant(local, true);
  return localPin(local);
}
/** False if the participant held no guard. */
export function epochUnpin(local: usize): bool {
  validParticipant(local, true);
  return localUnpin(local);
}
export function epochFlush(local: usize): bool {
  validGuard(local);
  return localFlush(local);
}
/** Defers "add 1 to the u64 at `counter`", with a capture of `captureBytes` (boxed above 24). */
export function epochDeferCount(local: usize, counter: usize, captureBytes: u32): bool {
  validCounter(counter);
  validGuard(local);
  return localDefer(local, countFn(), <u64>counter, captureBytes);
}
/** Defers freeing the lab.alloc block at `address` (crossbeam's defer_destroy): the collector frees it once no guard can see it. */
export function epochDeferFree(local: usize, address: usize): bool {
  let data = validUserBlock(address);
  validGuard(local);
  return localDefer(local, releaseFn(), data, 8);
}
/** The same on the unprotected guard: runs at once. */
export function epochDeferCountUnprotected(counter: usize): void {
  validCounter(counter);
  runCountNow(counter);
}
/** The epoch an epoch word (epochGlobalEpoch, epochLocalEpoch, a queue snapshot's) counts, and whether it says pinned. */
export function epochNumber(word: f64): f64 { return <f64>epochCount(validCount(word)); }
export function epochWordPinned(word: f64): bool { return epochIsPinned(validCount(word)); }
export function epochGlobalEpoch(): f64 {
  let global = existingCollector();
  return global ? <f64>globalEpoch(global) : 0;
}
export function epochLocalEpoch(local: usize): f64 {
  validParticipant(local, false);
  return <f64>localEpoch(local);
}
export function epochGuardCount(local: usize): f64 {
  validParticipant(local, false);
  return <f64>localGuardCount(local);
}
export function epochPinCount(local: usize): f64 {
  validParticipant(local, false);
  return <f64>localPinCount(local);
}
export function epochBagLen(local: usize): u32 {
  validParticipant(local, false);
  return <u32>bagLen(localBag(local));
}
/** Deferred functions not yet run: 0 all, 1 the users', 2 queue-node frees, 3 participant frees (epoch/bag.ts). */
export function epochPending(which: u32): f64 {
  if (which > PENDING_LOCAL_FREES) refuse(ABI_BAD_COUNT, <f64>which);
  return <f64>pendingDeferred(which);
}
export function epochQueuedBags(): f64 { return <f64>queuedBags(); }
/** Writes (sealed epoch, length) u64 pairs of up to `max` queued bags, oldest first, at `out`; returns how many. */
export function epochQueueSnapshot(out: usize, max: u32): u32 {
  validBuffer(out, <u64>max * 16);
  return queueSnapshot(out, max);
}
