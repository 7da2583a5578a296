// The difference of two runs, as data: per site (the union of both runs' sites, matched by name)
// and in total (Rust-visible sites only, as the ledger's Rust figures), each figure as A, B,
// B - A and B / A (null where A is 0: no ratio means anything there), and the failure of each
// side with what moved. Rows that differ come first, by the size of their largest change. This
// is the shape `segstream diff --json` prints (documented in the README): `diff.formatVersion`
// names it, and the text and HTML pages are drawn from it alone.

import type { RunJson, SiteJson } from "./reproduce-json.js";

export const DIFF_JSON_FORMAT = "segstream-diff/1";

export const SITE_FIGURES = ["requests", "requestedBytes", "liveBytes", "peakLiveBytes", "largestRequest"] as const;
export type SiteFigure = (typeof SITE_FIGURES)[number];

export interface Change {
  a: number;
  b: number;
  delta: number;
  ratio: number | null;
}

export interface SiteDiff {
  site: string;
  rust: boolean;
  /** Which runs have the site at all. */
  in: "both" | "A" | "B";
  figures: Record<SiteFigure, Change>;
  differs: boolean;
}

export interface FailureSide {
  site: string;
  bytes: number;
  instance: number | null;
  phase: string | null;
  round: number | null;
  reason: string;
}

export interface FailureDiff {
  a: FailureSide | null;
  b: FailureSide | null;
  /** "same", "moved" (a different instance, site, size or place), "gone" (only A failed), "new" (only B failed), "none". */
  change: "same" | "moved" | "gone" | "new" | "none";
  /** B's failing instance - A's, when both failed. */
  instanceDelta: number | null;
}

export interface RunDiff {
  format: typeof DIFF_JSON_FORMAT;
  a: { path: string; kind: string; scenario: string; variant: string; outcome: string; limitBytes: number | null };
  b: { path: string; kind: string; scenario: string; variant: string; outcome: string; limitBytes: number | null };
  identical: boolean;
  total: Record<SiteFigure, Change>;
  failure: FailureDiff;
  /** Differing sites first (largest change first), then the rest by name. */
  sites: SiteDiff[];
}

export interface DiffSource {
  path: string;
  kind: string;
  run: RunJson;
}

function change(a: number, b: number): Change {
  return { a, b, delta: b - a, ratio: a === 0 ? null : b / a };
}

const EMPTY: Omit<SiteJson, "name" | "rust"> = { requests: 0, requestedBytes: 0, liveBytes: 0, peakLiveBytes: 0, largestRequest: 0 };

function figures(a: Omit<SiteJson, "name" | "rust">, b: Omit<SiteJson, "name" | "rust">): Record<SiteFigure, Change> {
  return Object.fromEntries(SITE_FIGURES.map((f) => [f, change(a[f], b[f])])) as Record<SiteFigure, Change>;
}

function differs(f: Record<SiteFigure, Change>): boolean {
  return SITE_FIGURES.some((k) => f[k].delta !== 0);
}

/** The largest change of a row, in bytes (requests count as one byte each: a tie-break only). */
function weight(d: SiteDiff): number {
  return Math.max(...SITE_FIGURES.map((k) => Math.abs(d.figures[k].delta)));
}

function siteDiffs(a: SiteJson[], b: SiteJson[]): SiteDiff[] {
  const names = [...new Set([...a.map((s) => s.name), ...b.map((s) => s.name)])];
  const rows = names.map((site): SiteDiff => {
    const sa = a.find((s) => s.name === site);
    const sb = b.find((s) => s.name === site);
    const f = figures(sa ?? EMPTY, sb ?? EMPTY);
    return { site, rust: (sa ?? sb)!.rust, in: sa && sb ? "both" : sa ? "A" : "B", figures: f, differs: differs(f) || !(sa && sb) };
  });
  return rows.sort((x, y) => Number(y.differs) - Number(x.differs) || weight(y) - weight(x) || x.site.localeCompare(y.site));
}

/** Totals over Rust sites: counts and bytes add; the peak and largest request are the run's own. */
function total(a: RunJson, b: RunJson): Record<SiteFigure, Change> {
  const sum = (run: RunJson, f: "requests" | "requestedBytes" | "liveBytes") => run.sites.filter((s) => s.rust).reduce((n, s) => n + s[f], 0);
  return {
    requests: change(sum(a, "requests"), sum(b, "requests")),
    requestedBytes: change(sum(a, "requestedBytes"), sum(b, "requestedBytes")),
    liveBytes: change(sum(a, "liveBytes"), sum(b, "liveBytes")),
    peakLiveBytes: change(a.peakLiveBytes, b.peakLiveBytes),
    largestRequest: change(a.largestRequest, b.largestRequest),
  };
}

function failureOf(run: RunJson): FailureSide | null {
  const f = run.failedRequest;
  return f ? { site: f.site, bytes: f.bytes, instance: run.instance, phase: run.phase, round: run.round, reason: f.reason } : null;
}

function failureDiff(a: RunJson, b: RunJson): FailureDiff {
  const fa = failureOf(a);
  const fb = failureOf(b);
  const instanceDelta = fa && fb && fa.instance !== null && fb.instance !== null ? fb.instance - fa.instance : null;
  const kind = !fa && !fb ? "none" : !fb ? "gone" : !fa ? "new" : JSON.stringify(fa) === JSON.stringify(fb) ? "same" : "moved";
  return { a: fa, b: fb, change: kind, instanceDelta };
}

function header(s: DiffSource): RunDiff["a"] {
  return { path: s.path, kind: s.kind, scenario: s.run.scenario, variant: s.run.variant, outcome: s.run.outcome, limitBytes: s.run.limitBytes };
}

export function diffRuns(a: DiffSource, b: DiffSource): RunDiff {
  const sites = siteDiffs(a.run.sites, b.run.sites);
  const totals = total(a.run, b.run);
  const failure = failureDiff(a.run, b.run);
  const identical = !sites.some((s) => s.differs) && !differs(totals) && (failure.change === "same" || failure.change === "none") && a.run.outcome === b.run.outcome;
  return { format: DIFF_JSON_FORMAT, a: header(a), b: header(b), identical, total: totals, failure, sites };
}
