// A heap profile in DHAT's JSON format (version 2), which DHAT's own viewer (dh_view.html) opens.
//
// DHAT groups allocations by program point (a call stack); the model's natural program points are
// its allocation sites, so each RUST site is one program point whose single frame is the site's
// name. Time is counted in ledger events ("tu": "events"), so lifetimes and t-gmax are exact:
// a site's total lifetime is the sum of its blocks' (free event − alloc event), live blocks counting
// up to the end, which the ledger keeps as two sums (assembly/memory/ledger.ts). Block accesses
// are not tracked (bkacc false).

import type { LedgerSnapshot } from "../memory/ledger.js";

export interface DhatProfile {
  dhatFileVersion: 2;
  mode: "heap";
  verb: "Allocated";
  bklt: true;
  bkacc: false;
  tu: string;
  Mtu: string;
  tuth: number;
  cmd: string;
  pid: number;
  te: number;
  tg: number;
  pps: { tb: number; tbk: number; tl: number; mb: number; mbk: number; gb: number; gbk: number; eb: number; ebk: number; fs: number[] }[];
  ftbl: string[];
}

/** Blocks that live fewer events than this are "short-lived" in the viewer. */
const SHORT_LIVED_EVENTS = 16;

export function dhatProfile(ledger: LedgerSnapshot, cmd: string): DhatProfile {
  const sites = ledger.sites.filter((s) => s.rust && s.requests > 0);
  const end = ledger.events;
  return {
    dhatFileVersion: 2,
    mode: "heap",
    verb: "Allocated",
    bklt: true,
    bkacc: false,
    tu: "events",
    Mtu: "Mevents",
    tuth: SHORT_LIVED_EVENTS,
    cmd,
    pid: process.pid,
    te: end,
    tg: ledger.peakEvent,
    pps: sites.map((s, i) => ({
      tb: s.requestedBytes,
      tbk: s.requests,
      tl: s.freeEvents + s.liveBlocks * end - s.allocEvents,
      mb: s.peakLiveBytes,
      mbk: s.peakLiveBlocks,
      gb: s.bytesAtPeak,
      gbk: s.blocksAtPeak,
      eb: s.liveBytes,
      ebk: s.liveBlocks,
      fs: [i + 1],
    })),
    ftbl: ["[root]", ...sites.map((s) => `segstream site ${s.id}: ${s.name}`)],
  };
}
