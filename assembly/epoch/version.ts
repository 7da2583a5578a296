// The crossbeam-epoch version the model follows. 0.9.13 (what Debian ships, so what native/ builds)
// and 0.9.20 agree on every size the model covers but one: `Local`.
//
//   0.9.20  2,304 bytes, align 128: entry · collector · bag · guard_count · handle_count · pin_count,
//           then the epoch in a CachePadded at 2176 (the model keeps its owner in the padding, 2096)
//   0.9.13  2,104 bytes, align 8:   the same fields, the epoch not padded, at 2096; no padding, so
//           the model keeps its owner in the high half of handle_count (2084), which here never
//           exceeds 1
//
// So a first pin costs 2,072 + 640 + 2,304 = 5,016 bytes in 0.9.20 and 4,816 in 0.9.13. The version
// lives in the shared reserved region (layout.ts), so every thread's instance sees the one the lab
// was configured with; zero (a fresh memory) is 0.9.20.
//
// Local's layout (the table is in local.ts) is declared here, since its end depends on the version.
// As in bag.ts, the classes declare runs of scalar fields and the Bag between them takes its extent
// from bag.ts: LocalHead (entry, collector) · the bag · LocalCounts (the three counts), the same in
// both versions; then one tail per version. Entry is LocalHead's base: a Local's address is its
// entry's, the link Global's list follows (global.ts).

import { EPOCH_CONFIG } from "../memory/layout";
import { BAG_SIZE } from "./bag";
import { WORD_ALIGN, CACHE_LINE, CACHE_PADDED_SIZE } from "./epoch";

/** crossbeam-epoch's list Entry: `next: Atomic<Entry>`, its low bit the deleted mark. */
@unmanaged export class Entry {
  next: u64;
}
/** Local's fields before `bag: UnsafeCell<Bag>`: `entry` (the base), then `collector` (an Arc<Global>). */
@unmanaged export class LocalHead extends Entry {
  collector: u64;
}
/** Local's fields after its bag, in both versions. */
@unmanaged export class LocalCounts {
  guardCount: u64;
  handleCount: u64;
  pinCount: u64;
}
/** 0.9.13's Local after the counts: the epoch, not padded (the owner is in handle_count's high half). */
@unmanaged class LocalTail0913 {
  epoch: u64;
}
/** 0.9.20's Local after the counts: the model's owner, in the padding before the CachePadded epoch. */
@unmanaged class LocalTail0920 {
  owner: u32;
}

// @ts-ignore: decorator
@inline export const LOCAL_ENTRY_NEXT: usize = offsetof<Entry>("next");
// @ts-ignore: decorator
@inline export const LOCAL_COLLECTOR: usize = offsetof<LocalHead>("collector");
// @ts-ignore: decorator
@inline export const LOCAL_BAG: usize = offsetof<LocalHead>();
// @ts-ignore: decorator
@inline const LOCAL_COUNTS: usize = LOCAL_BAG + BAG_SIZE;
// @ts-ignore: decorator
@inline export const LOCAL_GUARD_COUNT: usize = LOCAL_COUNTS + offsetof<LocalCounts>("guardCount");
// @ts-ignore: decorator
@inline export const LOCAL_HANDLE_COUNT: usize = LOCAL_COUNTS + offsetof<LocalCounts>("handleCount");
// @ts-ignore: decorator
@inline export const LOCAL_PIN_COUNT: usize = LOCAL_COUNTS + offsetof<LocalCounts>("pinCount");
/** Where the fields common to both versions end. */
// @ts-ignore: decorator
@inline const LOCAL_TAIL: usize = LOCAL_COUNTS + offsetof<LocalCounts>();
// crossbeam-epoch (both versions): entry, collector, the 2,056-byte bag at 16, three usize counts.
if (LOCAL_ENTRY_NEXT != 0 || LOCAL_COLLECTOR != 8 || LOCAL_BAG != 16) ERROR("Local must start with its entry, collector and bag (at 16), as crossbeam-epoch's");
if (LOCAL_GUARD_COUNT != 2072 || LOCAL_PIN_COUNT != 2088 || LOCAL_TAIL != 2096) ERROR("Local's counts must lie at 2,072 to 2,096, as crossbeam-epoch's");

