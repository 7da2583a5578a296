// Publication without waiting and the page directory (segmented_stream.ts, directory.ts).
//
// A "stalled writer" is a reservation made the way an appender makes it (a fetch_add on the
// page's cursor) whose slot is not completed until the spec says so (streamComplete): len must stop
// at it while every other append still returns, then jump over everything completed meanwhile.
// Refusals are injected with heapInjectFailure (the n-th allocation from now is refused).

import { heapInjectFailure, heapInjectPending } from "../memory/heap";
import { heapCheck, CHECK_OK } from "../memory/check";
import { SITE_STREAM_DIRECTORY, SITE_TEST } from "../memory/sites";
import { heapAlloc } from "../memory/heap";
import {
  streamNew, streamDrop, streamAppend, streamAppendBatch, streamGet, streamRead, streamLen, streamPageCount,
  streamComplete, streamDirectory, APPEND_FAILED, S_PAGES
} from "../stream/segmented_stream";
import { streamCheck } from "../stream/check";
import { directoryFind, segmentOf, segmentBase, segmentEntries, DIRECTORY_ROOT_SIZE } from "../stream/directory";
import { vecGet } from "../stream/vec";
import { arcData } from "../sync/arc";
import { pageSlot, P_NEXT_INDEX } from "../stream/page";
import { VARIANT_AS_WRITTEN, VARIANT_EXPLICIT_DROP, VARIANT_MOCK, VARIANT_EPOCH_DEFERRED, VARIANT_ARCSWAP } from "../stream/variant";
import { startHeap, Rec } from "./helpers";
import { valueA, valueB, appendBatch, badGets, badRead } from "./stream_helpers";

let report: usize = 0;

beforeAll(() => {
  startHeap();
  report = heapAlloc(SITE_TEST, 24, 8, true);
});

function page(stream: usize, n: u64): usize { return arcData(<usize>vecGet(stream + S_PAGES, n)); }

/** Reserves one slot of `pageAt` as an appender would, and writes it, without completing it. */
function stall(pageAt: usize, index: u64): u64 {
  let got = atomic.add<u64>(pageAt + P_NEXT_INDEX, 1);
  let slot = pageSlot(pageAt, got);
  store<u64>(slot, valueA(index));
  store<u64>(slot, valueB(index), 8);
  return got;
}

const VARIANTS: u32[] = [VARIANT_AS_WRITTEN, VARIANT_EXPLICIT_DROP, VARIANT_MOCK, VARIANT_ARCSWAP];

