// Epoch-based reclamation (assembly/epoch/*): the model of crossbeam-epoch 0.9.
//
// Figures (rust-original.md "crossbeam-epoch 0.9.20 behaviour", and the layout comments):
//   Node<SealedBag> = 2072 bytes (queue.ts: SealedBag 2064 + next 8), align 8, SITE_QUEUE_NODE
//   ArcInner<Global> = 640 bytes, align 128 (global.ts), SITE_ARC_GLOBAL
//   Local = 2304 bytes, align 128 (local.ts), SITE_LOCAL
//   Deferred = 32 bytes, 24 of them captured data inline (deferred.ts); Bag = 64 Deferreds (bag.ts)
//   Epoch words: data = (epoch << 1) | pinned (epoch.ts), so one epoch step adds 2 to the data.
//
// This file is one wasm instance: the heap and the default collector (EPOCH_ROOT) start fresh, and
// the tests run in order over the same collector, so the first test sees the first registration.

import { heapInit, heapAlloc, heapBlockSize } from "../memory/heap";
import { ledgerSetThreshold, DEFAULT_LARGE_THRESHOLD } from "../memory/ledger";
import {
  SITE_QUEUE_NODE, SITE_ARC_GLOBAL, SITE_LOCAL, SITE_DEFERRED_BOX, SITE_TEST
} from "../memory/sites";
import { arcStrong, arcWeak } from "../sync/arc";
import {
  registerParticipant, existingCollector, currentParticipant, pendingDeferred, queuedBags, queueSnapshot
} from "../epoch/collector";
import { epochPinned, epochIsPinned, epochDistance } from "../epoch/epoch";
import { freeQueueNodeFn, runBoxedFn, deferredInnerFn, deferredIndex, DeferredFn } from "../epoch/deferred";
import { countFn, runCountNow } from "../epoch/count";
import { bagLen, bagSlot, sealedIsExpired, sealedBag, PENDING_USER, PENDING_NODE_FREES } from "../epoch/bag";
import { globalEpoch, globalTryAdvance, firstLocal, nextLocal, queueHead, queueTail } from "../epoch/global";
import {
  localPin, localUnpin, localDefer, localCollect, localFlush, localBag, localGlobal, localGuardCount,
  localPinCount, localEpoch
} from "../epoch/local";
import { nodeNext, nodeData } from "../epoch/queue";
import { epochCheck } from "../epoch/check";
import { CHECK_OK, CHECK_DEFERRED, CHECK_QUEUE, CHECK_REPORT_SIZE } from "../memory/check";
import { requests, requestedBytes, liveBytes, frees, allRequests, events, largeCount, largeEntry, startHeap } from "./helpers";



/** Log every request (threshold 1 byte) / back to the default 1 MiB threshold heapInit sets. */
function logEverything(): void { ledgerSetThreshold(1); }
function logDefault(): void { ledgerSetThreshold(DEFAULT_LARGE_THRESHOLD); }

/** A fresh u64 counter for the count item (SITE_TEST, zeroed). */
function newCounter(): usize { return heapAlloc(SITE_TEST, 8, 8, true); }

/** A participant whose first (collecting) pin is already behind it: its pin count is 1. */
function warmParticipant(): usize {
  let local = registerParticipant();
  localPin(local);
  localUnpin(local);
  return local;
}

/** Deferred slot `i` of a participant's bag: call u64 (a function table index) at 0, word u64 at 8 (deferred.ts). */
function slotCall(local: usize, i: u64): u64 { return load<u64>(bagSlot(localBag(local), i)); }
function slotWord(local: usize, i: u64): u64 { return load<u64>(bagSlot(localBag(local), i), 8); }

/**
 * Empties the garbage queue: a participant of its own collects until nothing is queued (every
 * queued bag expires within two steps while nobody is pinned). The old sentinels it retires wait in
 * the drainer's own bag, which is never pushed here. Returns the bags left (0 expected).
 */
function drain(): u64 {
  if (!drainer) drainer = registerParticipant();
  for (let i = 0; i < 16 && queuedBags() != 0; i++) localCollect(drainer);
  return queuedBags();
}

