// Epoch states a fault-injection script starts a participant in, so that the operation under test
// reaches each allocating path of the collector (assembly/epoch/local.ts):
//
//   fresh        not registered: its first pin registers it (and creates the collector if none)
//   registered   pinned once and released: a pin allocates nothing
//   bag-full     its bag holds 64 deferred functions: the next defer seals it and pushes a node
//   collect-due  its next outermost pin collects (pin count a multiple of 128), two bags it sealed
//                have expired, and its bag is full: popping the first retires the old sentinel,
//                whose deferred free must push the full bag (a node allocation) inside collect
//
// Every deferred function here counts on a counter of the world's, so its running is checked.

import assert from "node:assert/strict";
import type { World, Actor, Counter } from "./world.js";

export const EPOCH_STATES = ["fresh", "registered", "bag-full", "collect-due"] as const;
export type EpochState = (typeof EPOCH_STATES)[number];

/** crossbeam-epoch's constants (assembly/epoch/local.ts, bag.ts). */
export const MAX_OBJECTS = 64;
export const PINNINGS_BETWEEN_COLLECT = 128;

function fillBag(world: World, actor: Actor, counter: Counter, items: number): void {
  world.pin(actor);
  for (let i = 0; i < items; i++) world.defer(actor, counter, 8);
  world.release(actor);
}

/** Brings `actor` (unpinned) into `state`; `counter` counts the garbage made on the way. */
export function primeEpoch(world: World, actor: Actor, state: EpochState, counter: Counter): void {
  if (state === "fresh") return;
  world.pin(actor);
  world.release(actor);
  if (state === "registered") return;
  const bag = () => actor.participant.state().bagLength;
  if (state === "bag-full") {
    fillBag(world, actor, counter, MAX_OBJECTS - bag());
    assert.equal(bag(), MAX_OBJECTS, "primed: the bag is full");
    return;
  }
  const queued = world.lab.epoch.state().queuedBags;
  fillBag(world, actor, counter, 3 * MAX_OBJECTS - bag());
  assert.equal(world.lab.epoch.state().queuedBags - queued, 2, "primed: two bags sealed");
  while (actor.participant.state().pins % PINNINGS_BETWEEN_COLLECT !== 0) {
    world.pin(actor);
    world.release(actor);
  }
  // Another participant's first pin collects: the epoch moves one step on, so the actor's next
  // collect, advancing once more, finds the two bags expired (sealed two steps back).
  const helper = world.actor();
  world.pin(helper);
  world.release(helper);
  const s = actor.participant.state();
  assert.equal(s.pins % PINNINGS_BETWEEN_COLLECT, 0, "primed: the next outermost pin collects");
  assert.equal(s.bagLength, MAX_OBJECTS, "primed: the bag is full");
}
