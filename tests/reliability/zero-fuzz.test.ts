// Zeroed allocations against a shadow of every byte written (shadow-heap.ts): a seeded fuzz of
// lab.alloc (1 B to ~600 KiB, zeroed or not, aligned to 16 or 128) and lab.free in random order,
// with OptimisedIndex tables (requested zeroed, handed back zero by heapFreeZeroed) made and
// dropped among them. Every zeroed allocation must read zero over all its requested bytes; every
// block must hold what was written to it until it is freed; lab.check({ deep: true }), which reads
// every free block tagged ZERO, passes at intervals and at the end.
//
// The issue reports a fuzzed sequence in which a zeroed block came back with 37,856 non-zero
// bytes. A failing seed is printed with the operation, the request and the count; set
// ZERO_FUZZ_SEEDS=a-b (or a,b,c) to search other seeds.
//
// And a regression: free large blocks merge and split, so with nothing live, 691 freed blocks of
// assorted sizes totalling ~505 MiB serve an 8 MiB request under a 512 MiB limit without growing.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Lab, OptimisedIndex } from "../../src/index.js";
import { prng } from "../prng.js";
import { ShadowHeap } from "./shadow-heap.js";
import { BUILD, scaled } from "./budget.js";

const MAX_REQUEST = 600 << 10;
const CHECK_EVERY = 250;

interface FuzzReport {
  ops: number;
  zeroedAllocs: number;
  zeroedBytes: number;
  largeAllocs: number;
  tables: number;
  deepChecks: number;
  peakLiveBytes: number;
  /** The first broken promise, or undefined. */
  failure: string | undefined;
}

function requestSize(rand: () => number): number {
  const r = rand();
  if (r < 0.45) return 1 + Math.floor(rand() * 512);
  if (r < 0.75) return 513 + Math.floor(rand() * 64 * 1024);
  if (r < 0.85) return (128 << 10) - 64 + Math.floor(rand() * 128); // either side of the large threshold
  return (64 << 10) + Math.floor(rand() * (MAX_REQUEST - (64 << 10)));
}

export function fuzz(seed: number, ops: number): FuzzReport {
  const rand = prng(seed);
  const lab = Lab.create();
  const shadow = new ShadowHeap(lab, MAX_REQUEST);
  const report: FuzzReport = { ops: 0, zeroedAllocs: 0, zeroedBytes: 0, largeAllocs: 0, tables: 0, deepChecks: 0, peakLiveBytes: 0, failure: undefined };
  const indexes: OptimisedIndex[] = [];
  let target = 32;
  const fail = (op: number, what: string) => {
    report.failure ??= `seed ${seed}, operation ${op}: ${what}`;
  };
  for (let op = 0; op < ops && !report.failure; op++) {
    report.ops++;
    if (op % 400 === 0) target = 4 + Math.floor(rand() * 120); // the live set swells and shrinks
    const r = rand();
    if (r < 0.04) {
      // An index table: zeroed on request, wiped where written and handed back as ZERO at its drop.
      if (indexes.length < 3) {
        const capacity = 1 + Math.floor(rand() * 30_000); // tables of 128 B to 512 KiB
        const index = OptimisedIndex.create(lab, { capacity, variant: "explicit-drop" });
        report.tables++;
        const keys = 1 + Math.floor(rand() * Math.min(capacity, 200));
        for (let k = 0; k < keys; k++) index.upsert(Math.floor(rand() * 1e9), k);
        indexes.push(index);
      } else {
        indexes.splice(Math.floor(rand() * indexes.length), 1)[0].drop();
      }
    } else if (shadow.live.length < target && r < 0.75) {
      const bytes = requestSize(rand);
      const zeroed = rand() < 0.5;
      const align = rand() < 0.2 ? 128 : 16;
      const address = lab.alloc("test", bytes, { zeroed, align });
      if (address % align !== 0) fail(op, `alloc(${bytes}, align ${align}) at ${address} is misaligned`);
      if (bytes >= 128 << 10) report.largeAllocs++;
      if (zeroed) {
        report.zeroedAllocs++;
        report.zeroedBytes += bytes;
        const dirty = shadow.nonZeroBytes(address, bytes);
        if (dirty) fail(op, `a zeroed alloc of ${bytes} B (align ${align}) at ${address} came back with ${dirty} non-zero bytes`);
      }
      shadow.write(address, bytes);
    } else if (shadow.live.length > 0) {
      const block = shadow.take(Math.floor(rand() * shadow.live.length));
      const changed = shadow.changed(block);
      if (changed) fail(op, changed);
      const outcome = lab.free(block.address, "test");
      if (outcome !== "freed") fail(op, `free of ${block.address}: ${outcome}`);
    }
    report.peakLiveBytes = Math.max(report.peakLiveBytes, shadow.live.reduce((a, b) => a + b.bytes, 0));
    if (op % CHECK_EVERY === CHECK_EVERY - 1) {
      try {
        lab.check({ deep: true });
        report.deepChecks++;
      } catch (error) {
        fail(op, (error as Error).message);
      }
    }
  }
  if (report.failure) return report;
  for (const block of [...shadow.live]) {
    const changed = shadow.changed(block);
    if (changed) fail(report.ops, changed);
    lab.free(block.address, "test");
  }
  for (const index of indexes) index.drop();
  try {
    lab.check({ deep: true });
    report.deepChecks++;
  } catch (error) {
    fail(report.ops, `at the end: ${(error as Error).message}`);
  }
  const site = lab.ledger().sites.find((s) => s.name === "test");
  if (site?.liveBlocks !== 0) fail(report.ops, `${site?.liveBlocks} test blocks still live`);
  return report;
}

