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
// Publication never makes a writer wait. `len` (values readable without gaps) is advanced over
// completed slots by whoever completes the run. A page's `committed` is the COUNT of its slots
// written so far (a writer adds n after writing n slots), not an in-order prefix. After adding, a
// writer calls advance: loop { l = len; q = the page holding index l (stop if not installed);
// c = q.committed; r = min(q.next_index, capacity); stop unless c == r and base(q) + r > l;
// CAS len from l to base(q) + r; loop }. Why it is sound: c counts completions of distinct slots,
// each reserved before its completion and so below the cursor r read after c; c == r means every
// slot of [0, r) is complete, so every index below the new len is readable. Why len never stalls
// behind a completed run: the last completer of a run sees c == r; at a page boundary, the page-p
// finisher (CAS len, then load page p+1's counters) and a page-(p+1) completer (add to committed,
// then load len) cannot both miss each other under wasm's sequentially consistent atomics, so one
// of them moves len on. A descheduled writer holding a reserved slot delays len (len stops at or
// before that slot until the writer completes it), never another writer's append: nobody waits,
// nobody sleeps. The price of a count: within a page, len moves only at a moment when every slot
// reserved so far is complete, so under unbroken contention in one page it may trail until the
// page's reservations settle (at the latest when the page is full and complete).
// After a successful CAS, if some thread waits on len (the `waiters` count, which the host raises
// around Atomics.wait/waitAsync), the advancer wakes it with memory.atomic.notify on len.
//
// Reads take no lock. Pages are never freed while the stream lives, and the page directory
// (directory.ts, model-only, allocated at the first rollover) finds any page in O(1) without the
// Vec, whose buffer moves as it grows. While the directory is absent the stream has one page,
// which a reader finds through `active_page` (MOCK, which has none, takes the mutex then).
//
// MockSegmentedStream (VARIANT_MOCK) has no `active_page`: its active page is the Vec's last element,
// read under the mutex on every append. What happens to `active_page`'s own reference at a rollover
// and at Drop is the variant's business (variant.ts): replaceActive and streamDeinit below.
//
// ╒════════════ SegmentedStream (64 bytes; inline in its owner natively, so a MODEL site) ═══════════╕
//  off  field         Rust type                         here
//   0   pages.lock    Mutex futex word (u32)            sync/mutex.ts
//   4   pages.poison  bool (+ 3 bytes of padding)       nothing here panics, so its 4 bytes hold the
//                                                       model's waiter count (u32: threads in
//                                                       wait/waitAsync on len; see above)
//   8   pages.vec     Vec<Arc<Page<V16>>> (24 bytes)    stream/vec.ts
//  32   active_page   crossbeam_epoch::Atomic<Page>,    Page pointer (ArcInner + 16); 0 for MOCK
//                     or ArcSwap<Page> (ARCSWAP)
//  40   (ArcSwap's    -                                 load_full's lock word (sync/arc_swap.ts)
//        lock)
//  44   variant       u32                               variant.ts
//  48   len           AtomicU64                         values published
//  56   page_slots    u32                               the model keeps page_slots as 1 << page_shift
//                                                       and these 4 bytes for the page directory's
//                                                       root (a wasm32 address; 0 until the first
//                                                       rollover: directory.ts)
//  60   page_shift    u32                               log2(slots per page)
// ╘══════════════════════════════════════════════════════════════════════════════════════════════════╛

import { SITE_STREAM_PAGES, SITE_STREAM_INLINE, SITE_BOX_PAGE, POINT_ROLL_OVER, pointOwner } from "../memory/sites";
import { heapAlloc, heapFree } from "../memory/heap";
import { syncMemoryView } from "../memory/view";
import { mutexLock, mutexUnlock } from "../sync/mutex";
import { arcClone, arcIntoRaw, arcFromRaw, arcData } from "../sync/arc";
import {
  pageArcNew, pageArcRelease, pageDropInPlace, pageCapacity, pageNo, pageSlot, V16_SIZE,
  P_NEXT_INDEX, P_COMMITTED, P_NEXT
} from "./page";
import {
  directoryFind, directoryReserve, directoryUnreserve, directoryCommit, directoryEnter, directoryFree, DIRECTORY_REFUSED
} from "./directory";
import { Vec, vecPush, vecPop, vecGet, vecLen, vecFreeBuffer } from "./vec";
import { ArcSwapSlot, arcSwapInit, arcSwapSwap } from "../sync/arc_swap";
import { currentParticipant } from "../epoch/collector";
import { localPin, localUnpin, localDefer, localReserve } from "../epoch/local";
import { DEBUG } from "../memory/debug";
import { DeferredFn, deferredIndex } from "../epoch/deferred";
import {
  VARIANT_AS_WRITTEN, VARIANT_MOCK, VARIANT_EXPLICIT_DROP, VARIANT_BOX_DROP, VARIANT_EPOCH_DEFERRED, VARIANT_ARCSWAP
} from "./variant";

