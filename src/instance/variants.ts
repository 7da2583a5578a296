// Probe variants: the stream variants, plus two epoch scenarios around `epoch-deferred` streams that
// differ only in what the thread holds while the loop runs:
//   epoch-stalled  another participant pins before the loop and stays pinned throughout
//   epoch-nested   this thread holds an outer guard throughout, so every drop's pin is nested
// Both the probe and the benchmark scenarios take them.

import type { Lab } from "../memory/lab.js";
import type { Guard } from "../epoch/participant.js";
import { STREAM_VARIANTS, VARIANT_SUMMARY, type StreamVariant } from "../stream/variants.js";

export const PROBE_VARIANTS = [...STREAM_VARIANTS, "epoch-stalled", "epoch-nested"] as const;
export type ProbeVariant = (typeof PROBE_VARIANTS)[number];

export const PROBE_SUMMARY: Record<ProbeVariant, string> = {
  ...VARIANT_SUMMARY,
  "epoch-stalled": "epoch-deferred drops while another participant stays pinned for the whole run",
  "epoch-nested": "epoch-deferred drops while this thread holds an outer guard for the whole run",
};

/** The stream variant a probe variant builds. */
export function streamVariantOf(variant: ProbeVariant): StreamVariant {
  return variant === "epoch-stalled" || variant === "epoch-nested" ? "epoch-deferred" : variant;
}

/** Pins what the epoch scenario holds across the loop (a stalled participant or an outer guard). */
export function holdGuard(lab: Lab, variant: ProbeVariant): Guard | undefined {
  if (variant === "epoch-stalled") return lab.epoch.participant().pin();
  if (variant === "epoch-nested") return lab.epoch.current().pin();
  return undefined;
}
