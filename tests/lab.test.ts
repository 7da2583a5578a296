// The Lab API: allocation and free through the checked heap, the ledger's figures, the footprint
// limit, growth policies, argument checking and bad frees.
//
// Block arithmetic comes from the block layout documented at the top of assembly/memory/block.ts:
// a 16-byte header before every payload, block sizes a multiple of 16 (payload 16-aligned), and no
// block smaller than MIN_BLOCK = 32 (header + two list links + footer of a free block). The heap
// grows linear memory in 64 KiB wasm pages; a region ends in a 16-byte tail sentinel.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Lab, AllocationFailedError, LabClosedError, SegmentedStream, type LedgerSnapshot, type SiteFigures } from "../src/index.js";
import { SITE } from "./rust-reference.js";
import { TrackedStructures } from "../src/memory/tracked.js";

const HEADER = 16; // block.ts: block header
const GRANULE = 16; // block.ts: AL_SIZE, block sizes are multiples of it
const MIN_BLOCK = 32; // block.ts: MIN_BLOCK
const WASM_PAGE = 65536; // the wasm page size
const INITIAL_PAGES = 2; // asconfig.json initialMemory (src/wasm/module.ts INITIAL_PAGES)

/** Block bytes the heap uses for a request of `bytes` (block.ts blockSizeFor). */
function blockSize(bytes: number): number {
  return Math.max(MIN_BLOCK, Math.ceil((bytes + HEADER) / GRANULE) * GRANULE);
}

function site(snapshot: LedgerSnapshot, name: string): SiteFigures {
  const found = snapshot.sites.find((s) => s.name === name);
  assert.ok(found, `site ${name} in the ledger`);
  return found;
}

/** Every live/accounting figure of the ledger, to compare "nothing changed". */
function liveFigures(snapshot: LedgerSnapshot) {
  const pick = (f: { requests: number; requestedBytes: number; blockBytes: number; liveBytes: number; liveBlocks: number; liveBlockBytes: number; frees: number }) =>
    ({ requests: f.requests, requestedBytes: f.requestedBytes, blockBytes: f.blockBytes, liveBytes: f.liveBytes, liveBlocks: f.liveBlocks, liveBlockBytes: f.liveBlockBytes, frees: f.frees });
  return { all: pick(snapshot.all), rust: pick(snapshot.rust), sites: snapshot.sites.map(pick), footprint: snapshot.heap.footprintBytes };
}

