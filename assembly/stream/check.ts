// A stream's invariant checker (the heap's is memory/check.ts, whose CheckReport it shares). Exact
// while no thread appends to the stream (a rollover in flight is a legal state it would flag).
//
//   stream   a live SegmentedStream block, or the stream inline at the start of an OptimisedIndex;
//            a known variant; page_slots a power of two and page_shift its log
//   vec      len <= cap; the buffer a live block of cap x 8 bytes (none while cap is 0); len >= 1
//   pages    each element a live ArcInner<Page> whose page_no is its position, whose slot array is
//            a live block of page_slots x 16 bytes, linked to the next page (the last to none);
//            strong count 1 or 2 (the Vec's, and active_page's while it or a deferral holds one)
//   active   active_page is the last page, holding its extra reference (MOCK has none)
//   len      each page's committed (a count of completed slots) is at most its capacity and at
//            most its reserved slots; every page but the last is full and complete; len is the
//            completed slots in all (a quiescent stream has advanced over every completed run)
//   directory absent while the stream has one page; otherwise a live root and, for each page, its
//            segment a live block of the segment's size and its entry the page (directory.ts);
//            no segment past the last page's

import { SITE_STREAM_INLINE, SITE_INDEX_INLINE, SITE_STREAM_PAGES, SITE_ARC_PAGE, SITE_PAGE_SLOTS } from "../memory/sites";
import { report, isLiveBlockOf, CHECK_OK, CHECK_STREAM, CHECK_VEC, CHECK_PAGE, CHECK_ACTIVE, CHECK_LEN } from "../memory/check";
import { arcData, arcStrong, ARC_HEADER } from "../sync/arc";
import { SITE_STREAM_DIRECTORY } from "../memory/sites";
import { STREAM_SIZE, S_PAGES, S_ACTIVE, streamVariant, streamLen, streamPageSlots, streamPageShift, streamDirectory } from "./segmented_stream";
import { PAGE_SIZE, V16_SIZE, P_COMMITTED, P_NEXT, P_NEXT_INDEX, pageNo, pageSlots, pageCapacity } from "./page";
import {
  DIRECTORY_SEGMENTS, DIRECTORY_ROOT_SIZE, directoryFind, directorySegment, directorySegmentBytes, segmentOf
} from "./directory";
import { vecLen, vecCapacity, vecBuffer, vecGet } from "./vec";
import { VARIANT_COUNT, VARIANT_MOCK } from "./variant";

/** Checks the stream at `stream`; `indexBytes` is the size of the index it is inline in (0: none). */
export function streamCheck(out: usize, stream: usize, indexBytes: u64): u32 {
  let owned = indexBytes ? isLiveBlockOf(stream, SITE_INDEX_INLINE, indexBytes) : isLiveBlockOf(stream, SITE_STREAM_INLINE, <u64>STREAM_SIZE);
  if (!owned) return report(out, CHECK_STREAM, stream, indexBytes ? SITE_INDEX_INLINE : SITE_STREAM_INLINE, 0);
  if (streamVariant(stream) >= VARIANT_COUNT || streamPageShift(stream) > 24) {
    return report(out, CHECK_STREAM, stream, VARIANT_COUNT, streamVariant(stream));
  }
  let code = checkVec(out, stream + S_PAGES);
  if (code == CHECK_OK) code = checkPages(out, stream);
  if (code == CHECK_OK) code = checkDirectory(out, stream);
  return code == CHECK_OK ? report(out, CHECK_OK, 0, 0, 0) : code;
}

function checkVec(out: usize, vec: usize): u32 {
  let cap = vecCapacity(vec), len = vecLen(vec);
  if (len == 0 || len > cap) return report(out, CHECK_VEC, vec, cap, len);
  if (!isLiveBlockOf(vecBuffer(vec), SITE_STREAM_PAGES, cap * 8)) return report(out, CHECK_VEC, vecBuffer(vec), cap * 8, 0);
  return CHECK_OK;
}

