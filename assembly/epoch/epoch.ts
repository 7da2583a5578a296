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

/** Epochs from `earlier` to `later` (crossbeam's Epoch::wrapping_sub): pinned bits ignored. */
// @ts-ignore: decorator
@inline export function epochDistance(later: u64, earlier: u64): i64 {
  return <i64>(later - (earlier & ~PINNED_BIT)) >> 1;
}
