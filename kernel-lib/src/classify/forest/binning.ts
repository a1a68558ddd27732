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

/** Order-preserving uint32 key of a float32's bits (-0 as +0). */
function sortKey(bits: number): number {
  if (bits === 0x80000000) bits = 0;
  return (bits & 0x80000000 ? ~bits : bits | 0x80000000) >>> 0;
}

/** The float32 value of a {@link sortKey}. */
function keyValue(key: number, view: { u: Uint32Array; f: Float32Array }): number {
  view.u[0] = key & 0x80000000 ? key ^ 0x80000000 : ~key;
  return view.f[0]!;
}

/** LSD radix sort of `keys` (uint32) carrying `order`, 3 passes of 11 bits; returns the sorted pair. */
function radixSort(
  keys: Uint32Array,
  order: Int32Array,
  tmpKeys: Uint32Array,
  tmpOrder: Int32Array,
  count: Uint32Array,
): [Uint32Array, Int32Array] {
  const n = keys.length;
  let k = keys;
  let o = order;
  let k2 = tmpKeys;
  let o2 = tmpOrder;
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(k[i]! >>> shift) & 2047]!++;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = k[i]!;
      const pos = count[(key >>> shift) & 2047]!++;
      k2[pos] = key;
      o2[pos] = o[i]!;
    }
    [k, k2] = [k2, k];
    [o, o2] = [o2, o];
  }
  return [k, o];
}

/**
 * Bin every feature of a row-major `n x nFeatures` matrix. With `bins > 0`,
 * a feature with at most `bins` distinct values gets one bin per value;
 * otherwise bins hold about equal numbers of samples (quantiles), never
 * splitting a value between bins. With `bins = 0`, one bin per distinct
 * value. (Columns are sorted by a radix sort: linear in n.)
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
  const bits = new Uint32Array(samples.buffer, samples.byteOffset, samples.length);
  const view = { u: new Uint32Array(1), f: new Float32Array(1) };
  view.f = new Float32Array(view.u.buffer);
  const keys = new Uint32Array(n);
  const order = new Int32Array(n);
  const tmpKeys = new Uint32Array(n);
  const tmpOrder = new Int32Array(n);
  const count = new Uint32Array(2048);
  const nBins = alloc(Int32Array, nFeatures, shared);
  const binOffset = alloc(Int32Array, nFeatures + 1, shared);
  const lo: number[] = [];
  const hi: number[] = [];
  const maxCodes = bins === 0 ? n : Math.min(n, bins);
  const codes =
    maxCodes <= 256
      ? alloc(Uint8Array, n * nFeatures, shared)
      : maxCodes <= 65536
        ? alloc(Uint16Array, n * nFeatures, shared)
        : alloc(Uint32Array, n * nFeatures, shared);
  // All sort keys, column-major, in one sequential pass over the samples.
  const allKeys = new Uint32Array(n * nFeatures);
  for (let i = 0; i < n; i++) {
    const r = i * nFeatures;
    for (let f = 0; f < nFeatures; f++) allKeys[f * n + i] = sortKey(bits[r + f]!);
  }
  for (let f = 0; f < nFeatures; f++) {
    keys.set(allKeys.subarray(f * n, (f + 1) * n));
    for (let i = 0; i < n; i++) order[i] = i;
    const [sk, so] = radixSort(keys, order, tmpKeys, tmpOrder, count);
    let distinct = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sk[i] !== sk[i - 1]) distinct++;
    const base = f * n;
    let nb = 0;
    if (bins === 0 || distinct <= bins) {
      for (let i = 0; i < n; i++) {
        if (i === 0 || sk[i] !== sk[i - 1]) {
          const v = keyValue(sk[i]!, view);
          lo.push(v);
          hi.push(v);
          nb++;
        }
        codes[base + so[i]!] = nb - 1;
      }
    } else {
      // Greedy equal-count bins over the sorted values, a value never split.
      let i = 0;
      let binsLeft = bins;
      while (i < n) {
        const target = (n - i) / binsLeft;
        const start = i;
        let j = i;
        while (j < n) {
          let k = j + 1;
          while (k < n && sk[k] === sk[j]) k++;
          j = k;
          if (j - start >= target) break;
        }
        if (binsLeft === 1) j = n;
        lo.push(keyValue(sk[start]!, view));
        hi.push(keyValue(sk[j - 1]!, view));
        for (let q = start; q < j; q++) codes[base + so[q]!] = nb;
        nb++;
        i = j;
        binsLeft--;
      }
    }
    nBins[f] = nb;
    binOffset[f + 1] = binOffset[f]! + nb;
  }
  const binLo = alloc(Float32Array, lo.length, shared);
  const binHi = alloc(Float32Array, hi.length, shared);
  binLo.set(lo);
  binHi.set(hi);
  const yy = alloc(Int32Array, n, shared);
  yy.set(y);
  return { n, nFeatures, codes, nBins, binOffset, binLo, binHi, y: yy, nClasses };
}