/** A client's deferred function, unknown to the collector: adds 10 to the u64 at `counter`. */
function addTen(counter: u64): void { store<u64>(<usize>counter, load<u64>(<usize>counter) + 10); }
// @ts-ignore: decorator
@inline const ADD_TEN: DeferredFn = addTen;

let checkOut: usize = 0; // SITE_TEST CheckReport for epochCheck
let drainer: usize = 0;
let first: usize = 0;   // the first participant ever registered in this instance
let scratch: usize = 0; // SITE_TEST buffer for queueSnapshot / sealed bags

beforeAll(() => {
  startHeap();
});

describe("epoch: registration", () => {
  it("the first registerParticipant makes exactly 2072 (node), 640 (Global), 2304 (Local), in that order", () => {
    expect<usize>(existingCollector()).toBe(0, "no collector before the first registration");
    const count0 = largeCount();
    const all0 = allRequests();
    logEverything();
    first = registerParticipant();
    logDefault();
    const global = existingCollector();
    expect<bool>(first != 0).toBe(true);
    expect<bool>(global != 0).toBe(true);

    // Exactly three requests, all logged (threshold 1), oldest first.
    expect<u64>(allRequests() - all0).toBe(3, "three allocations in all");
    expect<u64>(largeCount() - count0).toBe(3, "three log entries");
    const e0 = largeEntry(count0), e1 = largeEntry(count0 + 1), e2 = largeEntry(count0 + 2);
    // 1. Global::new -> Queue::new: the sentinel Node<SealedBag>, 2072 bytes, align 8.
    expect<u64>(load<u64>(e0, 8)).toBe(2072, "1st: Node<SealedBag>");
    expect<u32>(load<u32>(e0, 20)).toBe(SITE_QUEUE_NODE);
    expect<u32>(load<u32>(e0, 28)).toBe(8);
    // 2. Arc::new(Global): ArcInner<Global>, 640 bytes, align 128.
    expect<u64>(load<u64>(e1, 8)).toBe(640, "2nd: ArcInner<Global>");
    expect<u32>(load<u32>(e1, 20)).toBe(SITE_ARC_GLOBAL);
    expect<u32>(load<u32>(e1, 28)).toBe(128);
    // 3. Collector::register: Local, 2304 bytes, align 128.
    expect<u64>(load<u64>(e2, 8)).toBe(2304, "3rd: Local");
    expect<u32>(load<u32>(e2, 20)).toBe(SITE_LOCAL);
    expect<u32>(load<u32>(e2, 28)).toBe(128);
    expect<bool>(load<u64>(e0) < load<u64>(e1) && load<u64>(e1) < load<u64>(e2)).toBe(true, "event order");

    // The logged addresses are the objects the collector uses.
    const sentinel = <usize>load<u64>(queueHead(global));
    expect<usize>(<usize>load<u32>(e0, 16)).toBe(sentinel, "sentinel address");
    expect<usize>(<usize>load<u32>(e1, 16)).toBe(global, "ArcInner<Global> address");
    expect<usize>(<usize>load<u32>(e2, 16)).toBe(first, "Local address");

    // Addresses on this fresh heap (block.ts block layout: 16-byte header; a 128-aligned request
    // carves a padding block of >= 32 bytes in front). The first region starts at a page boundary S:
    //   sentinel block S, 2072 + 16 = 2088 -> 2096 bytes; payload S + 16
    //   Global: the rest starts at S + 2096; payload must be 128-aligned: (S+2096+16+127) & ~127
    //           = S + 2176 (17 x 128); padding 2176 - 16 - 2096 = 64 >= 32, block S + 2160 (656 bytes)
    //   Local:  the rest starts at S + 2160 + 656 = S + 2816; (S+2816+16+127) & ~127 = S + 2944
    //           (23 x 128); padding 2944 - 16 - 2816 = 112; payload S + 2944
    expect<usize>(global - sentinel).toBe(2176 - 16);
    expect<usize>(first - sentinel).toBe(2944 - 16);
    expect<usize>(global & 127).toBe(0, "Global 128-aligned");
    expect<usize>(first & 127).toBe(0, "Local 128-aligned");

    // Ledger site records agree.
    expect<u64>(requestedBytes(SITE_QUEUE_NODE)).toBe(2072);
    expect<u64>(requestedBytes(SITE_ARC_GLOBAL)).toBe(640);
    expect<u64>(requestedBytes(SITE_LOCAL)).toBe(2304);
    expect<u64>(requestedBytes(SITE_QUEUE_NODE) + requestedBytes(SITE_ARC_GLOBAL) + requestedBytes(SITE_LOCAL))
      .toBe(5016, "rust-original.md: 5016 bytes on the first pin");

    // State: the Local holds a clone of Arc<Global>; the queue is just the sentinel; epoch 0.
    expect<u64>(arcStrong(global)).toBe(2, "the collector's reference + the participant's");
    expect<u64>(arcWeak(global)).toBe(1);
    expect<usize>(localGlobal(first)).toBe(global);
    expect<usize>(firstLocal(global)).toBe(first);
    expect<usize>(nextLocal(first)).toBe(0);
    expect<usize>(<usize>load<u64>(queueTail(global))).toBe(sentinel);
    expect<usize>(nodeNext(sentinel)).toBe(0);
    expect<u64>(globalEpoch(global)).toBe(0);
    expect<u64>(localEpoch(first)).toBe(0, "Epoch::starting(): unpinned");
    expect<u64>(localGuardCount(first)).toBe(0);
    expect<u64>(localPinCount(first)).toBe(0);
    expect<u64>(bagLen(localBag(first))).toBe(0);
  });

  it("a later registration makes one 2304-byte Local only and joins the head of the list", () => {
    const global = existingCollector();
    const all0 = allRequests();
    const local0 = requests(SITE_LOCAL);
    const second = registerParticipant();
    expect<u64>(allRequests() - all0).toBe(1);
    expect<u64>(requests(SITE_LOCAL) - local0).toBe(1);
    expect<usize>(heapBlockSize(second)).toBe(2320, "2304 + 16 header");
    expect<usize>(second & 127).toBe(0);
    expect<usize>(firstLocal(global)).toBe(second, "List::insert pushes at the head");
    expect<usize>(nextLocal(second)).toBe(first);
    expect<u64>(arcStrong(global)).toBe(3);
  });

  it("currentParticipant registers once and then returns the same participant", () => {
    const local0 = requests(SITE_LOCAL);
    const mine = currentParticipant();
    expect<u64>(requests(SITE_LOCAL) - local0).toBe(1);
    expect<usize>(currentParticipant()).toBe(mine);
    expect<u64>(requests(SITE_LOCAL) - local0).toBe(1, "no second registration");
  });
});

