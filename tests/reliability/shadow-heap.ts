// A shadow of every byte a test wrote into lab.alloc'd blocks. Each live block is filled whole
// with its own byte and carries its own 32-bit tag in its first and last four bytes, so a block
// another allocation overlapped, or the heap wrote into, is caught when the block is checked (at
// its free); a zeroed allocation is checked to be zero over every byte it asked for before it is
// filled. Comparisons are native (Buffer.compare) against prepared patterns.

import { Buffer } from "node:buffer";
import type { Lab } from "../../src/index.js";

export interface ShadowBlock {
  address: number;
  bytes: number;
  fill: number;
  tag: number;
}

const FILLS = 16;

export class ShadowHeap {
  readonly live: ShadowBlock[] = [];
  private readonly zeros: Buffer;
  private readonly patterns: Buffer[] = [];
  private serial = 0;

  constructor(private readonly lab: Lab, readonly maxBytes: number) {
    this.zeros = Buffer.alloc(maxBytes);
  }

  private view(address: number, bytes: number): Buffer {
    return Buffer.from(this.lab.memory.buffer, address, bytes);
  }

  private pattern(fill: number): Buffer {
    return (this.patterns[fill] ??= Buffer.alloc(this.maxBytes, fill));
  }

  /** Non-zero bytes among the block's first `bytes` (0 if all zero). */
  nonZeroBytes(address: number, bytes: number): number {
    const view = this.view(address, bytes);
    if (Buffer.compare(view, this.zeros.subarray(0, bytes)) === 0) return 0;
    let count = 0;
    for (let i = 0; i < bytes; i++) if (view[i] !== 0) count++;
    return count;
  }

  /** Fills a block just allocated and starts shadowing it. */
  write(address: number, bytes: number): ShadowBlock {
    this.serial++;
    const block = { address, bytes, fill: 1 + ((this.serial * 7) % FILLS) * 15, tag: (this.serial * 0x9e3779b1) >>> 0 };
    const view = this.view(address, bytes);
    view.fill(block.fill);
    if (bytes >= 8) {
      view.writeUInt32LE(block.tag, 0);
      view.writeUInt32LE((block.tag ^ 0xffffffff) >>> 0, bytes - 4);
    }
    this.live.push(block);
    return block;
  }

  /** What differs from what was written into `block`, or undefined. */
  changed(block: ShadowBlock): string | undefined {
    const view = this.view(block.address, block.bytes);
    if (block.bytes >= 8) {
      if (view.readUInt32LE(0) !== block.tag || view.readUInt32LE(block.bytes - 4) !== (block.tag ^ 0xffffffff) >>> 0) {
        return `block at ${block.address} (${block.bytes} B): its tags were overwritten`;
      }
      const middle = view.subarray(4, block.bytes - 4);
      if (Buffer.compare(middle, this.pattern(block.fill).subarray(0, middle.length)) !== 0) return `block at ${block.address} (${block.bytes} B): its fill was overwritten`;
      return undefined;
    }
    return Buffer.compare(view, this.pattern(block.fill).subarray(0, block.bytes)) === 0 ? undefined : `block at ${block.address} (${block.bytes} B) was overwritten`;
  }

  /** Stops shadowing the live block at position `index` (the caller frees it). */
  take(index: number): ShadowBlock {
    const block = this.live[index];
    this.live[index] = this.live[this.live.length - 1];
    this.live.pop();
    return block;
  }
}
