// `--report DIR`: the HTML page, runs.json and one DHAT heap profile per run, checked as files and
// then rendered in headless Chromium (Debian's `chromium`, which .ci/run installs).
//
// DHAT's format (dhatFileVersion 2, as DHAT's own dh_view.html reads it): with bklt true every
// program point has tb/tbk (total bytes/blocks), tl (total lifetime), mb/mbk (maximum live),
// gb/gbk (live at the global peak t-gmax), eb/ebk (live at the end) and fs (indexes into ftbl,
// whose entry 0 is "[root]"). segstream makes each Rust allocation site one program point.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inflateSync } from "node:zlib";
import { DIAGNOSE_CASES } from "../src/scenarios/diagnose.js";
import { ARC_PAGE, SITE, slotArray } from "./rust-reference.js";
import { requireChromium, runChromium, type ChromiumResult } from "./chromium.js";

// dist/tests/report.test.js -> dist/src/cli/main.js
const MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

const MIB = 1024 * 1024;
const TABLE = 2 ** 24 * 16; // capacity 10,000,000: next power of two of 10,000,000 x 8/7 slots of 16 bytes
const SLOTS = slotArray(64);
/** A short seed scenario for diagnose: every case in a few seconds, as-written failing in warm-up. */
const SHORT_DIAGNOSE = ["--warm-up-ms", "30", "--measurement-ms", "50", "--sample-size", "10", "--limit", "262MiB"];

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 120_000, maxBuffer: 64 * MIB }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

interface Report {
  dir: string;
  stdout: Record<string, any>;
  runs: Record<string, any>[];
  html: string;
  profiles: Map<string, Dhat>;
}

interface Pp {
  tb: number; tbk: number; tl: number; mb: number; mbk: number; gb: number; gbk: number; eb: number; ebk: number; fs: number[];
}
interface Dhat {
  dhatFileVersion: number; mode: string; verb: string; bklt: boolean; bkacc: boolean; tu: string; Mtu: string; tuth: number;
  cmd: string; pid: number; te: number; tg: number; pps: Pp[]; ftbl: string[];
}

async function makeReport(prefix: string, ...args: string[]): Promise<Report> {
  const dir = tempDir(prefix);
  const r = await cli(...args, "--json", "--report", dir);
  assert.equal(r.code, 0, r.stderr);
  for (const name of ["index.html", "runs.json", "dhat"]) assert.ok(existsSync(join(dir, name)), `${name} written`);
  const profiles = new Map<string, Dhat>();
  for (const name of readdirSync(join(dir, "dhat")).sort()) {
    assert.match(name, /\.dhat\.json$/);
    profiles.set(name, JSON.parse(readFileSync(join(dir, "dhat", name), "utf8")));
  }
  return {
    dir,
    stdout: JSON.parse(r.stdout),
    runs: JSON.parse(readFileSync(join(dir, "runs.json"), "utf8")),
    html: readFileSync(join(dir, "index.html"), "utf8"),
    profiles,
  };
}

let reproduceReport: Promise<Report> | undefined;
let diagnoseReport: Promise<Report> | undefined;
const reproduced = () => (reproduceReport ??= makeReport("segstream-report-", "reproduce"));
const diagnosed = () => (diagnoseReport ??= makeReport("segstream-diagnose-report-", "diagnose", ...SHORT_DIAGNOSE));

const PP_FIELDS = ["tb", "tbk", "tl", "mb", "mbk", "gb", "gbk", "eb", "ebk"] as const;

