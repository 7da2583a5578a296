// The heap's vocabulary: the block header, its tags, the bins and the root, shared by the allocator
// (tlsf.ts, large.ts, free.ts, heap.ts), the block-start map (starts.ts), the invariant checker
// (check.ts) and the specs. Nothing here allocates or locks; every function is a plain read or
// write of one field, or the arithmetic of a size class. The tables below are the one description
// of these layouts (the host's src/memory/layout.ts and the specs' helpers.ts copy the offsets).
//
// ╒══════════════════════ Block layout (16-byte header, payload 16-aligned) ═════════════════════╕
//  off  field        live block                          free block
//   0   info u32     size | LEFTFREE? | LARGE?           size | FREE | LEFTFREE? | ZERO? | LARGE?
//   4   check u32    checkWord(block)                    kept from its live days, or 0 if never live
//   8   requested    bytes the caller asked for          (stale)
//  12   owner u32    site | USER? | CACHED? | point      (stale)
//  16   payload ...                                      prev u32 · next u32 (bin or large list links)
//  size-4                                                back u32: this block's address (footer)
// ╘════════════════════════════════════════════════════════════════════════════════════════════════╛
//  size counts the header, is a multiple of 16 and at least MIN_BLOCK. LEFTFREE says the block to
//  the left is free, so its footer can be read for coalescing. Each region of binned memory ends in
//  a 16-byte tail sentinel (size 0, never free, check 0, no start bit). LARGE marks a block of a large
//  region: its neighbours are large blocks or a region's edge, never binned blocks; free, it sits on
//  the large list (prev/next links as a binned block's) and has a footer too. USER marks a block handed
//  out by `lab.alloc`, the only kind `lab.free` may give back. CACHED marks a live block a thread cache holds
//  (thread_cache.ts): live to the bins and merging, free to its owner's next request of that size.
//  point is the site's program point that made the block (sites.ts), in bits 10-11, so its free is
//  counted where its allocation was.
//
// ╒══════════════════════════════════ Root (at HEAP_ROOT) ════════════════════════════════════════╕
//    0  lock u32         sync/mutex.ts word
//    4  state u32        0 new · 1 initialising · 2 ready
//    8  flMap u32        bit fl set: some bin of first level fl is non-empty
//   12  policy u32       GROW_EXACT · GROW_DOUBLE · GROW_CHUNK
//   16  chunkPages u32   growth step for GROW_CHUNK
//   20  tail u32         tail sentinel of the most recent binned region (0: no region yet)
//   24  limit u64        footprint limit in bytes (0: none)
//   32  footprint u64    bytes of linear memory taken by the heap (the start map not counted)
//   40  peakFootprint u64
//   48  regions u32      disjoint regions: large blocks' own, and binned ones split by other growth
//   52  growths u32      successful growths
//   56  engineRefusals u32   growths memory.grow refused
//   60  footprintModel u32   which footprint the limit applies to (footprint.ts)
//   64  slMap[FL_COUNT] u32  per first level: bit sl set if bin (fl, sl) is non-empty
//  168  glibcFootprint u64   FOOTPRINT_GLIBC bytes of the live RUST blocks (always kept)
//  176  glibcPeak u64
//  184  largeFree u32        first free large block (large.ts)
//  188  starts u32           the block-start map (starts.ts)
//  192  heads[FL_COUNT][SL_SIZE] u32  first free block of each bin
// 1792  injectCountdown u32  fault injection: the n-th heapAlloc from now is refused (0: off)
// 1796  base u32             lowest address a region can start at (memory's size at set-up)
// 1800  allocCalls u64       heapAlloc calls ever made, granted or refused
// 1808  injectTrap u32       fault injection: the next heapAlloc traps while it holds the lock (0: off)
// ╘════════════════════════════════════════════════════════════════════════════════════════════════╛
//
// Bins: sizes below 256 bytes get one bin per 16 bytes (fl 0); above, each power of two [2^k, 2^k+1)
// is split into 16 equal bins, up to 2^32 (fl 24).

import { HEAP_ROOT } from "./layout";

/** The block header (layout above). */
@unmanaged export class Block {
  info: u32;
  check: u32;
  requested: u32;
  owner: u32;
}
/** A free block: the header, then its two list links (bin or large list) in the payload's first words. */
@unmanaged export class FreeBlock extends Block {
  prev: u32;
  next: u32;
}

