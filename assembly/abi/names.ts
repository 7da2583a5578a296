// The names of the enums the host passes to the module and reads back, in the module's order: the
// host's lists (src/stream/variants.ts, src/index/optimised-index.ts) are checked against these
// (tests/raw-exports.test.ts), so a value means the same on both sides of the ABI.

import { VARIANT_COUNT, variantName } from "../stream/variant";
import { INDEXER_COUNT, indexerName } from "../index/indexer";
import { TABLE_KIND_COUNT, tableKindName } from "../index/table";

export const ENUM_VARIANT: u32 = 0;
export const ENUM_INDEXER: u32 = 1;
export const ENUM_TABLE_KIND: u32 = 2;
/** One past the last enum. */
export const ENUM_COUNT: u32 = 3;

/** Values of enum `e` (0 for no such enum). */
export function enumCount(e: u32): u32 {
  if (e == ENUM_VARIANT) return VARIANT_COUNT;
  if (e == ENUM_INDEXER) return INDEXER_COUNT;
  return e == ENUM_TABLE_KIND ? TABLE_KIND_COUNT : 0;
}

/** The name of `value` in enum `e` ("" past the end). */
export function enumName(e: u32, value: u32): string {
  if (value >= enumCount(e)) return "";
  if (e == ENUM_VARIANT) return variantName(value);
  return e == ENUM_INDEXER ? indexerName(value) : tableKindName(value);
}
