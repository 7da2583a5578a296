// `segstream native probe|reproduce`: the same run in the lab and in native/ (the seed's program
// built from Debian's crates), side by side. Without cargo or the crates: what to install, exit 2.

import { compareProbe } from "../native/compare-probe.js";
import { compareReproduce } from "../native/compare-reproduce.js";
import { sideBySideText } from "../native/side-by-side.js";
import { buildNative } from "../native/toolchain.js";
import { parse, helpText, UsageError, type CommandSpec } from "./args.js";
import { probeSpec, probeOptionsFrom } from "./probe.js";
import { SCENARIO_OPTIONS, scenarioFrom } from "./scenario-options.js";

const JSON_OPTION = { json: { kind: "flag" as const, help: "print one JSON object instead of the table" } };

export const nativeProbeSpec: CommandSpec = {
  name: "native probe",
  usage: "segstream native probe <variant> [probe options] [--crossbeam V] [--json]",
  summary: [
    "Runs `segstream probe` in the lab and native/'s seed-probe (the seed's program under a counting global",
    "allocator) with the same options, and prints every figure side by side: model | native | difference.",
    "The lab models native/'s crossbeam-epoch version unless --crossbeam says otherwise.",
  ].join("\n"),
  positionals: probeSpec.positionals,
  options: Object.fromEntries(Object.entries(probeSpec.options).filter(([name]) => !["limit", "growth"].includes(name))),
};

export const nativeReproduceSpec: CommandSpec = {
  name: "native reproduce",
  usage: "segstream native reproduce [--scenario FILE] [scenario options] [--json]",
  summary: [
    "Runs the seed scenario in the lab and natively: seed-probe's loop of setups and drops under",
    "setrlimit(RLIMIT_AS, limit). The lab's glibc footprint gets the process baseline native/ measures at",
    "start (VmSize less the arena's free bytes) unless --baseline is given. Prints both failures side by side.",
  ].join("\n"),
  positionals: [],
  options: { ...SCENARIO_OPTIONS, ...JSON_OPTION },
};

const SUBCOMMANDS: Record<string, (argv: string[]) => string> = { probe: nativeProbe, reproduce: nativeReproduce };

export function nativeCommand(argv: string[]): string {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help") return `usage: segstream native probe|reproduce ... (see \`segstream native probe --help\`)`;
  const run = SUBCOMMANDS[sub];
  if (!run) throw new UsageError(`native: unknown subcommand ${JSON.stringify(sub)}; expected probe or reproduce`);
  return run(rest);
}

function nativeProbe(argv: string[]): string {
  const { positionals, values, help } = parse(nativeProbeSpec, argv);
  if (help) return helpText(nativeProbeSpec);
  const { lab, ...probe } = probeOptionsFrom(positionals, values);
  const c = compareProbe({ ...probe, crossbeam: lab?.crossbeam });
  if (values.json) return JSON.stringify({ ...c.options, crossbeam: c.crossbeam, rows: c.rows, differing: c.differing, native: c.nativeProbe }, null, 2);
  const title = `probe ${c.options.variant}, ${c.options.instances.toLocaleString("en-US")} instances (crossbeam-epoch ${c.crossbeam} on both sides; native build ${Math.round(buildNative().buildMs)} ms)`;
  const verdict = c.differing.length ? `differs: ${c.differing.join(", ")}` : "every figure equal";
  return `${sideBySideText(title, c.rows)}\n\n${verdict} (model ${Math.round(c.modelMs)} ms, native ${Math.round(c.nativeMs)} ms)`;
}

function nativeReproduce(argv: string[]): string {
  const { values, help } = parse(nativeReproduceSpec, argv);
  if (help) return helpText(nativeReproduceSpec);
  const c = compareReproduce(scenarioFrom(values));
  const difference = c.instanceDifference === null ? "n/a" : `${(c.instanceDifference * 100).toFixed(4)}%`;
  if (values.json) {
    return JSON.stringify({ scenario: c.scenario.name, baselineBytes: c.baselineBytes, baselineSource: c.baselineSource, instanceDifference: c.instanceDifference, rows: c.rows, nativeFailure: c.native.failure }, null, 2);
  }
  const title = `reproduce ${c.scenario.name}: ${c.scenario.variant}, limit ${c.scenario.memory.limitBytes?.toLocaleString("en-US") ?? "none"} B (RLIMIT_AS natively), baseline ${c.baselineBytes.toLocaleString("en-US")} B (${c.baselineSource})`;
  return `${sideBySideText(title, c.rows)}\n\nfailure instances differ by ${difference} of the native one (native ${Math.round(c.native.ms)} ms)`;
}
