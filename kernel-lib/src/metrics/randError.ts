/** Pair-counting and information-theoretic scores of an instance segmentation against its truth. */
import { checkFraction, checkNumberArray, checkOptions } from "../util/checks.js";
import type { Volume } from "../volume/types.js";
import { contingencyTable, type ContingencyTable } from "./contingency.js";

/** Options of {@link adaptedRandError}. */
export interface AdaptedRandOptions {
  /** Truth labels left out of the score (skimage's `ignore_labels`). @default [0] */
  ignoreLabels?: readonly number[];
  /** Weight of precision against recall in the F-score (skimage's `alpha`). @default 0.5 */
  alpha?: number;
  /** A table from {@link contingencyTable} to use instead of the volumes' (then `ignoreLabels` is not applied again). */
  table?: ContingencyTable;
}

/** Result of {@link adaptedRandError}. */
export interface AdaptedRand {
  /** 1 - F-score. */
  error: number;
  /**
   * Pairs of voxels together in both segmentations / pairs together in the
   * test segmentation (low when grains are merged). skimage 0.19 returns this
   * value as its third element, "recall" (scikit-image issue #6485).
   */
  precision: number;
  /** Pairs together in both / pairs together in the truth (low when grains are split); skimage 0.19's second element. */
  recall: number;
  /** Weighted harmonic mean of precision and recall. */
  fscore: number;
}

function sumSquaresMinus(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v * (v - 1);
  return s;
}

/**
 * Adapted Rand error (SNEMI3D / skimage `adapted_rand_error`): with `n_ij` the
 * contingency counts (truth i, test j) over voxels whose truth label is not
 * ignored, and `a_i`, `b_j` the truth and test sizes, the voxel pairs sharing
 * a label are `P = sum n_ij (n_ij - 1)`, `A = sum a_i (a_i - 1)`,
 * `B = sum b_j (b_j - 1)`; recall `P / A`, precision `P / B`,
 * F = 1 / (alpha / precision + (1 - alpha) / recall), error `1 - F`. The test
 * label 0 counts as one segment (as in skimage).
 * @param truth - True labels (integer dtype).
 * @param test - Labels to score, same shape.
 * @see Arganda-Carreras et al. (2015), Front. Neuroanat. 9:142; skimage.metrics.adapted_rand_error
 */
export function adaptedRandError(
  truth: Volume,
  test: Volume,
  options: AdaptedRandOptions = {},
): AdaptedRand {
  checkOptions(options, "options", ["ignoreLabels", "alpha", "table"]);
  const alpha = checkFraction(options.alpha ?? 0.5, "alpha");
  const t =
    options.table ??
    contingencyTable(truth, test, {
      ignoreTruth: checkNumberArray(options.ignoreLabels ?? [0], "ignoreLabels"),
    });
  const p = sumSquaresMinus(t.pairs.values());
  const a = sumSquaresMinus(t.truthSizes);
  const b = sumSquaresMinus(t.testSizes);
  const precision = p / b;
  const recall = p / a;
  // skimage: F = sum_p / (alpha * sum_b2 + (1 - alpha) * sum_a2) with its swapped names.
  const fscore = p / (alpha * b + (1 - alpha) * a);
  return { error: 1 - fscore, precision, recall, fscore };
}

/** Result of {@link variationOfInformation}, in bits (base-2 logarithms, as skimage). */
export interface VariationOfInformation {
  /** H(test | truth): information lost by splitting true segments (over-segmentation). */
  splits: number;
  /** H(truth | test): information lost by merging (under-segmentation). */
  merges: number;
  /** splits + merges. */
  vi: number;
}

/**
 * Variation of information H(truth | test) + H(test | truth) in bits (Meila 2007), as
 * skimage's `variation_of_information(truth, test, ignore_labels=...)`, which
 * returns `[H(test | truth), H(truth | test)]` = `[splits, merges]`.
 * @param options.ignoreLabels - Truth labels left out. @default [] (as skimage)
 */
export function variationOfInformation(
  truth: Volume,
  test: Volume,
  options: { ignoreLabels?: readonly number[]; table?: ContingencyTable } = {},
): VariationOfInformation {
  checkOptions(options, "options", ["ignoreLabels", "table"]);
  const t =
    options.table ??
    contingencyTable(truth, test, {
      ignoreTruth: checkNumberArray(options.ignoreLabels ?? [], "ignoreLabels"),
    });
  const h = entropies(t);
  return {
    splits: h.hTestGivenTruth,
    merges: h.hTruthGivenTest,
    vi: h.hTestGivenTruth + h.hTruthGivenTest,
  };
}

interface Entropies {
  hTruth: number;
  hTest: number;
  hJoint: number;
  hTestGivenTruth: number;
  hTruthGivenTest: number;
}