/** Root's fields before `slMap[FL_COUNT]`. */
@unmanaged export class RootHead {
  lock: u32;
  state: u32;
  flMap: u32;
  policy: u32;
  chunkPages: u32;
  tail: u32;
  limit: u64;
  footprint: u64;
  peakFootprint: u64;
  regions: u32;
  growths: u32;
  engineRefusals: u32;
  footprintModel: u32;
}
/** Root's fields between `slMap[FL_COUNT]` and `heads[FL_COUNT][SL_SIZE]` (8-aligned). */
@unmanaged export class RootMid {
  glibcFootprint: u64;
  glibcPeak: u64;
  largeFree: u32;
  starts: u32;
}
/** Root's fields after `heads[FL_COUNT][SL_SIZE]`. */
@unmanaged export class RootTail {
  injectCountdown: u32;
  base: u32;
  allocCalls: u64;
  injectTrap: u32;
}

// --- block constants ---

// @ts-ignore: decorator
@inline export const AL_BITS: u32 = 4;
/** Payload alignment: 16 covers every Rust type the model allocates except the 128-aligned ones. */
// @ts-ignore: decorator
@inline export const AL_SIZE: usize = 1 << AL_BITS;
// @ts-ignore: decorator
@inline export const AL_MASK: usize = AL_SIZE - 1;
// @ts-ignore: decorator
@inline export const HEADER: usize = offsetof<Block>();
/** Header plus room for the two list links and the footer of a free block. */
// @ts-ignore: decorator
@inline export const MIN_BLOCK: usize = 32;
if (HEADER != 16) ERROR("The block header must be 16 bytes (the payload stays 16-aligned)");
if (offsetof<FreeBlock>("prev") != 16 || offsetof<FreeBlock>("next") != 20) ERROR("A free block's links must be the payload's first two words");
if (offsetof<FreeBlock>() + 4 > MIN_BLOCK) ERROR("MIN_BLOCK must hold the header, both links and the footer");
/** Largest block: keeps every size and bin computation inside u32 (the memory tops out at 4 GiB). */
// @ts-ignore: decorator
@inline export const MAX_BLOCK: u64 = 0xF000_0000;

// @ts-ignore: decorator
@inline export const FREE: u32 = 1;
// @ts-ignore: decorator
@inline export const LEFTFREE: u32 = 2;
// @ts-ignore: decorator
@inline export const ZERO: u32 = 4;
/** The block is a large one: its own region, never in the bins (large.ts). */
// @ts-ignore: decorator
@inline export const LARGE: u32 = 8;
// @ts-ignore: decorator
@inline export const TAGS: u32 = FREE | LEFTFREE | ZERO | LARGE;
/** glibc's default mmap threshold: requests from here up are large. */
// @ts-ignore: decorator
@inline export const LARGE_MIN: usize = 128 << 10;

/** The owner word: the site in the low byte, USER if `lab.alloc` handed the block out. */
// @ts-ignore: decorator
@inline export const SITE_MASK: u32 = 0xFF;
// @ts-ignore: decorator
@inline export const USER: u32 = 0x100;
/** The block is on a thread cache's list (thread_cache.ts): live to the bins, not live to frees and address checks. */
// @ts-ignore: decorator
@inline export const CACHED: u32 = 0x200;
/** The program point of its site that made the block (sites.ts: pointOwner, POINT_SHIFT). */
// @ts-ignore: decorator
@inline export const POINT_MASK: u32 = 0xC00;
// @ts-ignore: decorator
@inline export const OWNER_OFFSET: usize = offsetof<Block>("owner");

// --- bin constants ---

// @ts-ignore: decorator
@inline export const SL_BITS: u32 = 4;
// @ts-ignore: decorator
@inline export const SL_SIZE: u32 = 1 << SL_BITS;
// @ts-ignore: decorator
@inline export const SB_BITS: u32 = SL_BITS + AL_BITS;
// @ts-ignore: decorator
@inline export const SB_SIZE: u32 = 1 << SB_BITS;
// @ts-ignore: decorator
@inline export const FL_COUNT: u32 = 32 - SB_BITS + 1;

// --- root fields ---

/** Offsets within the root: each array takes its extent from FL_COUNT and SL_SIZE, the scalars between from the classes. */
// @ts-ignore: decorator
@inline export const ROOT_SLMAP_OFFSET: usize = offsetof<RootHead>();
// @ts-ignore: decorator
@inline export const ROOT_MID_OFFSET: usize = (ROOT_SLMAP_OFFSET + <usize>FL_COUNT * 4 + 7) & ~(<usize>7);
// @ts-ignore: decorator
@inline export const ROOT_HEADS_OFFSET: usize = ROOT_MID_OFFSET + offsetof<RootMid>();
// @ts-ignore: decorator
@inline export const ROOT_TAIL_OFFSET: usize = ROOT_HEADS_OFFSET + <usize>(FL_COUNT * SL_SIZE) * 4;
/** Bytes of the root at HEAP_ROOT. */
// @ts-ignore: decorator
@inline export const ROOT_SIZE: usize = ROOT_TAIL_OFFSET + offsetof<RootTail>();

