// The failure frontier (`sweep --report DIR`): one chart per variant, the failing instance against
// the limit, one line per combination of the grid's other axes (index capacity, page slots, batch
// size). A cell that completes is drawn in the "completes" band above the plot, a cell without a
// limit in the "none" column right of it, and the seed's observation (its Criterion run died after
// about 522,000 instances at its 800 MiB limit: SEED_INSTANCES and SEED_SCENARIO) as a ring on
// every chart, so the model's frontier can be read against what the seed saw. Static SVG, no script.

import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CellResult } from "../sweep/cell.js";
import { batchSizeText } from "../scenarios/scenario.js";
import { SEED_INSTANCES, SEED_SCENARIO } from "../scenarios/seed.js";
import { escapeXml, niceStep } from "./svg.js";
import { count } from "./format.js";

const W = 760;
const H = 360;
const PAD = { left: 84, right: 90, top: 64, bottom: 52 };
/** The "completes" band above the plot and the "none" column right of it. */
const BAND = 28;
const MIB = 1024 * 1024;
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];
const SEED_LIMIT = SEED_SCENARIO.memory.limitBytes!;

/** The other axes' values, which tell a cell's line apart within its variant's chart. */
function lineName(r: CellResult): string {
  const s = r.scenario;
  return `capacity ${count(s.indexCapacity)}, ${s.pageSlots}-slot pages, ${batchSizeText(s.batchSize)}`;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

interface Scale { x: (limit: number | null) => number; y: (r: CellResult) => number; plotW: number; plotH: number; xMax: number; yMax: number }

function scaleFor(results: CellResult[]): Scale {
  const limits = results.map((r) => r.scenario.memory.limitBytes).filter((l): l is number => l !== null);
  const xMax = Math.max(SEED_LIMIT, ...limits) * 1.05;
  const yMax = Math.max(SEED_INSTANCES, ...results.map((r) => r.instance ?? 0)) * 1.1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  return {
    plotW, plotH, xMax, yMax,
    x: (limit) => (limit === null ? PAD.left + plotW + BAND * 1.5 : PAD.left + (limit / xMax) * plotW),
    y: (r) => (r.outcome === "allocation-failed" ? PAD.top + plotH - (r.instance! / yMax) * plotH : PAD.top - BAND / 2),
  };
}

function axes(s: Scale): string[] {
  const parts = [`<rect x="${PAD.left}" y="${PAD.top}" width="${s.plotW}" height="${s.plotH}" fill="none" stroke="#999"/>`];
  const xStep = niceStep(s.xMax / MIB, 6) * MIB;
  for (let x = 0; x <= s.xMax; x += xStep) {
    const px = PAD.left + (x / s.xMax) * s.plotW;
    parts.push(`<line x1="${px}" y1="${PAD.top}" x2="${px}" y2="${PAD.top + s.plotH}" stroke="#eee"/>`,
      `<text x="${px}" y="${PAD.top + s.plotH + 16}" text-anchor="middle" font-size="11">${count(Math.round(x / MIB))} MiB</text>`);
  }
  const yStep = niceStep(s.yMax, 5);
  for (let y = 0; y <= s.yMax; y += yStep) {
    const py = PAD.top + s.plotH - (y / s.yMax) * s.plotH;
    parts.push(`<line x1="${PAD.left}" y1="${py}" x2="${PAD.left + s.plotW}" y2="${py}" stroke="#eee"/>`,
      `<text x="${PAD.left - 6}" y="${py + 4}" text-anchor="end" font-size="11">${count(y)}</text>`);
  }
  parts.push(
    `<text x="${PAD.left - 6}" y="${PAD.top - BAND / 2 + 4}" text-anchor="end" font-size="11" font-style="italic">completes</text>`,
    `<text x="${PAD.left + s.plotW + BAND * 1.5}" y="${PAD.top + s.plotH + 16}" text-anchor="middle" font-size="11" font-style="italic">no limit</text>`,
    `<text x="${PAD.left + s.plotW / 2}" y="${H - 12}" text-anchor="middle" font-size="12">limit on the glibc footprint</text>`,
    `<text x="16" y="${PAD.top + s.plotH / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${PAD.top + s.plotH / 2})">failing instance</text>`,
  );
  return parts;
}

function seedMark(s: Scale): string[] {
  const px = PAD.left + (SEED_LIMIT / s.xMax) * s.plotW;
  const py = PAD.top + s.plotH - (SEED_INSTANCES / s.yMax) * s.plotH;
  return [
    `<circle class="seed" cx="${px}" cy="${py}" r="9" fill="none" stroke="#d62728" stroke-width="2"><title>the seed's Criterion run: died after about ${count(SEED_INSTANCES)} instances at 800 MiB</title></circle>`,
    `<text x="${px - 12}" y="${py - 12}" text-anchor="end" font-size="11" fill="#d62728">seed: ~${count(SEED_INSTANCES)} at 800 MiB</text>`,
  ];
}

function cellTitle(r: CellResult): string {
  const limit = r.scenario.memory.limitBytes === null ? "no limit" : `limit ${count(r.scenario.memory.limitBytes / MIB)} MiB`;
  const what = r.outcome === "allocation-failed"
    ? `fails at instance ${count(r.instance!)}: ${count(r.requestBytes!)} B ${r.site}, ${r.phase} ${r.phase === "warm-up" ? "round" : "sample"} ${r.round}`
    : r.outcome === "completed" ? "completes" : `error: ${r.error}`;
  return `${limit}: ${what}`;
}

function seriesParts(s: Scale, name: string, cells: CellResult[], color: string, row: number): string[] {
  const sorted = [...cells].filter((r) => r.outcome !== "error").sort((a, b) => (a.scenario.memory.limitBytes ?? Infinity) - (b.scenario.memory.limitBytes ?? Infinity));
  // The line joins neighbouring failures only: a cell that completes (or has no limit) breaks it,
  // since no instance lies between a failure and "completes".
  const d = sorted.map((r, i) => {
    const joined = i > 0 && r.outcome === "allocation-failed" && sorted[i - 1].outcome === "allocation-failed" && r.scenario.memory.limitBytes !== null;
    return `${joined ? "L" : "M"}${s.x(r.scenario.memory.limitBytes).toFixed(1)},${s.y(r).toFixed(1)}`;
  }).join("");
  return [
    `<path class="frontier" d="${d}" fill="none" stroke="${color}" stroke-width="2"><title>${escapeXml(name)}</title></path>`,
    ...sorted.map((r) => `<circle class="cell ${r.outcome}" data-key="${r.key}" cx="${s.x(r.scenario.memory.limitBytes).toFixed(1)}" cy="${s.y(r).toFixed(1)}" r="4" fill="${r.outcome === "completed" ? "#fff" : color}" stroke="${color}" stroke-width="2"><title>${escapeXml(cellTitle(r))}</title></circle>`),
    `<rect x="${PAD.left}" y="${18 + row * 14}" width="10" height="10" fill="${color}"/>`,
    `<text x="${PAD.left + 14}" y="${27 + row * 14}" font-size="11">${escapeXml(name)}</text>`,
  ];
}

/** One variant's chart: its cells' frontier lines over the limit, the seed marked. */
export function frontierChart(variant: string, results: CellResult[]): string {
  const s = scaleFor(results);
  const lines = [...groupBy(results, lineName)];
  const top = 14 * lines.length + 24;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="frontier-chart" data-variant="${escapeXml(variant)}" viewBox="0 ${-top} ${W} ${H + top}" width="${W}" height="${H + top}" role="img" aria-label="failure frontier: ${escapeXml(variant)}">`,
    `<text x="${W / 2}" y="${-top + 18}" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(variant)}: failing instance against the limit</text>`,
    ...axes(s),
    ...seedMark(s),
    ...lines.flatMap(([name, cells], i) => seriesParts(s, name, cells, COLORS[i % COLORS.length], i - lines.length)),
    "</svg>",
  ];
  return parts.join("\n");
}

/** Writes index.html (a chart per variant and the cells' table), frontier-<variant>.svg and results.json. */
export function writeFrontier(dir: string, results: CellResult[]): string {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  const byVariant = [...groupBy(results, (r) => r.scenario.variant)];
  const charts = byVariant.map(([variant, cells]) => ({ variant, svg: frontierChart(variant, cells) }));
  for (const c of charts) writeFileSync(join(root, `frontier-${c.variant}.svg`), c.svg);
  writeFileSync(join(root, "results.json"), JSON.stringify(results, null, 2));
  const rows = results.map((r) => `<tr><td>${r.key}</td><td>${escapeXml(r.scenario.variant)}</td><td>${escapeXml(cellTitle(r))}</td></tr>`).join("");
  const html = [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8"><title>segstream sweep: the failure frontier</title>',
    "<style>body{font-family:sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}figure{margin:24px 0}</style>",
    "</head><body>",
    "<h1>segstream sweep: the failure frontier</h1>",
    `<p>Each dot is one cell of the sweep: the instance whose setup was refused, against the limit on glibc's footprint; hollow dots in the top band complete. The red ring is the seed's observation: its Criterion run died after about ${count(SEED_INSTANCES)} instances at its 800 MiB limit. The cells' results are in <code>results.json</code>.</p>`,
    ...charts.map((c) => `<figure id="frontier-${escapeXml(c.variant)}">${c.svg}</figure>`),
    `<table><thead><tr><th>cell</th><th>variant</th><th>outcome</th></tr></thead><tbody>${rows}</tbody></table>`,
    "</body></html>",
  ].join("\n");
  const page = join(root, "index.html");
  writeFileSync(page, html);
  return page;
}
