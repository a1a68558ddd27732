/**
 * Quantisation of the training matrix into per-feature bins (the histogram
 * split finding of LightGBM / sklearn's HistGradientBoosting), or, with
 * `bins = 0`, one bin per distinct value (exact thresholds, as sklearn's
 * DecisionTree). @internal
 */

/** Codes of the training samples, column-major: `codes[f * n + i]` is the bin of sample i in feature f. */
export type Codes = Uint8Array | Uint16Array | Uint32Array;

/** The binned training set a tree is grown on (shared memory when trees grow in workers). @internal */
export interface BinnedData {
  n: number;
  nFeatures: number;
  codes: Codes;
  /** Bins per feature. */
  nBins: Int32Array;
  /** Offset of each feature's bins in `binLo`/`binHi` (length nFeatures + 1). */
  binOffset: Int32Array;
  /** Smallest and largest training value in each bin. */
  binLo: Float32Array;
  binHi: Float32Array;
  /** Class index (0..nClasses-1) of each sample. */
  y: Int32Array;
  nClasses: number;
}

function alloc<T extends Int32Array | Float32Array | Uint8Array | Uint16Array | Uint32Array>(
  Type: { new (n: number): T; new (b: ArrayBufferLike): T; BYTES_PER_ELEMENT: number },
  n: number,
  shared: boolean,
): T {
  if (!shared) return new Type(n);
  return new Type(new SharedArrayBuffer(Math.max(1, n) * Type.BYTES_PER_ELEMENT)).subarray(
    0,
    n,
  ) as T;
}

/**
 * Bin every feature of a row-major `n x nFeatures` matrix. With `bins > 0`,
 * a feature with at most `bins` distinct values gets one bin per value;
 * otherwise bins hold about equal numbers of samples (quantiles), never
 * splitting a value between bins. With `bins = 0`, one bin per distinct
 * value.
 */
export function binSamples(
  samples: Float32Array,
  n: number,
  nFeatures: number,
  bins: number,
  y: Int32Array,
  nClasses: number,
  shared: boolean,
): BinnedData {
  const column = new Float32Array(n);
  const nBins = alloc(Int32Array, nFeatures, shared);
  const binOffset = alloc(Int32Array, nFeatures + 1, shared);
  const lo: number[] = [];
  const hi: number[] = [];
  const perFeature: { lo: Float32Array; hi: Float32Array }[] = [];
  let maxBins = 1;
  for (let f = 0; f < nFeatures; f++) {
    for (let i = 0; i < n; i++) column[i] = samples[i * nFeatures + f]!;
    column.sort();
    // Distinct values and their counts.
    let distinct = 0;
    for (let i = 0; i < n; i++) if (i === 0 || column[i] !== column[i - 1]) distinct++;
    const fLo: number[] = [];
    const fHi: number[] = [];
    if (bins === 0 || distinct <= bins) {
      for (let i = 0; i < n; i++) {
        if (i === 0 || column[i] !== column[i - 1]) {
          fLo.push(column[i]!);
          fHi.push(column[i]!);
        }
      }
    } else {
      // Greedy equal-count bins over the sorted values, a value never split.
      let i = 0;
      let binsLeft = bins;
      while (i < n) {
        const remaining = n - i;
        const target = remaining / binsLeft;
        const start = i;
        let j = i;
        // take whole runs of equal values until the bin holds >= target samples
        while (j < n) {
          let k = j + 1;
          while (k < n && column[k] === column[j]) k++;
          j = k;
          if (j - start >= target) break;
        }
        if (binsLeft === 1) j = n;
        fLo.push(column[start]!);
        fHi.push(column[j - 1]!);
        i = j;
        binsLeft--;
      }
    }
    nBins[f] = fLo.length;
    binOffset[f + 1] = binOffset[f]! + fLo.length;
    maxBins = Math.max(maxBins, fLo.length);
    perFeature.push({ lo: Float32Array.from(fLo), hi: Float32Array.from(fHi) });
    for (const v of fLo) lo.push(v);
    for (const v of fHi) hi.push(v);
  }
  const binLo = alloc(Float32Array, lo.length, shared);
  const binHi = alloc(Float32Array, hi.length, shared);
  binLo.set(lo);
  binHi.set(hi);
  const codes =
    maxBins <= 256
      ? alloc(Uint8Array, n * nFeatures, shared)
      : maxBins <= 65536
        ? alloc(Uint16Array, n * nFeatures, shared)
        : alloc(Uint32Array, n * nFeatures, shared);
  for (let f = 0; f < nFeatures; f++) {
    const his = perFeature[f]!.hi;
    const last = his.length - 1;
    const base = f * n;
    for (let i = 0; i < n; i++) {
      // first bin whose largest value is >= x
      const x = samples[i * nFeatures + f]!;
      let a = 0;
      let b = last;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (his[m]! < x) a = m + 1;
        else b = m;
      }
      codes[base + i] = a;
    }
  }
  const yy = alloc(Int32Array, n, shared);
  yy.set(y);
  return { n, nFeatures, codes, nBins, binOffset, binLo, binHi, y: yy, nClasses };
}
