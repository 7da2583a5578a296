// The token segstream's own modules pass to the constructors of its handles (Lab, Epochs,
// Participant, Guard, SegmentedStream, OptimisedIndex). A handle stands for a structure at an
// address in a lab's memory; a user who could construct one could point it anywhere. So the
// constructors take this token first and refuse to run without it, and the public ways to get a
// handle are the factories: Lab.create/attach, lab.epoch.participant()/current(), guard = pin(),
// SegmentedStream.create, OptimisedIndex.create. The token is not exported from src/index.ts.

import { describe } from "./errors.js";

export const INTERNAL: unique symbol = Symbol("segstream internal");

/** Throws a TypeError unless `token` is INTERNAL: `what` has no public constructor, `instead` says what to call. */
export function requireInternal(token: unknown, what: string, instead: string): void {
  if (token !== INTERNAL) throw new TypeError(`${what} has no public constructor (use ${instead}); got ${describe(token)} as its first argument`);
}
