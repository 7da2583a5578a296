// A scenario: everything that decides how one benchmark run goes, as plain data. It can be written
// as JSON (any subset of the fields: the rest come from the seed scenario) and is checked field by
// field, so a typo in a scenario file is an error that names the field, never a silent default.

import { GROWTH_POLICIES, FOOTPRINT_MODELS, type GrowthPolicy, type FootprintModel } from "../memory/ledger.js";
import { PROBE_VARIANTS, type ProbeVariant } from "../instance/variants.js";
import { INDEXERS, MAX_CAPACITY, TABLE_KINDS, type Indexer, type TableKind } from "../index/optimised-index.js";
import { TABLE_COST_FIELDS, type TableCost } from "../index/table-cost.js";
import { MAX_PAGE_SLOTS } from "../stream/segmented-stream.js";
import type { BatchSize } from "../harness/batch-size.js";
import type { CostModel } from "../harness/clock.js";
import {
  ENGINE_MAX_BYTES, MAX_COST_NS, MAX_INSTANCES, MAX_PHASE_MS, MAX_VALUES_PER_INSTANCE, MIN_SAMPLE_SIZE, MAX_SAMPLE_SIZE,
} from "../bounds.js";
import { ScenarioError, describe, fail, fields, finiteNumber, oneOf, own, text, wholeNumber } from "./scenario-fields.js";
import { checkPlan } from "./scenario-plan.js";

export { ScenarioError };

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
  /** OptimisedIndex only: the capacity its table is sized for, its indexer, and how the table is allocated. */
  indexCapacity: number;
  indexer: Indexer;
  indexTable: TableKind;
  pageSlots: number;
  /** Upserts (or appends, for a bare stream) in each iteration's routine; the seed's are disabled. */
  upsertsPerIteration: number;
  batchSize: BatchSize;
  clock: ClockKind;
  /** The virtual clock's costs (ignored by the real clock), with the index table's (index/table-cost.ts). */
  cost: ScenarioCost;
  warmUpMs: number;
  measurementMs: number;
  sampleSize: number;
  memory: MemorySettings;
}

export type ScenarioCost = CostModel & TableCost;

/** A scenario as written in JSON: any subset; memory is merged field by field, cost replaced whole. */
export type ScenarioInput = Partial<Omit<Scenario, "memory" | "cost" | "batchSize">> & {
  memory?: Partial<MemorySettings>;
  cost?: ScenarioCost;
  batchSize?: BatchSize | BatchSizeText;
};

/** "PerIteration", "SmallInput", "LargeInput", "NumBatches:10", "NumIterations:64". */
export type BatchSizeText = string;

const MEMORY_FIELDS = ["limitBytes", "growth", "chunkPages", "footprint", "baselineBytes"] as const;
const COST_FIELDS = ["setupNs", "routineNs", "dropNs", "iterationNs", ...TABLE_COST_FIELDS] as const;
const MAX_NAME = 100;
const MAX_DESCRIPTION = 1000;
const MAX_CHUNK_PAGES = 65536;

export function parseBatchSize(value: unknown): BatchSize {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return parseBatchSize(batchSizeText(batchSizeObject(value)));
  if (typeof value !== "string") fail("batchSize", `must be a string such as "PerIteration" or "NumBatches:10", got ${describe(value)}`);
  const [kind, count, ...rest] = value.split(":");
  if ((kind === "PerIteration" || kind === "SmallInput" || kind === "LargeInput") && count === undefined) return { kind };
  const n = count !== undefined && /^\d+$/.test(count) && !rest.length ? Number(count) : NaN;
  if (n >= 1 && n <= MAX_INSTANCES) {
    if (kind === "NumBatches") return { kind, batches: n };
    if (kind === "NumIterations") return { kind, iterations: n };
  }
  return fail("batchSize", `expected PerIteration, SmallInput, LargeInput, NumBatches:<n> or NumIterations:<n> (n from 1 to ${MAX_INSTANCES}), got ${describe(value)}`);
}

/** A BatchSize written as an object: its kind and, for the counted kinds, exactly their count. */
function batchSizeObject(value: object): BatchSize {
  const input = fields("batchSize", value, ["kind", "batches", "iterations"]);
  const kind = oneOf("batchSize.kind", input.kind, ["PerIteration", "SmallInput", "LargeInput", "NumBatches", "NumIterations"] as const);
  const count = kind === "NumBatches" ? "batches" : kind === "NumIterations" ? "iterations" : undefined;
  for (const key of ["batches", "iterations"]) if (key !== count && key in input) fail(`batchSize.${key}`, `does not belong to ${kind}`);
  if (count) wholeNumber(`batchSize.${count}`, input[count], 1, MAX_INSTANCES);
  return input as unknown as BatchSize;
}

