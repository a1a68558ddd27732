/** Matching of predicted to true grains (instances) by intersection over union. */
import { checkFraction, checkOptions } from "../util/checks.js";
import type { Volume } from "../volume/types.js";
import { contingencyTable, type ContingencyTable } from "./contingency.js";

/** Options of {@link matchGrains}. */
export interface MatchGrainsOptions {
  /** A pair matches when its IoU is strictly above this (>= 0.5 makes matches one-to-one). @default 0.5 */
  threshold?: number;
  /** A table from {@link contingencyTable} (truth, test) without ignored labels, to reuse. */
  table?: ContingencyTable;
}

/** One matched pair. */
export interface GrainMatch {
  truth: number;
  predicted: number;
  /** |T n P| / |T u P| in voxels. */
  iou: number;
}

/** Result of {@link matchGrains}. */
export interface GrainMatching {
  /** Matched pairs, in order of the true label. */
  matches: GrainMatch[];
  /** True grains (non-zero labels) present. */
  truthCount: number;
  /** Predicted grains (non-zero labels) present. */
  predictedCount: number;
  /** matches / truthCount (0 without true grains). */
  matchedFraction: number;
  /** matches / predictedCount (0 without predicted grains). */
  predictedMatchedFraction: number;
}

/**
 * Match predicted grains to true grains by IoU: each pair (true grain T,
 * predicted grain P) with |T n P| / (|T| + |P| - |T n P|) > `threshold` is a
 * match, counted from the sparse contingency table of the two volumes (label
 * 0 is background in both and never matched). With a threshold of 0.5 or more
 * a grain has at most one match (two overlaps above half its union cannot
 * both exist), so the matches are one-to-one without an assignment step.
 * @param truth - True grain labels, 0 = background.
 * @param predicted - Predicted grain labels, same shape.
 */
export function matchGrains(
  truth: Volume,
  predicted: Volume,
  options: MatchGrainsOptions = {},
): GrainMatching {
  checkOptions(options, "options", ["threshold", "table"]);
  const threshold = checkFraction(options.threshold ?? 0.5, "threshold");
  const t = options.table ?? contingencyTable(truth, predicted);
  const nb = t.testLabels.length;
  const matches: GrainMatch[] = [];
  for (const [key, inter] of t.pairs) {
    const i = Math.floor(key / nb);
    const j = key - i * nb;
    const a = t.truthLabels[i]!;
    const b = t.testLabels[j]!;
    if (a === 0 || b === 0) continue;
    const iou = inter / (t.truthSizes[i]! + t.testSizes[j]! - inter);
    if (iou > threshold) matches.push({ truth: a, predicted: b, iou });
  }
  matches.sort((x, y) => x.truth - y.truth || x.predicted - y.predicted);
  const truthCount = t.truthLabels.filter((v) => v !== 0).length;
  const predictedCount = t.testLabels.filter((v) => v !== 0).length;
  return {
    matches,
    truthCount,
    predictedCount,
    matchedFraction: truthCount > 0 ? matches.length / truthCount : 0,
    predictedMatchedFraction: predictedCount > 0 ? matches.length / predictedCount : 0,
  };
}