test("every virtual-clock run of a report has its trace-event timeline beside its DHAT profile", async () => {
  for (const report of [await reproduced(), await diagnosed()]) {
    const traces = readdirSync(join(report.dir, "trace")).sort();
    assert.deepEqual(traces.map((n) => n.replace(/\.trace\.json$/, "")), [...report.profiles.keys()].map((n) => n.replace(/\.dhat\.json$/, "")));
    for (const name of traces) {
      const trace = JSON.parse(readFileSync(join(report.dir, "trace", name), "utf8"));
      assert.ok(trace.traceEvents.some((e: { ph: string }) => e.ph === "X"), `${name}: Criterion's calls as spans`);
      assert.ok(trace.traceEvents.some((e: { ph: string }) => e.ph === "C"), `${name}: the footprint as counters`);
    }
  }
  const [seed] = readdirSync(join((await reproduced()).dir, "trace"));
  const refused = JSON.parse(readFileSync(join((await reproduced()).dir, "trace", seed), "utf8")).traceEvents.filter((e: { ph: string }) => e.ph === "i");
  assert.deepEqual(refused.map((e: { args: Record<string, unknown> }) => [e.args.site, e.args.bytes, e.args.instance]), [["OptimisedIndex.table", TABLE, 516_686]]);
});

/** The fields DHAT's viewer requires for a heap profile with block lifetimes, and their invariants. */
function checkDhat(p: Dhat, command: string): void {
  assert.equal(p.dhatFileVersion, 2);
  assert.equal(p.mode, "heap");
  assert.equal(p.verb, "Allocated");
  assert.equal(p.bklt, true);
  assert.equal(p.bkacc, false);
  for (const k of ["tu", "Mtu", "cmd"] as const) assert.equal(typeof p[k], "string", k);
  assert.ok(p.cmd.includes(command), p.cmd);
  for (const k of ["tuth", "pid", "te", "tg"] as const) assert.ok(Number.isSafeInteger(p[k]) && p[k] >= 0, `${k} = ${p[k]}`);
  assert.ok(p.tg <= p.te, "t-gmax is within the run");
  assert.equal(p.ftbl[0], "[root]");
  assert.ok(p.ftbl.every((f) => typeof f === "string"));
  assert.ok(p.pps.length > 0);
  const used = new Set<number>();
  for (const pp of p.pps) {
    assert.deepEqual(Object.keys(pp).sort(), [...PP_FIELDS, "fs"].sort());
    for (const k of PP_FIELDS) assert.ok(Number.isSafeInteger(pp[k]) && pp[k] >= 0, `${k} = ${pp[k]}`);
    assert.ok(pp.fs.length > 0 && pp.fs.every((i) => Number.isInteger(i) && i >= 1 && i < p.ftbl.length), `fs ${pp.fs}`);
    pp.fs.forEach((i) => used.add(i));
    assert.ok(pp.eb <= pp.mb && pp.gb <= pp.mb && pp.mb <= pp.tb, "end and t-gmax bytes <= maximum <= total");
    assert.ok(pp.ebk <= pp.mbk && pp.gbk <= pp.mbk && pp.mbk <= pp.tbk, "same for blocks");
  }
  assert.equal(used.size, p.ftbl.length - 1, "every frame but [root] belongs to a program point");
}

function pp(p: Dhat, site: string): Pp {
  const frame = p.ftbl.findIndex((f) => f.endsWith(`: ${site}`));
  assert.ok(frame > 0, `frame for ${site}`);
  const found = p.pps.find((x) => x.fs.includes(frame));
  assert.ok(found, `program point for ${site}`);
  return found;
}

/** Each <svg>...</svg> of a page. */
function svgs(html: string): string[] {
  return [...html.matchAll(/<svg\b[\s\S]*?<\/svg>/g)].map((m) => m[0]);
}

const yTicks = (svg: string) => [...svg.matchAll(/text-anchor="end" font-size="11">([^<]*MiB)</g)].map((m) => m[1]);
const seriesCount = (svg: string) => (svg.match(/<path\b[^>]*\bclass="series(?: area)?"/g) ?? []).length;
const markerCount = (svg: string) => (svg.match(/<line\b[^>]*\bclass="marker"/g) ?? []).length;

