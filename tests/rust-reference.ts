// The Rust program's heap as the tests expect it, stated once for every test file. The figures
// restate the rules of ../shared/reference/rust-original.md ("Layouts on x86-64", and glibc malloc)
// and are deliberately not imported from src/ or assembly/: they are the oracle the model's own
// figures (src/, assembly/memory/footprint.ts) are checked against.

/** V16: 16 bytes. */
export const V16 = 16;
/** Page<V16>: 40 bytes. */
export const PAGE_V16 = 40;
/** ArcInner<T>: the strong and weak counts (8 + 8), then T. */
export const ARC_HEADER = 16;
/** ArcInner<Page<V16>>: 56 bytes. */
export const ARC_PAGE = ARC_HEADER + PAGE_V16;
/** Vec<Arc<Page>>'s buffer at its first non-zero capacity: 4 pointers of 8 bytes. */
export const VEC_FIRST = 4 * 8;
/** A page's slot array (Box<[MaybeUninit<V16>]>, an allocation of its own) of `slots` V16s. */
export const slotArray = (slots: number): number => slots * V16;

/**
 * glibc malloc's footprint of a request on x86-64: request2size (request + 8 rounded up to 16, at
 * least 32), and from the 128 KiB mmap threshold up, the chunk + 8 mapped in whole 4 KiB pages.
 */
export function glibcChunk(request: number): number {
  const chunk = Math.max(32, Math.ceil((request + 8) / 16) * 16);
  return chunk < 128 * 1024 ? chunk : Math.ceil((chunk + 8) / 4096) * 4096;
}

/** The Rust allocation sites of streams and indexes, by the names the ledger reports them under. */
export const SITE = {
  arc: "ArcInner<Page<V16>>",
  slots: "Page.slots: Box<[MaybeUninit<V16>]>",
  vec: "SegmentedStream.pages: Vec<Arc<Page>> buffer",
  boxPage: "Box<Page<V16>> (Box::from_raw on active_page)",
  table: "OptimisedIndex.table",
  inline: "SegmentedStream (inline in its owner)",
} as const;

/** The Rust allocation sites of crossbeam-epoch's collector. */
export const EPOCH_SITE = {
  node: "Node<SealedBag> (epoch garbage queue)",
  local: "Local (crossbeam-epoch participant)",
  global: "ArcInner<Global> (crossbeam-epoch collector)",
  box: "Box<closure> (Deferred over 24 bytes)",
} as const;
