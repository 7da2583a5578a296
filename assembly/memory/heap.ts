// === segstream's heap: a checked, accounted TLSF allocator over shared linear memory ===
//
// Every modelled Rust allocation comes through here, and nothing else in the library takes memory.
// It is a Two-Level Segregated Fit allocator (the design AssemblyScript's own rt/tlsf.ts uses, see
// http://www.gii.upv.es/tlsf/): free blocks sit in lists binned by size, two bitmaps find the first
// non-empty bin that is certain to fit in O(1), blocks are split on allocation and coalesced with
// free neighbours on free. What it adds for the lab:
//
// - Determinism. Memory comes only from `memory.grow`; bins are searched and split the same way
//   every time, so the same sequence of requests gives the same addresses, run after run.
// - Accounting. Each block remembers the site that asked and the bytes it asked for; ledger.ts
//   keeps the totals. Requests at or above a threshold are logged one by one.
// - A footprint limit and growth policies (grow.ts). The heap's footprint is the linear memory it
//   has taken (or, under the glibc model, the chunks glibc would hold for the live Rust blocks:
//   footprint.ts). When no free block fits, it grows by a policy; if that passes the limit, or the
//   engine refuses, the request fails: null to the caller and a failure record with the live bytes
//   of every site at that moment. A test can also have the n-th request refused (heapInjectFailure).
// - Checked frees. The start map (starts.ts), which no payload write can reach, says where blocks
//   start, so freeing an address that is not a block start (16 bytes into an ArcInner, a header
//   forged in user data) or a block already free is caught, logged with both sites, and changes
//   nothing. `lab.free` may give back only blocks `lab.alloc` handed out (USER).
// - Zero tracking (zero.ts), so a zeroed request from fresh memory touches nothing.
// - Large requests apart (large.ts), as glibc maps them.
// - Threads. All state is in the reserved region (layout.ts), guarded by one futex mutex; several
//   instances over one shared memory allocate safely, each bringing its view of the memory up to
//   date after another's growth (view.ts).
//
// The block header, the root and the bins are laid out in block.ts; the invariants they keep are
// checked by check.ts (and asserted here in the debug build).

import {
  AL_SIZE, AL_MASK, HEADER, MIN_BLOCK, MAX_BLOCK, FREE, LEFTFREE, ZERO, LARGE, LARGE_MIN, SB_SIZE, SL_BITS,
  SITE_MASK, USER, PAGE_BITS, PAGE_SIZE,
  ROOT_LOCK, ROOT_STATE, ROOT_FLMAP, ROOT_POLICY, ROOT_CHUNK, ROOT_TAIL, ROOT_LIMIT, ROOT_FOOTPRINT, ROOT_REGIONS,
  ROOT_MODEL, ROOT_GLIBC, ROOT_GLIBC_PEAK, ROOT_INJECT, ROOT_BASE, ROOT_ALLOC_CALLS, ROOT_INJECT_TRAP,
  info, sizeOf, setInfo, checkOf, requestedOf, ownerOf, siteOf, prevFree, nextFree, setPrevFree, setNextFree,
  setFooter, leftOf, checkWord, memoryEnd, binFl, binSl, headSlot, slMapSlot, blockSizeFor
} from "./block";
import { markStart, clearStart, isStart, startAtOrBefore, startsInit } from "./starts";
import { takePages, takenStart, takenBytes, addFootprint, policyPages, GROW_CHUNK } from "./grow";
import { takeLarge, freeLarge } from "./large";
import { mergedZero, zeroPayload } from "./zero";
import { DEBUG } from "./debug";
import { siteIsRust, MAX_SITES, SITE_NONE } from "./sites";
import { FOOTPRINT_GLIBC, glibcChunk } from "./footprint";
import { mutexLock, mutexUnlock } from "../sync/mutex";
import { futexWait32 } from "../sync/futex";
import {
  ledgerSetThreshold, recordAlloc, recordFree, recordFailure, recordBadFree,
  DEFAULT_LARGE_THRESHOLD, REASON_LIMIT, REASON_TOO_LARGE, REASON_INJECTED, BAD_FREE_INVALID, BAD_FREE_DOUBLE
} from "./ledger";

