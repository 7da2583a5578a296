// Allocation sites: who asks the allocator for memory, and who gives it back.
//
// Every request and every free names a site, a small integer the ledger uses as an index. The names
// here are the Rust types whose storage the request models, so the ledger reads like the native
// program's heap. A site is either
//
//   RUST   a heap allocation the native program makes; its figures are what the Rust program's
//          allocator would be asked for, byte for byte, and they alone make the "Rust-visible" totals;
//   MODEL  storage the model needs that has no heap counterpart natively (a struct that lives inline
//          in its owner or on the stack, buffers the host uses to pass values in and out, tests).
//
// The host reads names and kinds from these functions, so this file is the only list of sites.

export const SITE_NONE: u32 = 0;
export const SITE_ARC_PAGE: u32 = 1;
export const SITE_PAGE_SLOTS: u32 = 2;
export const SITE_STREAM_PAGES: u32 = 3;
export const SITE_BOX_PAGE: u32 = 4;
export const SITE_ARC_GLOBAL: u32 = 5;
export const SITE_LOCAL: u32 = 6;
export const SITE_QUEUE_NODE: u32 = 7;
export const SITE_DEFERRED_BOX: u32 = 8;
export const SITE_INDEX_TABLE: u32 = 9;
export const SITE_STREAM_INLINE: u32 = 10;
export const SITE_INDEX_INLINE: u32 = 11;
export const SITE_ARC_SWAP_INLINE: u32 = 12;
export const SITE_HOST_BUFFER: u32 = 13;
export const SITE_TEST: u32 = 14;
export const SITE_STREAM_DIRECTORY: u32 = 15;
/** One past the highest site id in use. */
export const SITE_COUNT: u32 = 16;
/** Capacity of the ledger's site table; ids at or above it are rejected. */
export const MAX_SITES: u32 = 32;

export function siteName(site: u32): string {
  switch (site) {
    case SITE_ARC_PAGE: return "ArcInner<Page<V16>>";
    case SITE_PAGE_SLOTS: return "Page.slots: Box<[MaybeUninit<V16>]>";
    case SITE_STREAM_PAGES: return "SegmentedStream.pages: Vec<Arc<Page>> buffer";
    case SITE_BOX_PAGE: return "Box<Page<V16>> (Box::from_raw on active_page)";
    case SITE_ARC_GLOBAL: return "ArcInner<Global> (crossbeam-epoch collector)";
    case SITE_LOCAL: return "Local (crossbeam-epoch participant)";
    case SITE_QUEUE_NODE: return "Node<SealedBag> (epoch garbage queue)";
    case SITE_DEFERRED_BOX: return "Box<closure> (Deferred over 24 bytes)";
    case SITE_INDEX_TABLE: return "OptimisedIndex.table";
    case SITE_STREAM_INLINE: return "SegmentedStream (inline in its owner)";
    case SITE_INDEX_INLINE: return "OptimisedIndex (inline in its owner)";
    case SITE_ARC_SWAP_INLINE: return "ArcSwap<Page<V16>> (inline in its owner)";
    case SITE_HOST_BUFFER: return "host buffer";
    case SITE_TEST: return "test";
    case SITE_STREAM_DIRECTORY: return "SegmentedStream.directory";
  }
  return "none";
}

export function siteIsRust(site: u32): bool {
  return site >= SITE_ARC_PAGE && site <= SITE_INDEX_TABLE;
}
