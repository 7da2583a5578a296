// The contract of every public entry point's parameters, as the bad-input table needs it: for each
// callable src/index.ts exports (functions, static and prototype methods, constructors), what each
// parameter accepts (a Kind) and a valid value for it. Which callables exist is read from the module
// at run time (publicCallables); the test fails if one has no entry here, so a new method cannot
// escape the table. What the kinds accept is written down here from the documented API, not read
// from the implementation: a kind says which values are valid, and for the others whether the
// wrong type (TypeError) or a wrong value (RangeError) is what was given.

import * as api from "../../src/index.js";
import {
  Lab, SegmentedStream, OptimisedIndex, INDEXERS, TABLE_KINDS, PROBE_VARIANTS, STREAM_VARIANTS, type Guard, type Participant,
} from "../../src/index.js";

/** What a test row works on: a lab with one live stream, index, participant (pinned: the guard) and counter. */
export interface Fixtures {
  lab: Lab;
  stream: SegmentedStream;
  index: OptimisedIndex;
  participant: Participant;
  guard: Guard;
  /** An 8-byte zeroed block lab.alloc handed out: a valid counter. */
  counter: number;
}

export function makeFixtures(): Fixtures {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { variant: "explicit-drop" });
  stream.append(1, 2);
  const index = OptimisedIndex.create(lab, { capacity: 16, variant: "explicit-drop" });
  index.upsert(3, 4);
  const participant = lab.epoch.participant();
  const guard = participant.pin();
  const counter = lab.alloc("test", 8, { zeroed: true });
  return { lab, stream, index, participant, guard, counter };
}

export type Kind =
  /** Any number (a value's f64 word). */
  | { type: "number" }
  | { type: "integer"; min: number; max: number; powerOfTwo?: boolean; multipleOf?: number }
  | { type: "boolean" }
  | { type: "choice"; choices: readonly string[] }
  /** A site: an id (1 up to the site count) or a name. */
  | { type: "site" }
  | { type: "instance"; of: Function }
  /** Something lab.track accepts: a stream or index handle. */
  | { type: "checkable" }
  | { type: "options"; keys: Readonly<Record<string, Key>> }
  /** A constructor's first parameter: only segstream's internal token is valid. */
  | { type: "token" };

export interface Key {
  kind: Kind;
  required?: boolean;
}

export interface Param {
  name: string;
  kind: Kind;
  optional?: boolean;
  /** A valid value, for the rows that put a bad value in another parameter. */
  valid(fx: Fixtures): unknown;
}

const U32 = 0xffff_ffff;
const SAFE = Number.MAX_SAFE_INTEGER;
/** Site ids the table counts as valid: the model has fewer sites than this (lab.sites). */
const SITE_IDS = 64;
const RESERVED = 65536;

const number: Kind = { type: "number" };
const boolean: Kind = { type: "boolean" };
const integer = (min: number, max: number, extra: { powerOfTwo?: boolean; multipleOf?: number } = {}): Kind => ({ type: "integer", min, max, ...extra });
const choice = (choices: readonly string[]): Kind => ({ type: "choice", choices });
const options = (keys: Record<string, Kind | Key>): Kind => ({
  type: "options",
  keys: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, "kind" in v ? v : { kind: v }])),
});
const pageSlots = integer(1, 1 << 24, { powerOfTwo: true });
/** A counter address: 8-byte aligned, above the reserved region, inside the (test lab's small) memory. */
const counter = integer(RESERVED, 2 ** 31 - 8, { multipleOf: 8 });

const param = (name: string, kind: Kind, valid: (fx: Fixtures) => unknown, optional = false): Param => ({ name, kind, valid, optional });
const optionsParam = (keys: Record<string, Kind | Key>, valid: (fx: Fixtures) => unknown = () => undefined, optional = true): Param =>
  param("options", options(keys), valid, optional);

const CONFIGURE_OPTIONS = {
  limitBytes: integer(0, SAFE), footprint: choice(["segstream", "glibc"]), growth: choice(["exact", "double", "chunk"]),
  chunkPages: integer(1, 65536), largeThreshold: integer(1, SAFE),
};
const LAB_OPTIONS = { ...CONFIGURE_OPTIONS, reserveBytes: integer(0, 2 ** 32) };
const STREAM_OPTIONS = { variant: choice(STREAM_VARIANTS), pageSlots };
const INDEX_OPTIONS = { indexer: choice(INDEXERS), capacity: integer(0, (2 ** 27 / 8) * 7), table: choice(TABLE_KINDS), ...STREAM_OPTIONS };
const labParam = param("lab", { type: "instance", of: Lab }, (fx) => fx.lab);
const words = [param("a", number, () => 1), param("b", number, () => 2)];
const token = (what: string) => [param(what, { type: "token" }, () => undefined)];

