// runProbe: what N create/drop cycles retain, per variant, to the byte.
//
// Expected figures come from the x86-64 Rust layouts in ../shared/reference/rust-original.md
// ("Layouts on x86-64", restated in rust-reference.ts) and from what each variant's Drop does (assembly/stream/variant.ts):
//   Page<V16>                    40 bytes
//   ArcInner<Page<V16>>          16 (strong + weak counts) + 40 = 56 bytes
//   slot array of n V16s         16 n bytes (Box<[MaybeUninit<V16>]>, a separate allocation)
//   Vec<Arc<Page>> buffer        8 x capacity; the first non-zero capacity is 4, so 32 bytes
// SegmentedStream::new makes three Rust allocations (slots, ArcInner, Vec buffer); the stream
// struct itself lives inline in its owner natively, so it is not a Rust allocation.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runProbe, STREAM_VARIANTS, type ProbeResult } from "../src/index.js";
import { ARC_HEADER, ARC_PAGE, VEC_FIRST, SITE, slotArray } from "./rust-reference.js";

/** The four variants this file's figures are about (the list may grow; each new one brings its own tests). */
const VARIANTS = ["as-written", "explicit-drop", "box-drop", "mock"] as const;
type Variant = (typeof VARIANTS)[number];

const RUST_REQUESTS_PER_NEW = 3; // slots, ArcInner, Vec buffer
/** One page as the heap sees it: its ArcInner and its slot array, two blocks. */
const pageBytes = (slots: number) => ARC_PAGE + slotArray(slots);

const INSTANCES = 20_000;

function siteOf(r: ProbeResult, name: string) {
  return r.sites.find((s) => s.name === name) ?? { name, rust: true, requests: 0, requestedBytes: 0, liveBytes: 0, liveBlocks: 0, callPaths: [] };
}

const results = new Map<string, ProbeResult>();
function probe(variant: Variant, pageSlots = 64, appends = 0): ProbeResult {
  const key = `${variant}/${pageSlots}/${appends}`;
  let r = results.get(key);
  if (!r) {
    r = runProbe({ variant, instances: INSTANCES, pageSlots, appends });
    results.set(key, r);
  }
  return r;
}

test("as-written retains one whole page per instance: ArcInner + slot array, 2 blocks", () => {
  const r = probe("as-written");
  const perInstance = pageBytes(64); // (16 + 40) + 64 * 16
  assert.equal(r.variant, "as-written");
  assert.equal(r.instances, INSTANCES);
  assert.equal(r.pageSlots, 64);
  assert.equal(r.retainedBytesPerInstance, perInstance);
  assert.equal(r.retainedBlocksPerInstance, 2);
  assert.equal(r.liveBytes, INSTANCES * perInstance);
  assert.equal(r.liveBlocks, 2 * INSTANCES);
  assert.equal(siteOf(r, SITE.arc).liveBytes, INSTANCES * ARC_PAGE);
  assert.equal(siteOf(r, SITE.arc).liveBlocks, INSTANCES);
  assert.equal(siteOf(r, SITE.slots).liveBytes, INSTANCES * slotArray(64));
  assert.equal(siteOf(r, SITE.vec).liveBytes, 0, "the Vec buffer is freed");
  assert.equal(r.invalidFrees, 0);
  assert.equal(r.doubleFrees, 0);
  // Everything retained stays live, so the peak is all earlier instances' leak plus one live stream.
  assert.equal(r.peakBytes, (INSTANCES - 1) * perInstance + ARC_PAGE + slotArray(64) + VEC_FIRST);
});

for (const variant of ["explicit-drop", "mock"] as const) {
  test(`${variant} retains nothing`, () => {
    const r = probe(variant);
    assert.equal(r.liveBytes, 0);
    assert.equal(r.liveBlocks, 0);
    assert.equal(r.retainedBytesPerInstance, 0);
    assert.equal(r.liveBlockBytes, 0);
    for (const s of r.sites) assert.equal(s.liveBytes, 0, `${s.name} gives everything back`);
    assert.equal(r.invalidFrees + r.doubleFrees, 0);
    // One instance at a time: the peak is one live stream's allocations.
    assert.equal(r.peakBytes, ARC_PAGE + slotArray(64) + VEC_FIRST);
  });
}

