// A heap profile in DHAT's JSON format (version 2), which DHAT's own viewer (dh_view.html) opens.
//
// DHAT groups allocations by program point (a call stack, innermost frame first) and its viewer
// unfolds them as a tree from the allocation outwards. Each program point of a RUST site is one of
// DHAT's (program-points.ts): its innermost frame names the site, then come the frames of its
// modelled Rust call path (assembly/memory/sites.ts), innermost to outermost, with the figures the
// ledger kept for that point. ftbl holds each distinct frame once, so frames shared between points
// are shared in the tree. Time is counted in ledger events ("tu": "events"), so lifetimes and t-gmax are exact:
// a point's total lifetime is the sum of its blocks' (free event − alloc event), live blocks counting
// up to the end, which the ledger keeps as two sums (assembly/memory/ledger.ts). Block accesses
// are not tracked (bkacc false).

import type { LedgerSnapshot, SiteFigures } from "../memory/ledger.js";
import { programPoints } from "./program-points.js";

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
  const end = ledger.events;
  const frames = new FrameTable();
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
    pps: programPoints(ledger, (s) => s.rust).map(({ site, path, figures: f }) => ({
      tb: f.requestedBytes,
      tbk: f.requests,
      tl: f.freeEvents + f.liveBlocks * end - f.allocEvents,
      mb: f.peakLiveBytes,
      mbk: f.peakLiveBlocks,
      gb: f.bytesAtPeak,
      gbk: f.blocksAtPeak,
      eb: f.liveBytes,
      ebk: f.liveBlocks,
      fs: pointFrames(site, path).map((frame) => frames.id(frame)),
    })),
    ftbl: frames.list,
  };
}

/** ftbl: entry 0 is "[root]", as dh_view expects; every other frame gets one entry however often used. */
class FrameTable {
  readonly list: string[] = ["[root]"];
  private readonly ids = new Map<string, number>();
  id(frame: string): number {
    let id = this.ids.get(frame);
    if (id === undefined) {
      id = this.list.push(frame) - 1;
      this.ids.set(frame, id);
    }
    return id;
  }
}

/** A program point's frames, innermost first: the site, then its call path from the allocation outwards. */
export function pointFrames(site: SiteFigures, path: readonly string[]): string[] {
  return [`segstream site ${site.id}: ${site.name}`, ...[...path].reverse()];
}
