// The reserved low region: where shared roots live.
//
// Every wasm instance has its own globals, and each instance re-writes the module's active data
// segments when it is created. State that several instances (worker threads) share over one memory
// therefore cannot live in globals or in static data: it lives at fixed addresses below the module's
// `--memoryBase` (65536), a range that no data segment covers and that starts out zero.
//
// ╒═════════════════════════ Reserved region (bytes 0 .. 65535) ══════════════════════════╕
//  0x0000 ┌──────────────────────────────┐
//         │ null guard (never written)   │ 64 B: a null or near-null pointer hits nothing
//  0x0040 ├──────────────────────────────┤
//         │ HEAP_ROOT                    │ allocator: lock, limit, policy, free-list maps (heap.ts)
//  0x1000 ├──────────────────────────────┤
//         │ LEDGER                       │ totals, events, largest request (ledger.ts)
//  0x1200 ├──────────────────────────────┤
//         │ SITE_TABLE                   │ MAX_SITES x SITE_RECORD (ledger.ts)
//  0x2200 ├──────────────────────────────┤
//         │ LARGE_LOG                    │ ring of requests at or above the threshold
//  0x4200 ├──────────────────────────────┤
//         │ FAILURE_LOG                  │ ring of refused requests, each with live bytes by site
//  0x5800 ├──────────────────────────────┤
//         │ BAD_FREE_LOG                 │ ring of invalid and double frees
//  0x8000 ├──────────────────────────────┤
//         │ EPOCH_ROOT                   │ the default collector, created at the first pin
//  0x8100 ├──────────────────────────────┤
//         │ MEMORY_VIEW                  │ the memory's size after the last growth (view.ts)
//  0x8140 ├──────────────────────────────┤
//         │ LAB_STATE                    │ poisoned flag, instance numbering (lab_state.ts)
//  0x8180 ├──────────────────────────────┤
//         │ CHECK_SCRATCH                │ the invariant checker's per-site sums (check.ts)
//  0x8500 ├──────────────────────────────┤
//         │ EPOCH_CONFIG                 │ the crossbeam-epoch version modelled (epoch/version.ts)
//  0x8510 ├──────────────────────────────┤
//         │ (unused)                     │
//  0x8600 ├──────────────────────────────┤
//         │ CHECK_REPORTS                │ a CheckReport slot per thread, 64 round robin (lab_state.ts)
//  0x8C00 ├──────────────────────────────┤
//         │ THREAD_CACHES                │ the cache gate, then a ThreadCache per slot (thread_cache.ts)
//  0xF040 ├──────────────────────────────┤
//         │ POINT_TABLE                  │ POINT_RECORDS x SITE_RECORD: per program point (ledger.ts)
//  0xF540 ├──────────────────────────────┤
//         │ (unused)                     │
//  0xFFFF └──────────────────────────────┘
// ╘═════════════════════════════════════════════════════════════════════════════════════════╛
//
// Each region's size comes from the structure its module declares; regions.ts (which imports those
// modules: this file is their leaf, so cannot) fails the build if a region runs into the next one.
// CHECK_REPORTS once overlapped EPOCH_CONFIG, and the 64th instance's checks rewrote the crossbeam
// version (tests/reliability/reserved.test.ts).

// @ts-ignore: decorator
@inline export const HEAP_ROOT: usize = 0x0040;
// @ts-ignore: decorator
@inline export const LEDGER: usize = 0x1000;
// @ts-ignore: decorator
@inline export const SITE_TABLE: usize = 0x1200;
// @ts-ignore: decorator
@inline export const LARGE_LOG: usize = 0x2200;
// @ts-ignore: decorator
@inline export const FAILURE_LOG: usize = 0x4200;
// @ts-ignore: decorator
@inline export const BAD_FREE_LOG: usize = 0x5800;
// @ts-ignore: decorator
@inline export const EPOCH_ROOT: usize = 0x8000;
// @ts-ignore: decorator
@inline export const MEMORY_VIEW: usize = 0x8100;
// @ts-ignore: decorator
@inline export const LAB_STATE: usize = 0x8140;
// @ts-ignore: decorator
@inline export const CHECK_SCRATCH: usize = 0x8180;
// @ts-ignore: decorator
@inline export const EPOCH_CONFIG: usize = 0x8500;
/** Bytes EPOCH_CONFIG may use. */
// @ts-ignore: decorator
@inline export const EPOCH_CONFIG_BYTES: usize = 0x10;
// @ts-ignore: decorator
@inline export const CHECK_REPORTS: usize = 0x8600;
// @ts-ignore: decorator
@inline export const THREAD_CACHES: usize = 0x8C00;
// @ts-ignore: decorator
@inline export const POINT_TABLE: usize = 0xF040;
/** The first address past the reserved region (asconfig.json's memoryBase). */
// @ts-ignore: decorator
@inline export const RESERVED_END: usize = 0x10000;