/** Each public callable's parameters, by the name publicCallables gives it. */
export const API: Readonly<Record<string, readonly Param[]>> = {
  "new Lab": token("Lab"),
  "Lab.create": [optionsParam(LAB_OPTIONS)],
  "Lab.attach": [
    param("memory", { type: "instance", of: WebAssembly.Memory }, (fx) => fx.lab.memory),
    param("module", { type: "instance", of: WebAssembly.Module }, (fx) => fx.lab.module, true),
  ],
  "Lab.prototype.configure": [optionsParam(CONFIGURE_OPTIONS, () => ({}), false)],
  "Lab.prototype.site": [param("site", { type: "site" }, () => "test")],
  "Lab.prototype.alloc": [
    param("site", { type: "site" }, () => "test"),
    param("bytes", integer(0, SAFE), () => 8),
    optionsParam({ align: integer(1, 65536, { powerOfTwo: true }), zeroed: boolean }),
  ],
  "Lab.prototype.free": [param("address", integer(0, U32), (fx) => fx.lab.alloc("test", 8)), param("site", { type: "site" }, () => "test")],
  "Lab.prototype.injectFailure": [param("n", integer(0, U32), () => 0)],
  "Lab.prototype.track": [param("structure", { type: "checkable" }, (fx) => fx.stream)],
  "Lab.prototype.untrack": [param("structure", { type: "checkable" }, (fx) => fx.stream)],
  "Lab.prototype.check": [optionsParam({ deep: boolean })],
  "Lab.prototype.ledger": [],
  "Lab.prototype.share": [],
  "Lab.prototype.lastFailure": [],
  "Lab.prototype.reserveScratch": [],
  "Lab.prototype.close": [],
  "Lab.prototype.bytes": [],
  "new SegmentedStream": token("SegmentedStream"),
  "SegmentedStream.create": [labParam, optionsParam(STREAM_OPTIONS)],
  "SegmentedStream.builder": [labParam, optionsParam(STREAM_OPTIONS)],
  "SegmentedStream.prototype.append": words,
  "SegmentedStream.prototype.appendBatch": [param("words", { type: "instance", of: Float64Array }, () => new Float64Array([5, 6]))],
  "SegmentedStream.prototype.get": [param("index", integer(0, SAFE), () => 0)],
  "SegmentedStream.prototype.read": [param("start", integer(0, SAFE), () => 0), param("count", integer(0, 2 ** 31 - 1), () => 1)],
  "SegmentedStream.prototype.getWords": [param("index", integer(0, SAFE), () => 0)],
  "SegmentedStream.prototype.readInto": [param("start", integer(0, SAFE), () => 0), param("into", { type: "instance", of: Float64Array }, () => new Float64Array(2))],
  // length 0 is reached already: a valid call returns at once (the table runs in a worker)
  "SegmentedStream.prototype.wait": [param("length", integer(0, SAFE), () => 0), param("timeoutMs", number, () => 0, true)],
  "SegmentedStream.prototype.waitAsync": [param("length", integer(0, SAFE), () => 0), param("timeoutMs", number, () => 0, true)],
  "SegmentedStream.prototype.follow": [optionsParam({ from: integer(0, SAFE), count: integer(0, SAFE) }, () => ({ count: 0 }), false)],
  "SegmentedStream.prototype.live": [], // private in TypeScript, callable from JavaScript
  "SegmentedStream.prototype.checkReport": [],
  "SegmentedStream.prototype.drop": [],
  "SegmentedStream.prototype.share": [],
  "SegmentedStream.open": [labParam, param("address", integer(0, U32), (fx) => fx.stream.address)],
  "new OptimisedIndex": token("OptimisedIndex"),
  "OptimisedIndex.create": [labParam, optionsParam(INDEX_OPTIONS)],
  "OptimisedIndex.builder": [labParam, optionsParam(INDEX_OPTIONS)],
  "OptimisedIndex.prototype.upsert": words,
  "OptimisedIndex.prototype.get": [words[0], { ...words[1], optional: true }],
  "OptimisedIndex.prototype.live": [],
  "OptimisedIndex.prototype.values": [],
  "OptimisedIndex.prototype.checkReport": [],
  "OptimisedIndex.prototype.drop": [],
  tableBytesFor: [labParam, param("capacity", integer(0, (2 ** 27 / 8) * 7), () => 16), param("table", choice(TABLE_KINDS), () => "hashbrown", true)],
  tableControlBytesFor: [labParam, param("capacity", integer(0, (2 ** 27 / 8) * 7), () => 16), param("table", choice(TABLE_KINDS), () => "hashbrown", true)],
  "new Epochs": token("Epochs"),
  "Epochs.prototype.participant": [],
  "Epochs.prototype.current": [],
  "Epochs.prototype.deferCountUnprotected": [param("counter", counter, (fx) => fx.counter)],
  "Epochs.prototype.state": [],
  "Epochs.prototype.unregisterAll": [],
  "Epochs.prototype.queue": [param("max", integer(0, 2048), () => 16, true)],
  "new Participant": token("Participant"),
  "Participant.prototype.pin": [],
  "Participant.prototype.state": [],
  "Participant.prototype.unregister": [],
  "new Guard": token("Guard"),
  "Guard.prototype.check": [], // private in TypeScript
  "Guard.prototype.deferFree": [param("address", integer(0, U32), (fx) => fx.lab.alloc("test", 16))],
  "Guard.prototype.deferCount": [param("counter", counter, (fx) => fx.counter), param("captureBytes", integer(0, 1 << 20), () => 8, true)],
  "Guard.prototype.flush": [],
  "Guard.prototype.release": [],
  runProbe: [optionsParam({
    variant: { kind: choice(PROBE_VARIANTS), required: true },
    instances: { kind: integer(0, SAFE), required: true },
    pageSlots, appends: integer(0, SAFE), indexCapacity: integer(0, (2 ** 27 / 8) * 7), upserts: integer(0, SAFE), indexer: choice(INDEXERS), indexTable: choice(TABLE_KINDS),
    lab: options(LAB_OPTIONS),
  }, () => ({ variant: "mock", instances: 1 }), false)],
  wasmModule: [],
  createMemory: [],
  futexImports: [param("memory", { type: "instance", of: WebAssembly.Memory }, (fx) => fx.lab.memory)],
};

