// The `segstream` command, run as a child process: JSON and text reports, help, and bad usage.
//
// Figures: the as-written probe retains one ArcInner<Page<V16>> (16 + 40 bytes) and one slot array
// (64 x 16 bytes) per instance (../shared/reference/rust-original.md, "Layouts on x86-64").

import { test } from "node:test";
import assert from "node:assert/strict";
import { cli } from "./cli-run.js";
import { SITE } from "./rust-reference.js";

const PER_INSTANCE = 16 + 40 + 64 * 16;


test("probe as-written --instances 1000 --json: every field, with the right figures", async () => {
  const r = await cli("probe", "as-written", "--instances", "1000", "--json");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const json = JSON.parse(r.stdout);
  assert.equal(json.variant, "as-written");
  assert.equal(json.instances, 1000);
  for (const field of ["liveBytes", "liveBlocks", "peakBytes", "requests", "largestRequest", "retainedBytesPerInstance", "invalidFrees"]) {
    assert.equal(typeof json[field], "number", `${field} is a number`);
  }
  assert.equal(json.liveBytes, 1000 * PER_INSTANCE);
  assert.equal(json.liveBlocks, 2000);
  assert.equal(json.retainedBytesPerInstance, PER_INSTANCE);
  assert.equal(json.requests, 3000, "3 Rust allocations per SegmentedStream::new");
  assert.equal(json.largestRequest, 64 * 16);
  assert.equal(json.invalidFrees, 0);
  assert.ok(json.peakBytes >= json.liveBytes);
  assert.ok(Array.isArray(json.sites) && json.sites.length > 0);
  for (const s of json.sites) {
    assert.equal(typeof s.name, "string");
    for (const k of ["requests", "requestedBytes", "liveBytes", "liveBlocks"]) assert.equal(typeof s[k], "number", `${s.name}.${k}`);
  }
  const arc = json.sites.find((s: { name: string }) => s.name === SITE.arc);
  assert.ok(arc);
  assert.equal(arc.liveBytes, 1000 * (16 + 40));
  assert.equal(arc.requests, 1000);
});

test("probe box-drop --json counts the invalid frees", async () => {
  const r = await cli("probe", "box-drop", "--instances", "500", "--json");
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.invalidFrees, 500);
  assert.equal(json.retainedBytesPerInstance, 16 + 40);
});

test("text output states the per-instance retention", async () => {
  const r = await cli("probe", "as-written", "--instances", "1000");
  assert.equal(r.code, 0, r.stderr);
  // the report groups thousands (en-US), e.g. "retained per instance     1,080 bytes in 2 blocks"
  assert.match(r.stdout, new RegExp(`retained per instance\\s+${PER_INSTANCE.toLocaleString("en-US")} bytes in 2 blocks`));
  assert.match(r.stdout, /ArcInner<Page<V16>>/);
  const explicit = await cli("probe", "explicit-drop", "--instances", "1000");
  assert.equal(explicit.code, 0, explicit.stderr);
  assert.match(explicit.stdout, /retained per instance\s+0 bytes in 0 blocks/);
});

test("--help, top level and for probe: exit 0 and print usage", async () => {
  const [top, topShort, probe] = await Promise.all([cli("--help"), cli("-h"), cli("probe", "--help")]);
  for (const r of [top, topShort]) {
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: segstream <command>/);
    assert.match(r.stdout, /probe/);
    assert.equal(r.stderr, "");
  }
  assert.equal(probe.code, 0);
  assert.match(probe.stdout, /^usage: segstream probe <variant>/);
  for (const option of ["--instances", "--page-slots", "--appends", "--limit", "--growth", "--json", "--help"]) {
    assert.ok(probe.stdout.includes(option), `probe help mentions ${option}`);
  }
  for (const variant of ["as-written", "explicit-drop", "box-drop", "mock"]) assert.ok(probe.stdout.includes(variant));
  assert.equal(probe.stderr, "");
});

test("bad arguments: one line on stderr, nothing on stdout, exit code 2", async () => {
  const cases: [string[], RegExp][] = [
    [["probe", "nope"], /variant/],
    [["probe", "as-written", "--instances", "-5"], /--instances/],
    [["probe", "as-written", "--instances", "1.5"], /--instances/],
    [["probe", "as-written", "--instances", "abc"], /--instances/],
    [["probe", "as-written", "--instances", ""], /--instances/],
    [["probe", "as-written", "--page-slots", "3"], /--page-slots/],
    [["probe", "as-written", "--page-slots", "0"], /--page-slots/],
    [["probe", "as-written", "--growth", "sideways"], /--growth/],
    [["probe", "as-written", "--limit", "lots"], /--limit/],
    [["probe", "as-written", "--bogus"], /bogus/],
    [["probe", "as-written", "extra"], /extra/],
    [["probe"], /variant/],
    [["frobnicate"], /frobnicate/],
  ];
  const runs = await Promise.all(cases.map(([args]) => cli(...args)));
  runs.forEach((r, i) => {
    const [args, mentions] = cases[i];
    const what = args.join(" ");
    assert.equal(r.code, 2, `${what}: exit code`);
    assert.equal(r.stdout, "", `${what}: nothing on stdout`);
    assert.ok(r.stderr.endsWith("\n"), `${what}: stderr ends in a newline`);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, `${what}: one line on stderr, got ${JSON.stringify(r.stderr)}`);
    assert.match(r.stderr, mentions, `${what}: names the problem`);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/, `${what}: no stack trace`);
  });
});
