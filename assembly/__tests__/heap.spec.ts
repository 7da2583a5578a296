// The checked TLSF heap (assembly/memory/heap.ts) and its ledger (assembly/memory/ledger.ts).
//
// One wasm instance per spec file, so this file starts from a fresh heap, and the heap persists from
// test to test in declaration order. The tests up to "zeroed requests" free everything they take,
// so they run on one clean region (neighbours are neighbours); the growth tests after them keep
// their blocks. Tests that need "nothing free fits" ask for more than the largest free block (found
// by walking the bins) or more than the whole footprint. Where a growth's
// size depends on whether the heap's top touches the end of memory, the test first calls
// `memory.grow(1)` itself (another user of memory.grow, which heap.ts supports as a new region) so
// the arithmetic is the documented non-adjacent case. No managed allocation (as-pect's `expect`
// allocates) happens between a `memory.size()` reading and the heap call it is compared with.
//
// Figures: block = header 16 + payload, rounded to 16, at least 32 (block.ts "Block layout").

import {
  heapAlloc, heapFree, heapBlockSize,
  GROW_EXACT, GROW_DOUBLE, GROW_CHUNK, FREED, FREE_INVALID, FREE_DOUBLE
} from "../memory/heap";
import { SITE_TEST, SITE_HOST_BUFFER, SITE_NONE } from "../memory/sites";
import { STARTS_PAGES } from "../memory/starts";
import {
  REASON_LIMIT, REASON_TOO_LARGE, BAD_FREE_INVALID, BAD_FREE_DOUBLE, DEFAULT_LARGE_THRESHOLD
} from "../memory/ledger";
import {
  startHeap, configure, defaultConfig, Rec, blockSizeFor, searchSize, pagesFor, pagesForNewRegion, largestFreeBlock,
  footprint, peakFootprint, regions, growths, events, largeCount, largeEntry, failureCount, failureEntry,
  invalidFrees, doubleFrees, badFreeEntry, PAGE, HEADER
} from "./helpers";

beforeAll(() => {
  startHeap();
});

describe("heap: block sizes", () => {
  // First test of the file: the heap is empty, so the first request makes one region and every
  // later one is split off the same top block, back to back.
  it("charges header + 16-rounding + 32 minimum, in heapBlockSize, block headers and the site record", () => {
    const req: u64[] = [0, 1, 16, 17, 24, 32, 33, 56, 100, 1000, 1024, 4096];
    // 16 + req rounded up to 16, at least 32:
    //   0,1,16 -> 32 (minimum) · 17,24,32 -> 48 · 33 -> 64 · 56 (ArcInner<Page>) -> 80 · 100 -> 128
    //   1000 -> 1024 · 1024 (64 slots) -> 1040 · 4096 -> 4112
    const blk: u64[] = [32, 32, 32, 48, 48, 48, 64, 80, 128, 1024, 1040, 4112];
    const ptrs = new StaticArray<usize>(12);
    const site0 = Rec.site(SITE_TEST);
    const all0 = Rec.all();
    const regions0 = regions();
    for (let i = 0; i < 12; i++) ptrs[i] = heapAlloc(SITE_TEST, req[i], 16, false);
    const site1 = Rec.site(SITE_TEST);
    const all1 = Rec.all();

    expect<u32>(regions()).toBe(regions0 + 1, "the first request made the heap's first region");
    for (let i = 0; i < 12; i++) {
      expect<bool>(ptrs[i] != 0).toBe(true, "granted");
      expect<usize>(heapBlockSize(ptrs[i])).toBe(<usize>blk[i], "heapBlockSize");
      expect<u64>(blockSizeFor(req[i])).toBe(blk[i], "documented formula agrees with the table");
      // Block header: 8 requested u32 · 12 site u32 (block.ts "Block layout").
      expect<u32>(load<u32>(ptrs[i] - 8)).toBe(<u32>req[i], "header.requested");
      expect<u32>(load<u32>(ptrs[i] - 4)).toBe(SITE_TEST, "header.site");
      if (i > 0) expect<usize>(ptrs[i] - ptrs[i - 1]).toBe(<usize>blk[i - 1], "split back to back from one top block");
    }
    // Sums: requested 0+1+16+17+24+32+33+56+100+1000+1024+4096 = 6399;
    //       blocks 3*32 + 3*48 + 64 + 80 + 128 + 1024 + 1040 + 4112 = 6688.
    expect<u64>(site1.requests - site0.requests).toBe(12);
    expect<u64>(site1.requestedBytes - site0.requestedBytes).toBe(6399);
    expect<u64>(site1.blockBytes - site0.blockBytes).toBe(6688);
    expect<u64>(site1.liveBytes - site0.liveBytes).toBe(6399);
    expect<u64>(site1.liveBlocks - site0.liveBlocks).toBe(12);
    expect<u64>(site1.liveBlockBytes - site0.liveBlockBytes).toBe(6688);
    expect<u64>(site1.largest).toBe(4096, "largest request of the site");
    expect<u64>(all1.requestedBytes - all0.requestedBytes).toBe(6399, "the all-sites total moves the same");
    expect<u64>(all1.blockBytes - all0.blockBytes).toBe(6688);

    for (let i = 0; i < 12; i++) expect<u32>(heapFree(ptrs[i], SITE_TEST)).toBe(FREED);
    const site2 = Rec.site(SITE_TEST);
    expect<u64>(site2.frees - site1.frees).toBe(12);
    expect<u64>(site2.liveBytes).toBe(site0.liveBytes, "live bytes back where they were");
    expect<u64>(site2.liveBlocks).toBe(site0.liveBlocks);
    expect<u64>(site2.liveBlockBytes).toBe(site0.liveBlockBytes);
    expect<u64>(site2.peakLiveBytes - site0.peakLiveBytes).toBe(6399, "peak kept");
    expect<usize>(heapBlockSize(ptrs[3])).toBe(0, "a freed payload has no block size");
  });
});

