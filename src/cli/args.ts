// Command-line parsing: node:util's parseArgs for the syntax, then strict typed values. Anything
// wrong becomes a UsageError, which main.ts prints as one line and turns into exit code 2.

import { parseArgs } from "node:util";
import { UsageError } from "./usage-error.js";
import { parseLimit } from "./limit.js";

export { UsageError };

/** `limit`: a --limit word (limit.ts), bytes or null for none. */
export type OptionKind = "integer" | "limit" | "string" | "flag";

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
  values: Record<string, number | string | boolean | null | undefined>;
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

function convert(command: string, name: string, o: OptionSpec, value: string | boolean): number | string | boolean | null {
  if (o.kind === "flag") return value;
  const text = String(value);
  if (o.kind === "limit") return parseLimit(`${command}: --${name}`, text);
  if (o.kind === "string") {
    if (o.choices && !o.choices.includes(text)) {
      throw new UsageError(`${command}: --${name} must be one of ${o.choices.join(", ")}, got ${JSON.stringify(text)}`);
    }
    return text;
  }
  const n = parseInteger(text);
  if (n === undefined) throw new UsageError(`${command}: --${name} must be a whole number, got ${JSON.stringify(text)}`);
  if (o.min !== undefined && n < o.min) throw new UsageError(`${command}: --${name} must be at least ${o.min}, got ${text}`);
  const max = Math.min(o.max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (n > max) throw new UsageError(`${command}: --${name} must be at most ${max}, got ${text}`);
  return n;
}

/** Digits (an optional minus, `_` between groups) as a number, exact up to 2^53; undefined if not digits. */
function parseInteger(text: string): number | undefined {
  if (!/^-?\d+(?:_\d+)*$/.test(text)) return undefined;
  return Number(text.replace(/_/g, ""));
}

/** Options longer than this get their help on the next line. */
const HELP_COLUMN = 30;

export function helpText(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage}`, "", spec.summary, "", "options:"];
  const entries: [string, string][] = [
    ...Object.entries(spec.options).map(([name, o]): [string, string] => [`--${name}${optionValue(o)}`, o.help + range(o)]),
    ["--help", "show this help"],
  ];
  for (const [option, help] of entries) {
    if (option.length < HELP_COLUMN) lines.push(`  ${option.padEnd(HELP_COLUMN)} ${help}`);
    else lines.push(`  ${option}`, `  ${" ".repeat(HELP_COLUMN)} ${help}`);
  }
  return lines.join("\n");
}

/** An integer option's bounds, as the help states them. */
function range(o: OptionSpec): string {
  if (o.kind !== "integer" || o.max === undefined) return "";
  return `; ${(o.min ?? 0).toLocaleString("en-US")} to ${o.max.toLocaleString("en-US")}`;
}

function optionValue(o: OptionSpec): string {
  if (o.kind === "flag") return "";
  if (o.valueName) return ` <${o.valueName}>`;
  if (o.choices) return ` <${o.choices.join("|")}>`;
  return o.kind === "limit" ? " <bytes|none>" : o.kind === "integer" ? " <n>" : " <value>";
}
