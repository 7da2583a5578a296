// Runs rows in a worker thread (bad-input-worker.ts) with a deadline on each: a row that does not
// answer in time (a call that loops, a lock a bad call corrupted) is recorded as hung, the worker is
// stopped, and a new one carries on with the rows after it. So a hang fails its row, not the suite.

import { Worker } from "node:worker_threads";
import type { RowResult } from "./bad-input-table.js";

/** Time for a worker to load the module and answer at all. */
const STARTUP_MS = 30_000;

interface Round {
  /** The row in flight when the round ended, if it ended early. */
  stuck?: string;
  failure?: string;
}

function round(ids: readonly string[], deadlineMs: number, results: Map<string, RowResult>): Promise<Round> {
  const worker = new Worker(new URL("./bad-input-worker.js", import.meta.url), { workerData: { ids } });
  return new Promise<Round>((resolve) => {
    let current: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const end = (r: Round) => {
      clearTimeout(timer);
      worker.removeAllListeners();
      void worker.terminate().then(() => resolve(r));
    };
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => end({ stuck: current, failure: `no answer within ${ms} ms (hung)` }), ms);
    };
    worker.on("message", (m: { start?: string; done?: string; result?: RowResult; finished?: boolean }) => {
      if (m.finished) return end({});
      if (m.start !== undefined) current = m.start;
      if (m.done !== undefined) {
        results.set(m.done, m.result!);
        current = undefined;
      }
      arm(deadlineMs);
    });
    worker.on("error", (error) => end({ stuck: current, failure: `the worker died: ${error.message}` }));
    worker.on("exit", (code) => end({ stuck: current, failure: `the worker exited (code ${code})` }));
    arm(STARTUP_MS);
  });
}

/**
 * Every row's result, by id. With `workers` above 1 the rows are dealt round-robin to that many
 * workers running at once (for isolated rows: a hang then costs its deadline once per worker).
 */
export async function runRows(ids: readonly string[], deadlineMs: number, workers = 1): Promise<Map<string, RowResult>> {
  if (workers > 1) {
    const shards = Array.from({ length: workers }, (_, w) => ids.filter((_, i) => i % workers === w));
    return new Map((await Promise.all(shards.map((shard) => runRows(shard, deadlineMs)))).flatMap((m) => [...m]));
  }
  const results = new Map<string, RowResult>();
  for (let left = ids; left.length > 0; left = ids.filter((id) => !results.has(id))) {
    const r = await round(left, deadlineMs, results);
    const failure = r.failure ?? "the worker finished without answering";
    // A round that ended outside a row fails the rest: a new worker would fare no better.
    const failed = r.stuck !== undefined ? [r.stuck] : left.filter((id) => !results.has(id));
    for (const id of failed) results.set(id, { ok: false, detail: failure });
  }
  return results;
}
