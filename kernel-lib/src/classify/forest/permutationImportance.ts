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
  /**
   * Groups of columns to shuffle jointly (one permutation of the rows applied to
   * every column of the group, so the group's inner correlations survive and only
   * its link to the class is broken), by name. Strongly correlated features hide
   * each other when shuffled one at a time; a group's joint importance is what
   * the group carries that the other columns cannot replace.
   * @default none
   */
  groups?: Record<string, readonly number[]>;
  /** Shuffles per group. @default `repeats` */
  groupRepeats?: number;
}

/** Joint permutation importance of groups of columns (see {@link PermutationImportanceOptions.groups}). */
export interface GroupImportance {
  /** Group names, in the order given. */
  names: string[];
  /** Mean decrease in accuracy per group. */
  overall: Float64Array;
  /** Standard deviation of the accuracy decrease over the shuffles, per group. */
  overallStd: Float64Array;
  /** Per true class value: mean recall decrease per group. */
  perClass: Record<number, Float64Array>;
  /** Per true class value: standard deviation of the recall decrease over the shuffles, per group. */
  perClassStd: Record<number, Float64Array>;
  /** Shuffles per group. */
  repeats: number;
}

/** Result of {@link permutationImportance}. */
export interface PermutationImportance {
  /** Mean decrease in accuracy per feature when its column is shuffled. */
  overall: Float64Array;
  /** Standard deviation of the accuracy decrease over the shuffles, per feature (sklearn's `importances_std`). */
  overallStd: Float64Array;
  /** Per true class value: mean decrease in that class's accuracy (recall) per feature. */
  perClass: Record<number, Float64Array>;
  /**
   * Per true class value: standard deviation (ddof 0) of the recall decrease over the
   * `repeats` shuffles, per feature (0 with one repeat): the noise of each mean
   * is about this over the square root of `repeats`.
   */
  perClassStd: Record<number, Float64Array>;
  /** Shuffles per feature. */
  repeats: number;
  /** Joint importances of the `groups` option, when given. */
  groups?: GroupImportance;
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
  checkOptions(options, "options", ["repeats", "seed", "groups", "groupRepeats"]);
  const repeats = checkPositiveInt(options.repeats ?? 5, "repeats");
  const groupRepeats = checkPositiveInt(options.groupRepeats ?? repeats, "groupRepeats");
  const groups = checkGroups(options.groups, nFeatures);
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
  const shuffle = (): Int32Array => {
    // Fisher-Yates permutation of the rows
    const perm = new Int32Array(count);
    for (let i = 0; i < count; i++) perm[i] = i;
    for (let i = count - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    return perm;
  };
  /** Mean and std over `reps` joint shuffles of the columns `cols`: [means (overall, per class)..., stds (overall, per class)...]. */
  const drop = (cols: readonly number[], reps: number): Float64Array => {
    const saved = cols.map((f) => {
      const c = new Float32Array(count);
      for (let i = 0; i < count; i++) c[i] = work[i * nFeatures + f]!;
      return c;
    });
    const sum = new Float64Array(K + 1);
    const sq = new Float64Array(K + 1);
    for (let rep = 0; rep < reps; rep++) {
      const perm = shuffle();
      cols.forEach((f, g) => {
        const c = saved[g]!;
        for (let i = 0; i < count; i++) work[i * nFeatures + f] = c[perm[i]!]!;
      });
      const s = score(work);
      for (let j = 0; j <= K; j++) {
        const d = base[j]! - s[j]!;
        sum[j] += d;
        sq[j] += d * d;
      }
    }
    cols.forEach((f, g) => {
      const c = saved[g]!;
      for (let i = 0; i < count; i++) work[i * nFeatures + f] = c[i]!;
    });
    // sklearn's importances_std is numpy's std (ddof = 0); so is this
    const out = new Float64Array(2 * (K + 1));
    for (let j = 0; j <= K; j++) {
      const m = sum[j]! / reps;
      out[j] = m;
      out[K + 1 + j] = Math.sqrt(Math.max(0, sq[j]! / reps - m * m));
    }
    return out;
  };
  const collect = (sets: readonly (readonly number[])[], reps: number) => {
    const overall = new Float64Array(sets.length);
    const overallStd = new Float64Array(sets.length);
    const perClass: Record<number, Float64Array> = {};
    const perClassStd: Record<number, Float64Array> = {};
    for (const c of classes) {
      perClass[c] = new Float64Array(sets.length);
      perClassStd[c] = new Float64Array(sets.length);
    }
    sets.forEach((cols, j) => {
      const d = drop(cols, reps);
      overall[j] = d[0]!;
      overallStd[j] = d[K + 1]!;
      for (let k = 0; k < K; k++) {
        perClass[classes[k]!]![j] = d[k + 1]!;
        perClassStd[classes[k]!]![j] = d[K + 2 + k]!;
      }
    });
    return { overall, overallStd, perClass, perClassStd };
  };
  const single = collect(
    Array.from({ length: nFeatures }, (_, f) => [f]),
    repeats,
  );
  const result: PermutationImportance = { ...single, repeats };
  if (groups) {
    const names = Object.keys(groups);
    result.groups = {
      names,
      ...collect(
        names.map((n) => groups[n]!),
        groupRepeats,
      ),
      repeats: groupRepeats,
    };
  }
  return result;
}

/** The `groups` option checked: non-empty lists of distinct column indices below `nFeatures`. */
function checkGroups(
  groups: unknown,
  nFeatures: number,
): Record<string, readonly number[]> | undefined {
  if (groups === undefined) return undefined;
  if (groups === null || typeof groups !== "object" || Array.isArray(groups))
    throw expectedError(
      "options.groups",
      "an object of column-index lists by group name",
      groups,
      TypeError,
    );
  const out: Record<string, readonly number[]> = {};
  for (const [name, cols] of Object.entries(groups as Record<string, unknown>)) {
    const where = `options.groups[${JSON.stringify(name)}]`;
    if (!Array.isArray(cols) || cols.length === 0)
      throw expectedError(where, "a non-empty array of column indices", cols, TypeError);
    const seen = new Set<number>();
    for (const c of cols) {
      if (!Number.isInteger(c) || c < 0 || c >= nFeatures)
        throw expectedError(where, `column indices in [0, ${nFeatures - 1}]`, c, RangeError);
      if (seen.has(c)) throw new RangeError(`${where} lists column ${c} twice`);
      seen.add(c);
    }
    out[name] = cols as number[];
  }
  if (Object.keys(out).length === 0)
    throw expectedError("options.groups", "at least one group", groups, RangeError);
  return out;
}
