// OptimisedIndex (assembly/index/, src/index/optimised-index.ts) against a JavaScript Map, its
// table sizing and growth rule, the cost of creating and dropping one with a 256 MiB table, and
// argument checking.
//
// The rules under test, as assembly/index/table.ts and optimised_index.ts document them:
//   sizing   a table for `capacity` keys has slots = the next power of two at or above
//            ceil(capacity x 8 / 7), at least 8, and requests slots x 16 bytes; capacity 0
//            allocates nothing until the first insert;
//   growth   the table doubles (8 slots when there is none) when an insert would pass 7/8 load;
//   keys     first-word: the first word's bits; second-word: the second's; hash-both: a hash of both.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Lab } from "../src/memory/lab.js";
import { AllocationFailedError, UseAfterDropError } from "../src/errors.js";
import { OptimisedIndex, INDEXERS, MAX_CAPACITY, tableBytesFor, tableControlBytesFor, type Indexer } from "../src/index/optimised-index.js";
import { prng } from "./prng.js";
import { SITE } from "./rust-reference.js";

const ENTRY = 16;
const MIN_SLOTS = 8;
const TABLE_SITE = SITE.table;
const PAGE = 56 + 64 * 16; // ArcInner<Page<V16>> + its 64-slot array: what as-written leaks per stream

/** The documented sizing rule, computed here from its statement. */
function slotsFor(capacity: number): number {
  if (capacity === 0) return 0;
  const needed = Math.max(MIN_SLOTS, Math.ceil((capacity * 8) / 7));
  let slots = 1;
  while (slots < needed) slots *= 2;
  return slots;
}


function tableSite(lab: Lab) {
  const site = lab.ledger().sites.find((s) => s.name === TABLE_SITE);
  assert.ok(site);
  return site;
}

// --- the index against a Map ---

/** How each indexer's test draws values: the keyed word(s) from a small range, so keys repeat. */
const DRAW: Record<Indexer, { draw: (rand: () => number) => [number, number]; key: (a: number, b: number) => string; keys: number }> = {
  // Halves from -1000 to 1499.5: negatives and fractions, never -0 (whose bits differ from 0's).
  "first-word": {
    draw: (rand) => [Math.floor(rand() * 5000) / 2 - 1000, Math.floor(rand() * 1e9)],
    key: (a) => `${a}`,
    keys: 5000,
  },
  "second-word": {
    draw: (rand) => [rand() * 1e6, Math.floor(rand() * 3000) * 3],
    key: (_a, b) => `${b}`,
    keys: 3000,
  },
  "hash-both": {
    draw: (rand) => [Math.floor(rand() * 60), Math.floor(rand() * 80)],
    key: (a, b) => `${a},${b}`,
    keys: 60 * 80,
  },
};

test("hash-both gives distinct keys over the test's (a, b) range, so a Map keyed by the pair is an exact oracle", () => {
  const lab = Lab.create();
  const index = OptimisedIndex.create(lab, { indexer: "hash-both", variant: "explicit-drop" });
  for (let a = 0; a < 60; a++) for (let b = 0; b < 80; b++) index.upsert(a, b);
  assert.equal(index.size, 60 * 80, "no two pairs of the range share a key");
  // (a, b) and (b, a) are different keys, as the indexer promises.
  assert.deepEqual(index.get(1, 2), [1, 2]);
  assert.deepEqual(index.get(2, 1), [2, 1]);
  index.drop();
});

