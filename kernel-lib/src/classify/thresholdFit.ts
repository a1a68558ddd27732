import { checkNumberArray } from "../util/checks.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";

export interface FitThresholdsOptions {
  /**
   * Class id of each grey-value interval; the number of thresholds is one less.
   * The default is Paper 1's triple threshold order: void, CBD, NMC, bright void.
   * Thresholds may coincide, so a search with [1, 2, 3, 1] also covers every
   * double threshold [1, 2, 3].
   * @default [1, 2, 3, 1]
   */
  classes?: readonly number[];
  /** Score only voxels where the mask is non-zero. */
  mask?: Volume;
}

export interface FittedThresholds {
  /** Best thresholds (grey value v gets class k when t[k-1] <= v < t[k]), each in 0..256. */
  thresholds: number[];
  classes: number[];
  /** The weighted error of the best thresholds, percent (Paper 1 Eq. 1). */
  awe: number;
  /** Number of threshold combinations scored. */
  evaluated: number;
}

/**
 * The best possible global thresholds for a uint8 image, found by exhaustive
 * search against the ground truth: every combination `0 <= t1 <= t2 <= ... <= 256`
 * is scored by the weighted error awe (Paper 1 Eq. 1) and the lowest is
 * returned (first one on ties). This is an upper bound on what any global
 * grey-value threshold with this class order can achieve; Paper 1 fitted its
 * triple threshold with a depth-2 decision tree instead (method 3.2), which can only do worse.
 * Truth voxels that are 0 or not among `classes` are not scored.
 * Cost: O(257^k / k!) for k thresholds (k <= 3 takes well under a second).
 * @param image - 8-bit grey values.
 * @param truth - Ground-truth class labels, same shape.
 * @see Osenberg et al., Sect. 3.2
 */
export function fitThresholds(
  image: Volume,
  truth: Volume,
  options: FitThresholdsOptions = {},
): FittedThresholds {
  checkVolume(image, "image", { dtypes: ["uint8"] });
  checkVolume(truth, "truth");
  checkSameShape(truth, "truth", image, "image");
  const order = [
    ...checkNumberArray(options.classes ?? [1, 2, 3, 1], "classes", {
      minLength: 2,
      maxLength: 4,
      integer: true,
      min: 1,
      expected: "2 to 4 positive integer class ids (1 to 3 thresholds)",
    }),
  ];
  if (options.mask) {
    checkVolume(options.mask, "mask");
    checkSameShape(options.mask, "mask", image, "image");
  }
  const distinct = [...new Set(order)].sort((a, b) => a - b);
  const c = distinct.length;
  const ci = new Int32Array(256).fill(-1);
  distinct.forEach((v, i) => {
    if (v < 256) ci[v] = i;
  });
  // Joint histogram of truth class x grey value, then prefix sums over grey values.
  const hist = new Float64Array(c * 256);
  const g = image.data as Uint8Array;
  const t = truth.data;
  const mask = options.mask?.data;
  for (let i = 0; i < g.length; i++) {
    if (mask && !mask[i]) continue;
    const tv = t[i];
    const k = tv >= 0 && tv < 256 ? ci[tv] : -1;
    if (k >= 0) hist[k * 256 + g[i]]++;
  }
  const prefix = new Float64Array(c * 257);
  const rowTotal = new Float64Array(c);
  let total = 0;
  for (let k = 0; k < c; k++) {
    for (let v = 0; v < 256; v++) prefix[k * 257 + v + 1] = prefix[k * 257 + v] + hist[k * 256 + v];
    rowTotal[k] = prefix[k * 257 + 256];
    total += rowTotal[k];
  }
  if (total === 0)
    throw new RangeError(
      "fitThresholds: no truth voxel has one of the classes " + JSON.stringify(order),
    );
  const predIndex = order.map((v) => distinct.indexOf(v));
  const nThr = order.length - 1;
  const thr = new Int32Array(nThr);
  const best = { awe: Infinity, thresholds: [] as number[] };
  const tp = new Float64Array(c);
  const col = new Float64Array(c);
  let evaluated = 0;
  const score = () => {
    tp.fill(0);
    col.fill(0);
    let start = 0;
    for (let k = 0; k <= nThr; k++) {
      const end = k < nThr ? thr[k] : 256;
      if (end > start) {
        const p = predIndex[k];
        for (let j = 0; j < c; j++) {
          const n = prefix[j * 257 + end] - prefix[j * 257 + start];
          col[p] += n;
          if (j === p) tp[p] += n;
        }
      }
      start = end;
    }
    let s = 0;
    for (let j = 0; j < c; j++) {
      const union = rowTotal[j] + col[j] - tp[j];
      if (union > 0) s += (tp[j] / union) * (rowTotal[j] / total);
    }
    evaluated++;
    const awe = (1 - s) * 100;
    if (awe < best.awe - 1e-12) {
      best.awe = awe;
      best.thresholds = Array.from(thr);
    }
  };
  const loop = (level: number, from: number) => {
    if (level === nThr) {
      score();
      return;
    }
    for (let v = from; v <= 256; v++) {
      thr[level] = v;
      loop(level + 1, v);
    }
  };
  loop(0, 0);
  return { thresholds: best.thresholds, classes: order, awe: best.awe, evaluated };
}
