// === segstream's heap: the public API of a checked, accounted TLSF allocator over shared memory ===
//
// Every modelled Rust allocation comes through here, and nothing else in the library takes memory.
// This file is the entry and the policy around the allocator; the parts, each read beside
// AssemblyScript's rt/ (common.ts for the header, tlsf.ts for the rest):
//
//   block.ts      the block header, its tags, the root and the size classes (the layout tables)
//   tlsf.ts       the TLSF core: bins, the large list, merging, and zero tracking (ZERO)
//   binned.ts     binned blocks: carved from the bins, given back, and the regions they come from
//   large.ts      large requests (128 KiB and up) apart, in regions of their own, as glibc maps them
//   footprint.ts  the footprint models (glibc's chunks), the limit, memory.grow and growth policies
//   starts.ts     the block-start map, which no payload write can reach
//   free.ts       checked frees and bad-free reporting, and the host's address questions
//   check.ts      the invariant checker; the debug build also asserts the invariants where they are used
//   thread_cache.ts  per-thread caches of small blocks: the fast path while several threads share the memory
//
// What the lab adds to a TLSF allocator, and where it holds:
//
// - Determinism. Memory comes only from `memory.grow`; bins are searched and split the same way
//   every time, so the same sequence of requests gives the same addresses, run after run.
// - Accounting. Each block remembers the site that asked and the bytes it asked for; ledger.ts
//   keeps the totals. Requests at or above a threshold are logged one by one.
// - Refusals that say why. A request is refused before anything changes: too large for any block,
//   an injected refusal (a test's heapInjectFailure), the glibc model's limit, or, when no free
//   block fits and the growth the policy asks for passes the limit or the engine says no. It
//   gets null and a failure record with the live bytes of every site at that moment.
// - Checked frees (free.ts): a bad free is caught, logged with both sites, and changes nothing.
//   `lab.free` may give back only blocks `lab.alloc` handed out (USER).
// - Threads. All state is in the reserved region (layout.ts), guarded by one futex mutex; several
//   instances over one shared memory allocate safely, each bringing its view of the memory up to
//   date after another's growth (view.ts). Set-up is once per memory, by whichever instance is first.
//   While two or more instances are attached, small requests go through per-thread caches that take
//   no shared lock (thread_cache.ts); one instance alone always takes the locked path below, so the
//   same requests give the same addresses whether or not caches exist.

import {
  AL_SIZE, HEADER, MAX_BLOCK, ZERO, LARGE_MIN, SITE_MASK, USER, POINT_MASK,
  ROOT_LOCK, ROOT_STATE, ROOT_POLICY, ROOT_CHUNK, ROOT_MODEL, ROOT_LIMIT, ROOT_FOOTPRINT, ROOT_INJECT, ROOT_BASE, ROOT_ALLOC_CALLS,
  ROOT_INJECT_TRAP, info, sizeOf, setInfo, checkWord, memoryEnd, blockSizeFor
} from "./block";
import { isStart, startsInit } from "./starts";
import { takeBinned, growBins } from "./binned";
import { takeLarge } from "./large";
import { zeroPayload, searchSize, searchBlock } from "./tlsf";
import { glibcAdmits, glibcAlloc } from "./footprint";
import { freeChecked, liveBlockAt } from "./free";
import { MAX_SITES, SITE_NONE, POINT_SHIFT } from "./sites";
import { DEBUG } from "./debug";
import { cachedAlloc, cachedFree, updateGate, foldAll, foldIfShared, cacheDetach, cachedBytes, CACHE_REFUSED, NOT_CACHED } from "./thread_cache";
import { attachedAdd } from "./lab_state";
import { mutexLock, mutexUnlock } from "../sync/mutex";
import { futexWait32 } from "../sync/futex";
import { ledgerSetThreshold, recordAlloc, recordFailure, settlePeak, DEFAULT_LARGE_THRESHOLD, REASON_TOO_LARGE, REASON_INJECTED } from "./ledger";

