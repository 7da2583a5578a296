// Epoch participants and guards from JavaScript (the model is assembly/epoch/collector.ts).
//
// A Participant stands for one thread of the Rust program. It registers with the lab's default
// collector at its first pin, as a thread does, so creating one costs nothing. Several participants
// can be driven from one JavaScript thread to model other threads deterministically (one stalled
// while another works); `lab.epoch.current()` is this thread's own, the one stream and index drops use.

import { AllocationFailedError, UseAfterDropError, requireInteger } from "../errors.js";
import { INTERNAL, requireInternal } from "../internal.js";
import type { LabPort } from "../memory/port.js";
import { RESERVED_BYTES } from "../memory/layout.js";

export interface ParticipantState {
  registered: boolean;
  /** The epoch (in steps) this participant last pinned in, while pinned. */
  epoch: number;
  pinned: boolean;
  guards: number;
  /** Outermost pins so far: every 128th (the first included) runs a collection. */
  pins: number;
  /** Deferred functions waiting in its bag. */
  bagLength: number;
}

const MAX_INLINE_CAPTURE = 1 << 20;
const COUNTER_BYTES = 8;

/**
 * A counter's address: an 8-byte-aligned u64 above the reserved region and inside the memory. (That
 * it lies in a live block lab.alloc handed out is for the module to check: ABI_NOT_A_COUNTER.)
 */
export function requireCounter(lab: LabPort, name: string, counter: unknown): number {
  const top = lab.memory.buffer.byteLength - COUNTER_BYTES;
  const address = requireInteger(name, counter, RESERVED_BYTES, Math.max(RESERVED_BYTES, top));
  if (address % COUNTER_BYTES !== 0) throw new RangeError(`${name} must be 8-byte aligned, got ${address}`);
  return address;
}

export class Participant {
  private local: number;
  private ended = false;

  /** Internal: lab.epoch.participant() and lab.epoch.current() make participants. */
  constructor(token: unknown, private readonly lab: LabPort, local = 0) {
    requireInternal(token, "Participant", "lab.epoch.participant()");
    this.local = local;
  }

  get registered(): boolean {
    return this.local !== 0;
  }

  /**
   * Ends the participant (crossbeam's Local::finalize, run when a thread exits): its bag goes to the
   * global queue, so nothing it deferred is stranded, and a later collect frees its Local. It must
   * hold no guard. A participant never registered has nothing to end. Throws AllocationFailedError
   * (nothing changed) if pushing the bag was refused. The participant cannot be used afterwards.
   */
  unregister(): void {
    if (this.local === 0) return;
    const guards = this.lab.raw.epochGuardCount(this.local);
    if (guards !== 0) throw new RangeError(`this participant still holds ${guards} guard(s): release them before unregistering`);
    if (!this.lab.raw.epochUnregister(this.local)) throw new AllocationFailedError("Local::finalize (bag push)", this.lab.lastFailure());
    this.local = 0;
    this.ended = true;
  }

  /** epoch::pin(): registers first if needed. Throws AllocationFailedError if the model refuses. */
  pin(): Guard {
    if (this.ended) throw new UseAfterDropError("this Participant was unregistered");
    const raw = this.lab.raw;
    if (this.local === 0) {
      this.local = raw.epochRegister() >>> 0;
      if (this.local === 0) throw new AllocationFailedError("epoch participant registration", this.lab.lastFailure());
    }
    if (!raw.epochPin(this.local)) {
      raw.epochUnpin(this.local);
      throw new AllocationFailedError("epoch::pin (collect)", this.lab.lastFailure());
    }
    return new Guard(INTERNAL, this.lab, this.local);
  }

  state(): ParticipantState {
    const raw = this.lab.raw;
    if (this.local === 0) return { registered: false, epoch: 0, pinned: false, guards: 0, pins: 0, bagLength: 0 };
    const word = raw.epochLocalEpoch(this.local);
    return {
      registered: true,
      epoch: raw.epochNumber(word),
      pinned: raw.epochWordPinned(word) !== 0,
      guards: raw.epochGuardCount(this.local),
      pins: raw.epochPinCount(this.local),
      bagLength: raw.epochBagLen(this.local),
    };
  }
}

/** A pinned participant. Release it (guards nest; the last release unpins). */
export class Guard {
  private live = true;

  /** Internal: participant.pin() makes guards. */
  constructor(token: unknown, private readonly lab: LabPort, private readonly local: number) {
    requireInternal(token, "Guard", "participant.pin()");
  }

  private check(): void {
    if (!this.live) throw new UseAfterDropError("this Guard was released");
  }

  /**
   * guard.defer(f) where f adds 1 to the u64 at `counter` (a lab address), capturing `captureBytes`:
   * captures over 24 bytes are boxed, as crossbeam-epoch does.
   */
  deferCount(counter: number, captureBytes = 8): void {
    this.check();
    requireCounter(this.lab, "counter", counter);
    requireInteger("captureBytes", captureBytes, 0, MAX_INLINE_CAPTURE);
    if (!this.lab.raw.epochDeferCount(this.local, counter, captureBytes)) {
      throw new AllocationFailedError("guard.defer", this.lab.lastFailure());
    }
  }

  /**
   * Defers freeing `address`, a block lab.alloc handed out (crossbeam's `guard.defer_destroy`): the
   * collector frees it once every participant pinned now has unpinned. From here on the block is
   * the collector's: do not free it yourself. Throws RangeError (from the module) if `address` is
   * not the start of a live lab.alloc block, AllocationFailedError if the bag's room was refused
   * (nothing deferred then).
   */
  deferFree(address: number): void {
    this.check();
    requireInteger("address", address, 0, 0xffff_ffff);
    if (!this.lab.raw.epochDeferFree(this.local, address)) throw new AllocationFailedError("guard.defer_destroy", this.lab.lastFailure());
  }

  /** guard.flush(): push the participant's bag to the global queue, then collect once. */
  flush(): void {
    this.check();
    if (!this.lab.raw.epochFlush(this.local)) throw new AllocationFailedError("guard.flush", this.lab.lastFailure());
  }

  release(): void {
    this.check();
    this.live = false;
    this.lab.raw.epochUnpin(this.local);
  }
}
