// The local pool: `jobs` worker threads (each its own wasm instance and labs), fed one cell at a
// time from a shared queue, so a slow cell never holds up the rest. Each result is handed to
// `onResult` as it arrives (the caller appends it to the results file: that file is the merge
// point, and a job queue on several machines would feed the same file). A worker that dies takes
// only its current cell, recorded as an "error" result, and is replaced.

import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { errorResult, type CellResult } from "./cell.js";
import type { Cell } from "./grid.js";

const WORKER_URL = new URL("./worker.js", import.meta.url);

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** Runs every cell; resolves with the results in grid order once all have arrived. */
export function runPool(cells: Cell[], jobs: number, onResult: (result: CellResult) => void): Promise<CellResult[]> {
  const results = new Map<string, CellResult>();
  let next = 0;
  return new Promise((resolve) => {
    if (!cells.length) return resolve([]);
    const finish = (worker: Worker, result: CellResult) => {
      results.set(result.key, result);
      onResult(result);
      if (results.size === cells.length) {
        void worker.terminate();
        resolve(cells.map((c) => results.get(c.key)!));
      } else feed(worker);
    };
    const feed = (worker: Worker) => {
      const cell = cells[next++];
      if (!cell) return void worker.terminate();
      let done = false;
      worker.removeAllListeners();
      worker.once("message", (result: CellResult) => { done = true; finish(worker, result); });
      worker.once("error", (error) => { if (!done) { done = true; lost(worker, cell, error.message); } });
      worker.once("exit", (code) => { if (!done) { done = true; lost(worker, cell, `worker exited with code ${code}`); } });
      worker.postMessage(cell);
    };
    const lost = (worker: Worker, cell: Cell, why: string) => {
      void worker.terminate();
      finish(spawn(), errorResult(cell, why));
    };
    const spawn = () => new Worker(WORKER_URL);
    for (let i = 0; i < Math.min(jobs, cells.length); i++) feed(spawn());
  });
}
