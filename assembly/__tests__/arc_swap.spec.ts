// ArcSwap (assembly/sync/arc_swap.ts) and the standalone ArcSwap<Page> (assembly/stream/page_swap.ts).
//
// Figures (rust-original.md "Layouts on x86-64" and the layout comments):
//   ArcInner<Page<V16>> = 16 + 40 = 56 bytes, SITE_ARC_PAGE (page.ts)
//   slot array = slots x 16 (V16), 64 slots -> 1024 bytes, SITE_PAGE_SLOTS (page.ts)
//   the container = 12 bytes (ptr u64 + lock u32), SITE_ARC_SWAP_INLINE, MODEL only (arc_swap.ts)
//   Page::new allocates the slot array first, then the ArcInner (page.ts); pageSwapNew allocates
//   the container before the page (page_swap.ts).
// load_full adds a strong reference; store releases the old one at once; drop releases the
// container's. Reclamation is exact: the last reference's release frees the page there and then.

import { heapAlloc, heapFree, heapBlockSize } from "../memory/heap";
import { ledgerSetThreshold, DEFAULT_LARGE_THRESHOLD } from "../memory/ledger";
import { SITE_ARC_PAGE, SITE_PAGE_SLOTS, SITE_ARC_SWAP_INLINE, SITE_TEST, siteIsRust } from "../memory/sites";
import { arcAlloc, arcIntoRaw, arcFromRaw, arcStrong, arcWeak, arcReleaseStrong, arcReleaseImplicitWeak } from "../sync/arc";
import { arcSwapInit, arcSwapPeek, arcSwapLoadFull, arcSwapSwap, ARC_SWAP_SIZE } from "../sync/arc_swap";
import { pageSwapNew, pageSwapLoadFull, pageSwapStore, pageSwapDrop, pageRelease } from "../stream/page_swap";
import { pageNo, pageSlots, pageCapacity } from "../stream/page";
import { requestedBytes, liveBytes, liveBlocks, frees, rustLive, largeCount, largeEntry, startHeap } from "./helpers";



/** The strong count of the page behind a data pointer (Arc::into_raw / load_full). */
function strongOf(data: usize): u64 { return arcStrong(arcFromRaw(data)); }

beforeAll(() => {
  startHeap();
});

describe("ArcSwap<Page>: new, load_full, release", () => {
  it("pageSwapNew: a 12-byte container, then the slot array (1024) and the ArcInner (56); strong 1", () => {
    const c0 = largeCount();
    ledgerSetThreshold(1); // log every request, in order
    const swap = pageSwapNew(64);
    ledgerSetThreshold(DEFAULT_LARGE_THRESHOLD);
    expect<bool>(swap != 0).toBe(true);
    expect<u64>(largeCount() - c0).toBe(3, "three requests");
    expect<u64>(load<u64>(largeEntry(c0), 8)).toBe(12, "ArcSwap container (model)");
    expect<u32>(load<u32>(largeEntry(c0), 20)).toBe(SITE_ARC_SWAP_INLINE);
    expect<u64>(load<u64>(largeEntry(c0 + 1), 8)).toBe(1024, "64 slots x 16");
    expect<u32>(load<u32>(largeEntry(c0 + 1), 20)).toBe(SITE_PAGE_SLOTS);
    expect<u64>(load<u64>(largeEntry(c0 + 2), 8)).toBe(56, "ArcInner<Page>: 16 + 40");
    expect<u32>(load<u32>(largeEntry(c0 + 2), 20)).toBe(SITE_ARC_PAGE);
    expect<bool>(siteIsRust(SITE_ARC_SWAP_INLINE)).toBe(false, "the container is inline natively");
    expect<usize>(ARC_SWAP_SIZE).toBe(12);

    const data = arcSwapPeek(swap);
    expect<usize>(<usize>load<u32>(largeEntry(c0), 16)).toBe(swap);
    expect<usize>(<usize>load<u32>(largeEntry(c0 + 2), 16) + 16).toBe(data, "the container holds Arc::into_raw: inner + 16");
    expect<usize>(<usize>load<u32>(largeEntry(c0 + 1), 16)).toBe(pageSlots(data));
    expect<u64>(strongOf(data)).toBe(1);
    expect<u64>(arcWeak(arcFromRaw(data))).toBe(1);
    expect<u64>(pageCapacity(data)).toBe(64);
    expect<u32>(pageNo(data)).toBe(0, "Page::new(slots, 0)");
    pageSwapDrop(swap);
  });

  it("load_full adds a strong reference each time; pageRelease gives one back", () => {
    const swap = pageSwapNew(64);
    const data = arcSwapPeek(swap);
    const a = pageSwapLoadFull(swap);
    expect<usize>(a).toBe(data, "the current page");
    expect<u64>(strongOf(data)).toBe(2);
    const b = pageSwapLoadFull(swap);
    expect<usize>(b).toBe(data);
    expect<u64>(strongOf(data)).toBe(3);
    const live0 = liveBytes(SITE_ARC_PAGE);
    pageRelease(a);
    expect<u64>(strongOf(data)).toBe(2);
    pageRelease(b);
    expect<u64>(strongOf(data)).toBe(1, "the container's reference");
    expect<u64>(liveBytes(SITE_ARC_PAGE)).toBe(live0, "nothing freed while the container holds it");
    expect<usize>(arcSwapPeek(swap)).toBe(data);
    pageRelease(0); // a null data pointer is no reference: nothing happens
    expect<u64>(strongOf(data)).toBe(1);
    pageSwapDrop(swap);
  });
});

