// Command-line parsing: node:util's parseArgs for the syntax, then strict typed values. Anything
// wrong becomes a UsageError, which main.ts prints as one line and turns into exit code 2.

import { parseArgs } from "node:util";

export class UsageError extends Error {
  override name = "UsageError";
}

export type OptionKind = "integer" | "bytes" | "string" | "flag";

export interface OptionSpec {
  kind: OptionKind;
  /** For the help text: what the value is, its default and why. */
  help: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** How the help names the value (default from the kind: <n>, <bytes>, <value>). */
  valueName?: string;
}

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  positionals: { name: string; choices?: readonly string[]; required: boolean }[];
}

export interface Parsed {
  positionals: string[];
  values: Record<string, number | string | boolean | undefined>;
  help: boolean;
}

export function parse(spec: CommandSpec, argv: string[]): Parsed {
  const options: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.kind === "flag" ? "boolean" : "string" };
  let raw;
  try {
    raw = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${spec.name}: ${firstSentence((error as Error).message)}`);
  }
  const values: Parsed["values"] = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const value = raw.values[name];
    values[name] = value === undefined ? undefined : convert(spec.name, name, o, value);
  }
  const help = raw.values.help === true;
  if (!help) checkPositionals(spec, raw.positionals);
  return { positionals: raw.positionals, values, help };
}

/** `--instances -5` → `--instances=-5`, so a negative number is reported as out of range, not as an option. */
function joinNegativeValues(argv: string[], options: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : "";
    if (options[name]?.type === "string" && /^-\d/.test(argv[i + 1] ?? "")) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

function firstSentence(message: string): string {
  const end = message.indexOf(". ");
  return end < 0 ? message.split("\n")[0] : message.slice(0, end + 1);
}

function checkPositionals(spec: CommandSpec, positionals: string[]): void {
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(`${spec.name}: unexpected argument ${JSON.stringify(positionals[spec.positionals.length])}`);
  }
  spec.positionals.forEach((p, i) => {
    const value = positionals[i];
    if (value === undefined) {
      if (p.required) throw new UsageError(`${spec.name}: missing <${p.name}>${p.choices ? ` (one of ${p.choices.join(", ")})` : ""}`);
    } else if (p.choices && !p.choices.includes(value)) {
      throw new UsageError(`${spec.name}: unknown ${p.name} ${JSON.stringify(value)}; expected one of ${p.choices.join(", ")}`);
    }
  });
}

function convert(command: string, name: string, o: OptionSpec, value: string | boolean): number | string | boolean {
  if (o.kind === "flag") return value;
  const text = String(value);
  if (o.kind === "string") {
    if (o.choices && !o.choices.includes(text)) {
      throw new UsageError(`${command}: --${name} must be one of ${o.choices.join(", ")}, got ${JSON.stringify(text)}`);
    }
    return text;
  }
  const n = o.kind === "bytes" ? parseBytes(text) : parseInteger(text);
  if (n === undefined) {
    throw new UsageError(`${command}: --${name} must be a whole number${o.kind === "bytes" ? " of bytes (suffixes KiB, MiB, GiB allowed)" : ""}, got ${JSON.stringify(text)}`);
  }
  if (o.min !== undefined && n < o.min) throw new UsageError(`${command}: --${name} must be at least ${o.min}, got ${n}`);
  if (o.max !== undefined && n > o.max) throw new UsageError(`${command}: --${name} must be at most ${o.max}, got ${n}`);
  return n;
}

function parseInteger(text: string): number | undefined {
  const cleaned = text.replace(/_/g, "");
  if (!/^-?\d+$/.test(cleaned)) return undefined;
  const n = Number(cleaned);
  return Number.isSafeInteger(n) ? n : undefined;
}

const BYTE_UNITS: Record<string, number> = { "": 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };

/** "268435456", "256MiB", "1 GiB", "800MB" → bytes. */
export function parseBytes(text: string): number | undefined {
  const match = /^(-?\d+(?:_\d+)*)\s*([a-zA-Z]*)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = BYTE_UNITS[match[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const n = Number(match[1].replace(/_/g, "")) * unit;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Options longer than this get their help on the next line. */
const HELP_COLUMN = 30;

export function helpText(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage}`, "", spec.summary, "", "options:"];
  const entries: [string, string][] = [
    ...Object.entries(spec.options).map(([name, o]): [string, string] => [`--${name}${optionValue(o)}`, o.help]),
    ["--help", "show this help"],
  ];
  for (const [option, help] of entries) {
    if (option.length < HELP_COLUMN) lines.push(`  ${option.padEnd(HELP_COLUMN)} ${help}`);
    else lines.push(`  ${option}`, `  ${" ".repeat(HELP_COLUMN)} ${help}`);
  }
  return lines.join("\n");
}

function optionValue(o: OptionSpec): string {
  if (o.kind === "flag") return "";
  if (o.valueName) return ` <${o.valueName}>`;
  if (o.choices) return ` <${o.choices.join("|")}>`;
  return o.kind === "bytes" ? " <bytes>" : o.kind === "integer" ? " <n>" : " <value>";
}
