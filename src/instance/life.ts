// One instance's life, as the probe's loop and a benchmark iteration both live it: `setup` builds
// a SegmentedStream, or an OptimisedIndex holding one (its table sized for a capacity); `routine`
// appends or upserts K values, then consumes the instance, dropping it as its variant's Drop does.

import type { Lab } from "../memory/lab.js";
import { SegmentedStream } from "../stream/segmented-stream.js";
import { OptimisedIndex, type Indexer, type TableKind } from "../index/optimised-index.js";
import { streamVariantOf, type ProbeVariant } from "./variants.js";

export interface InstanceSpec {
  variant: ProbeVariant;
  pageSlots: number;
  /** An OptimisedIndex with a table sized for this capacity; absent: a bare stream. */
  indexCapacity?: number;
  indexer?: Indexer;
  indexTable?: TableKind;
  /** Values written before the drop (upserts into an index, appends to a bare stream). */
  values: number;
}

export type Instance = OptimisedIndex | SegmentedStream;

export interface InstanceLife {
  setup(): Instance;
  routine(instance: Instance): void;
}

export function instanceLife(lab: Lab, spec: InstanceSpec): InstanceLife {
  const variant = streamVariantOf(spec.variant);
  const values = spec.values;
  if (spec.indexCapacity !== undefined) {
    const options = { indexer: spec.indexer, capacity: spec.indexCapacity, table: spec.indexTable, variant, pageSlots: spec.pageSlots };
    return {
      setup: OptimisedIndex.builder(lab, options),
      routine: (index) => {
        for (let k = 0; k < values; k++) (index as OptimisedIndex).upsert(k, k);
        index.drop();
      },
    };
  }
  const options = { variant, pageSlots: spec.pageSlots };
  return {
    setup: SegmentedStream.builder(lab, options),
    routine: (stream) => {
      for (let k = 0; k < values; k++) (stream as SegmentedStream).append(k, k);
      stream.drop();
    },
  };
}