test("reproduce --report: runs.json, a DHAT profile consistent with the run, and a chart with its series and markers", async () => {
  const r = await reproduced();
  assert.deepEqual(r.runs, [r.stdout], "runs.json holds what --json prints");
  const run = r.runs[0];
  assert.equal(run.outcome, "allocation-failed");
  const n = run.instance as number;

  assert.deepEqual([...r.profiles.keys()], ["01-seed-as-written.dhat.json"]);
  const p = r.profiles.get("01-seed-as-written.dhat.json")!;
  checkDhat(p, "reproduce");
  // The table: one 256 MiB block per instance built, one at a time, none left.
  const table = pp(p, SITE.table);
  assert.equal(table.tbk, run.instancesCreated);
  assert.equal(table.tb, table.tbk * TABLE);
  assert.equal(table.mb, TABLE);
  assert.equal(table.mbk, 1);
  assert.equal(table.eb, 0);
  // The pages: one per instance that got as far as its stream (the failing one too). At the refusal
  // all were live (the failure record's figures); the refused construction then unwound its own
  // stream, leaving nothing, so the profile's end holds the dropped instances' pages alone.
  for (const [site, bytes] of [[SITE.arc, ARC_PAGE], [SITE.slots, SLOTS]] as const) {
    const x = pp(p, site);
    assert.equal(x.tbk, n, site);
    assert.equal(x.tb, n * bytes, site);
    assert.equal(run.liveBytesBySite[site], n * bytes, `${site} at the refusal`);
    assert.equal(x.ebk, run.instancesCreated, site);
    assert.equal(x.eb, run.instancesCreated * bytes, site);
  }
  // At t-gmax every site together held the run's peak.
  assert.equal(p.pps.reduce((sum, x) => sum + x.gb, 0), run.peakLiveBytes);
  assert.equal(run.largestRequest, TABLE);

  const charts = svgs(r.html);
  assert.equal(charts.length, 1, "one chart per run");
  assert.ok(seriesCount(charts[0]) >= 2, "series: the page sites and the footprint");
  assert.equal(markerCount(charts[0]), 2, "the limit and the failure");
  assert.ok(charts[0].includes(`refused at instance ${n.toLocaleString("en-US")}`));
  checkStory(charts[0], r.html, run);
});

/** The story chart: stacked areas, Criterion's rounds shaded, the refused bar at the failure marker's x, victim and culprit from the run. */
function checkStory(svg: string, html: string, run: Record<string, any>): void {
  assert.ok((svg.match(/class="series area"/g) ?? []).length >= 3, "stacked areas: sites and the allocator's share");
  assert.ok(svg.includes(`warm-up round ${run.round}`), "the failing warm-up round shaded and labelled");
  assert.ok(svg.includes("modelled time (virtual clock, not measured)"), "the second axis says its time is modelled");
  const markerX = [...svg.matchAll(/<line class="marker" x1="([\d.]+)" y1="[\d.]+" x2="\1"/g)].map((m) => Number(m[1]));
  assert.equal(markerX.length, 1, "one vertical failure marker");
  const bar = svg.match(/<path class="series" d="M([\d.]+),([\d.]+)L([\d.]+),([\d.]+)"[^>]*stroke-width="8"/);
  assert.ok(bar, "the refused request drawn as a bar");
  assert.ok(Math.abs(Number(bar[1]) - markerX[0]) < 0.1, `bar at x ${bar[1]}, failure marker at ${markerX[0]}`);
  assert.equal(bar[1], bar[3], "the bar is vertical");
  const limitY = Number(svg.match(/<line class="marker" x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="\1"/)![1]);
  assert.ok(Number(bar[2]) > limitY && Number(bar[4]) < limitY, `the bar (${bar[2]} to ${bar[4]}) crosses the limit at y ${limitY}`);
  const mib = run.failedRequest.bytes / MIB;
  assert.ok(svg.includes(`victim: ${run.failedRequest.site}, ${mib} MiB, requested anew by every setup`), "victim label from the failure record");
  assert.match(svg, new RegExp(`culprit: [^<]*ArcInner[^<]*Page.slots[^<]*, ${run.retainedBytesPerInstance.toLocaleString("en-US")} B per dropped instance`));
  const e = run.explanation;
  const reach = e.footprintAtFailureBytes + e.requestFootprintBytes;
  const n = (x: number) => x.toLocaleString("en-US");
  assert.ok(svg.includes(`refused: ${n(e.requestFootprintBytes)} B of footprint on ${n(e.footprintAtFailureBytes)} B would reach ${n(reach)} B, ${n(reach - e.limitBytes)} B past the ${n(e.limitBytes)} B limit`),
    "the refusal's arithmetic beside the bar, from the explanation's own figures");
  assert.ok(html.includes("Why this request failed at this instance"), "the arithmetic on the page");
  assert.ok(html.includes("The scenario&#39;s settings") || html.includes("The scenario's settings"), "the settings on the page");
  assert.ok(html.includes("host buffer") && html.includes("not part of the Rust heap"), "model-only sites shown apart");
  assert.ok(html.includes('id="site-tree"'), "the site tree's place");
}

