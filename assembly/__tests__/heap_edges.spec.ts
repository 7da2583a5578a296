// Edges of the heap's contract (assembly/memory/heap.ts, free.ts, ledger.ts, sites.ts): double frees after
// merges with ZERO blocks, heapFreeZeroed, site ids outside the site table, and requests near the
// largest block size.
//
// Kept apart from heap.spec.ts because a failure here can leave the heap unusable for the rest of
// the instance (a trap inside heapAlloc leaves the heap lock held): the last test must stay last.

import { heapAlloc, heapFree, heapFreeZeroed, heapBlockSize, FREED, FREE_INVALID } from "../memory/heap";
import { SITE_TEST, MAX_SITES } from "../memory/sites";
import { REASON_TOO_LARGE, siteRecord } from "../memory/ledger";
import {
  startHeap, footprint, failureCount, failureEntry, invalidFrees, doubleFrees, largestFreeBlock, PAGE
} from "./helpers";

beforeAll(() => {
  startHeap();
});

describe("heap: second frees after a merge into a ZERO neighbour", () => {
  // binned.ts releaseBlock (through tlsf.ts coalesce): when the freed block merges into a free ZERO block on its left,
  // mergedZero wipes the bytes the merge buries, the freed block's header (check word included)
  // among them: it must, or a zeroed request served from that block would not read zero. So the
  // second free is still refused and logged, but as an invalid free, naming no block.
  // Must run first: it needs the heap's first region, [112-byte padding (ZERO)][p][rest (ZERO)].
  it("plain heapFree: a small dirty block between two fresh ZERO blocks", () => {
    const mem0 = <usize>memory.size();
    const p = heapAlloc(SITE_TEST, 1008, 128, false); // block 1024; 128-aligned: padding on its left
    expect<usize>(p).toBe(mem0 * <usize>PAGE + 128, "first region: padding [start, start + 112), then p");
    memory.fill(p, 0xEE, 1008); // dirty
    expect<u32>(heapFree(p, SITE_TEST)).toBe(FREED);
    const doubles0 = doubleFrees();
    const invalid0 = invalidFrees();
    expect<u32>(heapFree(p, SITE_TEST)).toBe(FREE_INVALID, "second free of the same payload: refused as invalid");
    expect<u64>(doubleFrees()).toBe(doubles0);
    expect<u64>(invalidFrees()).toBe(invalid0 + 1);
  });
});

describe("heap: heapFreeZeroed", () => {
  it("the block rejoins as ZERO: a zeroed request from it clears only links and footer", () => {
    const left = heapAlloc(SITE_TEST, 16, 16, false);
    const p = heapAlloc(SITE_TEST, 200, 16, true); // 224-byte block
    const right = heapAlloc(SITE_TEST, 16, 16, false); // live neighbours: no merging
    expect<usize>(heapBlockSize(p)).toBe(224);
    memory.fill(p, 0, 200); // the caller's promise
    expect<u32>(heapFreeZeroed(p, SITE_TEST)).toBe(FREED);
    // A marker the allocator cannot know about: if the zeroed request below filled the payload,
    // it would be gone. tlsf.ts, zero tracking: a request for zeroed memory served from ZERO blocks "touches nothing".
    store<u8>(p + 100, 0x5A);
    const q = heapAlloc(SITE_TEST, 200, 16, true);
    expect<usize>(q).toBe(p, "same block");
    expect<u64>(load<u64>(q)).toBe(0, "bin links cleared");
    expect<u32>(load<u32>(q + 224 - 16 - 4)).toBe(0, "footer cleared");
    expect<u8>(load<u8>(q + 100)).toBe(0x5A, "the rest was not filled again");
    store<u8>(q + 100, 0);
    heapFree(q, SITE_TEST);
    heapFree(left, SITE_TEST);
    heapFree(right, SITE_TEST);
  });

  // The same as the first test, with heapFreeZeroed (both blocks ZERO: the buried header is wiped).
  it("a second free after a zeroed free that merged left is refused (as an invalid free)", () => {
    memory.grow(1); // new region: a 128-aligned request at its start leaves a ZERO padding block on its left
    const req = largestFreeBlock();
    const mem0 = <usize>memory.size();
    const p = heapAlloc(SITE_TEST, req, 128, true);
    expect<usize>(p).toBe(mem0 * <usize>PAGE + 128, "padding block [start, start + 112) to the left");
    expect<u32>(heapFreeZeroed(p, SITE_TEST)).toBe(FREED);
    const doubles0 = doubleFrees();
    const invalid0 = invalidFrees();
    const r = heapFree(p, SITE_TEST);
    expect<u32>(r).toBe(FREE_INVALID, "second free of the same payload: refused as invalid");
    expect<u64>(doubleFrees()).toBe(doubles0);
    expect<u64>(invalidFrees()).toBe(invalid0 + 1);
  });
});

