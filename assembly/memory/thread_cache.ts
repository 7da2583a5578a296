// Thread caches: the heap's fast path when several threads share one memory.
//
// One lock guards the heap (heap.ts). Measured on two cores, two threads allocating and freeing
// through it ran at a third of one thread's rate: not for the lock's critical section but for the
// cache lines every call writes (the lock word, the bins, the ledger's records and event counter),
// which the two cores then pass back and forth. So, as glibc's tcache does, each thread keeps the
// small blocks it frees in a cache of its own and serves its next requests of the same size from
// there, and the fast path writes nothing another thread writes: the thread's own ThreadCache (its
// lists, its lock, its ledger deltas) and the block's header.
//
// - When. Only while two or more instances are attached to the memory, no limit is set, no fault
//   injection is armed, and the request is binned, 16-aligned, below CACHE_MAX_BLOCK and below the
//   ledger's large-request threshold (the gate, computed under the heap lock whenever one of these
//   changes), and made at its site's first program point: a request at a later point (a rollover's
//   page, a bag pushed, a grown table: sites.ts) and its block's free take the locked path, so a
//   cache's one delta per site is that point's too (ledger.ts, point records). One thread alone takes exactly the locked path it always took, so its addresses and
//   figures cannot change; a limit or an injected refusal behaves as it always did. Closing the
//   gate gives every cached block back to the bins at once.
// - Lists. One LIFO list per block size (16-byte classes), linked through the payload's first
//   word; the list's head also holds its length in the second word. A cached block is live in the
//   TLSF sense (never in a bin, so merging walks past it) and marked CACHED in its owner word, which
//   frees and address checks read as "not live": freeing it again is a double free.
// - Refill and flush. An empty list is refilled under the heap lock with a batch of blocks of its
//   size (the first through the ordinary path, which may grow memory and may be refused; the rest
//   only from free blocks already there); a list past its cap gives half back to the bins.
// - Ledger. A cached operation counts in the thread's SiteDelta for its site (ledger.ts), folded
//   into the shared records under the heap lock: at refills and flushes, at detach, and whenever
//   anything reads the ledger (heapLock, the checker) or may write a failure record (a locked
//   allocation while the gate is open, a refill). Counts, bytes and live
//   figures are therefore exact at every point a reader sees; peaks and event numbers move at the
//   folds (ledger.ts, foldDelta). The glibc footprint counts live blocks only, so a block entering
//   the cache leaves it and a block served from it comes back.
// - Locks. A cache's own lock is taken by its thread on every fast call (uncontended: its line
//   stays in that core's cache) and by a reader folding the deltas. Order: the heap lock, then
//   caches in slot order. The checker holds them all, so it sees no fast call half done.
// - Slots. SLOT_COUNT caches in the reserved region; an instance claims one (under the heap lock)
//   at its first cached call and gives it back, settled, at heapThreadDetach (Lab.close). An
//   instance that finds no slot free, or has detached, keeps to the locked path.
//
// ╒══════════════════ THREAD_CACHES (in the reserved region, layout.ts) ═════════════════╕
//     0  gate u32          requests below this many bytes may be cached (0: caches off)
//    64  slots[SLOT_COUNT] ThreadCache (1,600 bytes each)
// ╘═══════════════════════════════════════════════════════════════════════════════════════╛
// ╒══════════════════════════ ThreadCache (1,600 bytes) ═══════════════════════════╕
//    0  lock u32              sync/mutex.ts word
//    4  thread u32            the owning instance's thread number (0: slot free)
//    8  dirty u32             deltas not yet folded
//   12  cachedBlocks u32      blocks on the lists
//   16  cachedBytes u64       their block bytes
//   24  glibcDelta i64        net change of the glibc footprint not yet folded
//   32  allocCalls u64        heapAlloc calls served here, not yet folded into the root's count
//   64  heads[CLASSES] u32    first cached block of each size (index: block size / 16)
//  576  deltas[SITE_COUNT] SiteDelta (ledger.ts)
// ╘═════════════════════════════════════════════════════════════════════════════════╛

