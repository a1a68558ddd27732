import { checkNumberArray, expectedError } from "../util/checks.js";
import { checkVolume, formatShape } from "../volume/check.js";
import type { Volume } from "../volume/types.js";

/** Class labels as a volume or a flat array (x fastest), e.g. a 2D slice's data. */
export type LabelInput = Volume | ArrayLike<number>;

export interface ConfusionOptions {
  /**
   * The classes to score, in matrix order. Truth voxels whose value is not in
   * this list are ignored (as unlabelled); predicted values not in it count as
   * wrong for the truth class.
   * @default the distinct non-zero values of `truth`, ascending
   */
  classes?: readonly number[];
  /** Score only voxels where the mask is non-zero (same shape as `truth`, or same size for arrays). */
  mask?: LabelInput;
}

/** A confusion matrix: `matrix[i][j]` = voxels of truth class `classes[i]` predicted as `classes[j]`. */
export interface ConfusionMatrix {
  classes: number[];
  matrix: number[][];
  /** Per truth class: voxels predicted as something outside `classes` (e.g. 0 = unclassified). */
  other: number[];
  /** Voxels scored (sum of the matrix and `other`). */
  total: number;
}

/** A label input resolved: its values, and its shape when it is a volume. */
interface Labels {
  values: ArrayLike<number>;
  shape?: readonly number[];
}

function resolveLabels(input: LabelInput, name: string): Labels {
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      if (typeof input[i] !== "number")
        throw new TypeError(
          `\`${name}\` must hold numbers, received ${input[i] === null ? "null" : typeof input[i]} at index ${i}`,
        );
    }
    return { values: input };
  }
  if (ArrayBuffer.isView(input)) {
    if (
      input instanceof DataView ||
      input instanceof BigInt64Array ||
      input instanceof BigUint64Array
    )
      throw expectedError(
        name,
        "a Volume, a number typed array or an array of numbers",
        input,
        TypeError,
      );
    return { values: input as unknown as ArrayLike<number> };
  }
  checkVolume(input, name);
  return { values: (input as Volume).data, shape: (input as Volume).shape };
}

/** The values of a volume or array, checking volumes at the boundary. */
export function labelValues(input: LabelInput, name: string): ArrayLike<number> {
  return resolveLabels(input, name).values;
}

/**
 * Check that `b` matches `a`: the same shape when both are volumes (a 4x16x16 and a 16x16x4
 * volume do not match although their voxel counts do), else the same number of values.
 */
function sameSize(a: Labels, aName: string, b: Labels, bName: string): void {
  if (a.shape && b.shape) {
    if (a.shape.some((n, i) => n !== b.shape![i]))
      throw new RangeError(
        `\`${bName}\` (shape ${formatShape(b.shape)}) must have the shape of \`${aName}\` (shape ${formatShape(a.shape)})`,
      );
    return;
  }
  if (a.values.length !== b.values.length) {
    throw new RangeError(
      `\`${bName}\` has ${b.values.length} voxels but \`${aName}\` has ${a.values.length}; they must match`,
    );
  }
}

/**
 * Confusion matrix of a classification against a (possibly sparse) ground truth.
 * Voxels where `truth` is 0 (unlabelled), or not one of `classes`, are not scored.
 * @param truth - Ground-truth class labels (0 = unlabelled).
 * @param prediction - Predicted class labels: the same shape when both are volumes, else the
 *   same number of values (a flat array has no shape).
 * @throws RangeError when the shapes (or sizes) of `truth`, `prediction` and `mask` differ.
 * @example
 * confusionMatrix(truth, prediction, { classes: [1, 2, 3] }).matrix; // 3 x 3
 */
export function confusionMatrix(
  truth: LabelInput,
  prediction: LabelInput,
  options: ConfusionOptions = {},
): ConfusionMatrix {
  const tl = resolveLabels(truth, "truth");
  const pl = resolveLabels(prediction, "prediction");
  sameSize(tl, "truth", pl, "prediction");
  const t = tl.values;
  const p = pl.values;
  let mask: ArrayLike<number> | undefined;
  if (options.mask !== undefined) {
    const ml = resolveLabels(options.mask, "mask");
    sameSize(tl, "truth", ml, "mask");
    mask = ml.values;
  }
  let classes: number[];
  if (options.classes) {
    classes = [...checkNumberArray(options.classes, "classes", { minLength: 1, distinct: true })];
  } else {
    const seen = new Set<number>();
    for (let i = 0; i < t.length; i++) {
      if (t[i] === 0 || (mask && !mask[i])) continue;
      if (!Number.isFinite(t[i]))
        throw new RangeError(
          `\`truth\` must hold finite class values, received ${t[i]} at index ${i} (give \`classes\` to score only some values)`,
        );
      seen.add(t[i]);
    }
    classes = [...seen].sort((a, b) => a - b);
  }
  const k = classes.length;
  // Small integer labels use a lookup table; anything else a Map.
  const index = new Map<number, number>();
  classes.forEach((c, i) => index.set(c, i));
  const lut = new Int32Array(256).fill(-1);
  for (const [c, i] of index) if (Number.isInteger(c) && c >= 0 && c < 256) lut[c] = i;
  const look = (v: number) =>
    v >= 0 && v < 256 && Number.isInteger(v) ? lut[v] : (index.get(v) ?? -1);
  const counts = new Float64Array(k * (k + 1));
  for (let n = 0; n < t.length; n++) {
    if (mask && !mask[n]) continue;
    const i = look(t[n]);
    if (i < 0) continue;
    const j = look(p[n]);
    counts[i * (k + 1) + (j < 0 ? k : j)]++;
  }
  const matrix: number[][] = [];
  const other: number[] = [];
  let total = 0;
  for (let i = 0; i < k; i++) {
    const row: number[] = [];
    for (let j = 0; j <= k; j++) total += counts[i * (k + 1) + j];
    for (let j = 0; j < k; j++) row.push(counts[i * (k + 1) + j]);
    matrix.push(row);
    other.push(counts[i * (k + 1) + k]);
  }
  return { classes, matrix, other, total };
}

/** A score of predicted against true class labels (see {@link confusionMatrix} for the inputs). */
export type LabelScore<R> = (
  truth: LabelInput,
  prediction: LabelInput,
  options?: ConfusionOptions,
) => R;

/** The label score that computes the confusion matrix and applies `score` to it. @internal */
export function fromConfusion<R>(score: (cm: ConfusionMatrix) => R): LabelScore<R> {
  return (truth, prediction, options = {}) => score(confusionMatrix(truth, prediction, options));
}
