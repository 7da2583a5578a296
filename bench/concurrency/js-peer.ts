// The JavaScript peer the concurrency benchmark measures segstream against: the same structures a
// careful JS developer would write over a SharedArrayBuffer with Atomics, with none of the lab's
// accounting (no ledger, no checked frees, no footprint model), so it is the fast side of the comparison.
//
// PeerHeap: a size-class allocator. Blocks are 16-byte steps up to 1 KiB, carved from a bump arena
// (one atomic add per carve). Each thread keeps a LIFO cache per class in a plain JS array; it
// refills from / flushes to the class's global free list, a stack in the SAB under a spinlock, in
// batches of PEER_BATCH, so the fast path touches no shared line at all.
//
// PeerStream: a paged append-only stream. Page p's header is [cursor, committed] (Int32) and its
// slots 64 x 16 bytes. An appender reserves with Atomics.add on the cursor, writes the two words,
// adds 1 to `committed`, then advances the published length over completed pages: the same
// non-waiting publication segstream's stream uses (a page is complete up to its cursor when the
// count of completed slots equals it). Pages come from a bump arena; page p + 1 is installed once,
// by the appender whose claim on its page-table entry wins.
//
// ╒══ PeerStream control words (Int32Array at `base`) ══╕
//   0  len        values published
//   1  active     the page appends go to
//   2  arenaTop   next free byte of the page arena
//   3.. pages     page table: byte offset of page p, 0 if not installed
// ╘═════════════════════════════════════════════════════╛

export const PEER_SLOTS = 64;
const SLOT_BYTES = 16;
const PAGE_HEADER = 16;
const PAGE_BYTES = PAGE_HEADER + PEER_SLOTS * SLOT_BYTES;
const CONTROL = 3;

export interface PeerStreamShape {
  buffer: SharedArrayBuffer;
  maxPages: number;
}

export function peerStreamBuffer(values: number): PeerStreamShape {
  const maxPages = Math.ceil(values / PEER_SLOTS) + 2;
  const controlBytes = Math.ceil(((CONTROL + maxPages) * 4) / 16) * 16;
  const buffer = new SharedArrayBuffer(controlBytes + maxPages * PAGE_BYTES);
  const control = new Int32Array(buffer);
  control[2] = controlBytes + PAGE_BYTES; // page 0 is pre-installed at controlBytes
  control[CONTROL] = controlBytes;
  return { buffer, maxPages };
}

export class PeerStream {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;

  constructor(private readonly shape: PeerStreamShape) {
    this.i32 = new Int32Array(shape.buffer);
    this.f64 = new Float64Array(shape.buffer);
  }

  get length(): number {
    return Atomics.load(this.i32, 0);
  }

  append(a: number, b: number): number {
    const i32 = this.i32;
    for (;;) {
      const p = Atomics.load(i32, 1);
      const page = Atomics.load(i32, CONTROL + p);
      const index = Atomics.add(i32, page >> 2, 1);
      if (index < PEER_SLOTS) {
        const slot = (page + PAGE_HEADER + index * SLOT_BYTES) >> 3;
        this.f64[slot] = a;
        this.f64[slot + 1] = b;
        Atomics.add(i32, (page >> 2) + 1, 1);
        this.advance();
        return p * PEER_SLOTS + index;
      }
      this.rollover(p);
    }
  }

  /** One value per call into `out` ([a, b]); false if `index` is not published. */
  get(index: number, out: Float64Array): boolean {
    if (index >= Atomics.load(this.i32, 0)) return false;
    const page = Atomics.load(this.i32, CONTROL + Math.floor(index / PEER_SLOTS));
    const slot = (page + PAGE_HEADER + (index % PEER_SLOTS) * SLOT_BYTES) >> 3;
    out[0] = this.f64[slot];
    out[1] = this.f64[slot + 1];
    return true;
  }

