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
//
// Call paths. Each site also carries the modelled Rust call path(s) that make its requests, outermost
// frame first, frames joined by " > " (derived from native/seed/src: index.rs, stream.rs, page.rs,
// policy.rs, and crossbeam-epoch 0.9.20). A site reached from several program points (Page.slots by
// SegmentedStream::new and by roll_over) has one path per point, numbered 0..sitePointCount-1. A
// request names its point in the site argument (pointOwner: the point in bits 10-11, which the
// block's owner word keeps, memory/block.ts), and the ledger counts such a site both as a whole (the
// site record, what every Rust-visible figure reads) and per point (pointRecordBase here, ledger.ts
// pointRecord: a record per point of each site with several), so a profile can say which path made
// which bytes.

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

/** Most program points one site may have (a bound for the path table's key; two bits of the owner word). */
const MAX_POINTS: u32 = 4;
/** Where a request's point sits in its site argument and in the block's owner word (block.ts POINT_MASK). */
export const POINT_SHIFT: u32 = 10;
/** The second program point of the sites that have two: a rollover, a bag pushed, a table grown. */
export const POINT_ROLL_OVER: u32 = 1;
export const POINT_PUSH_BAG: u32 = 1;
export const POINT_GROW: u32 = 1;

/** A site argument naming one of its program points (0 is the site's first and its default). */
// @ts-ignore: decorator
@inline export function pointOwner(site: u32, point: u32): u32 { return site | (point << POINT_SHIFT); }

/** The program point in a site argument or an owner word. */
// @ts-ignore: decorator
@inline export function pointOf(owner: u32): u32 { return (owner >> POINT_SHIFT) & (MAX_POINTS - 1); }

/** Records the ledger keeps per point (ledger.ts POINT_TABLE): every point of each site with several. */
export const POINT_RECORDS: u32 = 10;

/**
 * The index of the first point record of a site with several points, or -1 for a site with one
 * (its site record is its only point's). The sites with several take consecutive records.
 */
export function pointRecordBase(site: u32): i32 {
  switch (site) {
    case SITE_ARC_PAGE: return 0;
    case SITE_PAGE_SLOTS: return 2;
    case SITE_STREAM_PAGES: return 4;
    case SITE_QUEUE_NODE: return 6;
    case SITE_INDEX_TABLE: return 8;
  }
  return -1;
}

/** How many program points (call paths) make this site's requests; 0 for SITE_NONE. */
export function sitePointCount(site: u32): u32 {
  switch (site) {
    case SITE_ARC_PAGE: return 2;
    case SITE_PAGE_SLOTS: return 2;
    case SITE_STREAM_PAGES: return 2;
    case SITE_BOX_PAGE: return 1;
    case SITE_ARC_GLOBAL: return 1;
    case SITE_LOCAL: return 1;
    case SITE_QUEUE_NODE: return 2;
    case SITE_DEFERRED_BOX: return 1;
    case SITE_INDEX_TABLE: return 2;
    case SITE_STREAM_INLINE: return 1;
    case SITE_INDEX_INLINE: return 1;
    case SITE_ARC_SWAP_INLINE: return 1;
    case SITE_HOST_BUFFER: return 1;
    case SITE_TEST: return 1;
    case SITE_STREAM_DIRECTORY: return 1;
  }
  return 0;
}

/**
 * The call path of one program point of a site, outermost frame first, frames joined by " > ";
 * "" past the last point. Whole literals, not concatenations: the library makes no managed allocation.
 */