for (const indexer of INDEXERS) {
  test(`${indexer}: 100,000 random upserts and gets agree with a Map; size, values() and growth from capacity 0`, () => {
    const lab = Lab.create();
    const rand = prng(0xc0ffee + INDEXERS.indexOf(indexer));
    const { draw, key } = DRAW[indexer];
    const index = OptimisedIndex.create(lab, { indexer, capacity: 0, variant: "explicit-drop" });
    assert.equal(index.tableSlots, 0, "capacity 0: no table yet");
    assert.equal(tableSite(lab).requests, 0, "capacity 0 allocates no table");
    const map = new Map<string, [number, number]>();
    let upserts = 0;
    let gets = 0;
    let replacements = 0;
    let lastSlots = 0;
    for (let op = 0; op < 100_000; op++) {
      if (rand() < 0.65) {
        const [a, b] = draw(rand);
        const k = key(a, b);
        assert.equal(index.upsert(a, b), upserts, "upsert returns the stream position");
        upserts++;
        if (map.has(k)) replacements++;
        map.delete(k); // keep the Map in order of each key's last upsert, as the stream is
        map.set(k, [a, b]);
        const slots: number = index.tableSlots;
        if (slots !== lastSlots) {
          assert.equal(slots, Math.max(2 * lastSlots, MIN_SLOTS), "the table only ever doubles (8 from none)");
          lastSlots = slots;
        }
        assert.ok(index.size * 8 <= slots * 7, "load never passes 7/8");
      } else {
        // a key that may or may not be there
        const [a, b] = draw(rand);
        const got = indexer === "first-word" ? index.get(a) : index.get(a, b);
        const want = map.get(key(a, b));
        gets++;
        assert.deepEqual(got, want, `latest value of key ${key(a, b)}`);
      }
      if (op % 997 === 0) assert.equal(index.size, map.size);
    }
    assert.ok(replacements > upserts / 2, `keys repeat (${replacements} replacements of ${upserts})`);
    assert.ok(gets > 30_000);
    assert.equal(index.size, map.size);
    assert.equal(index.streamLength, upserts);
    // Every key maps to its latest value...
    for (const [k, [a, b]] of map) {
      assert.deepEqual(indexer === "first-word" ? index.get(a) : index.get(a, b), [a, b], `key ${k}`);
    }
    // ...and iteration yields exactly those, in stream order of their last upsert.
    const expected = new Float64Array(map.size * 2);
    let i = 0;
    for (const [a, b] of map.values()) {
      expected[i++] = a;
      expected[i++] = b;
    }
    assert.deepEqual(index.values(), expected);
    // The table holds what the ledger says: one live table of slots x 16 bytes.
    const site = tableSite(lab);
    assert.equal(site.liveBlocks, 1);
    assert.equal(site.liveBytes, index.tableSlots * ENTRY);
    index.drop();
    assert.equal(lab.ledger().rust.liveBytes, 0, "explicit-drop gives everything back");
  });
}

// --- sizing and growth ---

test("sizing rule: tableBytesFor follows next_pow2(max(8, ceil(capacity x 8/7))) x 16", () => {
  const lab = Lab.create();
  assert.equal(slotsFor(10_000_000), 1 << 24);
  assert.equal(tableBytesFor(lab, 10_000_000), 268_435_456);
  assert.equal(tableBytesFor(lab, 0), 0);
  // The band that gives 2^24 slots, and its neighbours.
  assert.equal(tableBytesFor(lab, 7_340_032), (1 << 23) * ENTRY, "7,340,032 x 8/7 = 2^23 exactly");
  assert.equal(tableBytesFor(lab, 7_340_033), (1 << 24) * ENTRY);
  assert.equal(tableBytesFor(lab, 14_680_064), (1 << 24) * ENTRY, "14,680,064 x 8/7 = 2^24 exactly");
  assert.equal(tableBytesFor(lab, 14_680_065), (1 << 25) * ENTRY);
  for (let c = 1; c <= 7; c++) assert.equal(tableBytesFor(lab, c), MIN_SLOTS * ENTRY, `capacity ${c}: the minimum 8 slots`);
  assert.equal(tableBytesFor(lab, 8), 16 * ENTRY);
  assert.equal(tableBytesFor(lab, MAX_CAPACITY), (1 << 27) * ENTRY, "the largest allowed: 2^27 slots, 2 GiB");
  const rand = prng(99);
  for (let k = 0; k < 2000; k++) {
    const c = Math.floor(rand() * MAX_CAPACITY);
    assert.equal(tableBytesFor(lab, c), slotsFor(c) * ENTRY, `capacity ${c}`);
  }
  for (let c = 0; c < 3000; c++) assert.equal(tableBytesFor(lab, c), slotsFor(c) * ENTRY, `capacity ${c}`);
  // An index asks for exactly that.
  for (const c of [0, 1, 7, 8, 100, 7_340_033]) {
    const before = tableSite(lab);
    const index = OptimisedIndex.create(lab, { capacity: c, variant: "explicit-drop" });
    const after = tableSite(lab);
    assert.equal(index.tableSlots, slotsFor(c));
    assert.equal(after.requests - before.requests, c === 0 ? 0 : 1);
    assert.equal(after.requestedBytes - before.requestedBytes, slotsFor(c) * ENTRY);
    index.drop();
  }
  assert.equal(lab.ledger().rust.liveBytes, 0);
});

