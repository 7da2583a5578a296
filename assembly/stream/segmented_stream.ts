// === SegmentedStream: an append-only stream of V16 values in pages ===
//
// The seed's structure. Values live in pages of a fixed power-of-two number of slots. The stream
// keeps every page in a mutex-guarded `Vec<Arc<Page>>` and points at the page being filled through
// `active_page`, an epoch `Atomic<Page>` holding a pointer made by `Arc::into_raw` (variant.ts says
// what each variant does with that reference).
//
// Appending is lock-free while the active page has room: an appender loads `active_page` and
// reserves a slot with a fetch_add on the page's cursor. The one that draws the index just past the
// last slot (or any later one) takes the mutex, and if the page is still the active one, allocates
// the next page, pushes it onto the Vec, links it from the full page and moves `active_page`;
// then everyone retries. Pages are never freed while the stream lives (the Vec holds each one), so
// a pointer loaded from `active_page` stays valid however late its holder uses it.
//
// Values become visible in index order. A writer that filled slot g (a global index) waits until
// the stream's published length is g, then makes it g + 1 (batches publish a run at once). The
// wait is short, since the writers in front of it hold reservations they are about to fill, and
// it lets a reader trust every index below `len` without per-slot flags.
//
// MockSegmentedStream (VARIANT_MOCK) has no `active_page`: its active page is the Vec's last element,
// read under the mutex on every append. What happens to `active_page`'s own reference at a rollover
// and at Drop is the variant's business (variant.ts): replaceActive and streamDeinit below.
//
// ╒════════════ SegmentedStream (64 bytes; inline in its owner natively, so a MODEL site) ═══════════╕
//  off  field         Rust type                         here
//   0   pages.lock    Mutex futex word (u32)            sync/mutex.ts
//   4   pages.poison  bool                              unused: nothing here panics
//   8   pages.vec     Vec<Arc<Page<V16>>> (24 bytes)    stream/vec.ts
//  32   active_page   crossbeam_epoch::Atomic<Page>,    Page pointer (ArcInner + 16); 0 for MOCK
//                     or ArcSwap<Page> (ARCSWAP)
//  40   (ArcSwap's    -                                 load_full's lock word (sync/arc_swap.ts)
//        lock)
//  44   variant       u32                               variant.ts
//  48   len           AtomicU64                         values published
//  56   page_slots    u32                               slots per page (power of two)
//  60   page_shift    u32                               log2(page_slots)
// ╘══════════════════════════════════════════════════════════════════════════════════════════════════╛

import { SITE_STREAM_PAGES, SITE_STREAM_INLINE, SITE_BOX_PAGE } from "../memory/sites";
import { heapAlloc, heapFree } from "../memory/heap";
import { syncMemoryView } from "../memory/view";
import { mutexLock, mutexUnlock } from "../sync/mutex";
import { futexWait64 } from "../sync/futex";
import { arcClone, arcIntoRaw, arcFromRaw, arcData } from "../sync/arc";
import {
  pageArcNew, pageArcRelease, pageDropInPlace, pageCapacity, pageNo, pageSlot, V16_SIZE,
  P_NEXT_INDEX, P_COMMITTED, P_NEXT
} from "./page";
import { Vec, vecPush, vecPop, vecGet, vecLen, vecFreeBuffer } from "./vec";
import { ArcSwapSlot, arcSwapInit, arcSwapSwap } from "../sync/arc_swap";
import { currentParticipant } from "../epoch/collector";
import { localPin, localUnpin, localDefer, localReserve } from "../epoch/local";
import { DEBUG } from "../memory/debug";
import { trapIfPoisoned } from "../memory/lab_state";
import { DeferredFn, deferredIndex } from "../epoch/deferred";
import {
  VARIANT_AS_WRITTEN, VARIANT_MOCK, VARIANT_EXPLICIT_DROP, VARIANT_BOX_DROP, VARIANT_EPOCH_DEFERRED, VARIANT_ARCSWAP
} from "./variant";

