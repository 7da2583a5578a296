// The probe's terminal report: totals, the per-site table and what the figures mean.

import type { ProbeResult } from "../probe/probe.js";
import { VARIANT_SUMMARY } from "../stream/variants.js";
import { bytes, count, table } from "./format.js";

export function probeText(result: ProbeResult): string {
  const lines = [
    `segstream probe ${result.variant}: ${count(result.instances)} instances created and dropped, ` +
      `${result.pageSlots}-slot pages, ${count(result.appends)} appends each`,
    `  ${VARIANT_SUMMARY[result.variant]}`,
    "",
    "Rust-visible heap (requested bytes):",
    `  retained after the loop   ${bytes(result.liveBytes)} in ${count(result.liveBlocks)} blocks`,
    `  retained per instance     ${count(result.retainedBytesPerInstance)} bytes in ${count(result.retainedBlocksPerInstance)} blocks`,
    `  requests                  ${count(result.requests)} (${count(result.requestsPerInstance)} per instance), ${bytes(result.requestedBytes)}`,
    `  peak live                 ${bytes(result.peakBytes)}`,
    `  largest single request    ${bytes(result.largestRequest)}`,
    `  invalid frees             ${count(result.invalidFrees)}    double frees ${count(result.doubleFrees)}`,
    "",
    "Allocator (segstream's heap):",
    `  live block bytes          ${bytes(result.liveBlockBytes)} (header and rounding included)`,
    `  footprint                 ${bytes(result.footprintBytes)} of linear memory`,
    "",
    table(
      ["site", "requests", "requested bytes", "live bytes", "live blocks"],
      result.sites.map((s) => [
        s.rust ? s.name : `${s.name} [model]`,
        count(s.requests),
        count(s.requestedBytes),
        count(s.liveBytes),
        count(s.liveBlocks),
      ]),
    ),
  ];
  for (const f of result.badFrees) {
    const hit = f.blockSite ? `${f.offset} bytes into a live ${f.blockSite} block` : "no live block";
    lines.push(`  ${f.kind} free by ${f.freeingSite} at 0x${f.address.toString(16)}: ${hit}`);
  }
  lines.push("", `${count(result.instances)} instances in ${result.elapsedMs.toFixed(0)} ms`);
  return lines.join("\n");
}
