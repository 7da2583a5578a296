// The bootstrap's random source. Criterion draws its resample indices from Xoshiro256** seeded by
// the OS, so two runs never agree; here a seeded 32-bit xoshiro128** (state expanded from the seed
// with splitmix32) makes every interval repeatable, and indices are drawn by rejection sampling
// (as Criterion's Range does) so no index is favoured when n does not divide 2^32.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `stream` picks an independent sequence for the same seed (e.g. one per bootstrap). */
  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be a non-negative safe integer, got ${String(seed)}`);
    }
    if (!Number.isInteger(stream) || stream < 0 || stream > 0xffffffff) {
      throw new RangeError(`stream must be an integer in 0..2^32-1, got ${String(stream)}`);
    }
    // splitmix32 over the low and high halves of the seed, offset by the stream.
    let s = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b9) ^ Math.imul(stream, 0x632be5ab);
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** Next uniform 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling). */
  index(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`index range must be 1..2^32, got ${n}`);
    const zone = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const v = this.nextU32();
      if (v < zone) return v % n;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