import {
  AL_SIZE, AL_MASK, HEADER, MIN_BLOCK, FREE, LARGE, ZERO, USER, CACHED, SITE_MASK, POINT_MASK, OWNER_OFFSET, ROOT_LOCK, ROOT_LIMIT, ROOT_INJECT,
  ROOT_INJECT_TRAP, ROOT_ALLOC_CALLS, info, setInfo, sizeOf, ownerOf, requestedOf, checkOf, checkWord, blockSizeFor, isCached,
  memoryEnd, heapBase
} from "./block";
import { THREAD_CACHES } from "./layout";
import { isStart } from "./starts";
import { FREED, FREE_NOT_USER } from "./free";
import { takeBinned, takeFromBins, releaseBlock } from "./binned";
import { glibcChunk, glibcFold } from "./footprint";
import { SITE_COUNT, siteIsRust } from "./sites";
import { SiteDelta, SITE_DELTA_SIZE, L_LARGE_THRESHOLD, deltaAlloc, deltaFree, foldDelta, notePeakNow } from "./ledger";
import { attachedCount, currentThread } from "./lab_state";
import { mutexLock, mutexUnlock } from "../sync/mutex";
import { DEBUG } from "./debug";

/** ThreadCache's scalars (table above); the heads and deltas follow at their own offsets. */
@unmanaged export class ThreadCacheHead {
  lock: u32;
  thread: u32;
  dirty: u32;
  cachedBlocks: u32;
  cachedBytes: u64;
  glibcDelta: u64;
  allocCalls: u64;
}

// @ts-ignore: decorator
@inline export const SLOT_COUNT: u32 = 16;
/** Size classes: one per 16 bytes of block size, so a list holds blocks of one size only. */
// @ts-ignore: decorator
@inline const CLASSES: u32 = 128;
/** Largest cached block: covers every small structure the model makes, a 64-slot Page's slots (1,040 B) included. */
// @ts-ignore: decorator
@inline export const CACHE_MAX_BLOCK: usize = <usize>(CLASSES - 1) << 4;
/** A list holds at most this many bytes of blocks (and at most MAX_LIST blocks); a refill brings half. */
// @ts-ignore: decorator
@inline const LIST_BYTES: usize = 32 << 10;
// @ts-ignore: decorator
@inline const MAX_LIST: u32 = 32;

// @ts-ignore: decorator
@inline const GATE: usize = THREAD_CACHES;
// @ts-ignore: decorator
@inline const HEADS_OFFSET: usize = 64;
// @ts-ignore: decorator
@inline const DELTAS_OFFSET: usize = HEADS_OFFSET + <usize>CLASSES * 4;
// @ts-ignore: decorator
@inline const SLOT_BYTES: usize = DELTAS_OFFSET + <usize>SITE_COUNT * SITE_DELTA_SIZE;
// @ts-ignore: decorator
@inline const SLOTS: usize = THREAD_CACHES + 64;
/** Bytes of THREAD_CACHES. */
// @ts-ignore: decorator
@inline export const THREAD_CACHES_SIZE: usize = SLOTS - THREAD_CACHES + <usize>SLOT_COUNT * SLOT_BYTES;
if (offsetof<ThreadCacheHead>() > HEADS_OFFSET) ERROR("ThreadCache's scalars must fit before its heads");
if (SLOT_BYTES != 1600 || (SLOT_BYTES & 63) != 0) ERROR("ThreadCache must be 1,600 bytes, whole cache lines");
if (offsetof<SiteDelta>() != SITE_DELTA_SIZE) ERROR("ThreadCache's deltas are SiteDeltas");

// @ts-ignore: decorator
@inline const C_LOCK: usize = offsetof<ThreadCacheHead>("lock");
// @ts-ignore: decorator
@inline const C_THREAD: usize = offsetof<ThreadCacheHead>("thread");
// @ts-ignore: decorator
@inline const C_DIRTY: usize = offsetof<ThreadCacheHead>("dirty");
// @ts-ignore: decorator
@inline const C_BLOCKS: usize = offsetof<ThreadCacheHead>("cachedBlocks");
// @ts-ignore: decorator
@inline const C_BYTES: usize = offsetof<ThreadCacheHead>("cachedBytes");
// @ts-ignore: decorator
@inline const C_GLIBC: usize = offsetof<ThreadCacheHead>("glibcDelta");
// @ts-ignore: decorator
@inline const C_CALLS: usize = offsetof<ThreadCacheHead>("allocCalls");

