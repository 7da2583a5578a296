// Determinism of the heap (assembly/memory/heap.ts): the same sequence of requests from a fresh
// state gives the same addresses.
//
// This file is its own wasm instance, so its first test sees a truly fresh heap. The expected
// offsets (relative to the first payload) are worked out by hand from the documented layout below;
// then, with every block freed (they all merge back into the region's one free block), the same
// sequence is replayed and must land on the very same absolute addresses.

import { heapAlloc, heapFree, heapBlockSize, FREED } from "../memory/heap";
import { SITE_TEST } from "../memory/sites";
import { startHeap, regions, growths, freeBlockCount, largestFreeBlock, PAGE } from "./helpers";

beforeAll(() => {
  startHeap();
});

// The sequence: request sizes, alignments, and which earlier step (if any) is freed before a step.
//  step  request   align   block  where it lands (S = region start, first payload P0 = S + 16)
//   0    24        8       48     fresh region of 1 page: block at S, rest [S+48, S+65520)
//   1    100       16      128    S+48
//   2    200       128     224    gap = ((S+176+16+127) & ~127) - 16 - (S+176) = 64: padding block
//                                 [S+176, S+240), block at S+240, payload S+256 (256 % 128 == 0)
//   3    40        16      64     the 64-byte padding block (exact bin), payload S+192
//   -    free step 1             -> free 128-byte block at S+48 (neighbours live)
//   4    64        16      80     from that block (128 - 80 = 48 >= 32: split), payload S+64
//   5    8         16      32/48  the 48-byte rest at S+128 (48 - 32 < 32: taken whole), payload S+144
//   6    1000      16      1024   top block at S+464, payload S+480
//   7    300       128     320    top at S+1488: gap 32, block at S+1520, payload S+1536 (12 x 128)
const REQ: u64[] = [24, 100, 200, 40, 64, 8, 1000, 300];
const ALIGN: u32[] = [8, 16, 128, 16, 16, 16, 16, 128];
/** Payload offsets from P0 (see the table). */
const OFFSET: usize[] = [0, 48, 240, 176, 48, 128, 464, 1520];
/** heapBlockSize of each step's payload (step 5 got the whole 48-byte block). */
const BLOCK: usize[] = [48, 128, 224, 64, 80, 48, 1024, 320];

function run(out: StaticArray<usize>): void {
  for (let i = 0; i < 8; i++) {
    if (i == 4) heapFree(out[1], SITE_TEST);
    out[i] = heapAlloc(SITE_TEST, REQ[i], ALIGN[i], false);
  }
}

function freeAll(ptrs: StaticArray<usize>): void {
  for (let i = 0; i < 8; i++) if (i != 1) expect<u32>(heapFree(ptrs[i], SITE_TEST)).toBe(FREED);
}

describe("heap: determinism", () => {
  it("a fresh heap places the sequence at the offsets the layout predicts", () => {
    const first = new StaticArray<usize>(8);
    const second = new StaticArray<usize>(8);
    const mem0 = <usize>memory.size();
    run(first);
    expect<u32>(regions()).toBe(1, "one region");
    expect<u32>(growths()).toBe(1, "one growth of one page");
    expect<usize>(first[0]).toBe(mem0 * <usize>PAGE + 16, "first block at the start of the first region");
    for (let i = 0; i < 8; i++) {
      expect<usize>(first[i] - first[0]).toBe(OFFSET[i], "offset of step " + i.toString());
      if (i != 1) expect<usize>(heapBlockSize(first[i])).toBe(BLOCK[i], "block of step " + i.toString());
    }
    expect<usize>(first[2] % 128).toBe(0);
    expect<usize>(first[7] % 128).toBe(0);

    // Free everything: all of it merges back into one free block spanning the region.
    freeAll(first);
    expect<u32>(freeBlockCount()).toBe(1, "one free block left");
    expect<u64>(largestFreeBlock()).toBe(PAGE - 16, "the whole region but its tail sentinel");

    run(second);
    for (let i = 0; i < 8; i++) expect<usize>(second[i]).toBe(first[i], "replay: same address, step " + i.toString());
    expect<u32>(growths()).toBe(1, "the replay needed no growth");
    freeAll(second);
  });
});