export { GROW_EXACT, GROW_DOUBLE, GROW_CHUNK } from "./footprint";
export { FREED, FREE_INVALID, FREE_DOUBLE, FREE_NOT_USER, liveBlockAt, containingBlock, wordIsLive } from "./free";
export { heapBase } from "./block";

if ((<u32>3 << POINT_SHIFT) != POINT_MASK) ERROR("the owner word's point bits (block.ts) must be where sites.ts puts them");

// @ts-ignore: decorator
@inline const STATE_READY: u32 = 2;
// @ts-ignore: decorator
@inline const STATE_INITIALISING: u32 = 1;
// @ts-ignore: decorator
@inline const STATE_FAILED: u32 = 3;

// --- allocation ---

/** A test's injected refusal: counts the call, and refuses it if the countdown reaches it. */
function injectedRefusal(site: u32, requested: u64, align: u32): bool {
  store<u64>(ROOT_ALLOC_CALLS, load<u64>(ROOT_ALLOC_CALLS) + 1);
  let countdown = load<u32>(ROOT_INJECT);
  if (!countdown) return false;
  store<u32>(ROOT_INJECT, countdown - 1);
  if (countdown != 1) return false;
  updateGate(); // injection is off again
  recordFailure(site, requested, align, REASON_INJECTED, load<u64>(ROOT_FOOTPRINT), load<u64>(ROOT_LIMIT), 0);
  return true;
}

/** The block for a request, or 0 having written a failure record. Called with the lock held. */
function takeBlock(site: u32, requested: u64, align: u32): usize {
  let need = blockSizeFor(requested);
  if (need > MAX_BLOCK) {
    recordFailure(site, requested, align, REASON_TOO_LARGE, load<u64>(ROOT_FOOTPRINT), load<u64>(ROOT_LIMIT), 0);
    return 0;
  }
  if (load<u32>(ROOT_INJECT_TRAP)) {
    store<u32>(ROOT_INJECT_TRAP, 0);
    unreachable(); // a fault inside the critical section, lock held: what the host's poisoning is for
  }
  if (injectedRefusal(site, requested, align) || !glibcAdmits(site, requested, align)) return 0;
  let effectiveAlign = max<usize>(<usize>align, AL_SIZE);
  return <usize>need >= LARGE_MIN && effectiveAlign == AL_SIZE
    ? takeLarge(<usize>need, site, requested, align)
    : takeBinned(<usize>need, effectiveAlign, site, requested, align);
}

function allocate(owner: u32, requested: u64, align: u32, zeroed: bool): usize {
  if (align <= <u32>AL_SIZE && !(owner & POINT_MASK)) { // thread caches serve a site's first program point only
    let cached = cachedAlloc(owner, requested, align, zeroed);
    if (cached) return cached == CACHE_REFUSED ? 0 : cached;
  }
  let site = owner & SITE_MASK;
  mutexLock(ROOT_LOCK);
  foldIfShared();
  let block = takeBlock(site, requested, align);
  if (!block) {
    mutexUnlock(ROOT_LOCK);
    return 0;
  }
  let payload = block + HEADER;
  let fresh = (info(block) & ZERO) != 0;
  setInfo(block, info(block) & ~ZERO);
  store<u32>(block, checkWord(block), 4);
  store<u32>(block, <u32>requested, 8);
  store<u32>(block, owner, 12);
  recordAlloc(owner, requested, <u64>sizeOf(block), payload, align);
  glibcAlloc(site, requested);
  if (DEBUG) assert(isStart(block) && (payload & (max<usize>(<usize>align, AL_SIZE) - 1)) == 0, "allocate: bad block");
  if (DEBUG) assert(<u64>sizeOf(block) >= blockSizeFor(requested), "allocate: the block is smaller than the request");
  mutexUnlock(ROOT_LOCK);
  if (zeroed) zeroPayload(payload, sizeOf(block), fresh);
  return payload;
}