/** What cachedAlloc returns when the request was refused (a payload is never 1). */
// @ts-ignore: decorator
@inline export const CACHE_REFUSED: usize = 1;
/** What cachedFree returns when the locked path must judge the free. */
// @ts-ignore: decorator
@inline export const NOT_CACHED: u32 = 0xFF;

/** This instance's cache (0: none yet), and whether it may have one at all. */
let cache: usize = 0;
let noCache = false;

// @ts-ignore: decorator
@inline function slotAt(index: u32): usize { return SLOTS + <usize>index * SLOT_BYTES; }
// @ts-ignore: decorator
@inline function headOf(slot: usize, size: usize): usize { return slot + HEADS_OFFSET + (size >> 2); }
// @ts-ignore: decorator
@inline function deltaOf(slot: usize, site: u32): usize { return slot + DELTAS_OFFSET + <usize>site * SITE_DELTA_SIZE; }
// @ts-ignore: decorator
@inline function listLength(head: usize): u32 { return head ? load<u32>(head + HEADER, 4) : 0; }
/** Blocks a list of `size` may hold. */
// @ts-ignore: decorator
@inline function capFor(size: usize): u32 { return max<u32>(2, min<u32>(MAX_LIST, <u32>(LIST_BYTES / size))); }

// @ts-ignore: decorator
@inline function add32(address: usize, delta: i32): void { store<u32>(address, load<u32>(address) + <u32>delta); }
// @ts-ignore: decorator
@inline function add64(address: usize, delta: u64): void { store<u64>(address, load<u64>(address) + delta); }

// --- the gate ---

/**
 * Recomputes which requests caches may serve; called under the heap lock whenever the instance
 * count, the limit, the threshold or fault injection changes. Closing the gate settles every
 * cache (each list is its cache lock's to guard, whoever holds it), so what follows on the locked
 * path, a limit's refusal above all, sees the heap and the ledger as one thread would have left them.
 */
export function updateGate(): void {
  let open = attachedCount() >= 2 && !load<u64>(ROOT_LIMIT) && !load<u32>(ROOT_INJECT) && !load<u32>(ROOT_INJECT_TRAP);
  let below = min<u64>(load<u64>(L_LARGE_THRESHOLD), <u64>(CACHE_MAX_BLOCK - HEADER + 1));
  atomic.store<u32>(GATE, open ? <u32>below : 0);
  if (!open) settleAll();
}

function settleAll(): void {
  for (let i: u32 = 0; i < SLOT_COUNT; i++) {
    let slot = slotAt(i);
    if (!atomic.load<u32>(slot + C_DIRTY) && !atomic.load<u32>(slot + C_BLOCKS)) continue;
    mutexLock(slot + C_LOCK);
    settle(slot);
    mutexUnlock(slot + C_LOCK);
  }
}

// --- lists (the cache's lock held) ---

function push(slot: usize, block: usize): u32 {
  let size = sizeOf(block);
  let head = <usize>load<u32>(headOf(slot, size));
  let length = listLength(head) + 1;
  store<u32>(block + HEADER, <u32>head);
  store<u32>(block + HEADER, length, 4);
  store<u32>(headOf(slot, size), <u32>block);
  add32(slot + C_BLOCKS, 1);
  add64(slot + C_BYTES, <u64>size);
  return length;
}

function pop(slot: usize, size: usize): usize {
  let block = <usize>load<u32>(headOf(slot, size));
  if (!block) return 0;
  store<u32>(headOf(slot, size), load<u32>(block + HEADER));
  add32(slot + C_BLOCKS, -1);
  add64(slot + C_BYTES, -<u64>size);
  return block;
}

