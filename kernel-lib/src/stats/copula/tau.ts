/**
 * Empirical Kendall's tau-b of paired samples in O(n log n) (Knight 1966: sort by
 * x then y, count discordant pairs as inversions of y by merge sort; ties handled
 * as in scipy.stats.kendalltau).
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n)
    throw new RangeError(
      `\`x\` and \`y\` must have the same length, received ${n} and ${y.length}`,
    );
  if (n < 2) throw new RangeError(`Kendall's tau needs at least 2 pairs, received ${n}`);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => x[i]! - x[j]! || y[i]! - y[j]!);
  // Pairs tied in x, and tied in both x and y (runs of the lexicographic order).
  let xtie = 0;
  let ntie = 0;
  let ys = new Float64Array(n);
  for (let i = 0; i < n; i++) ys[i] = y[order[i]!]!;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && x[order[j]!] === x[order[i]!]) j++;
    xtie += ((j - i) * (j - i - 1)) / 2;
    for (let a = i; a < j;) {
      let b = a + 1;
      while (b < j && ys[b] === ys[a]) b++;
      ntie += ((b - a) * (b - a - 1)) / 2;
      a = b;
    }
    i = j;
  }
  // Discordant pairs: i < j in this order with y_i > y_j (strictly), by bottom-up merge sort.
  let buf = new Float64Array(n);
  let dis = 0;
  for (let w = 1; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(lo + w, n);
      const hi = Math.min(lo + 2 * w, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (ys[i]! <= ys[j]!) buf[k++] = ys[i++]!;
        else {
          dis += mid - i;
          buf[k++] = ys[j++]!;
        }
      }
      while (i < mid) buf[k++] = ys[i++]!;
      while (j < hi) buf[k++] = ys[j++]!;
    }
    const t = ys;
    ys = buf;
    buf = t;
  }
  // ys is now sorted: pairs tied in y.
  let ytie = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && ys[j] === ys[i]) j++;
    ytie += ((j - i) * (j - i - 1)) / 2;
    i = j;
  }
  const tot = (n * (n - 1)) / 2;
  const conMinusDis = tot - xtie - ytie + ntie - 2 * dis;
  const den = Math.sqrt((tot - xtie) * (tot - ytie));
  return den > 0 ? conMinusDis / den : NaN;
}
