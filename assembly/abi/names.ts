// The names of the enums the host passes to the module and reads back, in the module's order: the
// host's lists (src/stream/variants.ts, src/index/optimised-index.ts, src/memory/ledger.ts,
// src/epoch/crossbeam.ts) are checked against these (tests/raw-exports.test.ts), so a value means the
// same on both sides of the ABI. Failure reasons and bad-free kinds start at 1: value 0 is "none".

import { VARIANT_COUNT, variantName } from "../stream/variant";
import { INDEXER_COUNT, indexerName } from "../index/indexer";
import { TABLE_KIND_COUNT, tableKindName } from "../index/table";
import { GROW_EXACT, GROW_DOUBLE, GROW_CHUNK, FOOTPRINT_SEGSTREAM, FOOTPRINT_GLIBC } from "../memory/footprint";
import { REASON_LIMIT, REASON_ENGINE, REASON_TOO_LARGE, REASON_INJECTED, BAD_FREE_INVALID, BAD_FREE_DOUBLE } from "../memory/ledger";
import { CROSSBEAM_0_9_20, CROSSBEAM_0_9_13 } from "../epoch/version";

export const ENUM_VARIANT: u32 = 0;
export const ENUM_INDEXER: u32 = 1;
export const ENUM_TABLE_KIND: u32 = 2;
/** heapConfigure's policy (memory/footprint.ts GROW_*). */
export const ENUM_GROWTH_POLICY: u32 = 3;
/** heapConfigure's footprintModel (memory/footprint.ts FOOTPRINT_*). */
export const ENUM_FOOTPRINT_MODEL: u32 = 4;
/** FailureEntry.reason (memory/ledger.ts REASON_*). */
export const ENUM_FAILURE_REASON: u32 = 5;
/** BadFreeEntry.kind (memory/ledger.ts BAD_FREE_*). */
export const ENUM_BAD_FREE_KIND: u32 = 6;
/** epochConfigure's version (epoch/version.ts CROSSBEAM_*). */
export const ENUM_CROSSBEAM_VERSION: u32 = 7;
/** One past the last enum. */
export const ENUM_COUNT: u32 = 8;

function growthPolicyName(value: u32): string {
  if (value == GROW_EXACT) return "exact";
  return value == GROW_DOUBLE ? "double" : value == GROW_CHUNK ? "chunk" : "";
}

function footprintModelName(value: u32): string {
  return value == FOOTPRINT_SEGSTREAM ? "segstream" : value == FOOTPRINT_GLIBC ? "glibc" : "";
}

function failureReasonName(value: u32): string {
  if (value == REASON_LIMIT) return "limit";
  if (value == REASON_ENGINE) return "engine";
  if (value == REASON_TOO_LARGE) return "too-large";
  return value == REASON_INJECTED ? "injected" : "none";
}

function badFreeKindName(value: u32): string {
  return value == BAD_FREE_INVALID ? "invalid" : value == BAD_FREE_DOUBLE ? "double" : "none";
}

function crossbeamVersionName(value: u32): string {
  return value == CROSSBEAM_0_9_20 ? "0.9.20" : value == CROSSBEAM_0_9_13 ? "0.9.13" : "";
}

/** Values of enum `e` (0 for no such enum). */
export function enumCount(e: u32): u32 {
  if (e == ENUM_VARIANT) return VARIANT_COUNT;
  if (e == ENUM_INDEXER) return INDEXER_COUNT;
  if (e == ENUM_TABLE_KIND) return TABLE_KIND_COUNT;
  if (e == ENUM_GROWTH_POLICY) return GROW_CHUNK + 1;
  if (e == ENUM_FOOTPRINT_MODEL) return FOOTPRINT_GLIBC + 1;
  if (e == ENUM_FAILURE_REASON) return REASON_INJECTED + 1;
  if (e == ENUM_BAD_FREE_KIND) return BAD_FREE_DOUBLE + 1;
  return e == ENUM_CROSSBEAM_VERSION ? CROSSBEAM_0_9_13 + 1 : 0;
}

/** The name of `value` in enum `e` ("" past the end). */
export function enumName(e: u32, value: u32): string {
  if (value >= enumCount(e)) return "";
  if (e == ENUM_VARIANT) return variantName(value);
  if (e == ENUM_INDEXER) return indexerName(value);
  if (e == ENUM_TABLE_KIND) return tableKindName(value);
  if (e == ENUM_GROWTH_POLICY) return growthPolicyName(value);
  if (e == ENUM_FOOTPRINT_MODEL) return footprintModelName(value);
  if (e == ENUM_FAILURE_REASON) return failureReasonName(value);
  return e == ENUM_BAD_FREE_KIND ? badFreeKindName(value) : crossbeamVersionName(value);
}
