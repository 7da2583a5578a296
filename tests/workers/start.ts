// The main thread's side of the test workers: start one, and wait for several (stopping the rest
// when one fails, since the others may be waiting for it at a barrier). The workers' own side is
// job.ts.

import { Worker } from "node:worker_threads";

export interface Running<T> {
  worker: Worker;
  done: Promise<T>;
}

/**
 * Starts a worker (`file` relative to `base`, a module URL); `done` resolves with its one message,
 * and rejects on an error, a non-zero exit, or no message.
 */
export function startWorker<T>(file: string, base: string | URL, workerData: unknown): Running<T> {
  const worker = new Worker(new URL(file, base), { workerData });
  const done = new Promise<T>((resolve, reject) => {
    let result: { value: T } | undefined;
    worker.on("message", (value: T) => { result = { value }; });
    worker.on("error", reject);
    worker.on("messageerror", reject);
    worker.on("exit", (code) => {
      if (code !== 0) reject(new Error(`${file} exited with code ${code}`));
      else if (!result) reject(new Error(`${file} exited without a result`));
      else resolve(result.value);
    });
  });
  return { worker, done };
}

/** Waits for all; if one fails, stops the others (which may be waiting on it) and rethrows. */
export async function allWorkers<T>(running: Running<T>[]): Promise<T[]> {
  try {
    return await Promise.all(running.map((r) => r.done));
  } catch (error) {
    await Promise.allSettled(running.map((r) => r.worker.terminate()));
    throw error;
  }
}
