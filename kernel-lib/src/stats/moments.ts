/**
 * Sample mean and variance, the moment estimates the families' starting points
 * and closed-form fits are made from. Internal module.
 */

/** Mean of the data, or of `f` of each value (e.g. `Math.log`), summed in order. */
export function sampleMean(data: Float64Array, f?: (x: number) => number): number {
  let m = 0;
  if (f) for (const x of data) m += f(x);
  else for (const x of data) m += x;
  return m / data.length;
}

/**
 * Mean and variance (divided by n, the maximum likelihood form) of the data, or of `f` of each
 * value: the moment estimates the families' starting points are made from.
 */
export function sampleMoments(
  data: Float64Array,
  f?: (x: number) => number,
): { mean: number; variance: number } {
  const m = sampleMean(data, f);
  let v = 0;
  if (f) for (const x of data) v += (f(x) - m) ** 2;
  else for (const x of data) v += (x - m) ** 2;
  return { mean: m, variance: v / data.length };
}
