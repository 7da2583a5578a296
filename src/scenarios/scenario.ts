// A scenario: everything that decides how one benchmark run goes, as plain data. It can be written
// as JSON (any subset of the fields: the rest come from the seed scenario) and is checked field by
// field, so a typo in a scenario file is an error that names the field, never a silent default.

import { readFileSync } from "node:fs";
import { GROWTH_POLICIES, FOOTPRINT_MODELS, type GrowthPolicy, type FootprintModel } from "../memory/ledger.js";
import { PROBE_VARIANTS, type ProbeVariant } from "../probe/variants.js";
import { INDEXERS, MAX_CAPACITY, type Indexer } from "../index/optimised-index.js";
import { MAX_PAGE_SLOTS } from "../stream/segmented-stream.js";
import type { BatchSize } from "../harness/batch-size.js";
import type { CostModel } from "../harness/clock.js";

export const STRUCTURES = ["OptimisedIndex", "SegmentedStream"] as const;
export type Structure = (typeof STRUCTURES)[number];
export const CLOCKS = ["virtual", "real"] as const;
export type ClockKind = (typeof CLOCKS)[number];

export interface MemorySettings {
  /** Footprint limit in bytes, or null for none. */
  limitBytes: number | null;
  growth: GrowthPolicy;
  /** Growth step for the "chunk" policy, in 64 KiB pages. */
  chunkPages: number;
  footprint: FootprintModel;
  /**
   * glibc footprint only: address space the process holds before its first modelled allocation
   * (binary, libc, stack, the arena's unused top), which an RLIMIT_AS counts. Absent: 0 (the
   * seed scenario's figures); `segstream native reproduce` uses what native/ measures.
   */
  baselineBytes?: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** What each benchmark iteration's setup builds. */
  structure: Structure;
  variant: ProbeVariant;
  /** OptimisedIndex only: the capacity its table is sized for, and its indexer. */
  indexCapacity: number;
  indexer: Indexer;
  pageSlots: number;
  /** Upserts (or appends, for a bare stream) in each iteration's routine; the seed's are disabled. */
  upsertsPerIteration: number;
  batchSize: BatchSize;
  clock: ClockKind;
  /** The virtual clock's costs (ignored by the real clock). */
  cost: CostModel;
  warmUpMs: number;
  measurementMs: number;
  sampleSize: number;
  memory: MemorySettings;
}

/** A scenario as written in JSON: any subset; memory is merged field by field, cost replaced whole. */
export type ScenarioInput = Partial<Omit<Scenario, "memory" | "cost" | "batchSize">> & {
  memory?: Partial<MemorySettings>;
  cost?: CostModel;
  batchSize?: BatchSize | BatchSizeText;
};

/** "PerIteration", "SmallInput", "LargeInput", "NumBatches:10", "NumIterations:64". */
export type BatchSizeText = string;

export class ScenarioError extends Error {
  override name = "ScenarioError";
}

const MAX_SECONDS_MS = 24 * 3600 * 1000;

function fail(field: string, message: string): never {
  throw new ScenarioError(`scenario field ${field}: ${message}`);
}

