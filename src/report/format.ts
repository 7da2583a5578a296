// Number and table formatting shared by every text report.

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** 1234567 → "1,234,567" (fractions kept to two places). */
export function count(value: number): string {
  return GROUPED.format(value);
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** Bytes in binary units, with the exact figure alongside when it is not a whole unit. */
export function bytes(value: number): string {
  let unit = 0;
  let scaled = Math.abs(value);
  while (scaled >= 1024 && unit < UNITS.length - 1) {
    scaled /= 1024;
    unit++;
  }
  if (unit === 0) return `${count(value)} B`;
  const sign = value < 0 ? "-" : "";
  const short = `${sign}${Number.isInteger(scaled) ? scaled : scaled.toFixed(1)} ${UNITS[unit]}`;
  return Number.isInteger(scaled) ? `${short} (${count(value)} B)` : `${count(value)} B (${short})`;
}

/** Left-aligns the first column and right-aligns the rest. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
