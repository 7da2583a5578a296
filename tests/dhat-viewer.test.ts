// DHAT profiles open in valgrind's own viewer: dh_view.html (Debian's valgrind, /usr/libexec/valgrind)
// in headless Chromium. The viewer loads a file through a file <input>; headless there is no one to
// pick it, so the test serves a copy of the viewer from a temp directory with two small scripts
// added: profile.js (the profile as a JS value) and driver.js, which wraps it in a File, puts it in
// the viewer's own input element (gInput) and calls the viewer's own loadFile(). --virtual-time-budget
// lets the FileReader finish before --dump-dom prints the DOM. The DOM must show the run's totals,
// every site's frames and the tree's program points, and none of the viewer's error text.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { dhatProfile } from "../src/report/dhat.js";
import { requireChromium, runChromium } from "./chromium.js";
import { smallRun } from "./small-run.js";

const VIEWER = "/usr/libexec/valgrind";
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

const DRIVER = `window.addEventListener("load", () => setTimeout(() => {
  const transfer = new DataTransfer();
  transfer.items.add(new File([JSON.stringify(window.PROFILE)], "segstream.dhat.json", { type: "application/json" }));
  gInput.files = transfer.files;
  loadFile();
}, 0));
`;

/** A copy of dh_view.html that loads the profile itself, in a fresh directory. */
function viewerPage(profile: unknown): string {
  const dir = tempDir("segstream-dhview-");
  for (const f of ["dh_view.js", "dh_view.css"]) copyFileSync(join(VIEWER, f), join(dir, f));
  const html = readFileSync(join(VIEWER, "dh_view.html"), "utf8")
    .replace('<script src="dh_view.js"></script>', '<script src="dh_view.js"></script><script src="profile.js"></script><script src="driver.js"></script>');
  assert.ok(html.includes("driver.js"), "the viewer page still loads dh_view.js from a <script> tag");
  writeFileSync(join(dir, "dh_view.html"), html);
  writeFileSync(join(dir, "profile.js"), `window.PROFILE = ${JSON.stringify(profile)};\n`);
  writeFileSync(join(dir, "driver.js"), DRIVER);
  return join(dir, "dh_view.html");
}

/** The DOM's text, roughly: tags dropped, entities decoded. */
function text(dom: string): string {
  return dom.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}

test("dh_view.html opens a profile from a small run: totals, every site's frames, the tree, no error", async (t) => {
  if (!existsSync(join(VIEWER, "dh_view.html"))) {
    if (process.env.CI) assert.fail(`${VIEWER}/dh_view.html not found: .ci/run must install valgrind`);
    t.skip("valgrind's dh_view.html is not installed (apt-get install -y valgrind)");
    return;
  }
  const bin = requireChromium(t, "DHAT's viewer on the profile");
  if (!bin) return;
  const lab = smallRun();
  const profile = dhatProfile(lab.ledger(), "segstream dhat-viewer test");
  lab.close();

  const dom = await runChromium(bin, ["--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom", pathToFileURL(viewerPage(profile)).href], tempDir("segstream-chromium-"));
  assert.equal(dom.code, 0, dom.stderr.slice(-2000));
  const shown = text(dom.stdout);
  assert.ok(!/error|Loading\.\.\./i.test(shown), `no error or stuck load:\n${shown.slice(0, 2000)}`);
  assert.match(shown, /Invocation \{/, "the viewer displayed the profile");
  assert.ok(shown.includes("segstream dhat-viewer test"), "the command line");

  const tb = profile.pps.reduce((a, p) => a + p.tb, 0);
  const tbk = profile.pps.reduce((a, p) => a + p.tbk, 0);
  const total = new RegExp(`Total:\\s+${tb.toLocaleString("en-US")} bytes \\(100%[^)]*\\) in ${tbk.toLocaleString("en-US")} blocks \\(100%`);
  assert.match(shown, total, `the root's totals are the run's (${tb} bytes in ${tbk} blocks)`);
  for (const frame of profile.ftbl.slice(1)) assert.ok(shown.includes(frame), `frame shown: ${frame}`);
  // DHAT's tree merges program points from their innermost frame out: the root's children are the sites.
  const sites = new Set(profile.pps.map((p) => p.fs[0])).size;
  assert.match(shown, new RegExp(`PP 1/1 \\(${sites} children\\)`), "the root has one child per site");
  const kids = shown.match(/PP 1\.\d+\/\d+/g) ?? [];
  assert.equal(kids.length, sites, `one tree node per site (${kids.join(", ")})`);
  assert.ok(profile.pps.length > sites, "a site with two program points unfolds into both");
  assert.match(shown, /SegmentedStream::roll_over/, "the rollover's point is in the tree");
  assert.match(shown, /#9: OptimisedIndex::upsert/, "a site's frames unfold to the outermost");
});
