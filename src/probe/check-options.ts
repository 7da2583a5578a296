// The probe's arguments (ProbeOptions), checked before anything is allocated: each bad one is a TypeError or
// RangeError naming it, and the bounds (bounds.ts) keep every probe finite.

import { requireInteger, requirePowerOfTwo } from "../errors.js";
import { MAX_INSTANCES, MAX_VALUES_PER_INSTANCE, totalValuesProblem } from "../bounds.js";
import { INDEXERS, MAX_CAPACITY, TABLE_KINDS, type Indexer, type TableKind } from "../index/optimised-index.js";
import { DEFAULT_PAGE_SLOTS, MAX_PAGE_SLOTS } from "../stream/segmented-stream.js";
import { PROBE_VARIANTS, type ProbeVariant } from "../instance/variants.js";
import type { Lab, LabOptions } from "../memory/lab.js";

function requireChoice(name: string, value: unknown, choices: readonly string[]): void {
  if (!choices.includes(value as string)) throw new RangeError(`${name} must be one of ${choices.join(", ")}, got ${String(value)}`);
}

export interface ProbeOptions {
  variant: ProbeVariant;
  instances: number;
  pageSlots?: number;
  /** Values appended to each bare stream before it is dropped (0: the seed's disabled upserts). */
  appends?: number;
  /** Probe OptimisedIndex instances with a table sized for this capacity instead of bare streams. */
  indexCapacity?: number;
  /** Upserts into each index before it is dropped. */
  upserts?: number;
  indexer?: Indexer;
  /** How the index table's allocation is modelled (default "flat"). */
  indexTable?: TableKind;
  lab?: LabOptions;
  /** Called once the loop has ended, before the drain (e.g. to read the collector's state). */
  afterLoop?: (lab: Lab) => void;
}

/** Throws unless `options` describe a probe within bounds; returns the values written per instance. */
export function checkProbeOptions(options: ProbeOptions): number {
  if (typeof options !== "object" || options === null) throw new TypeError("probe options must be an object");
  requireChoice("variant", options.variant, PROBE_VARIANTS);
  const instances = requireInteger("instances", options.instances, 0, MAX_INSTANCES);
  requirePowerOfTwo("pageSlots", options.pageSlots ?? DEFAULT_PAGE_SLOTS, 1, MAX_PAGE_SLOTS);
  const isIndex = options.indexCapacity !== undefined;
  if (isIndex) requireInteger("indexCapacity", options.indexCapacity, 0, MAX_CAPACITY);
  if (isIndex && options.appends !== undefined) throw new RangeError("appends applies to bare streams; an index takes upserts");
  if (!isIndex && (options.upserts !== undefined || options.indexer !== undefined || options.indexTable !== undefined)) {
    throw new RangeError("upserts, indexer and indexTable apply to indexes: give indexCapacity");
  }
  if (options.indexer !== undefined) requireChoice("indexer", options.indexer, INDEXERS);
  if (options.indexTable !== undefined) requireChoice("indexTable", options.indexTable, TABLE_KINDS);
  const name = isIndex ? "upserts" : "appends";
  const values = requireInteger(name, options[name] ?? 0, 0, MAX_VALUES_PER_INSTANCE);
  const problem = totalValuesProblem(instances, values, ["instances", name]);
  if (problem) throw new RangeError(problem);
  return values;
}
