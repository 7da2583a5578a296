// `--report DIR`: where the report goes is checked before the run, so a bad place costs no run and
// leaves nothing behind; the report is written after it, and a failure then is one line printed
// after the run's own output (exit code 1).
//
// The rule: DIR is an existing directory, written into (its index.html, runs.json, dhat/, trace/
// and criterion/ are replaced), or a new directory whose parent exists: segstream creates DIR itself,
// never its parents. The check makes sure it can write there (creating and removing a probe file,
// and DIR itself if new) and leaves the file system as it found it.

import { closeSync, mkdirSync, openSync, rmdirSync, statSync, unlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ReportEntry } from "../report/html.js";
import { UsageError } from "./usage-error.js";

/** The report could not be written after the run: `output` is what the run printed, still to be shown. */
export class ReportWriteError extends Error {
  override name = "ReportWriteError";
  constructor(readonly output: string, message: string) {
    super(message);
  }
}

/** Where the report goes, checked: the absolute directory. */
export interface ReportTarget {
  dir: string;
  /** As given, for messages. */
  given: string;
}

/** Node's message ("ENOENT: no such file or directory, mkdir '/proc/self/x'"), on one line. */
function reason(error: unknown): string {
  return String((error as Error).message ?? error).replace(/\s+/g, " ");
}

function exists(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Creates and removes a file in `dir`: it can be written into. */
function probeWrite(dir: string): void {
  const probe = join(dir, `.segstream-report-check-${process.pid}`);
  closeSync(openSync(probe, "wx"));
  unlinkSync(probe);
}

function checkNewDirectory(where: string, dir: string): void {
  const parent = dirname(dir);
  const stats = exists(parent);
  if (!stats) throw new UsageError(`${where}: its parent ${parent} does not exist (segstream creates the report directory, never its parents)`);
  if (!stats.isDirectory()) throw new UsageError(`${where}: its parent ${parent} is not a directory`);
  mkdirSync(dir);
  try {
    probeWrite(dir);
  } finally {
    rmdirSync(dir);
  }
}

/** Checks `--report`'s value before the run; undefined if it was not given. */
export function checkReportTarget(command: string, given: string | undefined): ReportTarget | undefined {
  if (given === undefined) return undefined;
  const where = `${command}: --report ${JSON.stringify(given)}`;
  if (given === "") throw new UsageError(`${command}: --report needs a directory`);
  const dir = resolve(given);
  try {
    const stats = exists(dir);
    if (stats && !stats.isDirectory()) throw new UsageError(`${where} exists and is not a directory`);
    if (stats) probeWrite(dir);
    else checkNewDirectory(where, dir);
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError(`${where}: cannot write the report there (${reason(error)})`);
  }
  return { dir, given };
}

/**
 * Writes the report after the run; `output` is the run's text, returned with the report's path added.
 * The report's writers are loaded only when a report is asked for (they are most of a run's imports).
 */
export async function writeReportAfter(target: ReportTarget | undefined, title: string, entries: ReportEntry[], output: string, json: boolean): Promise<string> {
  if (!target) return output;
  const { writeReport } = await import("../report/html.js");
  let page: string;
  try {
    if (!exists(target.dir)) mkdirSync(target.dir);
    page = writeReport(target.dir, title, entries);
  } catch (error) {
    throw new ReportWriteError(output, `${title}: --report ${JSON.stringify(target.given)}: the run finished but its report could not be written (${reason(error)})`);
  }
  return json ? output : `${output}\n\nreport written: ${page}`;
}