/** SegmentedStream (layout above): the Vec and the ArcSwap slot inline, as their fields. */
@unmanaged export class SegmentedStream {
  lock: u32;
  waiters: u32;
  pagesCap: u64;
  pagesPtr: u64;
  pagesLen: u64;
  activePage: u64;
  swapLock: u32;
  variant: u32;
  len: u64;
  directory: u32;
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
@inline export const S_VARIANT: usize = offsetof<SegmentedStream>("variant");
// @ts-ignore: decorator
@inline export const S_LEN: usize = offsetof<SegmentedStream>("len");
// @ts-ignore: decorator
@inline const S_DIRECTORY: usize = offsetof<SegmentedStream>("directory");
// @ts-ignore: decorator
@inline export const S_WAITERS: usize = offsetof<SegmentedStream>("waiters");
// @ts-ignore: decorator
@inline export const S_PAGE_SHIFT: usize = offsetof<SegmentedStream>("pageShift");
// @ts-ignore: decorator
@inline const STREAM_ALIGN: u32 = 8;

/** Returned by appends when a page allocation was refused. */
export const APPEND_FAILED: i64 = -1;

// @ts-ignore: decorator
@inline export function streamVariant(stream: usize): u32 { return load<u32>(stream + S_VARIANT); }
// @ts-ignore: decorator
@inline export function streamLen(stream: usize): u64 { return atomic.load<u64>(stream + S_LEN); }
// @ts-ignore: decorator
@inline export function streamPageCount(stream: usize): u64 { return vecLen(stream + S_PAGES); }
// @ts-ignore: decorator
@inline export function streamPageSlots(stream: usize): u32 { return <u32>1 << streamPageShift(stream); }
/** The page directory's root (0 until the first rollover), loaded for a lock-free reader. */
// @ts-ignore: decorator
@inline export function streamDirectory(stream: usize): usize { return <usize>atomic.load<u32>(stream + S_DIRECTORY); }
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
  let page = lastPageLocked(stream);
  mutexUnlock(stream + S_LOCK);
  return page;
}

function lastPageLocked(stream: usize): usize {
  let pages = stream + S_PAGES;
  return arcData(<usize>vecGet(pages, vecLen(pages) - 1));
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
      return <i64>streamComplete(stream, page, index, 1);
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
    let at = streamComplete(stream, page, index, got);
    if (first < 0) first = <i64>at;
    done += got;
  }
  return first < 0 ? <i64>streamLen(stream) : first;
}

/** The global index of slot `index` of `page`. */
// @ts-ignore: decorator
@inline function globalIndex(stream: usize, page: usize, index: u64): u64 {
  return (<u64>pageNo(page) << streamPageShift(stream)) + index;
}

/**
 * Completes slots [index, index + count) of `page`, already written by this thread: counts them
 * in the page's `committed` and moves `len` over whatever run is now complete (advance). Returns
 * the global index of the first. Exported for the specs, which stall a reservation on purpose.
 */
export function streamComplete(stream: usize, page: usize, index: u64, count: u64): u64 {
  atomic.add<u32>(page + P_COMMITTED, <u32>count);
  advance(stream, page);
  return globalIndex(stream, page, index);
}

/**
 * Moves `len` over every completed run it can reach (the module prose says why this is enough).
 * `hint` is the page this thread just completed slots of: most of the time the page len is in.
 */
function advance(stream: usize, hint: usize): void {
  let shift = streamPageShift(stream);
  while (true) {
    let len = atomic.load<u64>(stream + S_LEN);
    let number = <u32>(len >> shift);
    let page = pageNo(hint) == number ? hint : installedPage(stream, number);
    if (!page) return;
    let committed = <u64>atomic.load<u32>(page + P_COMMITTED);
    let reserved = min<u64>(atomic.load<u64>(page + P_NEXT_INDEX), pageCapacity(page));
    let reach = (<u64>number << shift) + reserved;
    if (committed != reserved || reach <= len) return;
    if (atomic.cmpxchg<u64>(stream + S_LEN, len, reach) == len && atomic.load<u32>(stream + S_WAITERS) != 0) {
      atomic.notify(stream + S_LEN, u32.MAX_VALUE);
    }
  }
}

/**
 * Page `number` if it is installed, else 0, without the mutex. Before the first rollover there is
 * no directory and page 0 is the only page: `active_page` (MOCK has none, and advance gets page 0
 * as its hint, so this is never asked for it then).
 */
function installedPage(stream: usize, number: u32): usize {
  if (streamVariant(stream) != VARIANT_MOCK) {
    let active = activePage(stream);
    if (pageNo(active) == number) return active;
  }
  return directoryFind(streamDirectory(stream), number);
}

