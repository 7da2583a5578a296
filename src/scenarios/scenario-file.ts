// Reading `--scenario FILE`: a regular file of at most 1 MiB of UTF-8 JSON, holding an object that
// applyScenario checks field by field. The file is checked before it is read (a directory, a device
// such as /dev/zero or a FIFO is refused unopened), read through one descriptor that is checked
// again, and never past the bound. Every problem is one ScenarioError naming the file.

import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { applyScenario, type Scenario, type ScenarioInput } from "./scenario.js";
import { ScenarioError } from "./scenario-fields.js";

export const MAX_SCENARIO_FILE_BYTES = 1 << 20;
const SHOWN_PARSE_ERROR = 160;

/** Reads a scenario file over `base`. */
export function loadScenario(base: Scenario, path: string): Scenario {
  const where = `scenario file ${JSON.stringify(path)}`;
  const parsed = readJsonFile(where, path);
  try {
    return applyScenario(base, parsed as ScenarioInput);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    throw new ScenarioError(error.field, error.problem, `${where}: ${error.field ? `field ${error.field}: ` : ""}${error.problem}`);
  }
}

/** The JSON value in `path` (same checks and bounds as a scenario file); `where` names it in errors. */
export function readJsonFile(where: string, path: string): unknown {
  return parseJson(where, readScenarioText(where, path));
}

function fileError(where: string, problem: string): ScenarioError {
  return new ScenarioError("", problem, `${where} ${problem}`);
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

function checkRegular(where: string, stats: Stats): void {
  if (!stats.isFile()) throw fileError(where, `is ${kindOf(stats)}; expected a regular file holding a JSON object`);
  if (stats.size > MAX_SCENARIO_FILE_BYTES) throw tooLarge(where);
}

function tooLarge(where: string): ScenarioError {
  return fileError(where, `is larger than ${MAX_SCENARIO_FILE_BYTES.toLocaleString("en-US")} bytes (1 MiB), the most a scenario file may hold`);
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const known: Record<string, string> = { ENOENT: "does not exist", EACCES: "cannot be read (permission denied)", ENOTDIR: "does not exist (a part of its path is not a directory)", ELOOP: "cannot be read (too many symbolic links)" };
  return (e.code && known[e.code]) ?? `cannot be read: ${oneLine(e.message ?? String(error))}`;
}

function readScenarioText(where: string, path: string): string {
  if (path === "") throw fileError("--scenario", "needs a file name");
  let fd: number;
  try {
    checkRegular(where, statSync(path));
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw error instanceof ScenarioError ? error : fileError(where, reason(error));
  }
  try {
    checkRegular(where, fstatSync(fd));
    return decode(where, readAtMost(fd, MAX_SCENARIO_FILE_BYTES + 1), MAX_SCENARIO_FILE_BYTES);
  } catch (error) {
    throw error instanceof ScenarioError ? error : fileError(where, reason(error));
  } finally {
    closeSync(fd);
  }
}

/** Up to `limit` bytes from `fd`, however the file changes while it is read. */
function readAtMost(fd: number, limit: number): Buffer {
  const buffer = Buffer.alloc(limit);
  let filled = 0;
  for (let n; filled < limit && (n = readSync(fd, buffer, filled, limit - filled, null)) > 0; ) filled += n;
  return buffer.subarray(0, filled);
}

function decode(where: string, bytes: Buffer, limit: number): string {
  if (bytes.length > limit) throw tooLarge(where);
  if (bytes.length === 0) throw fileError(where, "is empty; expected a JSON object");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw fileError(where, "is not UTF-8 text");
  }
}

function parseJson(where: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fileError(where, `is not valid JSON: ${oneLine((error as Error).message)}`);
  }
}

function oneLine(message: string): string {
  const flat = message.replace(/\s+/g, " ").trim();
  return flat.length > SHOWN_PARSE_ERROR ? `${flat.slice(0, SHOWN_PARSE_ERROR)}...` : flat;
}
