// The lab's default collector from JavaScript: participants, and the collector's state for reports.

import { AllocationFailedError, requireInteger } from "../errors.js";
import { INTERNAL, requireInternal } from "../internal.js";
import type { LabPort } from "../memory/port.js";
import { SCRATCH_BYTES } from "../memory/scratch.js";
import { BAG_SNAPSHOT } from "../memory/layout.js";
import { Participant, requireCounter } from "./participant.js";

export interface QueuedBag {
  /** The global epoch (in steps) the bag was sealed in. */
  epoch: number;
  length: number;
}

export interface CollectorState {
  /** The global epoch, in steps (crossbeam stores it doubled, with a pinned bit). 0 before the first pin. */
  epoch: number;
  /** Deferred functions not yet run, in bags and in the queue. */
  pendingDeferred: number;
  /** The same, not counting the collector's own garbage (the two below). */
  pendingUserDeferred: number;
  /** Frees of queue nodes the collector retired (each pop retires one). */
  pendingNodeFrees: number;
  /** Frees of the Locals of unregistered participants. */
  pendingParticipantFrees: number;
  /** Sealed bags in the queue (one heap node each, besides the sentinel). */
  queuedBags: number;
}

const MAX_SNAPSHOT = SCRATCH_BYTES / BAG_SNAPSHOT.size;

export class Epochs {
  private own: Participant | undefined;
  private readonly made: Participant[] = [];

  /** Internal: every Lab has one, `lab.epoch`. */
  constructor(token: unknown, private readonly lab: LabPort) {
    requireInternal(token, "Epochs", "lab.epoch");
  }

  /** A new participant: a thread of the modelled program, registered at its first pin. */
  participant(): Participant {
    const participant = new Participant(INTERNAL, this.lab);
    this.made.push(participant);
    return participant;
  }

  /**
   * Unregisters every participant this object made, and this thread's own (as a thread's exit
   * does natively), so nothing they deferred is stranded. Lab.close calls it.
   */
  unregisterAll(): void {
    for (const participant of this.made.splice(0)) participant.unregister();
    this.own?.unregister();
    this.own = undefined;
  }

  /** This thread's own participant, the one drops and rollovers pin (registered on first use). */
  current(): Participant {
    if (!this.own) {
      const local = this.lab.raw.epochCurrent() >>> 0;
      if (local === 0) throw new AllocationFailedError("epoch participant registration", this.lab.lastFailure());
      this.own = new Participant(INTERNAL, this.lab, local);
    }
    return this.own;
  }

  /** defer on the unprotected guard: the function (add 1 to the u64 at `counter`) runs at once. */
  deferCountUnprotected(counter: number): void {
    this.lab.raw.epochDeferCountUnprotected(requireCounter(this.lab, "counter", counter));
  }

  state(): CollectorState {
    const raw = this.lab.raw;
    return {
      epoch: raw.epochNumber(raw.epochGlobalEpoch()),
      pendingDeferred: raw.epochPending(0),
      pendingUserDeferred: raw.epochPending(1),
      pendingNodeFrees: raw.epochPending(2),
      pendingParticipantFrees: raw.epochPending(3),
      queuedBags: raw.epochQueuedBags(),
    };
  }

  /** The queued bags, oldest first (at most `max`, up to 2,048). */
  queue(max = 1024): QueuedBag[] {
    requireInteger("max", max, 0, MAX_SNAPSHOT);
    const out = this.lab.reserveScratch();
    const count = this.lab.raw.epochQueueSnapshot(out, max);
    const view = new DataView(this.lab.memory.buffer);
    const bags: QueuedBag[] = [];
    for (let i = 0; i < count; i++) {
      bags.push({
        epoch: this.lab.raw.epochNumber(Number(view.getBigUint64(out + i * BAG_SNAPSHOT.size + BAG_SNAPSHOT.epoch, true))),
        length: Number(view.getBigUint64(out + i * BAG_SNAPSHOT.size + BAG_SNAPSHOT.length, true)),
      });
    }
    return bags;
  }
}
