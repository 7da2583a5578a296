// Criterion's terminal text, reproduced character for character. Two Rust details matter and
// JavaScript gets both wrong by default: `{:.N}` rounds exact binary ties to even (toFixed rounds
// them up), and a Duration's `{:.1?}` Debug form ("5.0s", "7.6s", "120.0ms") rounds half up on
// the integer nanoseconds and never switches unit after rounding. Times use Criterion's WallTime
// formatter: the unit is picked from the value (ps < 1 ns ≤ ns < 1 µs ≤ µs < 1 ms ≤ ms < 1 s ≤ s),
// the scaled number gets `short` precision (4 decimals below 10, then 3, 2, 1, 0) right-aligned
// in 6 columns, and the unit follows a space. Criterion has two copies of that rule (format::time
// divides, the WallTime formatter multiplies); both are kept so each line uses the one Criterion
// uses for it.

import { Buffer } from "node:buffer";
import type { Analysis, Estimate, Outliers } from "./analysis.js";

/** Rust's `format!("{:.digits$}", x)`: exact decimal rounding, ties to even. */
export function rustFixed(x: number, digits: number): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 100) throw new RangeError(`digits must be 0..100, got ${digits}`);
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const sign = x < 0 ? "-" : "";
  const a = Math.abs(x);
  if (a >= 1e21) {
    // Every double this large is an integer: no rounding to do.
    return sign + BigInt(a).toString() + (digits > 0 ? "." + "0".repeat(digits) : "");
  }
  let out = a.toFixed(digits); // nearest; an exact tie goes up
  const exact = a.toFixed(100); // exact for any tie that could matter here
  const dot = exact.indexOf(".");
  const tail = exact.slice(dot + 1 + digits);
  if (tail[0] === "5" && /^0*$/.test(tail.slice(1))) {
    const truncated = exact.slice(0, digits > 0 ? dot + 1 + digits : dot);
    const lastDigit = Number(truncated[truncated.length - 1]);
    if (lastDigit % 2 === 0) out = truncated; // tie: keep the even neighbour
  }
  return sign + out;
}

/** Criterion's format::short: 4 significant-ish digits for values below 10,000. */
export function short(n: number): string {
  if (n < 10) return rustFixed(n, 4);
  if (n < 100) return rustFixed(n, 3);
  if (n < 1000) return rustFixed(n, 2);
  if (n < 10000) return rustFixed(n, 1);
  return rustFixed(n, 0);
}

/** Unit and multiplier Criterion's WallTime formatter (DurationFormatter::scale_values) picks. */
export function timeUnit(ns: number): { unit: "ps" | "ns" | "µs" | "ms" | "s"; factor: number } {
  if (ns < 1) return { unit: "ps", factor: 1e3 };
  if (ns < 1e3) return { unit: "ns", factor: 1 };
  if (ns < 1e6) return { unit: "µs", factor: 1e-3 };
  if (ns < 1e9) return { unit: "ms", factor: 1e-6 };
  return { unit: "s", factor: 1e-9 };
}

/**
 * A measured value as the `time:` line prints it (DurationFormatter::format_value, which
 * multiplies by the unit factor), e.g. 5750 → "5.7500 µs", 0.001234 → "1.2340 ps".
 */
export function formatValue(ns: number): string {
  const { unit, factor } = timeUnit(ns);
  return `${short(ns * factor).padStart(6)} ${unit}`;
}

/**
 * Criterion's format::time, used by the progress lines ("Warming up for 3.0000 s"). Same units
 * and precision as formatValue but it divides (ns / 1e3) instead of multiplying (ns × 1e-3), which
 * can differ in the last place of a rounding tie.
 */
export function formatTime(ns: number): string {
  if (ns < 1) return `${short(ns * 1e3).padStart(6)} ps`;
  if (ns < 1e3) return `${short(ns).padStart(6)} ns`;
  if (ns < 1e6) return `${short(ns / 1e3).padStart(6)} µs`;
  if (ns < 1e9) return `${short(ns / 1e6).padStart(6)} ms`;
  return `${short(ns / 1e9).padStart(6)} s`;
}

/** Criterion's format::iter_count, e.g. 873650 → "874k iterations". */
export function formatIterCount(iterations: number): string {
  if (iterations < 10_000) return `${iterations} iterations`;
  if (iterations < 1_000_000) return `${rustFixed(iterations / 1e3, 0)}k iterations`;
  if (iterations < 10_000_000) return `${rustFixed(iterations / 1e6, 1)}M iterations`;
  if (iterations < 1_000_000_000) return `${rustFixed(iterations / 1e6, 0)}M iterations`;
  if (iterations < 10_000_000_000) return `${rustFixed(iterations / 1e9, 1)}B iterations`;
  return `${rustFixed(iterations / 1e9, 0)}B iterations`;
}

/**
 * Rust's `format!("{:.precision$?}", Duration::from_nanos(ns))`, e.g. 5e9 → "5.0s",
 * 7_575_000_000 → "7.6s", 1_500_000 → "1.5ms". `ns` is truncated to whole nanoseconds.
 */
