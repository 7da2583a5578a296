// What the host knows about each raw export beyond its type: its parameters' names (as in
// assembly/index.ts, for messages that name the argument a refusal was about) and whether a call can
// change the lab's state (the debug build checks the heap and the collector after each such call).
//
// The table is typed against RawExports, so an export added there without its names here, or with
// the wrong number of them, does not compile; tests/reliability/bad-input.test.ts checks the names'
// count against each export's arity in the built module.

import type { RawExports } from "./module.js";

type FunctionKeys<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];
export type RawExportName = FunctionKeys<RawExports> & string;
type Names<F> = F extends (...args: infer P) => unknown ? { readonly [I in keyof P]: string } : never;

/** Whether a call changes state the heap or epoch checks look at. */
type Effect = "changes" | "reads";

interface ExportInfo<F> {
  readonly params: Names<F>;
  readonly effect: Effect;
}

const reads = <P extends readonly string[]>(...params: P) => ({ params, effect: "reads" as const });
const changes = <P extends readonly string[]>(...params: P) => ({ params, effect: "changes" as const });

export const RAW_EXPORTS: { readonly [K in RawExportName]: ExportInfo<RawExports[K]> } = {
  heapInit: changes(),
  abiError: reads(),
  abiErrorValue: reads(),
  abiErrorCount: reads(),
  abiErrorName: reads("code"),
  enumCount: reads("e"),
  enumName: reads("e", "value"),
  layoutCount: reads(),
  layoutName: reads("field"),
  layoutOffset: reads("field"),
  labStateAddress: reads(),
  heapConfigure: changes("policy", "chunkPages", "footprintModel", "limitBytes", "largeThreshold"),
  heapAlloc: changes("site", "bytes", "align", "zeroed"),
  heapFree: changes("payload", "site"),
  hostBufferAlloc: changes("bytes"),
  heapStartMapBytes: reads(),
  hostBufferFree: changes("payload"),
  heapInjectFailure: changes("n"),
  heapInjectTrap: changes(),
  heapAllocCalls: reads(),
  heapInjectPending: reads(),
  heapThreadDetach: changes(),
  heapCachedBytes: reads(),
  heapCheck: reads("out", "deep"),
  epochCheck: reads("out"),
  streamCheck: reads("out", "stream"),
  indexCheck: reads("out", "index"),
  checkCodeCount: reads(),
  checkReportSlot: reads(),
  checkCodeName: reads("code"),
  glibcChunkBytes: reads("bytes"),
  heapBlockSize: reads("payload"),
  heapReserve: changes("bytes"),
  // The lock is no state of the model's; a check while this thread holds it would wait for ever.
  heapLock: reads(),
  heapUnlock: reads(),
  heapRootAddress: reads(),
  ledgerAddress: reads(),
  siteTableAddress: reads(),
  largeLogAddress: reads(),
  largeLogCapacity: reads(),
  failureLogAddress: reads(),
  failureLogCapacity: reads(),
  badFreeLogAddress: reads(),
  badFreeLogCapacity: reads(),
  siteCount: reads(),
  maxSites: reads(),
  siteName: reads("site"),
  siteIsRust: reads("site"),
  sitePointCount: reads("site"),
  siteCallPath: reads("site", "point"),
  sitePointRecord: reads("site", "point"),
  streamNew: changes("variant", "pageSlots"),
  streamDrop: changes("stream"),
  streamAppend: changes("stream", "a", "b"),
  streamAppendWords: changes("stream", "a", "b"),
  streamAppendBatch: changes("stream", "source", "count"),
  streamGet: reads("stream", "index", "out"),
  streamRead: reads("stream", "start", "count", "out"),
  streamLen: reads("stream"),
  streamPageCount: reads("stream"),
  arcStrongCount: reads("data"),
  arcWeakCount: reads("data"),
  arcSwapPageNew: changes("pageSlots"),
  arcSwapPageLoadFull: changes("swap"),
  arcSwapPageStore: changes("swap", "pageSlots", "pageNo"),
  arcSwapPageDrop: changes("swap"),
  pageRelease: changes("data"),
  indexTableBytesFor: reads("capacity", "tableKind"),
  indexTableControlBytesFor: reads("capacity", "tableKind"),
  hashbrownTableBytes: reads("capacity", "entryBytes"),
  indexNew: changes("indexer", "capacity", "variant", "pageSlots", "tableKind"),
  indexDrop: changes("index"),
  indexUpsert: changes("index", "a", "b"),
  indexGet: reads("index", "a", "b", "out"),
  indexLen: reads("index"),
  indexTableSlots: reads("index"),
  indexStreamAddress: reads("index"),
  indexValues: reads("index", "from", "out", "max", "written"),
  epochRegister: changes(),
  epochCurrent: changes(),
  epochUnregister: changes("local"),
  epochConfigure: changes("version"),
  epochPin: changes("local"),
  epochUnpin: changes("local"),
  epochFlush: changes("local"),
  epochDeferCount: changes("local", "counter", "captureBytes"),
  epochDeferFree: changes("local", "address"),
  epochDeferCountUnprotected: changes("counter"),
  epochNumber: reads("word"),
  epochWordPinned: reads("word"),
  epochGlobalEpoch: reads(),
  epochLocalEpoch: reads("local"),
  epochGuardCount: reads("local"),
  epochPinCount: reads("local"),
  epochBagLen: reads("local"),
  epochPending: reads("which"),
  epochQueuedBags: reads(),
  epochQueueSnapshot: reads("out", "max"),
};

/** The parameter names of export `name` (empty for one the table does not know: a newer module's). */
export function parameterNames(name: string): readonly string[] {
  return (RAW_EXPORTS as Record<string, ExportInfo<unknown> | undefined>)[name]?.params as readonly string[] | undefined ?? [];
}

export function changesState(name: string): boolean {
  return (RAW_EXPORTS as Record<string, { effect: Effect } | undefined>)[name]?.effect !== "reads";
}
