// A line chart as standalone SVG: no library, no script, so the report opens anywhere (and renders
// the same in a headless browser). Axes are linear from zero, with round-number ticks.
// Options the story timeline needs: lines stacked as filled areas (footprint by site), shaded
// x-bands (Criterion's warm-up rounds and measurement), a second x-axis on top (modelled time),
// shared axes for small multiples (xMax/yMax given), and notes (victim, culprit) in the plot.
// A y-marker above a given yMax (a limit far above a completed run's data) is drawn on the top
// edge with "above the chart" in its label, so the data, not the limit, sets the scale.

export interface Line {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  /** Stroke width (default 2). */
  width?: number;
  /** In a stacked chart, drawn as a line on top rather than stacked (the refused request). */
  overlay?: boolean;
}

export interface Marker {
  /** Vertical at x (a failure), or horizontal at y (a limit). */
  x?: number;
  y?: number;
  label: string;
  color: string;
}

export interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  lines: Line[];
  markers: Marker[];
  formatX: (x: number) => string;
  formatY: (y: number) => string;
  /** Tick steps are round numbers of this unit (1 MiB for bytes), so the labels read round. */
  yUnit?: number;
  /** Lines stacked as filled areas, each on the ones before it (Line.points share their xs). */
  stacked?: boolean;
  bands?: Band[];
  /** Text lines drawn in the plot's top-left corner. */
  notes?: { text: string; color: string }[];
  /** A second x-axis above the plot: its label at each x tick (blank: no label). */
  topAxis?: { label: string; format: (x: number) => string };
  width?: number;
  plotHeight?: number;
  /** Fixed axes (small multiples share them); otherwise from the data. */
  xMax?: number;
  yMax?: number;
}

/** A shaded span of x (a warm-up round, the measurement phase). */
export interface Band {
  x0: number;
  x1: number;
  label: string;
  /** What a band too narrow for its label shows instead, if that fits (a round's number). */
  short?: string;
  color: string;
}

const HALO = ' stroke="#fff" stroke-width="3" paint-order="stroke"';

/** Whether `text` at the band labels' 10 px sans-serif fits in `width` px (a conservative 6 px a character). */
function fitsIn(text: string, width: number): boolean {
  return text.length * 6 + 4 <= width;
}

/** Default width and plot height; the legend below the plot adds a line per entry. */
const W_DEFAULT = 760;
const PLOT_H = 240;
const PAD = { left: 84, right: 16, top: 52 };
const LEGEND_TOP = 52;
const LEGEND_LINE = 14;

