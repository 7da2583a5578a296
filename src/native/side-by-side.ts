// One table, model | native | difference, as text or JSON rows. The difference is native - model.

export interface SideBySideRow {
  figure: string;
  model: number | string | null;
  native: number | string | null;
  /** native - model for numbers; "same"/"differs" for text; null when a side has no figure. */
  difference: number | string | null;
}

export function row(figure: string, model: number | string | null, native: number | string | null): SideBySideRow {
  return { figure, model, native, difference: differenceOf(model, native) };
}

function differenceOf(model: number | string | null, native: number | string | null): number | string | null {
  if (model === null || native === null) return null;
  if (typeof model === "number" && typeof native === "number") return native - model;
  return model === native ? "same" : "differs";
}

function cell(value: number | string | null, signed = false): string {
  if (value === null) return "-";
  if (typeof value === "string") return value;
  const text = value.toLocaleString("en-US", { maximumFractionDigits: 3 });
  return signed && value > 0 ? `+${text}` : text;
}

export function sideBySideText(title: string, rows: SideBySideRow[]): string {
  const table = [["figure", "model", "native", "difference"], ...rows.map((r) => [r.figure, cell(r.model), cell(r.native), cell(r.difference, true)])];
  const widths = table[0].map((_, i) => Math.max(...table.map((cells) => cells[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [title, "", line(table[0]), widths.map((w) => "-".repeat(w)).join("  "), ...table.slice(1).map(line)].join("\n");
}
