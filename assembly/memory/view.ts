// Keeping this thread's view of a shared memory up to date.
//
// When one thread grows a shared memory, V8 tells the other threads' instances at their next
// interrupt check; until then an instance may still bounds-check against the old size, and an
// access to memory that is really there can trap. Any address another thread hands over (a block
// the heap carved from memory another thread grew, a page published in active_page) may lie in
// such memory. So the heap records the memory's size after every growth, and code about to use an
// address another thread may have handed over first compares that record with the size this
// instance last brought itself up to (a per-instance global: per-thread state, shared by nothing);
// if it is behind, `memory.grow(0)` makes V8 bring this instance up to date at once. (`memory.size()`
// is no guide: it reads the shared memory's current size, not what this instance checks against.)
//
// ╒═══════════ MEMORY_VIEW (in the reserved region, layout.ts) ═══════════╕
//   0  pages u32   the memory's size in 64 KiB pages after the heap's last growth
// ╘════════════════════════════════════════════════════════════════════════╛

import { MEMORY_VIEW } from "./layout";

/** MEMORY_VIEW (table above). */
@unmanaged export class MemoryView {
  pages: u32;
}
// @ts-ignore: decorator
@inline const VIEW_PAGES: usize = MEMORY_VIEW + offsetof<MemoryView>("pages");
/** Bytes of MEMORY_VIEW. */
// @ts-ignore: decorator
@inline export const MEMORY_VIEW_SIZE: usize = offsetof<MemoryView>();

/** Pages this instance has brought its view up to. */
let viewPages: u32 = 0;

/** Called by the heap after it grew the memory (its own instance grew, so its view is current). */
export function noteGrowth(): void {
  viewPages = <u32>memory.size();
  atomic.store<u32>(VIEW_PAGES, viewPages);
}

/** Brings this instance's view of the memory up to the heap's last growth. */
// @ts-ignore: decorator
@inline export function syncMemoryView(): void {
  let pages = atomic.load<u32>(VIEW_PAGES);
  if (viewPages < pages) refreshView(pages);
}

function refreshView(pages: u32): void {
  memory.grow(0);
  viewPages = pages;
}
