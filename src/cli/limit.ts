// The one reading of a --limit word, for every command that takes one (probe, reproduce, diagnose):
// `none`, or a whole number of bytes with an optional binary unit. Anything else is a usage error
// that says which form was meant.

import { ENGINE_MAX_BYTES } from "../bounds.js";
import { UsageError } from "./usage-error.js";

/** The accepted forms, as --help and the README state them. */
export const LIMIT_FORMS =
  "none (no limit), or a whole number of bytes, optionally with a unit B, KiB, MiB or GiB (powers of 1024; `_` may group digits): 838860800, 800MiB, 4GiB; from 1 B to 4GiB (the engine's memory)";

const UNITS: Record<string, number> = { "": 1, B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
const DECIMAL_UNITS: Record<string, string> = { k: "KiB", kb: "KiB", m: "MiB", mb: "MiB", g: "GiB", gb: "GiB" };

/** Bytes, or null for `none`. `where` names the option in messages (e.g. "probe: --limit"). */
export function parseLimit(where: string, text: string): number | null {
  if (text === "none") return null;
  const match = /^(-?)(\d+(?:_\d+)*)(?:\.(\d+))?([A-Za-z]*)$/.exec(text);
  if (!match) throw new UsageError(`${where} must be ${LIMIT_FORMS}; got ${JSON.stringify(text)}`);
  const [, minus, whole, fraction, unitText] = match;
  const unit = UNITS[unitText];
  if (unit === undefined) throw new UsageError(`${where}: ${unitProblem(unitText)}; got ${JSON.stringify(text)}`);
  if (minus) throw new UsageError(`${where} must not be negative, got ${JSON.stringify(text)}`);
  if (fraction !== undefined) {
    throw new UsageError(`${where} must be a whole number of ${unitText || "bytes"}, got ${JSON.stringify(text)} (write it in a smaller unit, e.g. 1536MiB for 1.5GiB)`);
  }
  const bytes = Number(whole.replace(/_/g, "")) * unit;
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`${where} ${JSON.stringify(text)} is past 2^53 bytes; the most is 4GiB`);
  if (bytes === 0) throw new UsageError(`${where} 0 would refuse every allocation; for no limit write none`);
  if (bytes > ENGINE_MAX_BYTES) {
    throw new UsageError(`${where} ${JSON.stringify(text)} is above the engine's 4 GiB memory (${ENGINE_MAX_BYTES} B), so it could never be reached; for no limit write none`);
  }
  return bytes;
}

function unitProblem(unit: string): string {
  const lower = unit.toLowerCase();
  const binary = Object.keys(UNITS).find((u) => u && u.toLowerCase() === lower);
  if (binary) return `the unit is spelt ${binary}, not ${unit}`;
  const suggestion = DECIMAL_UNITS[lower];
  if (suggestion) return `unit ${unit} is not accepted: units are powers of 1024, write ${suggestion}`;
  return `unknown unit ${JSON.stringify(unit)}: use B, KiB, MiB or GiB`;
}