export function formatDurationDebug(ns: number, precision = 1): string {
  if (!Number.isFinite(ns) || ns < 0) throw new RangeError(`duration must be finite and >= 0, got ${ns}`);
  if (!Number.isInteger(precision) || precision < 0) throw new RangeError(`precision must be an integer >= 0`);
  const total = BigInt(Math.floor(ns));
  const secs = total / 1_000_000_000n;
  const nanos = Number(total % 1_000_000_000n);
  if (secs > 0n) return decimal(secs, nanos, 100_000_000, precision, "s");
  if (nanos >= 1_000_000) return decimal(BigInt(Math.floor(nanos / 1_000_000)), nanos % 1_000_000, 100_000, precision, "ms");
  if (nanos >= 1_000) return decimal(BigInt(Math.floor(nanos / 1_000)), nanos % 1_000, 100, precision, "µs");
  return decimal(BigInt(nanos), 0, 1, precision, "ns");
}

// core::time's fmt_decimal with an explicit precision.
function decimal(integer: bigint, fractional: number, divisor: number, precision: number, suffix: string): string {
  const end = Math.min(precision, 9);
  const buf: number[] = new Array<number>(9).fill(0);
  let pos = 0;
  while (fractional > 0 && pos < end) {
    buf[pos] = Math.floor(fractional / divisor);
    fractional %= divisor;
    divisor = Math.floor(divisor / 10);
    pos++;
  }
  if (fractional > 0 && fractional >= divisor * 5) {
    let carry = true;
    let rev = pos;
    while (carry && rev > 0) {
      rev--;
      if (buf[rev]! < 9) {
        buf[rev]!++;
        carry = false;
      } else {
        buf[rev] = 0;
      }
    }
    if (carry) integer += 1n;
  }
  const frac = end > 0 ? "." + buf.slice(0, end).join("") : "";
  return `${integer}${frac}${suffix}`;
}

const MAX_TITLE_LEN = 100;

/** Truncate to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, "utf8") <= maxBytes) return s;
  let out = "";
  let used = 0;
  for (const ch of s) {
    const len = Buffer.byteLength(ch, "utf8");
    if (used + len > maxBytes) break;
    out += ch;
    used += len;
  }
  return out;
}

/** Criterion's BenchmarkId title: the id, cut to 100 bytes with "..." appended if cut. */
export function benchmarkTitle(id: string): string {
  const title = truncateUtf8(id, MAX_TITLE_LEN);
  return title === id ? id : title + "...";
}

/**
 * The `time:` line(s) for a typical estimate. An id longer than 23 bytes goes on its own line and
 * the time line starts with 24 spaces (Criterion pads by byte length: " ".repeat(24 - id.len())).
 */
export function formatTimeLine(id: string, typical: Estimate): string[] {
  let title = benchmarkTitle(id);
  const lines: string[] = [];
  if (Buffer.byteLength(title, "utf8") > 23) {
    lines.push(title);
    title = "";
  }
  const pad = " ".repeat(24 - Buffer.byteLength(title, "utf8"));
  const ci = typical.confidenceInterval;
  lines.push(
    `${title}${pad}time:   [${formatValue(ci.lowerBound)} ${formatValue(typical.pointEstimate)} ${formatValue(ci.upperBound)}]`,
  );
  return lines;
}

/** "Found N outliers among M measurements (x.xx%)" plus one line per non-empty class; [] if none. */
export function formatOutliers(outliers: Outliers): string[] {
  if (outliers.total === 0) return [];
  const pct = (n: number): string => rustFixed((100 * n) / outliers.sampleSize, 2);
  const lines = [`Found ${outliers.total} outliers among ${outliers.sampleSize} measurements (${pct(outliers.total)}%)`];
  const classes: [number, string][] = [
    [outliers.lowSevere, "low severe"],
    [outliers.lowMild, "low mild"],
    [outliers.highMild, "high mild"],
    [outliers.highSevere, "high severe"],
  ];
  for (const [n, label] of classes) if (n !== 0) lines.push(`  ${n} (${pct(n)}%) ${label}`);
  return lines;
}

/** Criterion's "Benchmarking <id>: Warming up for 3.0000 s". */
export function formatWarmUpLine(id: string, warmUpTimeNs: number): string {
  return `Benchmarking ${benchmarkTitle(id)}: Warming up for ${formatTime(warmUpTimeNs)}`;
}

/** Criterion's "Benchmarking <id>: Collecting 100 samples in estimated 5.0236 s (874k iterations)". */
export function formatCollectingLine(id: string, sampleCount: number, expectedNs: number, totalIters: number): string {
  return `Benchmarking ${benchmarkTitle(id)}: Collecting ${sampleCount} samples in estimated ${formatTime(expectedNs)} (${formatIterCount(totalIters)})`;
}

/** What Criterion prints when a benchmark completes without a baseline: time line(s), then outliers. */
export function formatAnalysis(id: string, analysis: Pick<Analysis, "typical" | "outliers">): string[] {
  return [...formatTimeLine(id, analysis.typical), ...formatOutliers(analysis.outliers)];
}
