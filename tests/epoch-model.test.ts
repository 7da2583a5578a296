// The wasm epoch collector (assembly/epoch/, driven through Lab.epoch) against the reference model
// in tests/epoch-reference.ts, which is written from crossbeam-epoch 0.9.20's behaviour as
// ../shared/reference/rust-original.md states it.
//
// Both are driven with the same seeded random operation sequences (pins, nested pins, releases,
// defers with inline and boxed captures, bursts that fill bags, flushes, unprotected defers, and
// participants that hold a guard for long stretches), and after every single step the test compares
// the global epoch, every participant's state, the queue (sealed epoch and length of every bag, in
// order), pending deferred counts, how many count items have run (counters read from linear
// memory) and the collector's heap objects in the ledger:
//   Node<SealedBag> live blocks = 1 sentinel + queued bags + retired nodes whose free is pending,
//   Box<closure> live blocks/bytes = boxed count items pending (one allocation of captureBytes each),
//   Local / ArcInner<Global> = participants registered / the collector.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Lab } from "../src/memory/lab.js";
import type { Guard, Participant } from "../src/epoch/participant.js";
import {
  EpochModel, SIZES, MAX_OBJECTS, PINNINGS_BETWEEN_COLLECT, COLLECT_STEPS, INLINE_CAPTURE_BYTES,
  type ModelCoverage, type ModelParticipant,
} from "./epoch-reference.js";
import { prng } from "./prng.js";
import { EPOCH_SITE } from "./rust-reference.js";

const SITE = EPOCH_SITE;

/** lab.epoch.queue()'s default; far more than any run here queues (checked: never truncated). */
const QUEUE_SNAPSHOT_MAX = 1024;


interface Actor {
  wasm: Participant;
  model: ModelParticipant;
  guards: Guard[];
  /** The outermost guard may not be released before this step (a stalled participant). */
  holdUntil: number;
  /** Address of this actor's u64 counter in linear memory; the model's counter id is the index. */
  counter: number;
}

function siteFigures(lab: Lab, name: string) {
  const site = lab.ledger().sites.find((s) => s.name === name);
  assert.ok(site, `site ${name} exists`);
  return site;
}

/** The wasm collector and the model side by side. Every operation goes to both. */
class Harness {
  readonly lab: Lab;
  readonly model = new EpochModel();
  readonly actors: Actor[] = [];
  readonly unprotectedCounter: number;
  private readonly recent: string[] = [];
  steps = 0;

  constructor(participants: number, labOptions: Parameters<typeof Lab.create>[0] = {}) {
    this.lab = Lab.create(labOptions);
    for (let i = 0; i < participants; i++) {
      this.actors.push({
        wasm: this.lab.epoch.participant(),
        model: this.model.participant(),
        guards: [],
        holdUntil: 0,
        counter: this.lab.alloc("test", 8, { zeroed: true }),
      });
    }
    this.unprotectedCounter = this.lab.alloc("test", 8, { zeroed: true });
  }

  private note(op: string): void {
    this.steps++;
    this.recent.push(`${this.steps}: ${op}`);
    if (this.recent.length > 24) this.recent.shift();
  }

  pin(i: number): void {
    const a = this.actors[i];
    this.note(`pin p${i} (guards ${a.guards.length})`);
    a.guards.push(a.wasm.pin());
    this.model.pin(a.model);
  }

  /** Releases the guard at `which` of the actor's live guards (guards of one participant are interchangeable). */
  release(i: number, which = this.actors[i].guards.length - 1): void {
    const a = this.actors[i];
    this.note(`release p${i} (guards ${a.guards.length})`);
    const [guard] = a.guards.splice(which, 1);
    guard.release();
    this.model.unpin(a.model);
  }

  defer(i: number, captureBytes: number): void {
    const a = this.actors[i];
    this.note(`defer p${i} capture ${captureBytes}`);
    a.guards[a.guards.length - 1].deferCount(a.counter, captureBytes);
    this.model.deferCount(a.model, i, captureBytes);
  }

  flush(i: number): void {
    const a = this.actors[i];
    this.note(`flush p${i}`);
    a.guards[a.guards.length - 1].flush();
    this.model.flush(a.model);
  }

