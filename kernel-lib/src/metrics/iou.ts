import {
  confusionMatrix,
  type ConfusionMatrix,
  type ConfusionOptions,
  type LabelInput,
} from "./confusion.js";

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
    throw new TypeError(
      `\`${name}\` must be a ConfusionMatrix { classes, matrix, other, total }, received ${cm === null ? "null" : typeof cm}`,
    );
  const { classes, matrix, other, total } = cm as Partial<ConfusionMatrix>;
  if (
    !Array.isArray(classes) ||
    !classes.every((c) => typeof c === "number" && Number.isFinite(c)) ||
    new Set(classes).size !== classes.length
  )
    throw new RangeError(
      `\`${name}.classes\` must be an array of distinct finite numbers, received ${JSON.stringify(classes)}`,
    );
  const k = classes.length;
  const count = (v: unknown) => typeof v === "number" && v >= 0 && v < Infinity;
  if (!Array.isArray(matrix) || matrix.length !== k)
    throw new RangeError(
      `\`${name}.matrix\` must have ${k} rows (one per class), received ${Array.isArray(matrix) ? matrix.length : typeof matrix}`,
    );
  let sum = 0;
  matrix.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== k || !row.every(count))
      throw new RangeError(
        `\`${name}.matrix[${i}]\` must be ${k} finite counts >= 0, received ${JSON.stringify(row)}`,
      );
    for (const v of row as number[]) sum += v;
  });
  if (!Array.isArray(other) || other.length !== k || !other.every(count))
    throw new RangeError(
      `\`${name}.other\` must be ${k} finite counts >= 0, received ${JSON.stringify(other)}`,
    );
  for (const v of other) sum += v;
  if (typeof total !== "number" || !(Math.abs(total - sum) <= 1e-9 * Math.max(1, sum)))
    throw new RangeError(
      `\`${name}.total\` must be the sum of \`matrix\` and \`other\` (${sum}), received ${String(total)}`,
    );
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
 * @example
 * const { classes, iou } = iouPerClass(truth, prediction, { classes: [1, 2, 3] });
 */
export function iouPerClass(
  truth: LabelInput,
  prediction: LabelInput,
  options: ConfusionOptions = {},
): ClassScores {
  return scoresFromConfusion(confusionMatrix(truth, prediction, options));
}
