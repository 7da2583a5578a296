// Worker for tests/workers.test.ts: joins a lab's shared memory and allocates and frees blocks.
//
// workerData: { memory, module, id, count, seed, barrier }. Each of `count` iterations allocates one
// block of a varied size on the "test" site (some 128-aligned), stamps it with a tag unique to this
// worker and iteration, and keeps a pool of live blocks that it frees at random; what is still live
// at the end is freed in a shuffled order. Before every free the tags are checked, so a block that
// another thread was also handed (or overwrote) is caught. Posts a summary when done.

import { finish, joinLab, seeded, startTogether, type WorkerJob } from "./job.js";

interface AllocJob extends WorkerJob {
  count: number;
}

export interface AllocSummary {
  id: number;
  allocs: number;
  frees: number;
  requestedBytes: number;
  /** Block bytes the heap reports for each block (heapBlockSize), summed. */
  blockBytes: number;
  /** Blocks whose size was neither blockSize(bytes) nor 16 more (a tail too small to split off). */
  oddBlocks: number;
  aligned128: number;
  largest: number;
  tagMismatches: number;
  badFreeOutcomes: number;
  misaligned: number;
}

const { job, lab } = joinLab<AllocJob>();
const site = lab.site("test");

// block.ts block layout: 16-byte header, sizes a multiple of 16, at least 32. A block carved from a
// free block keeps the tail when what is left is too small to be a block (under 32 bytes: 16).
const blockSize = (bytes: number) => Math.max(32, Math.ceil((bytes + 16) / 16) * 16);

const { random, below } = seeded(job.seed);

let view = new DataView(job.memory.buffer);
/** A view that covers `end`: after another thread grows the memory, `memory.buffer` is a new, longer buffer. */
function dv(end: number): DataView {
  if (end > view.byteLength) view = new DataView(job.memory.buffer);
  return view;
}

function size(): number {
  const r = random();
  if (r < 0.70) return below(257); // 0..256
  if (r < 0.95) return 257 + below(4096 - 256);
  return 4097 + below(70_000 - 4096); // occasionally above a 64 KiB page
}

interface Live { address: number; bytes: number; tag: number }
const summary: AllocSummary = {
  id: job.id, allocs: 0, frees: 0, requestedBytes: 0, blockBytes: 0, oddBlocks: 0, aligned128: 0, largest: 0,
  tagMismatches: 0, badFreeOutcomes: 0, misaligned: 0,
};

/** Tags the first 4 bytes of a block, and its last 4 when they do not overlap the first. */
function stamp(b: Live): void {
  if (b.bytes < 4) return;
  const v = dv(b.address + b.bytes);
  v.setUint32(b.address, b.tag, true);
  if (b.bytes >= 8) v.setUint32(b.address + b.bytes - 4, b.tag ^ 0xa5a5a5a5, true);
}

function check(b: Live): void {
  if (b.bytes < 4) return;
  const v = dv(b.address + b.bytes);
  if (v.getUint32(b.address, true) !== b.tag) summary.tagMismatches++;
  else if (b.bytes >= 8 && v.getUint32(b.address + b.bytes - 4, true) !== ((b.tag ^ 0xa5a5a5a5) >>> 0)) summary.tagMismatches++;
}

function release(b: Live): void {
  check(b);
  const outcome = lab.free(b.address, site);
  if (outcome !== "freed") summary.badFreeOutcomes++;
  summary.frees++;
}

// Start together, so the two loops really contend for the heap lock.
startTogether(job);

const pool: Live[] = [];
let target = 64;
for (let i = 0; i < job.count; i++) {
  const bytes = size();
  const aligned = random() < 0.02;
  const address = lab.alloc(site, bytes, aligned ? { align: 128 } : {});
  if (address % (aligned ? 128 : 16) !== 0) summary.misaligned++;
  if (aligned) summary.aligned128++;
  summary.allocs++;
  summary.requestedBytes += bytes;
  const actual = lab.raw.heapBlockSize(address);
  if (actual !== blockSize(bytes) && actual !== blockSize(bytes) + 16) summary.oddBlocks++;
  summary.blockBytes += actual;
  summary.largest = Math.max(summary.largest, bytes);
  const block = { address, bytes, tag: ((job.id << 24) ^ i) >>> 0 };
  stamp(block);
  pool.push(block);
  if (i % 1000 === 0) target = below(512); // the live set swells and shrinks
  while (pool.length > target) {
    const k = below(pool.length);
    const gone = pool[k];
    pool[k] = pool[pool.length - 1];
    pool.pop();
    release(gone);
  }
}
// what is still live: freed in a shuffled order (Fisher-Yates)
for (let k = pool.length - 1; k > 0; k--) {
  const j = below(k + 1);
  [pool[k], pool[j]] = [pool[j], pool[k]];
}
for (const b of pool) release(b);

finish(lab, summary);
