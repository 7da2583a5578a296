// runProbe's epoch scenarios, checked against the reference model (tests/epoch-reference.ts) and
// against sizes from ../shared/reference/rust-original.md.
//
// What one `epoch-deferred` instance does to the Rust heap (src/probe/probe.ts, assembly/stream/):
//   SegmentedStream::new     slot array 64 x 16 = 1024, ArcInner<Page> 56, Vec buffer 32   (+1112)
//   drop                     pin this thread's participant (an outermost pin: every 128th
//                            collects), swap active_page out, defer "drop that Arc<Page>" (an
//                            8-byte capture, inline), unpin; then the Vec drops its references
//                            (the page stays: the deferred reference keeps it) and its buffer  (-32)
// so each instance leaves one page (1080 bytes) until its deferred function runs, and every 64
// deferred functions fill a bag that becomes one 2072-byte queue node.
//
// The scenarios are simulated in the model step for step (the same pins, defers and unpins, and
// the probe's drain loop), tracking the bytes the heap would hold at every allocation and free, so
// the probe's end state, its peak, and the drain are predicted exactly; the closed forms the brief
// asks for are asserted beside them.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runProbe, type ProbeResult } from "../src/probe/probe.js";
import {
  EpochModel, SIZES, MAX_OBJECTS, PINNINGS_BETWEEN_COLLECT, COLLECT_STEPS, type ModelParticipant,
} from "./epoch-reference.js";
import { ARC_PAGE, VEC_FIRST, SITE, EPOCH_SITE, slotArray } from "./rust-reference.js";

const PAGE_SLOTS = 64;
const SLOTS = slotArray(PAGE_SLOTS); // Box<[MaybeUninit<V16>]>
const PAGE = ARC_PAGE + SLOTS; // 1080: what one instance leaves until its deferred drop runs
const NODE = SIZES.queueNode; // 2072
const COLLECTOR = SIZES.globalArc; // 640
const LOCAL = SIZES.local; // 2304
const SEED_INSTANCES = 522_000;

type EpochVariant = "epoch-deferred" | "epoch-stalled" | "epoch-nested";

interface Predicted {
  liveBytes: number;
  liveBlocks: number;
  requests: number;
  peakBytes: number;
  pendingDeferred: number;
  queueNodes: number;
  epoch: number;
  maxPendingDeferred: number;
  maxQueueNodes: number;
  drain: { rounds: number; freedBytes: number; freedBlocks: number; liveBytes: number; pendingDeferred: number };
}

/**
 * The probe, in the model: the held guard (if any), N instances, then the drain. Rust live bytes
 * and blocks are tracked through every allocation and free in the order the native program makes
 * them, so `peakBytes` is the exact high-water mark of the loop.
 */
function simulate(variant: EpochVariant, instances: number): Predicted {
  const m = new EpochModel();
  let live = 0;
  let blocks = 0;
  let peak = 0;
  let requests = 0;
  const grow = (bytes: number, count = 1) => {
    live += bytes;
    blocks += count;
    if (live > peak) peak = live;
  };
  m.onHeap = (e) => {
    if (e.op === "alloc") {
      grow(e.bytes);
      requests++;
    } else {
      live -= e.bytes;
      blocks--;
    }
  };
  m.onCountRun = () => {
    // Dropping the last Arc<Page>: its slot array and its ArcInner.
    live -= PAGE;
    blocks -= 2;
  };
  const pages = () => m.pendingUserDeferred;

  // holdGuard, before the "before" snapshot.
  const current: ModelParticipant = m.participant();
  let held: ModelParticipant | undefined;
  if (variant === "epoch-stalled") held = m.participant();
  if (variant === "epoch-nested") held = current;
  if (held) m.pin(held);
  const before = { live, blocks, requests };

  let maxQueueNodes = 0;
  for (let i = 0; i < instances; i++) {
    grow(SLOTS + ARC_PAGE + VEC_FIRST, 3);
    requests += 3;
    m.pin(current);
    m.deferCount(current, 0, 8);
    m.unpin(current);
    live -= VEC_FIRST;
    blocks--;
    if (m.queue.length > maxQueueNodes) maxQueueNodes = m.queue.length;
  }
  // The most deferred functions pending at any moment of the loop (the model tracks it at every defer).
  const maxPendingDeferred = m.coverage.maxPendingDeferred;
  assert.equal(live, m.liveBytes + pages() * PAGE, "model bookkeeping: live = collector objects + pending pages");
  // The probe reads the ledger (and its peak) here, before the drain.
  const after = { live, blocks, requests, peak, state: m.state() };

  // drainEpoch: release the held guard, then pin/flush/unpin this thread's participant until no
  // user garbage is pending and at most two deferred functions (the queue's churn) are left.
  if (held) m.unpin(held);
  let rounds = 0;
  while (m.pendingUserDeferred > 0 || m.pendingDeferred > 2) {
    rounds++;
    m.pin(current);
    m.flush(current);
    m.unpin(current);
  }
  return {
    liveBytes: after.live - before.live,
    liveBlocks: after.blocks - before.blocks,
    requests: after.requests - before.requests,
    peakBytes: after.peak,
    pendingDeferred: after.state.pendingDeferred,
    queueNodes: after.state.queuedBags,
    epoch: after.state.epoch,
    maxPendingDeferred,
    maxQueueNodes,
    drain: {
      rounds,
      freedBytes: after.live - live,
      freedBlocks: after.blocks - blocks,
      liveBytes: live - before.live,
      pendingDeferred: m.pendingDeferred,
    },
  };
}

