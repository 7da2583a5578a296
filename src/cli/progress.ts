// A one-line progress bar on stderr for long runs: only on a terminal, never with --json, and
// redrawn at most ten times a second so it costs nothing measurable.

import type { CallContext } from "../harness/runner.js";

const REDRAW_MS = 100;
const WIDTH = 24;

export interface ProgressBar {
  update: (n: number, ctx: CallContext) => void;
  /** Names what runs now (diagnose: the case), shown before the counts. */
  label: (text: string) => void;
  done: () => void;
}

export function progressBar(enabled: boolean, expectedInstances: number): ProgressBar {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, label: () => {}, done: () => {} };
  let last = 0;
  let name = "";
  return {
    update: (n, ctx) => {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      const filled = Math.min(WIDTH, Math.round((n / expectedInstances) * WIDTH));
      const where = ctx.phase === "warm-up" ? `warm-up round ${ctx.round}` : `sample ${ctx.sample}`;
      process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(WIDTH - filled)}] ${name}${n.toLocaleString("en-US")} instances, ${where}   `);
    },
    label: (text) => {
      name = `${text}: `;
      last = 0;
    },
    done: () => process.stderr.write(`\r${" ".repeat(WIDTH + 90)}\r`),
  };
}

/** A sweep's bar: cells finished of the total, and which cell finished last. */
export function cellBar(enabled: boolean, total: number): { update: (done: number, last: string) => void; done: () => void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, done: () => {} };
  return {
    update: (done, last) => {
      const filled = Math.min(WIDTH, Math.round((done / total) * WIDTH));
      process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(WIDTH - filled)}] ${done}/${total} cells, last: ${last}`.padEnd(WIDTH + 80));
    },
    done: () => process.stderr.write(`\r${" ".repeat(WIDTH + 80)}\r`),
  };
}
