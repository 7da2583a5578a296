// Criterion's on-disk record of a run, `<dir>/<id>/new/estimates.json` and `new/sample.json`, in
// the same shape and key order serde_json gives Criterion's structs (compact, snake_case keys,
// f64 printed the way ryu prints it: 5750.0, 0.95, 1e-7; non-finite as null), so tools that read
// Criterion's directory can read these. Ids become one directory name with Criterion's
// make_filename_safe (? " / \ * < > : | ^ become _, cut to 64 bytes; on Windows also trimmed and
// lower-cased); an id that would name the directory itself or its parent ("", ".", "..") is
// rewritten, which Criterion does not do.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ActualSamplingMode, Estimate, Estimates } from "./analysis.js";
import { truncateUtf8 } from "./format.js";

const MAX_DIRECTORY_NAME_LEN = 64;

/** Criterion's make_filename_safe (plus a guard against "", "." and ".."). */
export function makeFilenameSafe(id: string, platform: NodeJS.Platform = process.platform): string {
  let s = id.replace(/[?"/\\*<>:|^]/g, "_");
  s = truncateUtf8(s, MAX_DIRECTORY_NAME_LEN);
  if (platform === "win32") s = s.trimEnd().toLowerCase();
  if (s === "" || s === "." || s === "..") s = s.replace(/\./g, "_") || "_";
  return s;
}

/** An f64 as serde_json (ryu) writes it. */
export function rustJsonNumber(x: number): string {
  if (!Number.isFinite(x)) return "null";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mantissa, exponent] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const length = digits.length;
  const kk = Number(exponent) + 1; // 10^(kk-1) <= |x| < 10^kk
  const k = kk - length;
  let body: string;
  if (k >= 0 && kk <= 16) body = digits + "0".repeat(k) + ".0";
  else if (kk > 0 && kk <= 16) body = `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  else if (kk > -5 && kk <= 0) body = `0.${"0".repeat(-kk)}${digits}`;
  else if (length === 1) body = `${digits}e${kk - 1}`;
  else body = `${digits[0]}.${digits.slice(1)}e${kk - 1}`;
  return sign + body;
}

function estimateJson(e: Estimate): string {
  const ci = e.confidenceInterval;
  return (
    `{"confidence_interval":{"confidence_level":${rustJsonNumber(ci.confidenceLevel)},` +
    `"lower_bound":${rustJsonNumber(ci.lowerBound)},"upper_bound":${rustJsonNumber(ci.upperBound)}},` +
    `"point_estimate":${rustJsonNumber(e.pointEstimate)},"standard_error":${rustJsonNumber(e.standardError)}}`
  );
}

/** estimates.json text: mean, median, median_abs_dev, slope (null in Flat), std_dev. */
export function estimatesJson(estimates: Estimates): string {
  return (
    `{"mean":${estimateJson(estimates.mean)},"median":${estimateJson(estimates.median)},` +
    `"median_abs_dev":${estimateJson(estimates.medianAbsDev)},` +
    `"slope":${estimates.slope ? estimateJson(estimates.slope) : "null"},` +
    `"std_dev":${estimateJson(estimates.stdDev)}}`
  );
}

/** sample.json text: {sampling_mode, iters, times}. */
export function sampleJson(mode: ActualSamplingMode, iters: readonly number[], times: readonly number[]): string {
  const list = (xs: readonly number[]): string => `[${xs.map(rustJsonNumber).join(",")}]`;
  return `{"sampling_mode":${JSON.stringify(mode)},"iters":${list(iters)},"times":${list(times)}}`;
}

export interface WrittenFiles {
  directory: string;
  estimatesPath: string;
  samplePath: string;
}

export interface RecordableResult {
  id: string;
  plan: { mode: ActualSamplingMode };
  samples: { iters: readonly number[]; times: readonly number[] };
  estimates: Estimates;
}

/** Write `<dir>/<safe id>/new/{estimates,sample}.json`, creating directories as needed. */
export function writeBenchmarkFiles(dir: string, result: RecordableResult): WrittenFiles {
  const directory = join(dir, makeFilenameSafe(result.id), "new");
  mkdirSync(directory, { recursive: true });
  const estimatesPath = join(directory, "estimates.json");
  const samplePath = join(directory, "sample.json");
  writeFileSync(estimatesPath, estimatesJson(result.estimates));
  writeFileSync(samplePath, sampleJson(result.plan.mode, result.samples.iters, result.samples.times));
  return { directory, estimatesPath, samplePath };
}
