// SegmentedStream (assembly/stream/segmented_stream.ts) and its four drop variants (variant.ts).
//
// Figures (rust-original.md): slot array of 64 V16 = 1024 bytes; ArcInner<Page<V16>> = 56; the
// Vec<Arc<Page>> buffer is 8 x capacity with capacities 4, 8, 16 (32, 64, 128 bytes). The 64-byte
// SegmentedStream struct itself is a MODEL site (inline in its owner natively), so it is not in the
// Rust-visible totals. A page "costs" 1024 + 56 = 1080 requested bytes in 2 blocks.
//
// Buffers for batch input and read output come from AS's own heap (`heap.alloc`), so they do not
// show up in the segstream ledger the tests measure.

import { GROW_EXACT } from "../memory/heap";
import {
  SITE_ARC_PAGE, SITE_PAGE_SLOTS, SITE_STREAM_PAGES, SITE_STREAM_INLINE, SITE_BOX_PAGE
} from "../memory/sites";
import { BAD_FREE_INVALID } from "../memory/ledger";
import {
  streamNew, streamDrop, streamAppend, streamAppendBatch, streamGet, streamRead, streamLen,
  streamPageCount, streamVariant, STREAM_SIZE
} from "../stream/segmented_stream";
import { vecLen, vecCapacity, vecGet } from "../stream/vec";
import { arcStrong, arcWeak, arcData, arcIntoRaw } from "../sync/arc";
import { pageNo, pageCapacity, P_COMMITTED, P_NEXT } from "../stream/page";
import {
  VARIANT_AS_WRITTEN, VARIANT_EXPLICIT_DROP, VARIANT_BOX_DROP, VARIANT_MOCK
} from "../stream/variant";
import { valueA, valueB, appendRange, appendBatch, badGets, badRead } from "./stream_helpers";
import {
  startHeap, configure, defaultConfig, Rec, largeCount, largeEntry, invalidFrees, doubleFrees, badFreeEntry
} from "./helpers";

// The four variants these specs cover are ids 0..3: AS_WRITTEN, EXPLICIT_DROP, BOX_DROP, MOCK
// (variant.ts). Per-variant tables below are indexed by that id.
const VARIANTS: u32 = 4;

// SegmentedStream layout (segmented_stream.ts): 8 pages Vec (cap +0, ptr +8, len +16) · 32 active_page.
const S_PAGES: usize = 8;
const S_ACTIVE: usize = 32;

beforeAll(() => {
  startHeap();
});

function pageInner(stream: usize, index: u64): usize { return <usize>vecGet(stream + S_PAGES, index); }