export function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10;
  return unit * power;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function lineChart(chart: Chart): string {
  const xs = [...chart.lines.flatMap((l) => l.points.map((p) => p[0])), ...chart.markers.flatMap((m) => (m.x === undefined ? [] : [m.x]))];
  const ys = [...chart.lines.flatMap((l) => l.points.map((p) => p[1])), ...chart.markers.flatMap((m) => (m.y === undefined ? [] : [m.y]))];
  const W = chart.width ?? W_DEFAULT;
  const xMax = chart.xMax ?? Math.max(1, ...xs);
  const yMax = chart.yMax ?? Math.max(1, ...(chart.stacked ? stackedYs(chart) : ys)) * 1.05;
  const plotW = W - PAD.left - PAD.right;
  const plotH = chart.plotHeight ?? PLOT_H;
  const legend = [...chart.lines.map((l) => ({ name: l.name, color: l.color })), ...chart.markers.map((m) => ({ name: m.label, color: m.color }))];
  const H = PAD.top + plotH + LEGEND_TOP + legend.length * LEGEND_LINE + 8;
  const sx = (x: number) => PAD.left + (x / xMax) * plotW;
  const sy = (y: number) => PAD.top + plotH - (y / yMax) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(chart.title)}">`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  for (const band of chart.bands ?? []) {
    const x0 = sx(Math.min(band.x0, xMax));
    const w = Math.max(1, sx(Math.min(band.x1, xMax)) - x0);
    parts.push(`<rect class="band" x="${x0.toFixed(1)}" y="${PAD.top}" width="${w.toFixed(1)}" height="${plotH}" fill="${band.color}"><title>${escapeXml(band.label)}</title></rect>`);
    const label = [band.label, band.short].find((text) => text !== undefined && fitsIn(text, w));
    if (label) parts.push(`<text class="band-label" x="${(x0 + w / 2).toFixed(1)}" y="${PAD.top + 12}" text-anchor="middle" font-size="10" fill="#555">${escapeXml(label)}</text>`);
  }
  const xStep = niceStep(xMax, 6);
  for (let x = 0; x <= xMax; x += xStep) {
    parts.push(`<line x1="${sx(x)}" y1="${PAD.top}" x2="${sx(x)}" y2="${PAD.top + plotH}" stroke="#eee"/>`,
      `<text x="${sx(x)}" y="${PAD.top + plotH + 16}" text-anchor="middle" font-size="11">${escapeXml(chart.formatX(x))}</text>`);
    const top = chart.topAxis?.format(x);
    if (top) parts.push(`<text class="top-tick" x="${sx(x)}" y="${PAD.top - 6}" text-anchor="middle" font-size="10" fill="#555">${escapeXml(top)}</text>`);
  }
  if (chart.topAxis) parts.push(`<text x="${PAD.left + plotW / 2}" y="${PAD.top - 22}" text-anchor="middle" font-size="11" fill="#555">${escapeXml(chart.topAxis.label)}</text>`);
  const yUnit = chart.yUnit ?? 1;
  const yStep = Math.max(1, niceStep(yMax / yUnit, 5)) * yUnit;
  for (let y = 0; y <= yMax; y += yStep) {
    parts.push(`<line x1="${PAD.left}" y1="${sy(y)}" x2="${PAD.left + plotW}" y2="${sy(y)}" stroke="#eee"/>`,
      `<text x="${PAD.left - 6}" y="${sy(y) + 4}" text-anchor="end" font-size="11">${escapeXml(chart.formatY(y))}</text>`);
  }
  parts.push(
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${PAD.left + plotW / 2}" y="${PAD.top + plotH + 34}" text-anchor="middle" font-size="12">${escapeXml(chart.xLabel)}</text>`,
    `<text x="16" y="${PAD.top + plotH / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${PAD.top + plotH / 2})">${escapeXml(chart.yLabel)}</text>`,
  );
  if (chart.stacked) parts.push(...stackedAreas(chart.lines.filter((l) => !l.overlay), sx, sy));
  for (const line of chart.stacked ? chart.lines.filter((l) => l.overlay) : chart.lines) {
    const d = line.points.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join("");
    parts.push(`<path class="series" d="${d}" fill="none" stroke="${line.color}" stroke-width="${line.width ?? 2}"${line.dashed ? ' stroke-dasharray="6 3"' : ""}><title>${escapeXml(line.name)}</title></path>`);
  }
  for (const m of chart.markers) {
    if (m.x !== undefined) {
      parts.push(`<line class="marker" x1="${sx(m.x)}" y1="${PAD.top}" x2="${sx(m.x)}" y2="${PAD.top + plotH}" stroke="${m.color}" stroke-width="2"/>`,
        // Left of the marker when it stands right of centre, else right of it: the label stays in the chart.
        // A white halo keeps it readable over the stacked areas it crosses.
        sx(m.x) > W / 2
          ? `<text x="${sx(m.x) - 4}" y="${PAD.top + plotH - 6}" text-anchor="end" font-size="11" fill="${m.color}"${HALO}>${escapeXml(m.label)}</text>`
          : `<text x="${sx(m.x) + 6}" y="${PAD.top + plotH - 6}" font-size="11" fill="${m.color}"${HALO}>${escapeXml(m.label)}</text>`);
    } else if (m.y !== undefined) {
      const y = Math.max(PAD.top, sy(m.y));
      const label = m.y > yMax ? `${m.label} (above the chart)` : m.label;
      parts.push(`<line class="marker" x1="${PAD.left}" y1="${y}" x2="${PAD.left + plotW}" y2="${y}" stroke="${m.color}" stroke-width="2" stroke-dasharray="8 4"/>`,
        `<text x="${PAD.left + plotW - 6}" y="${y + (m.y > yMax ? 14 : -5)}" text-anchor="end" font-size="11" fill="${m.color}">${escapeXml(label)}</text>`);
    }
  }
  (chart.notes ?? []).forEach((note, i) => {
    parts.push(`<text class="note" x="${PAD.left + 8}" y="${PAD.top + 56 + i * 18}" font-size="13" font-weight="bold" fill="${note.color}">${escapeXml(note.text)}</text>`);
  });
  legend.forEach((item, i) => {
    const x = PAD.left;
    const y = PAD.top + plotH + LEGEND_TOP + i * LEGEND_LINE;
    parts.push(`<rect x="${x}" y="${y - 8}" width="10" height="10" fill="${item.color}"/>`,
      `<text x="${x + 14}" y="${y + 1}" font-size="11">${escapeXml(item.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}

/** The ys a stacked chart must show: the stack's tops, the overlays, the y-markers. */
function stackedYs(chart: Chart): number[] {
  const overlays = chart.lines.filter((l) => l.overlay).flatMap((l) => l.points.map((p) => p[1]));
  const markers = chart.markers.flatMap((m) => (m.y === undefined ? [] : [m.y]));
  return [...stackedTops(chart.lines.filter((l) => !l.overlay)), ...overlays, ...markers];
}

/** The top of the stack at each x (the lines share their xs). */
function stackedTops(lines: Line[]): number[] {
  const tops = new Map<number, number>();
  for (const line of lines) for (const [x, y] of line.points) tops.set(x, (tops.get(x) ?? 0) + y);
  return [...tops.values()];
}

/** Each line as the band between the stack below it and itself on top. */
function stackedAreas(lines: Line[], sx: (x: number) => number, sy: (y: number) => number): string[] {
  const base = new Map<number, number>();
  return lines.map((line) => {
    const lower = line.points.map(([x]) => [x, base.get(x) ?? 0] as [number, number]);
    const upper = line.points.map(([x, y]) => [x, (base.get(x) ?? 0) + y] as [number, number]);
    for (const [x, y] of upper) base.set(x, y);
    const ring = [...upper, ...lower.reverse()];
    const d = ring.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join("") + "Z";
    return `<path class="series area" d="${d}" fill="${line.color}" stroke="${line.color}" stroke-width="1"><title>${escapeXml(line.name)}</title></path>`;
  });
}
