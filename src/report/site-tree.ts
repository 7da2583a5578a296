// The allocation sites as a call tree, for an HTML page: static <details> nodes, outermost frame at
// the top, each node showing the requested bytes and blocks of everything below it.
//
// The tree is built from the program points of the ledger (program-points.ts): each modelled Rust
// call path (assembly/memory/sites.ts) hangs as a leaf at the end of its frames with the figures
// the ledger kept for it, so a site made from several points (Page.slots by SegmentedStream::new
// and by roll_over) is split between them, and every node's figures are exact sums.
// No script: the page around it (another module's) only embeds the returned HTML.

import type { Figures, LedgerSnapshot } from "../memory/ledger.js";
import { escapeXml as escapeHtml } from "./svg.js";
import { programPoints, type ProgramPoint } from "./program-points.js";

interface Node {
  frame: string;
  children: Map<string, Node>;
  leaves: ProgramPoint[];
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
  for (const point of programPoints(ledger, (s) => s.rust || options.model === true)) place(root, point);
  return `<div class="site-tree">${render(root, true)}</div>`;
}

function node(frame: string): Node {
  return { frame, children: new Map(), leaves: [], bytes: 0, blocks: 0 };
}

function count(n: Node, f: Figures): void {
  n.bytes += f.requestedBytes;
  n.blocks += f.requests;
}

function place(root: Node, point: ProgramPoint): void {
  let at = root;
  count(at, point.figures);
  for (const frame of point.path) {
    let next = at.children.get(frame);
    if (!next) at.children.set(frame, (next = node(frame)));
    at = next;
    count(at, point.figures);
  }
  at.leaves.push(point);
}

function figures(bytes: number, blocks: number): string {
  return `<span class="figures">${bytes.toLocaleString("en-US")} B in ${blocks.toLocaleString("en-US")} blocks</span>`;
}

function render(n: Node, open: boolean): string {
  const children = [...n.children.values()].sort((a, b) => b.bytes - a.bytes).map((c) => render(c, false));
  const leaves = n.leaves.map(siteLeaf);
  return `<details${open ? " open" : ""}><summary><code>${escapeHtml(n.frame)}</code> ${figures(n.bytes, n.blocks)}</summary>${children.join("")}${leaves.join("")}</details>`;
}

function siteLeaf({ site, figures: f }: ProgramPoint): string {
  return `<div class="site-leaf"><span class="site">${escapeHtml(site.name)}${site.rust ? "" : " [model]"}</span> ${figures(f.requestedBytes, f.requests)}</div>`;
}