/** SegmentedStream (layout above): the Vec and the ArcSwap slot inline, as their fields. */
@unmanaged export class SegmentedStream {
  lock: u32;
  poison: u32;
  pagesCap: u64;
  pagesPtr: u64;
  pagesLen: u64;
  activePage: u64;
  swapLock: u32;
  variant: u32;
  len: u64;
  pageSlots: u32;
  pageShift: u32;
}
// The inline Vec and ArcSwap must keep their own layouts (vec.ts, sync/arc_swap.ts).
if (offsetof<SegmentedStream>("pagesLen") + 8 - offsetof<SegmentedStream>("pagesCap") != offsetof<Vec>()) ERROR("the stream's inline Vec must be a whole Vec");
if (offsetof<SegmentedStream>("swapLock") - offsetof<SegmentedStream>("activePage") != offsetof<ArcSwapSlot>("lock")) ERROR("active_page and its lock must be laid out as an ArcSwap");
if (offsetof<SegmentedStream>() != 64) ERROR("SegmentedStream must be 64 bytes (OptimisedIndex's fields follow it)");

// @ts-ignore: decorator
@inline export const STREAM_SIZE: usize = offsetof<SegmentedStream>();
// @ts-ignore: decorator
@inline const S_LOCK: usize = offsetof<SegmentedStream>("lock");
// @ts-ignore: decorator
@inline export const S_PAGES: usize = offsetof<SegmentedStream>("pagesCap");
// @ts-ignore: decorator
@inline export const S_ACTIVE: usize = offsetof<SegmentedStream>("activePage");
// @ts-ignore: decorator
@inline const S_VARIANT: usize = offsetof<SegmentedStream>("variant");
// @ts-ignore: decorator
@inline const S_LEN: usize = offsetof<SegmentedStream>("len");
// @ts-ignore: decorator
@inline const S_PAGE_SLOTS: usize = offsetof<SegmentedStream>("pageSlots");
// @ts-ignore: decorator
@inline const S_PAGE_SHIFT: usize = offsetof<SegmentedStream>("pageShift");
// @ts-ignore: decorator
@inline const STREAM_ALIGN: u32 = 8;

/** Spins before a publisher waiting for earlier writers starts to nap, and how long a nap lasts. */
// @ts-ignore: decorator
@inline const PUBLISH_SPINS: i32 = 256;
// @ts-ignore: decorator
@inline const PUBLISH_NAP_NS: i64 = 20_000;

/** Returned by appends when a page allocation was refused. */
export const APPEND_FAILED: i64 = -1;

// @ts-ignore: decorator
@inline export function streamVariant(stream: usize): u32 { return load<u32>(stream + S_VARIANT); }
// @ts-ignore: decorator
@inline export function streamLen(stream: usize): u64 { return atomic.load<u64>(stream + S_LEN); }
// @ts-ignore: decorator
@inline export function streamPageCount(stream: usize): u64 { return vecLen(stream + S_PAGES); }
// @ts-ignore: decorator
@inline export function streamPageSlots(stream: usize): u32 { return load<u32>(stream + S_PAGE_SLOTS); }
// @ts-ignore: decorator
@inline export function streamPageShift(stream: usize): u32 { return load<u32>(stream + S_PAGE_SHIFT); }

/**
 * SegmentedStream::new, in a block of its own (an owner-less stream). Returns 0 (having freed what
 * it took) if an allocation was refused.
 */
export function streamNew(variant: u32, pageSlots: u32): usize {
  let stream = heapAlloc(SITE_STREAM_INLINE, <u64>STREAM_SIZE, STREAM_ALIGN, true);
  if (stream && !streamInit(stream, variant, pageSlots)) {
    heapFree(stream, SITE_STREAM_INLINE);
    return 0;
  }
  return stream;
}

/**
 * SegmentedStream::new into zeroed storage at `stream`: the first page, its Arc cloned into
 * `active_page`, and the Vec holding the other reference. False (nothing left allocated) if refused.
 */