export { GROW_EXACT, GROW_DOUBLE, GROW_CHUNK } from "./grow";

// @ts-ignore: decorator
@inline const STATE_READY: u32 = 2;
// @ts-ignore: decorator
@inline const STATE_INITIALISING: u32 = 1;
// @ts-ignore: decorator
@inline const STATE_FAILED: u32 = 3;

/** Lowest address a region can start at. */
// @ts-ignore: decorator
@inline export function heapBase(): usize { return <usize>load<u32>(ROOT_BASE); }

// --- bins ---

/** Rounds a size up to the next bin boundary, so that every block in that bin fits it. */
function searchSize(size: u64): u64 {
  if (size < <u64>SB_SIZE) return size;
  let top = 63 - clz<u64>(size);
  return size + (<u64>1 << (top - SL_BITS)) - 1;
}

function insertBlock(block: usize): void {
  let size = sizeOf(block);
  if (DEBUG) assert(info(block) & FREE && !(info(block) & LARGE) && size >= MIN_BLOCK, "insertBlock: not a free binned block");
  let fl = binFl(size), sl = binSl(size);
  let head = <usize>load<u32>(headSlot(fl, sl));
  setPrevFree(block, 0);
  setNextFree(block, head);
  if (head) setPrevFree(head, block);
  store<u32>(headSlot(fl, sl), <u32>block);
  store<u32>(ROOT_FLMAP, load<u32>(ROOT_FLMAP) | (1 << fl));
  store<u32>(slMapSlot(fl), load<u32>(slMapSlot(fl)) | (1 << sl));
  setFooter(block, size);
  let right = block + size;
  setInfo(right, info(right) | LEFTFREE);
}

function removeBlock(block: usize): void {
  let size = sizeOf(block);
  if (DEBUG) assert(info(block) & FREE && !(info(block) & LARGE), "removeBlock: not a free binned block");
  let fl = binFl(size), sl = binSl(size);
  let prev = prevFree(block), next = nextFree(block);
  if (prev) setNextFree(prev, next);
  if (next) setPrevFree(next, prev);
  if (<usize>load<u32>(headSlot(fl, sl)) != block) return;
  store<u32>(headSlot(fl, sl), <u32>next);
  if (next) return;
  let remaining = load<u32>(slMapSlot(fl)) & ~(1 << sl);
  store<u32>(slMapSlot(fl), remaining);
  if (!remaining) store<u32>(ROOT_FLMAP, load<u32>(ROOT_FLMAP) & ~(1 << fl));
}

/** First free block of at least `size` bytes, or 0. */
function searchBlock(size: u64): usize {
  let rounded = searchSize(size);
  if (rounded > <u64>MAX_BLOCK) return 0;
  let fl = binFl(<usize>rounded), sl = binSl(<usize>rounded);
  let slMap = load<u32>(slMapSlot(fl)) & (~0 << sl);
  if (!slMap) {
    let flMap = load<u32>(ROOT_FLMAP) & (~0 << (fl + 1));
    if (!flMap) return 0;
    fl = ctz<u32>(flMap);
    slMap = load<u32>(slMapSlot(fl));
    if (DEBUG) assert(slMap, "searchBlock: flMap names an empty level");
  }
  return <usize>load<u32>(headSlot(fl, ctz<u32>(slMap)));
}

// --- binned growth ---

/**
 * Takes memory from the engine so that a block of `size` bytes can be found in the bins. Returns
 * false, having written a failure record, when the limit or the engine says no.
 */
function grow(size: u64, site: u32, requested: u64, align: u32): bool {
  let rounded = searchSize(size);
  let tail = <usize>load<u32>(ROOT_TAIL);
  let end = memoryEnd();
  let adjacent = tail != 0 && <u64>tail + HEADER == end;
  let leftFree: u64 = adjacent && (info(tail) & LEFTFREE) ? <u64>sizeOf(leftOf(tail)) : 0;
  // Adjacent: the new block starts at the old tail and is as large as the memory added (plus the
  // free block it merges with). Otherwise it needs its own tail sentinel at the end.
  let bytes: u64 = adjacent ? (rounded > leftFree ? rounded - leftFree : 0) : rounded + HEADER;
  let needed = <u32>((bytes + PAGE_SIZE - 1) >> PAGE_BITS);
  let taken = takePages(needed, policyPages(needed), site, requested, align);
  if (taken < 0) return false;
  addRegion(takenStart(taken), takenBytes(taken));
  return true;
}

