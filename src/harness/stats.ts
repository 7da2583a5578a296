// The plain statistics Criterion computes on a sample, written the way its stats module does so
// that point estimates agree: arithmetic mean, variance with n - 1, percentiles by linear
// interpolation between order statistics (rank = p/100 · (n - 1)), and the median absolute
// deviation scaled by 1.4826 (Criterion's Sample::median_abs_dev multiplies by it, making MAD a
// consistent estimator of σ for normal data). The slope is the least-squares line through the
// origin, Σxy / Σxx, Criterion's Slope::fit.

/** Criterion's MAD scale factor. */
export const MAD_SCALE = 1.4826;

export function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}

export function mean(xs: ArrayLike<number>): number {
  return sum(xs) / xs.length;
}

/** Sample variance (denominator n - 1). */
export function variance(xs: ArrayLike<number>, m: number = mean(xs)): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i]! - m;
    s += d * d;
  }
  return s / (xs.length - 1);
}

export function stdDev(xs: ArrayLike<number>, m?: number): number {
  return Math.sqrt(variance(xs, m));
}

/** Ascending copy. */
export function sorted(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs as ArrayLike<number>).sort();
}

/** Percentile p (0..100) of an ascending array, interpolating between neighbours. */
export function percentileOfSorted(s: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  if (s.length === 0) throw new RangeError("percentile of an empty sample");
  const last = s.length - 1;
  if (p === 100) return s[last]!;
  const rank = (p / 100) * last;
  const n = Math.floor(rank);
  const fraction = rank - n;
  const floor = s[n]!;
  if (n === last) return floor; // only when s.length === 1
  return floor + (s[n + 1]! - floor) * fraction;
}

export function median(xs: ArrayLike<number>): number {
  return percentileOfSorted(sorted(xs), 50);
}

/** Median absolute deviation × 1.4826. */
export function medianAbsDev(xs: ArrayLike<number>, med: number = median(xs)): number {
  const devs = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) devs[i] = Math.abs(xs[i]! - med);
  return percentileOfSorted(devs.sort(), 50) * MAD_SCALE;
}

/** Least-squares slope of y = βx through the origin: Σxy / Σxx. */
export function slopeThroughOrigin(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  if (xs.length !== ys.length) throw new RangeError("x and y must have the same length");
  let xy = 0;
  let xx = 0;
  for (let i = 0; i < xs.length; i++) {
    xy += xs[i]! * ys[i]!;
    xx += xs[i]! * xs[i]!;
  }
  return xy / xx;
}
