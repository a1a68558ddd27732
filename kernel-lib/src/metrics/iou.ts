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
 * IoU (Jaccard index) and ground-truth volume fraction per class from a confusion matrix.
 * @see Osenberg et al., Sect. 2.2.2
 */
export function scoresFromConfusion(cm: ConfusionMatrix): ClassScores {
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
 * @param prediction - Predicted class labels, same size.
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
