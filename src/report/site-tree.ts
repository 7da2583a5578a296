// The allocation sites as a call tree, for an HTML page: static <details> nodes, outermost frame at
// the top, each node showing the requested bytes and blocks of everything below it.
//
// The tree is built from the modelled Rust call paths the module gives each site
// (assembly/memory/sites.ts, read into SiteFigures.callPaths). A site with one path hangs as a leaf
// at the end of it. The ledger counts per site, not per program point, so a site reached from
// several points cannot be split between them: it hangs at the deepest frame all its paths share
// (the root if none), and its leaf lists the paths it merges. So every node's figures are exact sums.
// No script: the page around it (another module's) only embeds the returned HTML.

import type { LedgerSnapshot, SiteFigures } from "../memory/ledger.js";
import { escapeXml as escapeHtml } from "./svg.js";
import { commonPrefix } from "./call-path.js";

interface Node {
  frame: string;
  children: Map<string, Node>;
  sites: SiteFigures[];
  bytes: number;
  blocks: number;
}

export interface SiteTreeOptions {
  /** Include MODEL sites (storage only the model needs); default false: the native program's heap. */
  model?: boolean;
}

/** The site tree of a ledger snapshot as one HTML fragment (a <div class="site-tree">). */
export function siteTreeHtml(ledger: LedgerSnapshot, options: SiteTreeOptions = {}): string {
  const root = node("all sites");
  for (const s of ledger.sites) {
    if (s.requests > 0 && (s.rust || options.model)) place(root, s);
  }
  return `<div class="site-tree">${render(root, true)}</div>`;
}

function node(frame: string): Node {
  return { frame, children: new Map(), sites: [], bytes: 0, blocks: 0 };
}

function place(root: Node, s: SiteFigures): void {
  const path = s.callPaths.length === 1 ? s.callPaths[0] : commonPrefix(s.callPaths);
  let at = root;
  at.bytes += s.requestedBytes;
  at.blocks += s.requests;
  for (const frame of path) {
    let next = at.children.get(frame);
    if (!next) at.children.set(frame, (next = node(frame)));
    at = next;
    at.bytes += s.requestedBytes;
    at.blocks += s.requests;
  }
  at.sites.push(s);
}

function figures(bytes: number, blocks: number): string {
  return `<span class="figures">${bytes.toLocaleString("en-US")} B in ${blocks.toLocaleString("en-US")} blocks</span>`;
}

function render(n: Node, open: boolean): string {
  const children = [...n.children.values()].sort((a, b) => b.bytes - a.bytes).map((c) => render(c, false));
  const leaves = n.sites.map(siteLeaf);
  return `<details${open ? " open" : ""}><summary><code>${escapeHtml(n.frame)}</code> ${figures(n.bytes, n.blocks)}</summary>${children.join("")}${leaves.join("")}</details>`;
}

function siteLeaf(s: SiteFigures): string {
  const head = `<span class="site">${escapeHtml(s.name)}${s.rust ? "" : " [model]"}</span> ${figures(s.requestedBytes, s.requests)}`;
  if (s.callPaths.length <= 1) return `<div class="site-leaf">${head}</div>`;
  const paths = s.callPaths.map((p) => `<li><code>${escapeHtml(p.join(" > "))}</code></li>`).join("");
  return `<details class="site-leaf"><summary>${head} (${s.callPaths.length} call paths, counted together)</summary><ul>${paths}</ul></details>`;
}
