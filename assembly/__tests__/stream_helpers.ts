// Values and checks the stream specs share: value i is (valueA(i), valueB(i)), appended one at a
// time or in a batch from an AS-heap buffer (outside the segstream ledger the specs measure), and
// counters of the values get and read return wrong. Not a spec itself.

import { streamAppend, streamAppendBatch, streamGet, streamRead } from "../stream/segmented_stream";

export function valueA(i: u64): u64 { return i; }
export function valueB(i: u64): u64 { return i * 3 + 0x1_0000_0001; }

/** Appends values first .. first+count-1 one at a time; returns false if an index was off. */
export function appendRange(stream: usize, first: u64, count: u64): bool {
  let ok = true;
  for (let i = first; i < first + count; i++) {
    if (streamAppend(stream, valueA(i), valueB(i)) != <i64>i) ok = false;
  }
  return ok;
}

/** Appends values first .. first+count-1 in one batch from an AS-heap buffer; returns the batch's index. */
export function appendBatch(stream: usize, first: u64, count: u64): i64 {
  const buffer = heap.alloc(<usize>count * 16 + 16);
  for (let i: u64 = 0; i < count; i++) {
    store<u64>(buffer + <usize>i * 16, valueA(first + i));
    store<u64>(buffer + <usize>i * 16 + 8, valueB(first + i));
  }
  const at = streamAppendBatch(stream, buffer, count);
  heap.free(buffer);
  return at;
}

/** Number of values in [0, len) that streamGet returns wrong. */
export function badGets(stream: usize, len: u64): i32 {
  const out = heap.alloc(16);
  let bad = 0;
  for (let i: u64 = 0; i < len; i++) {
    if (!streamGet(stream, i, out) || load<u64>(out) != valueA(i) || load<u64>(out, 8) != valueB(i)) bad++;
  }
  heap.free(out);
  return bad;
}

/** Number of values streamRead(start, count) returns wrong, or -1 if it returned the wrong count. */
export function badRead(stream: usize, start: u64, count: u64, expectedCount: u64): i32 {
  const out = heap.alloc(<usize>count * 16 + 16);
  const got = streamRead(stream, start, count, out);
  let bad = 0;
  if (got != expectedCount) bad = -1;
  else {
    for (let i: u64 = 0; i < got; i++) {
      if (load<u64>(out + <usize>i * 16) != valueA(start + i) || load<u64>(out + <usize>i * 16 + 8) != valueB(start + i)) bad++;
    }
  }
  heap.free(out);
  return bad;
}