describe("heap: alignment", () => {
  it("8, 16 and 128: every payload is a multiple of its alignment, block size unchanged", () => {
    const aligns: u32[] = [8, 16, 128];
    const ptrs = new StaticArray<usize>(15);
    for (let a = 0; a < 3; a++) {
      for (let k = 0; k < 5; k++) ptrs[a * 5 + k] = heapAlloc(SITE_TEST, <u64>(40 + 24 * k), aligns[a], false);
    }
    for (let a = 0; a < 3; a++) {
      for (let k = 0; k < 5; k++) {
        const p = ptrs[a * 5 + k];
        expect<bool>(p != 0).toBe(true);
        expect<usize>(p % <usize>aligns[a]).toBe(0, "payload % align");
        expect<usize>(p & 15).toBe(0, "payloads are always 16-aligned");
        // 40 + 24k -> 56, 80, 104, 128, 152 bytes of payload+header -> 64, 80, 112, 128, 160.
        expect<usize>(heapBlockSize(p)).toBe(<usize>blockSizeFor(<u64>(40 + 24 * k)), "padding is not charged to the block");
        if (k > 0) {
          const q = ptrs[a * 5 + k - 1];
          expect<bool>(p >= q + heapBlockSize(q) || p + heapBlockSize(p) <= q - HEADER).toBe(true, "no overlap");
        }
      }
    }
    for (let i = 0; i < 15; i++) expect<u32>(heapFree(ptrs[i], SITE_TEST)).toBe(FREED);
  });
});

describe("heap: reuse and coalescing", () => {
  it("free then the same request returns the same address", () => {
    const p = heapAlloc(SITE_TEST, 200, 16, false);
    const guard = heapAlloc(SITE_TEST, 200, 16, false); // keeps p's right neighbour live
    expect<usize>(heapBlockSize(p)).toBe(224, "200 + 16 = 216, rounded up to 16 -> 224");
    expect<u32>(heapFree(p, SITE_TEST)).toBe(FREED);
    const q = heapAlloc(SITE_TEST, 200, 16, false);
    expect<usize>(q).toBe(p, "same size, same address");
    heapFree(q, SITE_TEST);
    heapFree(guard, SITE_TEST);
  });

  // Everything earlier in this file was freed and merged back, so these come back to back off one
  // free block (checked). The combined size must be one a TLSF search finds: below 256 bytes bins
  // are exact; 1024 is the first size of its bin, so a search for 1024 stays in that bin.
  it("two freed neighbours merge: their combined size fits at the first address (fl 0, 48 + 80 = 128)", () => {
    const a = heapAlloc(SITE_TEST, 32, 16, false); // 48-byte block
    const b = heapAlloc(SITE_TEST, 64, 16, false); // 80-byte block
    const guard = heapAlloc(SITE_TEST, 16, 16, false);
    expect<usize>(b - a).toBe(48, "a and b are neighbours");
    expect<usize>(guard - b).toBe(80, "b and guard are neighbours");
    expect<u32>(heapFree(a, SITE_TEST)).toBe(FREED);
    expect<u32>(heapFree(b, SITE_TEST)).toBe(FREED);
    const c = heapAlloc(SITE_TEST, 112, 16, false); // 112 + 16 = 128 = 48 + 80
    expect<usize>(c).toBe(a, "the merged block is reused from its start");
    expect<usize>(heapBlockSize(c)).toBe(128);
    heapFree(c, SITE_TEST);
    heapFree(guard, SITE_TEST);
  });

  it("two freed neighbours merge: 512 + 512 = 1024 fits at the first address", () => {
    const a = heapAlloc(SITE_TEST, 496, 16, false); // 512-byte block
    const b = heapAlloc(SITE_TEST, 496, 16, false);
    const guard = heapAlloc(SITE_TEST, 16, 16, false);
    expect<usize>(b - a).toBe(512, "a and b are neighbours");
    expect<usize>(guard - b).toBe(512, "b and guard are neighbours");
    // Free the right one first this time: it merges with nothing, then a absorbs it on the right.
    expect<u32>(heapFree(b, SITE_TEST)).toBe(FREED);
    expect<u32>(heapFree(a, SITE_TEST)).toBe(FREED);
    const c = heapAlloc(SITE_TEST, 1008, 16, false); // 1008 + 16 = 1024
    expect<usize>(c).toBe(a);
    expect<usize>(heapBlockSize(c)).toBe(1024);
    heapFree(c, SITE_TEST);
    heapFree(guard, SITE_TEST);
  });
});

