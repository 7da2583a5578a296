// Loading the wasm module: one compile per process, one instance per thread, one shared memory per lab.
//
// The module imports its memory (see asconfig.json): the host creates a shared WebAssembly.Memory
// and every instance over it, on any worker thread, sees the same heap, ledger and streams. The
// loader supplies `abort` (turning AssemblyScript aborts into Error objects with their message)
// and string decoding for site names; the raw exports are called directly, skipping the loader's
// wrappers, through the Lab's boundary (src/memory/poison.ts), which turns traps into errors.

import { readFileSync } from "node:fs";
import { instantiateSync } from "@assemblyscript/loader";
import { futexImports } from "./futex.js";

/** The raw exports: see assembly/index.ts for what each one does. Pointers are u32 (apply `>>> 0`). */
export interface RawExports {
  memory: WebAssembly.Memory;
  heapInit(): number;
  abiError(): number;
  abiErrorValue(): number;
  abiErrorCount(): number;
  abiErrorName(code: number): number;
  labStateAddress(): number;
  heapConfigure(policy: number, chunkPages: number, footprintModel: number, limitBytes: number, largeThreshold: number): number;
  epochConfigure(version: number): number;
  heapAlloc(site: number, bytes: number, align: number, zeroed: number): number;
  heapFree(payload: number, site: number): number;
  hostBufferAlloc(bytes: number): number;
  heapStartMapBytes(): number;
  hostBufferFree(payload: number): number;
  heapInjectFailure(n: number): void;
  heapInjectTrap(): void;
  heapAllocCalls(): number;
  heapInjectPending(): number;
  heapCheck(out: number, deep: number): number;
  epochCheck(out: number): number;
  streamCheck(out: number, stream: number): number;
  indexCheck(out: number, index: number): number;
  checkCodeCount(): number;
  checkReportSlot(): number;
  checkCodeName(code: number): number;
  glibcChunkBytes(bytes: number): number;
  heapBlockSize(payload: number): number;
  heapReserve(bytes: number): number;
  heapLock(): void;
  heapUnlock(): void;
  heapRootAddress(): number;
  ledgerAddress(): number;
  siteTableAddress(): number;
  largeLogAddress(): number;
  largeLogCapacity(): number;
  failureLogAddress(): number;
  failureLogCapacity(): number;
  badFreeLogAddress(): number;
  badFreeLogCapacity(): number;
  siteCount(): number;
  maxSites(): number;
  siteName(site: number): number;
  siteIsRust(site: number): number;
  variantCount(): number;
  streamNew(variant: number, pageSlots: number): number;
  streamDrop(stream: number): number;
  streamAppend(stream: number, a: number, b: number): number;
  streamAppendBatch(stream: number, source: number, count: number): number;
  streamGet(stream: number, index: number, out: number): number;
  streamRead(stream: number, start: number, count: number, out: number): number;
  streamLen(stream: number): number;
  streamPageCount(stream: number): number;
  arcStrongCount(data: number): number;
  arcWeakCount(data: number): number;
  arcSwapPageNew(pageSlots: number): number;
  arcSwapPageLoadFull(swap: number): number;
  arcSwapPageStore(swap: number, pageSlots: number, pageNo: number): number;
  arcSwapPageDrop(swap: number): void;
  pageRelease(data: number): void;
  indexerCount(): number;
  indexTableKindCount(): number;
  indexTableKindName(kind: number): number;
  indexTableBytesFor(capacity: number, tableKind: number): number;
  indexTableControlBytesFor(capacity: number, tableKind: number): number;
  hashbrownTableBytes(capacity: number, entryBytes: number): number;
  indexNew(indexer: number, capacity: number, variant: number, pageSlots: number, tableKind: number): number;
  indexDrop(index: number): number;
  indexUpsert(index: number, a: number, b: number): number;
  indexGet(index: number, a: number, b: number, out: number): number;
  indexLen(index: number): number;
  indexTableSlots(index: number): number;
  indexStreamAddress(index: number): number;
  indexValues(index: number, from: number, out: number, max: number, written: number): number;
  epochRegister(): number;
  epochCurrent(): number;
  epochUnregister(local: number): number;
  epochPin(local: number): number;
  epochUnpin(local: number): number;
  epochFlush(local: number): number;
  epochDeferCount(local: number, counter: number, captureBytes: number): number;
  epochDeferCountUnprotected(counter: number): void;
  epochGlobalEpoch(): number;
  epochLocalEpoch(local: number): number;
  epochGuardCount(local: number): number;
  epochPinCount(local: number): number;
  epochBagLen(local: number): number;
  epochPending(which: number): number;
  epochQueuedBags(): number;
  epochQueueSnapshot(out: number, max: number): number;
}

export interface Instance {
  raw: RawExports;
  /** Reads an AssemblyScript string (static data) from memory. */
  getString(ptr: number): string;
}

/** Pages the module's static data needs (asconfig.json `initialMemory`). */
export const INITIAL_PAGES = 2;
/** The module's declared maximum (asconfig.json `maximumMemory`): 4 GiB. */
export const MAXIMUM_PAGES = 65536;
export const WASM_PAGE = 65536;

let compiled: WebAssembly.Module | undefined;

/**
 * Which build the process loads: "release" (build/segstream.wasm, `npm run build`) or, with
 * SEGSTREAM_BUILD=debug in the environment, "debug" (build/segstream.debug.wasm, `npm run
 * build:debug`), whose heap and collector assert their invariants.
 */
export type BuildKind = "release" | "debug";

export function buildKind(): BuildKind {
  return process.env.SEGSTREAM_BUILD === "debug" ? "debug" : "release";
}

/** The compiled module of this process's build (buildKind). */
export function wasmModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const kind = buildKind();
  const url = new URL(kind === "debug" ? "../../../build/segstream.debug.wasm" : "../../../build/segstream.wasm", import.meta.url);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(url));
  } catch (cause) {
    throw new Error(`segstream: cannot read ${url.pathname}: run \`npm run ${kind === "debug" ? "build:debug" : "build"}\` first`, { cause });
  }
  compiled = new WebAssembly.Module(bytes);
  return compiled;
}

export function createMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
}

/**
 * Instantiates the module over `memory`: call once per thread per memory. The instance has not
 * started yet: its first call must be `heapInit` (Lab does it, through its boundary: memory/poison.ts).
 */
export function instantiate(memory: WebAssembly.Memory, module: WebAssembly.Module = wasmModule()): Instance {
  const { exports, instance } = instantiateSync<Record<string, unknown>>(module, { env: { memory, ...futexImports(memory) } });
  const raw = instance.exports as unknown as RawExports;
  return { raw, getString: (ptr) => exports.__getString(ptr >>> 0) };
}
