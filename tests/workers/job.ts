// The workers' side of a test worker (the main thread's side is start.ts): the fields every job
// carries, joining the job's lab, a seeded random source, a start barrier so that the workers'
// loops really overlap, and the one message a worker ends with.

import { parentPort, workerData } from "node:worker_threads";
import { Lab } from "../../src/index.js";
import { prng } from "../prng.js";

/** What a worker needs to join a lab another thread made. */
export interface LabJob {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
}

export interface WorkerJob extends LabJob {
  id: number;
  seed: number;
  /** Int32Array[1] over a SharedArrayBuffer: the workers start their loops together. */
  barrier: SharedArrayBuffer;
  parties: number;
}

/** This worker's job (its workerData) and a Lab attached to the job's memory. */
export function joinLab<J extends LabJob>(): { job: J; lab: Lab } {
  const job = workerData as J;
  return { job, lab: Lab.attach(job.memory, job.module) };
}

/** The job's seeded random source (tests/prng.ts), uniform in [0, 1), and integers in [0, n) drawn from it. */
export function seeded(seed: number): { random: () => number; below: (n: number) => number } {
  const random = prng(seed);
  return { random, below: (n) => Math.floor(random() * n) };
}

/** Arrives at the job's barrier and waits (at most 20 s) for the other parties. */
export function startTogether(job: WorkerJob): void {
  const barrier = new Int32Array(job.barrier);
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  const deadline = Date.now() + 20_000;
  while (Atomics.load(barrier, 0) < job.parties) {
    if (Date.now() > deadline) throw new Error(`worker ${job.id}: the other worker never arrived`);
    Atomics.wait(barrier, 0, Atomics.load(barrier, 0), 100);
  }
}

/** Closes the worker's lab and posts its summary: the one message startWorker's `done` resolves with. */
export function finish(lab: Lab, summary: unknown): void {
  lab.close();
  parentPort!.postMessage(summary);
}