  unprotected(): void {
    this.note("defer unprotected");
    this.lab.epoch.deferCountUnprotected(this.unprotectedCounter);
    this.model.deferCountUnprotected(-1);
  }

  private counterValue(address: number): number {
    return Number(new BigUint64Array(this.lab.memory.buffer, address, 1)[0]);
  }

  private wasmSnapshot() {
    const ledger = this.lab.ledger();
    const site = (name: string) => {
      const s = ledger.sites.find((x) => x.name === name);
      assert.ok(s, `site ${name}`);
      return s;
    };
    const node = site(SITE.node);
    const box = site(SITE.box);
    const local = site(SITE.local);
    const global = site(SITE.global);
    return {
      collector: this.lab.epoch.state(),
      participants: this.actors.map((a) => a.wasm.state()),
      queue: this.lab.epoch.queue(QUEUE_SNAPSHOT_MAX),
      executed: this.actors.map((a) => this.counterValue(a.counter)),
      unprotected: this.counterValue(this.unprotectedCounter),
      heap: {
        nodeLiveBlocks: node.liveBlocks,
        nodeLiveBytes: node.liveBytes,
        nodeRequests: node.requests,
        nodeRequestedBytes: node.requestedBytes,
        boxLiveBlocks: box.liveBlocks,
        boxLiveBytes: box.liveBytes,
        boxRequests: box.requests,
        boxRequestedBytes: box.requestedBytes,
        localLiveBlocks: local.liveBlocks,
        localLiveBytes: local.liveBytes,
        globalLiveBlocks: global.liveBlocks,
        globalLiveBytes: global.liveBytes,
      },
      badFrees: ledger.invalidFrees + ledger.doubleFrees,
      failures: ledger.failureCount,
    };
  }

  private modelSnapshot() {
    const m = this.model;
    const boxes = m.pendingBoxes();
    return {
      collector: m.state(),
      participants: this.actors.map((a) => m.participantState(a.model)),
      queue: m.queueSnapshot(),
      executed: this.actors.map((_, i) => m.executed.get(i) ?? 0),
      unprotected: m.executed.get(-1) ?? 0,
      heap: {
        nodeLiveBlocks: m.liveNodes,
        nodeLiveBytes: m.liveNodes * SIZES.queueNode,
        nodeRequests: m.nodeAllocations,
        nodeRequestedBytes: m.nodeAllocations * SIZES.queueNode,
        boxLiveBlocks: boxes.count,
        boxLiveBytes: boxes.bytes,
        boxRequests: m.boxAllocations,
        boxRequestedBytes: m.boxAllocatedBytes,
        localLiveBlocks: m.liveLocals,
        localLiveBytes: m.liveLocals * SIZES.local,
        globalLiveBlocks: m.liveGlobals,
        globalLiveBytes: m.liveGlobals * SIZES.globalArc,
      },
      badFrees: 0,
      failures: 0,
    };
  }

  /** Compares everything observable; on a mismatch the message names the step and the ops before it. */
  check(context: string): void {
    const m = this.model;
    // The model's own bookkeeping: live nodes are exactly the sentinel, the queued bags and the
    // retired nodes whose free is pending.
    assert.equal(
      m.liveNodes,
      (m.collectorCreated ? 1 : 0) + m.queue.length + m.pendingNodeFrees(),
      `${context}: model node bookkeeping`,
    );
    assert.ok(m.queue.length < QUEUE_SNAPSHOT_MAX, "queue snapshot would be truncated");
    const wasm = this.wasmSnapshot();
    const expected = this.modelSnapshot();
    try {
      assert.deepStrictEqual(wasm, expected);
    } catch (error) {
      (error as Error).message = `${context}, after step ${this.steps}: wasm differs from the reference model\n` +
        `recent operations:\n  ${this.recent.join("\n  ")}\n${(error as Error).message}`;
      throw error;
    }
  }
}

const CAPTURES = [0, 8, 16, 24, 25, 32, 48, 100, 4096];

function pickCapture(rand: () => number): number {
  return rand() < 0.75 ? 8 : CAPTURES[Math.floor(rand() * CAPTURES.length)];
}