/**
 * Allocates `requested` bytes aligned to `align` (a power of two; at most 16 is the default) for
 * `site`, which may name one of the site's program points (sites.ts pointOwner). Returns the payload
 * address, or 0 if the request was refused (limit, engine, too large, injected), in which case a
 * failure record says why. `zeroed` asks for zero-filled memory. A point other than the site's first
 * takes the locked path: thread caches keep one delta per site, the first point's (ledger.ts).
 */
export function heapAlloc(site: u32, requested: u64, align: u32, zeroed: bool): usize {
  if ((site & ~POINT_MASK) >= MAX_SITES) return 0; // no ledger record to count it in (sites.ts)
  return allocate(site, requested, align, zeroed);
}

/** heapAlloc for `lab.alloc`: the block is the caller's (USER), the one kind heapFreeUser accepts. */
export function heapAllocUser(site: u32, requested: u64, align: u32, zeroed: bool): usize {
  if (site >= MAX_SITES) return 0;
  return allocate(site | USER, requested, align, zeroed);
}

// --- free (judged and reported in free.ts) ---

function free(payload: usize, freeing: u32, zero: u32, userOnly: bool): u32 {
  // The block's own owner word says where it was made; a bad free records the freeing site alone.
  let site = freeing & ~POINT_MASK;
  if (!zero) {
    let cached = cachedFree(payload, userOnly);
    if (cached != NOT_CACHED) return cached;
  }
  mutexLock(ROOT_LOCK);
  let result = freeChecked(payload, site, zero, userOnly);
  mutexUnlock(ROOT_LOCK);
  return result;
}

/**
 * Gives back the block whose payload starts at `payload`. `site` is the code doing the freeing;
 * a bad free records it beside the site of the block it hit, and changes nothing else.
 */
export function heapFree(payload: usize, site: u32): u32 {
  return free(payload, site, 0, false);
}

/** heapFree for `lab.free`: refuses (FREE_NOT_USER) a live block that heapAllocUser did not hand out. */
export function heapFreeUser(payload: usize, site: u32): u32 {
  return free(payload, site, 0, true);
}

/**
 * heapFree for a caller that knows the payload is all zero again (an index table that wiped the
 * entries it wrote): the block rejoins the free memory as ZERO, so the next zeroed request served
 * from it touches nothing, as calloc over pages the kernel hands back zeroed. The slack past the
 * request was zeroed when the block was handed out zeroed (tlsf.ts, zero tracking).
 */
export function heapFreeZeroed(payload: usize, site: u32): u32 {
  return free(payload, site, ZERO, false);
}

/** Block bytes behind a live payload (header included), or 0 if it is not one. */
export function heapBlockSize(payload: usize): usize {
  let block = liveBlockAt(payload);
  return block ? sizeOf(block) : 0;
}

// --- set-up, configuration and test hooks ---

/**
 * Prepares the heap once per memory; every instance calls it, the first one does the work: the
 * start map's pages, then the configuration defaults. False if the engine refused the start map.
 */
export function heapInit(): bool {
  let state = atomic.load<u32>(ROOT_STATE);
  if (state == STATE_READY) {
    attach();
    return true;
  }
  if (state == 0 && atomic.cmpxchg<u32>(ROOT_STATE, 0, STATE_INITIALISING) == 0) {
    let ok = startsInit();
    store<u32>(ROOT_BASE, <u32>memoryEnd());
    ledgerSetThreshold(DEFAULT_LARGE_THRESHOLD);
    store<u32>(ROOT_POLICY, 0);
    store<u32>(ROOT_CHUNK, 1);
    atomic.store<u32>(ROOT_STATE, ok ? STATE_READY : STATE_FAILED);
    atomic.notify(ROOT_STATE);
    if (ok) attach();
    return ok;
  }
  while ((state = atomic.load<u32>(ROOT_STATE)) == STATE_INITIALISING) futexWait32(ROOT_STATE, STATE_INITIALISING, 1000000);
  if (state == STATE_READY) attach();
  return state == STATE_READY;
}