/** Marks a block carved for the cache: a block start with its check word, CACHED, not ZERO any more. */
function markCached(block: usize): void {
  setInfo(block, info(block) & ~ZERO);
  store<u32>(block, checkWord(block), 4);
  store<u32>(block, 0, 8);
  store<u32>(block, CACHED, OWNER_OFFSET);
}

/** Makes a block this request's: header, ledger delta, glibc footprint. */
function handOut(slot: usize, block: usize, owner: u32, requested: u64): void {
  let site = owner & SITE_MASK;
  store<u32>(block, <u32>requested, 8);
  store<u32>(block, owner, OWNER_OFFSET);
  deltaAlloc(deltaOf(slot, site), requested, <u64>sizeOf(block));
  if (siteIsRust(site)) add64(slot + C_GLIBC, glibcChunk(requested));
  add64(slot + C_CALLS, 1);
  store<u32>(slot + C_DIRTY, 1);
}

/** Counts a block taken into the cache out of the ledger and the glibc footprint. */
function takeIn(slot: usize, block: usize, owner: u32): void {
  let site = owner & SITE_MASK;
  let requested = <u64>requestedOf(block);
  deltaFree(deltaOf(slot, site), requested, <u64>sizeOf(block));
  if (siteIsRust(site)) add64(slot + C_GLIBC, -glibcChunk(requested));
  store<u32>(slot + C_DIRTY, 1);
}

// --- folding and settling (the heap lock held) ---

/** Folds a cache's deltas into the ledger and the root (its lock held); true if the Rust total peaked. */
function fold(slot: usize): bool {
  if (!load<u32>(slot + C_DIRTY)) return false;
  let peaked = false;
  for (let site: u32 = 0; site < SITE_COUNT; site++) peaked = foldDelta(site, deltaOf(slot, site)) || peaked;
  glibcFold(load<u64>(slot + C_GLIBC));
  add64(ROOT_ALLOC_CALLS, load<u64>(slot + C_CALLS));
  store<u64>(slot + C_GLIBC, 0);
  store<u64>(slot + C_CALLS, 0);
  store<u32>(slot + C_DIRTY, 0);
  return peaked;
}

/** While the gate is open, folds every cache (the heap lock held), so a failure record that follows counts every thread's work. */
export function foldIfShared(): void {
  if (atomic.load<u32>(GATE)) foldAll();
}

/** Folds every cache's deltas (the heap lock held): after it the ledger counts every thread's work. */
export function foldAll(): void {
  let peaked = false;
  for (let i: u32 = 0; i < SLOT_COUNT; i++) {
    let slot = slotAt(i);
    if (!atomic.load<u32>(slot + C_DIRTY)) continue;
    mutexLock(slot + C_LOCK);
    peaked = fold(slot) || peaked;
    mutexUnlock(slot + C_LOCK);
  }
  if (peaked) notePeakNow();
}

/** Gives `keep`-exceeding blocks of the list of `size` back to the bins (both locks held). */
function trim(slot: usize, size: usize, keep: u32): void {
  while (listLength(<usize>load<u32>(headOf(slot, size))) > keep) {
    let block = pop(slot, size);
    store<u32>(block, load<u32>(block, OWNER_OFFSET) & ~CACHED, OWNER_OFFSET);
    releaseBlock(block, 0);
  }
}

/** Empties a cache into the bins and folds it (both locks held). */
function settle(slot: usize): void {
  for (let size: usize = MIN_BLOCK; size <= CACHE_MAX_BLOCK; size += AL_SIZE) trim(slot, size, 0);
  if (fold(slot)) notePeakNow();
}

/** A list past its cap gives half back. */
function flush(slot: usize, size: usize): void {
  mutexLock(ROOT_LOCK);
  mutexLock(slot + C_LOCK);
  trim(slot, size, capFor(size) >> 1);
  if (fold(slot)) notePeakNow();
  mutexUnlock(slot + C_LOCK);
  mutexUnlock(ROOT_LOCK);
}