describe("ArcSwap<Page>: store", () => {
  it("with no other reference, the old page is freed during the store", () => {
    const swap = pageSwapNew(64);
    const old = arcSwapPeek(swap);
    const oldInner = arcFromRaw(old);
    const oldSlots = pageSlots(old);
    const pageLive0 = liveBytes(SITE_ARC_PAGE), slotsLive0 = liveBytes(SITE_PAGE_SLOTS);
    const pageReq0 = requestedBytes(SITE_ARC_PAGE), slotsReq0 = requestedBytes(SITE_PAGE_SLOTS);
    const pageFrees0 = frees(SITE_ARC_PAGE), slotsFrees0 = frees(SITE_PAGE_SLOTS);

    expect<bool>(pageSwapStore(swap, 64, 7)).toBe(true);
    const now = arcSwapPeek(swap);
    expect<bool>(now != old).toBe(true);
    expect<u32>(pageNo(now)).toBe(7, "Page::new(slots, 7)");
    expect<u64>(strongOf(now)).toBe(1);
    // The new page: +56 and +1024 requested; the old one: -56 and -1024 live. Net live: unchanged.
    expect<u64>(requestedBytes(SITE_ARC_PAGE) - pageReq0).toBe(56);
    expect<u64>(requestedBytes(SITE_PAGE_SLOTS) - slotsReq0).toBe(1024);
    expect<u64>(frees(SITE_ARC_PAGE) - pageFrees0).toBe(1, "old ArcInner freed");
    expect<u64>(frees(SITE_PAGE_SLOTS) - slotsFrees0).toBe(1, "old slot array freed");
    expect<u64>(liveBytes(SITE_ARC_PAGE)).toBe(pageLive0, "+56 new - 56 old");
    expect<u64>(liveBytes(SITE_PAGE_SLOTS)).toBe(slotsLive0, "+1024 new - 1024 old");
    expect<usize>(heapBlockSize(oldInner)).toBe(0, "the old ArcInner is no live block");
    expect<usize>(heapBlockSize(oldSlots)).toBe(0, "the old slot array is no live block");
    pageSwapDrop(swap);
  });

  it("a load_full reference keeps the old page alive until pageRelease, which frees exactly 56 + 1024", () => {
    const swap = pageSwapNew(64);
    const held = pageSwapLoadFull(swap);
    expect<u64>(strongOf(held)).toBe(2);
    const pageLive0 = liveBytes(SITE_ARC_PAGE), slotsLive0 = liveBytes(SITE_PAGE_SLOTS);

    expect<bool>(pageSwapStore(swap, 64, 1)).toBe(true);
    expect<u64>(strongOf(held)).toBe(1, "only the reader's reference is left");
    expect<u64>(liveBytes(SITE_ARC_PAGE) - pageLive0).toBe(56, "old and new pages both live");
    expect<u64>(liveBytes(SITE_PAGE_SLOTS) - slotsLive0).toBe(1024);
    // blockSizeFor(56) = (56 + 16 + 15) & ~15 = 80 at least; the slot array 1024 + 16 = 1040 at least.
    expect<bool>(heapBlockSize(arcFromRaw(held)) >= 80).toBe(true, "old ArcInner still a live block");
    expect<bool>(heapBlockSize(pageSlots(held)) >= 1040).toBe(true, "old slot array still a live block");

    const pageLive1 = liveBytes(SITE_ARC_PAGE), slotsLive1 = liveBytes(SITE_PAGE_SLOTS);
    pageRelease(held);
    expect<u64>(pageLive1 - liveBytes(SITE_ARC_PAGE)).toBe(56, "the reader's release frees the ArcInner");
    expect<u64>(slotsLive1 - liveBytes(SITE_PAGE_SLOTS)).toBe(1024, "and the slot array");
    expect<usize>(heapBlockSize(arcFromRaw(held))).toBe(0);
    pageSwapDrop(swap);
  });
});

