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

import { EPOCH_CONFIG } from "../memory/layout";

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
@inline export function localSize(): usize { return is0913() ? 2104 : 2304; }
// @ts-ignore: decorator
@inline export function localAlign(): u32 { return is0913() ? 8 : 128; }
// @ts-ignore: decorator
@inline export function localEpochOffset(): usize { return is0913() ? 2096 : 2176; }
// @ts-ignore: decorator
@inline export function localOwnerOffset(): usize { return is0913() ? 2084 : 2096; }
