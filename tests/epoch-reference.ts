// A reference model of crossbeam-epoch 0.9.20's collector, written from the behaviour stated in
// ../shared/reference/rust-original.md (and crossbeam's own source as the document summarises it),
// not from assembly/epoch/. It is a test oracle: the model tests drive it and the wasm collector
// with the same operations and compare every observable after every step.
//
// What is modelled:
//   - one global epoch (counted in steps: crossbeam's doubled encoding with the pinned bit is not
//     needed here), starting at 0;
//   - participants (one Local each), registered at their first pin; the first registration of all
//     creates the collector: the queue's sentinel node, then ArcInner<Global>, then the Local;
//   - per participant: an epoch word (epoch + pinned), a guard count, a pin count and a bag of up
//     to 64 deferred items;
//   - pin: an outermost pin publishes the global epoch as the participant's (pinned) and bumps the
//     pin count; it collects when the count *before* the increment is a multiple of 128. A nested
//     pin only counts a guard;
//   - unpin: the last guard resets the epoch word to Epoch::starting() (0, unpinned);
//   - defer: a capture over 24 bytes is boxed first; a full bag is sealed with the current global
//     epoch and pushed (one new queue node), then the item goes into the fresh bag;
//   - collect: one try_advance, then at most 8 pops while the front bag is expired
//     (global >= sealed + 2); each pop first defers the destruction of the retired sentinel node
//     into the collecting participant's bag (which may itself seal and push that bag), and only then
//     runs the popped bag's items, in order;
//   - flush: push the bag if it is not empty, then collect once;
//   - defer on the unprotected guard: runs at once.
//
// Items are "count" items (running one adds 1 to a counter: the wasm epoch/count.ts, also used by the
// probe model to stand for "drop an Arc<Page>") and "node" items (free a retired queue node).

// The states it reports have the host's shapes (src/epoch/: types only, so the model stays its own
// arithmetic), so a field the host adds or renames fails the build here rather than the comparison.
import type { CollectorState, ParticipantState, QueuedBag } from "../src/index.js";

/** crossbeam-epoch constants (rust-original.md). */
export const MAX_OBJECTS = 64;
export const PINNINGS_BETWEEN_COLLECT = 128;
export const COLLECT_STEPS = 8;
/** A closure of at most this many bytes is stored inline in its Deferred. */
export const INLINE_CAPTURE_BYTES = 24;

/** Sizes on x86-64 (rust-original.md). */
export const SIZES = {
  deferred: 32,
  bag: 2056,
  sealedBag: 2064,
  queueNode: 2072,
  globalArc: 640,
  local: 2304,
} as const;

/** A deferred function. `target` says which counter a count item adds to. */
export type Item =
  | { kind: "count"; target: number; captureBytes: number }
  | { kind: "node"; node: number };

export interface ModelSealedBag {
  /** The global epoch when the bag was sealed. */
  epoch: number;
  items: Item[];
  /** The queue node (an id) that holds it. */
  node: number;
}

/** An allocation or free the native program would make, in order (when logging is on). */
export interface ModelHeapEvent {
  op: "alloc" | "free";
  what: "queue node" | "global" | "local" | "box";
  bytes: number;
}

/** What happened, for checking that a random run exercised the interesting paths. */
export interface ModelCoverage {
  registrations: number;
  outermostPins: number;
  nestedPins: number;
  collects: number;
  advances: number;
  advanceRefusals: number;
  pops: number;
  /** Collects that stopped because they had popped COLLECT_STEPS bags. */
  collectsAtStepLimit: number;
  /** Bags sealed because they were full when an item arrived. */
  fullBagPushes: number;
  /** Of those, ones where the arriving item was a retired queue node (a pop inside collect). */
  fullBagPushesDuringCollect: number;
  flushes: number;
  flushPushes: number;
  boxedDefers: number;
  unprotectedRuns: number;
  countRuns: number;
  nodeFrees: number;
  maxQueueLength: number;
  maxPendingDeferred: number;
}

export class ModelParticipant {
  registered = false;
  pinned = false;
  /** The epoch pinned in (0 while unpinned: Epoch::starting()). */
  epoch = 0;
  guards = 0;
  pins = 0;
  bag: Item[] = [];
  constructor(readonly id: number) {}
}

export class EpochModel {
  globalEpoch = 0;
  collectorCreated = false;
  /** Registered participants (order is irrelevant to try_advance). */
  readonly participants: ModelParticipant[] = [];
  /** Sealed bags, oldest first. */
  readonly queue: ModelSealedBag[] = [];
  /** The node that is the queue's current sentinel. */
  private sentinel = -1;
  private nextNodeId = 0;
  private nextParticipantId = 0;

  /** Count items run, per target, and in total. */
  readonly executed = new Map<number, number>();
  executedTotal = 0;

  /** Items waiting (in bags and the queue), of every kind and of kind "count" only. */
  pendingDeferred = 0;
  pendingUserDeferred = 0;

