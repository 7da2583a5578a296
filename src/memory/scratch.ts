// The size of the staging buffer each lab object keeps for passing values in and out (lab.ts).
// It is allocated once, before the first stream or index, so reading never needs memory a full heap
// cannot give; bulk calls go through it in chunks. 32 KiB fits in the heap's first 64 KiB page.

export const SCRATCH_BYTES = 32 * 1024;
