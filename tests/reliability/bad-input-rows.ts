// The bad-input table: one row per (callable, parameter or option, bad value), built from the API's
// parameter contract (api-spec.ts), plus rows for the raw exports' addresses, enums and sizes (from
// src/wasm/abi.ts's parameter names) and regression rows for the examples. The main thread
// and the worker that runs the rows (bad-input-worker.ts) build the same table; rows hold closures,
// so only their ids cross between threads.

import { Lab, Participant, SegmentedStream } from "../../src/index.js";
import { RAW_EXPORTS, type RawExportName } from "../../src/wasm/abi.js";
import { API, expectation, publicCallables, type Callable, type Fixtures, type Kind, type Param } from "./api-spec.js";

export type Expected = "TypeError" | "RangeError";

export interface Row {
  /** Unique, readable: what is called with what. */
  id: string;
  /** Rows of a group share fixtures (until one fails). */
  group: string;
  expect: Expected;
  /** The message must name the argument: it matches this. */
  names: RegExp;
  /** Why a row is expected to fail for now (node:test's todo). */
  todo?: string;
  /** Run on fixtures of its own: a row that may corrupt the lab if the check it is about is missing. */
  isolated?: boolean;
  call(fx: Fixtures): unknown;
}

/** The values every parameter is tried with (those its kind accepts are left out). */
export const INPUTS: readonly (readonly [label: string, value: unknown])[] = [
  ["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity], ["-0", -0], ["0.5", 0.5], ["2**31", 2 ** 31], ["2**32", 2 ** 32],
  ["2**53", 2 ** 53], ["10n", 10n], ['"12"', "12"], ['""', ""], ["true", true], ["null", null], ["undefined", undefined], ["{}", {}],
  ["[]", []], ["Symbol()", Symbol()], ["() => 1", () => 1],
];

export const AWAITS_WASM = "awaits wasm validation";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A message naming `name` as the thing that was wrong: `name must ...`, `name has ...`, `"name"`. */
export function naming(name: string): RegExp {
  return new RegExp(`(?<![\\w.])${escape(name)} (?:must|has|is)\\b|"${escape(name)}"`);
}

/** A boundary refusal: `export: param value is not ...` (param possibly one of several: `a or b`). */
function refusalNaming(exportName: string, params: readonly string[]): RegExp {
  return new RegExp(`^${exportName}: (?:\\w+ or )*(?:${params.join("|")})\\b`);
}

/** `base` with the value at `path` replaced (a fresh object along the path). */
function withValue(base: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const object = (typeof base === "object" && base !== null ? base : {}) as Record<string, unknown>;
  return { ...object, [path[0]]: withValue(object[path[0]], path.slice(1), value) };
}

// --- the typed API ---

function entryRows(callable: Callable, params: readonly Param[]): Row[] {
  const rows: Row[] = [];
  params.forEach((param, i) => {
    const args = (fx: Fixtures) => params.map((p) => p.valid(fx));
    const row = (what: string, path: readonly string[], value: unknown, expect: Expected, name: string): Row => ({
      id: `${callable.name}(${[param.name, ...path].join(".")} = ${what})`,
      group: callable.name,
      expect,
      names: naming(name),
      call: (fx) => {
        const values = args(fx);
        values[i] = withValue(values[i], path, value);
        return callable.invoke(fx, values);
      },
    });
    const tryInputs = (kind: Kind, optional: boolean, path: readonly string[], name: string) => {
      for (const [label, value] of INPUTS) {
        const verdict = expectation(kind, value, optional);
        if (verdict !== "valid") rows.push(row(label, path, value, verdict, name));
      }
    };
    const tryOptions = (kind: Kind, path: readonly string[]) => {
      if (kind.type !== "options") return;
      rows.push(row('"mock"', [...path, "varient"], "mock", "RangeError", "varient"));
      for (const [key, { kind: keyKind, required }] of Object.entries(kind.keys)) {
        tryInputs(keyKind, !required, [...path, key], key);
        tryOptions(keyKind, [...path, key]);
      }
    };
    tryInputs(param.kind, param.optional ?? false, [], param.name);
    tryOptions(param.kind, []);
  });
  return rows;
}

export function apiRows(): Row[] {
  return publicCallables().flatMap((callable) => (API[callable.name] ? entryRows(callable, API[callable.name]) : []));
}

// --- the examples, and what only the module can refuse ---

const regression = (id: string, expect: Expected, name: string, call: (fx: Fixtures) => unknown, todo?: string): Row =>
  ({ id: `regression: ${id}`, group: "regressions", expect, names: naming(name), call, todo, isolated: todo !== undefined });

export function regressionRows(): Row[] {
  const construct = (...args: unknown[]) => () => Reflect.construct(Participant, args);
  return [
    regression("lab.epoch.deferCountUnprotected(0x1000) (the ledger)", "RangeError", "counter", (fx) => fx.lab.epoch.deferCountUnprotected(0x1000)),
    regression("lab.epoch.deferCountUnprotected(0x40) (the heap lock)", "RangeError", "counter", (fx) => fx.lab.epoch.deferCountUnprotected(0x40)),
    regression("guard.deferCount(0x40)", "RangeError", "counter", (fx) => fx.guard.deferCount(0x40)),
    regression("guard.deferCount(0x1000, 8)", "RangeError", "counter", (fx) => fx.guard.deferCount(0x1000, 8)),
    regression("lab.epoch.deferCountUnprotected(inside a live stream: no block lab.alloc handed out)", "RangeError", "counter",
      (fx) => fx.lab.epoch.deferCountUnprotected(fx.stream.address + 8)),
    regression("guard.deferCount(inside a live stream)", "RangeError", "counter", (fx) => fx.guard.deferCount(fx.stream.address + 8)),
    regression("guard.deferFree(0x40) (the heap's roots)", "RangeError", "address", (fx) => fx.guard.deferFree(0x40)),
    regression("guard.deferFree(a live stream: no block lab.alloc handed out)", "RangeError", "address", (fx) => fx.guard.deferFree(fx.stream.address)),
    regression("guard.deferFree(inside a lab.alloc block)", "RangeError", "address", (fx) => fx.guard.deferFree(fx.counter + 8)),
    regression("new Participant(NaN)", "TypeError", "Participant", construct(NaN)),
    regression("new Participant(-1)", "TypeError", "Participant", construct(-1)),
    regression("new Participant(lab, NaN)", "TypeError", "Participant", (fx) => construct(fx.lab, NaN)()),
    regression("new SegmentedStream(lab, 'mock', 64, 12345)", "TypeError", "SegmentedStream", (fx) => Reflect.construct(SegmentedStream, [fx.lab, "mock", 64, 12345])),
    regression("Lab.create(5)", "TypeError", "options", () => Lab.create(5 as never)),
    regression('Lab.create("x")', "TypeError", "options", () => Lab.create("x" as never)),
    regression("Lab.create(() => 1)", "TypeError", "options", () => Lab.create((() => 1) as never)),
    regression('stream.append("12") (stored 12)', "TypeError", "a", (fx) => fx.stream.append("12" as never, 1)),
    regression("stream.append(undefined) (stored NaN)", "TypeError", "a", (fx) => Reflect.apply(fx.stream.append, fx.stream, [undefined])),
    regression("stream.append(1) (b missing)", "TypeError", "b", (fx) => Reflect.apply(fx.stream.append, fx.stream, [1])),
    regression("stream.get(null) (answered index 0)", "TypeError", "index", (fx) => fx.stream.get(null as never)),
    regression("stream.get(-0)", "RangeError", "index", (fx) => fx.stream.get(-0)),
    regression("lab.free(-0, \"test\")", "RangeError", "address", (fx) => fx.lab.free(-0, "test")),
    regression("lab.injectFailure(2**32) (u32)", "RangeError", "n", (fx) => fx.lab.injectFailure(2 ** 32)),
    regression("stream.read(0, 2**32) (u32)", "RangeError", "count", (fx) => fx.stream.read(0, 2 ** 32)),
    regression("lab.alloc(\"test\", 8, { align: 2**32 + 16 }) (u32)", "RangeError", "align", (fx) => fx.lab.alloc("test", 8, { align: 2 ** 32 + 16 })),
    regression("stream.appendBatch(3 words)", "RangeError", "words", (fx) => fx.stream.appendBatch(new Float64Array(3))),
    regression('SegmentedStream.create(lab, { varient: "mock" })', "RangeError", "varient", (fx) => SegmentedStream.create(fx.lab, { varient: "mock" } as never)),
  ];
}

// --- raw exports: addresses, enums and sizes the module must refuse ---

/** What a raw row works on beyond the fixtures: an ArcSwap<Page>, a page it handed out, this thread's participant. */
interface RawFixtures {
  fx: Fixtures;
  local: number;
  swap: number;
  data: number;
}

function rawFixtures(fx: Fixtures): RawFixtures {
  const raw = fx.lab.raw;
  const swap = raw.arcSwapPageNew(64) >>> 0;
  return { fx, local: raw.epochCurrent() >>> 0, swap, data: raw.arcSwapPageLoadFull(swap) >>> 0 };
}

type Value = number | ((r: RawFixtures) => number);

/** A valid value for each parameter name (per export where the name means something else there). */
const RAW_VALID: Readonly<Record<string, Value>> = {
  stream: (r) => r.fx.stream.address, index: (r) => r.fx.index.address, local: (r) => r.local, swap: (r) => r.swap, data: (r) => r.data,
  out: (r) => r.fx.lab.scratch, source: (r) => r.fx.lab.scratch, written: (r) => r.fx.lab.scratch + 16, counter: (r) => r.fx.counter,
  payload: (r) => r.fx.counter, site: (r) => r.fx.lab.site("test"),
  variant: 1, indexer: 0, pageSlots: 64, capacity: 16, align: 16, policy: 0, chunkPages: 16, footprintModel: 0, limitBytes: 0,
  largeThreshold: 1 << 20, a: 1, b: 2, count: 1, max: 1, from: 0, start: 0, code: 0, deep: 0, captureBytes: 8, n: 0, bytes: 8,
  which: 0, zeroed: 0, pageNo: 1, tableKind: 1, word: 5, e: 0, value: 0, entryBytes: 24, field: 0,
};
const RAW_VALID_FOR: Readonly<Partial<Record<RawExportName, Readonly<Record<string, Value>>>>> = {
  streamGet: { index: 0 },
  streamAppendWords: { a: 1n as never, b: 2n as never }, // i64 parameters: BigInts
  epochDeferFree: { address: (r) => r.fx.counter }, // reached only by rows whose other argument is refused first
};

const PAST_THE_END: readonly [string, Value] = ["past the end of memory", 0xffff_fff0];
const IN_RESERVED: readonly (readonly [string, Value])[] = [["12345", 12345], ["0x40 (the heap's root)", 0x40]];
const STRUCTURE: readonly (readonly [string, Value])[] = [...IN_RESERVED, ["7", 7], PAST_THE_END];

/** Bad values per parameter name: what each is not. */
const RAW_BAD: Readonly<Record<string, readonly (readonly [string, Value])[]>> = {
  stream: [...STRUCTURE, ["an OptimisedIndex", (r) => r.fx.index.address]],
  index: [...STRUCTURE, ["a SegmentedStream", (r) => r.fx.stream.address]],
  local: [...STRUCTURE, ["a SegmentedStream", (r) => r.fx.stream.address]],
  swap: [...STRUCTURE, ["a SegmentedStream", (r) => r.fx.stream.address]],
  data: [...STRUCTURE, ["a SegmentedStream", (r) => r.fx.stream.address]],
  out: [...IN_RESERVED, PAST_THE_END],
  source: [...IN_RESERVED, PAST_THE_END],
  written: [...IN_RESERVED, PAST_THE_END],
  counter: [["0x40 (the heap lock)", 0x40], ["0x1000 (the ledger)", 0x1000], ["inside a live stream", (r) => r.fx.stream.address + 8], PAST_THE_END],
  address: [...IN_RESERVED, ["a SegmentedStream", (r) => r.fx.stream.address], ["inside a lab.alloc block", (r) => r.fx.counter + 8], PAST_THE_END],
  variant: [["99", 99]],
  indexer: [["99", 99]],
  tableKind: [["2", 2], ["99", 99]],
  entryBytes: [["0", 0], ["2**17", 2 ** 17]],
  site: [["999", 999]],
  policy: [["99", 99]],
  footprintModel: [["99", 99]],
  chunkPages: [["0", 0]],
  pageSlots: [["3", 3], ["0", 0], ["2**25", 2 ** 25]],
  capacity: [["2**30", 2 ** 30]],
  align: [["3", 3], ["0", 0]],
};
/**
 * Parameters whose bad values are the model's business, not refusals: a bad free inside the heap is
 * recorded (lab.free's "invalid"); streamGet's index is a position (one not published answers false).
 */
const RAW_NOT_REFUSED: ReadonlySet<string> = new Set(["heapFree.payload", "hostBufferFree.payload", "streamGet.index"]);
/** Per export: sizes only some check against something (a batch count against its source block). */
/** The reads (get, read, len, page count) also take the stream inline in an index: only appends refuse it. */
const RAW_BAD_FOR: Readonly<Partial<Record<RawExportName, Readonly<Record<string, readonly (readonly [string, Value])[]>>>>> = {
  streamAppendBatch: { count: [["2**31 (more than the source block holds)", 2 ** 31]] },
  streamGet: { stream: STRUCTURE },
  streamRead: { stream: STRUCTURE },
  streamLen: { stream: STRUCTURE },
  streamPageCount: { stream: STRUCTURE },
};

const resolve = (value: Value, r: RawFixtures) => (typeof value === "function" ? value(r) : value);

function rawRow(name: RawExportName, params: readonly string[], bad: number, label: string, value: Value, todo: ReadonlySet<string>): Row {
  const shown = params.map((p, i) => (i === bad ? `${p} = ${label}` : p)).join(", ");
  const id = `lab.raw.${name}(${shown})`;
  return {
    id, group: `raw ${name}`, expect: "RangeError", names: refusalNaming(name, [params[bad]]), isolated: true,
    todo: todo.has(id) ? AWAITS_WASM : undefined,
    call: (fx) => {
      const r = rawFixtures(fx);
      const args = params.map((p, i) => resolve(i === bad ? value : RAW_VALID_FOR[name]?.[p] ?? RAW_VALID[p], r));
      return Reflect.apply(fx.lab.raw[name] as Function, undefined, args);
    },
  };
}

/**
 * Raw rows: every export's every address, enum and size parameter, with values it must refuse, the
 * other parameters valid; and the rows the issue names. `todo`: ids of rows the module does not
 * refuse yet.
 */
export function rawRows(todo: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  for (const [name, { params }] of Object.entries(RAW_EXPORTS) as [RawExportName, { params: readonly string[] }][]) {
    params.forEach((param, i) => {
      if (RAW_NOT_REFUSED.has(`${name}.${param}`)) return;
      for (const [label, value] of RAW_BAD_FOR[name]?.[param] ?? RAW_BAD[param] ?? []) rows.push(rawRow(name, params, i, label, value, todo));
    });
  }
  return rows;
}
