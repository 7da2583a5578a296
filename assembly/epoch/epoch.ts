// Epoch values as crossbeam-epoch encodes them: a usize whose lowest bit says "pinned" and whose
// remaining bits count epochs, so moving to the successor adds 2.
//
//   data = (epoch << 1) | pinned
//
// A participant's epoch word holds the global epoch it pinned in, with the bit set while pinned.

// @ts-ignore: decorator
@inline export const PINNED_BIT: u64 = 1;

// @ts-ignore: decorator
@inline export function epochSuccessor(data: u64): u64 { return data + 2; }
// @ts-ignore: decorator
@inline export function epochPinned(data: u64): u64 { return data | PINNED_BIT; }
// @ts-ignore: decorator
@inline export function epochUnpinned(data: u64): u64 { return data & ~PINNED_BIT; }
// @ts-ignore: decorator
@inline export function epochIsPinned(data: u64): bool { return (data & PINNED_BIT) != 0; }
/** The epoch a word counts, its pinned bit aside. */
// @ts-ignore: decorator
@inline export function epochCount(data: u64): u64 { return data >> 1; }

/** Epochs from `earlier` to `later` (crossbeam's Epoch::wrapping_sub): pinned bits ignored. */
// @ts-ignore: decorator
@inline export function epochDistance(later: u64, earlier: u64): i64 {
  return <i64>(later - (earlier & ~PINNED_BIT)) >> 1;
}

/**
 * crossbeam-utils' CachePadded<T> of a one-word T (an AtomicEpoch, an Atomic pointer), x86_64:
 * `#[repr(align(128))]`, so the word, then padding to 128 bytes. AS has no field alignment, so a
 * structure holding one places it at a multiple of CACHE_LINE and gives it CACHE_PADDED_SIZE.
 */
@unmanaged export class CachePadded {
  value: u64;
}
/** The alignment of a structure of words (every one here but the cache-padded ones); AS's alignof is its log2. */
// @ts-ignore: decorator
@inline export const WORD_ALIGN: u32 = <u32>1 << alignof<u64>();
if (WORD_ALIGN != 8) ERROR("a structure of words must be 8-aligned, as a usize is on x86_64");

/** CachePadded's alignment on x86_64 (crossbeam-utils). */
// @ts-ignore: decorator
@inline export const CACHE_LINE: usize = 128;
// @ts-ignore: decorator
@inline export const CACHE_PADDED_SIZE: usize = (offsetof<CachePadded>() + CACHE_LINE - 1) & ~(CACHE_LINE - 1);
if (CACHE_PADDED_SIZE != 128) ERROR("CachePadded<AtomicUsize> must be 128 bytes, as crossbeam-utils' on x86_64");
