// The worker thread's entry: runs each cell the pool sends, one at a time, and posts its result.
// Anything the run throws becomes an "error" result, so the pool never waits on a lost cell.

import { parentPort } from "node:worker_threads";
import { runCell, errorResult } from "./cell.js";
import type { Cell } from "./grid.js";

parentPort!.on("message", (cell: Cell) => {
  try {
    parentPort!.postMessage(runCell(cell));
  } catch (error) {
    parentPort!.postMessage(errorResult(cell, String((error as Error)?.message ?? error)));
  }
});