let attached = false;

/** Counts this instance among the memory's users: with a second one, thread caches open. */
function attach(): void {
  if (attached) return;
  attached = true;
  mutexLock(ROOT_LOCK);
  attachedAdd(1);
  updateGate();
  mutexUnlock(ROOT_LOCK);
}

/**
 * This instance is done with the heap (Lab.close): its thread cache goes back to the bins and its
 * deltas into the ledger; with one instance left, that one is back on the exact locked path. Its
 * later calls, if any, take the locked path.
 */
export function heapThreadDetach(): void {
  mutexLock(ROOT_LOCK);
  cacheDetach();
  if (attached) {
    attached = false;
    attachedAdd(-1);
    updateGate();
  }
  mutexUnlock(ROOT_LOCK);
}

/** Sets the growth policy, the footprint model and limit (0: none), and the large-request threshold. */
export function heapConfigure(policy: u32, chunkPages: u32, model: u32, limit: u64, largeThreshold: u64): void {
  mutexLock(ROOT_LOCK);
  store<u32>(ROOT_POLICY, policy);
  store<u32>(ROOT_MODEL, model);
  store<u32>(ROOT_CHUNK, chunkPages);
  store<u64>(ROOT_LIMIT, limit);
  ledgerSetThreshold(largeThreshold);
  updateGate();
  mutexUnlock(ROOT_LOCK);
}

/**
 * Grows the heap by enough memory for a `bytes` request now, so that later requests up to that
 * size need no growth (see LabOptions.reserveBytes for why threads want this). False if refused.
 */
export function heapReserve(bytes: u64): bool {
  mutexLock(ROOT_LOCK);
  foldIfShared();
  let size = <u64>blockSizeFor(bytes);
  // A free block that already holds the request needs no growth; growing anyway would add an
  // empty region onto the heap's top free block (it trapped, merging past the memory's end).
  let held = searchSize(size) <= <u64>MAX_BLOCK && searchBlock(size) != 0;
  let ok = held || growBins(size, SITE_NONE, bytes, <u32>AL_SIZE);
  mutexUnlock(ROOT_LOCK);
  return ok;
}

/** Holds the heap still while the host copies the ledger out, every thread cache's work folded in and the t-gmax snapshot taken. */
export function heapLock(): void {
  mutexLock(ROOT_LOCK);
  foldAll();
  settlePeak();
}
export function heapUnlock(): void { mutexUnlock(ROOT_LOCK); }

/** The n-th heapAlloc from now (1: the next) is refused with REASON_INJECTED; 0 turns injection off. */
export function heapInjectFailure(n: u32): void {
  mutexLock(ROOT_LOCK);
  store<u32>(ROOT_INJECT, n);
  updateGate();
  mutexUnlock(ROOT_LOCK);
}

/** The next heapAlloc traps while it holds the heap lock: a fault for tests of the host's poisoning. */
export function heapInjectTrap(): void {
  mutexLock(ROOT_LOCK);
  atomic.store<u32>(ROOT_INJECT_TRAP, 1);
  updateGate();
  mutexUnlock(ROOT_LOCK);
}

/** heapAlloc calls so far, and how many an injected refusal still waits for (0: none armed). */
export function heapAllocCalls(): u64 {
  mutexLock(ROOT_LOCK);
  foldAll();
  let calls = load<u64>(ROOT_ALLOC_CALLS);
  mutexUnlock(ROOT_LOCK);
  return calls;
}
export function heapInjectPending(): u32 { return atomic.load<u32>(ROOT_INJECT); }

/** Block bytes the thread caches hold. */
export function heapCachedBytes(): u64 {
  mutexLock(ROOT_LOCK);
  let bytes = cachedBytes();
  mutexUnlock(ROOT_LOCK);
  return bytes;
}
