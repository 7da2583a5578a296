// A sweep's grid: the cross product of up to five axes (limit, variant, index capacity, page slots,
// batch size) over one base scenario. Each axis value is read by the same option parser reproduce
// uses for that flag (args.ts with scenario-options.ts's OptionSpec), and each cell's scenario is
// built by scenarioFrom, so a cell is exactly the scenario `reproduce` runs with those flags.
//
// A cell is a pure function of its scenario: its key is a stable hash of the scenario as canonical
// JSON (keys sorted), so the same cell has the same key on any machine, in any order, in any run.
// That key is what --resume matches and what a job queue would deduplicate on.

import { createHash } from "node:crypto";
import { parse, UsageError, type CommandSpec } from "../cli/args.js";
import { SCENARIO_OPTIONS, scenarioFrom } from "../cli/scenario-options.js";
import type { Scenario } from "../scenarios/scenario.js";

/** The axes a grid may vary, by their reproduce flag. */
export const AXES = ["limit", "variant", "index-capacity", "page-slots", "batch-size"] as const;
export type Axis = (typeof AXES)[number];

/** Each axis's values as parsed (limit: bytes or null; variant, batch size: text; the rest: numbers). */
export type AxisValues = Partial<Record<Axis, (number | string | null)[]>>;

export interface Cell {
  key: string;
  /** This cell's value on each axis of the grid. */
  axes: Partial<Record<Axis, number | string | null>>;
  scenario: Scenario;
}

/** Most cells one grid may hold: far beyond a useful sweep, small enough to list in memory. */
export const MAX_CELLS = 100_000;

type Values = Record<string, number | string | boolean | null | undefined>;

/** One value of one axis, through reproduce's own parser for that flag (its messages, its bounds). */
function axisValue(axis: Axis, text: string): number | string | null {
  const spec: CommandSpec = { name: "sweep", usage: "", summary: "", options: { [axis]: SCENARIO_OPTIONS[axis] }, positionals: [] };
  return parse(spec, [`--${axis}=${text}`]).values[axis] as number | string | null;
}

/** `"400MiB,800MiB"` → the parsed values; an empty item or a repeated value is a usage error. */
export function parseAxis(axis: Axis, list: string): (number | string | null)[] {
  const items = list.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new UsageError(`sweep: --${axis} has an empty value in ${JSON.stringify(list)}; separate values with single commas`);
  return parseAxisItems(axis, items);
}

/** Each item through the flag's parser; a repeated value is a usage error. */
export function parseAxisItems(axis: Axis, items: string[]): (number | string | null)[] {
  const values = items.map((item) => axisValue(axis, item));
  const seen = new Set<string>();
  for (const [i, v] of values.entries()) {
    const id = JSON.stringify(v);
    if (seen.has(id)) throw new UsageError(`sweep: --${axis} lists ${JSON.stringify(items[i])} twice`);
    seen.add(id);
  }
  return values;
}

/** Sorted-key JSON: the same scenario always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The cell's stable key: 16 hex digits of SHA-256 over the canonical scenario. */
export function cellKey(scenario: Scenario): string {
  return createHash("sha256").update(canonicalJson(scenario)).digest("hex").slice(0, 16);
}

/** The cross product of `axes` over the scenario `values` describe (the non-axis flags), in axis order. */
export function expandGrid(values: Values, axes: AxisValues): Cell[] {
  const given = AXES.filter((a) => axes[a] !== undefined);
  const total = given.reduce((n, a) => n * axes[a]!.length, 1);
  if (total > MAX_CELLS) throw new UsageError(`sweep: the grid has ${total.toLocaleString("en-US")} cells; at most ${MAX_CELLS.toLocaleString("en-US")}`);
  let combos: Cell["axes"][] = [{}];
  for (const axis of given) combos = combos.flatMap((c) => axes[axis]!.map((v) => ({ ...c, [axis]: v })));
  return combos.map((combo) => {
    const scenario = scenarioFrom({ ...values, ...combo });
    return { key: cellKey(scenario), axes: combo, scenario };
  });
}
