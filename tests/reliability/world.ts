// Everything one fault-injection run made in its lab, with the models of what it holds: streams,
// indexes, standalone ArcSwaps, epoch participants (with their guards) and deferred counters. The
// run's operations go through the world so that the models follow; verify() compares every live
// structure with its model, acceptsNew() writes one more value to each, teardown() drops it all.

import assert from "node:assert/strict";
import {
  SegmentedStream, OptimisedIndex, type Lab, type Guard, type Participant, type StreamOptions, type StreamVariant, type TableKind,
} from "../../src/index.js";
import { StreamModel, IndexModel, SwapModel, type Value } from "./models.js";

/** A deferred function's observable effect: a zeroed u64 in the lab that each run adds 1 to. */
export interface Counter {
  address: number;
  /** Defers of it that were accepted: it must run exactly this often. */
  deferred: number;
}

export interface Actor {
  participant: Participant;
  guards: Guard[];
}

/**
 * Drops `model`'s handle and takes it out of `live`, unless it is out already (see
 * World.dropStream). A refused drop (an epoch-deferred Drop whose pin was refused) drops nothing:
 * the structure stays live, whole, and in `live`, to be dropped again.
 */
function dropFrom<T extends StreamModel | IndexModel>(live: T[], model: T): void {
  const at = live.indexOf(model);
  if (at < 0) return;
  try {
    model.handle.drop();
  } catch (error) {
    assert.ok(!model.handle.dropped, `${model.label}: a refused drop leaves the structure live`);
    throw error;
  }
  live.splice(at, 1);
}

export class World {
  readonly streams: StreamModel[] = [];
  readonly indexes: IndexModel[] = [];
  readonly swaps: SwapModel[] = [];
  readonly actors: Actor[] = [];
  readonly counters: Counter[] = [];
  private serial = 0;

  constructor(readonly lab: Lab) {}

  /** A value no earlier call of this world made (first words distinct, so distinct index keys). */
  nextValue(): Value {
    this.serial++;
    return [this.serial + 0.5, -this.serial];
  }

  values(count: number): Value[] {
    return Array.from({ length: count }, () => this.nextValue());
  }

  createStream(options: StreamOptions): StreamModel {
    const model = new StreamModel(SegmentedStream.create(this.lab, options), `${options.variant} stream #${this.streams.length} (pageSlots ${options.pageSlots})`);
    this.streams.push(model);
    return model;
  }

  /**
   * Drops the stream (a refused drop leaves it live and whole, models.ts); a no-op for one already
   * dropped, so that a retried step does not drop twice.
   */
  dropStream(model: StreamModel): void {
    dropFrom(this.streams, model);
  }

  createIndex(variant: StreamVariant, capacity: number, pageSlots: number, table: TableKind = "flat"): IndexModel {
    const handle = OptimisedIndex.create(this.lab, { indexer: "first-word", capacity, variant, pageSlots, table });
    const model = new IndexModel(handle, `${variant} index #${this.indexes.length} (${table} table, capacity ${capacity}, pageSlots ${pageSlots})`);
    this.indexes.push(model);
    return model;
  }

  /** As dropStream. */
  dropIndex(model: IndexModel): void {
    dropFrom(this.indexes, model);
  }

  createSwap(slots: number): SwapModel {
    const model = SwapModel.create(this.lab, slots, `ArcSwap #${this.swaps.length} (${slots} slots)`);
    this.swaps.push(model);
    return model;
  }

  dropSwap(model: SwapModel): void {
    const at = this.swaps.indexOf(model);
    if (at < 0) return;
    this.swaps.splice(at, 1);
    model.drop();
  }

  /** A participant (registered at its first pin); the default one is this thread's own. */
  actor(participant: Participant = this.lab.epoch.participant()): Actor {
    const actor = { participant, guards: [] };
    this.actors.push(actor);
    return actor;
  }

  /** Counters are allocated up front, so that the operations under test make no allocation of their own for them. */
  allocateCounters(count: number): void {
    for (let i = 0; i < count; i++) this.counters.push({ address: this.lab.alloc("test", 8, { zeroed: true }), deferred: 0 });
  }

  pin(actor: Actor): void {
    actor.guards.push(actor.participant.pin());
  }

  release(actor: Actor): void {
    const guard = actor.guards.pop();
    assert.ok(guard, "release with a guard held");
    guard.release();
  }

  /** guard.defer(count counter) from the actor's innermost guard; counted only if accepted. */
  defer(actor: Actor, counter: Counter, captureBytes: number): void {
    actor.guards[actor.guards.length - 1].deferCount(counter.address, captureBytes);
    counter.deferred++;
  }

  flush(actor: Actor): void {
    actor.guards[actor.guards.length - 1].flush();
  }

  runs(counter: Counter): number {
    return Number(new BigUint64Array(this.lab.memory.buffer, counter.address, 1)[0]);
  }

  verify(context: string): void {
    for (const s of this.streams) s.verify(context);
    for (const x of this.indexes) x.verify(context);
    for (const w of this.swaps) w.verify(context);
    this.counters.forEach((c, i) => {
      const runs = this.runs(c);
      assert.ok(runs <= c.deferred, `${context}: counter ${i} ran ${runs} times, but only ${c.deferred} defers of it were accepted`);
    });
  }

  /** Every live structure still takes new values. */
  acceptsNew(): void {
    for (const s of this.streams) s.append(this.nextValue());
    for (const x of this.indexes) {
      x.upsert(this.nextValue());
      if (x.upserts.length > 0) x.upsert([x.upserts[0][0], -0.25]); // a replacement
    }
    for (const w of this.swaps) w.store(w.pageNo + 1);
  }

  /** Releases every guard and drops every structure (the epoch is drained separately: settle.ts). */
  teardown(): void {
    for (const a of this.actors) while (a.guards.length) this.release(a);
    for (const s of [...this.streams]) this.dropStream(s);
    for (const x of [...this.indexes]) this.dropIndex(x);
    for (const w of [...this.swaps]) this.dropSwap(w);
  }

  /** The participants a drain must cycle: the world's registered ones. */
  participants(): Participant[] {
    return this.actors.map((a) => a.participant).filter((p) => p.registered);
  }
}