test("diagnose --report (short scenario): one chart, one runs.json entry and one DHAT profile per case", async () => {
  const r = await diagnosed();
  const rows = (r.stdout.rows as { case: string; run: Record<string, any> }[]);
  assert.equal(rows.length, DIAGNOSE_CASES.length);
  assert.deepEqual(r.runs, rows.map((x) => x.run), "runs.json holds each case's run");
  assert.equal(r.profiles.size, rows.length);
  const charts = svgs(r.html);
  assert.equal(charts.length, rows.length, "one chart per run");
  rows.forEach((row, i) => {
    const name = [...r.profiles.keys()][i];
    assert.ok(name.startsWith(String(i + 1).padStart(2, "0")), `${name} in case order`);
    const p = r.profiles.get(name)!;
    checkDhat(p, "diagnose");
    // (Under the short scenario's 262 MiB, a HashMap table's 285 MB is refused at the first setup: no table built.)
    if (row.run.tableBytes > 0 && row.run.instancesCreated > 0) {
      const table = pp(p, SITE.table);
      assert.equal(table.tb, table.tbk * row.run.tableBytes, `${row.case}: table bytes`);
      assert.equal(table.tbk, row.run.instancesCreated, `${row.case}: one table per instance built`);
    }
    assert.ok(seriesCount(charts[i]) >= 1, `${row.case}: series drawn`);
    assert.equal(markerCount(charts[i]), 1 + (row.run.outcome === "allocation-failed" ? 1 : 0), `${row.case}: limit (+ failure) markers`);
    // Shared axes: every small multiple has the same y ticks.
    assert.deepEqual(yTicks(charts[i]), yTicks(charts[0]), `${row.case}: shared y-axis`);
  });
  // Each case's name and verdict beside its chart, and in the table.
  const beside = [...r.html.matchAll(/<div class="verdict"><h3>([^<]+)<\/h3><p><b>([^<]+)<\/b>/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(beside, rows.map((x: any) => [x.case, x.matches ? (x.requires ? "matches only if..." : "explains the failure") : "ruled out"]));
  for (const row of rows) assert.ok(r.html.includes(`<tr><td>${row.case}</td>`), `${row.case} named in the table`);
  assert.equal(rows[0].run.phase, "warm-up", "as-written still fails in the short warm-up");
});

// ---- Headless Chromium -------------------------------------------------------------------------

/** Runs Chromium headless (tests/chromium.ts) with a fresh profile directory removed after the tests. */
function chromium(bin: string, args: string[]): Promise<ChromiumResult> {
  return runChromium(bin, args, tempDir("segstream-chromium-"));
}

interface Image {
  width: number;
  height: number;
  /** RGB triples, row by row. */
  rgb: Uint8Array;
}

/** A minimal PNG decoder: 8-bit RGB or RGBA, not interlaced (what Chromium's --screenshot writes). */
function decodePng(file: Buffer): Image {
  assert.deepEqual([...file.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "PNG signature");
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < file.length; ) {
    const length = file.readUInt32BE(at);
    const type = file.toString("latin1", at + 4, at + 8);
    const data = file.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, "bit depth 8");
      assert.ok(data[9] === 2 || data[9] === 6, `colour type ${data[9]} (RGB or RGBA)`);
      assert.equal(data[12], 0, "not interlaced");
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === "IDAT") {
      idat.push(data);
    }
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else assert.equal(filter, 0, `row ${y}: filter ${filter}`);
      out[i] = v & 0xff;
    }
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(pixels.subarray(i * channels, i * channels + 3), i * 3);
  return { width, height, rgb };
}