test("alloc/free round trip: ledger deltas of requested and block bytes", () => {
  const lab = Lab.create();
  const sizes = [0, 1, 15, 16, 17, 31, 32, 100, 1000, 4096, 65536, 100_000];
  const blocks: { address: number; bytes: number }[] = [];
  for (const bytes of sizes) {
    const before = lab.ledger();
    const address = lab.alloc("test", bytes);
    const after = lab.ledger();
    assert.equal(address % GRANULE, 0, `payload of ${bytes} is 16-aligned`);
    const t0 = site(before, "test");
    const t1 = site(after, "test");
    assert.equal(t1.requests - t0.requests, 1, `requests +1 for ${bytes}`);
    assert.equal(t1.requestedBytes - t0.requestedBytes, bytes, `requestedBytes +${bytes}`);
    assert.equal(t1.blockBytes - t0.blockBytes, blockSize(bytes), `blockBytes for ${bytes}`);
    assert.equal(t1.liveBytes - t0.liveBytes, bytes);
    assert.equal(t1.liveBlocks - t0.liveBlocks, 1);
    assert.equal(t1.liveBlockBytes - t0.liveBlockBytes, blockSize(bytes));
    assert.equal(after.all.liveBytes - before.all.liveBytes, bytes, "all-sites total follows");
    assert.equal(after.rust.requests, before.rust.requests, "the test site is a MODEL site: Rust totals untouched");
    assert.equal(lab.raw.heapBlockSize(address), blockSize(bytes), "heapBlockSize agrees");
    blocks.push({ address, bytes });
  }
  // Live blocks never overlap, and each holds what was written to it.
  const sorted = [...blocks].sort((x, y) => x.address - y.address);
  for (let i = 1; i < sorted.length; i++) {
    // block i-1 spans [address - HEADER, address - HEADER + blockSize): it must end where block i's header starts or before
    assert.ok(sorted[i - 1].address + blockSize(sorted[i - 1].bytes) <= sorted[i].address,
      `blocks at ${sorted[i - 1].address} and ${sorted[i].address} overlap`);
  }
  blocks.forEach((b, k) => lab.bytes().fill(k + 1, b.address, b.address + b.bytes));
  blocks.forEach((b, k) => {
    const mem = lab.bytes();
    for (let i = b.address; i < b.address + b.bytes; i++) if (mem[i] !== k + 1) assert.fail(`byte ${i} of block ${k} was overwritten`);
  });
  const peak = site(lab.ledger(), "test").liveBytes;
  assert.equal(peak, sizes.reduce((a, b) => a + b, 0));

  for (const { address, bytes } of blocks) {
    const before = site(lab.ledger(), "test");
    assert.equal(lab.free(address, "test"), "freed");
    const after = site(lab.ledger(), "test");
    assert.equal(before.liveBytes - after.liveBytes, bytes);
    assert.equal(before.liveBlockBytes - after.liveBlockBytes, blockSize(bytes));
    assert.equal(after.frees - before.frees, 1);
  }
  const end = lab.ledger();
  const t = site(end, "test");
  assert.equal(t.liveBytes, 0);
  assert.equal(t.liveBlocks, 0);
  assert.equal(t.liveBlockBytes, 0);
  assert.equal(t.requests, sizes.length);
  assert.equal(t.frees, sizes.length);
  assert.equal(t.peakLiveBytes, peak);
  assert.equal(t.largestRequest, Math.max(...sizes));
  assert.equal(end.invalidFrees + end.doubleFrees, 0);
});

test("freed memory is reused: same-size alloc after free takes the same block", () => {
  const lab = Lab.create();
  const a = lab.alloc("test", 200);
  lab.free(a, "test");
  const footprint = lab.ledger().heap.footprintBytes;
  const b = lab.alloc("test", 200);
  assert.equal(b, a, "TLSF takes the coalesced block's start again");
  assert.equal(lab.ledger().heap.footprintBytes, footprint, "no growth for a reused block");
  lab.free(b, "test");
});

test("zeroed allocation returns zeros even over a dirtied, reused block", () => {
  // The dirtied block must stay dirty once freed: between two live neighbours it merges with
  // nothing (beside a zero free block, the merge would wipe it and the request would be served
  // from ZERO memory, never taking the fill this test is about). 200 bytes: a block of 224, below
  // 256, where each bin holds one block size, so the next request of that size takes this block.
  const lab = Lab.create();
  const left = lab.alloc("test", 200);
  const a = lab.alloc("test", 200);
  const right = lab.alloc("test", 200);
  assert.equal(a, left + blockSize(200), "a right after its left neighbour");
  assert.equal(right, a + blockSize(200), "a right before its right neighbour");
  lab.bytes().fill(0xab, a, a + 200);
  lab.free(a, "test");
  const b = lab.alloc("test", 200, { zeroed: true });
  assert.equal(b, a, "the dirtied block is the one reused");
  assert.ok(lab.bytes().subarray(b, b + blockSize(200) - HEADER).every((x) => x === 0), "zeroed payload, slack included");
  for (const p of [b, left, right]) lab.free(p, "test");
});