describe("heap: checked frees", () => {
  it("an address 16 bytes into a live block is an invalid free, logged with both sites", () => {
    const p = heapAlloc(SITE_TEST, 64, 16, false);
    memory.fill(p, 0, 64); // nothing inside looks like a header
    const all0 = Rec.all();
    const site0 = Rec.site(SITE_TEST);
    const index = invalidFrees() + doubleFrees();
    const invalid0 = invalidFrees();
    const r = heapFree(p + 16, SITE_HOST_BUFFER);
    const ev = events();
    const all1 = Rec.all();
    const site1 = Rec.site(SITE_TEST);
    expect<u32>(r).toBe(FREE_INVALID);
    expect<u64>(invalidFrees()).toBe(invalid0 + 1);
    const e = badFreeEntry(index);
    expect<u64>(load<u64>(e)).toBe(ev, "event");
    expect<u32>(load<u32>(e + 8)).toBe(<u32>(p + 16), "address freed");
    expect<u32>(load<u32>(e + 12)).toBe(SITE_HOST_BUFFER, "freeing site");
    expect<u32>(load<u32>(e + 16)).toBe(BAD_FREE_INVALID, "kind");
    expect<u32>(load<u32>(e + 20)).toBe(SITE_TEST, "site of the block it points into");
    expect<u32>(load<u32>(e + 24)).toBe(<u32>p, "payload of the block it points into");
    expect<u64>(all1.liveBytes).toBe(all0.liveBytes, "live bytes unchanged");
    expect<u64>(all1.liveBlocks).toBe(all0.liveBlocks);
    expect<u64>(all1.liveBlockBytes).toBe(all0.liveBlockBytes);
    expect<u64>(all1.frees).toBe(all0.frees);
    expect<u64>(site1.liveBytes).toBe(site0.liveBytes);
    expect<usize>(heapBlockSize(p)).toBe(80, "the block is still live");
    expect<u32>(heapFree(p, SITE_TEST)).toBe(FREED, "and can still be freed properly");
  });

  it("an unaligned address (8 into a block) and an address in no block are invalid frees too", () => {
    const p = heapAlloc(SITE_TEST, 64, 16, false);
    memory.fill(p, 0, 64);
    let index = invalidFrees() + doubleFrees();
    expect<u32>(heapFree(p + 8, SITE_HOST_BUFFER)).toBe(FREE_INVALID);
    expect<u32>(load<u32>(badFreeEntry(index) + 24)).toBe(<u32>p, "containing block found");
    index = invalidFrees() + doubleFrees();
    expect<u32>(heapFree(0x8000, SITE_HOST_BUFFER)).toBe(FREE_INVALID, "reserved region: no block");
    expect<u32>(load<u32>(badFreeEntry(index) + 20)).toBe(SITE_NONE, "no block site");
    expect<u32>(load<u32>(badFreeEntry(index) + 24)).toBe(0, "no block address");
    expect<u32>(heapFree(p, SITE_TEST)).toBe(FREED);
  });

  it("a double free is counted, changes nothing, and the neighbours stay allocatable", () => {
    const a = heapAlloc(SITE_TEST, 48, 16, false); // 64-byte blocks
    const b = heapAlloc(SITE_TEST, 48, 16, false);
    const c = heapAlloc(SITE_TEST, 48, 16, false);
    expect<usize>(b - a).toBe(64, "neighbours");
    expect<usize>(c - b).toBe(64, "neighbours");
    expect<u32>(heapFree(b, SITE_TEST)).toBe(FREED);
    const all0 = Rec.all();
    const doubles0 = doubleFrees();
    const index = invalidFrees() + doubleFrees();
    const r = heapFree(b, SITE_HOST_BUFFER);
    const ev = events();
    const all1 = Rec.all();
    expect<u32>(r).toBe(FREE_DOUBLE);
    expect<u64>(doubleFrees()).toBe(doubles0 + 1);
    const e = badFreeEntry(index);
    expect<u64>(load<u64>(e)).toBe(ev);
    expect<u32>(load<u32>(e + 8)).toBe(<u32>b);
    expect<u32>(load<u32>(e + 12)).toBe(SITE_HOST_BUFFER);
    expect<u32>(load<u32>(e + 16)).toBe(BAD_FREE_DOUBLE);
    expect<u32>(load<u32>(e + 20)).toBe(SITE_TEST, "site that allocated the block");
    expect<u32>(load<u32>(e + 24)).toBe(<u32>b);
    expect<u64>(all1.liveBytes).toBe(all0.liveBytes);
    expect<u64>(all1.liveBlocks).toBe(all0.liveBlocks);
    expect<u64>(all1.frees).toBe(all0.frees);
    expect<usize>(heapBlockSize(a)).toBe(64, "left neighbour still live");
    expect<usize>(heapBlockSize(c)).toBe(64, "right neighbour still live");
    // Had b gone into its bin twice, two requests would both get it.
    const x = heapAlloc(SITE_TEST, 48, 16, false);
    const y = heapAlloc(SITE_TEST, 48, 16, false);
    expect<usize>(x).toBe(b, "b is reused once");
    expect<bool>(y != b && y != a && y != c).toBe(true, "and only once");
    expect<u32>(heapFree(a, SITE_TEST)).toBe(FREED);
    expect<u32>(heapFree(c, SITE_TEST)).toBe(FREED);
    expect<u32>(heapFree(x, SITE_TEST)).toBe(FREED);
    expect<u32>(heapFree(y, SITE_TEST)).toBe(FREED);
  });
});