  /** Heap objects the collector owns. */
  liveNodes = 0;
  nodeAllocations = 0;
  liveBoxes = 0;
  liveBoxBytes = 0;
  boxAllocations = 0;
  boxAllocatedBytes = 0;
  liveLocals = 0;
  liveGlobals = 0;

  /** Called when a count item runs (after the counter is bumped). */
  onCountRun: ((item: Item & { kind: "count" }) => void) | undefined;
  /** When set, every allocation and free is appended here. */
  heapLog: ModelHeapEvent[] | undefined;
  /** When set, called at every allocation and free, in order. */
  onHeap: ((event: ModelHeapEvent) => void) | undefined;

  readonly coverage: ModelCoverage = {
    registrations: 0, outermostPins: 0, nestedPins: 0, collects: 0, advances: 0, advanceRefusals: 0, pops: 0,
    collectsAtStepLimit: 0, fullBagPushes: 0, fullBagPushesDuringCollect: 0, flushes: 0, flushPushes: 0,
    boxedDefers: 0, unprotectedRuns: 0, countRuns: 0, nodeFrees: 0, maxQueueLength: 0, maxPendingDeferred: 0,
  };

  private inCollect = false;

  /** A participant that is not registered yet (as a thread that has not pinned). */
  participant(): ModelParticipant {
    return new ModelParticipant(this.nextParticipantId++);
  }

  // --- heap bookkeeping ---

  private log(op: ModelHeapEvent["op"], what: ModelHeapEvent["what"], bytes: number): void {
    if (this.heapLog === undefined && this.onHeap === undefined) return;
    const event = { op, what, bytes };
    this.heapLog?.push(event);
    this.onHeap?.(event);
  }

  private allocNode(): number {
    this.liveNodes++;
    this.nodeAllocations++;
    this.log("alloc", "queue node", SIZES.queueNode);
    return this.nextNodeId++;
  }

  private freeNode(): void {
    this.liveNodes--;
    this.log("free", "queue node", SIZES.queueNode);
  }

  /** Live bytes of the collector's own heap objects plus boxed closures. */
  get liveBytes(): number {
    return this.liveNodes * SIZES.queueNode + this.liveGlobals * SIZES.globalArc + this.liveLocals * SIZES.local + this.liveBoxBytes;
  }

  // --- registration ---

  private ensureCollector(): void {
    if (this.collectorCreated) return;
    // Global::new makes the queue (its sentinel node) before Arc::new allocates the ArcInner.
    this.sentinel = this.allocNode();
    this.liveGlobals++;
    this.log("alloc", "global", SIZES.globalArc);
    this.collectorCreated = true;
  }

  private register(p: ModelParticipant): void {
    this.ensureCollector();
    this.liveLocals++;
    this.log("alloc", "local", SIZES.local);
    p.registered = true;
    p.pinned = false;
    p.epoch = 0;
    p.guards = 0;
    p.pins = 0;
    p.bag = [];
    this.participants.push(p);
    this.coverage.registrations++;
  }

  /** This participant registers now if it never has (what the first pin does first). */
  registerIfNeeded(p: ModelParticipant): void {
    if (!p.registered) this.register(p);
  }

  // --- pin / unpin ---

  pin(p: ModelParticipant): void {
    this.registerIfNeeded(p);
    const guards = p.guards;
    p.guards = guards + 1;
    if (guards !== 0) {
      this.coverage.nestedPins++;
      return;
    }
    p.pinned = true;
    p.epoch = this.globalEpoch;
    const count = p.pins;
    p.pins = count + 1;
    this.coverage.outermostPins++;
    if (count % PINNINGS_BETWEEN_COLLECT === 0) this.collect(p);
  }

  unpin(p: ModelParticipant): void {
    if (p.guards === 0) throw new Error(`model: participant ${p.id} unpinned without a guard`);
    p.guards--;
    if (p.guards === 0) {
      p.pinned = false;
      p.epoch = 0;
    }
  }

  // --- defer ---

  /** guard.defer(f) with f adding 1 to counter `target`, capturing `captureBytes` bytes. */
  deferCount(p: ModelParticipant, target: number, captureBytes: number): void {
    this.requireGuard(p, "defer");
    if (captureBytes > INLINE_CAPTURE_BYTES) {
      this.liveBoxes++;
      this.liveBoxBytes += captureBytes;
      this.boxAllocations++;
      this.boxAllocatedBytes += captureBytes;
      this.coverage.boxedDefers++;
      this.log("alloc", "box", captureBytes);
    }
    this.defer(p, { kind: "count", target, captureBytes });
  }

  /** defer on unprotected(): no Deferred is kept, the function runs now. */
  deferCountUnprotected(target: number): void {
    this.coverage.unprotectedRuns++;
    this.bump(target);
  }

