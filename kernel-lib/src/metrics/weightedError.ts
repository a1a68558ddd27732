import { fromConfusion, type ConfusionMatrix } from "./confusion.js";
import { checkConfusion, scoresFromConfusion } from "./iou.js";

/**
 * Average weighted error from a confusion matrix,
 * awe = (1 - sum_i IoU_i p_i) * 100 %, where p_i is the ground-truth volume
 * fraction of class i. Classes with no voxels in truth or prediction contribute 0.
 * @see Osenberg et al., Eq. 1
 */
export function weightedErrorFromConfusion(cm: ConfusionMatrix): number {
  checkConfusion(cm);
  if (cm.total === 0)
    throw new RangeError("weighted error of an empty scoring region (no labelled truth voxels)");
  const { iou, fraction } = scoresFromConfusion(cm);
  let s = 0;
  for (let i = 0; i < iou.length; i++) if (fraction[i] > 0) s += iou[i] * fraction[i];
  return (1 - s) * 100;
}

/**
 * Average weighted error (awe, in percent) of a classification:
 * awe = (1 - sum_i IoU_i p_i) * 100 %, IoU_i the Jaccard index of class i and
 * p_i its volume fraction in the ground truth. 0 % is perfect.
 * @param truth - Ground-truth class labels (0 = unlabelled, not scored).
 * @param prediction - Predicted class labels: the same shape as `truth` when both are
 *   volumes (RangeError naming both shapes otherwise), else the same number of values.
 * @param options - `classes` to score (default: the truth's non-zero values) and a `mask`.
 * @see Osenberg et al., Eq. 1
 * @example
 * weightedError(truth, prediction, { classes: [1, 2, 3] }); // e.g. 30.8
 */
export const weightedError = fromConfusion(weightedErrorFromConfusion);