export function siteCallPath(site: u32, point: u32): string {
  if (point >= sitePointCount(site)) return "";
  switch (site * MAX_POINTS + point) {
    case SITE_ARC_PAGE * MAX_POINTS + 0: return "OptimisedIndex::new_with_indexer_and_capacity > OptimisedIndex::with_table > SegmentedStream::new > Arc::from";
    case SITE_ARC_PAGE * MAX_POINTS + 1: return "OptimisedIndex::upsert > SegmentedStream::append > SegmentedStream::roll_over > Arc::from";
    case SITE_PAGE_SLOTS * MAX_POINTS + 0: return "OptimisedIndex::new_with_indexer_and_capacity > OptimisedIndex::with_table > SegmentedStream::new > Page::new > Vec::with_capacity";
    case SITE_PAGE_SLOTS * MAX_POINTS + 1: return "OptimisedIndex::upsert > SegmentedStream::append > SegmentedStream::roll_over > Page::new > Vec::with_capacity";
    case SITE_STREAM_PAGES * MAX_POINTS + 0: return "OptimisedIndex::new_with_indexer_and_capacity > OptimisedIndex::with_table > SegmentedStream::new > Vec::push";
    case SITE_STREAM_PAGES * MAX_POINTS + 1: return "OptimisedIndex::upsert > SegmentedStream::append > SegmentedStream::roll_over > Vec::push";
    case SITE_BOX_PAGE * MAX_POINTS + 0: return "drop_in_place<OptimisedIndex> > <SegmentedStream as Drop>::drop > <BoxDrop as ActivePolicy>::on_drop > drop::<Box<Page<V16>>>";
    case SITE_ARC_GLOBAL * MAX_POINTS + 0: return "OptimisedIndex::upsert > SegmentedStream::append > SegmentedStream::roll_over > <EpochDefer as ActivePolicy>::retire > crossbeam_epoch::pin > default_collector().register > Collector::new > Arc::new";
    case SITE_LOCAL * MAX_POINTS + 0: return "OptimisedIndex::upsert > SegmentedStream::append > SegmentedStream::roll_over > <EpochDefer as ActivePolicy>::retire > crossbeam_epoch::pin > default_collector().register > Local::register > Owned::new";
    case SITE_QUEUE_NODE * MAX_POINTS + 0: return "OptimisedIndex::upsert > SegmentedStream::append > SegmentedStream::roll_over > <EpochDefer as ActivePolicy>::retire > crossbeam_epoch::pin > default_collector().register > Collector::new > Queue::new > Owned::new";
    case SITE_QUEUE_NODE * MAX_POINTS + 1: return "OptimisedIndex::upsert > SegmentedStream::append > SegmentedStream::roll_over > <EpochDefer as ActivePolicy>::retire > Guard::defer_unchecked > Local::defer > Global::push_bag > Queue::push > Owned::new";
    case SITE_DEFERRED_BOX * MAX_POINTS + 0: return "OptimisedIndex::upsert > SegmentedStream::append > SegmentedStream::roll_over > <EpochDefer as ActivePolicy>::retire > Guard::defer_unchecked > Local::defer > Deferred::new > Box::new";
    case SITE_INDEX_TABLE * MAX_POINTS + 0: return "OptimisedIndex::new_with_indexer_and_capacity > OptimisedIndex::with_table > Table::new";
    case SITE_INDEX_TABLE * MAX_POINTS + 1: return "OptimisedIndex::upsert > grow > Table::new";
    case SITE_STREAM_INLINE * MAX_POINTS + 0: return "(model) streamNew: SegmentedStream, inline in its owner natively";
    case SITE_INDEX_INLINE * MAX_POINTS + 0: return "(model) indexNew: OptimisedIndex, inline in its owner natively";
    case SITE_ARC_SWAP_INLINE * MAX_POINTS + 0: return "(model) ArcSwap<Page<V16>>, inline in its owner natively";
    case SITE_HOST_BUFFER * MAX_POINTS + 0: return "(model) host > hostBufferAlloc";
    case SITE_TEST * MAX_POINTS + 0: return "(model) test";
    case SITE_STREAM_DIRECTORY * MAX_POINTS + 0: return "(model) SegmentedStream page directory";
  }
  return "";
}

export function siteIsRust(site: u32): bool {
  return site >= SITE_ARC_PAGE && site <= SITE_INDEX_TABLE;
}