function checkPages(out: usize, stream: usize): u32 {
  let vec = stream + S_PAGES;
  let count = vecLen(vec);
  let slots = <u64>streamPageSlots(stream);
  let published: u64 = 0;
  for (let i: u64 = 0; i < count; i++) {
    let inner = <usize>vecGet(vec, i);
    let page = arcData(inner);
    let strong = isLiveBlockOf(inner, SITE_ARC_PAGE, <u64>(ARC_HEADER + PAGE_SIZE)) ? arcStrong(inner) : 0;
    if (strong < 1 || strong > 2 || <u64>pageNo(page) != i) return report(out, CHECK_PAGE, inner, i, strong);
    if (pageCapacity(page) != slots || !isLiveBlockOf(pageSlots(page), SITE_PAGE_SLOTS, slots * V16_SIZE)) return report(out, CHECK_PAGE, page, slots, pageCapacity(page));
    let last = i + 1 == count;
    let next = <usize>atomic.load<u64>(page + P_NEXT);
    if (next != (last ? 0 : arcData(<usize>vecGet(vec, i + 1)))) return report(out, CHECK_PAGE, page, i + 1, next);
    let committed = <u64>atomic.load<u32>(page + P_COMMITTED);
    let reserved = min<u64>(atomic.load<u64>(page + P_NEXT_INDEX), slots);
    if (committed > reserved || (!last && committed != slots)) return report(out, CHECK_LEN, page, reserved, committed);
    published += committed;
  }
  if (streamLen(stream) != published) return report(out, CHECK_LEN, stream, published, streamLen(stream));
  return checkActive(out, stream, <usize>vecGet(vec, count - 1));
}

function checkActive(out: usize, stream: usize, lastInner: usize): u32 {
  let active = <usize>atomic.load<u64>(stream + S_ACTIVE);
  if (streamVariant(stream) == VARIANT_MOCK) {
    return active == 0 && arcStrong(lastInner) == 1 ? CHECK_OK : report(out, CHECK_ACTIVE, stream, 0, active);
  }
  if (active != arcData(lastInner) || arcStrong(lastInner) != 2) return report(out, CHECK_ACTIVE, stream, arcData(lastInner), active);
  return CHECK_OK;
}

/** The page directory (directory.ts) against the Vec. */
function checkDirectory(out: usize, stream: usize): u32 {
  let root = streamDirectory(stream);
  let vec = stream + S_PAGES;
  let count = vecLen(vec);
  if (!root) return count == 1 ? CHECK_OK : report(out, CHECK_PAGE, stream, count, 0);
  if (!isLiveBlockOf(root, SITE_STREAM_DIRECTORY, <u64>DIRECTORY_ROOT_SIZE)) return report(out, CHECK_PAGE, root, SITE_STREAM_DIRECTORY, 0);
  let lastSegment = segmentOf(<u32>(count - 1));
  for (let k: u32 = 0; k < DIRECTORY_SEGMENTS; k++) {
    let segment = directorySegment(root, k);
    let wanted = k <= lastSegment;
    if (wanted != (segment != 0)) return report(out, CHECK_PAGE, root, k, segment);
    if (wanted && !isLiveBlockOf(segment, SITE_STREAM_DIRECTORY, directorySegmentBytes(k))) return report(out, CHECK_PAGE, segment, directorySegmentBytes(k), k);
  }
  // every page is entered, and nothing past the last one
  for (let i: u64 = 0; i < count; i++) {
    let page = arcData(<usize>vecGet(vec, i));
    if (directoryFind(root, <u32>i) != page) return report(out, CHECK_PAGE, page, i, directoryFind(root, <u32>i));
  }
  let end = <u64>1 << (lastSegment + 1);
  for (let i = count; i < end; i++) {
    if (directoryFind(root, <u32>i) != 0) return report(out, CHECK_PAGE, root, i, directoryFind(root, <u32>i));
  }
  return CHECK_OK;
}