/** Turns fresh memory [start, start + bytes) into a free block, merged with the heap's top if adjacent. */
function addRegion(start: u64, bytes: u64): void {
  let tail = <usize>load<u32>(ROOT_TAIL);
  let newTail = <usize>(start + bytes - HEADER);
  let block: usize;
  let zero = ZERO;
  if (tail != 0 && <u64>tail + HEADER == start) {
    block = tail;
    if (info(tail) & LEFTFREE) {
      let left = leftOf(tail);
      removeBlock(left);
      zero = mergedZero(left, sizeOf(left), info(left) & ZERO, tail, HEADER, ZERO);
      block = left;
    } else {
      markStart(block);
    }
  } else {
    block = <usize>start;
    markStart(block);
    store<u32>(ROOT_REGIONS, load<u32>(ROOT_REGIONS) + 1);
  }
  setInfo(newTail, 0);
  store<u32>(newTail, 0, 4);
  setInfo(block, <u32>(newTail - block) | FREE | zero | (info(block) & LEFTFREE));
  store<u32>(block, 0, 4);
  insertBlock(block);
  store<u32>(ROOT_TAIL, <u32>newTail);
  addFootprint(bytes);
}

// --- the glibc footprint (footprint.ts) ---

function addGlibc(delta: u64): void {
  let footprint = load<u64>(ROOT_GLIBC) + delta;
  store<u64>(ROOT_GLIBC, footprint);
  if (footprint > load<u64>(ROOT_GLIBC_PEAK)) store<u64>(ROOT_GLIBC_PEAK, footprint);
}

/** Under FOOTPRINT_GLIBC, refuses (with a failure record) a RUST request whose chunk would pass the limit. */
function glibcAdmits(site: u32, requested: u64, align: u32): bool {
  let limit = load<u64>(ROOT_LIMIT);
  if (!limit || load<u32>(ROOT_MODEL) != FOOTPRINT_GLIBC || !siteIsRust(site)) return true;
  let footprint = load<u64>(ROOT_GLIBC);
  if (footprint + glibcChunk(requested) <= limit) return true;
  recordFailure(site, requested, align, REASON_LIMIT, footprint, limit, 0);
  return false;
}

/** A test's injected refusal: counts the call, and refuses it if the countdown reaches it. */
function injectedRefusal(site: u32, requested: u64, align: u32): bool {
  store<u64>(ROOT_ALLOC_CALLS, load<u64>(ROOT_ALLOC_CALLS) + 1);
  let countdown = load<u32>(ROOT_INJECT);
  if (!countdown) return false;
  store<u32>(ROOT_INJECT, countdown - 1);
  if (countdown != 1) return false;
  recordFailure(site, requested, align, REASON_INJECTED, load<u64>(ROOT_FOOTPRINT), load<u64>(ROOT_LIMIT), 0);
  return true;
}

// --- allocation ---

/**
 * Carves a block of `need` bytes whose payload is `align`-aligned out of the free block `block`
 * (already out of its bin). Leading padding and the tail end go back to the bins as free blocks,
 * inheriting ZERO. Returns the block used.
 */
function carve(block: usize, need: usize, align: usize): usize {
  let size = sizeOf(block);
  let zero = info(block) & ZERO;
  let leftFree = info(block) & LEFTFREE;
  if (align > AL_SIZE) {
    let gap = ((block + HEADER + align - 1) & ~(align - 1)) - HEADER - block;
    if (gap != 0 && gap < MIN_BLOCK) gap += align;
    if (gap) {
      setInfo(block + gap, 0);
      setInfo(block, <u32>gap | FREE | zero | leftFree);
      store<u32>(block, 0, 4);
      insertBlock(block);
      block += gap;
      markStart(block);
      size -= gap;
      leftFree = LEFTFREE;
    }
  }
  if (size - need >= MIN_BLOCK) {
    let rest = block + need;
    setInfo(rest, <u32>(size - need) | FREE | zero);
    store<u32>(rest, 0, 4);
    markStart(rest);
    insertBlock(rest);
    size = need;
  } else {
    let right = block + size;
    setInfo(right, info(right) & ~LEFTFREE);
  }
  setInfo(block, <u32>size | leftFree | zero);
  return block;
}

