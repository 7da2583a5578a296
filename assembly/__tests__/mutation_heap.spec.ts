// Tests added by the mutation pass (issue 9 item 6): each kills a mutant the other specs let live.
// Kept in a file of its own: a mutant that trips a debug assertion here leaves the heap lock held, and
// the first test needs a fresh heap (its first large block is the top one); the order matters.

import { heapAlloc, heapFree, heapFreeZeroed, heapBlockSize, heapConfigure, FREED } from "../memory/heap";
import { HEADER, ROOT_FOOTPRINT } from "../memory/block";
import { firstFreeLarge } from "../memory/tlsf";
import { FOOTPRINT_SEGSTREAM, GROW_EXACT } from "../memory/footprint";
import { DEFAULT_LARGE_THRESHOLD } from "../memory/ledger";
import { SITE_TEST } from "../memory/sites";
import { startHeap } from "./helpers";

beforeAll(() => {
  startHeap();
});

describe("mutation pass: large blocks", () => {
  // large.ts growLarge: the old footer of a ZERO top block ends up inside the extended block; it
  // must be cleared, or a zeroed request served from the block (which clears only the new links
  // and footer, tlsf.ts zeroPayload) reads the old footer's address.
  it("the old footer inside an extended ZERO block reads zero", () => {
    const a = heapAlloc(SITE_TEST, 200 << 10, 16, false);
    expect<usize>(a).not.toBe(0);
    const size = heapBlockSize(a);
    memory.fill(a, 0, size - HEADER);
    expect<u32>(heapFreeZeroed(a, SITE_TEST)).toBe(FREED);
    expect<u32>(load<u32>(a - HEADER + size - 4)).toBe(<u32>(a - HEADER), "the free block's footer");
    const b = heapAlloc(SITE_TEST, <u64>size + (128 << 10), 16, true);
    expect<usize>(b).toBe(a, "the top block, extended");
    expect<u32>(load<u32>(a - HEADER + size - 4)).toBe(0, "old footer cleared");
    let nonZero: u32 = 0;
    for (let at = b; at < b + size + (128 << 10); at += 4) if (load<u32>(at)) nonZero++;
    expect<u32>(nonZero).toBe(0, "the whole zeroed request reads zero");
    heapFree(b, SITE_TEST);
  });

  // large.ts growLarge: the free large block at the memory's end (takeTop) is taken off the large
  // list to be extended; when the growth is refused it must go back on the list, or it is lost to
  // best fit (and a later merge with it unlinks a block that is on no list).
  it("a refused large growth puts the free top block back on the large list", () => {
    const a = heapAlloc(SITE_TEST, 256 << 10, 16, false);
    expect<usize>(a).not.toBe(0);
    expect<u32>(heapFree(a, SITE_TEST)).toBe(FREED);
    expect<usize>(firstFreeLarge()).toBe(a - HEADER, "the freed block heads the large list");
    // No more growth: the limit is what the heap has taken so far.
    heapConfigure(GROW_EXACT, 1, FOOTPRINT_SEGSTREAM, load<u64>(ROOT_FOOTPRINT), DEFAULT_LARGE_THRESHOLD);
    expect<usize>(heapAlloc(SITE_TEST, 1 << 20, 16, false)).toBe(0, "1 MiB needs growth: refused");
    expect<usize>(firstFreeLarge()).toBe(a - HEADER, "still on the large list after the refusal");
    const c = heapAlloc(SITE_TEST, 200 << 10, 16, false);
    expect<usize>(c).toBe(a, "best fit reuses it without growing");
    heapFree(c, SITE_TEST);
    heapConfigure(GROW_EXACT, 1, FOOTPRINT_SEGSTREAM, 0, DEFAULT_LARGE_THRESHOLD);
  });

  // large.ts takeBestFit: of the free large blocks that fit, the smallest is taken.
  it("best fit: the smallest fitting free large block serves the request", () => {
    const small = heapAlloc(SITE_TEST, 300 << 10, 16, false);
    const sep1 = heapAlloc(SITE_TEST, 130 << 10, 16, false); // live between them: no merging
    const big = heapAlloc(SITE_TEST, 600 << 10, 16, false);
    const sep2 = heapAlloc(SITE_TEST, 130 << 10, 16, false);
    expect<bool>(small != 0 && sep1 != 0 && big != 0 && sep2 != 0).toBe(true);
    expect<u32>(heapFree(small, SITE_TEST)).toBe(FREED);
    expect<u32>(heapFree(big, SITE_TEST)).toBe(FREED);
    const p = heapAlloc(SITE_TEST, 200 << 10, 16, false);
    expect<usize>(p).toBe(small, "the 300 KiB block, not the 600 KiB one");
    const q = heapAlloc(SITE_TEST, 500 << 10, 16, false);
    expect<usize>(q).toBe(big, "only the 600 KiB block fits");
    heapFree(p, SITE_TEST);
    heapFree(q, SITE_TEST);
    heapFree(sep1, SITE_TEST);
    heapFree(sep2, SITE_TEST);
  });
});
