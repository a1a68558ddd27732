/**
 * The scores of the ISBI 2012 EM segmentation challenge (Arganda-Carreras et al. 2015):
 * foreground-restricted Rand scoring V^Rand, information-theoretic scoring V^Info, and the
 * pixel error, computed slice by slice in 2D as the challenge's Fiji scripts do.
 */
import { foregroundSums } from "./randError.js";
import { connectedComponentsSync } from "../morphology/connectedComponents.js";
import { checkBoolean, checkOneOf, checkOptions, expectedError } from "../util/checks.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import type { Shape3, Volume } from "../volume/types.js";

/** How {@link isbiScores} reads a volume. */
export type IsbiInput = "binary" | "labels";

/** Options of {@link isbiScores}. */
export interface IsbiScoresOptions {
  /**
   * `"binary"`: a boundary map, foreground (cell interior) where the value exceeds
   * `threshold`, segments = its 4-connected components in each slice (the challenge's truth:
   * 255 interior, 0 membrane). `"labels"`: segment labels, 0 = boundary. @default "binary"
   */
  truth?: IsbiInput;
  /** The same for the proposal (0 = unassigned boundary pixels). @default "labels" */
  proposal?: IsbiInput;
  /** Binarisation threshold of `"binary"` inputs: foreground is value > threshold. @default 127 for uint8, else 0.5 */
  threshold?: number;
  /** Keep the per-slice scores. @default true */
  perSlice?: boolean;
}

/** The foreground-restricted scores of one slice (1 = perfect). */
export interface IsbiSliceScores {
  /** z index. */
  z: number;
  /** 2 sum p_ij^2 / (sum s_j^2 + sum t_i^2). */
  vRand: number;
  /** sum p_ij^2 / sum t_i^2 (low when true segments are split). */
  vRandSplit: number;
  /** sum p_ij^2 / sum s_j^2 (low when true segments are merged). */
  vRandMerge: number;
  /** 2 I(S;T) / (H(S) + H(T)). */
  vInfo: number;
  /** I(S;T) / H(S). */
  vInfoSplit: number;
  /** I(S;T) / H(T). */
  vInfoMerge: number;
  /** Foreground pixels of the truth in the slice (the n of the normalisation). */
  foreground: number;
}

/** Result of {@link isbiScores}. */
export interface IsbiScores {
  /**
   * V^Rand of the stack: the pair counts of all slices pooled (as Fiji's
   * `getForegroundRestrictedRandIndexStats` sums true/false positives over slices).
   */
  vRand: number;
  vRandSplit: number;
  vRandMerge: number;
  /** V^Info of the stack: the mean of the slices' V^Info (as Fiji's `getForegroundRestrictedFscore`). */
  vInfo: number;
  vInfoSplit: number;
  vInfoMerge: number;
  /** Slices scored (those with foreground). */
  slices: number;
  perSlice?: IsbiSliceScores[];
}

const isUint8 = (v: Volume) => v.data instanceof Uint8Array;

/** Slice z as segment labels, a [1, ny, nx] volume. */
function sliceLabels(v: Volume, z: number, mode: IsbiInput, threshold: number): Volume {
  const [, ny, nx] = v.shape;
  const plane = ny * nx;
  const shape: Shape3 = [1, ny, nx];
  const data = v.data.subarray(z * plane, (z + 1) * plane);
  if (mode === "labels") {
    if (v.data instanceof Float32Array)
      for (let i = 0; i < data.length; i++)
        if (!Number.isInteger(data[i]!))
          throw expectedError("labels", "integer segment labels", data[i], RangeError);
    return { data, shape, spacing: [1, 1, 1] };
  }
  const mask = new Uint8Array(plane);
  for (let i = 0; i < plane; i++) mask[i] = data[i]! > threshold ? 1 : 0;
  return connectedComponentsSync({ data: mask, shape, spacing: [1, 1, 1] }, { connectivity: 6 })
    .labels;
}

/**
 * The ISBI 2012 challenge scores of a proposed segmentation of a stack of 2D images
 * (Arganda-Carreras et al. 2015, Front. Neuroanat. 9:142, Sect. 2.4; Fiji's
 * `trainableSegmentation.metrics.RandError` / `VariationOfInformation`, N^2 normalisation).
 * Per z slice, only pixels whose true label is not 0 (not boundary) count; with p_ij the
 * joint distribution of true segment i and proposed segment j there, t_i and s_j its
 * marginals:
 *
 *   V^Rand = 2 sum p_ij^2 / (sum s_j^2 + sum t_i^2), split sum p^2/sum t^2, merge sum p^2/sum s^2;
 *   V^Info = 2 I(S;T) / (H(S) + H(T)), split I/H(S), merge I/H(T).
 *
 * Proposal pixels labelled 0 inside the true foreground are singletons (one segment each,
 * Fiji's `sum(p_i0)/n` terms). V^Rand pools the pair counts of all slices; V^Info is the
 * mean over slices. As in Fiji, a slice whose truth (or proposal) has zero entropy scores
 * V^Info 0 (its precision or recall is set to 0).
 * @param truth - True boundary map or labels ([nz, ny, nx]; each z slice scored in 2D).
 * @param proposal - Proposed segments (or a boundary map, `proposal: "binary"`), same shape.
 * @example
 * const s = isbiScores(labelStack, watershedLabels); // truth 255 interior / 0 membrane
 * s.vRand; s.vInfo;
 */
