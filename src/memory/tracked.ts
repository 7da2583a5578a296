// The structures a Lab object checks (lab.check()): a set in the order they were tracked, with the
// newest one held apart. A benchmark's setup creates an instance and its routine drops it before
// the next is made, hundreds of thousands of times; with the newest held apart that cycle never
// touches the Set, whose add and delete cost ~60 ns a pair here (~30 ms over the seed's 516,686
// instances, bench/notes/reproduce-speed.md). Any other order works too: older ones live in the Set.

import type { Checkable } from "./port.js";

export class TrackedStructures {
  private readonly older = new Set<Checkable>();
  private newest: Checkable | undefined;

  add(structure: Checkable): void {
    if (structure === this.newest) return;
    if (this.newest !== undefined) this.older.add(this.newest);
    this.older.delete(structure);
    this.newest = structure;
  }

  delete(structure: Checkable): void {
    if (structure === this.newest) this.newest = undefined;
    else this.older.delete(structure);
  }

  /** In the order they were (last) tracked. */
  *[Symbol.iterator](): IterableIterator<Checkable> {
    yield* this.older;
    if (this.newest !== undefined) yield this.newest;
  }
}