test("align 128 (and the maximum, 64 KiB): aligned payloads, exact ledger, all freed", () => {
  const lab = Lab.create();
  const live: { address: number; bytes: number }[] = [];
  for (let i = 0; i < 64; i++) {
    const bytes = 1 + ((i * 37) % 300);
    const address = lab.alloc("test", bytes, { align: 128 });
    assert.equal(address % 128, 0, `align 128 for request ${i} (${bytes} bytes) at ${address}`);
    live.push({ address, bytes });
    if (i % 3 === 2) {
      // free one in the middle to make holes the next aligned request must carve around
      const [gone] = live.splice(live.length - 2, 1);
      assert.equal(lab.free(gone.address, "test"), "freed");
    }
  }
  const big = lab.alloc("test", 1000, { align: WASM_PAGE });
  assert.equal(big % WASM_PAGE, 0, "align 65536");
  live.push({ address: big, bytes: 1000 });
  const t = site(lab.ledger(), "test");
  assert.equal(t.liveBytes, live.reduce((s, b) => s + b.bytes, 0));
  assert.equal(t.liveBlocks, live.length);
  // An aligned block is blockSize(bytes), the padding before it going back as a free block; like
  // any block it may keep one spare 16-byte granule when the tail left is too small to be a block.
  for (const b of live) {
    const actual = lab.raw.heapBlockSize(b.address);
    assert.ok(actual === blockSize(b.bytes) || actual === blockSize(b.bytes) + GRANULE, `block of ${b.bytes} is ${actual}`);
  }
  assert.equal(t.liveBlockBytes, live.reduce((s, b) => s + lab.raw.heapBlockSize(b.address), 0));
  const sorted = [...live].sort((x, y) => x.address - y.address);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1].address + sorted[i - 1].bytes <= sorted[i].address, "no overlap");
  for (const b of live) assert.equal(lab.free(b.address, "test"), "freed");
  const end = site(lab.ledger(), "test");
  assert.equal(end.liveBytes, 0);
  assert.equal(end.liveBlockBytes, 0);
});

test("limitBytes: a refused request throws AllocationFailedError with its failure record, and the lab stays usable", () => {
  const limit = 2 * WASM_PAGE;
  const lab = Lab.create({ limitBytes: limit });
  assert.equal(lab.ledger().heap.limitBytes, limit);
  const kept = lab.alloc("test", 1000);
  const before = lab.ledger();
  const tooMuch = 3 * WASM_PAGE; // more than the whole limit: no growth can serve it
  let error: unknown;
  assert.throws(() => lab.alloc("test", tooMuch), (e) => { error = e; return e instanceof AllocationFailedError; });
  const failure = (error as AllocationFailedError).failure;
  assert.ok(failure, "the error carries the failure record");
  assert.equal(failure.siteName, "test");
  assert.equal(failure.bytes, tooMuch);
  assert.equal(failure.reason, "limit");
  assert.equal(failure.limitBytes, limit);
  assert.ok(failure.footprintBytes <= limit);
  assert.deepEqual(failure.liveBytesBySite, { test: 1000 }, "live bytes of every site with any, at the failure");
  assert.match((error as Error).message, new RegExp(`${tooMuch} bytes for test, limit`));
  assert.deepEqual(lab.lastFailure(), failure);

  const after = lab.ledger();
  assert.deepEqual(liveFigures(after), liveFigures(before), "the failed request left nothing behind");
  assert.equal(after.failureCount, before.failureCount + 1);
  assert.equal(site(after, "test").failedRequests, site(before, "test").failedRequests + 1);
  assert.equal(site(after, "test").largestRequest, tooMuch, "largestRequest counts refused requests too");
  assert.ok(after.heap.footprintBytes <= limit);

  // still usable: small requests are served, frees work, and the ledger balances
  const small = lab.alloc("test", 64);
  assert.equal(lab.free(small, "test"), "freed");
  assert.equal(lab.free(kept, "test"), "freed");
  const end = site(lab.ledger(), "test");
  assert.equal(end.liveBytes, 0);
  assert.equal(end.liveBlocks, 0);
  assert.equal(end.requests, 2, "the refused request is not a request");
});

