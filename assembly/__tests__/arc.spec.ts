// Arc<T> (assembly/sync/arc.ts) and Arc<Page<V16>> (assembly/stream/page.ts).
//
// Figures: ArcInner<T> = 16 (strong u64, weak u64) + size_of T; ArcInner<Page<V16>> = 16 + 40 = 56
// (rust-original.md); the slot array is slots x 16 bytes (V16 = 16), 1024 for 64 slots.

import { heapBlockSize, GROW_EXACT } from "../memory/heap";
import { SITE_TEST, SITE_ARC_PAGE, SITE_PAGE_SLOTS } from "../memory/sites";
import {
  arcAlloc, arcData, arcIntoRaw, arcFromRaw, arcStrong, arcWeak, arcClone, arcReleaseStrong,
  arcReleaseImplicitWeak, ARC_HEADER
} from "../sync/arc";
import {
  pageArcNew, pageArcRelease, pageSlots, pageCapacity, pageNo, pageSlot,
  P_NEXT_INDEX, P_COMMITTED, P_PAGE_NO, P_NEXT, PAGE_SIZE, V16_SIZE
} from "../stream/page";
import { startHeap, configure, defaultConfig, Rec, events, largeCount, largeEntry, footprint } from "./helpers";

beforeAll(() => {
  startHeap();
});

describe("Arc", () => {
  it("arcAlloc requests 16 + size bytes and starts at strong 1, weak 1", () => {
    const site0 = Rec.site(SITE_TEST);
    const inner = arcAlloc(SITE_TEST, 24, 8);
    const site1 = Rec.site(SITE_TEST);
    expect<bool>(inner != 0).toBe(true);
    expect<u64>(site1.requests - site0.requests).toBe(1, "one allocation");
    expect<u64>(site1.requestedBytes - site0.requestedBytes).toBe(40, "16 + 24");
    expect<usize>(heapBlockSize(inner)).toBe(64, "40 + 16 header -> 56 -> 64");
    expect<u64>(arcStrong(inner)).toBe(1);
    expect<u64>(arcWeak(inner)).toBe(1);
    expect<u64>(load<u64>(inner)).toBe(1, "strong at offset 0");
    expect<u64>(load<u64>(inner + 8)).toBe(1, "weak at offset 8");
    expect<bool>(arcReleaseStrong(inner)).toBe(true);
    arcReleaseImplicitWeak(inner, SITE_TEST);
    expect<u64>(Rec.site(SITE_TEST).liveBytes).toBe(site0.liveBytes, "freed");
  });

  it("clone and release move the strong count; only the last release says drop", () => {
    const inner = arcAlloc(SITE_TEST, 8, 8);
    arcClone(inner);
    arcClone(inner);
    expect<u64>(arcStrong(inner)).toBe(3);
    expect<u64>(arcWeak(inner)).toBe(1, "clones do not touch weak");
    expect<bool>(arcReleaseStrong(inner)).toBe(false, "3 -> 2");
    expect<bool>(arcReleaseStrong(inner)).toBe(false, "2 -> 1");
    expect<u64>(arcStrong(inner)).toBe(1);
    expect<bool>(arcReleaseStrong(inner)).toBe(true, "1 -> 0: caller drops T");
    expect<u64>(arcStrong(inner)).toBe(0);
    expect<usize>(heapBlockSize(inner)).toBe(48, "still allocated until the implicit weak goes (16+8+16 -> 48)");
    arcReleaseImplicitWeak(inner, SITE_TEST);
    expect<usize>(heapBlockSize(inner)).toBe(0, "freed");
  });

  it("an outstanding Weak keeps the allocation after the implicit weak is released", () => {
    const inner = arcAlloc(SITE_TEST, 8, 8);
    atomic.add<u64>(inner + 8, 1); // a Weak (Arc::downgrade): weak 2
    expect<bool>(arcReleaseStrong(inner)).toBe(true);
    arcReleaseImplicitWeak(inner, SITE_TEST);
    expect<u64>(arcWeak(inner)).toBe(1);
    expect<usize>(heapBlockSize(inner)).toBe(48, "not freed while a Weak exists");
    arcReleaseImplicitWeak(inner, SITE_TEST); // the Weak's drop
    expect<usize>(heapBlockSize(inner)).toBe(0);
  });

  it("into_raw / from_raw: the data pointer is 16 bytes past the ArcInner", () => {
    const inner = arcAlloc(SITE_TEST, 40, 8);
    expect<usize>(ARC_HEADER).toBe(16);
    expect<usize>(arcIntoRaw(inner) - inner).toBe(16);
    expect<usize>(arcData(inner)).toBe(arcIntoRaw(inner));
    expect<usize>(arcFromRaw(arcIntoRaw(inner))).toBe(inner, "round trip");
    expect<u64>(arcStrong(inner)).toBe(1, "into_raw keeps the reference: no count change");
    expect<usize>(heapBlockSize(arcIntoRaw(inner))).toBe(0, "the data pointer is no block start");
    arcReleaseStrong(inner);
    arcReleaseImplicitWeak(inner, SITE_TEST);
  });

  it("ArcInner with a 128-aligned T is 128-aligned", () => {
    const inner = arcAlloc(SITE_TEST, 624, 128); // Global's ArcInner: 640 bytes, align 128
    expect<usize>(inner % 128).toBe(0);
    expect<u64>(load<u64>(inner - 8) & 0xFFFF_FFFF).toBe(640, "requested 16 + 624 (block header +8)");
    arcReleaseStrong(inner);
    arcReleaseImplicitWeak(inner, SITE_TEST);
  });
});