/**
 * One seeded random run of about `steps` operations, compared after every step. Returns the
 * model's coverage. Besides single operations there are bursts: a run of defers on one participant
 * (to fill bags) and a run of pin/release pairs (so outermost pins reach multiples of 128 and
 * collect); and a participant may be told to hold its outermost guard for a long stretch.
 */
function randomRun(seed: number, steps: number): ModelCoverage {
  const rand = prng(seed);
  const participants = 2 + (seed % 3);
  const h = new Harness(participants);
  h.check(`seed ${seed}, initial`);
  let burst: { kind: "defer" | "spin"; remaining: number; actor: number } | undefined;
  const context = () => `seed ${seed}`;
  for (let step = 0; step < steps; step++) {
    if (burst) {
      const b = burst;
      if (b.kind === "defer") {
        h.defer(b.actor, pickCapture(rand));
      } else if (h.actors[b.actor].guards.length === 0) {
        h.pin(b.actor);
      } else {
        h.release(b.actor);
      }
      if (--b.remaining === 0) burst = undefined;
      h.check(context());
      continue;
    }
    const i = Math.floor(rand() * participants);
    const a = h.actors[i];
    const depth = a.guards.length;
    const mayRelease = depth > 1 || step >= a.holdUntil;
    const r = rand();
    if (depth === 0) {
      if (r < 0.03) {
        // pin/release pairs, ending unpinned
        burst = { kind: "spin", remaining: 2 * (16 + Math.floor(rand() * 112)) - 1, actor: i };
        h.pin(i);
      } else if (r < 0.95) {
        h.pin(i);
      } else {
        h.unprotected();
      }
    } else if (r < 0.40) {
      h.defer(i, pickCapture(rand));
    } else if (r < 0.66) {
      if (mayRelease) h.release(i, Math.floor(rand() * depth));
      else h.defer(i, pickCapture(rand));
    } else if (r < 0.73) {
      if (depth < 4) h.pin(i);
      else h.release(i, Math.floor(rand() * depth));
    } else if (r < 0.77) {
      h.flush(i);
    } else if (r < 0.785) {
      burst = { kind: "defer", remaining: 63 + Math.floor(rand() * 200), actor: i };
      h.defer(i, pickCapture(rand));
    } else if (r < 0.79) {
      // Stall this participant: its outermost guard stays for a long stretch.
      a.holdUntil = step + 200 + Math.floor(rand() * 1200);
      h.defer(i, pickCapture(rand));
    } else if (r < 0.80) {
      h.unprotected();
    } else if (mayRelease) {
      h.release(i, Math.floor(rand() * depth));
    } else {
      h.flush(i);
    }
    h.check(context());
  }
  // Wind down: release everything, then flush until every deferred function has run.
  for (let i = 0; i < participants; i++) while (h.actors[i].guards.length) { h.release(i); h.check(`${context()}, release all`); }
  // A participant's bag reaches the queue only when it fills or that participant flushes, so every
  // registered participant flushes in each round.
  const registered = h.actors.map((a, i) => (a.model.registered ? i : -1)).filter((i) => i >= 0);
  for (let round = 0; h.model.pendingUserDeferred > 0; round++) {
    assert.ok(round < 10_000, "the drain converges");
    for (const i of registered) {
      h.pin(i);
      h.flush(i);
      h.release(i);
      h.check(`${context()}, drain`);
    }
  }
  // Everything every defer asked for has run, exactly once (the counters were compared at every
  // step); what may still wait is the queue's own churn of retired nodes.
  assert.equal(h.model.pendingUserDeferred, 0);
  assert.equal(siteFigures(h.lab, SITE.box).liveBlocks, 0, "every boxed closure was freed when it ran");
  return h.model.coverage;
}