function seedsFromEnv(): number[] | undefined {
  const text = process.env.ZERO_FUZZ_SEEDS;
  if (!text) return undefined;
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
  return text.split(",").map(Number);
}

const SEEDS = seedsFromEnv() ?? [1, 2, 3, 5, 8, 13, 21, 34];
const OPS = scaled(4000, 1500);

for (const seed of SEEDS) {
  test(`zeroed allocations read zero and written blocks keep their bytes: seed ${seed}, ${OPS} operations`, (t) => {
    const report = fuzz(seed, OPS);
    t.diagnostic(JSON.stringify(report));
    assert.equal(report.failure, undefined, `${report.failure} (reproduce: ZERO_FUZZ_SEEDS=${seed} node --test dist/tests/reliability/zero-fuzz.test.js)`);
    // The fuzz reached what it is about.
    assert.ok(report.zeroedAllocs > OPS / 8 && report.largeAllocs > OPS / 100 && report.tables > 0, `coverage: ${JSON.stringify(report)}`);
    assert.ok(report.deepChecks >= Math.floor(OPS / CHECK_EVERY), "deep checks ran");
  });
}

test("free large blocks merge and split: with nothing live, ~505 MiB of 691 freed blocks serve an 8 MiB request under a 512 MiB limit", () => {
  const MIB = 1 << 20;
  const PAGE = 65536;
  const LIMIT = 512 * MIB;
  const rand = prng(691);
  // 691 large blocks (128 KiB and more: large.ts) of 3 to 22 pages' worth, each request ending
  // somewhere inside its last page, adjusted so that the regions total just over 505 MiB: each
  // takes exactly its pages.
  const pages = Array.from({ length: 691 }, () => 3 + Math.floor(rand() * 20));
  const wanted = Math.ceil((505 * MIB) / PAGE);
  for (let i = 0, total = pages.reduce((a, b) => a + b, 0); total !== wanted; i = (i + 1) % pages.length) {
    const step = total < wanted ? 1 : -1;
    if (pages[i] + step < 3) continue;
    pages[i] += step;
    total += step;
  }
  const lab = Lab.create({ limitBytes: LIMIT });
  lab.reserveScratch(); // lab.check's buffer (a binned page of its own), taken before the figures
  const footprintBefore = lab.ledger().heap.footprintBytes;
  const blocks = pages.map((n) => lab.alloc("test", (n - 1) * PAGE + 1 + Math.floor(rand() * (PAGE - 64))));
  const footprint = lab.ledger().heap.footprintBytes;
  assert.equal(footprint - footprintBefore, wanted * PAGE, "each large block took exactly its pages");
  assert.ok(LIMIT - footprint < 8 * MIB, `the limit leaves less than 8 MiB to grow into (${LIMIT - footprint} B)`);
  for (let i = blocks.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [blocks[i], blocks[j]] = [blocks[j], blocks[i]];
  }
  for (const address of blocks) assert.equal(lab.free(address, "test"), "freed");
  assert.equal(lab.ledger().all.liveBlocks, 1, "nothing live but the lab's scratch buffer");
  lab.check({ deep: BUILD === "release" });
  const big = lab.alloc("test", 8 * MIB, { zeroed: true });
  assert.equal(lab.ledger().heap.footprintBytes, footprint, "served from the freed blocks, no growth");
  const shadow = new ShadowHeap(lab, 8 * MIB);
  assert.equal(shadow.nonZeroBytes(big, 8 * MIB), 0, "and zero, as asked");
  lab.check();
  assert.equal(lab.free(big, "test"), "freed");
  lab.check();
});
