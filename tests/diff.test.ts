// `segstream diff A B`, through the CLI as a user runs it: a run against itself is identical (text
// and JSON); the seed against a fixed variant and against a higher limit shows the failure gone or
// moved and the sites that changed, every figure checked against the two runs' own JSON; bad
// inputs are one line and exit code 2. Scenarios are small (a 2 MiB table, a 40 MiB limit).

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "./cli-run.js";

const SMALL = ["--index-capacity", "100000", "--limit", "40MiB"];
const SHORT = ["--warm-up-ms", "100", "--measurement-ms", "100", "--sample-size", "10"];

const dir = mkdtempSync(join(tmpdir(), "segstream-diff-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function runJson(name: string, ...args: string[]): Promise<{ path: string; json: any }> {
  const r = await cli("reproduce", ...args, "--json");
  assert.equal(r.code, 0, r.stderr);
  const path = join(dir, name);
  writeFileSync(path, r.stdout);
  return { path, json: JSON.parse(r.stdout) };
}

async function diffJson(...args: string[]): Promise<any> {
  const r = await cli("diff", ...args, "--json");
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const seed = runJson("seed.json", ...SMALL);

test("diff of a run with itself: identical, in text and in JSON", async () => {
  const { path } = await seed;
  const text = await cli("diff", path, path);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^identical: /m);
  assert.doesNotMatch(text.stdout, /B - A/, "no table when nothing differs");
  const d = await diffJson(path, path);
  assert.equal(d.format, "segstream-diff/1");
  assert.equal(d.identical, true);
  assert.equal(d.failure.change, "same");
  assert.ok(d.sites.every((s: any) => !s.differs && Object.values(s.figures).every((c: any) => c.delta === 0)));
});

test("diff of the seed and a fixed variant: the failure is gone, the retaining sites changed, figures from both runs' JSON", async () => {
  const a = await seed;
  const b = await runJson("fixed.json", ...SMALL, ...SHORT, "--variant", "explicit-drop");
  assert.equal(a.json.outcome, "allocation-failed");
  assert.equal(b.json.outcome, "completed");
  const d = await diffJson(a.path, b.path);
  assert.equal(d.identical, false);
  assert.equal(d.failure.change, "gone");
  assert.deepEqual(d.failure.a, { site: a.json.failedRequest.site, bytes: a.json.failedRequest.bytes, instance: a.json.instance, phase: a.json.phase, round: a.json.round, reason: a.json.failedRequest.reason });
  assert.equal(d.failure.b, null);
  for (const row of d.sites) {
    const sa = a.json.sites.find((s: any) => s.name === row.site);
    const sb = b.json.sites.find((s: any) => s.name === row.site);
    for (const f of ["requests", "requestedBytes", "liveBytes", "peakLiveBytes", "largestRequest"]) {
      assert.equal(row.figures[f].a, sa?.[f] ?? 0, `${row.site} ${f} A`);
      assert.equal(row.figures[f].b, sb?.[f] ?? 0, `${row.site} ${f} B`);
      assert.equal(row.figures[f].delta, row.figures[f].b - row.figures[f].a);
    }
  }
  // The pages the as-written stream retains are live in A at its failure, freed in B.
  const retained = d.sites.filter((s: any) => s.figures.liveBytes.a > 0 && s.figures.liveBytes.b === 0 && s.rust);
  assert.ok(retained.length >= 2, "ArcInner<Page> and Page.slots at least");
  const firstSame = d.sites.findIndex((s: any) => !s.differs);
  assert.ok(firstSame < 0 || d.sites.slice(firstSame).every((s: any) => !s.differs), "sites that differ come first");
  assert.equal(d.total.peakLiveBytes.a, a.json.peakLiveBytes);
  assert.equal(d.total.peakLiveBytes.b, b.json.peakLiveBytes);
  const rustLive = (j: any) => j.sites.filter((s: any) => s.rust).reduce((n: number, s: any) => n + s.liveBytes, 0);
  assert.equal(d.total.liveBytes.a, rustLive(a.json));
  assert.equal(d.total.liveBytes.b, rustLive(b.json));

  const text = await cli("diff", a.path, b.path);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /B no longer fails/);
  assert.match(text.stdout, new RegExp(`at instance ${a.json.instance.toLocaleString("en-US")}`));
  for (const s of retained) assert.ok(text.stdout.includes(s.site), `${s.site} listed as changed`);
});

test("diff of a run and a scenario spec with a higher limit: the failure moves later", async () => {
  const a = await seed;
  const spec = join(dir, "higher.scenario.json");
  writeFileSync(spec, JSON.stringify({ indexCapacity: 100000, memory: { limitBytes: 48 * 1024 * 1024 } }));
  const d = await diffJson(a.path, spec);
  assert.equal(d.b.kind, "scenario");
  assert.equal(d.failure.change, "moved");
  assert.ok(d.failure.b.instance > d.failure.a.instance, "a higher limit fails later");
  assert.equal(d.failure.instanceDelta, d.failure.b.instance - d.failure.a.instance);
  assert.equal(d.failure.a.instance, a.json.instance);
  // The spec's own run, as reproduce prints it, gives the same B.
  const b = await runJson("higher.json", "--scenario", spec);
  assert.equal(d.failure.b.instance, b.json.instance);
  assert.equal(d.total.requests.b, b.json.sites.filter((s: any) => s.rust).reduce((n: number, s: any) => n + s.requests, 0));
});

test("diff --report DIR writes a static page and diff.json", async () => {
  const a = await seed;
  const out = join(dir, "report");
  const r = await cli("diff", a.path, a.path, "--report", out);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(join(out, "index.html"), "utf8");
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /identical/);
  assert.ok(html.includes(a.json.failedRequest.site));
  assert.equal(JSON.parse(readFileSync(join(out, "diff.json"), "utf8")).identical, true);
});

test("diff: bad inputs are one line naming the file and the problem, exit code 2", async () => {
  const { path } = await seed;
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const old = JSON.parse(readFileSync(path, "utf8"));
  const cases: [string[], RegExp][] = [
    [[path, join(dir, "missing.json")], /B ".*missing\.json" does not exist/],
    [[write("text.json", "not json"), path], /A ".*text\.json" is not valid JSON/],
    [[path, write("neither.json", '{"colour":1}')], /unknown field.*expected a run's JSON \(fields format, outcome/],
    [[path, write("v0.json", JSON.stringify({ ...old, format: "segstream-run/0" }))], /format "segstream-run\/0"; this segstream reads segstream-run\/1/],
    [[path, write("noformat.json", JSON.stringify({ ...old, format: undefined }))], /without a format version/],
    [[path, write("partial.json", JSON.stringify({ format: "segstream-run/1", outcome: "completed" }))], /missing variant, failedRequest/],
    [[write("two.json", JSON.stringify([old, old])), path], /holds 2 runs; choose one with its --run-a\/--run-b/],
    [[path], /missing <B>/],
  ];
  for (const [args, message] of cases) {
    const r = await cli("diff", ...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split("\n").length, 1, "one line");
  }
  const picked = await diffJson(join(dir, "two.json"), path, "--run-a", "2");
  assert.equal(picked.identical, true);
});

test("diff --help states the inputs and options; the top-level help lists diff", async () => {
  const [help, top] = await Promise.all([cli("diff", "--help"), cli("--help")]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^usage: segstream diff A B/);
  for (const option of ["--run-a", "--run-b", "--json", "--report"]) assert.ok(help.stdout.includes(option), option);
  assert.match(top.stdout, /^ {2}diff +compare two runs/m);
});