describe("heap: zeroed requests", () => {
  it("a dirty reused block is zero-filled when zeroed, and left alone when not", () => {
    const p = heapAlloc(SITE_TEST, 256, 16, false);
    const guard = heapAlloc(SITE_TEST, 16, 16, false);
    expect<usize>(heapBlockSize(p)).toBe(272, "256 + 16");
    // Live neighbours on both sides (p starts a free block, whose left is never free; the guard is
    // right after it): the freed block merges with nothing, so nothing wipes it on the way.
    expect<usize>(guard - p).toBe(272, "guard is p's right neighbour");
    memory.fill(p, 0xAB, 256);
    heapFree(p, SITE_TEST);
    const q = heapAlloc(SITE_TEST, 256, 16, true);
    expect<usize>(q).toBe(p, "reused");
    let nonZero = 0;
    for (let i: usize = 0; i < 256; i++) if (load<u8>(q + i) != 0) nonZero++;
    expect<i32>(nonZero).toBe(0, "zeroed=true reads back all zero");

    memory.fill(q, 0xCD, 256);
    heapFree(q, SITE_TEST);
    const r = heapAlloc(SITE_TEST, 256, 16, false);
    expect<usize>(r).toBe(p, "reused again");
    // While free, the block held its bin links in payload bytes 0..8 and its footer (its own block
    // address) in the block's last 4 bytes: payload bytes 272 - 16 - 4 = 252..256. The rest
    // is the old pattern: nothing re-zeroed it.
    let kept = 0;
    for (let i: usize = 8; i < 252; i++) if (load<u8>(r + i) == 0xCD) kept++;
    expect<i32>(kept).toBe(244, "bytes 8..252 still hold the pattern");
    expect<u32>(load<u32>(r + 252)).toBe(<u32>(r - 16), "footer left by the free");
    heapFree(r, SITE_TEST);
    heapFree(guard, SITE_TEST);
  });

});

// Growth policies apply to the bins. A request of 128 KiB or more (block >= LARGE_MIN = 131072)
// with the default alignment takes the large-block path instead (a region of its own, exact pages:
// tested under "heap: large blocks"), so the policy tests ask for 128-aligned blocks, which always
// come from the bins whatever their size. For those heapAlloc searches for need + 128 + 32 bytes
// (room to align), and a fresh region's first block is a 112-byte padding block, so the aligned
// payload is region start + 128.
const BIN_ALIGN: u32 = 128;
function binSearch(need: u64): u64 { return need + 128 + 32; }
/** A request (multiple of 128 minus the header) whose block is bigger than every free block. */
function requestPast(bytes: u64): u64 { return ((bytes + 1 + 127) & ~(<u64>127)) - 16; }