// @ts-ignore: decorator
@inline export const ROOT_LOCK: usize = HEAP_ROOT + offsetof<RootHead>("lock");
// @ts-ignore: decorator
@inline export const ROOT_STATE: usize = HEAP_ROOT + offsetof<RootHead>("state");
// @ts-ignore: decorator
@inline export const ROOT_FLMAP: usize = HEAP_ROOT + offsetof<RootHead>("flMap");
// @ts-ignore: decorator
@inline export const ROOT_POLICY: usize = HEAP_ROOT + offsetof<RootHead>("policy");
// @ts-ignore: decorator
@inline export const ROOT_CHUNK: usize = HEAP_ROOT + offsetof<RootHead>("chunkPages");
// @ts-ignore: decorator
@inline export const ROOT_TAIL: usize = HEAP_ROOT + offsetof<RootHead>("tail");
// @ts-ignore: decorator
@inline export const ROOT_LIMIT: usize = HEAP_ROOT + offsetof<RootHead>("limit");
// @ts-ignore: decorator
@inline export const ROOT_FOOTPRINT: usize = HEAP_ROOT + offsetof<RootHead>("footprint");
// @ts-ignore: decorator
@inline export const ROOT_PEAK_FOOTPRINT: usize = HEAP_ROOT + offsetof<RootHead>("peakFootprint");
// @ts-ignore: decorator
@inline export const ROOT_REGIONS: usize = HEAP_ROOT + offsetof<RootHead>("regions");
// @ts-ignore: decorator
@inline export const ROOT_GROWTHS: usize = HEAP_ROOT + offsetof<RootHead>("growths");
// @ts-ignore: decorator
@inline export const ROOT_ENGINE_REFUSALS: usize = HEAP_ROOT + offsetof<RootHead>("engineRefusals");
// @ts-ignore: decorator
@inline export const ROOT_MODEL: usize = HEAP_ROOT + offsetof<RootHead>("footprintModel");
// @ts-ignore: decorator
@inline export const ROOT_SLMAP: usize = HEAP_ROOT + ROOT_SLMAP_OFFSET;
// @ts-ignore: decorator
@inline export const ROOT_GLIBC: usize = HEAP_ROOT + ROOT_MID_OFFSET + offsetof<RootMid>("glibcFootprint");
// @ts-ignore: decorator
@inline export const ROOT_GLIBC_PEAK: usize = HEAP_ROOT + ROOT_MID_OFFSET + offsetof<RootMid>("glibcPeak");
// @ts-ignore: decorator
@inline export const ROOT_LARGE_FREE: usize = HEAP_ROOT + ROOT_MID_OFFSET + offsetof<RootMid>("largeFree");
// @ts-ignore: decorator
@inline export const ROOT_STARTS: usize = HEAP_ROOT + ROOT_MID_OFFSET + offsetof<RootMid>("starts");
// @ts-ignore: decorator
@inline export const ROOT_HEADS: usize = HEAP_ROOT + ROOT_HEADS_OFFSET;
// @ts-ignore: decorator
@inline export const ROOT_INJECT: usize = HEAP_ROOT + ROOT_TAIL_OFFSET + offsetof<RootTail>("injectCountdown");
// @ts-ignore: decorator
@inline export const ROOT_BASE: usize = HEAP_ROOT + ROOT_TAIL_OFFSET + offsetof<RootTail>("base");
// @ts-ignore: decorator
@inline export const ROOT_ALLOC_CALLS: usize = HEAP_ROOT + ROOT_TAIL_OFFSET + offsetof<RootTail>("allocCalls");
// @ts-ignore: decorator
@inline export const ROOT_INJECT_TRAP: usize = HEAP_ROOT + ROOT_TAIL_OFFSET + offsetof<RootTail>("injectTrap");
// The root table above, and what the host and the specs have read at these offsets.
if (ROOT_SLMAP_OFFSET != 64) ERROR("Root's slMap must follow its 64 bytes of scalars");
if (ROOT_MID_OFFSET != 168) ERROR("Root's glibcFootprint must follow slMap[FL_COUNT], 8-aligned, at 168");
if (ROOT_HEADS_OFFSET != 192) ERROR("Root's heads must start at 192");
if (ROOT_TAIL_OFFSET != 1792) ERROR("Root's injectCountdown must follow heads[FL_COUNT][SL_SIZE], at 1792");
if (offsetof<RootTail>("allocCalls") != 8 || ROOT_SIZE != 1812) ERROR("Root must end with allocCalls at 1800 and injectTrap at 1808 (1,812 bytes)");

// @ts-ignore: decorator
@inline export const PAGE_BITS: u32 = 16;
// @ts-ignore: decorator
@inline export const PAGE_SIZE: u64 = 1 << PAGE_BITS;

// --- block accessors ---

