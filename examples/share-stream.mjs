// Two worker threads append to one SegmentedStream the main thread made; the main thread sleeps on
// the stream's published length until all their values are in, checks them and drops the stream.
// Run it with `node examples/share-stream.mjs` after `npm run build` (the suite runs it too).

import { Worker, isMainThread, workerData, parentPort } from "node:worker_threads";
import { Lab, SegmentedStream } from "segstream";

const WORKERS = 2;
const VALUES = 1000;

if (isMainThread) {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab); // explicit-drop: a correct Drop
  const shared = stream.share(); // structured-clonable: { kind, lab: { kind, memory, module }, address }
  const exits = Array.from({ length: WORKERS }, (_, id) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { stream: shared, id } });
    return new Promise((resolve, reject) => worker.once("exit", resolve).once("error", reject));
  });
  const length = await stream.waitAsync(WORKERS * VALUES, 10_000); // Atomics.waitAsync on the length: no polling
  await Promise.all(exits);
  const counts = new Array(WORKERS).fill(0);
  for (let i = 0; i < length; i++) counts[Number(stream.getWords(i)[0])]++; // BigInt words in, BigInt words out
  stream.drop();
  console.log(`${length} values from ${WORKERS} workers (${counts.join(" + ")}); live bytes after the drop: ${lab.ledger().rust.liveBytes}`);
} else {
  const stream = Lab.attach(workerData.stream); // a SegmentedStream over the same memory
  for (let i = 0; i < VALUES; i++) stream.append(BigInt(workerData.id), BigInt(i));
  parentPort.postMessage("done");
}