describe("SegmentedStream::new", () => {
  it("makes 3 Rust-visible requests (1024, 56, 32) after the 64-byte model-only struct, for every variant", () => {
    for (let v: u32 = 0; v < VARIANTS; v++) {
      configure(GROW_EXACT, 1, 0, 0); // log every request, with its event number
      const large0 = largeCount();
      const rust0 = Rec.rust();
      const all0 = Rec.all();
      const inline0 = Rec.site(SITE_STREAM_INLINE);
      const s = streamNew(v, 64);
      const large1 = largeCount();
      defaultConfig();
      const rust1 = Rec.rust();
      const all1 = Rec.all();
      const inline1 = Rec.site(SITE_STREAM_INLINE);

      expect<bool>(s != 0).toBe(true);
      expect<u64>(rust1.requests - rust0.requests).toBe(3, "Rust-visible requests");
      expect<u64>(rust1.requestedBytes - rust0.requestedBytes).toBe(1112, "1024 + 56 + 32");
      expect<u64>(inline1.requests - inline0.requests).toBe(1, "model-only inline struct");
      expect<u64>(inline1.requestedBytes - inline0.requestedBytes).toBe(<u64>STREAM_SIZE, "64 bytes");
      expect<u64>(all1.requests - all0.requests).toBe(4);
      expect<u64>(all1.requestedBytes - all0.requestedBytes).toBe(1176, "1112 + 64");

      expect<u64>(large1 - large0).toBe(4, "four requests logged");
      const sizes: u64[] = [64, 1024, 56, 32];
      const sites: u32[] = [SITE_STREAM_INLINE, SITE_PAGE_SLOTS, SITE_ARC_PAGE, SITE_STREAM_PAGES];
      for (let i = 0; i < 4; i++) {
        const e = largeEntry(large0 + <u64>i);
        expect<u64>(load<u64>(e + 8)).toBe(sizes[i], "request " + i.toString() + " size");
        expect<u32>(load<u32>(e + 20)).toBe(sites[i], "request " + i.toString() + " site");
        if (i > 0) expect<u64>(load<u64>(e)).toBe(load<u64>(largeEntry(large0 + <u64>i - 1)) + 1, "consecutive events");
      }
      expect<usize>(<usize>load<u32>(largeEntry(large0) + 16)).toBe(s, "the first request is the struct");
      expect<u32>(streamVariant(s)).toBe(v);
      expect<u64>(streamLen(s)).toBe(0);
      expect<u64>(streamPageCount(s)).toBe(1);
      expect<u64>(vecCapacity(s + S_PAGES)).toBe(4, "RawVec's first non-zero capacity");
      streamDrop(s);
    }
  });

  it("the first page's Arc has strong 2 (Vec + active_page) for non-mock variants, 1 for mock", () => {
    for (let v: u32 = 0; v < VARIANTS; v++) {
      const s = streamNew(v, 64);
      const inner = pageInner(s, 0);
      expect<u64>(arcStrong(inner)).toBe(v == VARIANT_MOCK ? 1 : 2, "strong, variant " + v.toString());
      expect<u64>(arcWeak(inner)).toBe(1, "weak");
      // active_page holds Arc::into_raw of the clone: the ArcInner + 16. The mock has none.
      expect<u64>(load<u64>(s + S_ACTIVE)).toBe(v == VARIANT_MOCK ? 0 : <u64>arcIntoRaw(inner), "active_page");
      streamDrop(s);
    }
  });
});

