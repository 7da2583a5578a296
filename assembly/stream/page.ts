// `Page<V16>`: one segment of a SegmentedStream, always behind an Arc.
//
// A page owns a separately allocated slot array (`Box<[MaybeUninit<V16>]>`, 16 bytes a slot, left
// uninitialised) and a cursor. Appenders reserve slots with an atomic fetch_add on `next_index`;
// an index at or past the capacity means the page is full and the appender must roll the stream
// over to a new page. The cursor keeps counting past the capacity, which is harmless: every such
// index is refused. `committed` counts the slots completed so far, in whatever order their writers
// finished (how `len` moves over them: segmented_stream.ts).
//
// ╒══════════════════════ Page<V16> (40 bytes, align 8; in an ArcInner of 56) ══════════════════╕
//  off  field        Rust type                   here
//   0   next_index   AtomicU64                   slot reservation cursor
//   8   committed    AtomicU32                   slots completed (a count, in any order)
//  12   page_no      AtomicU32                   position in the stream (Page::new's 2nd argument)
//  16   next         AtomicPtr<Page<V16>>        the page after this one, set at rollover
//  24   slots.ptr    Box<[MaybeUninit<V16>]>     slot array address ─┐ fat pointer
//  32   slots.len                                slot count         ─┘
// ╘═════════════════════════════════════════════════════════════════════════════════════════════╛
//
// Page::new allocates the slot array first (capacity x 16 bytes), then `Arc::from(page)` allocates
// the ArcInner: the same order, and so the same addresses, as the native program.

import { SITE_ARC_PAGE, SITE_PAGE_SLOTS, POINT_ROLL_OVER, pointOwner } from "../memory/sites";
import { heapAlloc, heapFree } from "../memory/heap";
import { arcAlloc, arcData, arcReleaseStrong, arcReleaseImplicitWeak } from "../sync/arc";

/** The seed's value: two u64 words. */
@unmanaged export class V16 {
  a: u64;
  b: u64;
}
/** Page<V16> (layout above). */
@unmanaged export class Page {
  nextIndex: u64;
  committed: u32;
  pageNo: u32;
  next: u64;
  slotsPtr: u64;
  slotsLen: u64;
}
// rust-original.md: size_of::<V16>() = 16, size_of::<Page<V16>>() = 40 (so ArcInner<Page> is 56).
if (offsetof<V16>() != 16) ERROR("V16 must be 16 bytes");
if (offsetof<Page>() != 40) ERROR("Page<V16> must be 40 bytes, as rustc lays it out");
if (offsetof<Page>("slotsPtr") != 24) ERROR("Page's slots fat pointer must follow next, at 24");

// @ts-ignore: decorator
@inline export const PAGE_SIZE: usize = offsetof<Page>();
// @ts-ignore: decorator
@inline export const V16_SIZE: usize = offsetof<V16>();
// @ts-ignore: decorator
@inline const V16_ALIGN: u32 = 8;
// @ts-ignore: decorator
@inline const PAGE_ALIGN: u32 = 8;

// @ts-ignore: decorator
@inline export const P_NEXT_INDEX: usize = offsetof<Page>("nextIndex");
// @ts-ignore: decorator
@inline export const P_COMMITTED: usize = offsetof<Page>("committed");
// @ts-ignore: decorator
@inline export const P_PAGE_NO: usize = offsetof<Page>("pageNo");
// @ts-ignore: decorator
@inline export const P_NEXT: usize = offsetof<Page>("next");
// @ts-ignore: decorator
@inline const P_SLOTS_PTR: usize = offsetof<Page>("slotsPtr");
// @ts-ignore: decorator
@inline const P_SLOTS_LEN: usize = offsetof<Page>("slotsLen");

/**
 * Arc::from(Page::new(slots, pageNo)): returns the ArcInner (strong 1), or 0 if an allocation was
 * refused. Page 0 is SegmentedStream::new's, every later one a roll_over's: the program point.
 */
export function pageArcNew(slots: u32, pageNo: u32): usize {
  let point = pageNo == 0 ? 0 : POINT_ROLL_OVER;
  let array = heapAlloc(pointOwner(SITE_PAGE_SLOTS, point), <u64>slots * V16_SIZE, V16_ALIGN, false);
  if (!array) return 0;
  let inner = arcAlloc(pointOwner(SITE_ARC_PAGE, point), PAGE_SIZE, PAGE_ALIGN);
  if (!inner) {
    heapFree(array, SITE_PAGE_SLOTS);
    return 0;
  }
  let page = arcData(inner);
  store<u64>(page + P_NEXT_INDEX, 0);
  store<u32>(page + P_COMMITTED, 0);
  store<u32>(page + P_PAGE_NO, pageNo);
  store<u64>(page + P_NEXT, 0);
  store<u64>(page + P_SLOTS_PTR, <u64>array);
  store<u64>(page + P_SLOTS_LEN, <u64>slots);
  return inner;
}

// @ts-ignore: decorator
@inline export function pageSlots(page: usize): usize { return <usize>load<u64>(page + P_SLOTS_PTR); }
// @ts-ignore: decorator
@inline export function pageCapacity(page: usize): u64 { return load<u64>(page + P_SLOTS_LEN); }
// @ts-ignore: decorator
@inline export function pageNo(page: usize): u32 { return load<u32>(page + P_PAGE_NO); }
// @ts-ignore: decorator
@inline export function pageSlot(page: usize, index: u64): usize {
  return pageSlots(page) + <usize>index * V16_SIZE;
}

/** drop_in_place::<Page>: the slot array's Box is dropped; V16 needs no drop of its own. */
export function pageDropInPlace(page: usize): void {
  heapFree(pageSlots(page), SITE_PAGE_SLOTS);
}

/** Drop for Arc<Page>: the last strong reference drops the page, the last weak one frees the ArcInner. */
export function pageArcRelease(inner: usize): void {
  if (!arcReleaseStrong(inner)) return;
  pageDropInPlace(arcData(inner));
  arcReleaseImplicitWeak(inner, SITE_ARC_PAGE);
}