/** A block of `need` bytes aligned to `align` from the bins, growing memory if none fits; 0 if refused. */
function takeBinned(need: usize, align: usize, site: u32, requested: u64, alignArg: u32): usize {
  let search = <u64>(align > AL_SIZE ? need + align + MIN_BLOCK : need);
  // The bin search rounds up to the next bin first: past MAX_BLOCK it can never find a block.
  if (searchSize(search) > <u64>MAX_BLOCK) {
    recordFailure(site, requested, alignArg, REASON_TOO_LARGE, load<u64>(ROOT_FOOTPRINT), load<u64>(ROOT_LIMIT), 0);
    return 0;
  }
  let block = searchBlock(search);
  if (!block) {
    if (!grow(search, site, requested, alignArg)) return 0;
    block = searchBlock(search);
    if (DEBUG) assert(block, "takeBinned: no block after growth");
  }
  removeBlock(block);
  return carve(block, need, align);
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
  let site = owner & SITE_MASK;
  mutexLock(ROOT_LOCK);
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
  recordAlloc(site, requested, <u64>sizeOf(block), payload, align);
  if (siteIsRust(site)) addGlibc(glibcChunk(requested));
  if (DEBUG) assert(isStart(block) && (payload & (max<usize>(<usize>align, AL_SIZE) - 1)) == 0, "allocate: bad block");
  mutexUnlock(ROOT_LOCK);
  if (zeroed) zeroPayload(payload, sizeOf(block), fresh);
  return payload;
}

/**
 * Allocates `requested` bytes aligned to `align` (a power of two; at most 16 is the default) for
 * `site`. Returns the payload address, or 0 if the request was refused (limit, engine, too large,
 * injected), in which case a failure record says why. `zeroed` asks for zero-filled memory.
 */
export function heapAlloc(site: u32, requested: u64, align: u32, zeroed: bool): usize {
  if (site >= MAX_SITES) return 0; // no ledger record to count it in (sites.ts)
  return allocate(site, requested, align, zeroed);
}

/** heapAlloc for `lab.alloc`: the block is the caller's (USER), the one kind heapFreeUser accepts. */
export function heapAllocUser(site: u32, requested: u64, align: u32, zeroed: bool): usize {
  if (site >= MAX_SITES) return 0;
  return allocate(site | USER, requested, align, zeroed);
}

// --- free ---

/** Result of a free. */
export const FREED: u32 = 0;
export const FREE_INVALID: u32 = BAD_FREE_INVALID;
export const FREE_DOUBLE: u32 = BAD_FREE_DOUBLE;
/** heapFreeUser only: a live block, but one the lab's own structures own (nothing is changed or logged). */
export const FREE_NOT_USER: u32 = 3;

/** True if `block` is the start of a block (live or free) this heap made: the start map says so. */
function isBlockStart(block: usize, end: u64): bool {
  if ((block & AL_MASK) != 0 || block < heapBase() || <u64>block + MIN_BLOCK > end) return false;
  return isStart(block);
}

/** The live block whose payload starts at `payload`, or 0. */
export function liveBlockAt(payload: usize): usize {
  let block = payload - HEADER;
  if (payload < HEADER || !isBlockStart(block, memoryEnd()) || (info(block) & FREE)) return 0;
  return block;
}

/**
 * Gives back the block whose payload starts at `payload`. `site` is the code doing the freeing;
 * a bad free records it beside the site of the block it hit, and changes nothing else.
 */
export function heapFree(payload: usize, site: u32): u32 {
  return freeChecked(payload, site, 0, false);
}

/** heapFree for `lab.free`: refuses (FREE_NOT_USER) a live block that heapAllocUser did not hand out. */
export function heapFreeUser(payload: usize, site: u32): u32 {
  return freeChecked(payload, site, 0, true);
}