test("a request above the largest block is refused as too-large (not a JS error)", () => {
  const lab = Lab.create();
  const before = liveFigures(lab.ledger());
  assert.throws(() => lab.alloc("test", 2 ** 33), (e: unknown) =>
    e instanceof AllocationFailedError && e.failure?.reason === "too-large" && e.failure.bytes === 2 ** 33);
  assert.deepEqual(liveFigures(lab.ledger()), before);
  const a = lab.alloc("test", 8);
  assert.equal(lab.free(a, "test"), "freed");
});

test("growth policies exact, double and chunk are visible in ledger().heap", () => {
  // exact: the first small request takes exactly one page.
  const exact = Lab.create({ growth: "exact" });
  exact.alloc("test", 1000);
  let h = exact.ledger().heap;
  assert.equal(h.policy, "exact");
  assert.equal(h.footprintBytes, WASM_PAGE);
  assert.equal(h.growths, 1);
  assert.equal(h.regions, 1);

  // double (as AS's rt/tlsf.ts): grow by max(current memory pages, pages needed). The memory
  // starts at INITIAL_PAGES, so the first growth takes that many pages and doubles the memory.
  const double = Lab.create({ growth: "double" });
  // The heap's start map (assembly/memory/starts.ts) takes pages the policy does not count.
  const startMap = double.raw.heapStartMapBytes();
  const modelBytes = (): number => double.memory.buffer.byteLength - startMap;
  const pages0 = modelBytes() / WASM_PAGE;
  assert.equal(pages0, INITIAL_PAGES);
  double.alloc("test", 1000);
  h = double.ledger().heap;
  assert.equal(h.policy, "double");
  assert.equal(h.footprintBytes, INITIAL_PAGES * WASM_PAGE);
  assert.equal(modelBytes(), 2 * pages0 * WASM_PAGE, "memory doubled");
  // 100 KiB fits in what the first growth left; a second one does not, and needs 2 pages, fewer
  // than the memory's 4: the memory doubles again. (Both stay below 128 KiB: larger requests get
  // a region of their own, exactly their size, whatever the policy.)
  double.alloc("test", 100 * 1024);
  const size1 = modelBytes();
  double.alloc("test", 100 * 1024);
  assert.equal(modelBytes(), 2 * size1, "memory doubled again");
  // the heap is the only user of memory.grow: its footprint is everything above the initial pages and the start map
  assert.equal(double.ledger().heap.footprintBytes, modelBytes() - INITIAL_PAGES * WASM_PAGE);
  assert.equal(double.ledger().heap.growths, 2);

  // chunk: growth in multiples of chunkPages.
  const chunk = Lab.create({ growth: "chunk", chunkPages: 4 });
  chunk.alloc("test", 1000);
  h = chunk.ledger().heap;
  assert.equal(h.policy, "chunk");
  assert.equal(h.chunkPages, 4);
  assert.equal(h.footprintBytes, 4 * WASM_PAGE);
  // three 100 KiB requests (below 128 KiB, so from the bins) outgrow the first chunk
  for (let i = 0; i < 3; i++) chunk.alloc("test", 100 * 1024);
  h = chunk.ledger().heap;
  assert.equal(h.footprintBytes % (4 * WASM_PAGE), 0, "footprint stays a multiple of the chunk");
  // The new memory is adjacent to the heap's top, so it merges with the free block there: the
  // heap needs only the smallest multiple of the chunk that holds the live blocks and the tail
  // sentinel (here with room to spare for the search's rounding of up to 1/16 of the request).
  const chunkBytes = 4 * WASM_PAGE;
  const liveBlockBytes = chunk.ledger().all.liveBlockBytes;
  assert.equal(liveBlockBytes, blockSize(1000) + 3 * blockSize(100 * 1024));
  assert.equal(h.footprintBytes, Math.ceil((liveBlockBytes + HEADER) / chunkBytes) * chunkBytes);
  assert.equal(h.regions, 1, "one contiguous region");
  assert.equal(h.peakFootprintBytes, h.footprintBytes);

  // default chunk is 16 pages (1 MiB)
  const chunk16 = Lab.create({ growth: "chunk" });
  chunk16.alloc("test", 10);
  assert.equal(chunk16.ledger().heap.footprintBytes, 16 * WASM_PAGE);
});