// hashbrown (std's HashMap<u64, u64>), as table.ts states it: buckets = 4 for 1-3 keys, 8 for 4-7,
// else the flat rule's slots; one request of buckets x 16 entry bytes + buckets + 16 control bytes.
function hashbrownBytes(capacity: number): number {
  if (capacity === 0) return 0;
  const buckets = capacity < 4 ? 4 : slotsFor(capacity);
  return buckets * ENTRY + buckets + 16;
}

test("hashbrown table: sized and grown as std's HashMap, agreeing with a Map; the ledger shows one live table", () => {
  const lab = Lab.create();
  for (const c of [0, 1, 3, 4, 7, 8, 100, 10_000_000]) {
    assert.equal(tableBytesFor(lab, c, "hashbrown"), hashbrownBytes(c), `capacity ${c}`);
    assert.equal(tableControlBytesFor(lab, c, "hashbrown"), c === 0 ? 0 : hashbrownBytes(c) - (hashbrownBytes(c) - 16) / 17 * ENTRY, `capacity ${c}`);
    assert.equal(tableControlBytesFor(lab, c, "flat"), 0);
  }
  const index = OptimisedIndex.create(lab, { capacity: 0, table: "hashbrown", variant: "explicit-drop" });
  assert.equal(index.table, "hashbrown");
  const map = new Map<number, number>();
  const rand = prng(17);
  const seen: number[] = [];
  for (let k = 0; k < 5000; k++) {
    const a = Math.floor(rand() * 3000);
    index.upsert(a, k);
    map.delete(a);
    map.set(a, k);
    if (seen.at(-1) !== index.tableSlots) seen.push(index.tableSlots);
  }
  assert.deepEqual(seen.slice(0, 4), [4, 8, 16, 32], "4 buckets first, then doubling");
  for (const [a, k] of map) assert.deepEqual(index.get(a), [a, k]);
  assert.equal(index.size, map.size);
  const site = tableSite(lab);
  assert.equal(site.liveBlocks, 1);
  assert.equal(site.liveBytes, index.tableSlots * (ENTRY + 1) + 16);
  index.drop();
  assert.equal(lab.ledger().rust.liveBytes, 0);
});

test("hashbrown table refused: create leaves nothing; a refused growth leaves the index as it was", () => {
  // 100,000 keys: a 2.2 MB table and, full, 1.9 MB of pages; its doubling (4.5 MB) passes 6 MiB.
  const lab = Lab.create({ limitBytes: 6 << 20, footprint: "glibc" });
  assert.throws(() => OptimisedIndex.create(lab, { capacity: 10_000_000, table: "hashbrown", variant: "explicit-drop" }), AllocationFailedError);
  assert.equal(lab.lastFailure()?.bytes, hashbrownBytes(10_000_000));
  assert.equal(lab.ledger().rust.liveBytes, 0, "a refused table unwinds the stream");
  const index = OptimisedIndex.create(lab, { capacity: 100_000, table: "hashbrown", variant: "explicit-drop" });
  const full = (index.tableSlots / 8) * 7;
  for (let k = 0; k < full; k++) index.upsert(k, k);
  const before = lab.ledger().rust.liveBytes;
  assert.throws(() => index.upsert(full, full), AllocationFailedError, "the doubled table passes the limit");
  assert.equal(lab.lastFailure()?.bytes, index.tableSlots * 2 * (ENTRY + 1) + 16);
  assert.equal(lab.ledger().rust.liveBytes, before, "nothing appended, nothing grown");
  assert.equal(index.size, full);
  assert.deepEqual(index.get(full - 1), [full - 1, full - 1]);
  assert.equal(index.checkReport(), 0);
  index.drop();
  assert.equal(lab.ledger().rust.liveBytes, 0);
});

