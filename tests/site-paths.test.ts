// Call paths per allocation site (assembly/memory/sites.ts): read from the module, never copied in
// TS, and carried into the ledger snapshot, the DHAT profile's frames, the probe table and the HTML
// site tree.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Lab } from "../src/memory/lab.js";
import { dhatProfile } from "../src/report/dhat.js";
import { siteTreeHtml } from "../src/report/site-tree.js";
import { compactCallPath } from "../src/report/call-path.js";
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

test("DHAT program points carry the frames, innermost first, each distinct frame once in ftbl", () => {
  const lab = smallRun();
  const ledger = lab.ledger();
  const p = dhatProfile(ledger, "site-paths test");
  assert.equal(new Set(p.ftbl).size, p.ftbl.length, "no frame listed twice");
  const rust = ledger.sites.filter((s) => s.rust && s.requests > 0);
  assert.equal(p.pps.length, rust.length);
  for (const [i, s] of rust.entries()) {
    const frames = p.pps[i].fs.map((f) => p.ftbl[f]);
    assert.equal(frames[0], `segstream site ${s.id}: ${s.name}`);
    assert.equal(p.pps[i].tb, s.requestedBytes);
    if (s.callPaths.length === 1) assert.deepEqual(frames.slice(1), [...s.callPaths[0]].reverse());
    else assert.match(frames.at(-1)!, new RegExp(`^\\[${s.callPaths.length} call paths merged`));
  }
  const slots = p.pps[rust.findIndex((s) => s.name.startsWith("Page.slots"))].fs.map((f) => p.ftbl[f]);
  assert.deepEqual(slots.slice(1, 3), ["Vec::with_capacity", "Page::new"], "the shared innermost frames");
  const arc = p.pps[rust.findIndex((s) => s.name.startsWith("ArcInner<Page"))].fs;
  const push = p.pps[rust.findIndex((s) => s.name.startsWith("SegmentedStream.pages"))].fs;
  assert.equal(arc.at(-1), push.at(-1), "the same callers frame, one ftbl entry for both sites");
  assert.notEqual(arc[0], push[0]);
  lab.close();
});

test("the site tree sums bytes and blocks over children and lists merged paths", () => {
  const lab = smallRun();
  const ledger = lab.ledger();
  const html = siteTreeHtml(ledger);
  const rust = ledger.sites.filter((s) => s.rust && s.requests > 0);
  const total = rust.reduce((a, s) => a + s.requestedBytes, 0);
  const blocks = rust.reduce((a, s) => a + s.requests, 0);
  assert.ok(html.startsWith('<div class="site-tree"><details open><summary><code>all sites</code>'), html.slice(0, 120));
  assert.ok(html.includes(`${total.toLocaleString("en-US")} B in ${blocks.toLocaleString("en-US")} blocks`), "root = sum of sites");
  for (const s of rust) assert.ok(html.includes(s.name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")), s.name);
  assert.ok(html.includes("Collector::new"), "a single-path site's frames are nodes");
  assert.match(html, /2 call paths, counted together/);
  assert.equal((html.match(/<details/g) ?? []).length, (html.match(/<\/details>/g) ?? []).length, "balanced");
  assert.ok(!siteTreeHtml(ledger).includes("[model]") && siteTreeHtml(ledger, { model: true }).includes("[model]"), "MODEL sites on request");
  lab.close();
});

test("the compact call path: innermost two frames, or callers | ... > shared frames", () => {
  assert.equal(compactCallPath({ callPaths: [["a", "b", "c"]] }), "b > c");
  assert.equal(compactCallPath({ callPaths: [["x", "new", "Vec::push"], ["y", "roll", "Vec::push"]] }), "new | roll > Vec::push");
  assert.equal(compactCallPath({ callPaths: [] }), "-");
});
