// The probe's terminal report: totals, the per-site table and what the figures mean.

import { compactCallPath } from "./call-path.js";
import type { ProbeResult } from "../probe/probe.js";
import { PROBE_SUMMARY } from "../instance/variants.js";
import { bytes, count, table } from "./format.js";

function headline(result: ProbeResult): string[] {
  const work = result.structure === "OptimisedIndex"
    ? `OptimisedIndex instances (${result.indexer} indexer, capacity ${count(result.indexCapacity ?? 0)}: ` +
      `${bytes(result.indexTableBytes ?? 0)} ${result.indexTable} table), ${count(result.upserts)} upserts each`
    : `SegmentedStream instances, ${count(result.appends)} appends each`;
  return [
    `segstream probe ${result.variant}: ${count(result.instances)} ${work}, ${result.pageSlots}-slot pages`,
    `  ${PROBE_SUMMARY[result.variant]}`,
  ];
}

function epochLines(result: ProbeResult): string[] {
  if (!result.drain) return [];
  const d = result.drain;
  return [
    "",
    "Epoch collector at the end of the loop:",
    `  global epoch              ${count(result.epoch)}`,
    `  deferred, not yet run     ${count(result.pendingDeferred)} in ${count(result.queueNodes)} queued bags (plus the participants' own bags)`,
    `Drain (stalled guards released, then pin/flush/unpin until no user garbage is pending):`,
    `  rounds                    ${count(d.rounds)}`,
    `  freed                     ${bytes(d.freedBytes)} in ${count(d.freedBlocks)} blocks`,
    `  still live afterwards     ${bytes(d.liveBytes)} (collector, participants, queue)`,
    `  pending afterwards        ${count(d.pendingDeferred)} (the queue's own node churn: at most two node frees)`,
  ];
}

export function probeText(result: ProbeResult): string {
  const lines = [
    ...headline(result),
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
    ...epochLines(result),
    "",
    table(
      ["site", "requests", "requested bytes", "live bytes", "live blocks", "call path (innermost frames)"],
      result.sites.map((s) => [
        s.rust ? s.name : `${s.name} [model]`,
        count(s.requests),
        count(s.requestedBytes),
        count(s.liveBytes),
        count(s.liveBlocks),
        compactCallPath(s),
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
