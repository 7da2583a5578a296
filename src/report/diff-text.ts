// `segstream diff`'s terminal report, drawn from a RunDiff: the two runs named, the failure of
// each and how it moved, then one table with a row per (site, figure) that changed (the total
// first, then sites that differ), A, B, B - A and B / A. Sites with nothing changed are one
// line at the end. Long site names are shortened so a row fits the terminal's width.

import { count, table } from "./format.js";
import { SITE_FIGURES, type Change, type FailureSide, type RunDiff, type SiteFigure } from "./diff-model.js";

const LABELS: Record<SiteFigure, string> = {
  requests: "requests", requestedBytes: "requested B", liveBytes: "live B at end", peakLiveBytes: "peak live B", largestRequest: "largest request B",
};

const MIN_SITE = 16;
/** The table's column separator (format.ts's table). */
const GAP = 2;

function signed(n: number): string {
  return n > 0 ? `+${count(n)}` : count(n);
}

function ratio(c: Change): string {
  return c.ratio === null ? "" : `${c.ratio.toFixed(c.ratio >= 100 ? 0 : 3)}x`;
}

function shorten(name: string, width: number): string {
  return name.length <= width ? name : `${name.slice(0, width - 1)}…`;
}

function failureText(f: FailureSide | null): string {
  if (!f) return "none (completed)";
  const where = f.phase ? `, ${f.phase} ${f.phase === "warm-up" ? "round" : "sample"} ${f.round}` : "";
  return `${count(f.bytes)} B for ${f.site} (${f.reason}) at instance ${f.instance === null ? "?" : count(f.instance)}${where}`;
}

function failureLines(d: RunDiff): string[] {
  const moved: Record<RunDiff["failure"]["change"], string> = {
    same: "the same failure", moved: `the failure moved${d.failure.instanceDelta === null ? "" : ` by ${signed(d.failure.instanceDelta)} instances`}`,
    gone: "B no longer fails", new: "B fails where A completed", none: "neither run fails",
  };
  return [`failure A  ${failureText(d.failure.a)}`, `failure B  ${failureText(d.failure.b)}`, `           ${moved[d.failure.change]}`];
}

function rows(name: string, figures: Record<SiteFigure, Change>, all: boolean): string[][] {
  return SITE_FIGURES.filter((f) => all || figures[f].delta !== 0).map((f) => {
    const c = figures[f];
    return [name, LABELS[f], count(c.a), count(c.b), signed(c.delta), ratio(c)];
  });
}

export function diffText(d: RunDiff, columns = 100): string {
  const lines = [
    `A  ${d.a.path} (${d.a.kind}): ${d.a.scenario}, ${d.a.variant}, ${d.a.outcome}`,
    `B  ${d.b.path} (${d.b.kind}): ${d.b.scenario}, ${d.b.variant}, ${d.b.outcome}`,
    "",
  ];
  if (d.identical) return [...lines, "identical: every site's figures and the failure are the same"].join("\n");
  const changed = d.sites.filter((s) => s.differs);
  const full = [
    ...rows("total (Rust sites)", d.total, true),
    ...changed.flatMap((s) => rows(`${s.site}${s.in === "both" ? "" : ` (only ${s.in})`}${s.rust ? "" : " [model]"}`, s.figures, s.in !== "both")),
  ];
  // What the figure columns take; the site column gets the rest of the terminal's width.
  const others = [1, 2, 3, 4, 5].reduce((n, c) => n + GAP + Math.max(...full.map((r) => r[c].length), 6), 0);
  const siteWidth = Math.max(MIN_SITE, columns - others);
  const body = full.map(([site, ...rest]) => [shorten(site, siteWidth), ...rest]);
  const same = d.sites.length - changed.length;
  return [
    ...lines,
    ...failureLines(d),
    "",
    table(["site", "figure", "A", "B", "B - A", "B / A"], body),
    ...(same ? ["", `${same} other site${same === 1 ? "" : "s"} identical`] : []),
  ].join("\n");
}