export function isbiScores(
  truth: Volume,
  proposal: Volume,
  options: IsbiScoresOptions = {},
): IsbiScores {
  checkVolume(truth, "truth");
  checkVolume(proposal, "proposal");
  checkSameShape(proposal, "proposal", truth, "truth");
  checkOptions(options, "options", ["truth", "proposal", "threshold", "perSlice"]);
  const truthMode = checkOneOf(options.truth ?? "binary", "options.truth", [
    "binary",
    "labels",
  ] as const);
  const proposalMode = checkOneOf(options.proposal ?? "labels", "options.proposal", [
    "binary",
    "labels",
  ] as const);
  if (options.threshold !== undefined && !Number.isFinite(options.threshold))
    throw expectedError("options.threshold", "a finite number", options.threshold, RangeError);
  const keep = checkBoolean(options.perSlice ?? true, "options.perSlice");
  const thr = (v: Volume) => options.threshold ?? (isUint8(v) ? 127 : 0.5);
  const nz = truth.shape[0];
  let sumP = 0;
  let sumS = 0;
  let sumT = 0;
  let vInfo = 0;
  let vInfoSplit = 0;
  let vInfoMerge = 0;
  const perSlice: IsbiSliceScores[] = [];
  for (let z = 0; z < nz; z++) {
    const t = sliceLabels(truth, z, truthMode, thr(truth));
    const s = sliceLabels(proposal, z, proposalMode, thr(proposal));
    const sums = foregroundSums(t, s);
    const m = { ...sums, hT: sums.hTruth, hS: sums.hTest, hST: sums.hJoint };
    if (m.n === 0) continue;
    sumP += m.sumP;
    sumS += m.sumS;
    sumT += m.sumT;
    const info = m.hT + m.hS - m.hST;
    // Fiji: prec = I / H(T), rec = I / H(S); H(T) = 0 -> (0, 1), H(S) = 0 -> (1, 0).
    let prec = info / m.hT;
    let rec = info / m.hS;
    if (m.hT === 0) {
      prec = 0;
      rec = 1;
    }
    if (m.hS === 0) {
      prec = 1;
      rec = 0;
    }
    const f = prec + rec > 0 ? (2 * prec * rec) / (prec + rec) : 0;
    vInfo += f;
    vInfoSplit += rec;
    vInfoMerge += prec;
    perSlice.push({
      z,
      vRand: (2 * m.sumP) / (m.sumS + m.sumT),
      vRandSplit: m.sumP / m.sumT,
      vRandMerge: m.sumP / m.sumS,
      vInfo: f,
      vInfoSplit: rec,
      vInfoMerge: prec,
      foreground: m.n,
    });
  }
  const k = perSlice.length;
  if (k === 0)
    throw expectedError(
      "truth",
      "some foreground (non-boundary) pixels to score",
      "none in any slice",
      RangeError,
    );
  return {
    vRand: (2 * sumP) / (sumS + sumT),
    vRandSplit: sumP / sumT,
    vRandMerge: sumP / sumS,
    vInfo: vInfo / k,
    vInfoSplit: vInfoSplit / k,
    vInfoMerge: vInfoMerge / k,
    slices: k,
    ...(keep ? { perSlice } : {}),
  };
}

/** Result of {@link pixelError}. */
export interface PixelError {
  /** Fraction of pixels whose class differs (the squared Euclidean distance of two binary maps / N). */
  error: number;
  /** Precision, recall and F-score of the foreground class (value > threshold). */
  precision: number;
  recall: number;
  fscore: number;
  /** 1 - fscore: the challenge's "pixel error" at this threshold. */
  fscoreError: number;
}

/**
 * Pixel error of a boundary map against the truth (ISBI 2012, Fiji's `PixelError`): both are
 * binarised (foreground = value > threshold; for the challenge's maps the foreground is
 * the cell interior), then the fraction of differing pixels and the F-score of the
 * foreground class. The challenge ranked by 1 - the best F-score over thresholds; call this
 * once per threshold for that.
 * @param truth - True map (uint8 255 interior / 0 membrane, or any values).
 * @param predicted - Predicted map, same shape (e.g. P(interior) in [0, 1]).
 * @param options.threshold - Of the truth. @default 127 for uint8, else 0.5
 * @param options.predictedThreshold - Of the prediction. @default as `threshold` for its dtype
 */
export function pixelError(
  truth: Volume,
  predicted: Volume,
  options: { threshold?: number; predictedThreshold?: number } = {},
): PixelError {
  checkVolume(truth, "truth");
  checkVolume(predicted, "predicted");
  checkSameShape(predicted, "predicted", truth, "truth");
  checkOptions(options, "options", ["threshold", "predictedThreshold"]);
  for (const k of ["threshold", "predictedThreshold"] as const)
    if (options[k] !== undefined && !Number.isFinite(options[k]))
      throw expectedError(`options.${k}`, "a finite number", options[k], RangeError);
  const tt = options.threshold ?? (isUint8(truth) ? 127 : 0.5);
  const tp = options.predictedThreshold ?? options.threshold ?? (isUint8(predicted) ? 127 : 0.5);
  const a = truth.data;
  const b = predicted.data;
  let both = 0;
  let nt = 0;
  let np = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! > tt;
    const y = b[i]! > tp;
    if (x) nt++;
    if (y) np++;
    if (x && y) both++;
    if (x !== y) diff++;
  }
  const precision = np > 0 ? both / np : 0;
  const recall = nt > 0 ? both / nt : 0;
  const fscore = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { error: diff / a.length, precision, recall, fscore, fscoreError: 1 - fscore };
}