describe("advance: len moves over completed runs, nobody waits", () => {
  it("a stalled writer stops len at its slot; others' appends (across pages) still return; completing it jumps len", () => {
    for (let v = 0; v < VARIANTS.length; v++) {
      const s = streamNew(VARIANTS[v], 8);
      expect<i64>(streamAppend(s, valueA(0), valueB(0))).toBe(0);
      const slot = stall(page(s, 0), 1); // index 1, reserved and written, not completed
      expect<u64>(slot).toBe(1);
      for (let i: u64 = 2; i < 30; i++) expect<i64>(streamAppend(s, valueA(i), valueB(i))).toBe(<i64>i, "append returns its own index");
      expect<u64>(streamLen(s)).toBe(1, "len stops at the stalled slot");
      expect<u64>(streamPageCount(s)).toBe(4, "the others rolled over three times meanwhile");
      const out = heap.alloc(16);
      expect<bool>(streamGet(s, 1, out)).toBe(false, "the stalled value is not readable");
      heap.free(out);
      expect<u64>(streamComplete(s, page(s, 0), slot, 1)).toBe(1);
      expect<u64>(streamLen(s)).toBe(30, "len jumps over every completed value, across pages");
      expect<i32>(badGets(s, 30)).toBe(0);
      expect<i32>(badRead(s, 0, 30, 30)).toBe(0);
      expect<u32>(streamCheck(report, s, 0)).toBe(CHECK_OK);
      streamDrop(s);
    }
  });

  it("out-of-order completion within and across pages: len moves once a page's reservations are all complete", () => {
    const s = streamNew(VARIANT_EXPLICIT_DROP, 4);
    const p0 = page(s, 0);
    const r0 = stall(p0, 0), r1 = stall(p0, 1), r2 = stall(p0, 2), r3 = stall(p0, 3);
    expect<i64>(streamAppend(s, valueA(4), valueB(4))).toBe(4, "the page is reserved in full: page 1");
    const p1 = page(s, 1);
    const r5 = stall(p1, 5);
    streamComplete(s, p0, r3, 1);
    streamComplete(s, p0, r1, 1);
    expect<u64>(streamLen(s)).toBe(0);
    streamComplete(s, p0, r0, 1);
    expect<u64>(streamLen(s)).toBe(0, "3 of page 0's 4 reservations complete: a count cannot tell which, len waits");
    streamComplete(s, p0, r2, 1);
    // Page 1 has 1 completion of 2 reservations: a count cannot say which, so len stops at its base.
    expect<u64>(streamLen(s)).toBe(4, "page 0 complete: len at page 1's base, behind the stall at 5");
    streamComplete(s, p1, r5, 1);
    expect<u64>(streamLen(s)).toBe(6);
    expect<i32>(badGets(s, 6)).toBe(0);
    expect<u32>(streamCheck(report, s, 0)).toBe(CHECK_OK);
    streamDrop(s);
  });

  it("a batch straddling pages past a stalled slot: returns at once, published whole once the slot completes", () => {
    for (let v = 0; v < VARIANTS.length; v++) {
      const s = streamNew(VARIANTS[v], 8);
      expect<i64>(appendBatch(s, 0, 5)).toBe(0);
      const p0 = page(s, 0);
      const slot = stall(p0, 5);
      expect<i64>(appendBatch(s, 6, 20)).toBe(6, "2 in page 0, 8 in page 1, 8 in page 2, 2 in page 3");
      expect<u64>(streamLen(s)).toBe(5);
      streamComplete(s, p0, slot, 1);
      expect<u64>(streamLen(s)).toBe(26);
      expect<i32>(badRead(s, 0, 26, 26)).toBe(0);
      expect<u32>(streamCheck(report, s, 0)).toBe(CHECK_OK);
      streamDrop(s);
    }
  });
});

