// Descriptors: what one thread posts to another so that it can open the same lab.
//
// A descriptor is a plain object, so structured clone (postMessage, workerData) carries it: the
// shared WebAssembly.Memory and the compiled WebAssembly.Module clone as themselves (the receiver
// sees the same linear memory, not a copy). The receiver opens it with `Lab.attach(descriptor)`,
// which builds its own wasm instance over that memory: per-instance globals are per thread, all
// shared state lives in the memory.
//
// A descriptor comes from outside (a message), so it is checked field by field before anything is
// instantiated or written: a forged one is a TypeError naming the field, never a write.
//
// Only the lab itself is shared here so far; structure descriptors (stream, index) are left for a
// later change (see the README section "Using segstream as a library").

import { describe, requireSharedMemory, requireInstance } from "../errors.js";

/** The kind tag of a lab descriptor (a versioned string, so a foreign object is not taken for one). */
export const LAB_DESCRIPTOR_KIND = "segstream.lab/1";

/** A lab, as posted to another thread (structured-clonable). */
export interface LabDescriptor {
  readonly kind: typeof LAB_DESCRIPTOR_KIND;
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
}

const LAB_DESCRIPTOR_KEYS = ["kind", "memory", "module"] as const;

export function labDescriptor(memory: WebAssembly.Memory, module: WebAssembly.Module): LabDescriptor {
  return { kind: LAB_DESCRIPTOR_KIND, memory, module };
}

/** Whether `value` claims to be a descriptor (an object with a kind), so attach checks it as one. */
export function looksLikeDescriptor(value: unknown): value is { kind: unknown } {
  return typeof value === "object" && value !== null && !(value instanceof WebAssembly.Memory) && "kind" in value;
}

/** Checks every field of a lab descriptor; throws a TypeError naming the first bad one. */
export function requireLabDescriptor(name: string, value: unknown): LabDescriptor {
  if (typeof value !== "object" || value === null) throw new TypeError(`${name} must be a lab descriptor (lab.share()), got ${describe(value)}`);
  const record = value as Record<string, unknown>;
  if (record.kind !== LAB_DESCRIPTOR_KIND) throw new TypeError(`${name}.kind must be "${LAB_DESCRIPTOR_KIND}", got ${describe(record.kind)}`);
  const unknown = Object.keys(record).filter((key) => !(LAB_DESCRIPTOR_KEYS as readonly string[]).includes(key));
  if (unknown.length) throw new TypeError(`${name} has unknown field(s) ${unknown.join(", ")}; a lab descriptor has ${LAB_DESCRIPTOR_KEYS.join(", ")}`);
  const memory = requireSharedMemory(`${name}.memory`, record.memory);
  const module = requireInstance(`${name}.module`, record.module, WebAssembly.Module, "a WebAssembly.Module");
  return labDescriptor(memory, module);
}
