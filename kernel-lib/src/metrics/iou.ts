import { checkNumberArray, describeValue, expectedError } from "../util/checks.js";
import { fromConfusion, type ConfusionMatrix } from "./confusion.js";

/** Per-class scores, in the order of `classes`. */
export interface ClassScores {
  classes: number[];
  /** Intersection over union (Jaccard index) TP / (TP + FP + FN); NaN for a class absent from both. */
  iou: number[];
  /** Volume fraction of each class in the scored ground truth, p_i. */
  fraction: number[];
}

/**
 * Check a confusion matrix given by the caller: `classes` (k distinct finite numbers),
 * `matrix` k x k and `other` k of finite counts >= 0, `total` their sum. @internal
 */
export function checkConfusion(cm: unknown, name = "cm"): asserts cm is ConfusionMatrix {
  if (typeof cm !== "object" || cm === null)
    throw expectedError(name, "a ConfusionMatrix { classes, matrix, other, total }", cm, TypeError);
  const { classes, matrix, other, total } = cm as Partial<ConfusionMatrix>;
  const k = checkNumberArray(classes, `${name}.classes`, { distinct: true }).length;
  const counts = { length: k, min: 0, expected: `${k} finite counts >= 0` };
  if (!Array.isArray(matrix) || matrix.length !== k)
    throw new RangeError(
      `\`${name}.matrix\` must have ${k} rows (one per class), received ${Array.isArray(matrix) ? matrix.length : describeValue(matrix)}`,
    );
  let sum = 0;
  matrix.forEach((row: unknown, i) => {
    for (const v of checkNumberArray(row, `${name}.matrix[${i}]`, counts)) sum += v;
  });
  for (const v of checkNumberArray(other, `${name}.other`, counts)) sum += v;
  if (typeof total !== "number" || !(Math.abs(total - sum) <= 1e-9 * Math.max(1, sum)))
    throw expectedError(`${name}.total`, `the sum of \`matrix\` and \`other\` (${sum})`, total);
}

/**
 * IoU (Jaccard index) and ground-truth volume fraction per class from a confusion matrix.
 * @throws RangeError / TypeError when `cm` is not a consistent confusion matrix.
 * @see Osenberg et al., Sect. 2.2.2
 */
export function scoresFromConfusion(cm: ConfusionMatrix): ClassScores {
  checkConfusion(cm);
  const k = cm.classes.length;
  const iou: number[] = [];
  const fraction: number[] = [];
  for (let i = 0; i < k; i++) {
    const tp = cm.matrix[i][i];
    let row = cm.other[i];
    let col = 0;
    for (let j = 0; j < k; j++) {
      row += cm.matrix[i][j];
      col += cm.matrix[j][i];
    }
    const union = row + col - tp;
    iou.push(union > 0 ? tp / union : NaN);
    fraction.push(cm.total > 0 ? row / cm.total : NaN);
  }
  return { classes: [...cm.classes], iou, fraction };
}

/**
 * Intersection over union per class (Jaccard index), with each class's
 * volume fraction in the ground truth. Truth value 0 is unlabelled and not scored.
 * @param truth - Ground-truth class labels.
 * @param prediction - Predicted class labels: the same shape as `truth` when both are
 *   volumes (RangeError naming both shapes otherwise), else the same number of values.
 * @param options - `classes` to score (default: the truth's non-zero values) and a `mask`.
 * @example
 * const { classes, iou } = iouPerClass(truth, prediction, { classes: [1, 2, 3] });
 */
export const iouPerClass = fromConfusion(scoresFromConfusion);
