// A line chart as standalone SVG: no library, no script, so the report opens anywhere (and renders
// the same in a headless browser). Axes are linear from zero, with round-number ticks.

export interface Line {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  /** Stroke width (default 2). */
  width?: number;
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
}

const W = 760;
/** The plot area's height; the legend below it adds a line per entry. */
const PLOT_H = 240;
const PAD = { left: 84, right: 16, top: 36 };
const LEGEND_TOP = 52;
const LEGEND_LINE = 14;

function niceStep(max: number, ticks: number): number {
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
  const xMax = Math.max(1, ...xs);
  const yMax = Math.max(1, ...ys) * 1.05;
  const plotW = W - PAD.left - PAD.right;
  const plotH = PLOT_H;
  const legend = [...chart.lines.map((l) => ({ name: l.name, color: l.color })), ...chart.markers.map((m) => ({ name: m.label, color: m.color }))];
  const H = PAD.top + plotH + LEGEND_TOP + legend.length * LEGEND_LINE + 8;
  const sx = (x: number) => PAD.left + (x / xMax) * plotW;
  const sy = (y: number) => PAD.top + plotH - (y / yMax) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(chart.title)}">`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  const xStep = niceStep(xMax, 6);
  for (let x = 0; x <= xMax; x += xStep) {
    parts.push(`<line x1="${sx(x)}" y1="${PAD.top}" x2="${sx(x)}" y2="${PAD.top + plotH}" stroke="#eee"/>`,
      `<text x="${sx(x)}" y="${PAD.top + plotH + 16}" text-anchor="middle" font-size="11">${escapeXml(chart.formatX(x))}</text>`);
  }
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
  for (const line of chart.lines) {
    const d = line.points.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join("");
    parts.push(`<path class="series" d="${d}" fill="none" stroke="${line.color}" stroke-width="${line.width ?? 2}"${line.dashed ? ' stroke-dasharray="6 3"' : ""}><title>${escapeXml(line.name)}</title></path>`);
  }
  for (const m of chart.markers) {
    if (m.x !== undefined) {
      parts.push(`<line class="marker" x1="${sx(m.x)}" y1="${PAD.top}" x2="${sx(m.x)}" y2="${PAD.top + plotH}" stroke="${m.color}" stroke-width="2"/>`,
        `<text x="${sx(m.x) - 4}" y="${PAD.top + plotH - 6}" text-anchor="end" font-size="11" fill="${m.color}">${escapeXml(m.label)}</text>`);
    } else if (m.y !== undefined) {
      parts.push(`<line class="marker" x1="${PAD.left}" y1="${sy(m.y)}" x2="${PAD.left + plotW}" y2="${sy(m.y)}" stroke="${m.color}" stroke-width="2" stroke-dasharray="8 4"/>`,
        `<text x="${PAD.left + 6}" y="${sy(m.y) - 5}" font-size="11" fill="${m.color}">${escapeXml(m.label)}</text>`);
    }
  }
  legend.forEach((item, i) => {
    const x = PAD.left;
    const y = PAD.top + plotH + LEGEND_TOP + i * LEGEND_LINE;
    parts.push(`<rect x="${x}" y="${y - 8}" width="10" height="10" fill="${item.color}"/>`,
      `<text x="${x + 14}" y="${y + 1}" font-size="11">${escapeXml(item.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}