export function streamInit(stream: usize, variant: u32, pageSlots: u32): bool {
  store<u32>(stream + S_PAGE_SLOTS, pageSlots);
  store<u32>(stream + S_PAGE_SHIFT, ctz<u32>(pageSlots));
  store<u32>(stream + S_VARIANT, variant);
  let first = pageArcNew(pageSlots, 0);
  if (!first) return false;
  if (variant != VARIANT_MOCK) {
    arcClone(first);
    arcSwapInit(stream + S_ACTIVE, arcIntoRaw(first));
  }
  if (!vecPush(stream + S_PAGES, <u64>first, SITE_STREAM_PAGES)) {
    if (variant != VARIANT_MOCK) pageArcRelease(first);
    pageArcRelease(first);
    return false;
  }
  return true;
}

/** The page appends go to (published by whichever thread rolled over: see memory/view.ts). */
function activePage(stream: usize): usize {
  if (streamVariant(stream) != VARIANT_MOCK) {
    let page = <usize>atomic.load<u64>(stream + S_ACTIVE);
    syncMemoryView();
    return page;
  }
  mutexLock(stream + S_LOCK);
  let pages = stream + S_PAGES;
  let page = arcData(<usize>vecGet(pages, vecLen(pages) - 1));
  mutexUnlock(stream + S_LOCK);
  return page;
}

/** Appends one value; returns its index, or APPEND_FAILED if a new page could not be allocated. */
export function streamAppend(stream: usize, a: u64, b: u64): i64 {
  while (true) {
    let page = activePage(stream);
    let index = atomic.add<u64>(page + P_NEXT_INDEX, 1);
    if (index < pageCapacity(page)) {
      let slot = pageSlot(page, index);
      store<u64>(slot, a);
      store<u64>(slot, b, 8);
      return <i64>publish(stream, page, index, 1);
    }
    if (!rollover(stream, page)) return APPEND_FAILED;
  }
}

/**
 * Appends `count` values laid out as V16s at `source`, reserving as much of a page as it can in one
 * fetch_add. Returns the index of the first value, or APPEND_FAILED if a page allocation was
 * refused part way (the values before that point were appended).
 */
export function streamAppendBatch(stream: usize, source: usize, count: u64): i64 {
  let first: i64 = -1;
  let done: u64 = 0;
  while (done < count) {
    let page = activePage(stream);
    let capacity = pageCapacity(page);
    let index = atomic.add<u64>(page + P_NEXT_INDEX, min<u64>(count - done, capacity));
    if (index >= capacity) {
      if (!rollover(stream, page)) return APPEND_FAILED;
      continue;
    }
    let got = min<u64>(count - done, capacity - index);
    memory.copy(pageSlot(page, index), source + <usize>(done * V16_SIZE), <usize>(got * V16_SIZE));
    let at = publish(stream, page, index, got);
    if (first < 0) first = <i64>at;
    done += got;
  }
  return first < 0 ? <i64>streamLen(stream) : first;
}

/** Makes slots [index, index + count) of `page` visible once all earlier values are; returns the global index. */
function publish(stream: usize, page: usize, index: u64, count: u64): u64 {
  let global = (<u64>pageNo(page) << load<u32>(stream + S_PAGE_SHIFT)) + index;
  for (let spins = 0; ; spins++) {
    let len = atomic.load<u64>(stream + S_LEN);
    if (len == global) break;
    // The writer in front was descheduled (an oversubscribed machine): sleep briefly rather than
    // burn the core it needs. No notify is sent; the timeout alone wakes the waiter. A writer in
    // front that trapped never publishes: the lab is poisoned then, and this thread stops too.
    if (spins >= PUBLISH_SPINS) {
      futexWait64(stream + S_LEN, len, PUBLISH_NAP_NS);
      trapIfPoisoned();
    }
  }
  // A plain store: the sequentially consistent store of `len` that follows publishes it.
  store<u32>(page + P_COMMITTED, <u32>(index + count));
  atomic.store<u64>(stream + S_LEN, global + count);
  return global;
}

/**
 * Moves the stream past the full page `full`, unless another appender already has. Returns false
 * if the new page or the Vec's growth was refused.
 */
function rollover(stream: usize, full: usize): bool {
  mutexLock(stream + S_LOCK);
  let ok = activePageLocked(stream) != full || installNextPage(stream, full);
  mutexUnlock(stream + S_LOCK);
  return ok;
}

