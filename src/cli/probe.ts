// `segstream probe <variant>`: create and drop N streams and print what stays behind.

import { runProbe, type ProbeOptions } from "../probe/probe.js";
import { PROBE_VARIANTS, PROBE_SUMMARY, type ProbeVariant } from "../instance/variants.js";
import { INDEXERS, MAX_CAPACITY, TABLE_KINDS, type Indexer, type TableKind } from "../index/optimised-index.js";
import { probeText } from "../report/probe-text.js";
import { GROWTH_POLICIES, type GrowthPolicy } from "../memory/ledger.js";
import { DEFAULT_PAGE_SLOTS, MAX_PAGE_SLOTS } from "../stream/segmented-stream.js";
import { parse, helpText, UsageError, type CommandSpec } from "./args.js";
import { LIMIT_FORMS } from "./limit.js";
import { MAX_INSTANCES, MAX_VALUES_PER_INSTANCE, totalValuesProblem } from "../bounds.js";
import { CROSSBEAM_VERSIONS, type CrossbeamVersion } from "../epoch/crossbeam.js";
import { INDEX_TABLE_HELP } from "./scenario-options.js";

export const probeSpec: CommandSpec = {
  name: "probe",
  usage: "segstream probe <variant> [--instances N] [--page-slots S] [--appends K] [--index-capacity C [--upserts K] [--indexer I] [--index-table T]] [--limit BYTES] [--growth POLICY] [--json]",
  summary: [
    "Creates and drops N SegmentedStreams of one variant (or, with --index-capacity, N OptimisedIndex",
    "instances holding one), one after another: the seed's loop without a harness. Prints the ledger:",
    "what every drop left behind, per site, to the byte; for the epoch variants, the collector's",
    "pending garbage at the end and what a full drain then frees.",
    "",
    "variants:",
    ...PROBE_VARIANTS.map((v) => `  ${v.padEnd(14)} ${PROBE_SUMMARY[v]}`),
  ].join("\n"),
  positionals: [{ name: "variant", choices: PROBE_VARIANTS, required: true }],
  options: {
    instances: { kind: "integer", min: 0, max: MAX_INSTANCES, help: "streams to create and drop (default 100000)" },
    "page-slots": { kind: "integer", min: 1, max: MAX_PAGE_SLOTS, help: `slots per page, a power of two (default ${DEFAULT_PAGE_SLOTS}, the seed's)` },
    appends: { kind: "integer", min: 0, max: MAX_VALUES_PER_INSTANCE, help: "values appended to each bare stream before its drop (default 0)" },
    "index-capacity": { kind: "integer", min: 0, max: MAX_CAPACITY, help: "probe OptimisedIndex instances whose table is sized for C keys (16-byte entries, next power of two of C x 8/7)" },
    upserts: { kind: "integer", min: 0, max: MAX_VALUES_PER_INSTANCE, help: "upserts into each index before its drop (default 0: the seed's are disabled)" },
    indexer: { kind: "string", choices: INDEXERS, help: "how an index keys a value (default first-word)" },
    "index-table": { kind: "string", choices: TABLE_KINDS, help: INDEX_TABLE_HELP },
    limit: { kind: "limit", help: `footprint limit for the model's heap (default none): ${LIMIT_FORMS}` },
    growth: { kind: "string", choices: GROWTH_POLICIES, help: "how linear memory grows: exact, double (as AS's TLSF) or chunk (default exact)" },
    crossbeam: { kind: "string", choices: CROSSBEAM_VERSIONS, help: "crossbeam-epoch version modelled: 0.9.20 (Local 2,304 B) or 0.9.13 (2,104 B, Debian's) (default 0.9.20)" },
    json: { kind: "flag", help: "print one JSON object instead of the report" },
  },
};

type Values = ReturnType<typeof parse>["values"];

/** The probe the flags describe, checked as a usage error (shared with `native probe`). */
export function probeOptionsFrom(positionals: string[], values: Values): ProbeOptions {
  const pageSlots = (values["page-slots"] as number | undefined) ?? DEFAULT_PAGE_SLOTS;
  if ((pageSlots & (pageSlots - 1)) !== 0) throw new UsageError(`probe: --page-slots must be a power of two, got ${pageSlots}`);
  const indexCapacity = values["index-capacity"] as number | undefined;
  if (indexCapacity === undefined && (values.upserts !== undefined || values.indexer !== undefined || values["index-table"] !== undefined)) {
    throw new UsageError("probe: --upserts, --indexer and --index-table apply to indexes: add --index-capacity");
  }
  if (indexCapacity !== undefined && values.appends !== undefined) {
    throw new UsageError("probe: --appends applies to bare streams; with --index-capacity use --upserts");
  }
  const instances = (values.instances as number | undefined) ?? 100_000;
  const valuesFlag = indexCapacity === undefined ? "appends" : "upserts";
  const tooMuch = totalValuesProblem(instances, (values[valuesFlag] as number | undefined) ?? 0, ["--instances", `--${valuesFlag}`]);
  if (tooMuch) throw new UsageError(`probe: ${tooMuch}`);
  return {
    variant: positionals[0] as ProbeVariant,
    instances,
    pageSlots,
    appends: values.appends as number | undefined,
    indexCapacity,
    upserts: values.upserts as number | undefined,
    indexer: values.indexer as Indexer | undefined,
    indexTable: values["index-table"] as TableKind | undefined,
    lab: { limitBytes: (values.limit as number | null | undefined) ?? undefined, growth: values.growth as GrowthPolicy | undefined, crossbeam: values.crossbeam as CrossbeamVersion | undefined },
  };
}

export function probeCommand(argv: string[]): string {
  const { positionals, values, help } = parse(probeSpec, argv);
  if (help) return helpText(probeSpec);
  const result = runProbe(probeOptionsFrom(positionals, values));
  return values.json ? JSON.stringify(result, null, 2) : probeText(result);
}
