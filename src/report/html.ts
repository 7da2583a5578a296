// `--report DIR`: an HTML page telling each run's story (story.ts: the limited footprint stacked by
// site over instances and modelled time, Criterion's rounds shaded, the refused request to scale),
// its arithmetic and settings, a site tree by modelled call path, the runs' JSON, a DHAT heap
// profile per run, a trace-event timeline per virtual-clock run (trace-events.ts), and for runs that
// completed, Criterion's own files (criterion/<id>/new/estimates.json and sample.json). Everything
// is static; the page needs no script.

import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ScenarioRun } from "../scenarios/run-scenario.js";
import type { RunJson } from "./reproduce-json.js";
import { dhatProfile } from "./dhat.js";
import { traceEvents } from "./trace-events.js";
import { siteTreeHtml } from "./site-tree.js";
import { writeBenchmarkFiles } from "../harness/files.js";
import { lineChart } from "./svg.js";
import { count } from "./format.js";
import { storyChart, victimLabel, culpritLabel, yTop } from "./story.js";
import { modelSites } from "./model-sites.js";
import { reproduceText } from "./reproduce-text.js";
import { explain } from "../scenarios/explain.js";

export interface ReportEntry {
  run: ScenarioRun;
  json: RunJson;
  /** diagnose: the case's name and its verdict, shown beside its chart and in the table. */
  caseId?: string;
  verdict?: string;
}

const STORY = { width: 1180, plotHeight: 420 };
const MULTIPLE = { width: 580, plotHeight: 200 };

function fileName(entry: ReportEntry, index: number): string {
  return `${String(index + 1).padStart(2, "0")}-${entry.run.scenario.name}-${entry.run.scenario.variant}`.replace(/[^A-Za-z0-9._-]/g, "_");
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}

/** The run's own arithmetic (the terminal report's text) and its settings, under its chart. */
function details(entry: ReportEntry, open: boolean): string {
  const { run } = entry;
  const models = modelSites(run.ledger);
  const modelList = models.length
    ? `<p class="model-sites">Model-only storage, not part of the Rust heap (left out of every Rust total and of the footprint): ${models.map((m) => `<b>${esc(m.name)}</b> ${count(m.peakBytes)} B at its peak: ${esc(m.purpose)}`).join("; ")}.</p>`
    : "";
  const clock = run.scenario.clock === "virtual" ? "<p>Times on this page are <b>modelled</b> (the virtual clock's cost model), not measured.</p>" : "";
  return [
    `<details class="explanation"${open ? " open" : ""}><summary>The arithmetic</summary><pre>${esc(reproduceText(run, explain(run)))}</pre></details>`,
    modelList,
    clock,
    `<details class="settings"><summary>The scenario's settings</summary><pre>${esc(JSON.stringify(run.scenario, null, 2))}</pre></details>`,
  ].join("\n");
}

/** diagnose: one small multiple per case on shared axes, the case and its verdict beside it. */
function multiples(entries: ReportEntry[]): string {
  const xMax = Math.max(1, ...entries.flatMap((e) => e.run.series.map((p) => p.instance)));
  const yMax = Math.max(1, ...entries.map((e) => yTop(e.run) ?? Math.max(e.run.scenario.memory.limitBytes ?? 0, 1) * 1.05));
  return entries.map((e, i) => [
    `<div class="multiple" id="${fileName(e, i)}">`,
    `<figure>${lineChart(storyChart(e.run, { ...MULTIPLE, xMax, yMax, notes: false }))}</figure>`,
    `<div class="verdict"><h3>${esc(e.caseId ?? e.run.scenario.name)}</h3><p><b>${esc(e.verdict ?? e.run.outcome)}</b></p>`,
    `<p>${esc([victimLabel(e.run), culpritLabel(e.run)].filter(Boolean).join("; "))}</p>${details(e, false)}</div>`,
    "</div>",
  ].join("\n")).join("\n");
}

function row(entry: ReportEntry): string {
  const j = entry.json;
  const where = j.phase ? `${j.phase} ${j.phase === "warm-up" ? "round" : "sample"} ${j.round}` : "";
  const cells = [
    entry.caseId ?? j.variant,
    ...(entry.verdict === undefined ? [] : [entry.verdict]),
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

/** Each run's live-at-the-end ledger as a call tree of its modelled Rust paths (site-tree.ts). */
function siteTrees(entries: ReportEntry[]): string {
  const trees = entries.map((e) => `<details${entries.length === 1 ? " open" : ""}><summary>${esc(e.caseId ?? e.run.scenario.name)} (${esc(e.run.scenario.variant)})</summary>${siteTreeHtml(e.run.ledger)}</details>`);
  return `<section id="site-tree"><h2>Where the Rust heap was asked: sites by modelled call path (bytes and blocks requested over the run)</h2>${trees.join("\n")}</section>`;
}

/** Writes the report into `dir`; returns the path of its HTML page. */
export function writeReport(dir: string, title: string, entries: ReportEntry[]): string {
  const root = resolve(dir);
  mkdirSync(join(root, "dhat"), { recursive: true });
  mkdirSync(join(root, "trace"), { recursive: true });
  writeFileSync(join(root, "runs.json"), JSON.stringify(entries.map((e) => e.json), null, 2));
  entries.forEach((entry, i) => {
    const name = `segstream ${title} (${entry.run.scenario.variant})`;
    writeFileSync(join(root, "dhat", `${fileName(entry, i)}.dhat.json`), JSON.stringify(dhatProfile(entry.run.ledger, name)));
    const trace = traceEvents(entry.run, name);
    if (trace) writeFileSync(join(root, "trace", `${fileName(entry, i)}.trace.json`), JSON.stringify(trace));
    const benchmark = entry.run.benchmark;
    if (benchmark) writeBenchmarkFiles(join(root, "criterion"), { ...benchmark, id: fileName(entry, i) });
  });
  const diagnosing = entries.some((e) => e.verdict !== undefined);
  const html = [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>segstream ${title}</title>`,
    "<style>body{font-family:sans-serif;margin:24px;max-width:1240px}.multiple{display:flex;gap:16px;align-items:flex-start}.verdict{flex:1;font-size:13px}pre{white-space:pre-wrap;font-size:12px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}figure{margin:24px 0}</style>",
    "</head><body>",
    `<h1>segstream ${title}</h1>`,
    "<p>The footprint the limit applies to, stacked by allocation site (the Rust sites' live requested bytes, then the allocator's share), against instance number; Criterion's warm-up rounds and measurement shaded; the refused request drawn to scale where it failed. Heap profiles for DHAT's viewer (dh_view.html) are in <code>dhat/</code>; each virtual-clock run's timeline (live bytes by site, the footprint, Criterion's rounds and samples, the refusal, over modelled time) is in <code>trace/</code> as Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and the Firefox Profiler open; the figures are in <code>runs.json</code>.</p>",
    `<table><thead><tr><th>${diagnosing ? "case" : "run"}</th>${diagnosing ? "<th>verdict</th>" : ""}<th>variant</th><th>outcome</th><th>failed request</th><th>instance</th><th>where</th><th>retained B/instance</th><th>peak live B</th><th>largest request B</th></tr></thead>`,
    `<tbody>${entries.map(row).join("")}</tbody></table>`,
    ...(diagnosing ? [multiples(entries)] : entries.map((e, i) => `<figure id="${fileName(e, i)}">${lineChart(storyChart(e.run, STORY))}</figure>\n${details(e, true)}`)),
    siteTrees(entries),
    "</body></html>",
  ].join("\n");
  const page = join(root, "index.html");
  writeFileSync(page, html);
  return page;
}