describe("heap: growth policies", () => {
  it("GROW_EXACT: a new region takes exactly the pages needed; an adjacent growth extends the top", () => {
    defaultConfig();
    const fp0 = footprint();
    const growths0 = growths();
    const regions0 = regions();
    memory.grow(1); // someone else's page: the heap's top no longer ends memory
    const req1 = requestPast(largestFreeBlock()); // block > every free block: the heap must grow
    const need1 = blockSizeFor(req1); // a multiple of 128
    const mem0 = <u64>memory.size();
    const p1 = heapAlloc(SITE_TEST, req1, BIN_ALIGN, false);
    const mem1 = <u64>memory.size();
    const fp1 = footprint();
    // The new region's tail sentinel now ends memory: the next growth is adjacent and merges with
    // the free top block the first request left, so it needs only searchSize(search2) - rest1 new
    // bytes. Region: [112 padding][need1 block][rest1 free][16 sentinel].
    const rest1 = (mem1 - mem0) * PAGE - HEADER - 112 - need1;
    const req2 = requestPast(max<u64>(largestFreeBlock(), rest1 + PAGE)); // at least a page more than the top
    const need2 = blockSizeFor(req2);
    const p2 = heapAlloc(SITE_TEST, req2, BIN_ALIGN, false);
    const mem2 = <u64>memory.size();
    const fp2 = footprint();

    const pages1 = pagesForNewRegion(binSearch(need1)); // ceil((searchSize(search) + 16) / 65536)
    expect<u64>(mem1 - mem0).toBe(pages1, "memory grew by exactly the pages needed");
    expect<u64>(fp1 - fp0).toBe(pages1 * PAGE, "footprint (root+32) grew by the same");
    expect<usize>(p1).toBe(<usize>(mem0 * PAGE + 128), "the new region starts at the old end of memory");
    expect<bool>(rest1 >= 32).toBe(true, "the first growth left a free top block");
    const pages2 = pagesFor(searchSize(binSearch(need2)) - rest1);
    expect<u64>(mem2 - mem1).toBe(pages2, "adjacent growth counts the free top block");
    expect<u64>(fp2 - fp1).toBe(pages2 * PAGE);
    // The top block starts right after p1's block, at an address = 112 (mod 128): no padding needed.
    expect<usize>(p2).toBe(p1 + <usize>need1, "the merged block starts right after p1's block");
    expect<u32>(regions()).toBe(regions0 + 1, "one new region, then an extension of it");
    expect<u32>(growths()).toBe(growths0 + 2, "two growths (root+52)");
    expect<u64>(peakFootprint()).toBe(fp2);
    // p1 and p2 stay live: freed, they would make one huge free block and inflate later tests.
  });

  it("GROW_CHUNK: grows by whole multiples of the chunk", () => {
    const chunks: u32[] = [3, 4];
    for (let c = 0; c < 2; c++) {
      const chunk = <u64>chunks[c];
      configure(GROW_CHUNK, chunks[c], 0, DEFAULT_LARGE_THRESHOLD);
      // Choose a size whose page count is 1 more than a multiple of the chunk, so rounding shows.
      let req = requestPast(largestFreeBlock());
      while (pagesForNewRegion(binSearch(blockSizeFor(req))) % chunk != 1) req += PAGE;
      const needed = pagesForNewRegion(binSearch(blockSizeFor(req)));
      const wanted = (needed + chunk - 1) / chunk * chunk;
      const fp0 = footprint();
      const growths0 = growths();
      memory.grow(1);
      const mem0 = <u64>memory.size();
      const p = heapAlloc(SITE_TEST, req, BIN_ALIGN, false);
      const mem1 = <u64>memory.size();
      expect<bool>(p != 0).toBe(true);
      expect<u64>(wanted - needed).toBe(chunk - 1, "needed is one past a multiple of the chunk");
      expect<u64>(mem1 - mem0).toBe(wanted, "grew by a whole number of chunks");
      expect<u64>(footprint() - fp0).toBe(wanted * PAGE);
      expect<u32>(growths()).toBe(growths0 + 1);
      expect<usize>(p).toBe(<usize>(mem0 * PAGE + 128));
    }
    defaultConfig();
  });

  it("GROW_DOUBLE: grows by max(memory.size(), needed) pages, as AS's rt/tlsf.ts does (the start map not counted)", () => {
    configure(GROW_DOUBLE, 1, 0, DEFAULT_LARGE_THRESHOLD);
    // (a) a request just past the largest free block: memory.size() is the larger figure.
    const reqA = requestPast(largestFreeBlock());
    const neededA = pagesForNewRegion(binSearch(blockSizeFor(reqA)));
    const fpA = footprint();
    memory.grow(1);
    const memA0 = <u64>memory.size() - STARTS_PAGES;
    const pA = heapAlloc(SITE_TEST, reqA, BIN_ALIGN, false);
    const memA1 = <u64>memory.size() - STARTS_PAGES;
    expect<bool>(pA != 0).toBe(true);
    expect<bool>(memA0 > neededA).toBe(true, "case (a): memory.size() > needed");
    expect<u64>(memA1 - memA0).toBe(memA0, "doubled memory");
    expect<u64>(footprint() - fpA).toBe(memA0 * PAGE);
    // (b) a request larger than all of memory: needed is the larger figure.
    memory.grow(1);
    const memB0 = <u64>memory.size() - STARTS_PAGES;
    const reqB = requestPast(memB0 * PAGE); // > footprint >= every free block
    const neededB = pagesForNewRegion(binSearch(blockSizeFor(reqB)));
    const fpB = footprint();
    const pB = heapAlloc(SITE_TEST, reqB, BIN_ALIGN, false);
    const memB1 = <u64>memory.size() - STARTS_PAGES;
    expect<bool>(pB != 0).toBe(true);
    expect<bool>(neededB > memB0).toBe(true, "case (b): needed > memory.size()");
    expect<u64>(memB1 - memB0).toBe(neededB, "grew by what was needed");
    expect<u64>(footprint() - fpB).toBe(neededB * PAGE);
    defaultConfig();
  });
});

