// Child-process script for tests/workers.test.ts ("memory another thread has just grown"): rounds
// of two workers appending 20,000 values each to one fresh stream, with the heap growing as pages
// are made (nothing reserved up front), for a few seconds. Every growth is a chance for the race.
// Prints "ok N rounds, the heap grown G times" and exits 0 if every round completes with every
// value in place; on a worker error, stops the other worker (which would otherwise spin for ever
// waiting to publish after the value the failed one had reserved) and exits 1.

import { Lab, STREAM_VARIANTS } from "../../src/index.js";
import type { AppendSummary } from "./append-worker.js";
import { startWorker, type Running } from "./start.js";

const MAX_ROUNDS = 40;
const BUDGET_MS = 6_000;
const PER_WORKER = 20_000;
const CASES = [
  { variant: "explicit-drop", pageSlots: 64, modes: ["single", "single"] },
  { variant: "as-written", pageSlots: 64, modes: ["batch", "single"] },
  { variant: "mock", pageSlots: 64, modes: ["single", "batch"] },
  { variant: "explicit-drop", pageSlots: 1, modes: ["single", "single"] },
] as const;

function run(workerData: unknown): Running<AppendSummary> {
  return startWorker<AppendSummary>("./append-worker.js", import.meta.url, workerData);
}

const started = Date.now();
let rounds = 0;
let growths = 0;
for (let round = 0; round < MAX_ROUNDS && Date.now() - started < BUDGET_MS; round++) {
  const lab = Lab.create();
  const { variant, pageSlots, modes } = CASES[round % CASES.length];
  const stream = lab.raw.streamNew(STREAM_VARIANTS.indexOf(variant), pageSlots) >>> 0;
  const barrier = new SharedArrayBuffer(4);
  const running = modes.map((mode, id) => run({
    memory: lab.memory, module: lab.module, stream, id, count: PER_WORKER, mode, seed: round * 2 + id + 1, barrier, parties: 2,
  }));
  try {
    const summaries = await Promise.all(running.map((r) => r.done));
    if (summaries.some((s) => s.failures || s.appended !== PER_WORKER)) throw new Error(`round ${round}: ${JSON.stringify(summaries)}`);
    if (lab.raw.streamLen(stream) !== 2 * PER_WORKER) throw new Error(`round ${round}: length ${lab.raw.streamLen(stream)}`);
    rounds++;
    growths += lab.ledger().heap.growths;
  } catch (error) {
    await Promise.allSettled(running.map((r) => r.worker.terminate()));
    process.stderr.write(`round ${round} (${variant}, pageSlots ${pageSlots}, ${modes.join(" + ")}; heap grown ${lab.ledger().heap.growths} times): ${(error as Error).message}\n`);
    process.exit(1);
  }
}
process.stdout.write(`ok ${rounds} rounds, the heap grown ${growths} times\n`);
