// `Vec<Arc<Page>>`: the stream's list of every page, each element one 8-byte Arc pointer.
//
// Growth follows RawVec::grow_amortized: the new capacity is the larger of twice the old one and
// the length needed, and at least 4 (std's minimum non-zero capacity for elements of 8 to 1024
// bytes). So the buffer requests are 32, 64, 128, ... bytes. Rust grows with `realloc`; the model
// makes that a new request of the new size, a copy and a free of the old buffer, which is what
// realloc does when it cannot extend in place. The ledger counts one request per growth either way.
//
// ╒═══════════════ Vec<T> header (24 bytes, inline in its owner) ═══════════════╕
//  off  field   meaning
//   0   cap     u64 elements the buffer holds (0: no buffer allocated)
//   8   ptr     u64 buffer address
//  16   len     u64 elements in use
// ╘══════════════════════════════════════════════════════════════════════════════╛

import { heapAlloc, heapFree } from "../memory/heap";

/** Vec<T>'s header (layout above), inline in its owner. */
@unmanaged export class Vec {
  cap: u64;
  ptr: u64;
  len: u64;
}
// rustc: a Vec is its RawVec (capacity, pointer) and a length, three words.
if (offsetof<Vec>() != 24) ERROR("Vec<T> must be 24 bytes: capacity, pointer, length");

// @ts-ignore: decorator
@inline const V_CAP: usize = offsetof<Vec>("cap");
// @ts-ignore: decorator
@inline const V_PTR: usize = offsetof<Vec>("ptr");
// @ts-ignore: decorator
@inline const V_LEN: usize = offsetof<Vec>("len");
// @ts-ignore: decorator
@inline const ELEMENT: u64 = 8;
// @ts-ignore: decorator
@inline const ELEMENT_ALIGN: u32 = 8;
/** RawVec's MIN_NON_ZERO_CAP for 8-byte elements. */
// @ts-ignore: decorator
@inline const MIN_NON_ZERO_CAP: u64 = 4;

// @ts-ignore: decorator
@inline export function vecLen(vec: usize): u64 { return load<u64>(vec + V_LEN); }
// @ts-ignore: decorator
@inline export function vecCapacity(vec: usize): u64 { return load<u64>(vec + V_CAP); }
// @ts-ignore: decorator
@inline export function vecBuffer(vec: usize): usize { return <usize>load<u64>(vec + V_PTR); }

export function vecGet(vec: usize, index: u64): u64 {
  return load<u64>(vecBuffer(vec) + <usize>(index * ELEMENT));
}

/** Vec::push; false if growing the buffer was refused (the Vec is unchanged). */
export function vecPush(vec: usize, value: u64, site: u32): bool {
  let len = vecLen(vec);
  if (len == vecCapacity(vec) && !grow(vec, len + 1, site)) return false;
  store<u64>(vecBuffer(vec) + <usize>(len * ELEMENT), value);
  store<u64>(vec + V_LEN, len + 1);
  return true;
}

function grow(vec: usize, required: u64, site: u32): bool {
  let cap = max<u64>(max<u64>(vecCapacity(vec) * 2, required), MIN_NON_ZERO_CAP);
  let buffer = heapAlloc(site, cap * ELEMENT, ELEMENT_ALIGN, false);
  if (!buffer) return false;
  let old = vecBuffer(vec);
  if (old) {
    memory.copy(buffer, old, <usize>(vecLen(vec) * ELEMENT));
    heapFree(old, site);
  }
  store<u64>(vec + V_CAP, cap);
  store<u64>(vec + V_PTR, <u64>buffer);
  return true;
}

/** Vec::pop of the last element (the caller owns it again); the buffer keeps its capacity. */
export function vecPop(vec: usize): u64 {
  let len = vecLen(vec) - 1;
  store<u64>(vec + V_LEN, len);
  return vecGet(vec, len);
}

/** Frees the buffer (the elements must have been dropped by the owner). */
export function vecFreeBuffer(vec: usize, site: u32): void {
  let buffer = vecBuffer(vec);
  if (buffer) heapFree(buffer, site);
}
