// Worker for tests/library.test.ts: opens the lab descriptor it was posted (workerData.lab, a
// structured clone of lab.share()) with Lab.attach(descriptor), allocates one "test" block, writes
// a tag into it through the shared memory and posts the block's address back; the main thread
// reads the tag and frees the block.

import { parentPort, workerData } from "node:worker_threads";
import { Lab, type LabDescriptor } from "../../src/index.js";

export interface ShareResult {
  address: number;
  tag: number;
}

const { lab: descriptor, tag } = workerData as { lab: LabDescriptor; tag: number };
const lab = Lab.attach(descriptor);
const address = lab.alloc("test", 64);
new Uint32Array(lab.memory.buffer, address, 1)[0] = tag;
parentPort!.postMessage({ address, tag } satisfies ShareResult);
