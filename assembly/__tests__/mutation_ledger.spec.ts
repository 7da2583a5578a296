// Tests added by the mutation pass (issue 9 item 6): ledger figures the other specs let drift.

import { heapAlloc, heapFree, FREED } from "../memory/heap";
import {
  siteRecord, L_RUST, L_PEAK_EVENT, L_EVENTS, R_LIVE_BYTES, R_PEAK_LIVE_BYTES, R_BYTES_AT_PEAK, R_BLOCKS_AT_PEAK,
  R_LIVE_BLOCKS, R_PEAK_LIVE_BLOCKS, settlePeak
} from "../memory/ledger";
import { SITE_ARC_PAGE, SITE_PAGE_SLOTS, SITE_HOST_BUFFER } from "../memory/sites";
import { startHeap } from "./helpers";

beforeAll(() => {
  startHeap();
});

describe("mutation pass: the Rust peak snapshot", () => {
  // ledger.ts takes the snapshot lazily: a run of peak-raising allocations copies it once, when
  // something else changes the records; what it holds is the last peak's state.
  it("a run of new peaks leaves one snapshot, of the last peak, taken before the free that ends it", () => {
    const a = heapAlloc(SITE_ARC_PAGE, load<u64>(L_RUST + R_PEAK_LIVE_BYTES) - load<u64>(L_RUST + R_LIVE_BYTES) + 64, 16, false);
    const b = heapAlloc(SITE_PAGE_SLOTS, 4096, 16, false);
    const peakEvent = load<u64>(L_EVENTS);
    const slotsLive = load<u64>(siteRecord(SITE_PAGE_SLOTS) + R_LIVE_BYTES);
    const arcLive = load<u64>(siteRecord(SITE_ARC_PAGE) + R_LIVE_BYTES);
    expect<u64>(load<u64>(L_PEAK_EVENT)).toBe(peakEvent, "the second allocation is the peak");
    expect<u32>(heapFree(b, SITE_PAGE_SLOTS)).toBe(FREED); // the free first copies the pending snapshot
    expect<u64>(load<u64>(siteRecord(SITE_PAGE_SLOTS) + R_BYTES_AT_PEAK)).toBe(slotsLive, "Page.slots as at the peak, before the free");
    expect<u64>(load<u64>(siteRecord(SITE_ARC_PAGE) + R_BYTES_AT_PEAK)).toBe(arcLive);
    heapFree(a, SITE_ARC_PAGE);
    expect<u64>(load<u64>(siteRecord(SITE_PAGE_SLOTS) + R_BYTES_AT_PEAK)).toBe(slotsLive, "later frees leave it");
  });

  // ledger.ts addLive: only a new high raises the peak; equalling it is no new peak, so the
  // snapshot of every site's live figures (DHAT's t-gmax) stays at the first time it was reached.
  it("equalling the Rust peak later does not move the snapshot", () => {
    const live0 = load<u64>(L_RUST + R_LIVE_BYTES);
    const peak0 = load<u64>(L_RUST + R_PEAK_LIVE_BYTES);
    const bytes = peak0 - live0 + 1000;
    const x = heapAlloc(SITE_ARC_PAGE, bytes, 16, false);
    expect<usize>(x).not.toBe(0);
    const event = load<u64>(L_EVENTS);
    expect<u64>(load<u64>(L_PEAK_EVENT)).toBe(event, "a new peak: snapshot at this alloc");
    expect<u64>(load<u64>(L_RUST + R_PEAK_LIVE_BYTES)).toBe(peak0 + 1000);
    settlePeak(); // what a reader sees (heapLock takes the pending snapshot)
    const xAtPeak = load<u64>(siteRecord(SITE_ARC_PAGE) + R_BYTES_AT_PEAK);
    const yAtPeak = load<u64>(siteRecord(SITE_PAGE_SLOTS) + R_BYTES_AT_PEAK);
    const yBlocksAtPeak = load<u64>(siteRecord(SITE_PAGE_SLOTS) + R_BLOCKS_AT_PEAK);
    expect<u32>(heapFree(x, SITE_ARC_PAGE)).toBe(FREED);
    const y = heapAlloc(SITE_PAGE_SLOTS, bytes, 16, false); // the Rust total is back at the peak, no higher
    expect<usize>(y).not.toBe(0);
    expect<u64>(load<u64>(L_RUST + R_LIVE_BYTES)).toBe(peak0 + 1000);
    expect<u64>(load<u64>(L_PEAK_EVENT)).toBe(event, "equal is no new peak");
    settlePeak();
    expect<u64>(load<u64>(siteRecord(SITE_ARC_PAGE) + R_BYTES_AT_PEAK)).toBe(xAtPeak);
    expect<u64>(load<u64>(siteRecord(SITE_PAGE_SLOTS) + R_BYTES_AT_PEAK)).toBe(yAtPeak);
    expect<u64>(load<u64>(siteRecord(SITE_PAGE_SLOTS) + R_BLOCKS_AT_PEAK)).toBe(yBlocksAtPeak);
    heapFree(y, SITE_PAGE_SLOTS);
  });
});

describe("mutation pass: peak live blocks", () => {
  // ledger.ts addLive: a site's peak live block count follows its live block count up, never down.
  it("a site's peak live blocks is the most blocks it held at once", () => {
    const record = siteRecord(SITE_HOST_BUFFER);
    const live0 = load<u64>(record + R_LIVE_BLOCKS);
    const peak0 = load<u64>(record + R_PEAK_LIVE_BLOCKS);
    expect<u64>(peak0).toBe(live0, "nothing of this site freed yet");
    const a = heapAlloc(SITE_HOST_BUFFER, 40, 16, false);
    const b = heapAlloc(SITE_HOST_BUFFER, 40, 16, false);
    const c = heapAlloc(SITE_HOST_BUFFER, 40, 16, false);
    expect<u64>(load<u64>(record + R_PEAK_LIVE_BLOCKS)).toBe(peak0 + 3);
    heapFree(a, SITE_HOST_BUFFER);
    heapFree(b, SITE_HOST_BUFFER);
    const d = heapAlloc(SITE_HOST_BUFFER, 40, 16, false);
    expect<u64>(load<u64>(record + R_LIVE_BLOCKS)).toBe(live0 + 2);
    expect<u64>(load<u64>(record + R_PEAK_LIVE_BLOCKS)).toBe(peak0 + 3, "not lowered by the frees");
    heapFree(c, SITE_HOST_BUFFER);
    heapFree(d, SITE_HOST_BUFFER);
  });
});
