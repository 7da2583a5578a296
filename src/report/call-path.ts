// Call paths of allocation sites (SiteFigures.callPaths: one per program point, outermost frame
// first), as the terminal tables show them: one row per site, so a site reached from several points
// is shown as the frames its paths end with (shared, innermost part) and the distinct callers just
// outside them. (The profiles and the site tree split such a site by point: program-points.ts.)

import { FRAME_SEPARATOR } from "../memory/ledger.js";

type Paths = readonly (readonly string[])[];

/** The frames every list starts with. */
function commonPrefix(lists: Paths): string[] {
  const out: string[] = [];
  for (let i = 0; lists.length > 0 && lists.every((l) => i < l.length && l[i] === lists[0][i]); i++) out.push(lists[0][i]);
  return out;
}

export interface MergedPaths {
  /** The innermost frames all paths end with, innermost first. */
  shared: string[];
  /** Per path, the frame just outside the shared part ("(top)" if the path is all shared). */
  callers: string[];
}

export function mergePaths(paths: Paths): MergedPaths {
  const innermost = paths.map((p) => [...p].reverse());
  const shared = commonPrefix(innermost);
  return { shared, callers: innermost.map((p) => p[shared.length] ?? "(top)") };
}

/**
 * A terminal-width form: one path's innermost two frames ("Collector::new > Arc::new"), or for
 * several paths their callers and the shared innermost frames ("SegmentedStream::new |
 * SegmentedStream::roll_over > Vec::push"), only the callers of `pointsUsed` if given (a probe
 * without rollovers: "SegmentedStream::new > Vec::push").
 */
export function compactCallPath(s: { callPaths: Paths; pointsUsed?: readonly number[] }): string {
  if (s.callPaths.length === 0) return "-";
  if (s.callPaths.length === 1) return s.callPaths[0].slice(-2).join(FRAME_SEPARATOR);
  const { shared, callers } = mergePaths(s.callPaths);
  const used = s.pointsUsed ? callers.filter((_, point) => s.pointsUsed!.includes(point)) : callers;
  return [(used.length ? used : callers).join(" | "), ...[...shared].reverse()].join(FRAME_SEPARATOR);
}