test("growth from capacity 0 and small capacities: doubling exactly when an insert would pass 7/8 load", () => {
  const lab = Lab.create();
  for (const capacity of [0, 1, 6, 7, 8, 13, 14, 15, 100]) {
    const index = OptimisedIndex.create(lab, { capacity, variant: "explicit-drop" });
    let slots: number = slotsFor(capacity);
    assert.equal(index.tableSlots, slots);
    const requestsBefore = tableSite(lab).requests;
    let growths = 0;
    for (let k = 0; k < 2000; k++) {
      // a new key: grows first if k + 1 keys would pass 7/8 of the slots
      if ((k + 1) * 8 > slots * 7) {
        slots = Math.max(2 * slots, MIN_SLOTS);
        growths++;
      }
      index.upsert(k, -k);
      assert.equal(index.tableSlots, slots, `capacity ${capacity}, after ${k + 1} distinct keys`);
      assert.equal(index.size, k + 1);
    }
    // Each growth allocated the new table and freed the old one.
    const site = tableSite(lab);
    assert.equal(site.requests - requestsBefore, growths);
    assert.equal(site.liveBytes, slots * ENTRY);
    for (let k = 0; k < 2000; k += 37) assert.deepEqual(index.get(k), [k, -k], "rehashed entries survive");
    index.drop();
  }
  assert.equal(lab.ledger().rust.liveBytes, 0);
});

test("at exactly 7/8 load even a replacement doubles the table: room is made before the lookup, as hashbrown does", () => {
  // optimised_index.ts indexUpsert: like hashbrown's HashMap::insert (reserve(1), then
  // find-or-insert), the growth check runs before the key is looked up. Scaled up: an index with
  // capacity 7,340,032 (2^23 slots, 7/8 full at that many keys) requests a fresh 256 MiB table on
  // the next upsert of a key it already holds.
  const lab = Lab.create();
  const index = OptimisedIndex.create(lab, { capacity: 7, variant: "explicit-drop" });
  for (let k = 0; k < 7; k++) index.upsert(k, k);
  assert.equal(index.tableSlots, 8, "7 keys fit the 8 slots sized for capacity 7");
  const requests = tableSite(lab).requests;
  index.upsert(3, 99);
  assert.equal(index.size, 7, "a replacement");
  assert.deepEqual(index.get(3), [3, 99]);
  assert.equal(index.tableSlots, 16);
  assert.equal(tableSite(lab).requests, requests + 1);
  // Below 7/8 a replacement changes nothing.
  index.upsert(3, 100);
  assert.equal(index.tableSlots, 16);
  assert.equal(tableSite(lab).requests, requests + 1);
  index.drop();
});

// --- 256 MiB tables, created and dropped ---

test("1,000 indexes with a 256 MiB table (capacity 10,000,000), created and dropped: explicit-drop leaves nothing", () => {
  const lab = Lab.create();
  for (let i = 0; i < 1000; i++) OptimisedIndex.create(lab, { capacity: 10_000_000, variant: "explicit-drop" }).drop();
  const ledger = lab.ledger();
  const site = ledger.sites.find((s) => s.name === TABLE_SITE);
  assert.ok(site);
  assert.equal(site.requests, 1000);
  assert.equal(site.requestedBytes, 1000 * 268_435_456);
  assert.equal(site.largestRequest, 268_435_456);
  assert.equal(site.liveBytes, 0);
  assert.equal(ledger.rust.liveBytes, 0);
  assert.equal(ledger.rust.liveBlocks, 0);
  assert.ok(ledger.heap.footprintBytes < 2 * 268_435_456, "the one table's memory is reused, not grown per instance");
});

