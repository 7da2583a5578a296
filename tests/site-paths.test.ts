// Call paths per allocation site (assembly/memory/sites.ts): read from the module, never copied in
// TS, and carried into the ledger snapshot, the DHAT profile's frames, the probe table and the HTML
// site tree; and the ledger's figures per program point (a record per path of a site with several),
// which sum to the site's, survive the thread caches, and the checker walks.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Lab } from "../src/memory/lab.js";
import type { Figures, LedgerSnapshot } from "../src/memory/ledger.js";
import { SegmentedStream } from "../src/stream/segmented-stream.js";
import { OptimisedIndex } from "../src/index/optimised-index.js";
import { dhatProfile } from "../src/report/dhat.js";
import { siteTreeHtml } from "../src/report/site-tree.js";
import { compactCallPath } from "../src/report/call-path.js";
import { runProbe } from "../src/probe/probe.js";
import { smallRun } from "./small-run.js";

const site = (lab: Lab, name: string) => {
  const s = lab.ledger().sites.find((x) => x.name.startsWith(name));
  assert.ok(s, name);
  return s;
};

test("every site has at least one call path; RUST paths are Rust frames, MODEL ones say (model)", () => {
  const lab = Lab.create();
  const sites = lab.ledger().sites;
  assert.deepEqual(sites[0].callPaths, [], "SITE_NONE has none");
  for (const s of sites.slice(1)) {
    assert.ok(s.callPaths.length >= 1, `${s.name}: a path`);
    for (const p of s.callPaths) {
      assert.ok(p.length >= 1 && p.every((f) => f.length > 0 && !f.includes(" > ")), `${s.name}: frames ${p}`);
      assert.equal(p[0].startsWith("(model)"), !s.rust, `${s.name}: ${p[0]}`);
    }
  }
  const slots = site(lab, "Page.slots");
  assert.deepEqual(slots.callPaths.map((p) => p.at(-3)), ["SegmentedStream::new", "SegmentedStream::roll_over"], "one path per program point");
  assert.deepEqual(site(lab, "ArcInner<Page").callPaths[0].slice(0, 1), ["OptimisedIndex::new_with_indexer_and_capacity"], "outermost first");
  assert.throws(() => lab.raw.siteCallPath(99, 0), RangeError);
  assert.throws(() => lab.raw.sitePointCount(99), RangeError);
  assert.equal(lab.raw.sitePointCount(slots.id), 2);
  lab.close();
});

const ADDITIVE = ["requests", "requestedBytes", "blockBytes", "liveBytes", "liveBlocks", "liveBlockBytes", "frees", "allocEvents", "freeEvents"] as const;

/** Every site with several points: its points' additive figures sum to the site's. */
function assertPointsSum(ledger: LedgerSnapshot): void {
  for (const s of ledger.sites.filter((x) => x.callPaths.length > 1)) {
    const points = ledger.points.filter((p) => p.site === s.id);
    assert.deepEqual(points.map((p) => p.point), s.callPaths.map((_, i) => i), `${s.name}: a record per point`);
    for (const field of ADDITIVE) assert.equal(points.reduce((a, p) => a + p[field], 0), s[field], `${s.name}: ${field} over its points`);
  }
}

test("DHAT program points: one per call path, with that point's figures and frames, each distinct frame once in ftbl", () => {
  const lab = smallRun();
  const ledger = lab.ledger();
  assertPointsSum(ledger);
  const p = dhatProfile(ledger, "site-paths test");
  assert.equal(new Set(p.ftbl).size, p.ftbl.length, "no frame listed twice");
  const frames = (i: number) => p.pps[i].fs.map((f) => p.ftbl[f]);
  const expected = ledger.sites.filter((s) => s.rust && s.requests > 0).flatMap((s) => {
    const points = ledger.points.filter((x) => x.site === s.id);
    return points.length ? points.filter((x) => x.requests > 0).map((x) => ({ s, path: x.callPath, f: x as Figures })) : [{ s, path: s.callPaths[0], f: s as Figures }];
  });
  assert.equal(p.pps.length, expected.length);
  expected.forEach(({ s, path, f }, i) => {
    assert.deepEqual(frames(i), [`segstream site ${s.id}: ${s.name}`, ...[...path].reverse()]);
    assert.deepEqual([p.pps[i].tb, p.pps[i].tbk, p.pps[i].mb, p.pps[i].eb], [f.requestedBytes, f.requests, f.peakLiveBytes, f.liveBytes]);
  });
  // 40 values in 4-slot pages: SegmentedStream::new's page, then nine rollovers' pages.
  const slots = ledger.points.filter((x) => x.siteName.startsWith("Page.slots"));
  assert.deepEqual(slots.map((x) => [x.callPath.at(-3), x.requests, x.requestedBytes]), [["SegmentedStream::new", 1, 64], ["SegmentedStream::roll_over", 9, 9 * 64]]);
  const arcs = ledger.points.filter((x) => x.siteName.startsWith("ArcInner<Page")).map((x) => x.requests);
  assert.deepEqual(arcs, [1, 9]);
  assert.ok(!p.ftbl.some((f) => f.includes("merged")), "no site's points are merged any more");
  lab.close();
});

