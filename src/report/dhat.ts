// A heap profile in DHAT's JSON format (version 2), which DHAT's own viewer (dh_view.html) opens.
//
// DHAT groups allocations by program point (a call stack, innermost frame first) and its viewer
// unfolds them as a tree from the allocation outwards. Each RUST site is one program point: its
// innermost frame names the site, then come the frames of its modelled Rust call path
// (assembly/memory/sites.ts), innermost to outermost. The ledger counts per site, not per program
// point, so a site reached from several points gets the frames its paths share (their common
// innermost part) and then one frame saying which callers it merges; the figures stay exact.
// ftbl holds each distinct frame once, so frames shared between sites are shared in the tree. Time is counted in ledger events ("tu": "events"), so lifetimes and t-gmax are exact:
// a site's total lifetime is the sum of its blocks' (free event − alloc event), live blocks counting
// up to the end, which the ledger keeps as two sums (assembly/memory/ledger.ts). Block accesses
// are not tracked (bkacc false).

import type { LedgerSnapshot, SiteFigures } from "../memory/ledger.js";
import { mergePaths } from "./call-path.js";

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
    pps: sites.map((s) => ({
      tb: s.requestedBytes,
      tbk: s.requests,
      tl: s.freeEvents + s.liveBlocks * end - s.allocEvents,
      mb: s.peakLiveBytes,
      mbk: s.peakLiveBlocks,
      gb: s.bytesAtPeak,
      gbk: s.blocksAtPeak,
      eb: s.liveBytes,
      ebk: s.liveBlocks,
      fs: siteFrames(s).map((f) => frames.id(f)),
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

/** A site's program-point frames, innermost first: the site, the frames all its paths end with, then who calls. */
export function siteFrames(s: SiteFigures): string[] {
  const frames = [`segstream site ${s.id}: ${s.name}`];
  if (s.callPaths.length === 1) return [...frames, ...[...s.callPaths[0]].reverse()];
  const { shared, callers } = mergePaths(s.callPaths);
  frames.push(...shared);
  if (callers.length > 1) frames.push(`[${callers.length} call paths merged, the ledger counts per site: ${callers.join(" | ")}]`);
  return frames;
}