// 0.9.13: the epoch right after the counts, no padding.
// @ts-ignore: decorator
@inline const LOCAL_0913_EPOCH: usize = LOCAL_TAIL + offsetof<LocalTail0913>("epoch");
// @ts-ignore: decorator
@inline const LOCAL_0913_SIZE: usize = LOCAL_TAIL + offsetof<LocalTail0913>();
// @ts-ignore: decorator
@inline const LOCAL_0913_ALIGN: u32 = WORD_ALIGN;
/** The high half (little-endian) of handle_count. */
// @ts-ignore: decorator
@inline const LOCAL_0913_OWNER: usize = LOCAL_HANDLE_COUNT + sizeof<u32>();
if (LOCAL_0913_SIZE != 2104 || LOCAL_0913_EPOCH != 2096 || LOCAL_0913_ALIGN != 8) ERROR("Local in 0.9.13 must be 2,104 bytes, align 8, its epoch at 2,096, as crossbeam-epoch's");

// 0.9.20: the epoch CachePadded, at the first cache line after the counts; the owner in the padding.
// @ts-ignore: decorator
@inline const LOCAL_0920_OWNER: usize = LOCAL_TAIL + offsetof<LocalTail0920>("owner");
// @ts-ignore: decorator
@inline const LOCAL_0920_EPOCH: usize = (LOCAL_TAIL + CACHE_LINE - 1) & ~(CACHE_LINE - 1);
/** Local's size in 0.9.20, the default. */
// @ts-ignore: decorator
@inline export const LOCAL_0920_SIZE: usize = LOCAL_0920_EPOCH + CACHE_PADDED_SIZE;
// @ts-ignore: decorator
@inline const LOCAL_0920_ALIGN: u32 = <u32>CACHE_LINE;
if (LOCAL_0920_SIZE != 2304 || LOCAL_0920_EPOCH != 2176 || LOCAL_0920_ALIGN != 128) ERROR("Local in 0.9.20 must be 2,304 bytes, align 128, its epoch at 2,176, as crossbeam-epoch's");
if (LOCAL_TAIL + offsetof<LocalTail0920>() > LOCAL_0920_EPOCH) ERROR("Local's owner must fit in 0.9.20's padding before the epoch");
if (LOCAL_0913_OWNER != 2084 || LOCAL_0920_OWNER != 2096) ERROR("Local's owner must lie at 2,084 (0.9.13) and 2,096 (0.9.20), as the tables say");

export const CROSSBEAM_0_9_20: u32 = 0;
export const CROSSBEAM_0_9_13: u32 = 1;

export function crossbeamVersion(): u32 { return load<u32>(EPOCH_CONFIG); }

/** Set at configure time, before any participant registers. False for an unknown version. */
export function setCrossbeamVersion(version: u32): bool {
  if (version > CROSSBEAM_0_9_13) return false;
  store<u32>(EPOCH_CONFIG, version);
  return true;
}

// @ts-ignore: decorator
@inline function is0913(): bool { return crossbeamVersion() == CROSSBEAM_0_9_13; }
// @ts-ignore: decorator
@inline export function localSize(): usize { return is0913() ? LOCAL_0913_SIZE : LOCAL_0920_SIZE; }
// @ts-ignore: decorator
@inline export function localAlign(): u32 { return is0913() ? LOCAL_0913_ALIGN : LOCAL_0920_ALIGN; }
// @ts-ignore: decorator
@inline export function localEpochOffset(): usize { return is0913() ? LOCAL_0913_EPOCH : LOCAL_0920_EPOCH; }
// @ts-ignore: decorator
@inline export function localOwnerOffset(): usize { return is0913() ? LOCAL_0913_OWNER : LOCAL_0920_OWNER; }