// @ts-ignore: decorator
@inline export function info(block: usize): u32 { return load<u32>(block, offsetof<Block>("info")); }
// @ts-ignore: decorator
@inline export function sizeOf(block: usize): usize { return <usize>(info(block) & ~TAGS); }
// @ts-ignore: decorator
@inline export function setInfo(block: usize, value: u32): void { store<u32>(block, value, offsetof<Block>("info")); }
// @ts-ignore: decorator
@inline export function checkOf(block: usize): u32 { return load<u32>(block, offsetof<Block>("check")); }
// @ts-ignore: decorator
@inline export function requestedOf(block: usize): u32 { return load<u32>(block, offsetof<Block>("requested")); }
// @ts-ignore: decorator
@inline export function ownerOf(block: usize): u32 { return load<u32>(block, offsetof<Block>("owner")); }
// @ts-ignore: decorator
@inline export function isCached(block: usize): bool { return (ownerOf(block) & CACHED) != 0; }
// @ts-ignore: decorator
@inline export function siteOf(block: usize): u32 { return load<u32>(block, offsetof<Block>("owner")) & SITE_MASK; }
/** A free binned block's links in its bin's list (payload words 0 and 1). */
// @ts-ignore: decorator
@inline export function prevFree(block: usize): usize { return <usize>load<u32>(block, offsetof<FreeBlock>("prev")); }
// @ts-ignore: decorator
@inline export function nextFree(block: usize): usize { return <usize>load<u32>(block, offsetof<FreeBlock>("next")); }
// @ts-ignore: decorator
@inline export function setPrevFree(block: usize, prev: usize): void { store<u32>(block, <u32>prev, offsetof<FreeBlock>("prev")); }
// @ts-ignore: decorator
@inline export function setNextFree(block: usize, next: usize): void { store<u32>(block, <u32>next, offsetof<FreeBlock>("next")); }
/** A free large block's links in the large list: the same two payload words, named for their list. */
// @ts-ignore: decorator
@inline export function largePrev(block: usize): usize { return <usize>load<u32>(block, offsetof<FreeBlock>("prev")); }
// @ts-ignore: decorator
@inline export function largeNext(block: usize): usize { return <usize>load<u32>(block, offsetof<FreeBlock>("next")); }
// @ts-ignore: decorator
@inline export function setLargePrev(block: usize, prev: usize): void { store<u32>(block, <u32>prev, offsetof<FreeBlock>("prev")); }
// @ts-ignore: decorator
@inline export function setLargeNext(block: usize, next: usize): void { store<u32>(block, <u32>next, offsetof<FreeBlock>("next")); }
/** A free block's footer: its own address in its last word, read by the right neighbour's merge. */
// @ts-ignore: decorator
@inline export function setFooter(block: usize, size: usize): void { store<u32>(block + size - 4, <u32>block); }
/** The free block to the left of `block`, read from its footer (only when LEFTFREE says there is one). */
// @ts-ignore: decorator
@inline export function leftOf(block: usize): usize { return <usize>load<u32>(block - 4); }

/**
 * The word a block start carries while it is (or was) handed out. A multiplicative hash of the
 * address: it catches a header overwritten by a stray store, while the start map (starts.ts) says
 * where blocks start.
 */
// @ts-ignore: decorator
@inline export function checkWord(block: usize): u32 {
  return (<u32>block * 0x9E3779B1) ^ 0x5E65_7EA5;
}

/** Lowest address a region can start at (the memory's end when the heap was set up). */
// @ts-ignore: decorator
@inline export function heapBase(): usize { return <usize>load<u32>(ROOT_BASE); }

export function memoryEnd(): u64 {
  return <u64>memory.size() << PAGE_BITS;
}

// --- bins ---

export function binFl(size: usize): u32 {
  return size < SB_SIZE ? 0 : (31 - clz<u32>(<u32>size)) - SB_BITS + 1;
}

export function binSl(size: usize): u32 {
  if (size < SB_SIZE) return <u32>size >> AL_BITS;
  let top = 31 - clz<u32>(<u32>size);
  return (<u32>size >> (top - SL_BITS)) ^ SL_SIZE;
}

// @ts-ignore: decorator
@inline export function headSlot(fl: u32, sl: u32): usize {
  return ROOT_HEADS + ((<usize>fl << SL_BITS) + <usize>sl) * 4;
}

// @ts-ignore: decorator
@inline export function slMapSlot(fl: u32): usize {
  return ROOT_SLMAP + <usize>fl * 4;
}

/** Block size for a request: header plus payload, rounded to the alignment, at least MIN_BLOCK. */
export function blockSizeFor(requested: u64): u64 {
  let size = (requested + HEADER + AL_MASK) & ~(<u64>AL_MASK);
  return size < MIN_BLOCK ? MIN_BLOCK : size;
}
