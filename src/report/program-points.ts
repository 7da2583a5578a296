// The program points of a ledger, as the profiles and the site tree show them: a site made from one
// call path is one point with the site's figures; a site made from several (Page.slots by
// SegmentedStream::new and by roll_over) is one point per path, each with the figures the ledger
// kept for that point (assembly/memory/ledger.ts, point records), which sum to the site's.

import type { Figures, LedgerSnapshot, SiteFigures } from "../memory/ledger.js";

export interface ProgramPoint {
  site: SiteFigures;
  /** The modelled Rust call path, outermost frame first. */
  path: string[];
  figures: Figures;
}

/** The points of the sites `include` keeps, in site order, each with requests (points that made none are left out). */
export function programPoints(ledger: LedgerSnapshot, include: (s: SiteFigures) => boolean): ProgramPoint[] {
  return ledger.sites.filter((s) => include(s) && s.requests > 0).flatMap((site): ProgramPoint[] => {
    const points = ledger.points.filter((p) => p.site === site.id);
    if (points.length === 0) return [{ site, path: site.callPaths[0] ?? [], figures: site }];
    return points.filter((p) => p.requests > 0).map((p) => ({ site, path: p.callPath, figures: p }));
  });
}
