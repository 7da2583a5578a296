// `--grid FILE`: a JSON object whose keys are axis flags ("limit", "variant", "index-capacity",
// "page-slots", "batch-size") and whose values are non-empty arrays of what the flag takes (a
// limit may be a number of bytes, a limit word such as "800MiB", or null / "none"). Each value goes
// through the same parser as the flag, so the file and the command line cannot disagree.

import { readFileSync, statSync } from "node:fs";
import { UsageError } from "../cli/args.js";
import { AXES, parseAxisItems, type Axis, type AxisValues } from "./grid.js";

const MAX_GRID_FILE_BYTES = 1 << 20;

function itemText(where: string, axis: Axis, value: unknown): string {
  if (value === null && axis === "limit") return "none";
  if (typeof value === "string" || (typeof value === "number" && Number.isFinite(value))) return String(value);
  throw new UsageError(`${where}: "${axis}" values must be strings or numbers, got ${JSON.stringify(value)}`);
}

function readJson(where: string, path: string): unknown {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new UsageError(`${where} is not a regular file`);
    if (stats.size > MAX_GRID_FILE_BYTES) throw new UsageError(`${where} is larger than 1 MiB`);
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${where} cannot be read as JSON (${(error as Error).message.replace(/\s+/g, " ")})`);
  }
}

export function loadGrid(path: string): AxisValues {
  const where = `sweep: --grid ${JSON.stringify(path)}`;
  const input = readJson(where, path);
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new UsageError(`${where} must hold a JSON object of axes`);
  const axes: AxisValues = {};
  for (const [key, list] of Object.entries(input)) {
    if (!(AXES as readonly string[]).includes(key)) throw new UsageError(`${where}: unknown axis ${JSON.stringify(key)}; axes: ${AXES.join(", ")}`);
    const axis = key as Axis;
    if (!Array.isArray(list) || !list.length) throw new UsageError(`${where}: "${axis}" must be a non-empty array`);
    axes[axis] = parseAxisItems(axis, list.map((v) => itemText(where, axis, v)));
  }
  return axes;
}