test("random operation sequences: the wasm collector matches the reference model after every step", () => {
  const seeds = [1, 2, 3, 7, 42];
  const total: Record<string, number> = {};
  for (const seed of seeds) {
    const coverage = randomRun(seed, 3000);
    for (const [k, v] of Object.entries(coverage)) {
      total[k] = k.startsWith("max") ? Math.max(total[k] ?? 0, v) : (total[k] ?? 0) + v;
    }
  }
  if (process.env.EPOCH_COVERAGE) console.log(total);
  // The runs must have exercised the paths the comparison is about.
  assert.ok(total.nestedPins > 100, `nested pins: ${total.nestedPins}`);
  const pinCollects = total.collects - total.flushes - total.registrations;
  assert.ok(pinCollects > 10, `collects run by an outermost pin at a multiple of 128 (besides first pins): ${pinCollects}`);
  assert.ok(total.advanceRefusals > 50, `try_advance refused (a participant pinned in an older epoch): ${total.advanceRefusals}`);
  assert.ok(total.pops > 200, `bags popped: ${total.pops}`);
  assert.ok(total.collectsAtStepLimit > 0, `some collect stopped at COLLECT_STEPS = ${COLLECT_STEPS}: ${total.collectsAtStepLimit}`);
  assert.ok(total.fullBagPushes > 50, `full bags sealed by defer: ${total.fullBagPushes}`);
  assert.ok(total.flushPushes > 50, `flushes that pushed a partial bag: ${total.flushPushes}`);
  assert.ok(total.boxedDefers > 100, `boxed captures: ${total.boxedDefers}`);
  assert.ok(total.unprotectedRuns > 10, `unprotected defers: ${total.unprotectedRuns}`);
  assert.ok(total.maxQueueLength > 2 * COLLECT_STEPS, `a long queue built up: ${total.maxQueueLength}`);
});

test("a retired queue node that arrives at a full bag inside collect seals and pushes that bag first", () => {
  const h = new Harness(2);
  const A = 0;
  const B = 1;
  h.pin(A); // collector created; the first pin collects: epoch 0 → 1
  for (let k = 0; k < 3 * MAX_OBJECTS; k++) {
    h.defer(A, 8);
    h.check(`defer ${k}`);
  }
  h.release(A);
  // Two bags sealed at epoch 1 in the queue, and A's own bag exactly full.
  assert.deepEqual(h.lab.epoch.queue(), [{ epoch: 1, length: 64 }, { epoch: 1, length: 64 }]);
  assert.equal(h.actors[A].wasm.state().bagLength, MAX_OBJECTS);
  // 127 more outermost pins: none collects (counts 1..127 before the increment).
  for (let k = 1; k < PINNINGS_BETWEEN_COLLECT; k++) {
    h.pin(A);
    h.release(A);
  }
  h.check("127 pins");
  assert.equal(h.lab.epoch.state().epoch, 1);
  // B's first pin collects: epoch 1 → 2, nothing expired yet (sealed at 1 needs 3).
  h.pin(B);
  h.release(B);
  h.check("B");
  assert.equal(h.lab.epoch.state().epoch, 2);
  assert.equal(h.lab.epoch.state().queuedBags, 2);
  const nodesBefore = siteFigures(h.lab, SITE.node).requests;
  // A's 129th pin (count 128 before it) collects: epoch 2 → 3; the first pop's retired sentinel
  // meets A's full bag, which is sealed at 3 and pushed; then both old bags run.
  h.pin(A);
  h.check("A collects");
  assert.equal(h.model.coverage.fullBagPushesDuringCollect, 1);
  assert.equal(h.lab.epoch.state().epoch, 3);
  assert.deepEqual(h.lab.epoch.queue(), [{ epoch: 3, length: 64 }]);
  assert.equal(h.actors[A].wasm.state().bagLength, 2, "both retired sentinels wait in A's fresh bag");
  assert.equal(siteFigures(h.lab, SITE.node).requests - nodesBefore, 1, "one new node for the sealed bag");
  assert.equal(h.model.executed.get(A), 2 * MAX_OBJECTS);
  h.release(A);
});