/** How a prototype method finds its receiver among the fixtures. */
const RECEIVERS: Readonly<Record<string, (fx: Fixtures) => unknown>> = {
  Lab: (fx) => fx.lab,
  SegmentedStream: (fx) => fx.stream,
  OptimisedIndex: (fx) => fx.index,
  Epochs: (fx) => fx.lab.epoch,
  Participant: (fx) => fx.participant,
  Guard: (fx) => fx.guard,
};

/** A callable of the public API: its name (as in API) and how to call it with arguments. */
export interface Callable {
  name: string;
  /** The function or class itself (its `length`: the parameters it declares before any default). */
  target: Function;
  invoke(fx: Fixtures, args: readonly unknown[]): unknown;
}

const isClass = (f: Function) => /^class\b/.test(Function.prototype.toString.call(f));

/**
 * Every callable src/index.ts exports: its functions, and for each class (error classes aside:
 * their constructors are public by design) its constructor, static methods and prototype methods.
 */
export function publicCallables(): Callable[] {
  const found: Callable[] = [];
  for (const [name, value] of Object.entries(api)) {
    if (typeof value !== "function" || value.prototype instanceof Error) continue;
    if (!isClass(value)) {
      found.push({ name, target: value, invoke: (_fx, args) => Reflect.apply(value, undefined, args) });
      continue;
    }
    found.push({ name: `new ${name}`, target: value, invoke: (_fx, args) => Reflect.construct(value, args) });
    for (const key of Object.getOwnPropertyNames(value)) {
      const method = (value as unknown as Record<string, unknown>)[key];
      if (typeof method === "function") found.push({ name: `${name}.${key}`, target: method, invoke: (_fx, args) => Reflect.apply(method, value, args) });
    }
    for (const key of Object.getOwnPropertyNames(value.prototype)) {
      const method = Object.getOwnPropertyDescriptor(value.prototype, key)?.value;
      if (key === "constructor" || typeof method !== "function") continue;
      found.push({ name: `${name}.prototype.${key}`, target: method, invoke: (fx, args) => Reflect.apply(method, RECEIVERS[name](fx), args) });
    }
  }
  return found;
}

/** The verdict the contract gives a value for a kind: valid, or the error class it must raise. */
export function expectation(kind: Kind, value: unknown, optional: boolean): "valid" | "TypeError" | "RangeError" {
  if (value === undefined && kind.type !== "token") return optional ? "valid" : "TypeError";
  switch (kind.type) {
    case "number": return typeof value === "number" ? "valid" : "TypeError";
    case "integer": return typeof value !== "number" ? "TypeError" : integerValid(kind, value) ? "valid" : "RangeError";
    case "boolean": return typeof value === "boolean" ? "valid" : "TypeError";
    case "choice": return typeof value !== "string" ? "TypeError" : kind.choices.includes(value) ? "valid" : "RangeError";
    case "site": return siteExpectation(value);
    case "instance": return value instanceof kind.of ? "valid" : "TypeError";
    case "checkable": return value instanceof SegmentedStream || value instanceof OptimisedIndex ? "valid" : "TypeError";
    case "options": return isPlainObject(value) ? "valid" : "TypeError";
    case "token": return "TypeError";
  }
}

function integerValid(kind: Extract<Kind, { type: "integer" }>, n: number): boolean {
  if (!Number.isInteger(n) || Object.is(n, -0) || n < kind.min || n > kind.max) return false;
  if (kind.powerOfTwo && (n & (n - 1)) !== 0) return false;
  return !kind.multipleOf || n % kind.multipleOf === 0;
}

function siteExpectation(value: unknown): "valid" | "TypeError" | "RangeError" {
  if (typeof value === "number") return Number.isInteger(value) && value >= 1 && value < SITE_IDS ? "valid" : "RangeError";
  if (typeof value === "string") return ["test", "host buffer"].includes(value) ? "valid" : "RangeError";
  return "TypeError";
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