describe("heap: footprint limit", () => {
  it("a request past the limit returns 0, is recorded, and the heap stays usable", () => {
    const fp0 = footprint();
    const limit = fp0 + PAGE; // one more page allowed
    const req = requestPast(fp0 + PAGE); // a block larger than the footprint: far more than one page
    // Threshold = req, so the refused request is also a large one.
    configure(GROW_EXACT, 1, limit, req);
    const site0 = Rec.site(SITE_TEST);
    const all0 = Rec.all();
    const failures0 = failureCount();
    const large0 = largeCount();
    const growths0 = growths();
    memory.grow(1); // non-adjacent: pagesWanted is the documented new-region figure
    const p = heapAlloc(SITE_TEST, req, BIN_ALIGN, false);
    const ev = events();
    const site1 = Rec.site(SITE_TEST);
    const all1 = Rec.all();

    expect<usize>(p).toBe(0, "refused");
    expect<u64>(footprint()).toBe(fp0, "no growth");
    expect<u32>(growths()).toBe(growths0);
    expect<u64>(failureCount()).toBe(failures0 + 1, "ledger failureCount");
    const e = failureEntry(failures0);
    expect<u64>(load<u64>(e)).toBe(ev, "failure event is the latest event");
    expect<u64>(load<u64>(e + 8)).toBe(req, "bytes");
    expect<u64>(load<u64>(e + 16)).toBe(fp0, "footprint at the time");
    expect<u64>(load<u64>(e + 24)).toBe(limit, "limit");
    expect<u32>(load<u32>(e + 32)).toBe(SITE_TEST, "site");
    expect<u32>(load<u32>(e + 36)).toBe(REASON_LIMIT, "reason");
    expect<u32>(load<u32>(e + 40)).toBe(BIN_ALIGN, "align");
    expect<u32>(load<u32>(e + 44)).toBe(<u32>pagesForNewRegion(binSearch(blockSizeFor(req))), "pagesWanted");
    expect<u64>(load<u64>(e + 64 + <usize>SITE_TEST * 8)).toBe(site1.liveBytes, "live bytes of the site at the time");
    expect<u64>(site1.failed - site0.failed).toBe(1, "failed request counted on its site");
    expect<u64>(all1.failed - all0.failed).toBe(1);
    expect<u64>(site1.requests).toBe(site0.requests, "not counted as granted");
    expect<u64>(site1.largest).toBe(max<u64>(site0.largest, req), "largest request counts refused ones");
    expect<u64>(largeCount()).toBe(large0 + 1, "refused large request logged");
    const l = largeEntry(large0);
    expect<u64>(load<u64>(l)).toBe(ev);
    expect<u64>(load<u64>(l + 8)).toBe(req);
    expect<u32>(load<u32>(l + 16)).toBe(0, "no address");
    expect<u32>(load<u32>(l + 20)).toBe(SITE_TEST);
    expect<u32>(load<u32>(l + 24)).toBe(0, "not granted");

    const small = heapAlloc(SITE_TEST, 64, 16, false);
    expect<bool>(small != 0).toBe(true, "a small request still succeeds");
    expect<bool>(footprint() <= limit).toBe(true, "within the limit");
    defaultConfig(); // limit 0: none
    const big = heapAlloc(SITE_TEST, req, BIN_ALIGN, false);
    expect<bool>(big != 0).toBe(true, "raising the limit lets the big one through");
    expect<usize>(heapBlockSize(big)).toBe(<usize>blockSizeFor(req));
    expect<u64>(failureCount()).toBe(failures0 + 1, "no new failure");
    heapFree(small, SITE_TEST);
  });

  it("a policy growth that would pass the limit falls back to exactly the pages needed", () => {
    memory.grow(1);
    const req = requestPast(largestFreeBlock());
    const needed = pagesForNewRegion(binSearch(blockSizeFor(req)));
    const fp0 = footprint();
    const failures0 = failureCount();
    configure(GROW_DOUBLE, 1, fp0 + needed * PAGE, DEFAULT_LARGE_THRESHOLD);
    const mem0 = <u64>memory.size();
    const p = heapAlloc(SITE_TEST, req, BIN_ALIGN, false);
    const mem1 = <u64>memory.size();
    defaultConfig();
    expect<bool>(mem0 > needed).toBe(true, "doubling alone would have taken memory.size() pages");
    expect<bool>(p != 0).toBe(true);
    expect<u64>(mem1 - mem0).toBe(needed, "fell back to exact");
    expect<u64>(footprint()).toBe(fp0 + needed * PAGE, "exactly at the limit");
    expect<u64>(failureCount()).toBe(failures0);
  });

  it("a request over the largest block size is refused as REASON_TOO_LARGE, nothing grows", () => {
    const failures0 = failureCount();
    const fp0 = footprint();
    const req: u64 = 0xF000_0000; // block 0xF000_0010 > MAX_BLOCK (0xF000_0000)
    const p = heapAlloc(SITE_TEST, req, 16, false);
    expect<usize>(p).toBe(0);
    expect<u64>(footprint()).toBe(fp0);
    expect<u64>(failureCount()).toBe(failures0 + 1);
    const e = failureEntry(failures0);
    expect<u32>(load<u32>(e + 36)).toBe(REASON_TOO_LARGE);
    expect<u64>(load<u64>(e + 8)).toBe(req);
    expect<u32>(load<u32>(e + 44)).toBe(0, "no pages wanted");
  });
});

