// Running native/'s seed-probe: the same loop as `segstream probe`, natively. It prints one JSON
// object, or, when an allocation is refused under its RLIMIT_AS, a line
// `seed-probe: allocation failed: {...}` before Rust aborts (SIGABRT).

import { spawnSync } from "node:child_process";
import { buildNative } from "./toolchain.js";

export interface NativeProbeArgs {
  variant: string;
  instances: number;
  pageSlots?: number;
  appends?: number;
  indexCapacity?: number;
  upserts?: number;
  indexer?: string;
  indexTable?: string;
  /** RLIMIT_AS in bytes. */
  limitBytes?: number;
}

/** seed-probe's JSON (field names as `segstream probe --json`, plus the native-only ones). */
export interface NativeProbe {
  variant: string;
  instances: number;
  liveBytes: number;
  liveBlocks: number;
  peakBytesAboveStart: number;
  requests: number;
  requestedBytes: number;
  frees: number;
  largestRequest: number;
  invalidFrees: number;
  pendingUserDeferred: number;
  deferredCreated: number;
  deferredRun: number;
  liveBlocksBySize: Record<string, number>;
  largeRequests: { bytes: number; count: number }[];
  liveBytesAtStart: number;
  vmSizeAtStartBytes: number;
  baselineBytes: number;
  drain: { rounds: number; freedBytes: number; freedBlocks: number; liveBytes: number; pendingUserDeferred: number } | null;
  elapsedMs: number;
}

export interface NativeFailure {
  instance: number;
  bytes: number;
  align: number;
  site: string;
  vmSizeBytes: number;
  liveBytes: number;
  liveBlocks: number;
}

export type NativeRun = { kind: "completed"; probe: NativeProbe; ms: number } | { kind: "failed"; failure: NativeFailure; stderr: string; ms: number };

const FAILURE_LINE = /^seed-probe: allocation failed: (\{.*\})$/m;

function argv(a: NativeProbeArgs): string[] {
  const out = [a.variant, "--instances", String(a.instances), "--json"];
  const add = (flag: string, value: number | string | undefined) => value !== undefined && out.push(flag, String(value));
  add("--page-slots", a.pageSlots);
  add("--appends", a.appends);
  add("--index-capacity", a.indexCapacity);
  add("--upserts", a.upserts);
  add("--indexer", a.indexer);
  add("--index-table", a.indexTable);
  add("--limit", a.limitBytes);
  if (a.variant === "box-drop") out.push("--allow-ub");
  return out;
}

export function runSeedProbe(args: NativeProbeArgs): NativeRun {
  const binary = buildNative().seedProbe;
  const started = performance.now();
  const result = spawnSync(binary, argv(args), { encoding: "utf8", maxBuffer: 1 << 24, env: { ...process.env, RUST_BACKTRACE: "0" } });
  const ms = performance.now() - started;
  const failure = FAILURE_LINE.exec(result.stderr ?? "");
  if (failure) return { kind: "failed", failure: JSON.parse(failure[1]) as NativeFailure, stderr: result.stderr, ms };
  if (result.status !== 0) throw new Error(`seed-probe ${argv(args).join(" ")} exited ${result.status ?? result.signal}: ${result.stderr}`);
  return { kind: "completed", probe: JSON.parse(result.stdout) as NativeProbe, ms };
}