test("1,000 indexes with a 256 MiB table, as-written: exactly one page (1080 bytes) retained per instance", () => {
  const lab = Lab.create();
  for (let i = 0; i < 1000; i++) OptimisedIndex.create(lab, { capacity: 10_000_000, variant: "as-written" }).drop();
  const ledger = lab.ledger();
  assert.equal(ledger.rust.liveBytes, 1000 * PAGE);
  assert.equal(ledger.rust.liveBlocks, 2000);
  assert.equal(ledger.sites.find((s) => s.name === TABLE_SITE)?.liveBytes, 0, "the tables themselves are freed");
  assert.equal(ledger.sites.find((s) => s.name === SITE.arc)?.liveBlocks, 1000);
});

test("a dropped table's memory comes back zeroed: a new index over the same block starts empty", () => {
  // drop wipes the slots it wrote and frees the table as zero; the next zeroed request for the same
  // size is served from that block without being filled again. A missed slot would show up as a
  // stale entry: re-inserting its key would not count as a new key.
  const lab = Lab.create();
  const rand = prng(7);
  const keys = Array.from({ length: 5000 }, () => Math.floor(rand() * 2 ** 40));
  const last = new Map<number, number>();
  keys.forEach((k, i) => last.set(k, i));
  let footprint = 0;
  for (let round = 0; round < 3; round++) {
    const index = OptimisedIndex.create(lab, { capacity: 10_000_000, variant: "explicit-drop" });
    assert.equal(index.size, 0);
    for (const k of keys) assert.equal(index.get(k), undefined, `round ${round}: key ${k} is not in a fresh index`);
    keys.forEach((k, i) => index.upsert(k, i));
    assert.equal(index.size, last.size, `round ${round}: every key counted once`);
    for (const [k, i] of last) assert.deepEqual(index.get(k), [k, i]);
    index.drop();
    const now = lab.ledger().heap.footprintBytes;
    if (round > 0) assert.equal(now, footprint, "the same 256 MiB block was reused");
    footprint = now;
  }
  // The growth path: tables freed without a wipe (the outgrown ones) must not leak entries either.
  for (let round = 0; round < 3; round++) {
    const index = OptimisedIndex.create(lab, { capacity: round === 0 ? 0 : 4096, variant: "explicit-drop" });
    keys.forEach((k, i) => index.upsert(k, i));
    assert.equal(index.size, last.size);
    index.drop();
  }
  assert.equal(lab.ledger().rust.liveBytes, 0);
});

// Natively each 256 MiB table is its own mmap'd chunk, unmapped at free: however many pages leak or
// wait for the epoch, creating the next index costs no more address space. In the lab's heap, a
// page that outlives its index (as-written leaks both pages of a stream with 65 upserts; with
// epoch-deferred they wait in the collector) can sit just past the freed table, whose block then
// merges only into a free block of 256 MiB + a few KiB. That block lies in the same TLSF bin as the
// 256 MiB + 16 request, and searchBlock rounds every request up to the next bin (good fit), so it
// never looks there: the heap grows by another 256 MiB per instance, and about 15 instances exhaust
// the 4 GiB memory (an "engine" refusal of the 256 MiB table; runProbe({ variant, instances: 40,
// indexCapacity: 10_000_000, upserts: 100 }) throws for both variants).
for (const variant of ["as-written", "epoch-deferred"] as const) {
  test(`${variant} with upserts: pages outliving an index do not stop the next one from reusing the freed 256 MiB table`, () => {
    const lab = Lab.create();
    const footprints: number[] = [];
    for (let i = 0; i < 4; i++) {
      const index = OptimisedIndex.create(lab, { capacity: 10_000_000, variant });
      for (let k = 0; k < 65; k++) index.upsert(k, k);
      index.drop();
      footprints.push(lab.ledger().heap.footprintBytes);
      if (variant === "as-written") {
        // as-written forgets active_page's reference at the rollover and at the drop: both pages leak.
        assert.equal(lab.ledger().rust.liveBytes, (i + 1) * 2 * PAGE, "two pages leaked per instance, nothing else");
      }
      assert.ok(footprints[i] - footprints[0] < 1 << 20,
        `footprint after instance ${i + 1} is ${footprints[i]} bytes (after the first: ${footprints[0]}): ` +
        "the freed table's block was not reused");
    }
  });
}