test("first pin on a fresh lab: 2072 (queue sentinel), then 640 (ArcInner<Global>), then 2304 (Local); a second participant adds only a Local", () => {
  // A threshold of 1 byte logs every request in the ledger's large-request ring, with its event
  // number, which gives the order; the per-site figures give counts and bytes.
  const lab = Lab.create({ largeThreshold: 1 });
  const model = new EpochModel();
  model.heapLog = [];
  const rustBefore = lab.ledger().rust;
  const eventsBefore = lab.ledger().events;
  const p = lab.epoch.participant();
  assert.equal(p.registered, false, "creating a participant allocates nothing");
  assert.equal(lab.ledger().rust.requests, rustBefore.requests);

  const g = p.pin();
  model.pin(model.participant());
  const after = lab.ledger();
  const delta = (name: string) => {
    const s = after.sites.find((x) => x.name === name);
    assert.ok(s);
    return { requests: s.requests, requestedBytes: s.requestedBytes, liveBlocks: s.liveBlocks };
  };
  assert.deepEqual(delta(SITE.node), { requests: 1, requestedBytes: SIZES.queueNode, liveBlocks: 1 });
  assert.deepEqual(delta(SITE.global), { requests: 1, requestedBytes: SIZES.globalArc, liveBlocks: 1 });
  assert.deepEqual(delta(SITE.local), { requests: 1, requestedBytes: SIZES.local, liveBlocks: 1 });
  assert.equal(after.rust.requests - rustBefore.requests, 3);
  assert.equal(after.rust.requestedBytes - rustBefore.requestedBytes, 2072 + 640 + 2304);
  assert.equal(after.rust.requestedBytes - rustBefore.requestedBytes, 5016);

  const order = after.largeRequests.filter((r) => r.event > eventsBefore && r.siteName !== "host buffer");
  assert.deepEqual(order.map((r) => [r.siteName, r.bytes]), [
    [SITE.node, 2072],
    [SITE.global, 640],
    [SITE.local, 2304],
  ]);
  assert.deepEqual(order.map((r) => r.bytes), model.heapLog.map((e) => e.bytes), "the model allocates in the same order");
  const globalEntry = order[1];
  const localEntry = order[2];
  assert.equal(globalEntry.align, 128, "Global is 128-aligned (CachePadded)");
  assert.equal(localEntry.align, 128, "Local is 128-aligned");
  assert.equal(globalEntry.address % 128, 0);
  assert.equal(localEntry.address % 128, 0);
  assert.deepEqual(p.state(), { registered: true, epoch: 0, pinned: true, guards: 1, pins: 1, bagLength: 0 });
  // The first pin collected: the only pinned participant is at the global epoch, so it advanced.
  assert.equal(lab.epoch.state().epoch, 1);
  assert.equal(model.globalEpoch, 1);

  // A second participant: one Local, nothing else.
  const eventsMid = lab.ledger().events;
  const q = lab.epoch.participant();
  const g2 = q.pin();
  const later = lab.ledger();
  const more = later.largeRequests.filter((r) => r.event > eventsMid && r.siteName !== "host buffer");
  assert.deepEqual(more.map((r) => [r.siteName, r.bytes]), [[SITE.local, 2304]]);
  assert.equal(later.rust.requests - after.rust.requests, 1);
  g2.release();
  g.release();
  assert.equal(lab.ledger().rust.requests, later.rust.requests, "unpinning allocates nothing");
});

test("boxed captures: one Box<closure> allocation of exactly captureBytes per defer over 24 bytes, freed when it runs", () => {
  const h = new Harness(1);
  h.pin(0);
  h.check("pin");
  const captures = [INLINE_CAPTURE_BYTES, INLINE_CAPTURE_BYTES + 1, 32, 100, 4096, 0];
  for (const c of captures) {
    h.defer(0, c);
    h.check(`defer ${c}`);
  }
  const box = siteFigures(h.lab, SITE.box);
  assert.equal(box.requests, 4, "only the captures over 24 bytes are boxed");
  assert.equal(box.requestedBytes, 25 + 32 + 100 + 4096);
  assert.equal(box.liveBlocks, 4);
  // Push the bag (sealed at the current epoch, 1), then let the epoch move two steps past it.
  h.flush(0);
  h.check("flush 1");
  assert.equal(h.lab.epoch.queue()[0]?.epoch, 1);
  assert.equal(siteFigures(h.lab, SITE.box).liveBlocks, 4, "not expired yet");
  h.release(0);
  for (let k = 0; k < 2; k++) {
    h.pin(0);
    h.flush(0);
    h.release(0);
    h.check(`round ${k}`);
  }
  const after = siteFigures(h.lab, SITE.box);
  assert.equal(after.liveBlocks, 0);
  assert.equal(after.liveBytes, 0);
  assert.equal(after.frees, 4);
  assert.equal(h.model.executed.get(0), captures.length, "every item ran once, boxed or not");
});

