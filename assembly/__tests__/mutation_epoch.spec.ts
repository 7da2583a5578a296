// Tests added by the mutation pass (issue 9 item 6): the epoch collector's per-thread participant.

import { currentParticipant, unregisterParticipant } from "../epoch/collector";
import { localDeleted } from "../epoch/global";
import { startHeap } from "./helpers";

beforeAll(() => {
  startHeap();
});

describe("mutation pass: the thread's participant", () => {
  // collector.ts unregisterParticipant: unregistering the thread's own participant forgets it, so
  // the next currentParticipant registers afresh instead of handing out an unlinked Local (which
  // a later collect frees).
  it("after unregistering the current participant, currentParticipant registers a new one", () => {
    const first = currentParticipant();
    expect<usize>(first).not.toBe(0);
    expect<bool>(localDeleted(first)).toBe(false);
    expect<bool>(unregisterParticipant(first)).toBe(true);
    expect<bool>(localDeleted(first)).toBe(true, "marked deleted in the list");
    const second = currentParticipant();
    expect<usize>(second).not.toBe(first, "a new registration");
    expect<bool>(localDeleted(second)).toBe(false);
    expect<usize>(currentParticipant()).toBe(second);
  });
});