describe("epoch: try_advance", () => {
  it("advances when nobody or only current-epoch participants are pinned; an older pin blocks", () => {
    const global = existingCollector();
    const a = warmParticipant();
    const b = warmParticipant();
    // Every participant is unpinned now: they never block.
    let e = globalEpoch(global);
    expect<u64>(globalTryAdvance(global, localBag(a))).toBe(e + 2, "nobody pinned: E -> E+1");
    expect<u64>(globalEpoch(global)).toBe(e + 2);
    e += 2;

    expect<bool>(localPin(a)).toBe(true); // pin count 1: no collect
    expect<u64>(globalEpoch(global)).toBe(e, "a pin that does not collect leaves the epoch alone");
    expect<u64>(localEpoch(a)).toBe(epochPinned(e), "a pinned in the current epoch, pinned bit set");
    expect<u64>(localEpoch(a)).toBe(e | 1);
    expect<u64>(globalTryAdvance(global, localBag(a))).toBe(e + 2, "a pinned in the current epoch: advances");
    expect<u64>(globalTryAdvance(global, localBag(a))).toBe(e + 2, "a now pinned one epoch behind: blocked");
    expect<u64>(globalTryAdvance(global, localBag(a))).toBe(e + 2, "still blocked: a pin at E lets the global reach E+1 only");

    localPin(b); // pinned in e + 2, the current epoch
    expect<u64>(localEpoch(b)).toBe((e + 2) | 1);
    expect<u64>(globalTryAdvance(global, localBag(a))).toBe(e + 2, "a (older) blocks although b is current");

    localUnpin(a);
    expect<u64>(localEpoch(a)).toBe(0, "unpinned: Epoch::starting()");
    expect<u64>(globalTryAdvance(global, localBag(a))).toBe(e + 4, "only b pinned, in the current epoch");
    expect<u64>(globalTryAdvance(global, localBag(a))).toBe(e + 4, "b now behind: blocked");
    localUnpin(b);
    expect<u64>(globalTryAdvance(global, localBag(a))).toBe(e + 6, "nobody pinned");
  });
});

