// === The page directory: page number -> page, readable without the stream's mutex ===
//
// The Rust stream finds page p through its mutex-guarded `Vec<Arc<Page>>`, whose buffer moves when
// the Vec grows, so a reader without the lock could follow a freed buffer. The model keeps a second
// index of the pages beside it, in model-only memory, whose storage never moves while the stream
// lives: a root of 32 segment pointers, segment 0 holding pages 0 and 1 and segment k >= 1 holding
// pages [2^k, 2^(k+1)). A lookup is two loads, and growing never copies: the rollover that installs
// the first page of segment k allocates segment k (2^k entries), and nothing already published
// changes. Each entry is a Page address (the Arc's data pointer), written once.
//
// Who writes, who reads. Only a rollover writes, under the stream's mutex. It allocates what the new
// page needs (the root at the first rollover, a segment at a segment's first page) BEFORE anything
// else changes, and publishes nothing until every refusable step of the rollover has succeeded
// (directoryCommit): so a refusal frees the fresh blocks no reader could have seen, and the stream
// is left exactly as it was. Readers take no lock: atomic loads of the root, the segment and the
// entry, each followed by the memory-view sync (memory/view.ts), since the thread that rolled over
// may have grown the memory they lie in. An entry is published before `active_page` moves to its
// page, so any index a reader can see below `len` has its page in the directory.
//
// The directory is lazy (allocated at the stream's first rollover, pages 0 and 1 going in then): a
// one-page stream, which is every stream of the seed's benchmark, allocates nothing more than the
// Rust program does. While it is absent, page 0 is the only page (segmented_stream.ts finds it).
//
// ╒══════ PageDirectory root (128 bytes, align 8; a MODEL block at SITE_STREAM_DIRECTORY) ══════╕
//  off  field              here
//   0   segments[32]       u32 each: segment k's address, 0 until allocated
// ╘══════════════════════════════════════════════════════════════════════════════════════════════╛
// ╒══════ segment k (2 entries for k = 0, 2^k for k >= 1; MODEL blocks at the same site) ═══════╕
//   4 x i  pages[i]        u32: the address of page base(k) + i, 0 until installed
// ╘══════════════════════════════════════════════════════════════════════════════════════════════╛

import { SITE_STREAM_DIRECTORY } from "../memory/sites";
import { heapAlloc, heapFree } from "../memory/heap";
import { syncMemoryView } from "../memory/view";

/** One u32 slot of the root (a segment address) or of a segment (a page address). */
@unmanaged export class DirectoryEntry {
  address: u32;
}
// @ts-ignore: decorator
@inline const ENTRY: usize = offsetof<DirectoryEntry>();
/** Segments in the root: enough for 2^32 pages, more than a 4 GiB memory can hold. */
// @ts-ignore: decorator
@inline export const DIRECTORY_SEGMENTS: u32 = 32;
// @ts-ignore: decorator
@inline export const DIRECTORY_ROOT_SIZE: usize = <usize>DIRECTORY_SEGMENTS * ENTRY;
// @ts-ignore: decorator
@inline const DIRECTORY_ALIGN: u32 = 8;
if (ENTRY != 4) ERROR("a directory entry is a wasm32 address (u32)");
if (DIRECTORY_ROOT_SIZE != 128) ERROR("the directory's root must be 32 segment addresses, 128 bytes");

/** What directoryReserve could not get: the rollover must be refused. */
// @ts-ignore: decorator
@inline export const DIRECTORY_REFUSED: u64 = u64.MAX_VALUE;

/** The segment holding page `page`: 0 for pages 0 and 1, else the position of its top bit. */
// @ts-ignore: decorator
@inline export function segmentOf(page: u32): u32 { return 31 - clz<u32>(page | 1); }
/** The first page of segment `k`. */
// @ts-ignore: decorator
@inline export function segmentBase(k: u32): u32 { return k ? <u32>1 << k : 0; }
/** Entries in segment `k`. */
// @ts-ignore: decorator
@inline export function segmentEntries(k: u32): u32 { return k ? <u32>1 << k : 2; }

function segmentBytes(k: u32): u64 { return <u64>segmentEntries(k) * ENTRY; }

