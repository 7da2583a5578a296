// as-pect 8.1.0 test configuration (ESM).
//
// as-pect 8 does NOT take compiler flags from this file: `asp` compiles every spec with
//   asc <spec> <includes...> --config <as-config> --target noCoverage|coverage
// where <as-config> is the `--as-config` CLI option (default ./as-pect.asconfig.json).
// The flags (--enable threads, --memoryBase 65536, --runtime incremental, the as-pect
// transform and entry) therefore live in ./as-pect.asconfig.json, which deliberately has no
// `extends` so the project's asconfig.json (custom no-GC runtime) is never pulled in.
/**
 * The futex waits the library imports (assembly/sync/futex.ts) are reached only when another thread
 * holds a lock: never in a spec, which runs on one thread over unshared memory.
 */
function singleThreaded() {
  throw new Error("segstream: a futex wait in a single-threaded spec (a lock was left held)");
}

export default {
  /** Spec entry points, one wasm module per file. */
  entries: ["assembly/__tests__/**/*.spec.ts"],
  /** Files compiled into every spec module. */
  include: ["assembly/__tests__/**/*.include.ts"],
  /** Entries matching any of these are skipped. */
  disclude: [/node_modules/],
  /**
   * Path (relative to cwd) of a module whose default export is the reporter. It prints the usual
   * summary (or verbose output with ASPECT_REPORTER=verbose) and writes machine-readable counts to
   * build/aspect-results.json (override with ASPECT_RESULTS).
   */
  reporter: "tests/aspect-reporter.mjs",
  /**
   * The spec module defines and exports its own (non-shared) memory; `memory` (created by asp from
   * --memory-size/--memory-max) is only used if the module imports it, which ours does not.
   */
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory, futexWait32: singleThreaded, futexWait64: singleThreaded } }));
  },
  /** Write assembly/__tests__/<name>.wasm/.wat next to each spec (debugging only). */
  outputBinary: false,
};