/** With the gate closed, a cache that still took a block in after the gate closed settles at its thread's next call. */
function settleIfIdle(): void {
  let slot = cache;
  if (!slot || (!load<u32>(slot + C_BLOCKS) && !load<u32>(slot + C_DIRTY))) return;
  mutexLock(ROOT_LOCK);
  mutexLock(slot + C_LOCK);
  settle(slot);
  mutexUnlock(slot + C_LOCK);
  mutexUnlock(ROOT_LOCK);
}

// --- slots ---

/** This instance's cache, claimed at its first use; 0 if none is free or the instance detached. */
function ownCache(): usize {
  if (cache || noCache) return cache;
  mutexLock(ROOT_LOCK);
  for (let i: u32 = 0; i < SLOT_COUNT && !cache; i++) {
    if (!load<u32>(slotAt(i) + C_THREAD)) {
      cache = slotAt(i);
      store<u32>(cache + C_THREAD, currentThread());
    }
  }
  noCache = !cache;
  mutexUnlock(ROOT_LOCK);
  return cache;
}

/** This instance is done (heapThreadDetach, the heap lock held): its cache goes back to the bins, its slot is free. */
export function cacheDetach(): void {
  noCache = true;
  let slot = cache;
  if (!slot) return;
  mutexLock(slot + C_LOCK);
  settle(slot);
  store<u32>(slot + C_THREAD, 0);
  mutexUnlock(slot + C_LOCK);
  cache = 0;
}

// --- the fast path ---

/**
 * A payload from this thread's cache for a 16-aligned request at its site's first program point
 * (heap.ts sends no other: a later point's is counted at that point, on the locked path), refilling
 * the list if it is empty; 0 if caches do not serve this request (the locked path does),
 * CACHE_REFUSED if it was refused.
 */
export function cachedAlloc(owner: u32, requested: u64, align: u32, zeroed: bool): usize {
  if (DEBUG) assert((owner & POINT_MASK) == 0, "cachedAlloc: a request at a later program point");
  if (requested >= <u64>atomic.load<u32>(GATE) || (owner & SITE_MASK) >= SITE_COUNT) {
    settleIfIdle();
    return 0;
  }
  let slot = ownCache();
  if (!slot) return 0;
  let need = <usize>blockSizeFor(requested);
  mutexLock(slot + C_LOCK);
  let block = pop(slot, need);
  if (block) handOut(slot, block, owner, requested);
  mutexUnlock(slot + C_LOCK);
  if (!block && !(block = refill(slot, need, owner, requested, align))) return CACHE_REFUSED;
  if (DEBUG) assert(isStart(block) && checkOf(block) == checkWord(block) && sizeOf(block) >= need, "cachedAlloc: bad cached block");
  if (zeroed) memory.fill(block + HEADER, 0, need - HEADER);
  return block + HEADER;
}

/**
 * Refills the empty list of `need` and hands out its first block (0: refused, with the failure
 * record the locked path writes). The cache's lock is taken after the growth, which may record a
 * failure: every cache, this one included, is folded first, so that record counts their work.
 */
function refill(slot: usize, need: usize, owner: u32, requested: u64, align: u32): usize {
  mutexLock(ROOT_LOCK);
  foldAll();
  let block = takeBinned(need, AL_SIZE, owner & SITE_MASK, requested, align);
  if (block) {
    setInfo(block, info(block) & ~ZERO);
    store<u32>(block, checkWord(block), 4);
    mutexLock(slot + C_LOCK);
    for (let extra = capFor(need) >> 1; extra > 1; extra--) {
      let more = takeFromBins(need);
      if (!more) break;
      // A block may keep a tail too small to split off: past the largest class it has no list.
      if (sizeOf(more) > CACHE_MAX_BLOCK) {
        releaseBlock(more, 0);
        break;
      }
      markCached(more);
      push(slot, more);
    }
    handOut(slot, block, owner, requested);
    mutexUnlock(slot + C_LOCK);
  }
  mutexUnlock(ROOT_LOCK);
  return block;
}

/**
 * Takes a freed block into this thread's cache: FREED, FREE_NOT_USER (userOnly, a block lab.alloc
 * did not hand out: nothing changes), or NOT_CACHED if the locked path must judge this free (any
 * bad free among them) because caches are off, the block is not a small binned live one, or no
 * cache is free.
 */
