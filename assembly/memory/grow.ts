// Taking memory from the engine, within the limit and by the growth policy. Both kinds of region
// come from here: binned regions (heap.ts) by the policy, large blocks' regions (large.ts) by the
// page. A growth that would pass the limit falls back to exactly what is needed; if even that passes
// the limit, or the engine refuses, the request fails with a failure record (ledger.ts).

import {
  ROOT_FOOTPRINT, ROOT_PEAK_FOOTPRINT, ROOT_GROWTHS, ROOT_ENGINE_REFUSALS, ROOT_MODEL, ROOT_LIMIT, ROOT_POLICY,
  ROOT_CHUNK, PAGE_BITS
} from "./block";
import { FOOTPRINT_GLIBC } from "./footprint";
import { noteGrowth } from "./view";
import { STARTS_PAGES } from "./starts";
import { recordFailure, nextEvent, REASON_LIMIT, REASON_ENGINE } from "./ledger";

export const GROW_EXACT: u32 = 0;
export const GROW_DOUBLE: u32 = 1;
export const GROW_CHUNK: u32 = 2;

/**
 * memory.grow by `wanted` pages, or by `needed` if `wanted` would pass the limit or the engine
 * refuses it. Returns (pages taken << 32) | first page, or -1 having written a failure record.
 */
export function takePages(needed: u32, wanted: u32, site: u32, requested: u64, align: u32): i64 {
  let footprint = load<u64>(ROOT_FOOTPRINT);
  let limit = load<u32>(ROOT_MODEL) == FOOTPRINT_GLIBC ? 0 : load<u64>(ROOT_LIMIT);
  if (limit && footprint + (<u64>wanted << PAGE_BITS) > limit) wanted = needed;
  if (limit && footprint + (<u64>wanted << PAGE_BITS) > limit) {
    recordFailure(site, requested, align, REASON_LIMIT, footprint, limit, needed);
    return -1;
  }
  let before = memory.grow(<i32>wanted);
  if (before < 0 && wanted != needed) before = memory.grow(<i32>(wanted = needed));
  if (before < 0) {
    store<u32>(ROOT_ENGINE_REFUSALS, load<u32>(ROOT_ENGINE_REFUSALS) + 1);
    recordFailure(site, requested, align, REASON_ENGINE, footprint, limit, needed);
    return -1;
  }
  return (<i64>wanted << 32) | <i64>before;
}

/** The first address of a takePages result. */
// @ts-ignore: decorator
@inline export function takenStart(taken: i64): u64 { return (<u64>taken & 0xFFFF_FFFF) << PAGE_BITS; }
/** The bytes of a takePages result. */
// @ts-ignore: decorator
@inline export function takenBytes(taken: i64): u64 { return (<u64>taken >> 32) << PAGE_BITS; }

/** Counts `bytes` of fresh memory into the footprint; every growth is an event. */
export function addFootprint(bytes: u64): void {
  noteGrowth();
  let footprint = load<u64>(ROOT_FOOTPRINT) + bytes;
  store<u64>(ROOT_FOOTPRINT, footprint);
  if (footprint > load<u64>(ROOT_PEAK_FOOTPRINT)) store<u64>(ROOT_PEAK_FOOTPRINT, footprint);
  store<u32>(ROOT_GROWTHS, load<u32>(ROOT_GROWTHS) + 1);
  nextEvent();
}

/**
 * Pages a binned growth takes for `needed` pages under the growth policy. GROW_DOUBLE doubles the
 * memory as rt/tlsf.ts does, not counting the start map (which models nothing).
 */
export function policyPages(needed: u32): u32 {
  let policy = load<u32>(ROOT_POLICY);
  if (policy == GROW_DOUBLE) return max<u32>(<u32>memory.size() - STARTS_PAGES, needed);
  if (policy == GROW_CHUNK) {
    let chunk = load<u32>(ROOT_CHUNK);
    return (needed + chunk - 1) / chunk * chunk;
  }
  return needed;
}
