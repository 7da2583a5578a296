// The failure's story on one chart: the limited footprint over instances, stacked by site (the
// Rust sites' live requested bytes, then what the allocator adds on top, so the stack's top IS the
// footprint the limit measures), Criterion's warm-up rounds and measurement shaded, modelled time
// on a second axis, the limit dashed, and the refused request drawn to scale on the footprint it
// met. The victim and culprit labels come from the run: the failure record (site, size), the
// sizing rule (tableBytes: does every setup ask for it anew?), and the series' per-site slopes
// (which sites grow with each dropped instance, and by how much: retainedBytesPerInstance).

import type { ScenarioRun, SeriesPoint } from "../scenarios/run-scenario.js";
import type { Band, Chart, Line, Marker } from "./svg.js";
import { bytes, count } from "./format.js";
import { explain } from "../scenarios/explain.js";

export const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];
const OVERHEAD_COLOR = "#c7c7c7";
const BAND_COLORS = ["#f3f3f3", "#e6e6e6"];
const MEASUREMENT_COLOR = "#e3eefa";
const MIB = 1024 * 1024;
/** A limit more than this many times the data's top is noted, not scaled to (a completed run would look empty). */
const LIMIT_IN_RANGE = 1.5;

/** Sites in the order they first appear in the series. */
function sitesOf(run: ScenarioRun): string[] {
  return [...new Set(run.series.flatMap((p) => Object.keys(p.bySite)))];
}

function liveOf(p: SeriesPoint): number {
  return Object.values(p.bySite).reduce((n, b) => n + b, 0);
}

/** The victim: the refused request's site and size, and whether every setup asks for it anew. */
export function victimLabel(run: ScenarioRun): string | null {
  const f = run.failure;
  if (!f) return null;
  const anew = run.tableBytes === f.record.bytes ? ", requested anew by every setup" : `, requested by setup ${count(f.instance)}`;
  return `victim: ${f.record.siteName}, ${bytes(f.record.bytes).split(" (")[0]}${anew}`;
}

/** The refusal's arithmetic at the bar (explain.ts's figures): what the request would have added, to what, and how far past the limit. */
export function refusalLabel(run: ScenarioRun): string | null {
  const x = explain(run);
  if (!x || x.refusal || !x.limitBytes) return null;
  const reach = x.footprintAtFailureBytes + x.requestFootprintBytes;
  return `refused: ${count(x.requestFootprintBytes)} B of footprint on ${count(x.footprintAtFailureBytes)} B would reach ${count(reach)} B, ${count(reach - x.limitBytes)} B past the ${count(x.limitBytes)} B limit`;
}

/** The culprit: the sites whose live bytes grow across the run's second half, and the bytes each dropped instance keeps. */
export function culpritLabel(run: ScenarioRun): string | null {
  if (run.retainedBytesPerInstance <= 0) return null;
  const last = run.series.at(-1)!;
  const mid = run.series.find((p) => p.instance >= last.instance / 2) ?? run.series[0];
  const growing = sitesOf(run).filter((s) => (last.bySite[s] ?? 0) > (mid.bySite[s] ?? 0));
  return `culprit: ${growing.join(" + ") || "unattributed"}, ${count(run.retainedBytesPerInstance)} B per dropped instance`;
}

/** Spans of consecutive series points in one Criterion round (warm-up) or in measurement. */
function phaseBands(series: SeriesPoint[]): Band[] {
  const bands: Band[] = [];
  let prev = series[0];
  for (const p of series.slice(1)) {
    if (!p.phase) continue;
    const key = p.phase === "warm-up" ? `warm-up round ${p.round}` : "measurement";
    const open = bands.at(-1);
    if (open && open.label === key) open.x1 = p.instance;
    else {
      const color = p.phase === "measurement" ? MEASUREMENT_COLOR : BAND_COLORS[bands.length % 2];
      bands.push({ x0: prev.instance, x1: p.instance, label: key, short: p.phase === "warm-up" ? String(p.round) : undefined, color });
    }
    prev = p;
  }
  return bands;
}