function assertMatchesModel(r: ProbeResult, p: Predicted): void {
  assert.deepEqual(
    {
      liveBytes: r.liveBytes, liveBlocks: r.liveBlocks, requests: r.requests, peakBytes: r.peakBytes,
      pendingDeferred: r.pendingDeferred, queueNodes: r.queueNodes, epoch: r.epoch, drain: r.drain,
    },
    {
      liveBytes: p.liveBytes, liveBlocks: p.liveBlocks, requests: p.requests, peakBytes: p.peakBytes,
      pendingDeferred: p.pendingDeferred, queueNodes: p.queueNodes, epoch: p.epoch, drain: p.drain,
    },
    `${r.variant} x ${r.instances}: the probe agrees with the reference model`,
  );
  assert.equal(r.invalidFrees, 0);
  assert.equal(r.doubleFrees, 0);
}

function site(r: ProbeResult, name: string) {
  return r.sites.find((s) => s.name === name) ?? { name, rust: true, requests: 0, requestedBytes: 0, liveBytes: 0, liveBlocks: 0 };
}

const probes = new Map<string, ProbeResult>();
function probe(variant: EpochVariant, instances: number): ProbeResult {
  const key = `${variant}/${instances}`;
  let r = probes.get(key);
  if (!r) {
    r = runProbe({ variant, instances });
    probes.set(key, r);
  }
  return r;
}

// Why garbage stays bounded with one participant that pins, defers once and unpins per instance:
// every pin is outermost and the participant is the only one, so each collect (the pins numbered
// 0, 128, 256, ... before the increment) advances the global epoch by exactly one: collect k moves
// it from k to k + 1. Bags pushed in window k (instances 128k .. 128k + 127) are sealed at k + 1
// and expire at global k + 3, i.e. they are popped by collect k + 2, as long as COLLECT_STEPS
// keeps up: a window defers 128 pages plus one retired node per pop, about 2 bags, far below 8.
// So just before collect k + 2 (the high point) what is pending is what was deferred in windows
// k and k + 1 (2 x 128 pages, plus at most COLLECT_STEPS retired nodes each), plus what was still
// in the local bag when window k began (at most MAX_OBJECTS - 1 items):
const PENDING_BOUND = 2 * (PINNINGS_BETWEEN_COLLECT + COLLECT_STEPS) + MAX_OBJECTS - 1; // 335 < 3 x 128 + 64