describe("the page directory", () => {
  it("is absent for a one-page stream and appears at the first rollover with pages 0 and 1", () => {
    const d0 = Rec.site(SITE_STREAM_DIRECTORY);
    const s = streamNew(VARIANT_AS_WRITTEN, 4);
    expect<i64>(appendBatch(s, 0, 4)).toBe(0);
    expect<usize>(streamDirectory(s)).toBe(0, "one page: no directory");
    expect<u64>(Rec.site(SITE_STREAM_DIRECTORY).requests).toBe(d0.requests);
    expect<i64>(appendBatch(s, 4, 1)).toBe(4);
    const root = streamDirectory(s);
    expect<bool>(root != 0).toBe(true);
    const d1 = Rec.site(SITE_STREAM_DIRECTORY);
    expect<u64>(d1.requests - d0.requests).toBe(2, "the root and segment 0");
    expect<u64>(d1.liveBytes - d0.liveBytes).toBe(<u64>DIRECTORY_ROOT_SIZE + 8, "128 + 2 entries");
    expect<usize>(directoryFind(root, 0)).toBe(page(s, 0));
    expect<usize>(directoryFind(root, 1)).toBe(page(s, 1));
    expect<usize>(directoryFind(root, 2)).toBe(0, "not installed");
    streamDrop(s);
    expect<u64>(Rec.site(SITE_STREAM_DIRECTORY).liveBytes).toBe(d0.liveBytes, "freed at drop");
  });

  it("segment arithmetic: 0 holds pages 0 and 1, k >= 1 holds [2^k, 2^(k+1))", () => {
    expect<u32>(segmentOf(0)).toBe(0);
    expect<u32>(segmentOf(1)).toBe(0);
    expect<u32>(segmentOf(2)).toBe(1);
    expect<u32>(segmentOf(3)).toBe(1);
    expect<u32>(segmentOf(4)).toBe(2);
    expect<u32>(segmentOf(1023)).toBe(9);
    expect<u32>(segmentOf(1024)).toBe(10);
    expect<u32>(segmentBase(0) + segmentEntries(0)).toBe(segmentBase(1));
    for (let k: u32 = 1; k < 31; k++) expect<u32>(segmentBase(k) + segmentEntries(k)).toBe(segmentBase(k + 1));
  });

  it("serves 3,000 one-slot pages in O(1) each, and is freed whole at drop", () => {
    for (let v = 0; v < VARIANTS.length; v++) {
      const d0 = Rec.site(SITE_STREAM_DIRECTORY);
      const s = streamNew(VARIANTS[v], 1);
      for (let i: u64 = 0; i < 3000; i++) streamAppend(s, valueA(i), valueB(i));
      expect<u64>(streamPageCount(s)).toBe(3000);
      expect<u32>(streamCheck(report, s, 0)).toBe(CHECK_OK, "every page entered, segments live");
      // segments 0..11 (page 2,999 is in segment 11): 2 + 2 + 4 + ... + 2048 entries
      let entries: u64 = 0;
      for (let k: u32 = 0; k <= 11; k++) entries += <u64>segmentEntries(k);
      expect<u64>(Rec.site(SITE_STREAM_DIRECTORY).liveBytes - d0.liveBytes).toBe(<u64>DIRECTORY_ROOT_SIZE + entries * 4);
      expect<u64>(Rec.site(SITE_STREAM_DIRECTORY).liveBlocks - d0.liveBlocks).toBe(13, "the root and 12 segments");
      expect<i32>(badGets(s, 3000)).toBe(0);
      expect<i32>(badRead(s, 0, 3000, 3000)).toBe(0);
      streamDrop(s);
      expect<u64>(Rec.site(SITE_STREAM_DIRECTORY).liveBlocks).toBe(d0.liveBlocks);
    }
  });

  it("a refusal at any allocation of any rollover (the directory's too) leaves the stream and the ledger as they were", () => {
    const variants: u32[] = [VARIANT_AS_WRITTEN, VARIANT_EXPLICIT_DROP, VARIANT_MOCK, VARIANT_EPOCH_DEFERRED];
    for (let v = 0; v < variants.length; v++) {
      const s = streamNew(variants[v], 1);
      const dirFailed0 = Rec.site(SITE_STREAM_DIRECTORY).failed;
      let refused = 0;
      for (let i: u64 = 0; i < 40; i++) {
        // the rollover to page i + 1 makes at most 5 allocations (slots, ArcInner, the directory's root and segment, Vec growth)
        for (let n: u32 = 1; n <= 5; n++) {
          if (i == 0) break; // page 0 is the stream's own first slot
          const all0 = Rec.all();
          const len0 = streamLen(s);
          const pages0 = streamPageCount(s);
          const dir0 = streamDirectory(s);
          heapInjectFailure(n);
          const at = streamAppend(s, valueA(i), valueB(i));
          const pending = heapInjectPending();
          heapInjectFailure(0);
          if (at != APPEND_FAILED) {
            expect<u32>(pending).toBeGreaterThan(0, "not refused: fewer allocations than n");
            break;
          }
          refused++;
          expect<u64>(streamLen(s)).toBe(len0, "len unchanged");
          expect<u64>(streamPageCount(s)).toBe(pages0, "no page added");
          expect<usize>(streamDirectory(s)).toBe(dir0, "the directory's root unchanged");
          const all1 = Rec.all();
          expect<u64>(all1.liveBytes).toBe(all0.liveBytes, "ledger balanced: live bytes");
          expect<u64>(all1.liveBlocks).toBe(all0.liveBlocks, "live blocks");
          expect<u32>(streamCheck(report, s, 0)).toBe(CHECK_OK);
          // the failed append reserved the next page's first slot no more than any full-page retry does
        }
        if (streamLen(s) == i) expect<i64>(streamAppend(s, valueA(i), valueB(i))).toBe(<i64>i);
      }
      // the root and segment 0 at page 1, segments 1 to 5 at pages 2, 4, 8, 16 and 32
      expect<u64>(Rec.site(SITE_STREAM_DIRECTORY).failed - dirFailed0).toBe(7, "each directory allocation refused once");
      expect<bool>(refused >= 39 * 2).toBe(true, "each of the 39 rollovers refused at its slots and its ArcInner at least");
      expect<i32>(badGets(s, 40)).toBe(0);
      expect<u32>(streamCheck(report, s, 0)).toBe(CHECK_OK);
      expect<u32>(heapCheck(report, false)).toBe(CHECK_OK);
      streamDrop(s);
    }
  });
});
