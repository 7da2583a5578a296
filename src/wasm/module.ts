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
import type { RawExports, Instance } from "./raw-exports.js";

export type { RawExports, Instance };



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
