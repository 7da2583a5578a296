// `segstream diff --report DIR`: a static page (no script) with the two runs, the failure of each,
// and the site table of a RunDiff (every figure as A, B, B - A, B / A; rows that differ marked),
// plus diff.json, the same data `--json` prints.

import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bytes, count } from "./format.js";
import { escapeXml } from "./svg.js";
import { SITE_FIGURES, type Change, type FailureSide, type RunDiff, type SiteFigure } from "./diff-model.js";

const HEAD: Record<SiteFigure, string> = {
  requests: "requests", requestedBytes: "requested B", liveBytes: "live B at end", peakLiveBytes: "peak live B", largestRequest: "largest request B",
};

function cell(text: string): string {
  return `<td>${escapeXml(text)}</td>`;
}

function changeCells(c: Change): string {
  const delta = c.delta > 0 ? `+${count(c.delta)}` : count(c.delta);
  return [count(c.a), count(c.b), delta, c.ratio === null ? "" : `${c.ratio.toFixed(3)}x`].map(cell).join("");
}

function siteRow(name: string, figures: Record<SiteFigure, Change>, differs: boolean): string {
  return `<tr class="${differs ? "differs" : "same"}">${cell(name)}${SITE_FIGURES.map((f) => changeCells(figures[f])).join("")}</tr>`;
}

function failure(f: FailureSide | null): string {
  if (!f) return "none: the run completed";
  return `${bytes(f.bytes)} for ${f.site} (${f.reason}) at instance ${f.instance === null ? "?" : count(f.instance)}${f.phase ? `, ${f.phase} round/sample ${f.round}` : ""}`;
}

function runsTable(d: RunDiff): string {
  const row = (label: string, side: RunDiff["a"], f: FailureSide | null) =>
    `<tr>${[label, side.path, side.kind, side.scenario, side.variant, side.limitBytes === null ? "none" : bytes(side.limitBytes), side.outcome, failure(f)].map(cell).join("")}</tr>`;
  return [
    "<table><thead><tr><th>run</th><th>file</th><th>kind</th><th>scenario</th><th>variant</th><th>limit</th><th>outcome</th><th>failure</th></tr></thead><tbody>",
    row("A", d.a, d.failure.a),
    row("B", d.b, d.failure.b),
    "</tbody></table>",
    `<p class="verdict">${d.identical ? "identical: every site's figures and the failure are the same" : `failure: ${escapeXml(d.failure.change)}${d.failure.instanceDelta === null ? "" : ` (${d.failure.instanceDelta > 0 ? "+" : ""}${count(d.failure.instanceDelta)} instances)`}`}</p>`,
  ].join("\n");
}

function sitesTable(d: RunDiff): string {
  const top = SITE_FIGURES.map((f) => `<th colspan="4">${HEAD[f]}</th>`).join("");
  const sub = SITE_FIGURES.map(() => "<th>A</th><th>B</th><th>B - A</th><th>B / A</th>").join("");
  return [
    `<table class="sites"><thead><tr><th rowspan="2">site</th>${top}</tr><tr>${sub}</tr></thead><tbody>`,
    siteRow("total (Rust sites)", d.total, !d.identical),
    ...d.sites.map((s) => siteRow(`${s.site}${s.in === "both" ? "" : ` (only ${s.in})`}${s.rust ? "" : " [model site]"}`, s.figures, s.differs)),
    "</tbody></table>",
  ].join("\n");
}

/** Writes index.html and diff.json into `dir`; returns the page's path. */
export function writeDiffReport(dir: string, d: RunDiff): string {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, "diff.json"), JSON.stringify(d, null, 2));
  const html = [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8"><title>segstream diff</title>',
    "<style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child,th:first-child{text-align:left}tr.differs{background:#fff4e0}tr.same{color:#777}</style>",
    "</head><body>",
    "<h1>segstream diff</h1>",
    "<p>Two runs side by side: each site's requests, requested bytes, live bytes at the end (at the failure, for a failed run), peak live bytes and largest request, as A, B, B - A and B / A. Sites that differ come first and are shaded; model-only sites are marked and left out of the total. The data is in <code>diff.json</code>.</p>",
    runsTable(d),
    sitesTable(d),
    "</body></html>",
  ].join("\n");
  const page = join(root, "index.html");
  writeFileSync(page, html);
  return page;
}