/**
 * Page `number`, which a reader knows is installed (an index below len lies in it), without the
 * mutex but for MOCK's one-page state. If the directory is absent when loaded but active_page has
 * moved on, the rollover that moved it published the directory first: the next round finds it.
 */
function publishedPage(stream: usize, number: u32): usize {
  while (true) {
    let page = installedPage(stream, number);
    if (page) return page;
    if (streamVariant(stream) == VARIANT_MOCK && !streamDirectory(stream)) {
      mutexLock(stream + S_LOCK);
      page = arcData(<usize>vecGet(stream + S_PAGES, <u64>number));
      mutexUnlock(stream + S_LOCK);
      return page;
    }
  }
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
  return lastPageLocked(stream);
}

/**
 * Allocates and links the page after `full`. Every step that can be refused comes first (the
 * page, the directory's room for it, the Vec's growth and, for EPOCH_DEFERRED, the pin with room
 * for the deferral); a refusal undoes what came before it, so the stream is left exactly as it
 * was. Natively each of them but the directory's would abort the process. The page's own requests
 * come first, as natively, so a full heap refuses the Rust request where the native program would
 * fail; the directory's come before anything the stream holds changes. The page goes into the
 * directory before `active_page` moves to it, so readers and advance find it (directory.ts).
 */
function installNextPage(stream: usize, full: usize): bool {
  let number = pageNo(full) + 1;
  let next = pageArcNew(streamPageSlots(stream), number);
  if (!next) return false;
  let root = <usize>load<u32>(stream + S_DIRECTORY); // written under this mutex only
  let reserved = directoryReserve(root, number);
  if (reserved == DIRECTORY_REFUSED) {
    pageArcRelease(next);
    return false;
  }
  let pages = stream + S_PAGES;
  if (!vecPush(pages, <u64>next, pointOwner(SITE_STREAM_PAGES, POINT_ROLL_OVER))) {
    directoryUnreserve(reserved);
    pageArcRelease(next);
    return false;
  }
  let variant = streamVariant(stream);
  let local = variant == VARIANT_EPOCH_DEFERRED ? pinForDefer() : 0;
  if (variant == VARIANT_EPOCH_DEFERRED && !local) {
    directoryUnreserve(reserved);
    pageArcRelease(<usize>vecPop(pages));
    return false;
  }
  publishInDirectory(stream, root, reserved, number, arcData(next));
  atomic.store<u64>(full + P_NEXT, <u64>arcData(next));
  if (variant == VARIANT_MOCK) return true;
  arcClone(next);
  replaceActive(stream, arcIntoRaw(next), local);
  return true;
}

/** Enters page `number` at `page`; at the first rollover, page 0 too, then the fresh root. */
function publishInDirectory(stream: usize, root: usize, reserved: u64, number: u32, page: usize): void {
  let published = directoryCommit(root, reserved, number, page);
  if (root) return;
  directoryEnter(published, 0, arcData(<usize>vecGet(stream + S_PAGES, 0)));
  atomic.store<u32>(stream + S_DIRECTORY, <u32>published);
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

/** Copies value `index` to `out` (16 bytes); false if it is not published yet. Takes no lock (but MOCK's, with one page). */
export function streamGet(stream: usize, index: u64, out: usize): bool {
  if (index >= streamLen(stream)) return false;
  let shift = streamPageShift(stream);
  let page = publishedPage(stream, <u32>(index >> shift));
  let slot = pageSlot(page, index & ((<u64>1 << shift) - 1));
  // two word moves, not memory.copy: V8 calls out of the module for memory.copy, which costs more than the value
  store<u64>(out, load<u64>(slot));
  store<u64>(out, load<u64>(slot, 8), 8);
  return true;
}

/** Copies up to `count` published values from `start` to `out`; returns how many. One lookup per page, no lock. */
export function streamRead(stream: usize, start: u64, count: u64, out: usize): u64 {
  let len = streamLen(stream);
  if (start >= len) return 0;
  let total = min<u64>(count, len - start);
  let shift = streamPageShift(stream);
  let slots = <u64>1 << shift;
  let copied: u64 = 0;
  while (copied < total) {
    let index = start + copied;
    let offset = index & (slots - 1);
    let run = min<u64>(total - copied, slots - offset);
    let page = publishedPage(stream, <u32>(index >> shift));
    memory.copy(out + <usize>(copied * V16_SIZE), pageSlot(page, offset), <usize>(run * V16_SIZE));
    copied += run;
  }
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
  dropDirectory(stream);
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
  dropDirectory(stream);
}

/** The model's directory goes after the Rust fields (it has no Rust counterpart). */
function dropDirectory(stream: usize): void {
  directoryFree(<usize>load<u32>(stream + S_DIRECTORY));
  store<u32>(stream + S_DIRECTORY, 0);
}