export function batchSizeText(size: BatchSize): string {
  if (size.kind === "NumBatches") return `NumBatches:${size.batches}`;
  if (size.kind === "NumIterations") return `NumIterations:${size.iterations}`;
  return size.kind;
}

function parseCost(value: unknown): ScenarioCost {
  const input = fields("cost", value, COST_FIELDS);
  const cost: ScenarioCost = {};
  for (const [key, ns] of Object.entries(input)) cost[key as keyof ScenarioCost] = finiteNumber(`cost.${key}`, ns, 0, MAX_COST_NS);
  return cost;
}

/** The process baseline, if the input or the base scenario has one (absent: 0, today's figures). */
function baselineOf(input: Partial<Record<(typeof MEMORY_FIELDS)[number], unknown>>, base: MemorySettings): Pick<MemorySettings, "baselineBytes"> {
  const baseline = own(input, "baselineBytes", base.baselineBytes);
  return baseline === undefined ? {} : { baselineBytes: wholeNumber("memory.baselineBytes", baseline, 0, ENGINE_MAX_BYTES) };
}

function parseMemory(base: MemorySettings, value: unknown): MemorySettings {
  const input = fields("memory", value, MEMORY_FIELDS);
  const limit = own(input, "limitBytes", base.limitBytes);
  return {
    limitBytes: limit === null ? null : wholeNumber("memory.limitBytes", limit, 1, ENGINE_MAX_BYTES),
    growth: oneOf("memory.growth", own(input, "growth", base.growth), GROWTH_POLICIES),
    chunkPages: wholeNumber("memory.chunkPages", own(input, "chunkPages", base.chunkPages), 1, MAX_CHUNK_PAGES),
    footprint: oneOf("memory.footprint", own(input, "footprint", base.footprint), FOOTPRINT_MODELS),
    ...baselineOf(input, base),
  };
}

const FIELDS = [
  "name", "description", "structure", "variant", "indexCapacity", "indexer", "indexTable", "pageSlots", "upsertsPerIteration",
  "batchSize", "clock", "cost", "warmUpMs", "measurementMs", "sampleSize", "memory",
] as const;

/** `base` with `input` applied, every field checked (ScenarioError, a RangeError, naming the field). */
export function applyScenario(base: Scenario, input: ScenarioInput): Scenario {
  const given = fields("", input, FIELDS);
  const pick = <K extends keyof Scenario>(key: K): unknown => own(given, key, base[key]);
  const pageSlots = wholeNumber("pageSlots", pick("pageSlots"), 1, MAX_PAGE_SLOTS);
  if ((pageSlots & (pageSlots - 1)) !== 0) fail("pageSlots", `must be a power of two, got ${pageSlots}`);
  const scenario: Scenario = {
    name: text("name", pick("name"), 1, MAX_NAME),
    description: text("description", pick("description"), 0, MAX_DESCRIPTION),
    structure: oneOf("structure", pick("structure"), STRUCTURES),
    variant: oneOf("variant", pick("variant"), PROBE_VARIANTS),
    indexCapacity: wholeNumber("indexCapacity", pick("indexCapacity"), 0, MAX_CAPACITY),
    indexer: oneOf("indexer", pick("indexer"), INDEXERS),
    indexTable: oneOf("indexTable", pick("indexTable"), TABLE_KINDS),
    pageSlots,
    upsertsPerIteration: wholeNumber("upsertsPerIteration", pick("upsertsPerIteration"), 0, MAX_VALUES_PER_INSTANCE),
    batchSize: parseBatchSize(pick("batchSize")),
    clock: oneOf("clock", pick("clock"), CLOCKS),
    cost: parseCost(pick("cost")),
    warmUpMs: wholeNumber("warmUpMs", pick("warmUpMs"), 1, MAX_PHASE_MS),
    measurementMs: wholeNumber("measurementMs", pick("measurementMs"), 1, MAX_PHASE_MS),
    sampleSize: wholeNumber("sampleSize", pick("sampleSize"), MIN_SAMPLE_SIZE, MAX_SAMPLE_SIZE),
    memory: parseMemory(base.memory, own(given, "memory", {})),
  };
  checkPlan(scenario);
  return scenario;
}
