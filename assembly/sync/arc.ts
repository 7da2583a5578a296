// `std::sync::Arc<T>` over linear memory.
//
// An Arc is a pointer to an ArcInner: two counts followed by the value. `Arc::new` makes one heap
// allocation of 16 + size_of::<T>() bytes; clones share it. The strong count says how many Arcs
// exist; the weak count is the number of Weaks plus one held collectively by all strong
// references, so the value is dropped when strong reaches 0 and the allocation is freed when weak
// does. The counts are updated with atomic read-modify-writes, as in std (wasm atomics are
// sequentially consistent, stronger than the Release/Acquire std uses).
//
// ╒═════════════════ ArcInner<T> (16 + size_of T, align max(8, align of T)) ═════════════════╕
//  off  field        type
//   0   strong       AtomicUsize (8 bytes)
//   8   weak         AtomicUsize (8 bytes)
//  16   data         T
// ╘═══════════════════════════════════════════════════════════════════════════════════════════╛
//
// `Arc::into_raw` gives out a pointer to `data`, 16 bytes past the allocation; `Arc::from_raw` takes
// it back. Anything else done with that pointer (such as `Box::from_raw` and a drop, which frees
// it) hands the allocator an address it never returned.
//
// Dropping the value is the caller's business (there are no closures over linear memory): a
// release that returns true means "you held the last strong reference: drop T, then call
// arcReleaseImplicitWeak".

import { heapAlloc, heapFree } from "../memory/heap";

/** ArcInner<T>'s counts; T follows at ARC_HEADER. Only its offsets are used (linear memory, no objects). */
@unmanaged export class ArcInner {
  strong: u64;
  weak: u64;
}
// rustc: ArcInner<T> puts two AtomicUsize (16 bytes) before T.
if (offsetof<ArcInner>() != 16) ERROR("ArcInner<T>'s counts must take 16 bytes, as std's two AtomicUsize do");

// @ts-ignore: decorator
@inline export const ARC_HEADER: usize = offsetof<ArcInner>();
// @ts-ignore: decorator
@inline const STRONG: usize = offsetof<ArcInner>("strong");
// @ts-ignore: decorator
@inline const WEAK: usize = offsetof<ArcInner>("weak");

/** Arc::new: allocates the ArcInner for a value of `dataSize` bytes; counts start at 1/1. Returns 0 if refused. */
export function arcAlloc(site: u32, dataSize: usize, align: u32): usize {
  let inner = heapAlloc(site, <u64>(ARC_HEADER + dataSize), align, false);
  if (inner) {
    store<u64>(inner + STRONG, 1);
    store<u64>(inner + WEAK, 1);
  }
  return inner;
}

// @ts-ignore: decorator
@inline export function arcData(inner: usize): usize { return inner + ARC_HEADER; }
/** Arc::into_raw: the data pointer, keeping the reference alive. */
// @ts-ignore: decorator
@inline export function arcIntoRaw(inner: usize): usize { return inner + ARC_HEADER; }
/** Arc::from_raw: the ArcInner behind a pointer that into_raw gave out. */
// @ts-ignore: decorator
@inline export function arcFromRaw(data: usize): usize { return data - ARC_HEADER; }

export function arcStrong(inner: usize): u64 { return atomic.load<u64>(inner + STRONG); }
export function arcWeak(inner: usize): u64 { return atomic.load<u64>(inner + WEAK); }

/** Arc::clone. */
export function arcClone(inner: usize): void {
  atomic.add<u64>(inner + STRONG, 1);
}

/** Drops one strong reference; true if it was the last, and the caller must now drop the value. */
export function arcReleaseStrong(inner: usize): bool {
  return atomic.sub<u64>(inner + STRONG, 1) == 1;
}

/** Drops the weak reference the strong ones held together, freeing the ArcInner if it was the last. */
export function arcReleaseImplicitWeak(inner: usize, site: u32): void {
  if (atomic.sub<u64>(inner + WEAK, 1) == 1) heapFree(inner, site);
}