function rootSegment(root: usize, k: u32): usize { return <usize>atomic.load<u32>(root + <usize>k * ENTRY); }

/**
 * The page numbered `page`, or 0 if it is not installed, given the directory's root (0: none).
 * Lock-free: see the prose above.
 */
export function directoryFind(root: usize, page: u32): usize {
  if (!root) return 0;
  syncMemoryView();
  let k = segmentOf(page);
  let segment = rootSegment(root, k);
  if (!segment) return 0;
  syncMemoryView();
  let found = <usize>atomic.load<u32>(segment + <usize>(page - segmentBase(k)) * ENTRY);
  if (found) syncMemoryView();
  return found;
}

/**
 * Under the stream's mutex, before a rollover changes anything: allocates (zeroed, unpublished)
 * the root if `root` is 0 and the segment page `page` starts, if it starts one. Returns the fresh
 * blocks as (root << 32 | segment), 0 when nothing was needed, or DIRECTORY_REFUSED (nothing kept).
 */
export function directoryReserve(root: usize, page: u32): u64 {
  let freshRoot: usize = 0;
  if (!root) {
    freshRoot = heapAlloc(SITE_STREAM_DIRECTORY, <u64>DIRECTORY_ROOT_SIZE, DIRECTORY_ALIGN, true);
    if (!freshRoot) return DIRECTORY_REFUSED;
  }
  let k = segmentOf(page);
  let freshSegment: usize = 0;
  if (!root || !rootSegment(root, k)) {
    freshSegment = heapAlloc(SITE_STREAM_DIRECTORY, segmentBytes(k), DIRECTORY_ALIGN, true);
    if (!freshSegment) {
      if (freshRoot) heapFree(freshRoot, SITE_STREAM_DIRECTORY);
      return DIRECTORY_REFUSED;
    }
  }
  return (<u64>freshRoot << 32) | <u64>freshSegment;
}

/** Frees what directoryReserve returned, none of it published (a later step of the rollover was refused). */
export function directoryUnreserve(reserved: u64): void {
  let freshRoot = <usize>(reserved >> 32);
  let freshSegment = <usize>(reserved & 0xffff_ffff);
  if (freshSegment) heapFree(freshSegment, SITE_STREAM_DIRECTORY);
  if (freshRoot) heapFree(freshRoot, SITE_STREAM_DIRECTORY);
}

/**
 * Publishes page `page` at `address` with what directoryReserve gave for it: the fresh segment
 * goes into the root, then the entry. Returns the root; the caller publishes a fresh root itself
 * (after entering page 0 with directoryEnter), so no reader sees a root without its pages.
 */
export function directoryCommit(root: usize, reserved: u64, page: u32, address: usize): usize {
  let freshRoot = <usize>(reserved >> 32);
  let freshSegment = <usize>(reserved & 0xffff_ffff);
  if (freshRoot) root = freshRoot;
  let k = segmentOf(page);
  if (freshSegment) atomic.store<u32>(root + <usize>k * ENTRY, <u32>freshSegment);
  directoryEnter(root, page, address);
  return root;
}

/** Writes page `page`'s entry (its segment allocated): the one store a reader may race with. */
export function directoryEnter(root: usize, page: u32, address: usize): void {
  let k = segmentOf(page);
  atomic.store<u32>(rootSegment(root, k) + <usize>(page - segmentBase(k)) * ENTRY, <u32>address);
}

/** Frees every segment and the root (the stream is being dropped: no reader is left). */
export function directoryFree(root: usize): void {
  if (!root) return;
  for (let k: u32 = 0; k < DIRECTORY_SEGMENTS; k++) {
    let segment = rootSegment(root, k);
    if (segment) heapFree(segment, SITE_STREAM_DIRECTORY);
  }
  heapFree(root, SITE_STREAM_DIRECTORY);
}

/** For the checker: segment k's address, 0 if not allocated. */
export function directorySegment(root: usize, k: u32): usize { return rootSegment(root, k); }

/** For the checker: the size of segment k's block. */
export function directorySegmentBytes(k: u32): u64 { return segmentBytes(k); }