test("the site tree hangs each program point at the end of its path with its own figures; nodes sum their children", () => {
  const lab = smallRun();
  const ledger = lab.ledger();
  const html = siteTreeHtml(ledger);
  const rust = ledger.sites.filter((s) => s.rust && s.requests > 0);
  const total = rust.reduce((a, s) => a + s.requestedBytes, 0);
  const blocks = rust.reduce((a, s) => a + s.requests, 0);
  const shown = (bytes: number, n: number) => `${bytes.toLocaleString("en-US")} B in ${n.toLocaleString("en-US")} blocks`;
  assert.ok(html.startsWith('<div class="site-tree"><details open><summary><code>all sites</code>'), html.slice(0, 120));
  assert.ok(html.includes(shown(total, blocks)), "root = sum of sites");
  for (const s of rust) assert.ok(html.includes(s.name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")), s.name);
  assert.ok(html.includes("Collector::new"), "a single-path site's frames are nodes");
  for (const x of ledger.points.filter((q) => q.requests > 0 && rust.some((s) => s.id === q.site))) {
    assert.ok(html.includes(`${x.siteName.replace(/</g, "&lt;").replace(/>/g, "&gt;")}</span> <span class="figures">${shown(x.requestedBytes, x.requests)}`), `${x.siteName} at point ${x.point}`);
  }
  // Below roll_over: the second point of the sites with two, and every single-path site made there.
  const rollOver = rust.flatMap((s): Figures[] => {
    const points = ledger.points.filter((q) => q.site === s.id);
    if (points.length) return points.filter((q) => q.callPath.includes("SegmentedStream::roll_over"));
    return s.callPaths[0].includes("SegmentedStream::roll_over") ? [s] : [];
  });
  const under = shown(rollOver.reduce((a, q) => a + q.requestedBytes, 0), rollOver.reduce((a, q) => a + q.requests, 0));
  assert.ok(html.includes(`<code>SegmentedStream::roll_over</code> <span class="figures">${under}`), `the roll_over node sums what was made below it (${under})`);
  assert.equal((html.match(/<details/g) ?? []).length, (html.match(/<\/details>/g) ?? []).length, "balanced");
  assert.ok(!siteTreeHtml(ledger).includes("[model]") && siteTreeHtml(ledger, { model: true }).includes("[model]"), "MODEL sites on request");
  lab.close();
});

test("program points under load: streams dropped after rollovers, a table grown from nothing, bags pushed; the checker walks each point", () => {
  const lab = Lab.create();
  for (let k = 0; k < 20; k++) {
    const stream = SegmentedStream.create(lab, { variant: (["explicit-drop", "as-written", "epoch-deferred"] as const)[k % 3], pageSlots: 2 });
    for (let i = 0; i < 7 + k; i++) stream.append(i, k);
    if (k % 4) stream.drop();
  }
  const index = OptimisedIndex.create(lab, { capacity: 0, variant: "explicit-drop", pageSlots: 4 });
  for (let i = 0; i < 100; i++) index.upsert(i, i);
  const participant = lab.epoch.participant();
  const guard = participant.pin();
  guard.deferFree(lab.alloc("test", 32));
  guard.flush(); // the participant's bag goes to the global queue: a node at Global::push_bag
  guard.release();
  lab.check();
  const ledger = lab.ledger();
  assertPointsSum(ledger);
  const point = (name: string, n: number) => ledger.points.find((x) => x.siteName.startsWith(name) && x.point === n)!;
  assert.equal(point("OptimisedIndex.table", 0).requests, 0, "capacity 0: new asks for no table");
  assert.ok(point("OptimisedIndex.table", 1).requests >= 5, "each grow asks at upsert > grow");
  assert.ok(point("Node<SealedBag>", 1).requests > 0, "bags pushed to the global queue");
  assert.ok(point("Page.slots", 1).frees > 0 && point("Page.slots", 1).liveBlocks > 0, "roll_over pages freed by drops, and some kept");
  index.drop();
  participant.unregister();
  lab.close();
});

test("with thread caches open (two labs), each point counts exactly what one lab counts", () => {
  const work = (lab: Lab) => {
    for (let k = 0; k < 30; k++) {
      const stream = SegmentedStream.create(lab, { variant: "explicit-drop", pageSlots: 2 });
      for (let i = 0; i < 5; i++) stream.append(i, k);
      stream.drop();
    }
    lab.check();
    const ledger = lab.ledger();
    assertPointsSum(ledger);
    return ledger.points.map((x) => [x.site, x.point, x.requests, x.requestedBytes, x.frees, x.liveBytes, x.liveBlocks]);
  };
  const alone = work(Lab.create());
  const lab = Lab.create();
  const other = Lab.attach(lab.share());
  assert.deepEqual(work(lab), alone);
  other.close();
  lab.close();
});

test("the compact call path: innermost two frames, or callers | ... > shared frames", () => {
  assert.equal(compactCallPath({ callPaths: [["a", "b", "c"]] }), "b > c");
  assert.equal(compactCallPath({ callPaths: [["x", "new", "Vec::push"], ["y", "roll", "Vec::push"]] }), "new | roll > Vec::push");
  assert.equal(compactCallPath({ callPaths: [] }), "-");
  assert.equal(compactCallPath({ callPaths: [["x", "new", "Vec::push"], ["y", "roll", "Vec::push"]], pointsUsed: [0] }), "new > Vec::push", "only the points used");
  assert.equal(compactCallPath({ callPaths: [["x", "new", "Vec::push"], ["y", "roll", "Vec::push"]], pointsUsed: [] }), "new | roll > Vec::push", "none used: every caller");
});

test("probe's table names the program points its loop used: no rollover, no roll_over", () => {
  const plain = runProbe({ variant: "as-written", instances: 50 });
  const slots = plain.sites.find((x) => x.name.startsWith("Page.slots"))!;
  assert.deepEqual(slots.pointsUsed, [0]);
  assert.equal(compactCallPath(slots), "SegmentedStream::new > Page::new > Vec::with_capacity");
  const rolled = runProbe({ variant: "explicit-drop", instances: 5, appends: 20, pageSlots: 4 });
  assert.deepEqual(rolled.sites.find((x) => x.name.startsWith("Page.slots"))!.pointsUsed, [0, 1]);
});
