// Refused allocations in the collector, the stream and the index: each leaves what it touched
// exactly as it was, and nothing deferred is lost. The refusals are injected (heapInjectFailure:
// the n-th allocation from now is refused), so each spec can aim at one request of an operation.

import { heapAlloc, heapInjectFailure, heapInjectPending } from "../memory/heap";
import { heapCheck, CHECK_OK } from "../memory/check";
import { SITE_TEST, SITE_LOCAL, SITE_ARC_PAGE } from "../memory/sites";
import { siteRecord, R_LIVE_BYTES, R_LIVE_BLOCKS, L_ALL } from "../memory/ledger";
import { registerParticipant, currentParticipant, queuedBags } from "../epoch/collector";
import { countFn } from "../epoch/count";
import { bagLen, MAX_OBJECTS } from "../epoch/bag";
import { globalTryAdvance } from "../epoch/global";
import { localPin, localUnpin, localDefer, localCollect, localFlush, localBag, localGlobal, localUnregister, LOCAL_SIZE } from "../epoch/local";
import { epochCheck } from "../epoch/check";
import {
  streamNew, streamDrop, streamAppend, streamGet, streamLen, streamPageCount, APPEND_FAILED
} from "../stream/segmented_stream";
import { streamCheck } from "../stream/check";
import { VARIANT_EPOCH_DEFERRED } from "../stream/variant";
import { indexNew, indexUpsert, indexKeys, indexSlots, indexDrop } from "../index/optimised_index";
import { startHeap } from "./helpers";

function liveBytes(site: u32): u64 { return load<u64>(siteRecord(site) + R_LIVE_BYTES); }
function allLiveBytes(): u64 { return load<u64>(L_ALL + R_LIVE_BYTES); }
function allLiveBlocks(): u64 { return load<u64>(L_ALL + R_LIVE_BLOCKS); }

let report: usize = 0;
let value: usize = 0;

function heapIsSound(): bool { return heapCheck(report, false) == CHECK_OK && epochCheck(report) == CHECK_OK; }
function newCounter(): usize { return heapAlloc(SITE_TEST, 8, 8, true); }
function deferCounts(local: usize, counter: usize, n: u64): void {
  for (let i: u64 = 0; i < n; i++) localDefer(local, countFn(), <u64>counter, 8);
}

/** Lets nothing pinned hold the epoch: two advances expire everything sealed so far. */
function expireAll(local: usize): void {
  globalTryAdvance(localGlobal(local), localBag(local));
  globalTryAdvance(localGlobal(local), localBag(local));
}

beforeAll(() => {
  startHeap();
  report = heapAlloc(SITE_TEST, 24, 8, true);
  value = heapAlloc(SITE_TEST, 16, 8, true);
});

describe("refusals in the collector", () => {
  it("a collect whose room-making push is refused pops nothing; the bag runs at the next collect, once", () => {
    const q = registerParticipant();
    const p = registerParticipant();
    const queued = newCounter();
    const own = newCounter();
    localPin(q);
    deferCounts(q, queued, MAX_OBJECTS + 1); // the 65th defer pushes the full bag: one queued bag
    localUnpin(q);
    expireAll(p);
    deferCounts(p, own, MAX_OBJECTS); // p's bag is full: collecting needs a push first
    const bags0 = queuedBags();
    heapInjectFailure(1);
    expect<bool>(localCollect(p)).toBe(false, "the push was refused");
    expect<u64>(load<u64>(queued)).toBe(0, "the expired bag did not run");
    expect<u64>(queuedBags()).toBe(bags0, "and is still queued");
    expect<u64>(bagLen(localBag(p))).toBe(MAX_OBJECTS, "p's bag untouched");
    expect<bool>(heapIsSound()).toBe(true);
    expect<bool>(localCollect(p)).toBe(true);
    expect<u64>(load<u64>(queued)).toBe(MAX_OBJECTS, "every queued function ran, once");
    localPin(q);
    localFlush(q);
    localUnpin(q);
    localPin(p);
    for (let i = 0; i < 4; i++) localFlush(p);
    localUnpin(p);
    expect<u64>(load<u64>(queued)).toBe(MAX_OBJECTS + 1);
    expect<u64>(load<u64>(own)).toBe(MAX_OBJECTS);
  });

  it("a defer whose push is refused defers nothing and keeps the bag", () => {
    const p = registerParticipant();
    const counter = newCounter();
    localPin(p);
    deferCounts(p, counter, MAX_OBJECTS);
    heapInjectFailure(1);
    expect<bool>(localDefer(p, countFn(), <u64>counter, 8)).toBe(false);
    expect<u64>(bagLen(localBag(p))).toBe(MAX_OBJECTS);
    expect<bool>(localDefer(p, countFn(), <u64>counter, 8)).toBe(true, "the retry pushes and defers");
    localUnpin(p);
    expect<bool>(heapIsSound()).toBe(true);
  });

  it("unregister sends the bag to the queue; its functions run, and a later collect frees the Local", () => {
    const p = registerParticipant();
    const d = registerParticipant();
    const counter = newCounter();
    localPin(p); // its first pin collects: the bag may also hold the queue nodes that collect retired
    deferCounts(p, counter, 3);
    localUnpin(p);
    const bag0 = bagLen(localBag(p));
    const locals0 = liveBytes(SITE_LOCAL);
    const bags0 = queuedBags();
    heapInjectFailure(1);
    expect<bool>(localUnregister(p)).toBe(false, "the push was refused: still registered");
    expect<u64>(bagLen(localBag(p))).toBe(bag0);
    expect<bool>(localUnregister(p)).toBe(true);
    expect<u64>(queuedBags()).toBe(bags0 + 1, "the bag went to the queue");
    for (let i = 0; i < 8; i++) {
      localPin(d);
      localFlush(d);
      localUnpin(d);
    }
    expect<u64>(load<u64>(counter)).toBe(3, "nothing it deferred was stranded");
    expect<u64>(liveBytes(SITE_LOCAL)).toBe(locals0 - <u64>LOCAL_SIZE, "its Local was unlinked and freed");
    expect<bool>(heapIsSound()).toBe(true);
  });
});