// --- bad input ---

test("bad input: unknown indexer, bad capacities → RangeError/TypeError, nothing allocated; use after drop", () => {
  const lab = Lab.create();
  const before = lab.ledger().all.requests;
  const create = (options: Record<string, unknown>) => () => OptimisedIndex.create(lab, options as never);
  assert.throws(create({ indexer: "third-word" }), RangeError);
  assert.throws(create({ indexer: "" }), RangeError);
  assert.throws(create({ capacity: -1 }), RangeError);
  assert.throws(create({ capacity: 1.5 }), RangeError);
  assert.throws(create({ capacity: MAX_CAPACITY + 1 }), RangeError);
  assert.throws(create({ capacity: Number.MAX_SAFE_INTEGER + 2 }), RangeError);
  assert.throws(create({ capacity: NaN }), RangeError);
  assert.throws(create({ capacity: Infinity }), RangeError);
  assert.throws(create({ capacity: "10" }), TypeError);
  assert.throws(create({ capacity: 10n }), TypeError);
  assert.throws(create({ variant: "leaky" }), RangeError);
  assert.throws(create({ pageSlots: 3 }), RangeError);
  assert.throws(() => tableBytesFor(lab, -1), RangeError);
  assert.throws(() => tableBytesFor(lab, 1.5), RangeError);
  assert.throws(() => tableBytesFor(lab, MAX_CAPACITY + 1), RangeError);
  assert.throws(() => tableBytesFor(lab, "8" as never), TypeError);
  assert.throws(create({ table: "robin-hood" }), /table must be one of flat, hashbrown/);
  assert.throws(() => tableBytesFor(lab, 8, "btree" as never), RangeError);
  assert.throws(() => tableControlBytesFor(lab, -1, "hashbrown"), RangeError);
  assert.equal(lab.ledger().all.requests, before, "bad input reaches no allocator");

  const index = OptimisedIndex.create(lab, { capacity: 16, variant: "explicit-drop" });
  index.upsert(1, 2);
  index.drop();
  assert.equal(index.dropped, true);
  assert.throws(() => index.upsert(1, 2), UseAfterDropError);
  assert.throws(() => index.get(1), UseAfterDropError);
  assert.throws(() => index.size, UseAfterDropError);
  assert.throws(() => index.values(), UseAfterDropError);
  assert.throws(() => index.drop(), UseAfterDropError);
});

test("builder: checks its options once, then each call makes an index as create does; a refused one leaves the builder usable", () => {
  const lab = Lab.create();
  const options: { capacity: number; variant: "explicit-drop"; pageSlots: number } = { capacity: 100, variant: "explicit-drop", pageSlots: 8 };
  const build = OptimisedIndex.builder(lab, options);
  options.capacity = 10_000_000; // the builder keeps what it checked
  const before = lab.ledger().rust;
  const built = build();
  const made = lab.ledger().rust;
  const created = OptimisedIndex.create(lab, { capacity: 100, variant: "explicit-drop", pageSlots: 8 });
  const after = lab.ledger().rust;
  assert.equal(made.requestedBytes - before.requestedBytes, after.requestedBytes - made.requestedBytes, "the same requests as create");
  const one = made.requestedBytes - before.requestedBytes;
  assert.ok(one >= tableBytesFor(lab, 100) && one < tableBytesFor(lab, 10_000_000), `the capacity checked (100), not the one changed after: ${one} B`);
  assert.deepEqual([built.variant, built.table, built.indexer], [created.variant, created.table, created.indexer]);
  built.upsert(1, 2);
  assert.deepEqual(built.get(1, 2), [1, 2]);
  lab.injectFailure(1);
  assert.throws(build, AllocationFailedError);
  const again = build();
  for (const index of [built, created, again]) index.drop();
  lab.check();
  assert.equal(lab.ledger().rust.liveBytes, before.liveBytes, "nothing left live");
  assert.throws(() => OptimisedIndex.builder(lab, { capacity: -1 }), RangeError, "checked when the builder is made");
});