function hexColor(hex: string): [number, number, number] {
  const h = hex.replace("#", "");
  const full = h.length === 3 ? [...h].map((c) => c + c).join("") : h;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

function pixelsOf(image: Image, [r, g, b]: [number, number, number], tolerance = 12): number {
  let n = 0;
  const px = image.rgb;
  for (let i = 0; i < px.length; i += 3) {
    if (Math.abs(px[i] - r) <= tolerance && Math.abs(px[i + 1] - g) <= tolerance && Math.abs(px[i + 2] - b) <= tolerance) n++;
  }
  return n;
}

test("the reports render in headless Chromium: every chart in the DOM, and drawn on screen", async (t) => {
  const bin = requireChromium(t, "the report's rendering");
  if (!bin) return;
  const [rep, diag] = await Promise.all([reproduced(), diagnosed()]);

  // The DOM after loading: as many charts as runs, each with its series and markers.
  for (const [report, runs] of [[rep, 1], [diag, DIAGNOSE_CASES.length]] as const) {
    const page = join(report.dir, "index.html");
    const dom = await chromium(bin, ["--dump-dom", pathToFileURL(page).href]);
    assert.equal(dom.code, 0, dom.stderr.slice(-2000));
    const charts = svgs(dom.stdout);
    assert.equal(charts.length, runs, `${page}: one <svg> per run in the rendered DOM`);
    for (const svg of charts) {
      assert.ok(seriesCount(svg) >= 1, "path.series present");
      assert.ok(markerCount(svg) >= 1, "marker line present");
    }
  }

  // A screenshot of the reproduce report: a real image, with every series' colour drawn as a line
  // (a legend swatch is 10 x 10 pixels; each line runs for hundreds).
  const png = join(tempDir("segstream-shot-"), "report.png");
  const shot = await chromium(bin, [`--screenshot=${png}`, "--window-size=1200,2000", pathToFileURL(join(rep.dir, "index.html")).href]);
  assert.equal(shot.code, 0, shot.stderr.slice(-2000));
  assert.ok(existsSync(png), "screenshot written");
  assert.ok(statSync(png).size > 20_000, `screenshot is ${statSync(png).size} bytes`);
  const image = decodePng(readFileSync(png));
  assert.equal(image.width, 1200);
  assert.equal(image.height, 2000);
  const chart = svgs(rep.html)[0];
  const colors = new Set([...chart.matchAll(/<path\b[^>]*\bclass="series(?: area)?"[^>]*\bstroke="(#[0-9a-fA-F]{3,6})"/g)].map((m) => m[1]));
  for (const m of chart.matchAll(/<line\b[^>]*\bclass="marker"[^>]*\bstroke="(#[0-9a-fA-F]{3,6})"/g)) colors.add(m[1]);
  // Greys are left out: anti-aliased black text makes plenty of grey pixels on its own.
  const chromatic = [...colors].filter((c) => new Set(hexColor(c)).size > 1);
  assert.ok(chromatic.length >= 3, `colours: ${[...colors]}`);
  for (const color of chromatic) {
    const n = pixelsOf(image, hexColor(color));
    assert.ok(n > 300, `${color}: ${n} pixels drawn`);
  }
});