describe("Arc<Page<V16>>", () => {
  it("pageArcNew(64) requests 1024 (slots) then 56 (ArcInner), in that order", () => {
    // Threshold 0: every request is logged with its event number, so the order is on record.
    configure(GROW_EXACT, 1, 0, 0);
    const large0 = largeCount();
    const ev0 = events();
    const slots0 = Rec.site(SITE_PAGE_SLOTS);
    const arc0 = Rec.site(SITE_ARC_PAGE);
    const inner = pageArcNew(64, 0);
    const large1 = largeCount();
    defaultConfig();
    const slots1 = Rec.site(SITE_PAGE_SLOTS);
    const arc1 = Rec.site(SITE_ARC_PAGE);

    expect<bool>(inner != 0).toBe(true);
    expect<u64>(large1 - large0).toBe(2, "two requests");
    const e0 = largeEntry(large0);
    const e1 = largeEntry(large0 + 1);
    expect<u64>(load<u64>(e0 + 8)).toBe(1024, "first: 64 slots x 16");
    expect<u32>(load<u32>(e0 + 20)).toBe(SITE_PAGE_SLOTS);
    expect<u32>(load<u32>(e0 + 28)).toBe(8, "align of V16");
    expect<u64>(load<u64>(e1 + 8)).toBe(56, "second: ArcInner<Page<V16>> = 16 + 40");
    expect<u32>(load<u32>(e1 + 20)).toBe(SITE_ARC_PAGE);
    expect<u32>(load<u32>(e1 + 28)).toBe(8, "align of Page");
    expect<bool>(load<u64>(e0) < load<u64>(e1)).toBe(true, "slots first (event order)");
    expect<bool>(load<u64>(e0) > ev0).toBe(true);
    expect<u32>(load<u32>(e1 + 16)).toBe(<u32>inner, "the second request is the ArcInner");

    const page = arcData(inner);
    expect<usize>(pageSlots(page)).toBe(<usize>load<u32>(e0 + 16), "slots pointer is the first request");
    expect<u64>(slots1.requestedBytes - slots0.requestedBytes).toBe(1024);
    expect<u64>(arc1.requestedBytes - arc0.requestedBytes).toBe(56);
    expect<usize>(heapBlockSize(inner)).toBe(80, "56 + 16 -> 72 -> 80");
    expect<usize>(heapBlockSize(pageSlots(page))).toBe(1040, "1024 + 16");

    // Page fields (page.ts layout).
    expect<usize>(PAGE_SIZE).toBe(40);
    expect<u64>(load<u64>(page + P_NEXT_INDEX)).toBe(0, "next_index");
    expect<u32>(load<u32>(page + P_COMMITTED)).toBe(0, "committed");
    expect<u32>(load<u32>(page + P_PAGE_NO)).toBe(0, "page_no");
    expect<u64>(load<u64>(page + P_NEXT)).toBe(0, "next");
    expect<u64>(pageCapacity(page)).toBe(64, "slots.len");
    expect<u64>(arcStrong(inner)).toBe(1);
    expect<u64>(arcWeak(inner)).toBe(1);
    pageArcRelease(inner);
  });

  it("pageArcNew with other sizes requests slots x 16", () => {
    const sizes: u32[] = [1, 2, 16, 128, 4096];
    for (let i = 0; i < sizes.length; i++) {
      const slots0 = Rec.site(SITE_PAGE_SLOTS);
      const arc0 = Rec.site(SITE_ARC_PAGE);
      const inner = pageArcNew(sizes[i], 7);
      const slots1 = Rec.site(SITE_PAGE_SLOTS);
      const arc1 = Rec.site(SITE_ARC_PAGE);
      const page = arcData(inner);
      expect<u64>(slots1.requestedBytes - slots0.requestedBytes).toBe(<u64>sizes[i] * 16, "slots x 16");
      expect<u64>(arc1.requestedBytes - arc0.requestedBytes).toBe(56, "ArcInner is 56 whatever the slots");
      expect<u64>(pageCapacity(page)).toBe(<u64>sizes[i]);
      expect<u32>(pageNo(page)).toBe(7);
      expect<usize>(pageSlot(page, 1) - pageSlot(page, 0)).toBe(V16_SIZE);
      pageArcRelease(inner);
    }
  });

  it("the last release frees both: ArcInner live bytes drop by exactly 56, slots by 1024", () => {
    const inner = pageArcNew(64, 0);
    arcClone(inner);
    const all0 = Rec.all();
    const arc0 = Rec.site(SITE_ARC_PAGE);
    const slots0 = Rec.site(SITE_PAGE_SLOTS);
    pageArcRelease(inner); // 2 -> 1: nothing freed
    const all1 = Rec.all();
    expect<u64>(all1.liveBytes).toBe(all0.liveBytes, "not the last reference");
    expect<u64>(arcStrong(inner)).toBe(1);
    pageArcRelease(inner); // 1 -> 0: page dropped (slots freed), then the ArcInner
    const all2 = Rec.all();
    const arc2 = Rec.site(SITE_ARC_PAGE);
    const slots2 = Rec.site(SITE_PAGE_SLOTS);
    expect<u64>(arc0.liveBytes - arc2.liveBytes).toBe(56, "ArcInner<Page> live bytes");
    expect<u64>(arc0.liveBlocks - arc2.liveBlocks).toBe(1);
    expect<u64>(arc0.liveBlockBytes - arc2.liveBlockBytes).toBe(80, "its block");
    expect<u64>(slots0.liveBytes - slots2.liveBytes).toBe(1024);
    expect<u64>(all0.liveBytes - all2.liveBytes).toBe(1080, "1024 + 56");
    expect<u64>(all0.liveBlocks - all2.liveBlocks).toBe(2);
    expect<usize>(heapBlockSize(inner)).toBe(0);
  });

  it("a direct ArcInner<Page> (arcAlloc of 40) frees exactly 56 on its last release", () => {
    const inner = arcAlloc(SITE_ARC_PAGE, 40, 8);
    const live0 = Rec.site(SITE_ARC_PAGE).liveBytes;
    expect<bool>(arcReleaseStrong(inner)).toBe(true);
    arcReleaseImplicitWeak(inner, SITE_ARC_PAGE);
    expect<u64>(live0 - Rec.site(SITE_ARC_PAGE).liveBytes).toBe(56);
  });

  it("a page whose slot array is refused returns 0 and leaves nothing live", () => {
    const all0 = Rec.all();
    configure(GROW_EXACT, 1, footprint(), 1 << 20); // limit = footprint: no growth allowed
    const inner = pageArcNew(1 << 22, 0); // 64 MiB of slots: more than anything free
    defaultConfig();
    const all1 = Rec.all();
    expect<usize>(inner).toBe(0);
    expect<u64>(all1.liveBytes).toBe(all0.liveBytes);
    expect<u64>(all1.failed - all0.failed).toBe(1, "one refused request (the slots); no ArcInner asked for");
    expect<u64>(all1.requests).toBe(all0.requests);
  });
});

describe("Arc: ledger balance", () => {
  it("every Arc test above left no live bytes behind", () => {
    expect<u64>(Rec.site(SITE_ARC_PAGE).liveBytes).toBe(0);
    expect<u64>(Rec.site(SITE_PAGE_SLOTS).liveBytes).toBe(0);
    expect<u64>(Rec.site(SITE_TEST).liveBytes).toBe(0);
  });
});