  /** The appender whose claim (0 -> -1) on the next entry wins installs the page, then moves `active`; the others retry. */
  private rollover(full: number): void {
    const i32 = this.i32;
    if (full + 1 >= this.shape.maxPages) throw new RangeError("PeerStream: out of pages");
    if (Atomics.compareExchange(i32, CONTROL + full + 1, 0, -1) !== 0) return;
    Atomics.store(i32, CONTROL + full + 1, Atomics.add(i32, 2, PAGE_BYTES));
    Atomics.store(i32, 1, full + 1);
  }

  private advance(): void {
    const i32 = this.i32;
    for (;;) {
      const len = Atomics.load(i32, 0);
      const p = Math.floor(len / PEER_SLOTS);
      const page = Atomics.load(i32, CONTROL + p);
      if (page <= 0) return;
      const committed = Atomics.load(i32, (page >> 2) + 1);
      const reserved = Math.min(Atomics.load(i32, page >> 2), PEER_SLOTS);
      const end = p * PEER_SLOTS + reserved;
      if (committed !== reserved || end <= len) return;
      Atomics.compareExchange(i32, 0, len, end);
    }
  }
}

// --- PeerHeap ---

const CLASS_STEP = 16;
export const PEER_MAX_BLOCK = 1024;
const CLASSES = PEER_MAX_BLOCK / CLASS_STEP;
const PEER_BATCH = 32;
const PEER_CACHE = 2 * PEER_BATCH;
/** Control words: 0 lock, 1 arena top, then each class's free-list head. */
const HEADS = 2;

export function peerHeapBuffer(bytes: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(bytes);
  new Int32Array(buffer)[1] = 4096;
  return buffer;
}

/** One thread's view of a PeerHeap: its caches are plain arrays; the shared parts are in the SAB. */
export class PeerHeap {
  private readonly i32: Int32Array;
  private readonly caches: number[][] = Array.from({ length: CLASSES }, () => []);

  /** Each class's global free list is a stack threaded through the blocks' first word. */
  constructor(buffer: SharedArrayBuffer) {
    this.i32 = new Int32Array(buffer);
  }

  /** A block of at least `bytes` (1..1024); its size class is remembered by the caller (as Rust's dealloc gets the layout). */
  alloc(bytes: number): number {
    const cls = (bytes - 1) >> 4;
    const cache = this.caches[cls];
    if (cache.length === 0) this.refill(cls, cache);
    return cache.pop()!;
  }

  free(block: number, bytes: number): void {
    const cls = (bytes - 1) >> 4;
    const cache = this.caches[cls];
    cache.push(block);
    if (cache.length > PEER_CACHE) this.flush(cls, cache);
  }

  private lock(): void {
    while (Atomics.compareExchange(this.i32, 0, 0, 1) !== 0) Atomics.wait(this.i32, 0, 1, 1);
  }

  private unlock(): void {
    Atomics.store(this.i32, 0, 0);
    Atomics.notify(this.i32, 0, 1);
  }

  private refill(cls: number, cache: number[]): void {
    const i32 = this.i32;
    this.lock();
    let head = i32[HEADS + cls];
    while (head !== 0 && cache.length < PEER_BATCH) {
      cache.push(head);
      head = i32[head >> 2];
    }
    i32[HEADS + cls] = head;
    this.unlock();
    const size = (cls + 1) * CLASS_STEP;
    while (cache.length < PEER_BATCH) {
      const block = Atomics.add(i32, 1, size);
      if (block + size > i32.length * 4) throw new RangeError("PeerHeap: arena exhausted");
      cache.push(block);
    }
  }

  private flush(cls: number, cache: number[]): void {
    const i32 = this.i32;
    this.lock();
    let head = i32[HEADS + cls];
    while (cache.length > PEER_BATCH) {
      const block = cache.pop()!;
      i32[block >> 2] = head;
      head = block;
    }
    i32[HEADS + cls] = head;
    this.unlock();
  }
}