function activePageLocked(stream: usize): usize {
  if (streamVariant(stream) != VARIANT_MOCK) return <usize>atomic.load<u64>(stream + S_ACTIVE);
  let pages = stream + S_PAGES;
  return arcData(<usize>vecGet(pages, vecLen(pages) - 1));
}

/**
 * Allocates and links the page after `full`. Every step that can be refused comes first (the
 * page, the Vec's growth and, for EPOCH_DEFERRED, the pin with room for the deferral); a refusal
 * undoes what came before it, so the stream is left exactly as it was. Natively each of them
 * would abort the process.
 */
function installNextPage(stream: usize, full: usize): bool {
  let next = pageArcNew(load<u32>(stream + S_PAGE_SLOTS), pageNo(full) + 1);
  if (!next) return false;
  let pages = stream + S_PAGES;
  if (!vecPush(pages, <u64>next, SITE_STREAM_PAGES)) {
    pageArcRelease(next);
    return false;
  }
  let variant = streamVariant(stream);
  let local = variant == VARIANT_EPOCH_DEFERRED ? pinForDefer() : 0;
  if (variant == VARIANT_EPOCH_DEFERRED && !local) {
    pageArcRelease(<usize>vecPop(pages));
    return false;
  }
  atomic.store<u64>(full + P_NEXT, <u64>arcData(next));
  if (variant == VARIANT_MOCK) return true;
  arcClone(next);
  replaceActive(stream, arcIntoRaw(next), local);
  return true;
}

/**
 * `let guard = epoch::pin()` for an epoch-deferred release, with room made in the bag for the one
 * deferral to come: after it, swapping and deferring cannot be refused. Returns this thread's
 * participant, pinned, or 0 (nothing held) if registering, the pin's collect or the room was refused.
 */
function pinForDefer(): usize {
  let local = currentParticipant();
  if (!local) return 0;
  if (localPin(local) && localReserve(local)) return local;
  localUnpin(local);
  return 0;
}

/** Drop for Arc<Page> as a deferred function (data = the ArcInner): what EPOCH_DEFERRED hands the collector. */
function dropArcPage(inner: u64): void { pageArcRelease(<usize>inner); }

// @ts-ignore: decorator
@inline const DROP_ARC_PAGE: DeferredFn = dropArcPage;

/**
 * Puts `raw` (a reference made by Arc::into_raw, or 0) into `active_page` and deals with the
 * reference it held as the variant does: AS_WRITTEN and BOX_DROP forget it, EXPLICIT_DROP and
 * ARCSWAP give it back at once, EPOCH_DEFERRED defers giving it back on `local`, pinned by
 * pinForDefer (and unpinned here). Safe at a rollover because the Vec still holds every page.
 */
function replaceActive(stream: usize, raw: usize, local: usize): void {
  let variant = streamVariant(stream);
  let previous = variant == VARIANT_ARCSWAP
    ? arcSwapSwap(stream + S_ACTIVE, raw)
    : <usize>atomic.xchg<u64>(stream + S_ACTIVE, <u64>raw);
  if (variant == VARIANT_EXPLICIT_DROP || variant == VARIANT_ARCSWAP) pageArcRelease(arcFromRaw(previous));
  if (variant != VARIANT_EPOCH_DEFERRED) return;
  let deferred = localDefer(local, deferredIndex(changetype<usize>(DROP_ARC_PAGE)), <u64>arcFromRaw(previous), 8);
  if (DEBUG) assert(deferred, "replaceActive: room for the deferral was made by pinForDefer");
  localUnpin(local);
}

/** Copies value `index` to `out` (16 bytes); false if it is not published yet. */
export function streamGet(stream: usize, index: u64, out: usize): bool {
  if (index >= streamLen(stream)) return false;
  let pageIndex = index >> load<u32>(stream + S_PAGE_SHIFT);
  let offset = index & (<u64>load<u32>(stream + S_PAGE_SLOTS) - 1);
  if (streamVariant(stream) != VARIANT_MOCK) {
    let active = activePage(stream);
    if (<u64>pageNo(active) == pageIndex) {
      memory.copy(out, pageSlot(active, offset), V16_SIZE);
      return true;
    }
  }
  mutexLock(stream + S_LOCK);
  memory.copy(out, pageSlot(arcData(<usize>vecGet(stream + S_PAGES, pageIndex)), offset), V16_SIZE);
  mutexUnlock(stream + S_LOCK);
  return true;
}

