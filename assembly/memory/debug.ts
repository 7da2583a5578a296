// The debug build's switch. `npm run build:debug` compiles with `--use SEGSTREAM_DEBUG=1`: the heap
// and the collector then assert the invariants they rely on (a failed assert traps, and the host
// turns the trap into LabPoisonedError), as AssemblyScript's rt/tlsf.ts does under its DEBUG.

// @ts-ignore: decorator
@inline export const DEBUG: bool = isDefined(SEGSTREAM_DEBUG);

/** How far a debug check walks a free list looking for a block (a full walk would make inserts quadratic). */
// @ts-ignore: decorator
@inline export const DEBUG_WALK: u32 = 64;