describe("epoch: expiry", () => {
  it("a bag sealed at E is expired at E+2, not at E+1 (sealedIsExpired)", () => {
    scratch = heapAlloc(SITE_TEST, 2064, 8, true); // a SealedBag's worth; epoch u64 at offset 0
    const sealed: u64 = 10; // epoch 5 (data = epoch << 1)
    store<u64>(scratch, sealed);
    expect<bool>(sealedIsExpired(scratch, sealed)).toBe(false, "same epoch");
    expect<bool>(sealedIsExpired(scratch, sealed + 2)).toBe(false, "E+1");
    expect<bool>(sealedIsExpired(scratch, sealed + 4)).toBe(true, "E+2");
    expect<bool>(sealedIsExpired(scratch, sealed + 6)).toBe(true, "E+3");
    expect<bool>(sealedIsExpired(scratch, (sealed + 2) | 1)).toBe(false, "pinned bit ignored: still E+1");
    expect<i64>(epochDistance(sealed + 4, sealed)).toBe(2);
    // Epoch::wrapping_sub: sealed in the last epoch before wrap-around, global two steps later.
    store<u64>(scratch, 0xFFFF_FFFF_FFFF_FFFE);
    expect<bool>(sealedIsExpired(scratch, 0)).toBe(false, "one step across the wrap");
    expect<bool>(sealedIsExpired(scratch, 2)).toBe(true, "two steps across the wrap");
  });
});

describe("epoch: pin", () => {
  it("an outermost pin collects on pin counts 0, 128, 256, ... (observed as the epoch advancing)", () => {
    const global = existingCollector();
    const p = registerParticipant();
    const e0 = globalEpoch(global);
    let advances = 0;
    let mismatches = 0;
    for (let i = 0; i < 257; i++) {
      const before = globalEpoch(global);
      localPin(p);
      // While only p is pinned and in the current epoch, a collect's try_advance always succeeds.
      const advanced = globalEpoch(global) != before;
      if (advanced) advances++;
      if (advanced != (i % 128 == 0)) mismatches++;
      localUnpin(p);
    }
    expect<i32>(mismatches).toBe(0, "advanced exactly on the pins with counts 0, 128 and 256");
    expect<i32>(advances).toBe(3);
    expect<u64>(globalEpoch(global) - e0).toBe(6, "three steps");
    expect<u64>(localPinCount(p)).toBe(257);
  });

  it("nested pins neither refresh the epoch nor count toward the cadence; only the outermost unpin unpins", () => {
    const global = existingCollector();
    const p = warmParticipant(); // pin count 1
    for (let i = 0; i < 126; i++) { localPin(p); localUnpin(p); }
    expect<u64>(localPinCount(p)).toBe(127);

    const e = globalEpoch(global);
    localPin(p); // count 127 -> 128: no collect
    expect<u64>(globalEpoch(global)).toBe(e);
    expect<u64>(localPinCount(p)).toBe(128);
    expect<u64>(localEpoch(p)).toBe(e | 1);

    // A nested pin with pin count 128: if it counted and collected, try_advance would succeed
    // (p is pinned in the current epoch) and the epoch would move.
    localPin(p);
    expect<u64>(localGuardCount(p)).toBe(2);
    expect<u64>(localPinCount(p)).toBe(128, "nested pins are not counted");
    expect<u64>(globalEpoch(global)).toBe(e, "no collect on a nested pin");

    expect<u64>(globalTryAdvance(global, localBag(p))).toBe(e + 2);
    localPin(p);
    expect<u64>(localEpoch(p)).toBe(e | 1, "a nested pin does not refresh the epoch word");
    expect<u64>(localGuardCount(p)).toBe(3);

    localUnpin(p);
    localUnpin(p);
    expect<u64>(localGuardCount(p)).toBe(1);
    expect<bool>(epochIsPinned(localEpoch(p))).toBe(true, "inner unpins leave the participant pinned");
    expect<u64>(globalTryAdvance(global, localBag(p))).toBe(e + 2, "and it still holds the epoch back");
    expect<bool>(localUnpin(p)).toBe(true);
    expect<u64>(localEpoch(p)).toBe(0, "the outermost unpin clears the word");
    expect<bool>(localUnpin(p)).toBe(false, "no guard left");
    expect<u64>(localGuardCount(p)).toBe(0);

    // The next outermost pin has count 128: that one collects.
    localPin(p);
    expect<u64>(globalEpoch(global)).toBe(e + 4, "pin count 128 collects");
    expect<u64>(localPinCount(p)).toBe(129);
    localUnpin(p);
  });
});