describe("ArcSwap<Page>: drop", () => {
  it("pageSwapDrop frees the page, its slots and the 12-byte container", () => {
    const live0 = liveBytes(SITE_ARC_PAGE), slots0 = liveBytes(SITE_PAGE_SLOTS), box0 = liveBytes(SITE_ARC_SWAP_INLINE);
    const blocks0 = liveBlocks(SITE_ARC_SWAP_INLINE);
    const rust0 = rustLive();
    const swap = pageSwapNew(64);
    pageSwapStore(swap, 64, 1);
    pageSwapStore(swap, 64, 2);
    expect<u64>(liveBytes(SITE_ARC_SWAP_INLINE) - box0).toBe(12);
    expect<u64>(rustLive() - rust0).toBe(56 + 1024, "one page live (the container is MODEL)");
    pageSwapDrop(swap);
    expect<u64>(liveBytes(SITE_ARC_PAGE)).toBe(live0);
    expect<u64>(liveBytes(SITE_PAGE_SLOTS)).toBe(slots0);
    expect<u64>(liveBytes(SITE_ARC_SWAP_INLINE)).toBe(box0, "container freed");
    expect<u64>(liveBlocks(SITE_ARC_SWAP_INLINE)).toBe(blocks0);
    expect<u64>(rustLive()).toBe(rust0);
    expect<usize>(heapBlockSize(swap)).toBe(0);
  });

  it("a reference held across the drop keeps that page until it is released", () => {
    const live0 = liveBytes(SITE_ARC_PAGE), slots0 = liveBytes(SITE_PAGE_SLOTS), box0 = liveBytes(SITE_ARC_SWAP_INLINE);
    const swap = pageSwapNew(64);
    const held = pageSwapLoadFull(swap);
    pageSwapDrop(swap);
    expect<u64>(liveBytes(SITE_ARC_SWAP_INLINE)).toBe(box0, "container freed");
    expect<u64>(strongOf(held)).toBe(1);
    expect<u64>(liveBytes(SITE_ARC_PAGE) - live0).toBe(56, "page kept by the reader");
    expect<u64>(liveBytes(SITE_PAGE_SLOTS) - slots0).toBe(1024);
    pageRelease(held);
    expect<u64>(liveBytes(SITE_ARC_PAGE)).toBe(live0);
    expect<u64>(liveBytes(SITE_PAGE_SLOTS)).toBe(slots0);
  });
});

describe("ArcSwap<T>: swap", () => {
  it("arcSwapSwap returns the previous pointer and moves references without touching counts", () => {
    const slot = heapAlloc(SITE_TEST, <u64>ARC_SWAP_SIZE, 8, false);
    const first = arcAlloc(SITE_TEST, 8, 8);
    const second = arcAlloc(SITE_TEST, 8, 8);
    arcSwapInit(slot, arcIntoRaw(first));
    expect<u64>(load<u64>(slot)).toBe(<u64>arcIntoRaw(first), "ptr at offset 0");
    expect<u32>(load<u32>(slot, 8)).toBe(0, "lock word at offset 8, unlocked");
    expect<usize>(arcSwapSwap(slot, arcIntoRaw(second))).toBe(arcIntoRaw(first), "previous pointer");
    expect<usize>(arcSwapPeek(slot)).toBe(arcIntoRaw(second));
    expect<u64>(arcStrong(first)).toBe(1, "ownership moved to the caller, count unchanged");
    expect<u64>(arcStrong(second)).toBe(1);
    expect<usize>(arcSwapSwap(slot, 0)).toBe(arcIntoRaw(second));
    expect<usize>(arcSwapPeek(slot)).toBe(0);
    expect<usize>(arcSwapLoadFull(slot)).toBe(0, "load_full of an empty container");
    expect<usize>(arcSwapSwap(slot, 0)).toBe(0);
    expect<u32>(load<u32>(slot, 8)).toBe(0, "lock released after each operation");
    for (let i = 0; i < 2; i++) {
      const inner = i == 0 ? first : second;
      expect<bool>(arcReleaseStrong(inner)).toBe(true);
      arcReleaseImplicitWeak(inner, SITE_TEST);
    }
    heapFree(slot, SITE_TEST);
  });
});
