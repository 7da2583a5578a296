// Model-only sites (MODEL in assembly/memory/sites.ts): storage the lab needs that the native
// program does not allocate on its heap. They are left out of every Rust total and of the glibc
// footprint; the reports show them apart, saying what each is for, so a reader does not take, say,
// the 32 KiB host buffer for a Rust allocation.

import type { LedgerSnapshot } from "../memory/ledger.js";

const PURPOSE: Record<string, string> = {
  "host buffer": "the buffer the TypeScript host passes values in and out through (no Rust counterpart)",
  "SegmentedStream (inline in its owner)": "the struct itself, which natively lives inline in its owner or on the stack",
  "OptimisedIndex (inline in its owner)": "the struct itself, which natively lives inline in its owner or on the stack",
  "ArcSwap<Page<V16>> (inline in its owner)": "the ArcSwap cell, inline in its owner natively",
  "SegmentedStream.directory": "the model's page directory, kept beside the stream (not a Rust allocation)",
  test: "allocations made by tests",
};

export interface ModelSite {
  name: string;
  liveBytes: number;
  peakBytes: number;
  purpose: string;
}

/** The model-only sites that held anything during the run, with what each is for. */
export function modelSites(ledger: LedgerSnapshot): ModelSite[] {
  return ledger.sites
    .filter((s) => !s.rust && (s.liveBytes || s.peakLiveBytes))
    .map((s) => ({ name: s.name, liveBytes: s.liveBytes, peakBytes: s.peakLiveBytes, purpose: PURPOSE[s.name] ?? "storage only the model needs" }));
}
