// `--report DIR`: an HTML page with one chart per run (live Rust bytes by site against instance
// number, the footprint the limit applies to, the limit drawn, the failure marked), the runs' JSON,
// a DHAT heap profile per run, and for runs that completed, Criterion's own files
// (criterion/<id>/new/estimates.json and sample.json). Everything is static; the page needs no script.

import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ScenarioRun } from "../scenarios/run-scenario.js";
import type { RunJson } from "./reproduce-json.js";
import { dhatProfile } from "./dhat.js";
import { writeBenchmarkFiles } from "../harness/files.js";
import { lineChart, type Line, type Marker } from "./svg.js";
import { bytes, count } from "./format.js";

export interface ReportEntry {
  run: ScenarioRun;
  json: RunJson;
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];
const MIB = 1024 * 1024;

function fileName(entry: ReportEntry, index: number): string {
  return `${String(index + 1).padStart(2, "0")}-${entry.run.scenario.name}-${entry.run.scenario.variant}`.replace(/[^A-Za-z0-9._-]/g, "_");
}

function chartFor(entry: ReportEntry): string {
  const { run } = entry;
  const sites = [...new Set(run.series.flatMap((p) => Object.keys(p.bySite)))];
  const lines: Line[] = sites.map((site, i) => ({
    name: site,
    color: COLORS[i % COLORS.length],
    points: run.series.map((p) => [p.instance, p.bySite[site] ?? 0] as [number, number]),
  }));
  lines.push({
    name: `${run.scenario.memory.footprint} footprint`,
    color: "#555",
    dashed: true,
    points: run.series.map((p) => [p.instance, p.footprintBytes] as [number, number]),
  });
  const f = run.failure;
  if (f) {
    // The refused request stacked on the footprint it met: the segment crosses the limit line.
    lines.push({
      name: "footprint + the refused request",
      color: "#111",
      width: 6,
      points: [[f.instance, f.record.footprintBytes], [f.instance, f.record.footprintBytes + f.requestFootprintBytes]],
    });
  }
  const markers: Marker[] = [];
  if (run.scenario.memory.limitBytes !== null) {
    markers.push({ y: run.scenario.memory.limitBytes, label: `limit ${bytes(run.scenario.memory.limitBytes)}`, color: "#d62728" });
  }
  if (run.failure) {
    markers.push({
      x: run.failure.instance,
      label: `${bytes(run.failure.record.bytes)} ${run.failure.record.siteName} refused at instance ${count(run.failure.instance)}`,
      color: "#d62728",
    });
  }
  return lineChart({
    title: `${run.scenario.name}: ${run.scenario.variant} (${run.outcome})`,
    xLabel: "instance",
    yLabel: "bytes",
    lines,
    markers,
    formatX: (x) => (x >= 1000 ? `${count(Math.round(x / 1000))}k` : count(x)),
    formatY: (y) => `${count(Math.round(y / MIB))} MiB`,
    yUnit: MIB,
  });
}

function row(entry: ReportEntry): string {
  const j = entry.json;
  const where = j.phase ? `${j.phase} ${j.phase === "warm-up" ? "round" : "sample"} ${j.round}` : "";
  const cells = [
    j.variant,
    j.outcome,
    j.failedRequest ? `${count(j.failedRequest.bytes)} B, ${j.failedRequest.site}` : "",
    j.instance === null ? "" : count(j.instance),
    where,
    count(j.retainedBytesPerInstance),
    count(j.peakLiveBytes),
    count(j.largestRequest),
  ];
  return `<tr>${cells.map((c) => `<td>${c.replace(/</g, "&lt;")}</td>`).join("")}</tr>`;
}

/** Writes the report into `dir`; returns the path of its HTML page. */
export function writeReport(dir: string, title: string, entries: ReportEntry[]): string {
  const root = resolve(dir);
  mkdirSync(join(root, "dhat"), { recursive: true });
  writeFileSync(join(root, "runs.json"), JSON.stringify(entries.map((e) => e.json), null, 2));
  entries.forEach((entry, i) => {
    const profile = dhatProfile(entry.run.ledger, `segstream ${title} (${entry.run.scenario.variant})`);
    writeFileSync(join(root, "dhat", `${fileName(entry, i)}.dhat.json`), JSON.stringify(profile));
    const benchmark = entry.run.benchmark;
    if (benchmark) writeBenchmarkFiles(join(root, "criterion"), { ...benchmark, id: fileName(entry, i) });
  });
  const html = [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>segstream ${title}</title>`,
    "<style>body{font-family:sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}figure{margin:24px 0}</style>",
    "</head><body>",
    `<h1>segstream ${title}</h1>`,
    "<p>Live Rust-visible bytes by allocation site against instance number, with the footprint the limit applies to. Heap profiles for DHAT's viewer (dh_view.html) are in <code>dhat/</code>; the figures are in <code>runs.json</code>.</p>",
    "<table><thead><tr><th>variant</th><th>outcome</th><th>failed request</th><th>instance</th><th>where</th><th>retained B/instance</th><th>peak live B</th><th>largest request B</th></tr></thead>",
    `<tbody>${entries.map(row).join("")}</tbody></table>`,
    ...entries.map((e, i) => `<figure id="${fileName(e, i)}">${chartFor(e)}</figure>`),
    "</body></html>",
  ].join("\n");
  const page = join(root, "index.html");
  writeFileSync(page, html);
  return page;
}