describe("heap: site ids", () => {
  // sites.ts: "MAX_SITES: Capacity of the ledger's site table; ids at or above it are rejected."
  // A site's record is at siteRecord(site) = SITE_TABLE + site x SITE_RECORD_SIZE (ledger.ts), so a
  // record for an id past the table lands on whatever lies there: id MAX_SITES on LARGE_LOG's first
  // entries, ids near 2^32 wrap below SITE_TABLE, onto the ledger header (0xFFFFFFFE: the event
  // counter, largeCount, failureCount, invalidFrees ...). A rejected id writes nothing there.
  it("a site id at or above MAX_SITES is refused and writes nothing where its record would be", () => {
    const ids: u32[] = [MAX_SITES, 0xFFFF_FFFE, 0xFFFF_FFFF];
    const before = new StaticArray<u64>(16);
    for (let i = 0; i < ids.length; i++) {
      const record = siteRecord(ids[i]);
      for (let w = 0; w < 16; w++) before[w] = load<u64>(record + <usize>w * 8);
      const p = heapAlloc(ids[i], 16, 16, false);
      let changed = 0;
      for (let w = 0; w < 16; w++) if (load<u64>(record + <usize>w * 8) != before[w]) changed++;
      const msg = "site " + ids[i].toString();
      expect<i32>(changed).toBe(0, msg + ": words changed where its record would be");
      expect<usize>(p).toBe(0, msg + ": rejected");
    }
  });
});

describe("heap: the largest block size", () => {
  // MAX_BLOCK is 0xF000_0000. A request of 0xEFFF_FFF0 needs a block of exactly MAX_BLOCK, which
  // passes heapAlloc's `need > MAX_BLOCK` check. 128-aligned, it comes from the bins (aligned
  // requests never take the large-block path), and the bin search rounds need + 128 + 32 up to the
  // next bin boundary, past MAX_BLOCK: searchBlock returns 0 before and after any growth. It must
  // be refused as too large, without growing memory.
  // MUST STAY THE LAST TEST OF THE FILE: today this request grows memory by ~3.9 GiB and then traps
  // inside heapAlloc (carve on block 0), leaving the heap lock held.
  it("a request whose bin-rounded size passes MAX_BLOCK is refused as REASON_TOO_LARGE, nothing grows", () => {
    const failures0 = failureCount();
    const fp0 = footprint();
    const mem0 = memory.size();
    const p = heapAlloc(SITE_TEST, 0xEFFF_FFF0, 128, false);
    const mem1 = memory.size();
    expect<usize>(p).toBe(0, "refused");
    expect<i32>(mem1).toBe(mem0, "memory did not grow");
    expect<u64>(footprint()).toBe(fp0);
    expect<u64>(failureCount()).toBe(failures0 + 1);
    expect<u32>(load<u32>(failureEntry(failures0) + 36)).toBe(REASON_TOO_LARGE);
  });
});
