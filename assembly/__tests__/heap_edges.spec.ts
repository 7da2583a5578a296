// Edges of the heap's contract (assembly/memory/heap.ts, ledger.ts, sites.ts): site ids outside the
// site table, heapFreeZeroed, and requests near the largest block size.
//
// Kept apart from heap.spec.ts because a failure here can leave the heap unusable for the rest of
// the instance (a trap inside heapAlloc leaves the heap lock held): the last test must stay last.

import { heapAlloc, heapFree, heapFreeZeroed, heapBlockSize, FREED, FREE_DOUBLE } from "../memory/heap";
import { SITE_TEST, MAX_SITES } from "../memory/sites";
import { REASON_TOO_LARGE } from "../memory/ledger";
import { LARGE_LOG } from "../memory/layout";
import {
  startHeap, Rec, footprint, events, largeCount, largeThreshold, failureCount, failureEntry, invalidFrees,
  doubleFrees, largestRequestOverall, largestFreeBlock, PAGE
} from "./helpers";

beforeAll(() => {
  startHeap();
});

describe("heap: site ids", () => {
  // sites.ts: "MAX_SITES: Capacity of the ledger's site table; ids at or above it are rejected."
  // The table is SITE_TABLE + site x 80 (ledger.ts siteRecord), so an id past it lands on whatever
  // follows: id 48 is LARGE_LOG's first entries, id 0xFFFFFFFF wraps to LEDGER + 176 (the ledger
  // header: largeThreshold, largeCount, failureCount, invalidFrees ...).
  it("a site id at or above MAX_SITES is refused and writes nothing outside the site table", () => {
    const ids: u32[] = [0xFFFF_FFFF, 48, MAX_SITES];
    for (let i = 0; i < ids.length; i++) {
      const threshold0 = largeThreshold();
      const large0 = largeCount();
      const failures0 = failureCount();
      const invalid0 = invalidFrees();
      const doubles0 = doubleFrees();
      const largeLog0 = load<u64>(LARGE_LOG);
      const largeLog8 = load<u64>(LARGE_LOG + 8);
      const p = heapAlloc(ids[i], 16, 16, false);
      const threshold1 = largeThreshold();
      const large1 = largeCount();
      const failures1 = failureCount();
      const invalid1 = invalidFrees();
      const doubles1 = doubleFrees();
      const largeLog0b = load<u64>(LARGE_LOG);
      const largeLog8b = load<u64>(LARGE_LOG + 8);
      const msg = "site " + ids[i].toString();
      expect<u64>(threshold1).toBe(threshold0, msg + ": ledger largeThreshold untouched");
      expect<u64>(large1).toBe(large0, msg + ": ledger largeCount untouched");
      expect<u64>(failures1).toBe(failures0, msg + ": ledger failureCount untouched");
      expect<u64>(invalid1).toBe(invalid0, msg + ": ledger invalidFrees untouched");
      expect<u64>(doubles1).toBe(doubles0, msg + ": ledger doubleFrees untouched");
      expect<u64>(largeLog0b).toBe(largeLog0, msg + ": LARGE_LOG entry 0 untouched");
      expect<u64>(largeLog8b).toBe(largeLog8, msg + ": LARGE_LOG entry 0 untouched");
      expect<usize>(p).toBe(0, msg + ": rejected");
    }
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
    // it would be gone. heap.ts: a request for zeroed memory served from ZERO blocks "touches nothing".
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

  // heap.ts releaseBlock: "The freed header keeps its check word with FREE set, so a second free of
  // the same address is recognised as a double free." A zeroed free that merges with a ZERO left
  // neighbour wipes that header (mergedZero), so the second free is taken for an invalid one.
  it("a second free after a zeroed free that merged left is still a double free", () => {
    memory.grow(1); // new region: a 128-aligned request at its start leaves a ZERO padding block on its left
    const req = largestFreeBlock();
    const mem0 = <usize>memory.size();
    const p = heapAlloc(SITE_TEST, req, 128, true);
    expect<usize>(p).toBe(mem0 * <usize>PAGE + 128, "padding block [start, start + 112) to the left");
    expect<u32>(heapFreeZeroed(p, SITE_TEST)).toBe(FREED);
    const doubles0 = doubleFrees();
    const invalid0 = invalidFrees();
    const r = heapFree(p, SITE_TEST);
    expect<u32>(r).toBe(FREE_DOUBLE, "second free of the same payload");
    expect<u64>(doubleFrees()).toBe(doubles0 + 1);
    expect<u64>(invalidFrees()).toBe(invalid0);
  });
});

describe("heap: the largest block size", () => {
  // MAX_BLOCK is 0xF000_0000. A request of 0xEFFF_FFF0 needs a block of exactly MAX_BLOCK, which
  // passes heapAlloc's `need > MAX_BLOCK` check; but the TLSF search rounds it up to the next bin
  // boundary, 0xF000_0000 + 2^27 - 1 > MAX_BLOCK, so no search can ever find a block for it.
  // It must be refused as too large, without growing memory.
  // MUST STAY THE LAST TEST OF THE FILE: today this request grows memory by ~3.9 GiB and then traps
  // inside heapAlloc (carve on block 0), leaving the heap lock held.
  it("a request whose bin-rounded size passes MAX_BLOCK is refused as REASON_TOO_LARGE, nothing grows", () => {
    const failures0 = failureCount();
    const fp0 = footprint();
    const mem0 = memory.size();
    const p = heapAlloc(SITE_TEST, 0xEFFF_FFF0, 16, false);
    const mem1 = memory.size();
    expect<usize>(p).toBe(0, "refused");
    expect<i32>(mem1).toBe(mem0, "memory did not grow");
    expect<u64>(footprint()).toBe(fp0);
    expect<u64>(failureCount()).toBe(failures0 + 1);
    expect<u32>(load<u32>(failureEntry(failures0) + 36)).toBe(REASON_TOO_LARGE);
  });
});