test("box-drop: one invalid free per instance, 16 bytes into a live ArcInner<Page<V16>>; retains the ArcInner", () => {
  const r = probe("box-drop");
  assert.equal(r.invalidFrees, INSTANCES, "exactly one invalid free per instance");
  assert.equal(r.doubleFrees, 0);
  assert.ok(r.badFrees.length > 0, "samples of the bad frees");
  for (const f of r.badFrees) {
    assert.equal(f.kind, "invalid");
    assert.equal(f.blockSite, SITE.arc);
    assert.equal(f.offset, ARC_HEADER, "Arc::into_raw's pointer is 16 bytes past the allocation");
    assert.equal(f.address - f.blockAddress, ARC_HEADER);
    assert.equal(f.freeingSite, SITE.boxPage);
  }
  // The Box drop freed the slot array (drop_in_place of the Page); the ArcInner keeps the strong
  // count the clone gave it, so it is never freed. The bad free itself changed nothing.
  assert.equal(r.retainedBytesPerInstance, ARC_PAGE);
  assert.equal(r.retainedBlocksPerInstance, 1);
  assert.equal(siteOf(r, SITE.arc).liveBlocks, INSTANCES, "every instance's ArcInner is still a live block");
  assert.equal(siteOf(r, SITE.slots).liveBytes, 0);
});

test("box-drop: every logged bad free hit a live ArcInner block, 16 bytes in", async () => {
  // runProbe keeps only a few samples: read the ledger's own ring (the last 256 bad frees).
  const { Lab, SegmentedStream } = await import("../src/index.js");
  const lab = Lab.create();
  const n = 1000;
  for (let i = 0; i < n; i++) SegmentedStream.create(lab, { variant: "box-drop" }).drop();
  const l = lab.ledger();
  assert.equal(l.invalidFrees, n);
  assert.equal(l.badFrees.length, Math.min(n, lab.raw.badFreeLogCapacity()));
  for (const f of l.badFrees) {
    assert.equal(f.kind, "invalid");
    assert.equal(f.blockSite, SITE.arc);
    assert.equal(f.offset, ARC_HEADER);
    // heap.ts: a live block is the request plus a 16-byte header, rounded up to 16 bytes
    assert.equal(lab.raw.heapBlockSize(f.blockAddress), Math.ceil((ARC_PAGE + 16) / 16) * 16, "the ArcInner block is live");
    assert.equal(lab.raw.arcStrongCount(f.address), 1, "strong count left by the clone that was never given back");
  }
});

test("requests per instance: 3 Rust allocations with no appends, for every variant", () => {
  for (const variant of VARIANTS) {
    assert.ok((STREAM_VARIANTS as readonly string[]).includes(variant), `${variant} is a known variant`);
    const r = probe(variant);
    assert.equal(r.requestsPerInstance, RUST_REQUESTS_PER_NEW, variant);
    assert.equal(r.requests, RUST_REQUESTS_PER_NEW * INSTANCES);
    assert.equal(r.requestedBytes, INSTANCES * (ARC_PAGE + slotArray(64) + VEC_FIRST));
    assert.equal(r.largestRequest, slotArray(64), "the slot array is the largest request");
    assert.equal(siteOf(r, SITE.arc).requests, INSTANCES);
    assert.equal(siteOf(r, SITE.slots).requests, INSTANCES);
    assert.equal(siteOf(r, SITE.vec).requests, INSTANCES);
  }
});

test("with 65 appends (2 pages): as-written retains both pages, explicit-drop nothing", () => {
  const appends = 65; // one more than a 64-slot page holds: a rollover to a second page
  const written = probe("as-written", 64, appends);
  assert.equal(written.appends, appends);
  assert.equal(written.retainedBytesPerInstance, 2 * pageBytes(64));
  assert.equal(written.retainedBlocksPerInstance, 4);
  // the rollover makes a second page (slots + ArcInner); the Vec's capacity 4 holds both pointers
  assert.equal(written.requestsPerInstance, RUST_REQUESTS_PER_NEW + 2);
  const correct = probe("explicit-drop", 64, appends);
  assert.equal(correct.retainedBytesPerInstance, 0);
  assert.equal(correct.liveBytes, 0);
  assert.equal(correct.requestsPerInstance, RUST_REQUESTS_PER_NEW + 2);
  const mock = probe("mock", 64, appends);
  assert.equal(mock.liveBytes, 0);
});

test("pageSlots 128 doubles the slot-array part of what as-written retains", () => {
  const r64 = probe("as-written", 64);
  const r128 = probe("as-written", 128);
  assert.equal(r128.pageSlots, 128);
  const slots64 = siteOf(r64, SITE.slots).liveBytes / INSTANCES;
  const slots128 = siteOf(r128, SITE.slots).liveBytes / INSTANCES;
  assert.equal(slots64, slotArray(64));
  assert.equal(slots128, 2 * slots64);
  assert.equal(siteOf(r128, SITE.arc).liveBytes, siteOf(r64, SITE.arc).liveBytes, "the ArcInner part is unchanged");
  assert.equal(r128.retainedBytesPerInstance, ARC_PAGE + slotArray(128));
  assert.equal(r128.largestRequest, slotArray(128));
});

test("a probe with zero instances reports zeros, not NaN", () => {
  const r = runProbe({ variant: "as-written", instances: 0 });
  assert.equal(r.liveBytes, 0);
  assert.equal(r.retainedBytesPerInstance, 0);
  assert.equal(r.requestsPerInstance, 0);
});