function entropy(counts: Iterable<number>, total: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / total) * Math.log2(c / total);
  return h;
}

function entropies(t: ContingencyTable, singletons = 0): Entropies {
  const n = t.total;
  // Singletons: `singletons` extra segments of one voxel each in the test labels (and in the joint).
  const single = singletons > 0 ? -singletons * (1 / n) * Math.log2(1 / n) : 0;
  const hTruth = entropy(t.truthSizes, n);
  const hTest = entropy(t.testSizes, n) + single;
  const hJoint = entropy(t.pairs.values(), n) + single;
  return {
    hTruth,
    hTest,
    hJoint,
    hTestGivenTruth: Math.max(0, hJoint - hTruth),
    hTruthGivenTest: Math.max(0, hJoint - hTest),
  };
}

/** Result of {@link foregroundRestrictedScores}: the ISBI 2012 scores, 1 = perfect. */
export interface ForegroundRestrictedScores {
  /** Rand F-score 2 sum p_ij^2 / (sum s_j^2 + sum t_i^2). */
  vRand: number;
  /** sum p_ij^2 / sum t_i^2 (1 unless true segments are split). */
  vRandSplit: number;
  /** sum p_ij^2 / sum s_j^2 (1 unless true segments are merged). */
  vRandMerge: number;
  /** Information-theoretic F-score 2 I(S; T) / (H(S) + H(T)). */
  vInfo: number;
  /** I(S; T) / H(S) (1 unless split). */
  vInfoSplit: number;
  /** I(S; T) / H(T) (1 unless merged). */
  vInfoMerge: number;
}

/**
 * The foreground-restricted Rand and information-theoretic F-scores of the
 * ISBI 2012 challenge (Arganda-Carreras et al. 2015, Eqs. for V^Rand and
 * V^Info): only voxels in the truth's foreground (truth label not 0) count;
 * p_ij is the joint distribution of truth label i and test label j there,
 * t_i and s_j its marginals. Test label 0 inside the truth's foreground
 * (boundary voxels of a thinned proposal) counts as singletons, one segment
 * per voxel, so an unassigned voxel is neither merged nor split with anything.
 * A segmentation with one segment (H = 0) scores 1 on the ratio it cannot be penalised by.
 * @param truth - True labels, 0 = background / boundary (not scored).
 * @param test - Labels to score, same shape; 0 = unassigned.
 */
export function foregroundRestrictedScores(
  truth: Volume,
  test: Volume,
): ForegroundRestrictedScores {
  const m = foregroundSums(truth, test);
  const info = m.hTruth + m.hTest - m.hJoint;
  const ratio = (num: number, den: number) => (den > 0 ? num / den : 1);
  return {
    vRand: (2 * m.sumP) / (m.sumS + m.sumT),
    vRandSplit: m.sumP / m.sumT,
    vRandMerge: m.sumP / m.sumS,
    vInfo: m.hTruth + m.hTest > 0 ? (2 * info) / (m.hTruth + m.hTest) : 1,
    vInfoSplit: ratio(info, m.hTest),
    vInfoMerge: ratio(info, m.hTruth),
  };
}

/** The counts and entropies behind the foreground-restricted scores. @internal */
export interface ForegroundSums {
  /** sum p_ij^2, sum s_j^2, sum t_i^2 as counts (test-0 voxels of the foreground as singletons). */
  sumP: number;
  sumS: number;
  sumT: number;
  /** Foreground voxels (truth not 0). */
  n: number;
  /** Entropies (bits) of the truth, the test and the joint labels over the foreground. */
  hTruth: number;
  hTest: number;
  hJoint: number;
}

/**
 * Sums of {@link foregroundRestrictedScores} over the voxels whose truth is not 0, with
 * test-0 voxels there counted as singletons (one segment each), as the ISBI 2012 scripts.
 * Shared by the 3D scores and the per-slice ISBI scores (metrics/isbi.ts). @internal
 */
export function foregroundSums(truth: Volume, test: Volume): ForegroundSums {
  const t = contingencyTable(truth, test, { ignoreTruth: [0], ignoreTest: [0] });
  const all = contingencyTable(truth, test, { ignoreTruth: [0] });
  const n = all.total;
  const singletons = n - t.total;
  let sumP = singletons;
  for (const c of t.pairs.values()) sumP += c * c;
  let sumS = singletons;
  for (const c of t.testSizes) sumS += c * c;
  let sumT = 0;
  for (const c of all.truthSizes) sumT += c * c;
  if (n === 0) return { sumP, sumS, sumT, n, hTruth: 0, hTest: 0, hJoint: 0 };
  const h = entropies({ ...t, truthSizes: all.truthSizes, total: n }, singletons);
  return { sumP, sumS, sumT, n, hTruth: h.hTruth, hTest: h.hTest, hJoint: h.hJoint };
}
