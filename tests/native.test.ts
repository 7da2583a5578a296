// Differential tests: the lab against native/, the seed's program built from Debian's crates under
// a counting global allocator. Every probe variant at N = 1,000 and 100,000 with 64- and 128-slot
// pages: every compared figure (src/native/figures.ts) exactly equal. The seed failure under
// RLIMIT_AS 800 MiB and 1 GiB: the same request size and site, the failure instance within 0.05%.
// Skipped, with the reason, when cargo or the crates are missing (.ci/run installs them).

import { test } from "node:test";
import assert from "node:assert/strict";
import { missingForNative, INSTALL_COMMAND, buildNative } from "../src/native/toolchain.js";
import { compareProbe } from "../src/native/compare-probe.js";
import { compareReproduce } from "../src/native/compare-reproduce.js";
import { PROBE_VARIANTS } from "../src/instance/variants.js";
import { SEED_SCENARIO } from "../src/scenarios/seed.js";
import { applyScenario } from "../src/scenarios/scenario.js";
import { FIGURE_NAMES } from "../src/native/figures.js";
import { cliWith } from "./cli-run.js";
import { SITE } from "./rust-reference.js";

const missing = missingForNative();
const skip = missing.length ? `native side unavailable (missing ${missing.join(", ")}; ${INSTALL_COMMAND})` : false;

test("native/ builds offline from Debian's crates, crossbeam-epoch 0.9.13", { skip }, () => {
  const build = buildNative();
  assert.equal(build.crossbeam, "0.9.13");
});

for (const instances of [1_000, 100_000]) {
  for (const pageSlots of [64, 128]) {
    for (const variant of PROBE_VARIANTS) {
      test(`probe ${variant}, N = ${instances}, ${pageSlots} slots: every figure equal natively`, { skip }, () => {
        const c = compareProbe({ variant, instances, pageSlots });
        for (const name of FIGURE_NAMES) assert.equal(c.model[name], c.native[name], `${name}: model ${c.model[name]}, native ${c.native[name]}`);
      });
    }
  }
}

test("probe as-written with an index of capacity 10,000,000: the 256 MiB table is requested per instance natively too", { skip }, () => {
  const c = compareProbe({ variant: "as-written", instances: 1_000, indexCapacity: 10_000_000 });
  assert.deepEqual(c.differing, []);
  assert.equal(c.native.largestRequest, 268_435_456);
  assert.deepEqual(c.nativeProbe.largeRequests, [{ bytes: 268_435_456, count: 1_000 }]);
});

for (const [label, limitBytes] of [["800 MiB", 800 * 2 ** 20], ["1 GiB", 2 ** 30]] as const) {
  test(`the seed failure under RLIMIT_AS ${label}: same request and site, instance within 0.05%`, { skip }, () => {
    const c = compareReproduce(applyScenario(SEED_SCENARIO, { memory: { limitBytes } }));
    const failure = c.native.failure;
    assert.ok(failure, "the native program fails");
    assert.ok(c.model.failure, "the model fails");
    assert.equal(failure.bytes, 268_435_456);
    assert.equal(c.model.failure.record.bytes, failure.bytes);
    assert.equal(failure.site, SITE.table);
    assert.equal(c.model.failure.record.siteName, failure.site);
    assert.ok(c.instanceDifference! <= 0.0005, `model ${c.model.failure.instance}, native ${failure.instance}`);
  });
}

test("the module's table rules match the real tables from capacity 0 to 2^25: flat, HashMap<u64, u64> and HashMap<u64, V16>", { skip }, async () => {
  const { execFileSync } = await import("node:child_process");
  const { Lab } = await import("../src/memory/lab.js");
  const { tableBytesFor } = await import("../src/index/optimised-index.js");
  const { rows } = JSON.parse(execFileSync(buildNative().seedTables, { encoding: "utf8" })) as { rows: { capacity: number; flatBytes: number; hashbrown16Bytes: number; hashbrown24Bytes: number }[] };
  assert.ok(rows.length > 100 && rows.at(-1)!.capacity === 2 ** 25);
  const lab = Lab.create();
  for (const r of rows) {
    assert.equal(tableBytesFor(lab, r.capacity, "flat"), r.flatBytes, `capacity ${r.capacity}, flat`);
    assert.equal(tableBytesFor(lab, r.capacity, "hashbrown"), r.hashbrown16Bytes, `capacity ${r.capacity}, HashMap<u64, u64>`);
    assert.equal(lab.raw.hashbrownTableBytes(r.capacity, 24), r.hashbrown24Bytes, `capacity ${r.capacity}, HashMap<u64, V16>`);
  }
  lab.close();
});

// A hashbrown table grows as std's HashMap grows it: from none (capacity 0: 4 buckets, then 8, 16 ...)
// and from a sized one, as upserts pass 7/8 load; every figure, and the largest request, equal.
for (const [indexCapacity, upserts] of [[0, 100], [3, 50], [1_000, 2_000], [10_000_000, 0]] as const) {
  test(`probe with a hashbrown table, capacity ${indexCapacity}, ${upserts} upserts: every figure equal natively`, { skip }, () => {
    const c = compareProbe({ variant: "explicit-drop", instances: indexCapacity > 1e6 ? 20 : 1_000, indexCapacity, upserts, indexTable: "hashbrown" });
    assert.deepEqual(c.differing, [], c.rows.map((r) => JSON.stringify(r)).join("\n"));
    assert.equal(c.model.requests, c.native.requests);
  });
}

for (const command of ["probe", "reproduce"]) {
  test(`segstream native ${command} without cargo: one line naming what is missing and how to install it, exit 2`, async () => {
    const r = await cliWith({ ...process.env, CARGO: "/nonexistent/cargo" }, "native", command, ...(command === "probe" ? ["as-written"] : []));
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^segstream: native: missing cargo \(CARGO=\/nonexistent\/cargo does not exist\)/);
    assert.ok(r.stderr.includes(INSTALL_COMMAND), r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  });
}
