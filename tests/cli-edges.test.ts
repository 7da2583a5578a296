// The CLI's edges (issue 7): every bad argument leaves one clean line and an exit code, and the
// runs that used to take for ever (or crash) now end with the right figures.
//
// Figures: a SegmentedStream::new makes three Rust allocations (1,024-byte slot array, 56-byte
// ArcInner<Page<V16>>, 32-byte Vec buffer); OptimisedIndex adds its table, 2^24 x 16 bytes for
// capacity 10,000,000 (table.ts's sizing rule).

import { test } from "node:test";
import assert from "node:assert/strict";
import { cli } from "./cli-run.js";

const TABLE_10M = 2 ** 24 * 16;
const STREAM_REQUESTS = 3;
const PAGE = 56 + 64 * 16;

test("probe --index-capacity 10000000 --upserts 2: each drop wipes only what it wrote, and the figures hold", async () => {
  const instances = 200;
  const [fixed, leaky] = await Promise.all([
    cli("probe", "explicit-drop", "--index-capacity", "10000000", "--upserts", "2", "--instances", String(instances), "--json"),
    cli("probe", "as-written", "--index-capacity", "10000000", "--upserts", "2", "--instances", String(instances), "--json"),
  ]);
  for (const r of [fixed, leaky]) assert.equal(r.code, 0, r.stderr);
  const f = JSON.parse(fixed.stdout);
  assert.equal(f.instances, instances);
  assert.equal(f.liveBytes, 0, "explicit-drop gives every byte back");
  assert.equal(f.requests, instances * (STREAM_REQUESTS + 1), "the stream's three requests and the table");
  assert.equal(f.largestRequest, TABLE_10M);
  const table = f.sites.find((s: { name: string }) => s.name === "OptimisedIndex.table");
  assert.equal(table.requestedBytes, instances * TABLE_10M);
  assert.equal(table.liveBytes, 0);
  assert.ok(f.footprintBytes < 2 * TABLE_10M, `one table's memory serves every instance (footprint ${f.footprintBytes})`);
  const l = JSON.parse(leaky.stdout);
  assert.equal(l.retainedBytesPerInstance, PAGE, "as-written keeps its one page, 2 upserts fit in it");
  assert.ok(l.footprintBytes < 2 * TABLE_10M + instances * 2 * PAGE, `the freed table is reused (footprint ${l.footprintBytes})`);
});