describe("SegmentedStream: appends and pages", () => {
  it("the 65th append rolls over to a second page; get/read see every value across pages", () => {
    for (let v: u32 = 0; v < VARIANTS; v++) {
      const s = streamNew(v, 64);
      const slots0 = Rec.site(SITE_PAGE_SLOTS);
      const arc0 = Rec.site(SITE_ARC_PAGE);
      const vec0 = Rec.site(SITE_STREAM_PAGES);
      expect<bool>(appendRange(s, 0, 64)).toBe(true, "indices 0..63");
      expect<u64>(streamPageCount(s)).toBe(1, "64 values fill exactly one page");
      expect<u64>(Rec.site(SITE_PAGE_SLOTS).requests).toBe(slots0.requests, "no new page yet");
      expect<i64>(streamAppend(s, valueA(64), valueB(64))).toBe(64, "65th value has index 64");
      const slots1 = Rec.site(SITE_PAGE_SLOTS);
      const arc1 = Rec.site(SITE_ARC_PAGE);
      expect<u64>(streamPageCount(s)).toBe(2, "pageCount 2");
      expect<u64>(vecLen(s + S_PAGES)).toBe(2, "Vec length 2");
      expect<u64>(vecCapacity(s + S_PAGES)).toBe(4, "no Vec growth yet");
      expect<u64>(Rec.site(SITE_STREAM_PAGES).requests).toBe(vec0.requests);
      expect<u64>(slots1.requestedBytes - slots0.requestedBytes).toBe(1024, "new slot array");
      expect<u64>(arc1.requestedBytes - arc0.requestedBytes).toBe(56, "new ArcInner");
      expect<u64>(streamLen(s)).toBe(65);

      const page0 = arcData(pageInner(s, 0));
      const page1 = arcData(pageInner(s, 1));
      expect<u32>(pageNo(page1)).toBe(1);
      expect<u64>(pageCapacity(page1)).toBe(64);
      expect<u64>(load<u64>(page0 + P_NEXT)).toBe(<u64>page1, "full page links to the next");
      expect<u32>(load<u32>(page0 + P_COMMITTED)).toBe(64);
      expect<u32>(load<u32>(page1 + P_COMMITTED)).toBe(1);
      if (v != VARIANT_MOCK) expect<u64>(load<u64>(s + S_ACTIVE)).toBe(<u64>page1, "active_page moved");

      expect<i32>(badGets(s, 65)).toBe(0, "get of every value");
      const out = heap.alloc(16);
      expect<bool>(streamGet(s, 65, out)).toBe(false, "index 65 is not published");
      heap.free(out);
      expect<i32>(badRead(s, 0, 65, 65)).toBe(0, "read all");
      expect<i32>(badRead(s, 60, 10, 5)).toBe(0, "read across the page boundary, clipped to len");
      expect<i32>(badRead(s, 65, 3, 0)).toBe(0, "read at len gives nothing");
      streamDrop(s);
    }
  });

  it("Arc strong counts after a rollover follow the variant", () => {
    // [page 0, page 1]: the Vec holds one of each; active_page's raw reference moved to page 1.
    // AS_WRITTEN and BOX_DROP never give page 0's raw reference back; EXPLICIT_DROP does at rollover.
    const expected0: u64[] = [2, 1, 2, 1];
    const expected1: u64[] = [2, 2, 2, 1];
    for (let v: u32 = 0; v < VARIANTS; v++) {
      const s = streamNew(v, 64);
      appendRange(s, 0, 65);
      expect<u64>(arcStrong(pageInner(s, 0))).toBe(expected0[v], "page 0, variant " + v.toString());
      expect<u64>(arcStrong(pageInner(s, 1))).toBe(expected1[v], "page 1, variant " + v.toString());
      streamDrop(s);
    }
  });

  it("the Vec grows 4 -> 8 -> 16: buffer requests of 32, 64, 128 bytes", () => {
    // The baseline is taken before new(): its 32-byte buffer (capacity 4) is the first request.
    const base = Rec.site(SITE_STREAM_PAGES);
    const t = streamNew(VARIANT_EXPLICIT_DROP, 64);
    expect<u64>(Rec.site(SITE_STREAM_PAGES).requests - base.requests).toBe(1, "new() pushes the first page");

    expect<i64>(appendBatch(t, 0, 256)).toBe(0); // 64 x 4: exactly 4 full pages
    let r = Rec.site(SITE_STREAM_PAGES);
    expect<u64>(streamPageCount(t)).toBe(4);
    expect<u64>(vecCapacity(t + S_PAGES)).toBe(4);
    expect<u64>(r.requests - base.requests).toBe(1, "still the first buffer");
    expect<u64>(r.requestedBytes - base.requestedBytes).toBe(32);

    expect<i64>(appendBatch(t, 256, 1)).toBe(256); // page 5: capacity 8
    r = Rec.site(SITE_STREAM_PAGES);
    expect<u64>(streamPageCount(t)).toBe(5);
    expect<u64>(vecCapacity(t + S_PAGES)).toBe(8);
    expect<u64>(r.requests - base.requests).toBe(2);
    expect<u64>(r.requestedBytes - base.requestedBytes).toBe(96, "32 + 64");
    expect<u64>(r.frees - base.frees).toBe(1, "old buffer given back (realloc)");
    expect<u64>(r.liveBytes - base.liveBytes).toBe(64);

    expect<i64>(appendBatch(t, 257, 255)).toBe(257); // 512 values: 8 full pages
    r = Rec.site(SITE_STREAM_PAGES);
    expect<u64>(vecCapacity(t + S_PAGES)).toBe(8, "8 pages fit in capacity 8");
    expect<u64>(r.requests - base.requests).toBe(2);

    expect<i64>(appendBatch(t, 512, 1)).toBe(512); // page 9: capacity 16
    r = Rec.site(SITE_STREAM_PAGES);
    expect<u64>(streamPageCount(t)).toBe(9);
    expect<u64>(vecCapacity(t + S_PAGES)).toBe(16);
    expect<u64>(r.requests - base.requests).toBe(3);
    expect<u64>(r.requestedBytes - base.requestedBytes).toBe(224, "32 + 64 + 128");
    expect<u64>(r.frees - base.frees).toBe(2);
    expect<u64>(r.liveBytes - base.liveBytes).toBe(128);
    expect<i32>(badGets(t, 513)).toBe(0, "pages are copied across Vec growth intact");
    streamDrop(t);
  });

  it("a batch across a page boundary splits into two reservations", () => {
    for (let v: u32 = 0; v < VARIANTS; v++) {
      const s = streamNew(v, 64);
      appendRange(s, 0, 60);
      expect<i64>(appendBatch(s, 60, 10)).toBe(60, "first index of the batch");
      expect<u64>(streamLen(s)).toBe(70);
      expect<u64>(streamPageCount(s)).toBe(2);
      expect<u32>(load<u32>(arcData(pageInner(s, 0)) + P_COMMITTED)).toBe(64, "4 values finished page 0");
      expect<u32>(load<u32>(arcData(pageInner(s, 1)) + P_COMMITTED)).toBe(6, "6 values went to page 1");
      expect<i32>(badGets(s, 70)).toBe(0);
      // A batch spanning several pages at once: 200 = 58 + 64 + 64 + 14.
      expect<i64>(appendBatch(s, 70, 200)).toBe(70);
      expect<u64>(streamLen(s)).toBe(270);
      expect<u64>(streamPageCount(s)).toBe(5, "270 values: 4 full pages + 14");
      expect<i32>(badRead(s, 0, 270, 270)).toBe(0);
      expect<i64>(appendBatch(s, 270, 0)).toBe(270, "an empty batch returns len");
      streamDrop(s);
    }
  });

  it("other page sizes: 16-slot pages roll over at 16", () => {
    const s = streamNew(VARIANT_EXPLICIT_DROP, 16);
    const slots0 = Rec.site(SITE_PAGE_SLOTS);
    appendRange(s, 0, 17);
    expect<u64>(streamPageCount(s)).toBe(2);
    expect<u64>(Rec.site(SITE_PAGE_SLOTS).requestedBytes - slots0.requestedBytes).toBe(256, "16 x 16");
    expect<i32>(badGets(s, 17)).toBe(0);
    streamDrop(s);
  });
});

