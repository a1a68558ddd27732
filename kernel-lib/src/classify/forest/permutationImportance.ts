import {
  checkOptions,
  checkPositiveInt,
  checkSeed,
  describeValue,
  expectedError,
} from "../../util/checks.js";
import { createRng } from "../../stats/random.js";
import { checkForest, resolveRows, type RandomForest } from "./model.js";

/** Options of {@link permutationImportance}. */
export interface PermutationImportanceOptions {
  /** Shuffles per feature; the result is their mean. @default 5 */
  repeats?: number;
  /** Seed of the shuffles. @default 0 */
  seed?: number;
}

/** Result of {@link permutationImportance}. */
export interface PermutationImportance {
  /** Mean decrease in accuracy per feature when its column is shuffled. */
  overall: Float64Array;
  /** Per true class value: mean decrease in that class's accuracy (recall) per feature. */
  perClass: Record<number, Float64Array>;
}

/**
 * Permutation importance (Breiman 2001; sklearn.inspection.permutation_importance
 * with accuracy scoring): for each feature, shuffle its column `repeats`
 * times and record how much the forest's accuracy drops, overall and per
 * true class (vigra/ilastik report the per-class variant). Features the
 * forest does not use score about 0; negative values mean noise.
 * Best computed on held-out samples.
 * @param forest - A trained forest.
 * @param samples - Row-major `count x nFeatures` samples.
 * @param labels - True class value of each row.
 * @param nFeatures - Columns per row (must equal `forest.nFeatures`).
 * @returns Mean accuracy decrease per feature, overall and per class.
 * @example
 * ```ts
 * const { overall, perClass } = permutationImportance(forest, test.samples, test.labels, nFeatures, { repeats: 10 });
 * ```
 */
export function permutationImportance(
  forest: RandomForest,
  samples: Float32Array,
  labels: ArrayLike<number>,
  nFeatures: number,
  options: PermutationImportanceOptions = {},
): PermutationImportance {
  checkForest(forest);
  if (nFeatures !== forest.nFeatures)
    throw expectedError("nFeatures", `the forest's ${forest.nFeatures}`, nFeatures);
  const { count } = resolveRows(samples, nFeatures, undefined);
  if (labels === null || typeof labels !== "object" || typeof labels.length !== "number")
    throw expectedError("labels", "an array of class values", labels, TypeError);
  if (labels.length !== count)
    throw new RangeError(
      `\`labels\` must hold one class value per row (${count}), received ${describeValue(labels)}`,
    );
  checkOptions(options, "options", ["repeats", "seed"]);
  const repeats = checkPositiveInt(options.repeats ?? 5, "repeats");
  const rng = createRng(checkSeed(options.seed ?? 0));
  const classes = forest.classes;
  const K = classes.length;
  const kOf = new Map(classes.map((c, k) => [c, k]));
  const classCount = new Float64Array(K);
  const truth = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const k = kOf.get(labels[i]!);
    truth[i] = k ?? -1; // a class the forest never saw is always wrong
    if (k !== undefined) classCount[k]++;
  }
  const score = (x: Float32Array): Float64Array => {
    // [overall, per class...] accuracies
    const pred = forest.predict(x);
    const right = new Float64Array(K + 1);
    for (let i = 0; i < count; i++) {
      const k = truth[i]!;
      if (k >= 0 && pred[i] === classes[k]) {
        right[0]++;
        right[k + 1]++;
      }
    }
    right[0] = right[0]! / count;
    for (let k = 0; k < K; k++)
      right[k + 1] = classCount[k]! > 0 ? right[k + 1]! / classCount[k]! : 0;
    return right;
  };
  const work = samples.slice(0, count * nFeatures);
  const base = score(work);
  const overall = new Float64Array(nFeatures);
  const perClass: Record<number, Float64Array> = {};
  for (const c of classes) perClass[c] = new Float64Array(nFeatures);
  const column = new Float32Array(count);
  for (let f = 0; f < nFeatures; f++) {
    for (let i = 0; i < count; i++) column[i] = work[i * nFeatures + f]!;
    for (let rep = 0; rep < repeats; rep++) {
      // Fisher-Yates shuffle of the column into place
      const perm = column.slice();
      for (let i = count - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = t;
      }
      for (let i = 0; i < count; i++) work[i * nFeatures + f] = perm[i]!;
      const s = score(work);
      overall[f] += (base[0]! - s[0]!) / repeats;
      for (let k = 0; k < K; k++) perClass[classes[k]!]![f] += (base[k + 1]! - s[k + 1]!) / repeats;
    }
    for (let i = 0; i < count; i++) work[i * nFeatures + f] = column[i]!;
  }
  return { overall, perClass };
}