/**
 * heapFree for a caller that knows the payload is all zero again (an index table that wiped the
 * entries it wrote): the block rejoins the free memory as ZERO, so the next zeroed request served
 * from it touches nothing, as calloc over pages the kernel hands back zeroed. The slack past the
 * request was zeroed when the block was handed out zeroed (zero.ts).
 */
export function heapFreeZeroed(payload: usize, site: u32): u32 {
  return freeChecked(payload, site, ZERO, false);
}

function freeChecked(payload: usize, site: u32, zero: u32, userOnly: bool): u32 {
  mutexLock(ROOT_LOCK);
  let end = memoryEnd();
  let block = payload - HEADER;
  let result = FREED;
  if (payload < HEADER || !isBlockStart(block, end)) {
    result = reportBadFree(payload, site);
  } else if (info(block) & FREE) {
    result = FREE_DOUBLE;
    recordBadFree(payload, site, BAD_FREE_DOUBLE, siteOf(block), payload);
  } else if (userOnly && !(ownerOf(block) & USER)) {
    result = FREE_NOT_USER;
  } else {
    if (DEBUG) assert(checkOf(block) == checkWord(block), "free: a block header was overwritten");
    accountFree(block);
    if (info(block) & LARGE) freeLarge(block, zero);
    else releaseBlock(block, zero);
  }
  mutexUnlock(ROOT_LOCK);
  return result;
}

/** The ledger's and the glibc footprint's side of a free. */
function accountFree(block: usize): void {
  let site = siteOf(block);
  let requested = <u64>requestedOf(block);
  recordFree(site, requested, <u64>sizeOf(block));
  if (siteIsRust(site)) store<u64>(ROOT_GLIBC, load<u64>(ROOT_GLIBC) - glibcChunk(requested));
}

/**
 * Returns a block to the bins, coalescing it with free neighbours. The freed header keeps its check
 * word with FREE set, so a second free of the same address is recognised as a double free, unless
 * a merge absorbed the block (it is then no block start: such a second free is still refused and
 * logged, but as an invalid free).
 */
function releaseBlock(block: usize, zero: u32): void {
  let size = sizeOf(block);
  let leftFree = info(block) & LEFTFREE;
  setInfo(block, <u32>size | FREE | leftFree | zero);
  let right = block + size;
  if (info(right) & FREE) {
    let rightSize = sizeOf(right);
    removeBlock(right);
    zero = mergedZero(block, size, zero, right, rightSize, info(right) & ZERO);
    clearStart(right);
    size += rightSize;
  }
  if (leftFree) {
    let left = leftOf(block);
    let leftSize = sizeOf(left);
    removeBlock(left);
    leftFree = info(left) & LEFTFREE;
    zero = mergedZero(left, leftSize, info(left) & ZERO, block, size, zero);
    clearStart(block);
    size += leftSize;
    block = left;
  }
  setInfo(block, <u32>size | FREE | leftFree | zero);
  insertBlock(block);
}

/**
 * Logs a free of an address that is no block start. Inside a free block whose merge kept the old
 * header (check word and FREE), it is a double free of a block that has since coalesced; otherwise
 * an invalid free, naming the live block it points into if any.
 */
function reportBadFree(payload: usize, site: u32): u32 {
  let around = blockAround(payload);
  let stale = payload - HEADER;
  if (around && (info(around) & FREE) && payload >= around + HEADER && checkOf(stale) == checkWord(stale) && (info(stale) & FREE)) {
    recordBadFree(payload, site, BAD_FREE_DOUBLE, siteOf(stale), payload);
    return FREE_DOUBLE;
  }
  let live = around && !(info(around) & FREE) ? around : 0;
  recordBadFree(payload, site, BAD_FREE_INVALID, live ? siteOf(live) : 0, live ? live + HEADER : 0);
  return FREE_INVALID;
}

/** The block (live or free) whose bytes hold `address`, or 0. */
function blockAround(address: usize): usize {
  let base = heapBase();
  if (address < base || <u64>address >= memoryEnd()) return 0;
  let block = startAtOrBefore(address, base);
  return block && block + sizeOf(block) > address ? block : 0;
}

