// `segstream probe <variant>`: create and drop N streams and print what stays behind.

import { runProbe } from "../probe/probe.js";
import { probeText } from "../report/probe-text.js";
import { GROWTH_POLICIES, type GrowthPolicy } from "../memory/ledger.js";
import { STREAM_VARIANTS, VARIANT_SUMMARY, type StreamVariant } from "../stream/variants.js";
import { DEFAULT_PAGE_SLOTS, MAX_PAGE_SLOTS } from "../stream/segmented-stream.js";
import { parse, helpText, UsageError, type CommandSpec } from "./args.js";

const MAX_INSTANCES = 100_000_000;

export const probeSpec: CommandSpec = {
  name: "probe",
  usage: "segstream probe <variant> [--instances N] [--page-slots S] [--appends K] [--limit BYTES] [--growth POLICY] [--json]",
  summary: [
    "Creates and drops N SegmentedStreams of one variant, one after another (the seed's loop without",
    "a harness), and prints the ledger: what every drop left behind, per site, to the byte.",
    "",
    "variants:",
    ...STREAM_VARIANTS.map((v) => `  ${v.padEnd(14)} ${VARIANT_SUMMARY[v]}`),
  ].join("\n"),
  positionals: [{ name: "variant", choices: STREAM_VARIANTS, required: true }],
  options: {
    instances: { kind: "integer", min: 0, max: MAX_INSTANCES, help: "streams to create and drop (default 100000)" },
    "page-slots": { kind: "integer", min: 1, max: MAX_PAGE_SLOTS, help: `slots per page, a power of two (default ${DEFAULT_PAGE_SLOTS}, the seed's)` },
    appends: { kind: "integer", min: 0, max: 1_000_000, help: "values appended to each stream before its drop (default 0: the seed's upserts are disabled)" },
    limit: { kind: "bytes", min: 0, help: "footprint limit for the model's heap, e.g. 512MiB (default: none)" },
    growth: { kind: "string", choices: GROWTH_POLICIES, help: "how linear memory grows: exact, double (as AS's TLSF) or chunk (default exact)" },
    json: { kind: "flag", help: "print one JSON object instead of the report" },
  },
};

export function probeCommand(argv: string[]): string {
  const { positionals, values, help } = parse(probeSpec, argv);
  if (help) return helpText(probeSpec);
  const pageSlots = (values["page-slots"] as number | undefined) ?? DEFAULT_PAGE_SLOTS;
  if ((pageSlots & (pageSlots - 1)) !== 0) throw new UsageError(`probe: --page-slots must be a power of two, got ${pageSlots}`);
  const result = runProbe({
    variant: positionals[0] as StreamVariant,
    instances: (values.instances as number | undefined) ?? 100_000,
    pageSlots,
    appends: (values.appends as number | undefined) ?? 0,
    lab: { limitBytes: values.limit as number | undefined, growth: values.growth as GrowthPolicy | undefined },
  });
  return values.json ? JSON.stringify(result, null, 2) : probeText(result);
}