  private defer(p: ModelParticipant, item: Item): void {
    if (p.bag.length === MAX_OBJECTS) {
      this.pushBag(p);
      this.coverage.fullBagPushes++;
      if (this.inCollect && item.kind === "node") this.coverage.fullBagPushesDuringCollect++;
    }
    p.bag.push(item);
    this.pendingDeferred++;
    if (item.kind === "count") this.pendingUserDeferred++;
    if (this.pendingDeferred > this.coverage.maxPendingDeferred) this.coverage.maxPendingDeferred = this.pendingDeferred;
  }

  /** Global::push_bag: seal the bag with the current global epoch and append it to the queue. */
  private pushBag(p: ModelParticipant): void {
    const node = this.allocNode();
    this.queue.push({ epoch: this.globalEpoch, items: p.bag, node });
    p.bag = [];
    if (this.queue.length > this.coverage.maxQueueLength) this.coverage.maxQueueLength = this.queue.length;
  }

  // --- collection ---

  /** Global::try_advance: the epoch after the attempt. */
  tryAdvance(): number {
    for (const p of this.participants) {
      if (p.pinned && p.epoch !== this.globalEpoch) {
        this.coverage.advanceRefusals++;
        return this.globalEpoch;
      }
    }
    this.globalEpoch++;
    this.coverage.advances++;
    return this.globalEpoch;
  }

  private isExpired(bag: ModelSealedBag, globalEpoch: number): boolean {
    return globalEpoch - bag.epoch >= 2;
  }

  /** Global::collect, run by (and deferring into the bag of) participant `p`. */
  collect(p: ModelParticipant): void {
    this.coverage.collects++;
    const epoch = this.tryAdvance();
    this.inCollect = true;
    let steps = 0;
    for (; steps < COLLECT_STEPS; steps++) {
      const front = this.queue[0];
      if (front === undefined || !this.isExpired(front, epoch)) break;
      this.queue.shift();
      this.coverage.pops++;
      // try_pop_if: the old sentinel is retired (guard.defer_destroy) and the popped bag's node
      // becomes the sentinel; then the caller drops the SealedBag, running its items in order.
      const retired = this.sentinel;
      this.sentinel = front.node;
      this.defer(p, { kind: "node", node: retired });
      this.runAll(front.items);
    }
    this.inCollect = false;
    if (steps === COLLECT_STEPS) this.coverage.collectsAtStepLimit++;
  }

  /** Local::flush. */
  flush(p: ModelParticipant): void {
    this.requireGuard(p, "flush");
    this.coverage.flushes++;
    if (p.bag.length > 0) {
      this.pushBag(p);
      this.coverage.flushPushes++;
    }
    this.collect(p);
  }

  private runAll(items: Item[]): void {
    for (const item of items) {
      this.pendingDeferred--;
      if (item.kind === "count") {
        this.pendingUserDeferred--;
        if (item.captureBytes > INLINE_CAPTURE_BYTES) {
          this.liveBoxes--;
          this.liveBoxBytes -= item.captureBytes;
        }
        this.coverage.countRuns++;
        this.bump(item.target);
        if (item.captureBytes > INLINE_CAPTURE_BYTES) this.log("free", "box", item.captureBytes);
        this.onCountRun?.(item);
      } else {
        this.coverage.nodeFrees++;
        this.freeNode();
      }
    }
  }

  private bump(target: number): void {
    this.executed.set(target, (this.executed.get(target) ?? 0) + 1);
    this.executedTotal++;
  }

  private requireGuard(p: ModelParticipant, what: string): void {
    if (!p.registered || p.guards === 0) throw new Error(`model: ${what} on participant ${p.id} without a guard`);
  }

  // --- observation ---

  participantState(p: ModelParticipant): ParticipantState {
    if (!p.registered) return { registered: false, epoch: 0, pinned: false, guards: 0, pins: 0, bagLength: 0 };
    return { registered: true, epoch: p.epoch, pinned: p.pinned, guards: p.guards, pins: p.pins, bagLength: p.bag.length };
  }

  state(): CollectorState {
    return {
      epoch: this.globalEpoch,
      pendingDeferred: this.pendingDeferred,
      pendingUserDeferred: this.pendingUserDeferred,
      pendingNodeFrees: this.pendingNodeFrees(),
      pendingParticipantFrees: 0, // the model's participants never unregister
      queuedBags: this.queue.length,
    };
  }

  queueSnapshot(): QueuedBag[] {
    return this.queue.map((bag) => ({ epoch: bag.epoch, length: bag.items.length }));
  }

  /** Retired queue nodes whose free is still pending (node items in bags and in the queue). */
  pendingNodeFrees(): number {
    return this.pendingDeferred - this.pendingUserDeferred;
  }

  /** Boxed count items still pending, and their bytes. */
  pendingBoxes(): { count: number; bytes: number } {
    return { count: this.liveBoxes, bytes: this.liveBoxBytes };
  }
}