function oneOf<T extends string>(field: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== "string" || !choices.includes(value as T)) {
    fail(field, `must be one of ${choices.join(", ")}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function wholeNumber(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) fail(field, `must be a whole number, got ${JSON.stringify(value)}`);
  if (value < min || value > max) fail(field, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function text(field: string, value: unknown): string {
  if (typeof value !== "string") fail(field, `must be a string, got ${JSON.stringify(value)}`);
  return value;
}

export function parseBatchSize(value: unknown): BatchSize {
  if (typeof value === "object" && value !== null && "kind" in value) return parseBatchSize(batchSizeText(value as BatchSize));
  if (typeof value !== "string") fail("batchSize", `must be a string such as "PerIteration" or "NumBatches:10", got ${JSON.stringify(value)}`);
  const [kind, count] = value.split(":");
  if ((kind === "PerIteration" || kind === "SmallInput" || kind === "LargeInput") && count === undefined) return { kind };
  const n = Number(count);
  if (kind === "NumBatches" && Number.isSafeInteger(n) && n >= 1) return { kind, batches: n };
  if (kind === "NumIterations" && Number.isSafeInteger(n) && n >= 1) return { kind, iterations: n };
  return fail("batchSize", `expected PerIteration, SmallInput, LargeInput, NumBatches:<n> or NumIterations:<n> (n >= 1), got ${JSON.stringify(value)}`);
}

export function batchSizeText(size: BatchSize): string {
  if (size.kind === "NumBatches") return `NumBatches:${size.batches}`;
  if (size.kind === "NumIterations") return `NumIterations:${size.iterations}`;
  return size.kind;
}

function parseCost(value: unknown): CostModel {
  if (typeof value !== "object" || value === null) fail("cost", "must be an object of nanosecond costs");
  const cost: CostModel = {};
  for (const [key, ns] of Object.entries(value)) {
    if (!["setupNs", "routineNs", "dropNs", "iterationNs"].includes(key)) fail(`cost.${key}`, "unknown cost (setupNs, routineNs, dropNs, iterationNs)");
    if (typeof ns !== "number" || !Number.isFinite(ns) || ns < 0) fail(`cost.${key}`, `must be a number of nanoseconds >= 0, got ${JSON.stringify(ns)}`);
    cost[key as keyof CostModel] = ns;
  }
  return cost;
}

function parseMemory(base: MemorySettings, value: unknown): MemorySettings {
  if (typeof value !== "object" || value === null) fail("memory", "must be an object");
  const input = value as Partial<Record<keyof MemorySettings, unknown>>;
  for (const key of Object.keys(input)) {
    if (!["limitBytes", "growth", "chunkPages", "footprint", "baselineBytes"].includes(key)) fail(`memory.${key}`, "unknown field");
  }
  const limit = input.limitBytes === undefined ? base.limitBytes : input.limitBytes;
  const baseline = input.baselineBytes === undefined ? base.baselineBytes : wholeNumber("memory.baselineBytes", input.baselineBytes, 0, Number.MAX_SAFE_INTEGER);
  return {
    ...(baseline === undefined ? {} : { baselineBytes: baseline }),
    limitBytes: limit === null ? null : wholeNumber("memory.limitBytes", limit, 1, Number.MAX_SAFE_INTEGER),
    growth: input.growth === undefined ? base.growth : oneOf("memory.growth", input.growth, GROWTH_POLICIES),
    chunkPages: input.chunkPages === undefined ? base.chunkPages : wholeNumber("memory.chunkPages", input.chunkPages, 1, 65536),
    footprint: input.footprint === undefined ? base.footprint : oneOf("memory.footprint", input.footprint, FOOTPRINT_MODELS),
  };
}

const FIELDS = new Set([
  "name", "description", "structure", "variant", "indexCapacity", "indexer", "pageSlots", "upsertsPerIteration",
  "batchSize", "clock", "cost", "warmUpMs", "measurementMs", "sampleSize", "memory",
]);

/** `base` with `input` applied, every field checked. */
export function applyScenario(base: Scenario, input: ScenarioInput): Scenario {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new ScenarioError("a scenario must be a JSON object");
  for (const key of Object.keys(input)) if (!FIELDS.has(key)) fail(key, "unknown field");
  const pick = <K extends keyof Scenario>(key: K): unknown => (input[key as keyof ScenarioInput] === undefined ? base[key] : input[key as keyof ScenarioInput]);
  const pageSlots = wholeNumber("pageSlots", pick("pageSlots"), 1, MAX_PAGE_SLOTS);
  const clock = oneOf("clock", pick("clock"), CLOCKS);
  const cost = input.cost === undefined ? { ...base.cost } : parseCost(input.cost);
  // A virtual clock that never advances would keep Criterion's warm-up going for ever.
  if (clock === "virtual" && !Object.values(cost).some((ns) => (ns ?? 0) > 0)) fail("cost", "a virtual clock needs at least one cost above 0 ns");
  if ((pageSlots & (pageSlots - 1)) !== 0) fail("pageSlots", `must be a power of two, got ${pageSlots}`);
  return {
    name: text("name", pick("name")),
    description: text("description", pick("description")),
    structure: oneOf("structure", pick("structure"), STRUCTURES),
    variant: oneOf("variant", pick("variant"), PROBE_VARIANTS),
    indexCapacity: wholeNumber("indexCapacity", pick("indexCapacity"), 0, MAX_CAPACITY),
    indexer: oneOf("indexer", pick("indexer"), INDEXERS),
    pageSlots,
    upsertsPerIteration: wholeNumber("upsertsPerIteration", pick("upsertsPerIteration"), 0, 1_000_000),
    batchSize: parseBatchSize(pick("batchSize")),
    clock,
    cost,
    warmUpMs: wholeNumber("warmUpMs", pick("warmUpMs"), 1, MAX_SECONDS_MS),
    measurementMs: wholeNumber("measurementMs", pick("measurementMs"), 1, MAX_SECONDS_MS),
    sampleSize: wholeNumber("sampleSize", pick("sampleSize"), 10, 100_000),
    memory: input.memory === undefined ? { ...base.memory } : parseMemory(base.memory, input.memory),
  };
}

/** Reads a scenario file (JSON) over `base`. */
export function loadScenario(base: Scenario, path: string): Scenario {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ScenarioError(`cannot read scenario ${path}: ${(error as Error).message.replace(/\s+/g, " ")}`);
  }
  return applyScenario(base, parsed as ScenarioInput);
}