/** Modelled time at instance x, interpolated between series points (virtual clock only). */
function modelledAt(series: SeriesPoint[], x: number): number | undefined {
  const i = series.findIndex((p) => p.instance >= x);
  if (i < 0) return undefined;
  const b = series[i];
  const a = series[i - 1] ?? b;
  if (a.modelledNs === undefined || b.modelledNs === undefined) return undefined;
  const t = b.instance === a.instance ? 0 : (x - a.instance) / (b.instance - a.instance);
  return a.modelledNs + t * (b.modelledNs - a.modelledNs);
}

function areas(run: ScenarioRun): Line[] {
  const lines: Line[] = sitesOf(run).map((site, i) => ({
    name: site,
    color: COLORS[i % COLORS.length],
    points: run.series.map((p) => [p.instance, p.bySite[site] ?? 0] as [number, number]),
  }));
  lines.push({
    name: `allocator's share of the ${run.scenario.memory.footprint} footprint (footprint − live requested)`,
    color: OVERHEAD_COLOR,
    points: run.series.map((p) => [p.instance, Math.max(0, p.footprintBytes - liveOf(p))] as [number, number]),
  });
  return lines;
}

function refusedBar(run: ScenarioRun): Line[] {
  const f = run.failure;
  if (!f) return [];
  // The refused request stacked on the footprint it met, to scale: the bar crosses the limit.
  return [{
    name: `the refused request (${count(f.requestFootprintBytes)} B of footprint) on the footprint it met`,
    color: "#111",
    width: 8,
    overlay: true,
    points: [[f.instance, f.record.footprintBytes], [f.instance, f.record.footprintBytes + f.requestFootprintBytes]],
  }];
}

function markersOf(run: ScenarioRun): Marker[] {
  const markers: Marker[] = [];
  const limit = run.scenario.memory.limitBytes;
  if (limit !== null) markers.push({ y: limit, label: `limit ${bytes(limit)}`, color: "#d62728" });
  const f = run.failure;
  if (f) markers.push({ x: f.instance, label: `${bytes(f.record.bytes)} ${f.record.siteName} refused at instance ${count(f.instance)}`, color: "#d62728" });
  return markers;
}

/** The data's top (stack and refused bar), for the y-axis when the limit is out of range. */
function dataTop(run: ScenarioRun): number {
  const f = run.failure;
  return Math.max(1, ...run.series.map((p) => Math.max(p.footprintBytes, liveOf(p))), f ? f.record.footprintBytes + f.requestFootprintBytes : 0);
}

/** The y-axis top: the data's, unless the limit is close enough to draw in range. */
export function yTop(run: ScenarioRun): number | undefined {
  const limit = run.scenario.memory.limitBytes;
  const top = dataTop(run);
  return limit !== null && limit > top * LIMIT_IN_RANGE ? top * 1.05 : undefined;
}

export interface StoryOptions {
  width?: number;
  plotHeight?: number;
  xMax?: number;
  yMax?: number;
  /** Victim/culprit notes in the plot (the one-run story); small multiples show verdicts beside instead. */
  notes?: boolean;
}

export function storyChart(run: ScenarioRun, o: StoryOptions = {}): Chart {
  const story = [victimLabel(run), refusalLabel(run), culpritLabel(run)].filter((t): t is string => !!t);
  const notes = o.notes === false ? [] : story.map((text) => ({ text, color: text.startsWith("culprit") ? "#333" : "#b00" }));
  const virtual = run.series.some((p) => p.modelledNs !== undefined);
  return {
    title: `${run.scenario.name}: ${run.scenario.variant} (${run.outcome})`,
    xLabel: "instance (setups run)",
    yLabel: `${run.scenario.memory.footprint} footprint, stacked by site`,
    lines: [...areas(run), ...refusedBar(run)],
    markers: markersOf(run),
    stacked: true,
    bands: phaseBands(run.series),
    notes,
    topAxis: virtual ? { label: "modelled time (virtual clock, not measured)", format: (x) => modelledMs(run.series, x) } : undefined,
    formatX: (x) => (x >= 1000 ? `${count(Math.round(x / 1000))}k` : count(x)),
    formatY: (y) => `${count(Math.round(y / MIB))} MiB`,
    yUnit: MIB,
    width: o.width,
    plotHeight: o.plotHeight,
    xMax: o.xMax,
    yMax: o.yMax ?? yTop(run),
  };
}

function modelledMs(series: SeriesPoint[], x: number): string {
  const ns = modelledAt(series, x);
  return ns === undefined ? "" : `${(ns / 1e6).toFixed(0)} ms`;
}
