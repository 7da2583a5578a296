// A small run for the report tests: an epoch-deferred stream with 4-slot pages, so pages are made
// by SegmentedStream::new and by roll_over, and the epoch collector allocates; nothing is dropped.

import { Lab } from "../src/memory/lab.js";
import { SegmentedStream } from "../src/stream/segmented-stream.js";

export function smallRun(): Lab {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { variant: "epoch-deferred", pageSlots: 4 });
  for (let i = 0; i < 40; i++) stream.append(i, i);
  return lab;
}
