// The block-start map: one bit per 16-byte granule of the whole 4 GiB address space, set where a
// block (live or free, binned or large) starts.
//
// A block's header sits in memory the heap hands out next to payloads, so anything derived from the
// header alone (its check word, its tags) can be written by a program into a payload and passed off
// as a block: a forged header. The map lives apart from every payload, and only the allocator writes
// it, so "is there a block at this address?" has an answer no payload write can change. Frees and
// every address the host hands in are judged by it; the invariant checker walks blocks through it,
// which also walks past memory the heap does not own (as-pect's own runtime, between regions).
//
// It takes 2^32 / 16 / 8 = 32 MiB of linear memory, grown once when the heap is set up and never
// counted as footprint (it models nothing in the native program). The engine commits pages as they
// are first written, so a small heap touches only the first few words of it.
//
//   bit of a block at address a:  word (a >> 9) of the map, bit (a >> 4) & 31

import { AL_BITS, ROOT_STARTS, PAGE_BITS } from "./block";

/** Pages the map takes: 2^32 bytes / 16 per bit / 8 bits per byte, in 64 KiB pages. */
// @ts-ignore: decorator
@inline export const STARTS_PAGES: u32 = <u32>((<u64>1 << 32) >> (AL_BITS + 3 + PAGE_BITS));
// @ts-ignore: decorator
@inline const WORD_SHIFT: u32 = AL_BITS + 5;

// @ts-ignore: decorator
@inline function wordOf(block: usize): usize {
  return <usize>load<u32>(ROOT_STARTS) + ((block >> WORD_SHIFT) << 2);
}

// @ts-ignore: decorator
@inline function bitOf(block: usize): u32 {
  return 1 << (<u32>(block >> AL_BITS) & 31);
}

/** Grows the map's pages; false if the engine refuses. Called once, by the heap's set-up. */
export function startsInit(): bool {
  let first = memory.grow(<i32>STARTS_PAGES);
  if (first < 0) return false;
  store<u32>(ROOT_STARTS, <u32>first << PAGE_BITS);
  return true;
}

export function markStart(block: usize): void {
  let word = wordOf(block);
  store<u32>(word, load<u32>(word) | bitOf(block));
}

export function clearStart(block: usize): void {
  let word = wordOf(block);
  store<u32>(word, load<u32>(word) & ~bitOf(block));
}

/** True if a block starts at `block` (any 16-aligned address below 4 GiB may be asked). */
export function isStart(block: usize): bool {
  return (atomic.load<u32>(wordOf(block)) & bitOf(block)) != 0;
}

/** The highest block start at or below `address` and at or above `floor`, or 0 if none. */
export function startAtOrBefore(address: usize, floor: usize): usize {
  let granule = address >> AL_BITS;
  let bits = atomic.load<u32>(wordOf(address)) & (0xFFFF_FFFF >> (31 - <u32>(granule & 31)));
  let word = granule >> 5;
  let lowest = floor >> WORD_SHIFT;
  while (!bits) {
    if (word <= lowest) return 0;
    word--;
    bits = atomic.load<u32>(<usize>load<u32>(ROOT_STARTS) + (word << 2));
  }
  let start = ((word << 5) + <usize>(31 - clz<u32>(bits))) << AL_BITS;
  return start >= floor ? start : 0;
}

/** The lowest block start at or above `address` and below `end`, or 0 if none. */
export function startAtOrAfter(address: usize, end: u64): usize {
  if (<u64>address >= end) return 0;
  let granule = address >> AL_BITS;
  let bits = atomic.load<u32>(wordOf(address)) & (0xFFFF_FFFF << <u32>(granule & 31));
  let word = granule >> 5;
  let last = <usize>((end - 1) >> WORD_SHIFT);
  while (!bits) {
    if (word >= last) return 0;
    word++;
    bits = atomic.load<u32>(<usize>load<u32>(ROOT_STARTS) + (word << 2));
  }
  let start = ((word << 5) + <usize>ctz<u32>(bits)) << AL_BITS;
  return <u64>start < end ? start : 0;
}
