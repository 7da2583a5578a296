// Epoch participants and guards from JavaScript (the model is assembly/epoch/collector.ts).
//
// A Participant stands for one thread of the Rust program. It registers with the lab's default
// collector at its first pin, as a thread does, so creating one costs nothing. Several participants
// can be driven from one JavaScript thread to model other threads deterministically (one stalled
// while another works); `lab.epoch.current()` is this thread's own, the one stream and index drops use.

import { AllocationFailedError, UseAfterDropError, HANDLE_KEY, requireHandleKey, requireInteger } from "../errors.js";
import type { Lab } from "../memory/lab.js";

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

/** A participant handle over `local` (0: not registered yet): for lab.epoch's factories. */
export function newParticipant(lab: Lab, local = 0): Participant {
  return new Participant(HANDLE_KEY, lab, local);
}

export class Participant {
  private ended = false;

  /** Made by lab.epoch.participant() and lab.epoch.current() (newParticipant), never with new. */
  constructor(key: symbol, private readonly lab: Lab, private local = 0) {
    requireHandleKey(key, "Participant", "lab.epoch.participant()");
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
    return new Guard(HANDLE_KEY, this.lab, this.local);
  }

  state(): ParticipantState {
    const raw = this.lab.raw;
    if (this.local === 0) return { registered: false, epoch: 0, pinned: false, guards: 0, pins: 0, bagLength: 0 };
    const word = raw.epochLocalEpoch(this.local);
    return {
      registered: true,
      epoch: Math.floor(word / 2),
      pinned: word % 2 === 1,
      guards: raw.epochGuardCount(this.local),
      pins: raw.epochPinCount(this.local),
      bagLength: raw.epochBagLen(this.local),
    };
  }
}

/** A pinned participant. Release it (guards nest; the last release unpins). */
export class Guard {
  private live = true;

  /** Made by Participant.pin(), never with new. */
  constructor(key: symbol, private readonly lab: Lab, private readonly local: number) {
    requireHandleKey(key, "Guard", "participant.pin()");
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
    requireInteger("counter", counter, 8, 0xffff_fff8);
    requireInteger("captureBytes", captureBytes, 0, MAX_INLINE_CAPTURE);
    if (counter % 8 !== 0) throw new RangeError(`counter must be 8-byte aligned, got ${counter}`);
    if (!this.lab.raw.epochDeferCount(this.local, counter, captureBytes)) {
      throw new AllocationFailedError("guard.defer", this.lab.lastFailure());
    }
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