/** The live block whose payload holds `address` (or whose header does), or 0. */
export function containingBlock(address: usize): usize {
  let block = blockAround(address);
  return block && !(info(block) & FREE) ? block : 0;
}

/** True if the 8-aligned u64 at `address` lies within the requested bytes of a live block (userOnly: a USER one). */
export function wordIsLive(address: usize, userOnly: bool): bool {
  if ((address & 7) != 0) return false;
  let block = containingBlock(address);
  if (!block || (userOnly && !(ownerOf(block) & USER))) return false;
  return address >= block + HEADER && address + 8 <= block + HEADER + <usize>requestedOf(block);
}

// --- set-up ---

/**
 * Prepares the heap once per memory; every instance calls it, the first one does the work: the
 * start map's pages, then the configuration defaults. False if the engine refused the start map.
 */
export function heapInit(): bool {
  let state = atomic.load<u32>(ROOT_STATE);
  if (state == STATE_READY) return true;
  if (state == 0 && atomic.cmpxchg<u32>(ROOT_STATE, 0, STATE_INITIALISING) == 0) {
    let ok = startsInit();
    store<u32>(ROOT_BASE, <u32>memoryEnd());
    ledgerSetThreshold(DEFAULT_LARGE_THRESHOLD);
    store<u32>(ROOT_POLICY, 0);
    store<u32>(ROOT_CHUNK, 1);
    atomic.store<u32>(ROOT_STATE, ok ? STATE_READY : STATE_FAILED);
    atomic.notify(ROOT_STATE);
    return ok;
  }
  while ((state = atomic.load<u32>(ROOT_STATE)) == STATE_INITIALISING) futexWait32(ROOT_STATE, STATE_INITIALISING, 1000000);
  return state == STATE_READY;
}

/** Sets the growth policy, the footprint model and limit (0: none), and the large-request threshold. */
export function heapConfigure(policy: u32, chunkPages: u32, model: u32, limit: u64, largeThreshold: u64): void {
  mutexLock(ROOT_LOCK);
  store<u32>(ROOT_POLICY, policy);
  store<u32>(ROOT_MODEL, model);
  store<u32>(ROOT_CHUNK, chunkPages);
  store<u64>(ROOT_LIMIT, limit);
  ledgerSetThreshold(largeThreshold);
  mutexUnlock(ROOT_LOCK);
}

/** The n-th heapAlloc from now (1: the next) is refused with REASON_INJECTED; 0 turns injection off. */
export function heapInjectFailure(n: u32): void {
  mutexLock(ROOT_LOCK);
  store<u32>(ROOT_INJECT, n);
  mutexUnlock(ROOT_LOCK);
}

/** The next heapAlloc traps while it holds the heap lock: a fault for tests of the host's poisoning. */
export function heapInjectTrap(): void {
  atomic.store<u32>(ROOT_INJECT_TRAP, 1);
}

/** heapAlloc calls so far, and how many an injected refusal still waits for (0: none armed). */
export function heapAllocCalls(): u64 { return atomic.load<u64>(ROOT_ALLOC_CALLS); }
export function heapInjectPending(): u32 { return atomic.load<u32>(ROOT_INJECT); }

/**
 * Grows the heap by enough memory for a `bytes` request now, so that later requests up to that
 * size need no growth (see LabOptions.reserveBytes for why threads want this). False if refused.
 */
export function heapReserve(bytes: u64): bool {
  mutexLock(ROOT_LOCK);
  let ok = grow(blockSizeFor(bytes), SITE_NONE, bytes, <u32>AL_SIZE);
  mutexUnlock(ROOT_LOCK);
  return ok;
}

/** Holds the heap still while the host copies the ledger out. */
export function heapLock(): void { mutexLock(ROOT_LOCK); }
export function heapUnlock(): void { mutexUnlock(ROOT_LOCK); }

/** Block bytes behind a live payload (header included), or 0 if it is not one. */
export function heapBlockSize(payload: usize): usize {
  let block = liveBlockAt(payload);
  return block ? sizeOf(block) : 0;
}
