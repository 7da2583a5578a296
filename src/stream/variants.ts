// The stream variants by name, in the order assembly/stream/variant.ts numbers them.

export const STREAM_VARIANTS = ["as-written", "explicit-drop", "box-drop", "mock", "epoch-deferred", "arcswap"] as const;
export type StreamVariant = (typeof STREAM_VARIANTS)[number];

/** One line on what each variant does with `active_page`'s Arc reference. */
export const VARIANT_SUMMARY: Record<StreamVariant, string> = {
  "as-written": "the seed's code: nothing gives active_page's Arc reference back (Atomic has no Drop)",
  "explicit-drop": "correct Drop: Arc::from_raw(active_page) gives the reference back",
  "box-drop": "wrong Drop: Box::from_raw(active_page) frees an address 16 bytes into the ArcInner",
  mock: "MockSegmentedStream: no active_page field at all",
  "epoch-deferred": "epoch Drop: pin, swap active_page out, defer the Arc release to the collector",
  arcswap: "active_page is an ArcSwap<Page>: its reference is given back at once",
};