// What a dropped stream leaves live, in requested bytes and blocks, indexed by variant
// (AS_WRITTEN, EXPLICIT_DROP, BOX_DROP, MOCK).
//   0 appends (1 page):    AS_WRITTEN 1080 in 2 · EXPLICIT 0 · BOX 56 in 1 (the ArcInner) · MOCK 0
//   129 appends (3 pages): AS_WRITTEN 3 x 1080 in 6 · EXPLICIT 0 · MOCK 0
//                          BOX 56 (last page's ArcInner) + 2 x 1080 (earlier pages' raw references are
//                          never given back at rollover, as in AS_WRITTEN) in 5
const LIVE_AFTER_DROP_0: u64[] = [1080, 0, 56, 0];
const BLOCKS_AFTER_DROP_0: u64[] = [2, 0, 1, 0];
const LIVE_AFTER_DROP_3: u64[] = [3240, 0, 2216, 0];
const BLOCKS_AFTER_DROP_3: u64[] = [6, 0, 5, 0];

describe("SegmentedStream drop, per variant", () => {
  it("with no appends", () => {
    for (let v: u32 = 0; v < VARIANTS; v++) {
      const all0 = Rec.all();
      const rust0 = Rec.rust();
      const invalid0 = invalidFrees();
      const doubles0 = doubleFrees();
      const s = streamNew(v, 64);
      streamDrop(s);
      const all1 = Rec.all();
      const rust1 = Rec.rust();
      expect<u64>(all1.liveBytes - all0.liveBytes).toBe(LIVE_AFTER_DROP_0[v], "live bytes left, variant " + v.toString());
      expect<u64>(all1.liveBlocks - all0.liveBlocks).toBe(BLOCKS_AFTER_DROP_0[v], "live blocks left, variant " + v.toString());
      expect<u64>(rust1.liveBytes - rust0.liveBytes).toBe(LIVE_AFTER_DROP_0[v], "all of it Rust-visible");
      expect<u64>(invalidFrees() - invalid0).toBe(v == VARIANT_BOX_DROP ? 1 : 0, "invalid frees, variant " + v.toString());
      expect<u64>(doubleFrees()).toBe(doubles0);
    }
  });

  it("after appends that made 3 pages (129 values)", () => {
    for (let v: u32 = 0; v < VARIANTS; v++) {
      const all0 = Rec.all();
      const invalid0 = invalidFrees();
      const s = streamNew(v, 64);
      appendRange(s, 0, 129);
      expect<u64>(streamPageCount(s)).toBe(3);
      streamDrop(s);
      const all1 = Rec.all();
      expect<u64>(all1.liveBytes - all0.liveBytes).toBe(LIVE_AFTER_DROP_3[v], "live bytes left, variant " + v.toString());
      expect<u64>(all1.liveBlocks - all0.liveBlocks).toBe(BLOCKS_AFTER_DROP_3[v], "live blocks left, variant " + v.toString());
      expect<u64>(invalidFrees() - invalid0).toBe(v == VARIANT_BOX_DROP ? 1 : 0, "one invalid free per drop");
    }
  });

  it("AS_WRITTEN: each leaked page keeps strong 1, its slot array and its ArcInner", () => {
    const arc0 = Rec.site(SITE_ARC_PAGE);
    const slots0 = Rec.site(SITE_PAGE_SLOTS);
    const vec0 = Rec.site(SITE_STREAM_PAGES);
    const inline0 = Rec.site(SITE_STREAM_INLINE);
    const s = streamNew(VARIANT_AS_WRITTEN, 64);
    appendRange(s, 0, 65);
    const inner0 = pageInner(s, 0);
    const inner1 = pageInner(s, 1);
    streamDrop(s);
    expect<u64>(arcStrong(inner0)).toBe(1, "the raw reference active_page once held");
    expect<u64>(arcStrong(inner1)).toBe(1);
    expect<u64>(Rec.site(SITE_ARC_PAGE).liveBytes - arc0.liveBytes).toBe(112, "2 x 56");
    expect<u64>(Rec.site(SITE_PAGE_SLOTS).liveBytes - slots0.liveBytes).toBe(2048, "2 x 1024");
    expect<u64>(Rec.site(SITE_STREAM_PAGES).liveBytes).toBe(vec0.liveBytes, "the Vec buffer is freed");
    expect<u64>(Rec.site(SITE_STREAM_INLINE).liveBytes).toBe(inline0.liveBytes, "the struct is freed");
  });

  it("BOX_DROP: the invalid free is logged at the data pointer, inside the ArcInner it came from", () => {
    const s = streamNew(VARIANT_BOX_DROP, 64);
    const inner = pageInner(s, 0);
    const index = invalidFrees() + doubleFrees();
    const arc0 = Rec.site(SITE_ARC_PAGE);
    const slots0 = Rec.site(SITE_PAGE_SLOTS);
    streamDrop(s);
    const e = badFreeEntry(index);
    expect<u32>(load<u32>(e + 8)).toBe(<u32>(inner + 16), "address: Arc::into_raw pointer");
    expect<u32>(load<u32>(e + 12)).toBe(SITE_BOX_PAGE, "freed by Box<Page>'s drop");
    expect<u32>(load<u32>(e + 16)).toBe(BAD_FREE_INVALID);
    expect<u32>(load<u32>(e + 20)).toBe(SITE_ARC_PAGE, "inside an ArcInner<Page>");
    expect<u32>(load<u32>(e + 24)).toBe(<u32>inner, "whose payload is the ArcInner");
    expect<u64>(arc0.liveBytes - Rec.site(SITE_ARC_PAGE).liveBytes).toBe(0, "ArcInner stays (56 leaked)");
    expect<u64>(slots0.liveBytes - Rec.site(SITE_PAGE_SLOTS).liveBytes).toBe(1024, "Page dropped in place: slots freed");
    expect<u64>(arcStrong(inner)).toBe(1, "the Vec's reference went; the raw one never does");
  });
});
