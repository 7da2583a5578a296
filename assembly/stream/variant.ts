// How a SegmentedStream gives back the Arc reference that `active_page` holds.
//
// The seed's constructor clones the first page's Arc, turns the clone into a raw pointer with
// `Arc::into_raw`, and stores it in a crossbeam-epoch `Atomic<Page>` as if it were a Box. The Vec
// holds the other reference. Who gives the raw one back is the whole question:
//
//   AS_WRITTEN     the seed's code: no Drop, and `Atomic` has no Drop either, so the reference is
//                  never given back. Each page that was ever active keeps strong = 1 after the
//                  Vec drops: its ArcInner and its slot array stay allocated forever.
//   EXPLICIT_DROP  the correct Drop: `Arc::from_raw(active_page)` dropped, and at each rollover the
//                  previous active page's reference is given back the same way.
//   BOX_DROP       the tempting wrong Drop: `Box::from_raw(active_page)` dropped. That drops the
//                  Page in place (freeing its slot array) and then frees the data pointer, 16 bytes
//                  into the ArcInner: an invalid free, caught and recorded by memory/heap.ts.
//   MOCK           MockSegmentedStream: no `active_page` at all; the active page is the Vec's last.
//   EPOCH_DEFERRED the epoch-correct Drop: pin, swap `active_page` out, and defer the Arc release
//                  to the collector (rollovers defer the old page's reference the same way).
//   ARCSWAP        `active_page` is an `ArcSwap<Page>` (sync/arc_swap.ts): rollovers and Drop give
//                  the old reference back at once.

export const VARIANT_AS_WRITTEN: u32 = 0;
export const VARIANT_EXPLICIT_DROP: u32 = 1;
export const VARIANT_BOX_DROP: u32 = 2;
export const VARIANT_MOCK: u32 = 3;
export const VARIANT_EPOCH_DEFERRED: u32 = 4;
export const VARIANT_ARCSWAP: u32 = 5;
/** One past the last variant. */
export const VARIANT_COUNT: u32 = 6;

/** The host's name for a variant (src/stream/variants.ts lists them in this order). */
export function variantName(variant: u32): string {
  switch (variant) {
    case VARIANT_AS_WRITTEN: return "as-written";
    case VARIANT_EXPLICIT_DROP: return "explicit-drop";
    case VARIANT_BOX_DROP: return "box-drop";
    case VARIANT_MOCK: return "mock";
    case VARIANT_EPOCH_DEFERRED: return "epoch-deferred";
    case VARIANT_ARCSWAP: return "arcswap";
  }
  return "";
}