test("a growth past the limit falls back to exactly what is needed", () => {
  // chunk of 16 pages would pass a 3-page limit: the heap takes just the page it needs instead
  const lab = Lab.create({ growth: "chunk", chunkPages: 16, limitBytes: 3 * WASM_PAGE });
  lab.alloc("test", 1000);
  assert.equal(lab.ledger().heap.footprintBytes, WASM_PAGE);
});

type Bad = { what: string; call: () => unknown; kind: typeof TypeError | typeof RangeError; names: string };

test("bad input from JS: TypeError/RangeError naming the argument, and nothing reaches the heap", () => {
  const lab = Lab.create();
  const keep = lab.alloc("test", 40);
  const before = lab.ledger();
  const cases: Bad[] = [
    // bytes
    { what: "bytes non-number", call: () => lab.alloc("test", "8" as unknown as number), kind: TypeError, names: "bytes" },
    { what: "bytes fractional", call: () => lab.alloc("test", 1.5), kind: RangeError, names: "bytes" },
    { what: "bytes negative", call: () => lab.alloc("test", -1), kind: RangeError, names: "bytes" },
    { what: "bytes NaN", call: () => lab.alloc("test", NaN), kind: RangeError, names: "bytes" },
    { what: "bytes Infinity", call: () => lab.alloc("test", Infinity), kind: RangeError, names: "bytes" },
    { what: "bytes too large", call: () => lab.alloc("test", 2 ** 53), kind: RangeError, names: "bytes" },
    { what: "bytes bigint", call: () => lab.alloc("test", 8n as unknown as number), kind: TypeError, names: "bytes" },
    // align
    { what: "align non-number", call: () => lab.alloc("test", 8, { align: "16" as unknown as number }), kind: TypeError, names: "align" },
    { what: "align fractional", call: () => lab.alloc("test", 8, { align: 1.5 }), kind: RangeError, names: "align" },
    { what: "align negative", call: () => lab.alloc("test", 8, { align: -16 }), kind: RangeError, names: "align" },
    { what: "align NaN", call: () => lab.alloc("test", 8, { align: NaN }), kind: RangeError, names: "align" },
    { what: "align zero", call: () => lab.alloc("test", 8, { align: 0 }), kind: RangeError, names: "align" },
    { what: "align not a power of two", call: () => lab.alloc("test", 8, { align: 24 }), kind: RangeError, names: "align" },
    { what: "align too large", call: () => lab.alloc("test", 8, { align: 2 * WASM_PAGE }), kind: RangeError, names: "align" },
    // site
    { what: "site fractional", call: () => lab.alloc(1.5, 8), kind: RangeError, names: "site" },
    { what: "site negative", call: () => lab.alloc(-1, 8), kind: RangeError, names: "site" },
    { what: "site NaN", call: () => lab.alloc(NaN, 8), kind: RangeError, names: "site" },
    { what: "site too large", call: () => lab.alloc(lab.sites.length, 8), kind: RangeError, names: "site" },
    { what: "site 2**32 + test id", call: () => lab.alloc(2 ** 32 + lab.site("test"), 8), kind: RangeError, names: "site" },
    { what: "site 0 (none)", call: () => lab.alloc(0, 8), kind: RangeError, names: "site" },
    { what: "site unknown name", call: () => lab.alloc("nope", 8), kind: RangeError, names: "site" },
    { what: "site non-number", call: () => lab.alloc(null as unknown as number, 8), kind: TypeError, names: "site" },
    // free
    { what: "free address non-number", call: () => lab.free("16" as unknown as number, "test"), kind: TypeError, names: "address" },
    { what: "free address fractional", call: () => lab.free(keep + 0.5, "test"), kind: RangeError, names: "address" },
    { what: "free address negative", call: () => lab.free(-16, "test"), kind: RangeError, names: "address" },
    { what: "free address NaN", call: () => lab.free(NaN, "test"), kind: RangeError, names: "address" },
    { what: "free address above 4 GiB", call: () => lab.free(2 ** 32 + keep, "test"), kind: RangeError, names: "address" },
    { what: "free site unknown", call: () => lab.free(keep, "nope"), kind: RangeError, names: "site" },
    // configure / create
    { what: "limitBytes non-number", call: () => lab.configure({ limitBytes: "1" as unknown as number }), kind: TypeError, names: "limitBytes" },
    { what: "limitBytes fractional", call: () => lab.configure({ limitBytes: 65536.5 }), kind: RangeError, names: "limitBytes" },
    { what: "limitBytes negative", call: () => lab.configure({ limitBytes: -1 }), kind: RangeError, names: "limitBytes" },
    { what: "limitBytes NaN", call: () => lab.configure({ limitBytes: NaN }), kind: RangeError, names: "limitBytes" },
    { what: "limitBytes too large", call: () => lab.configure({ limitBytes: 2 ** 53 }), kind: RangeError, names: "limitBytes" },
    { what: "limitBytes Infinity", call: () => lab.configure({ limitBytes: Infinity }), kind: RangeError, names: "limitBytes" },
    { what: "create limitBytes negative", call: () => Lab.create({ limitBytes: -5 }), kind: RangeError, names: "limitBytes" },
    { what: "footprint model unknown", call: () => lab.configure({ footprint: "nope" } as never), kind: RangeError, names: "footprint" },
    { what: "growth unknown", call: () => lab.configure({ growth: "nope" as "exact" }), kind: RangeError, names: "growth" },
    { what: "chunkPages zero", call: () => lab.configure({ growth: "chunk", chunkPages: 0 }), kind: RangeError, names: "chunkPages" },
    { what: "largeThreshold zero", call: () => lab.configure({ largeThreshold: 0 }), kind: RangeError, names: "largeThreshold" },
  ];
  for (const c of cases) {
    assert.throws(c.call, (e: unknown) => {
      assert.ok(e instanceof c.kind, `${c.what}: expected ${c.kind.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
      assert.match((e as Error).message, new RegExp(c.names), `${c.what}: message names ${c.names}: ${(e as Error).message}`);
      return true;
    }, c.what);
  }
  const after = lab.ledger();
  assert.deepEqual(liveFigures(after), liveFigures(before), "no bad call reached the heap");
  assert.equal(after.events, before.events, "not one ledger event");
  assert.equal(after.failureCount, before.failureCount);
  assert.equal(after.heap.limitBytes, 0, "failed configure changed nothing");
  assert.equal(after.heap.policy, "exact");
  // and the module works afterwards
  const a = lab.alloc("test", 123);
  assert.equal(lab.free(a, "test"), "freed");
  assert.equal(lab.free(keep, "test"), "freed");
  assert.equal(site(lab.ledger(), "test").liveBytes, 0);
  const other = Lab.create();
  assert.equal(other.free(other.alloc(7, 10), 7), "freed", "a new lab works too (site 7 is \"test\")");
});

test("bad frees: invalid and double are reported, recorded, and change no live figure", () => {
  const lab = Lab.create();
  const a = lab.alloc("test", 100);
  const b = lab.alloc("test", 300);
  const c = lab.alloc("test", 50);
  assert.equal(lab.free(c, "test"), "freed");
  const before = lab.ledger();
  const memoryEnd = lab.memory.buffer.byteLength;

  const invalid = [
    { address: a + 16, hits: a }, // 16 bytes into a live block (the Box::from_raw case)
    { address: b + 8, hits: b }, // unaligned, inside a live block
    { address: b + 256, hits: b }, // deep inside a live block
    { address: 0, hits: 0 }, // null
    { address: 8, hits: 0 }, // the reserved region
    { address: 0x1000, hits: 0 }, // the ledger itself
    { address: memoryEnd + 4096, hits: 0 }, // past the end of memory
    { address: 0xffff_fff0, hits: 0 }, // the top of the address space
  ];
  for (const { address } of invalid) assert.equal(lab.free(address, "test"), "invalid", `free(${address})`);
  assert.equal(lab.free(c, "test"), "double", "second free of c");
  assert.equal(lab.free(c, "test"), "double", "third free of c");

  const after = lab.ledger();
  assert.deepEqual(liveFigures(after), liveFigures(before), "bad frees change no live figure");
  assert.equal(after.invalidFrees - before.invalidFrees, invalid.length);
  assert.equal(after.doubleFrees - before.doubleFrees, 2);
  const logged = after.badFrees.slice(-(invalid.length + 2));
  invalid.forEach(({ address, hits }, i) => {
    const f = logged[i];
    assert.equal(f.kind, "invalid");
    assert.equal(f.address, address >>> 0);
    assert.equal(f.freeingSite, "test");
    if (hits) {
      assert.equal(f.blockSite, "test", `free(${address}) names the block it points into`);
      assert.equal(f.blockAddress, hits);
      assert.equal(f.offset, address - hits);
    } else {
      assert.equal(f.blockSite, undefined, `free(${address}) points into no live block`);
    }
  });
  assert.equal(logged[invalid.length].kind, "double");
  assert.equal(logged[invalid.length].blockAddress, c);
  assert.equal(logged[invalid.length].blockSite, "test");

  // the blocks hit are intact and free normally
  assert.equal(lab.free(a, "test"), "freed");
  assert.equal(lab.free(b, "test"), "freed");
  assert.equal(lab.free(a, "test"), "double");
  const end = site(lab.ledger(), "test");
  assert.equal(end.liveBytes, 0);
  assert.equal(end.liveBlocks, 0);
  assert.equal(end.frees, 3);
});

test("double free is still caught after the block coalesced with its neighbours", () => {
  const lab = Lab.create();
  const x = lab.alloc("test", 64);
  const y = lab.alloc("test", 64);
  const z = lab.alloc("test", 64);
  const guard = lab.alloc("test", 64);
  assert.equal(lab.free(x, "test"), "freed");
  assert.equal(lab.free(z, "test"), "freed");
  assert.equal(lab.free(y, "test"), "freed"); // merges with both x (left) and z (right)
  const before = liveFigures(lab.ledger());
  for (const p of [x, y, z]) assert.equal(lab.free(p, "test"), "double", `double free of ${p}`);
  assert.deepEqual(liveFigures(lab.ledger()), before);
  const again = lab.alloc("test", 3 * 64);
  assert.equal(lab.free(again, "test"), "freed");
  assert.equal(lab.free(guard, "test"), "freed");
  assert.equal(site(lab.ledger(), "test").liveBytes, 0);
});

test("a block header forged in user data is no block: its free is refused as invalid, nothing changes", () => {
  const lab = Lab.create();
  const holder = lab.alloc("test", 256);
  const victim = lab.alloc("test", 64);
  // Copy the victim's real header (16 bytes before its payload) into the holder's payload, as a
  // program could write any bytes there: a byte-perfect header, at an address the heap never used.
  const bytes = lab.bytes();
  const forged = holder + 64;
  bytes.copyWithin(forged, victim - HEADER, victim);
  const view = new DataView(lab.memory.buffer);
  // The check word is derived from the block's address (block.ts checkWord): forge that too.
  view.setUint32(forged + 4, (Math.imul(forged, 0x9e3779b1) ^ 0x5e657ea5) >>> 0, true);
  const before = liveFigures(lab.ledger());
  assert.equal(lab.free(forged + HEADER, "test"), "invalid");
  assert.deepEqual(liveFigures(lab.ledger()), before, "the ledger did not move");
  lab.check();
  const next = lab.alloc("test", 64);
  assert.ok(next + 64 <= holder || next >= holder + 256, "the next block is not handed out inside the holder");
  for (const address of [holder, victim, next]) assert.equal(lab.free(address, "test"), "freed");
  lab.check();
});

test("lab.free refuses the blocks the lab's own structures own, and leaves them working", async () => {
  const { SegmentedStream } = await import("../src/index.js");
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { variant: "explicit-drop" });
  stream.append(1, 2);
  for (const address of [stream.address, lab.scratch]) {
    assert.throws(() => lab.free(address, "test"), (e: unknown) => e instanceof RangeError && /own structures/.test((e as Error).message));
  }
  assert.deepEqual(stream.get(0), [1, 2]);
  lab.check();
  stream.drop();
  assert.equal(site(lab.ledger(), SITE.arc).liveBytes, 0);
});

test("reserving what the heap already holds grows nothing and breaks nothing (it trapped: an empty region merged past the end)", () => {
  for (const reserve of [16, 1024, 1 << 20]) {
    const lab = Lab.create({ reserveBytes: reserve });
    const bytes = lab.memory.buffer.byteLength;
    assert.equal(lab.raw.heapReserve(reserve), 1, `${reserve}: again`);
    assert.equal(lab.raw.heapReserve(64), 1, `${reserve}: a smaller one`);
    assert.equal(lab.memory.buffer.byteLength, bytes, `${reserve}: no growth for room the heap has`);
    lab.free(lab.alloc("test", 300_000), "test"); // a large block, freed: the top is now free and large
    assert.equal(lab.raw.heapReserve(200_000), 1, `${reserve}: after a large free`);
    lab.check({ deep: true });
    assert.equal(lab.poisoned, false);
  }
});

test("tracked structures: any order of track and untrack, iterated in the order last tracked, each once", () => {
  const made = (name: string) => ({ description: name, checkReport: () => 0 });
  const [a, b, c] = ["a", "b", "c"].map(made);
  const tracked = new TrackedStructures();
  const names = () => [...tracked].map((s) => s.description).join("");
  tracked.add(a);
  tracked.add(b);
  tracked.add(c);
  assert.equal(names(), "abc");
  tracked.add(c);
  tracked.add(a);
  assert.equal(names(), "bca", "tracking again moves it last, never twice");
  tracked.delete(b);
  tracked.delete(a);
  assert.equal(names(), "c");
  tracked.delete(a);
  tracked.delete(c);
  assert.equal(names(), "");
  tracked.add(b);
  tracked.delete(b);
  tracked.add(a);
  assert.equal(names(), "a");
});

test("a closed Lab object refuses every later call with LabClosedError; the memory and another lab over it go on", () => {
  const lab = Lab.create();
  const other = Lab.attach(lab.share());
  const stream = SegmentedStream.create(lab, { variant: "explicit-drop" });
  stream.append(1, 2);
  const build = SegmentedStream.builder(lab);
  const block = lab.alloc("test", 64);
  lab.close();
  const closed = (f: () => unknown, what: string) => assert.throws(f, (e: Error) => e instanceof LabClosedError && /this Lab object was closed/.test(e.message), what);
  closed(() => lab.alloc("test", 8), "lab.alloc");
  closed(() => lab.free(block, "test"), "lab.free");
  closed(() => lab.ledger(), "lab.ledger");
  closed(() => lab.check(), "lab.check");
  closed(() => stream.append(3, 4), "a stream made with it");
  closed(() => build(), "a builder made with it");
  closed(() => SegmentedStream.create(lab), "create on it");
  assert.equal(lab.poisoned, false, "closed is not poisoned");
  lab.close(); // a second close does nothing
  const reopened = SegmentedStream.open(other, stream.address);
  assert.deepEqual(reopened.get(0), [1, 2], "the stream is still in the memory, for another lab");
  reopened.append(5, 6);
  other.check();
  reopened.drop();
  assert.equal(other.free(block, "test"), "freed");
  other.close();
});