/** Copies up to `count` published values from `start` to `out`; returns how many. */
export function streamRead(stream: usize, start: u64, count: u64, out: usize): u64 {
  let len = streamLen(stream);
  if (start >= len) return 0;
  let total = min<u64>(count, len - start);
  let shift = load<u32>(stream + S_PAGE_SHIFT);
  let slots = <u64>load<u32>(stream + S_PAGE_SLOTS);
  mutexLock(stream + S_LOCK);
  let copied: u64 = 0;
  while (copied < total) {
    let index = start + copied;
    let offset = index & (slots - 1);
    let run = min<u64>(total - copied, slots - offset);
    let page = arcData(<usize>vecGet(stream + S_PAGES, index >> shift));
    memory.copy(out + <usize>(copied * V16_SIZE), pageSlot(page, offset), <usize>(run * V16_SIZE));
    copied += run;
  }
  mutexUnlock(stream + S_LOCK);
  return total;
}

/**
 * Undoes streamInit for a stream no one has seen (its owner's construction was refused further
 * on): both references to the first page go back at once, whatever the variant, so a refused
 * construction leaves nothing behind.
 */
export function streamUnwind(stream: usize): void {
  if (streamVariant(stream) != VARIANT_MOCK) pageArcRelease(arcFromRaw(<usize>atomic.load<u64>(stream + S_ACTIVE)));
  let pages = stream + S_PAGES;
  pageArcRelease(<usize>vecGet(pages, 0));
  vecFreeBuffer(pages, SITE_STREAM_PAGES);
}

/** Drops an owner-less stream (streamNew's) and frees its block. False, the stream untouched, as streamDeinit. */
export function streamDrop(stream: usize): bool {
  if (!streamDeinit(stream)) return false;
  heapFree(stream, SITE_STREAM_INLINE);
  return true;
}

/**
 * Drop for SegmentedStream: first its Drop impl (per variant), then its fields in declaration
 * order, the Vec releasing one reference to every page. `active_page` as an epoch Atomic has no
 * Drop; as an ArcSwap, dropping it gives its reference back. False if the epoch pin an
 * EPOCH_DEFERRED Drop needs was refused (where the native program would abort): nothing has been
 * dropped then, and the drop can be tried again.
 */
export function streamDeinit(stream: usize): bool {
  let ticket = streamDropBegin(stream);
  if (ticket < 0) return false;
  streamDeinitWith(stream, <usize>ticket);
  return true;
}

/**
 * The half of a drop that can be refused: for EPOCH_DEFERRED, the pin with room for the deferral
 * (pinForDefer). Returns the ticket streamDeinitWith takes (the pinned participant, or 0 for the
 * other variants), or -1 if refused, nothing changed.
 */
export function streamDropBegin(stream: usize): i64 {
  if (streamVariant(stream) != VARIANT_EPOCH_DEFERRED) return 0;
  let local = pinForDefer();
  return local ? <i64>local : -1;
}

/** The rest of the drop, which nothing can refuse, given streamDropBegin's ticket. */
export function streamDeinitWith(stream: usize, ticket: usize): void {
  let variant = streamVariant(stream);
  if (variant == VARIANT_BOX_DROP) {
    let active = <usize>load<u64>(stream + S_ACTIVE);
    pageDropInPlace(active);
    heapFree(active, SITE_BOX_PAGE);
  } else if (variant != VARIANT_AS_WRITTEN && variant != VARIANT_MOCK) {
    replaceActive(stream, 0, ticket);
  }
  let pages = stream + S_PAGES;
  let count = vecLen(pages);
  for (let i: u64 = 0; i < count; i++) pageArcRelease(<usize>vecGet(pages, i));
  vecFreeBuffer(pages, SITE_STREAM_PAGES);
}
