// What a run of the probe or the scenario runner must leave behind when an allocation is refused
// part way: the lab consistent, the instance in flight (if its setup had returned) holding exactly
// the values it was given and taking more, and, once it is dropped and the epoch drained, the same
// live bytes and blocks per site as a fault-free replay of the same instances with the same values
// (instance.ts's life: values (j, j) for j = 0, 1, ...).

import assert from "node:assert/strict";
import { Lab, SegmentedStream, OptimisedIndex, type LabOptions, type StreamVariant } from "../../src/index.js";
import type { Captured } from "./capture-lab.js";
import { assertValues, type Value } from "./models.js";
import { drainEpoch, settledFigures, figuresDifference } from "./settle.js";

export interface LifeSpec {
  structure: "SegmentedStream" | "OptimisedIndex";
  variant: StreamVariant;
  pageSlots: number;
  /** OptimisedIndex only. */
  indexCapacity: number;
}

function lifeValues(count: number): Value[] {
  return Array.from({ length: count }, (_, j) => [j, j]);
}

function make(lab: Lab, spec: LifeSpec): SegmentedStream | OptimisedIndex {
  return spec.structure === "SegmentedStream"
    ? SegmentedStream.create(lab, { variant: spec.variant, pageSlots: spec.pageSlots })
    : OptimisedIndex.create(lab, { indexer: "first-word", capacity: spec.indexCapacity, variant: spec.variant, pageSlots: spec.pageSlots });
}

function put(structure: SegmentedStream | OptimisedIndex, from: number, to: number): void {
  for (let j = from; j < to; j++) {
    if (structure instanceof SegmentedStream) structure.append(j, j);
    else structure.upsert(j, j);
  }
}

/** The instance's values are (j, j) for j < n, n its length; then one more goes in. */
function verifyInFlight(structure: SegmentedStream | OptimisedIndex): number {
  if (structure instanceof SegmentedStream) {
    const n = structure.length;
    assertValues(structure.read(0, n), lifeValues(n), "the instance in flight");
    put(structure, n, n + 1);
    assertValues(structure.read(0, n + 1), lifeValues(n + 1), "the instance in flight, after one more value");
    return n + 1;
  }
  const n = structure.streamLength;
  assert.equal(structure.size, n, "the index in flight: one key per upsert");
  assertValues(structure.values(), lifeValues(n), "the index in flight");
  put(structure, n, n + 1);
  assertValues(structure.values(), lifeValues(n + 1), "the index in flight, after one more upsert");
  return n + 1;
}

/**
 * Checks `captured` (the lab the code under test made, stopped by a refusal) as described above.
 * `options` are the lab's options; the limit, if any, is lifted for the checks.
 */
export function checkAfterRefusal(captured: Captured, spec: LifeSpec, options: LabOptions): void {
  const { lab, made } = captured;
  lab.injectFailure(0);
  lab.configure({ ...options, limitBytes: 0 });
  lab.check();
  const live = made.filter((m) => m.droppedAt === undefined);
  assert.ok(live.length <= 1, `at most the one instance in flight is live (${live.length})`);
  for (const m of live) {
    verifyInFlight(m.structure);
    lab.check();
    m.structure.drop();
  }
  drainEpoch(lab, []);
  lab.check();
  const figures = settledFigures(lab);

  const replay = Lab.create({ ...options, limitBytes: 0 });
  replay.reserveScratch();
  for (const m of made) {
    const structure = make(replay, spec);
    put(structure, 0, m.droppedAt ?? 0);
    structure.drop();
  }
  drainEpoch(replay, []);
  const difference = figuresDifference(figures, settledFigures(replay));
  assert.equal(difference, "", `after the drop and drain, against a fault-free replay of the ${made.length} instances: ${difference}`);
}
