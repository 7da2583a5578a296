// The module's exports as the host sees them: types only, a leaf every other module may import.
// tests/raw-exports.test.ts checks every member against the declarations asc writes for the module
// (build/segstream.d.ts: names, parameter names, void results).

/** The raw exports: see assembly/index.ts for what each one does. Pointers are u32 (apply `>>> 0`). */
export interface RawExports {
  memory: WebAssembly.Memory;
  heapInit(): number;
  abiError(): number;
  abiErrorValue(): number;
  abiErrorCount(): number;
  abiErrorName(code: number): number;
  enumCount(e: number): number;
  enumName(e: number, value: number): number;
  layoutCount(): number;
  layoutName(field: number): number;
  layoutOffset(field: number): number;
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
  heapThreadDetach(): void;
  heapCachedBytes(): number;
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
  sitePointCount(site: number): number;
  siteCallPath(site: number, point: number): number;
  sitePointRecord(site: number, point: number): number;
  streamNew(variant: number, pageSlots: number): number;
  streamDrop(stream: number): number;
  streamAppend(stream: number, a: number, b: number): number;
  streamAppendWords(stream: number, a: bigint, b: bigint): number;
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
  epochDeferFree(local: number, address: number): number;
  epochDeferCountUnprotected(counter: number): void;
  epochNumber(word: number): number;
  epochWordPinned(word: number): number;
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
