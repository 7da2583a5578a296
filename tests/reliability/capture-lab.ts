// Reaching the lab that code under test creates for itself (runProbe, runScenario): Lab.create is
// wrapped for the length of one call, so the test gets the lab (to arm a fault in it before the code
// allocates anything, and to check it afterwards) and every stream and index made through it, with
// what each held when it was dropped.

import { Lab, type LabOptions, type SegmentedStream, type OptimisedIndex } from "../../src/index.js";

export interface Made {
  structure: SegmentedStream | OptimisedIndex;
  /** Values it held when dropped (stream length, or upserts into an index); undefined while live. */
  droppedAt: number | undefined;
}

export interface Captured {
  lab: Lab;
  made: Made[];
  /** Allocations the lab made before the code under test had it (the debug build takes one). */
  callsAtCreation: number;
}

/** Allocations the code under test made through a captured lab. */
export function callsMade(captured: Captured): number {
  return captured.lab.allocationCalls - captured.callsAtCreation;
}

function valuesIn(structure: SegmentedStream | OptimisedIndex): number {
  return "streamLength" in structure ? structure.streamLength : structure.length;
}

/**
 * Runs `body` with Lab.create wrapped; `armed` is called on each new lab before it is returned.
 * Returns what body returned or threw (as `error`), and the labs it created.
 */
export function captureLabs<T>(armed: (lab: Lab) => void, body: () => T): { value?: T; error?: unknown; labs: Captured[] } {
  const original = Lab.create;
  const labs: Captured[] = [];
  Lab.create = (options?: LabOptions): Lab => {
    const lab = original.call(Lab, options);
    const captured: Captured = { lab, made: [], callsAtCreation: lab.allocationCalls };
    const track = lab.track.bind(lab);
    lab.track = (structure) => {
      const s = structure as SegmentedStream | OptimisedIndex;
      const made: Made = { structure: s, droppedAt: undefined };
      const drop = s.drop.bind(s);
      s.drop = () => {
        made.droppedAt = valuesIn(s);
        drop();
      };
      captured.made.push(made);
      track(structure);
    };
    labs.push(captured);
    armed(lab);
    return lab;
  };
  try {
    return { value: body(), labs };
  } catch (error) {
    return { error, labs };
  } finally {
    Lab.create = original;
  }
}