// large.ts (large requests apart): from 128 KiB (a block of LARGE_MIN = 131072 bytes or more) with
// the default alignment, a request gets a region of its own, exactly the pages it needs whatever
// the growth policy, with no tail sentinel; freed, it joins a list only large requests draw from.
let p5: usize = 0;

describe("heap: large blocks", () => {
  it("a large request takes a region of its own of exactly ceil(block / 64 KiB) pages, whatever the policy", () => {
    configure(GROW_DOUBLE, 1, 0, DEFAULT_LARGE_THRESHOLD); // would double memory for a binned growth
    const req: u64 = 200000; // block 200016 -> 4 pages (262144); the 62128 left is under 128 KiB: not split
    const regions0 = regions();
    const growths0 = growths();
    const fp0 = footprint();
    const site0 = Rec.site(SITE_TEST);
    const mem0 = <u64>memory.size();
    const p = heapAlloc(SITE_TEST, req, 16, false);
    const mem1 = <u64>memory.size();
    defaultConfig();
    expect<u64>(mem1 - mem0).toBe(4, "exact pages, not doubled");
    expect<u64>(footprint() - fp0).toBe(4 * PAGE);
    expect<u32>(regions()).toBe(regions0 + 1, "a region of its own");
    expect<u32>(growths()).toBe(growths0 + 1);
    expect<usize>(p).toBe(<usize>(mem0 * PAGE + HEADER), "block at the region's start");
    expect<usize>(heapBlockSize(p)).toBe(<usize>(4 * PAGE), "the whole region (no sentinel, rest too small to split)");
    const site1 = Rec.site(SITE_TEST);
    expect<u64>(site1.requestedBytes - site0.requestedBytes).toBe(req);
    expect<u64>(site1.blockBytes - site0.blockBytes).toBe(4 * PAGE);
  });

  it("a freed large block is found again whole by the next large request, never by small ones", () => {
    const req: u64 = 300000; // block 300016 -> 5 pages
    const p = heapAlloc(SITE_TEST, req, 16, false);
    p5 = p;
    const size = heapBlockSize(p);
    expect<usize>(size).toBe(<usize>(5 * PAGE));
    expect<u32>(heapFree(p, SITE_TEST)).toBe(FREED);
    const fp0 = footprint();
    // Small requests come from the bins, never from the freed large block.
    const smalls = new StaticArray<usize>(8);
    for (let i = 0; i < 8; i++) smalls[i] = heapAlloc(SITE_TEST, 1000, 16, false);
    let inside = 0;
    for (let i = 0; i < 8; i++) if (smalls[i] >= p - 16 && smalls[i] < p - 16 + size) inside++;
    expect<i32>(inside).toBe(0, "no small block inside the freed large block");
    const q = heapAlloc(SITE_TEST, req, 16, false);
    expect<usize>(q).toBe(p, "the large block is reused whole");
    expect<u64>(footprint()).toBe(fp0, "without growing");
    expect<u32>(heapFree(q, SITE_TEST)).toBe(FREED);
    expect<u32>(heapFree(q, SITE_TEST)).toBe(FREE_DOUBLE, "a large block's double free is caught too");
    for (let i = 0; i < 8; i++) heapFree(smalls[i], SITE_TEST);
  });

  // Continues from the test above: the large free list holds just its 5-page block F5 (at p5).
  it("large free blocks: best fit, split only when the rest is large itself, merged again when freed", () => {
    const fp0 = footprint();
    // Blocks of 2 pages (131072 = LARGE_MIN: large):
    const a = heapAlloc(SITE_TEST, 2 * PAGE - 16, 16, false); // F5; rest 3 pages >= 128 KiB: split
    const b = heapAlloc(SITE_TEST, 2 * PAGE - 16, 16, false); // the 3-page rest; 1 page left: not split
    expect<u64>(footprint()).toBe(fp0, "both from the freed large block");
    expect<usize>(a).toBe(p5);
    expect<usize>(heapBlockSize(a)).toBe(<usize>(2 * PAGE), "split: exactly the block asked for");
    expect<usize>(b).toBe(a + <usize>(2 * PAGE), "the split-off rest");
    expect<usize>(heapBlockSize(b)).toBe(<usize>(3 * PAGE), "taken whole: a 1-page rest would be small");
    expect<u32>(heapFree(a, SITE_TEST)).toBe(FREED);
    expect<u32>(heapFree(b, SITE_TEST)).toBe(FREED);
    const c = heapAlloc(SITE_TEST, 5 * PAGE - 16, 16, false);
    expect<usize>(c).toBe(p5, "the two halves merged back into F5");
    expect<usize>(heapBlockSize(c)).toBe(<usize>(5 * PAGE));
    expect<u64>(footprint()).toBe(fp0, "without growing");
    expect<u32>(heapFree(c, SITE_TEST)).toBe(FREED);
  });

  it("a large request no free block fits extends the free large block at the top of memory", () => {
    const top = heapAlloc(SITE_TEST, 6 * PAGE - 16, 16, false); // F5 is too small: a new region, at the top
    const adjacent = top == p5 + <usize>(5 * PAGE); // no binned growth between it and F5
    expect<u32>(heapFree(top, SITE_TEST)).toBe(FREED);
    const free: u64 = adjacent ? 11 * PAGE : 6 * PAGE; // merged with F5 if they touch
    const fp0 = footprint();
    const regions0 = regions();
    const big = heapAlloc(SITE_TEST, 13 * PAGE - 16, 16, false);
    expect<usize>(big).toBe(adjacent ? p5 : top, "the top block, extended");
    expect<u64>(footprint() - fp0).toBe(13 * PAGE - free, "only the missing pages are taken");
    expect<u32>(regions()).toBe(regions0, "no new region");
    expect<u32>(heapFree(big, SITE_TEST)).toBe(FREED);
  });
});

