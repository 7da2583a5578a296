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
// A structure's descriptor (`stream.share()`) adds its address to its lab's descriptor. The module
// that defines the structure registers an opener for its kind when it loads (this file and lab.ts
// import no structure), and `Lab.attach(descriptor)` attaches a lab to the memory and hands the
// address to the opener, which has the module check it (the raw exports refuse an address that is
// not a live block of that structure) before it builds a handle.

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

/** A TypeError naming the fields of `record` that `what` does not have. */
function requireOnlyFields(name: string, record: object, keys: readonly string[], what: string): void {
  const unknown = Object.keys(record).filter((key) => !keys.includes(key));
  if (unknown.length) throw new TypeError(`${name} has unknown field(s) ${unknown.join(", ")}; ${what} has ${keys.join(", ")}`);
}

/** Checks every field of a lab descriptor; throws a TypeError naming the first bad one. */
export function requireLabDescriptor(name: string, value: unknown): LabDescriptor {
  if (typeof value !== "object" || value === null) throw new TypeError(`${name} must be a lab descriptor (lab.share()), got ${describe(value)}`);
  const record = value as Record<string, unknown>;
  if (record.kind !== LAB_DESCRIPTOR_KIND) throw new TypeError(`${name}.kind must be "${LAB_DESCRIPTOR_KIND}", got ${describe(record.kind)}`);
  requireOnlyFields(name, record, LAB_DESCRIPTOR_KEYS, "a lab descriptor");
  const memory = requireSharedMemory(`${name}.memory`, record.memory);
  const module = requireInstance(`${name}.module`, record.module, WebAssembly.Module, "a WebAssembly.Module");
  return labDescriptor(memory, module);
}

/** A structure in a shared lab, as posted to another thread; `T` is the handle it opens as. */
export interface StructureDescriptor<T> {
  readonly kind: string;
  readonly lab: LabDescriptor;
  readonly address: number;
  /** Never present: carries the handle's type for Lab.attach. */
  readonly opens?: T;
}

const STRUCTURE_KEYS = ["kind", "lab", "address"] as const;

export type Opener<L> = (lab: L, address: number) => unknown;
const openers = new Map<string, Opener<never>>();

/** Called once by a structure's module: descriptors of `kind` open through `opener`. */
export function registerOpener<L>(kind: string, opener: Opener<L>): void {
  openers.set(kind, opener as Opener<never>);
}

export function isLabDescriptor(value: { kind: unknown }): boolean {
  return value.kind === LAB_DESCRIPTOR_KIND;
}

/** Checks a structure descriptor's fields; returns its opener, lab and address. Throws a TypeError naming the first bad field. */
export function requireStructureDescriptor<L>(name: string, value: { kind: unknown }): { opener: Opener<L>; lab: LabDescriptor; address: number } {
  const record = value as Record<string, unknown>;
  const opener = typeof record.kind === "string" ? openers.get(record.kind) : undefined;
  if (!opener) throw new TypeError(`${name}.kind must be one of "${[LAB_DESCRIPTOR_KIND, ...openers.keys()].join('", "')}", got ${describe(record.kind)}`);
  requireOnlyFields(name, record, STRUCTURE_KEYS, `a ${record.kind as string} descriptor`);
  const lab = requireLabDescriptor(`${name}.lab`, record.lab);
  const address = record.address;
  if (typeof address !== "number" || !Number.isInteger(address) || address <= 0 || address > 0xffff_ffff) {
    throw new TypeError(`${name}.address must be a whole number from 1 to 4294967295, got ${describe(address)}`);
  }
  return { opener: opener as Opener<L>, lab, address };
}