test(`epoch-deferred over ${SEED_INSTANCES.toLocaleString("en")} instances: pending garbage stays bounded (< ${PENDING_BOUND + 1}); exact against the model`, () => {
  const r = probe("epoch-deferred", SEED_INSTANCES);
  const p = simulate("epoch-deferred", SEED_INSTANCES);
  assertMatchesModel(r, p);
  // Over the whole loop (the model watched every instance) and at its end (the wasm reports it).
  assert.ok(p.maxPendingDeferred <= PENDING_BOUND, `model: at most ${p.maxPendingDeferred} pending at any instance`);
  assert.ok(r.pendingDeferred <= PENDING_BOUND);
  assert.ok(p.maxQueueNodes <= Math.ceil(PENDING_BOUND / MAX_OBJECTS), `queue length stays small: ${p.maxQueueNodes}`);
  // The epoch advanced once per 128 pins (the first pin included).
  assert.equal(r.epoch, Math.ceil(SEED_INSTANCES / PINNINGS_BETWEEN_COLLECT));
  // The whole loop's high-water mark (the ledger's peak, not just the end state) is bounded by the
  // collector, the bound's worth of pages and nodes, and one live instance.
  const peakBound = COLLECTOR + LOCAL + NODE * (1 + p.maxQueueNodes + 2 * COLLECT_STEPS) + PENDING_BOUND * PAGE + SLOTS + ARC_PAGE + VEC_FIRST;
  assert.ok(r.peakBytes <= peakBound, `peak ${r.peakBytes} <= ${peakBound}`);
  // What is left is the collector's own structures plus pending pages and nodes.
  assert.equal(site(r, EPOCH_SITE.global).liveBytes, COLLECTOR);
  assert.equal(site(r, EPOCH_SITE.local).liveBytes, LOCAL);
  assert.equal(site(r, SITE.vec).liveBytes, 0);
  const pendingPages = site(r, SITE.arc).liveBlocks;
  assert.equal(site(r, SITE.slots).liveBlocks, pendingPages);
  assert.equal(r.liveBytes, COLLECTOR + LOCAL + site(r, EPOCH_SITE.node).liveBytes + pendingPages * PAGE);
  // The drain frees every page; what stays is the collector, the participant, the sentinel, the
  // retired nodes whose frees are still pending (one or two), and at most one queued bag's node
  // per pending free (the model above predicts which, exactly).
  assert.ok(r.drain);
  assert.ok(r.drain.pendingDeferred >= 1 && r.drain.pendingDeferred <= 2);
  assert.ok(r.drain.liveBytes >= COLLECTOR + LOCAL + NODE * (1 + r.drain.pendingDeferred));
  assert.ok(r.drain.liveBytes <= COLLECTOR + LOCAL + NODE * (1 + 2 * r.drain.pendingDeferred));
  assert.equal(r.drain.freedBytes, r.liveBytes - r.drain.liveBytes);
});

for (const variant of ["epoch-stalled", "epoch-nested"] as const) {
  test(`${variant}: retention grows linearly, 1080 per instance plus one 2072-byte node per 64; the drain frees it all`, () => {
    const small = probe(variant, 1 << 16);
    const large = probe(variant, 1 << 17);
    for (const r of [small, large]) {
      assertMatchesModel(r, simulate(variant, r.instances));
      // Nothing ran: the epoch stopped one step past the held guard's.
      assert.equal(r.pendingDeferred, r.instances);
      assert.equal(r.epoch, 1);
      // A bag is pushed when the 65th item arrives: after N items, floor((N - 1) / 64) nodes.
      assert.equal(r.queueNodes, Math.floor((r.instances - 1) / MAX_OBJECTS));
      // Only a stalled *other* participant leaves this thread's participant to register in the loop.
      const registeredInLoop = variant === "epoch-stalled" ? LOCAL : 0;
      assert.equal(r.liveBytes, r.instances * PAGE + r.queueNodes * NODE + registeredInLoop);
      assert.ok(Math.abs(r.retainedBytesPerInstance - (PAGE + NODE / MAX_OBJECTS)) < (LOCAL + NODE) / r.instances + 1e-9,
        `${r.retainedBytesPerInstance} per instance ~ 1080 + 2072/64 = ${PAGE + NODE / MAX_OBJECTS}`);
      // The drain ran every page and freed every node but the (new) sentinel, the retired ones whose
      // frees are the deferred functions left (the queue's churn: one or two), and at most one
      // queued bag's node per pending free.
      assert.ok(r.drain);
      assert.ok(r.drain.pendingDeferred >= 1 && r.drain.pendingDeferred <= 2);
      const churnNodes = (r.drain.liveBytes - registeredInLoop) / NODE;
      assert.ok(Number.isInteger(churnNodes) && churnNodes >= r.drain.pendingDeferred && churnNodes <= 2 * r.drain.pendingDeferred);
      assert.equal(r.drain.freedBytes, r.instances * PAGE + r.queueNodes * NODE - churnNodes * NODE);
      assert.equal(site(r, SITE.arc).liveBlocks, r.instances);
    }
    // Doubling N from 2^16 to 2^17 adds exactly 2^16 pages and 2^16 / 64 = 1024 nodes.
    assert.equal(large.liveBytes - small.liveBytes, (1 << 16) * PAGE + ((1 << 16) / MAX_OBJECTS) * NODE);
    assert.equal(large.liveBytes - small.liveBytes, 72_900_608);
  });
}