describe("heap: zeroed requests from fresh memory", () => {
  it("a zeroed request from fresh memory clears the links and footer the free block left", () => {
    // Fresh region: a 128-aligned request at its start leaves a 112-byte padding block (fresh,
    // marked ZERO) holding bin links at its payload start and a footer at payload + 92.
    memory.grow(1);
    const req = largestFreeBlock(); // forces a growth
    const mem0 = <u64>memory.size();
    const p = heapAlloc(SITE_TEST, req, 128, false);
    const start = <usize>(mem0 * PAGE);
    expect<usize>(p).toBe(start + 128, "block at region start + 112, payload 128-aligned");
    // The padding block: [start, start + 112); its footer is at start + 108 = payload + 92.
    expect<u32>(load<u32>(start + 108)).toBe(<u32>start, "footer of the padding block");
    const q = heapAlloc(SITE_TEST, 96, 16, true); // 96 + 16 = 112: exactly the padding block
    expect<usize>(q).toBe(start + 16, "served from the padding block");
    let nonZero = 0;
    for (let i: usize = 0; i < 96; i++) if (load<u8>(q + i) != 0) nonZero++;
    expect<i32>(nonZero).toBe(0, "links and footer cleared");
    heapFree(q, SITE_TEST);
  });
});

describe("heap: large-request log", () => {
  it("a request at or above the threshold is logged with size and site; a smaller one is not", () => {
    configure(GROW_EXACT, 1, 0, 4096);
    const count0 = largeCount();
    const p = heapAlloc(SITE_HOST_BUFFER, 4096, 8, false);
    const ev = events();
    const count1 = largeCount();
    const q = heapAlloc(SITE_HOST_BUFFER, 4095, 8, false);
    const count2 = largeCount();
    defaultConfig();
    expect<u64>(count1).toBe(count0 + 1, "4096 >= 4096: logged");
    const e = largeEntry(count0);
    expect<u64>(load<u64>(e)).toBe(ev, "event");
    expect<u64>(load<u64>(e + 8)).toBe(4096, "bytes");
    expect<u32>(load<u32>(e + 16)).toBe(<u32>p, "address");
    expect<u32>(load<u32>(e + 20)).toBe(SITE_HOST_BUFFER, "site");
    expect<u32>(load<u32>(e + 24)).toBe(1, "granted");
    expect<u32>(load<u32>(e + 28)).toBe(8, "align as asked");
    expect<u64>(count2).toBe(count1, "4095 < 4096: not logged");
    heapFree(p, SITE_HOST_BUFFER);
    heapFree(q, SITE_HOST_BUFFER);
  });
});