describe("refusals in the stream and the index", () => {
  it("an epoch-deferred rollover refused at any of its requests leaves the stream exactly as it was", () => {
    const stream = streamNew(VARIANT_EPOCH_DEFERRED, 4);
    for (let i: u64 = 0; i < 4; i++) streamAppend(stream, i, i * 10);
    const live0 = allLiveBytes(), blocks0 = allLiveBlocks();
    let refusals = 0;
    for (let k: u32 = 1; ; k++) {
      heapInjectFailure(k);
      let at = streamAppend(stream, 4, 40);
      let armed = heapInjectPending() != 0;
      heapInjectFailure(0);
      if (at != APPEND_FAILED) {
        expect<bool>(armed).toBe(true, "it succeeded only once it needed fewer than k requests");
        expect<i64>(at).toBe(4);
        break;
      }
      refusals++;
      expect<u64>(streamPageCount(stream)).toBe(1, "no page added");
      expect<u64>(streamLen(stream)).toBe(4);
      expect<u64>(allLiveBytes()).toBe(live0, "nothing leaked");
      expect<u64>(allLiveBlocks()).toBe(blocks0);
      expect<u32>(streamCheck(report, stream, 0)).toBe(CHECK_OK);
      expect<bool>(heapIsSound()).toBe(true);
    }
    expect<bool>(refusals >= 2).toBe(true, "the page's slots and ArcInner at least");
    for (let i: u64 = 0; i < 5; i++) {
      expect<bool>(streamGet(stream, i, value)).toBe(true);
      expect<u64>(load<u64>(value)).toBe(i);
      expect<u64>(load<u64>(value, 8)).toBe(i * 10);
    }
    expect<u64>(streamPageCount(stream)).toBe(2);
    expect<bool>(streamDrop(stream)).toBe(true);
  });

  it("an epoch-deferred drop whose pin is refused changes nothing, and can be retried", () => {
    const stream = streamNew(VARIANT_EPOCH_DEFERRED, 4);
    streamAppend(stream, 1, 2);
    const pages0 = liveBytes(SITE_ARC_PAGE);
    // Fill this thread's bag, so the drop's pin must push it (one request) before it can defer.
    const me = currentParticipant();
    localPin(me);
    deferCounts(me, newCounter(), MAX_OBJECTS - bagLen(localBag(me)));
    localUnpin(me);
    heapInjectFailure(1);
    expect<bool>(streamDrop(stream)).toBe(false, "the push was refused");
    heapInjectFailure(0);
    expect<u32>(streamCheck(report, stream, 0)).toBe(CHECK_OK, "the stream is whole");
    expect<u64>(liveBytes(SITE_ARC_PAGE)).toBe(pages0);
    expect<bool>(heapIsSound()).toBe(true);
    expect<bool>(streamDrop(stream)).toBe(true, "the retry drops it");
  });

  it("an upsert refused at the table's growth leaves the index as it was", () => {
    const index = indexNew(0, 0, 1, 64); // no table yet: the first upsert must grow it
    heapInjectFailure(1);
    expect<i64>(indexUpsert(index, 7, 70)).toBe(APPEND_FAILED);
    heapInjectFailure(0);
    expect<u64>(indexKeys(index)).toBe(0);
    expect<u64>(indexSlots(index)).toBe(0, "no table");
    expect<u64>(streamLen(index)).toBe(0, "and no value in the stream (inline at the index's start)");
    expect<i64>(indexUpsert(index, 7, 70)).toBe(0);
    expect<u64>(indexKeys(index)).toBe(1);
    expect<bool>(indexDrop(index)).toBe(true);
    expect<bool>(heapIsSound()).toBe(true);
  });
});
