// What the test workers share: the fields every job carries, a seeded random source, and a start
// barrier so that the workers' loops really overlap.

export interface WorkerJob {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  id: number;
  seed: number;
  /** Int32Array[1] over a SharedArrayBuffer: the workers start their loops together. */
  barrier: SharedArrayBuffer;
  parties: number;
}

/** xorshift32, deterministic per seed: uniform in [0, 1). */
export function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

/** Arrives at the job's barrier and waits (at most 20 s) for the other parties. */
export function startTogether(job: WorkerJob): void {
  const barrier = new Int32Array(job.barrier);
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  const deadline = Date.now() + 20_000;
  while (Atomics.load(barrier, 0) < job.parties) {
    if (Date.now() > deadline) throw new Error(`worker ${job.id}: the other worker never arrived`);
    Atomics.wait(barrier, 0, Atomics.load(barrier, 0), 100);
  }
}
