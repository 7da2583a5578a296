// Footprint models: what "memory in use" means when a limit is applied.
//
//   FOOTPRINT_SEGSTREAM  the linear memory segstream's heap has taken from the engine: the model's
//                        own process size, growth policy and fragmentation included.
//   FOOTPRINT_GLIBC      what glibc malloc on x86-64 would hold for the live Rust allocations, so a
//                        limit reads like an address-space limit on the native program:
//                          - a request below the mmap threshold (128 KiB) takes a chunk of
//                            request + 8 (the size field) rounded up to 16, at least 32 bytes;
//                          - a request from the threshold up is mapped on its own: the chunk plus
//                            an 8-byte header, rounded up to whole 4 KiB pages.
//                        Only RUST sites count (MODEL storage has no native counterpart), and freed
//                        chunks are assumed reused perfectly (no arena fragmentation). glibc's
//                        dynamic threshold only moves for freed maps up to 32 MiB, so a 256 MiB
//                        table is mapped every time.

export const FOOTPRINT_SEGSTREAM: u32 = 0;
export const FOOTPRINT_GLIBC: u32 = 1;

// @ts-ignore: decorator
@inline const SIZE_SZ: u64 = 8;
// @ts-ignore: decorator
@inline const MALLOC_ALIGN_MASK: u64 = 15;
// @ts-ignore: decorator
@inline const MINSIZE: u64 = 32;
// @ts-ignore: decorator
@inline const MMAP_THRESHOLD: u64 = 128 << 10;
// @ts-ignore: decorator
@inline const PAGE: u64 = 4096;

/** glibc's request2size followed by its mmap rounding: the bytes one request occupies. */
export function glibcChunk(requested: u64): u64 {
  let chunk = (requested + SIZE_SZ + MALLOC_ALIGN_MASK) & ~MALLOC_ALIGN_MASK;
  if (chunk < MINSIZE) chunk = MINSIZE;
  if (chunk < MMAP_THRESHOLD) return chunk;
  return (chunk + SIZE_SZ + PAGE - 1) & ~(PAGE - 1);
}
