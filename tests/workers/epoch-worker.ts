// Worker for tests/workers.test.ts: a thread's epoch participant over a memory another thread made.
//
// workerData: { memory, module, counter, count, foreign }. Defers `count` increments of the u64 at
// `counter` on a participant of its own, then either closes its lab (as a thread's exit would end
// its participant: the bag goes to the global queue) or, with `foreign` set (the address of a
// participant the main thread owns), first tries to pin that one and reports what happened.

import { finish, joinLab, type LabJob } from "./job.js";

interface EpochJob extends LabJob {
  counter: number;
  count: number;
  foreign: number;
}

export interface EpochSummary {
  deferred: number;
  bagAtClose: number;
  /** The error pinning the foreign participant gave ("" if there was none to try, or none given). */
  foreignError: string;
  foreignCode: number;
}

const { job, lab } = joinLab<EpochJob>();
const summary: EpochSummary = { deferred: 0, bagAtClose: 0, foreignError: "", foreignCode: 0 };

if (job.foreign) {
  try {
    lab.raw.epochPin(job.foreign);
  } catch (error) {
    summary.foreignError = (error as Error).name;
    summary.foreignCode = lab.raw.abiError();
  }
}
const participant = lab.epoch.participant();
const guard = participant.pin();
for (let i = 0; i < job.count; i++, summary.deferred++) guard.deferCount(job.counter);
guard.release();
summary.bagAtClose = participant.state().bagLength;
finish(lab, summary);