export function cachedFree(payload: usize, userOnly: bool): u32 {
  if (!atomic.load<u32>(GATE)) {
    settleIfIdle();
    return NOT_CACHED;
  }
  let slot = ownCache();
  if (!slot) return NOT_CACHED;
  mutexLock(slot + C_LOCK); // also brings this thread's view of the memory up to date
  let result = takeInIfSmall(slot, payload, userOnly);
  let size = result == FREED ? sizeOf(payload - HEADER) : 0;
  let over = size != 0 && listLength(<usize>load<u32>(headOf(slot, size))) > capFor(size);
  mutexUnlock(slot + C_LOCK);
  if (over) flush(slot, size);
  return result;
}

function takeInIfSmall(slot: usize, payload: usize, userOnly: bool): u32 {
  let block = payload - HEADER;
  if ((payload & AL_MASK) != 0 || payload < HEADER || block < heapBase() || <u64>block + MIN_BLOCK > memoryEnd() || !isStart(block)) return NOT_CACHED;
  if ((info(block) & (FREE | LARGE)) != 0 || sizeOf(block) > CACHE_MAX_BLOCK) return NOT_CACHED;
  let owner = ownerOf(block);
  if (owner & (CACHED | POINT_MASK)) return NOT_CACHED; // a later point's free is counted at its point, on the locked path
  if (userOnly && !(owner & USER)) return FREE_NOT_USER;
  if (DEBUG) assert(checkOf(block) == checkWord(block), "free: a block header was overwritten");
  // Two threads freeing one block at once: one wins the owner word, the other is told a double free.
  if (atomic.cmpxchg<u32>(block + OWNER_OFFSET, owner, owner | CACHED) != owner) return NOT_CACHED;
  takeIn(slot, block, owner);
  push(slot, block);
  return FREED;
}

// --- what the checker and the host ask ---

/** Locks every cache and folds it (the heap lock held): the checker's view, no fast call half done or uncounted. */
export function lockAllCaches(): void {
  let peaked = false;
  for (let i: u32 = 0; i < SLOT_COUNT; i++) {
    mutexLock(slotAt(i) + C_LOCK);
    peaked = fold(slotAt(i)) || peaked;
  }
  if (peaked) notePeakNow();
}
export function unlockAllCaches(): void {
  for (let i: u32 = 0; i < SLOT_COUNT; i++) mutexUnlock(slotAt(i) + C_LOCK);
}

/**
 * Walks every cache's lists (all locked): each block is a CACHED block start of its list's size, the
 * list lengths agree with the heads' counts and the caches' totals. Returns the blocks listed, or
 * the first bad block's address with the top bit set.
 */
export function cachedBlocksListed(): u64 {
  let listed: u64 = 0;
  for (let i: u32 = 0; i < SLOT_COUNT; i++) {
    let slot = slotAt(i);
    let blocks: u32 = 0;
    let bytes: u64 = 0;
    for (let size: usize = MIN_BLOCK; size <= CACHE_MAX_BLOCK; size += AL_SIZE) {
      let length = listLength(<usize>load<u32>(headOf(slot, size)));
      for (let block = <usize>load<u32>(headOf(slot, size)); block; block = <usize>load<u32>(block + HEADER)) {
        if (!isStart(block) || (info(block) & (FREE | LARGE)) != 0 || !isCached(block) || sizeOf(block) != size || listLength(block) != length--) {
          return (<u64>1 << 63) | <u64>block;
        }
        blocks++;
        bytes += <u64>size;
      }
    }
    if (blocks != load<u32>(slot + C_BLOCKS) || bytes != load<u64>(slot + C_BYTES)) return (<u64>1 << 63) | <u64>slot;
    listed += <u64>blocks;
  }
  return listed;
}

/** Block bytes held in thread caches (the heap lock held). */
export function cachedBytes(): u64 {
  let bytes: u64 = 0;
  for (let i: u32 = 0; i < SLOT_COUNT; i++) bytes += atomic.load<u64>(slotAt(i) + C_BYTES);
  return bytes;
}