describe("epoch: defer, seal, pop", () => {
  it("64 defers fill the bag; the 65th seals it into a new 2072-byte node stamped with the global epoch", () => {
    const global = existingCollector();
    expect<u64>(drain()).toBe(0);
    const p = registerParticipant(); // never pinned: its bag only fills from its own defers
    const counter = newCounter();
    if (!scratch) scratch = heapAlloc(SITE_TEST, 2064, 8, true);
    const nodes0 = requests(SITE_QUEUE_NODE);
    const nodeBytes0 = requestedBytes(SITE_QUEUE_NODE);
    const q0 = queuedBags();
    const pending0 = pendingDeferred(0);
    for (let i = 0; i < 64; i++) localDefer(p, countFn(), <u64>counter, 8);
    expect<u64>(bagLen(localBag(p))).toBe(64, "MAX_OBJECTS");
    expect<u64>(requests(SITE_QUEUE_NODE)).toBe(nodes0, "a full bag is not pushed until the next defer");
    expect<u64>(queuedBags()).toBe(q0);

    const e = globalEpoch(global);
    expect<bool>(localDefer(p, countFn(), <u64>counter, 8)).toBe(true);
    expect<u64>(requests(SITE_QUEUE_NODE) - nodes0).toBe(1, "one node");
    expect<u64>(requestedBytes(SITE_QUEUE_NODE) - nodeBytes0).toBe(2072);
    expect<u64>(queuedBags()).toBe(q0 + 1);
    expect<u64>(bagLen(localBag(p))).toBe(1, "the 65th item starts a fresh bag");
    expect<u32>(queueSnapshot(scratch, 128)).toBe(<u32>(q0 + 1));
    const last = scratch + <usize>q0 * 16; // (sealed epoch, length) pairs
    expect<u64>(load<u64>(last)).toBe(e, "sealed with the global epoch");
    expect<u64>(load<u64>(last, 8)).toBe(64);
    expect<u64>(load<u64>(counter)).toBe(0, "nothing ran");
    expect<u64>(pendingDeferred(0) - pending0).toBe(65);
  });

  it("collect pops the bag two epochs later, runs its items, and defers the old sentinel's free", () => {
    const global = existingCollector();
    expect<u64>(drain()).toBe(0, "the queue holds only this test's bag");
    const p = registerParticipant();
    const counter = newCounter();

    for (let i = 0; i < 64; i++) localDefer(p, countFn(), <u64>counter, 8);
    const e = globalEpoch(global);
    localDefer(p, countFn(), <u64>counter, 8); // seals the 64 at e
    expect<u64>(queuedBags()).toBe(1);
    const oldSentinel = <usize>load<u64>(queueHead(global));
    const bagNode = nodeNext(oldSentinel);
    const frees0 = frees(SITE_QUEUE_NODE);

    expect<bool>(localCollect(p)).toBe(true);
    expect<u64>(globalEpoch(global)).toBe(e + 2);
    expect<u64>(queuedBags()).toBe(1, "not expired at E+1");
    expect<u64>(load<u64>(counter)).toBe(0);

    // Leave the tail one node behind, as a pusher that linked its node but has not swung the tail
    // yet would (a state the Michael-Scott queue allows): the pop must move it off the retired node.
    store<u64>(queueTail(global), <u64>oldSentinel);
    expect<bool>(localCollect(p)).toBe(true);
    expect<u64>(globalEpoch(global)).toBe(e + 4);
    expect<u64>(queuedBags()).toBe(0, "expired at E+2: popped");
    expect<u64>(load<u64>(counter)).toBe(64, "its 64 items ran");
    expect<usize>(<usize>load<u64>(queueHead(global))).toBe(bagNode, "the popped node is the new sentinel");
    expect<usize>(<usize>load<u64>(queueTail(global))).toBe(bagNode, "tail moved off the retired node");
    expect<u64>(bagLen(localBag(p))).toBe(2, "the 65th item + the old sentinel's free");
    expect<u64>(slotCall(p, 1)).toBe(<u64>freeQueueNodeFn());
    expect<u64>(slotWord(p, 1)).toBe(<u64>oldSentinel);
    expect<usize>(heapBlockSize(oldSentinel)).toBe(2096, "still allocated: 2072 + 16 -> 2096");
    expect<u64>(frees(SITE_QUEUE_NODE)).toBe(frees0);

    // Push that bag and let it expire: the old sentinel is freed when its Deferred runs.
    localFlush(p); // push (sealed at e+4), collect -> e+6
    localFlush(p); // bag empty: collect only -> e+8: pop
    expect<u64>(globalEpoch(global)).toBe(e + 8);
    expect<u64>(load<u64>(counter)).toBe(65);
    expect<u64>(frees(SITE_QUEUE_NODE) - frees0).toBe(1, "one node freed");
    expect<usize>(heapBlockSize(oldSentinel)).toBe(0, "the old sentinel");
    expect<u64>(bagLen(localBag(p))).toBe(1, "and the next retired sentinel waits in the bag");
    expect<u64>(slotWord(p, 0)).toBe(<u64>bagNode);
  });

  it("flush pushes a partial bag and runs exactly one collect", () => {
    const global = existingCollector();
    expect<u64>(drain()).toBe(0);
    const p = registerParticipant();
    const counter = newCounter();
    const q0 = queuedBags();
    for (let i = 0; i < 3; i++) localDefer(p, countFn(), <u64>counter, 8);
    const nodes0 = requests(SITE_QUEUE_NODE);
    const e = globalEpoch(global);
    expect<bool>(localFlush(p)).toBe(true);
    expect<u64>(requests(SITE_QUEUE_NODE) - nodes0).toBe(1, "the partial bag got a node");
    expect<u64>(bagLen(localBag(p))).toBe(0);
    expect<u64>(globalEpoch(global)).toBe(e + 2, "one collect: one try_advance");
    expect<u64>(load<u64>(counter)).toBe(0, "sealed at E, not expired at E+1");
    expect<u64>(queuedBags()).toBe(q0 + 1);
    const n = queueSnapshot(scratch, 128);
    expect<u64>(load<u64>(scratch + <usize>(n - 1) * 16)).toBe(e, "sealed before the collect advanced");
    expect<u64>(load<u64>(scratch + <usize>(n - 1) * 16, 8)).toBe(3, "partial: 3 items");

    expect<bool>(localFlush(p)).toBe(true);
    expect<u64>(requests(SITE_QUEUE_NODE) - nodes0).toBe(1, "an empty bag is not pushed");
    expect<u64>(globalEpoch(global)).toBe(e + 4);
    expect<u64>(load<u64>(counter)).toBe(3, "expired and run");
  });

  it("a capture over 24 bytes is boxed (one SITE_DEFERRED_BOX allocation), freed when it runs", () => {
    expect<u64>(drain()).toBe(0);
    const p = registerParticipant();
    const counter = newCounter();
    const box0 = requests(SITE_DEFERRED_BOX);
    const boxLive0 = liveBytes(SITE_DEFERRED_BOX);
    const boxFrees0 = frees(SITE_DEFERRED_BOX);
    const counts0 = pendingDeferred(PENDING_USER);

    // 24 bytes: inline, no heap traffic at all.
    const events0 = events();
    expect<bool>(localDefer(p, countFn(), <u64>counter, 24)).toBe(true);
    expect<u64>(events()).toBe(events0, "no allocation for 24 bytes");
    expect<u64>(requests(SITE_DEFERRED_BOX)).toBe(box0);
    expect<u64>(slotCall(p, 0)).toBe(<u64>countFn());

    // 32 bytes: boxed.
    expect<bool>(localDefer(p, countFn(), <u64>counter, 32)).toBe(true);
    expect<u64>(requests(SITE_DEFERRED_BOX) - box0).toBe(1);
    expect<u64>(liveBytes(SITE_DEFERRED_BOX) - boxLive0).toBe(32);
    expect<u64>(slotCall(p, 1)).toBe(<u64>runBoxedFn());
    const box = <usize>slotWord(p, 1);
    // (its block may be larger than 32 + 16 = 48: a free block with under 32 bytes to spare is taken whole)
    expect<bool>(heapBlockSize(box) >= 48).toBe(true, "a live block of at least 32 + 16 header");
    expect<u64>(load<u64>(box)).toBe(<u64>countFn(), "box: inner function");
    expect<u64>(load<u64>(box, 8)).toBe(<u64>counter, "box: captured word");
    expect<u32>(deferredInnerFn(bagSlot(localBag(p), 1))).toBe(countFn());
    // pendingDeferred(userOnly) leaves out the collector's own garbage, looking inside boxes: both are the user's.
    expect<u64>(pendingDeferred(PENDING_USER)).toBe(counts0 + 2, "the boxed one counts as the user's");

    localFlush(p); // push, E -> E+1
    localFlush(p); // E+2: run
    expect<u64>(load<u64>(counter)).toBe(2, "both ran");
    expect<u64>(liveBytes(SITE_DEFERRED_BOX)).toBe(boxLive0, "box freed");
    expect<u64>(frees(SITE_DEFERRED_BOX) - boxFrees0).toBe(1);
    expect<usize>(heapBlockSize(box)).toBe(0);
  });

  it("defer on the unprotected guard (runCountNow) runs at once and touches nothing", () => {
    const counter = newCounter();
    const events0 = events();
    const pending0 = pendingDeferred(0);
    runCountNow(counter);
    expect<u64>(load<u64>(counter)).toBe(1);
    runCountNow(counter);
    expect<u64>(load<u64>(counter)).toBe(2);
    expect<u64>(events()).toBe(events0, "no heap traffic");
    expect<u64>(pendingDeferred(0)).toBe(pending0, "nothing deferred");
  });

  it("runs a function the collector does not know, by its table index, inline or boxed, as the user's", () => {
    const global = existingCollector();
    expect<u64>(drain()).toBe(0);
    const p = registerParticipant();
    const counter = newCounter();
    const fn = deferredIndex(changetype<usize>(ADD_TEN));
    expect<bool>(fn != 0 && fn != countFn() && fn != runBoxedFn() && fn != freeQueueNodeFn()).toBe(true, "a table index of its own");
    const user0 = pendingDeferred(PENDING_USER);
    const nodes0 = pendingDeferred(PENDING_NODE_FREES);
    expect<bool>(localDefer(p, fn, <u64>counter, 8)).toBe(true);
    expect<bool>(localDefer(p, fn, <u64>counter, 40)).toBe(true);
    expect<u64>(slotCall(p, 0)).toBe(<u64>fn, "inline: the call word is the client's index");
    expect<u64>(slotCall(p, 1)).toBe(<u64>runBoxedFn(), "boxed: the collector's trampoline");
    expect<u64>(load<u64>(<usize>slotWord(p, 1))).toBe(<u64>fn, "and the box holds the client's index");
    expect<u64>(pendingDeferred(PENDING_USER) - user0).toBe(2);
    expect<u64>(pendingDeferred(PENDING_NODE_FREES)).toBe(nodes0);

    // Sealed in the queue, the checker accepts both, and finds a call word that names no function.
    localFlush(p); // push, E -> E+1
    if (!checkOut) checkOut = heapAlloc(SITE_TEST, <u64>CHECK_REPORT_SIZE, 8, true);
    expect<u32>(epochCheck(checkOut)).toBe(CHECK_OK);
    const bag = sealedBag(nodeData(nodeNext(<usize>load<u64>(queueHead(global)))));
    const inline = bagSlot(bag, 0);
    const box = <usize>load<u64>(bagSlot(bag, 1), 8);
    store<u64>(inline, 0);
    expect<u32>(epochCheck(checkOut)).toBe(CHECK_DEFERRED, "call 0");
    expect<u32>(load<u32>(checkOut, 4)).toBe(<u32>inline);
    store<u64>(inline, (<u64>1 << 32) | <u64>fn);
    expect<u32>(epochCheck(checkOut)).toBe(CHECK_DEFERRED, "call over 32 bits");
    store<u64>(inline, <u64>fn);
    store<u64>(box, <u64>runBoxedFn());
    expect<u32>(epochCheck(checkOut)).toBe(CHECK_DEFERRED, "a box in a box");
    expect<u32>(load<u32>(checkOut, 4)).toBe(<u32>box);
    store<u64>(box, <u64>fn);
    expect<u32>(epochCheck(checkOut)).toBe(CHECK_OK);

    localFlush(p); // E+2: run
    expect<u64>(load<u64>(counter)).toBe(20, "both ran, once each");
    expect<u64>(pendingDeferred(PENDING_USER)).toBe(user0);
  });

  it("the checker allows a tail one node short of the end (a push between link and swing), never two", () => {
    const global = existingCollector();
    const p = registerParticipant();
    if (!checkOut) checkOut = heapAlloc(SITE_TEST, <u64>CHECK_REPORT_SIZE, 8, true);
    const stalled = warmParticipant();
    localPin(stalled); // nothing expires: every sealed bag stays queued
    const counter = heapAlloc(SITE_TEST, 8, 8, true);
    localPin(p);
    for (let i = 0; i < 3; i++) {
      localDefer(p, countFn(), <u64>counter, 8);
      localFlush(p);
    }
    localUnpin(p);
    const tail = <usize>load<u64>(queueTail(global));
    let twoBack = <usize>load<u64>(queueHead(global));
    while (nodeNext(nodeNext(nodeNext(twoBack))) != 0) twoBack = nodeNext(twoBack);
    const oneBack = nodeNext(twoBack);
    expect<usize>(nodeNext(oneBack)).toBe(tail, "three or more nodes: ... twoBack -> oneBack -> tail");
    expect<u32>(epochCheck(checkOut)).toBe(CHECK_OK);
    store<u64>(queueTail(global), <u64>oneBack);
    expect<u32>(epochCheck(checkOut)).toBe(CHECK_OK, "one short");
    store<u64>(queueTail(global), <u64>twoBack);
    expect<u32>(epochCheck(checkOut)).toBe(CHECK_QUEUE, "two short");
    store<u64>(queueTail(global), <u64>tail);
    expect<u32>(epochCheck(checkOut)).toBe(CHECK_OK);
    localUnpin(stalled);
    expect<u64>(drain()).toBe(0, "the bags expire once the stalled participant unpins");
  });

  it("a participant that stays pinned stops expiry; its unpin lets the garbage go", () => {
    const global = existingCollector();
    const stalled = warmParticipant();
    const p = registerParticipant();
    const counter = newCounter();
    expect<u64>(drain()).toBe(0, "an empty queue to start from");

    localPin(stalled); // pinned at E
    const e = globalEpoch(global);
    for (let i = 0; i < 64 * 3 + 1; i++) localDefer(p, countFn(), <u64>counter, 8);
    expect<u64>(queuedBags()).toBe(3, "three full bags pushed");
    for (let i = 0; i < 20; i++) localFlush(p);
    expect<u64>(globalEpoch(global)).toBe(e + 2, "stuck at E+1");
    expect<u64>(load<u64>(counter)).toBe(0, "nothing sealed at or after E expires");
    expect<u64>(queuedBags()).toBe(4, "the flushed partial bag joins them");

    localUnpin(stalled);
    localFlush(p); // E+2: all four (sealed at E) expire
    expect<u64>(globalEpoch(global)).toBe(e + 4);
    expect<u64>(load<u64>(counter)).toBe(64 * 3 + 1, "all of it ran once the stalled participant unpinned");
    expect<u64>(queuedBags()).toBe(0);
  });
});