test("a stalled participant holds the epoch at its own + 1; everything sealed after it pinned waits until it unpins", () => {
  const h = new Harness(2);
  const STALLED = 0;
  const WORKER = 1;
  h.pin(STALLED); // registers, creates the collector, collects: epoch 0 → 1
  h.check("stall");
  const stalledAt = h.lab.epoch.state().epoch - 1;
  assert.equal(h.actors[STALLED].wasm.state().epoch, stalledAt);
  // The worker pins, defers 10 full bags' worth and flushes, many times over.
  for (let round = 0; round < 300; round++) {
    h.pin(WORKER);
    for (let k = 0; k < 5; k++) h.defer(WORKER, 8);
    if (round % 7 === 0) h.flush(WORKER);
    h.release(WORKER);
    h.check(`round ${round}`);
    assert.ok(h.lab.epoch.state().epoch <= stalledAt + 1, "the global epoch stops one step past the stalled participant");
  }
  assert.equal(h.lab.epoch.state().pendingUserDeferred, 1500, "nothing the worker deferred has run");
  assert.equal(h.lab.epoch.state().epoch, stalledAt + 1);
  assert.ok(h.lab.epoch.state().queuedBags >= 1500 / MAX_OBJECTS);
  h.release(STALLED);
  h.check("unstall");
  for (let round = 0; h.model.pendingUserDeferred > 0; round++) {
    assert.ok(round < 1000);
    h.pin(WORKER);
    h.flush(WORKER);
    h.release(WORKER);
    h.check(`drain ${round}`);
  }
  assert.equal(h.model.executed.get(WORKER), 1500);
});

test("nested pins neither collect nor refresh the epoch; only outermost pins count towards the 128 cadence", () => {
  const h = new Harness(2);
  h.pin(1);
  h.pin(0); // p0 pinned at epoch 1
  h.release(1);
  h.check("setup");
  const pinnedAt = h.actors[0].wasm.state().epoch;
  for (let k = 0; k < 3 * PINNINGS_BETWEEN_COLLECT; k++) {
    h.pin(0);
    h.defer(0, 8);
    h.release(0);
    h.check(`nested ${k}`);
  }
  const s = h.actors[0].wasm.state();
  assert.equal(s.pins, 1, "nested pins are not counted");
  assert.equal(s.epoch, pinnedAt, "nor do they refresh the epoch");
  assert.equal(h.lab.epoch.state().pendingUserDeferred, 3 * PINNINGS_BETWEEN_COLLECT);
  h.release(0);
  // Outermost pins 2..128 do not collect; pin 129 (count 128 before it) does.
  const epochBefore = h.lab.epoch.state().epoch;
  for (let k = 1; k < PINNINGS_BETWEEN_COLLECT; k++) {
    h.pin(0);
    h.release(0);
  }
  h.check("127 more outermost pins");
  assert.equal(h.lab.epoch.state().epoch, epochBefore, "no collect between multiples of 128");
  h.pin(0);
  h.check("pin 129");
  assert.equal(h.actors[0].wasm.state().pins, PINNINGS_BETWEEN_COLLECT + 1);
  assert.equal(h.lab.epoch.state().epoch, epochBefore + 1, "the 129th outermost pin collected");
  h.release(0);
});

test("unprotected defer runs at once and creates no collector", () => {
  const lab = Lab.create();
  const counter = lab.alloc("test", 8, { zeroed: true });
  for (let k = 0; k < 5; k++) lab.epoch.deferCountUnprotected(counter);
  assert.equal(Number(new BigUint64Array(lab.memory.buffer, counter, 1)[0]), 5);
  assert.deepEqual(lab.epoch.state(), { epoch: 0, pendingDeferred: 0, pendingUserDeferred: 0, pendingNodeFrees: 0, pendingParticipantFrees: 0, queuedBags: 0 });
  assert.equal(lab.ledger().rust.requests, 0, "no Rust allocation at all");
});
