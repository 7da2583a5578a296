// The results file: one JSON object (a CellResult) per line, appended as each cell finishes, so a
// sweep cut off part way keeps every cell it finished. It is the merge point: lines from any
// number of runs or machines can be concatenated, and the last line for a key wins. --resume reads
// it and skips every cell whose key already has a result other than "error" (errors are retried).

import { appendFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { UsageError } from "../cli/args.js";
import type { CellResult } from "./cell.js";

const OUTCOMES = ["allocation-failed", "completed", "error"];

function isResult(value: unknown): value is CellResult {
  const r = value as CellResult;
  return typeof r === "object" && r !== null && typeof r.key === "string" && OUTCOMES.includes(r.outcome);
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/**
 * The finished results in `path`, by key. A last line cut off mid-write (the sweep was killed) is
 * ignored; any other line that is not a result is a usage error naming the line.
 */
export function readResults(path: string): Map<string, CellResult> {
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new UsageError(`sweep: --resume ${JSON.stringify(path)} is not a regular file`);
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`sweep: --resume ${JSON.stringify(path)} cannot be read (${(error as Error).message})`);
  }
  const lines = text.split("\n");
  const results = new Map<string, CellResult>();
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // an unterminated last line: a write the kill cut short
      throw new UsageError(`sweep: --resume ${JSON.stringify(path)} line ${i + 1} is not JSON`);
    }
    if (!isResult(value)) throw new UsageError(`sweep: --resume ${JSON.stringify(path)} line ${i + 1} is not a sweep result`);
    if (value.outcome === "error") results.delete(value.key);
    else results.set(value.key, value);
  });
  return results;
}

/** Appends results to a file as they arrive; starts a new file for --out (refusing to overwrite one). */
export class ResultsWriter {
  constructor(readonly path: string) {}

  static create(path: string): ResultsWriter {
    if (existsSync(path) && statSync(path).size > 0) {
      throw new UsageError(`sweep: --out ${JSON.stringify(path)} exists; continue it with --resume ${path}, or remove it`);
    }
    try {
      writeFileSync(path, "");
    } catch (error) {
      throw new UsageError(`sweep: --out ${JSON.stringify(path)} cannot be written (${(error as Error).message})`);
    }
    return new ResultsWriter(path);
  }

  /** For --resume: appends after what is there, dropping a cut-off last line first (readResults ignored it). */
  static resume(path: string): ResultsWriter {
    const text = readFileSync(path, "utf8");
    if (!text.length || text.endsWith("\n")) return new ResultsWriter(path);
    const cut = text.lastIndexOf("\n") + 1;
    if (parses(text.slice(cut))) appendFileSync(path, "\n");
    else truncateSync(path, Buffer.byteLength(text.slice(0, cut)));
    return new ResultsWriter(path);
  }

  append(result: CellResult): void {
    appendFileSync(this.path, `${JSON.stringify(result)}\n`);
  }
}
