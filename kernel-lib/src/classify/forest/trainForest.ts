import { checkBoolean, checkInteger, checkNonNegative, describeValue } from "../../util/checks.js";
import { getThreads } from "../../parallel/pool.js";
import { argmax } from "../../volume/argmax.js";
import { binSamples } from "./binning.js";
import { buildTree, type TreeArrays, type TreeSettings } from "./buildTree.js";
import type { TrainTask } from "./forestWorker.js";
import { Forest, type ForestParts, type RandomForest } from "./model.js";
import { allocNodes } from "./nodes.js";
import { runForestTasks } from "./workerPool.js";

/** Options of {@link trainForest} (scikit-learn's RandomForestClassifier names in camelCase). */
export interface ForestOptions {
  /** Number of trees. @default 100 */
  trees?: number;
  /**
   * Features drawn at random at each split (not per tree): `"sqrt"` =
   * floor(sqrt(F)), `"log2"` = floor(log2(F)), `"all"` = F, a number >= 1 =
   * that many, a number in (0, 1) = that fraction of F (at least 1). As in
   * sklearn, features that are constant in the node do not count, so more
   * are drawn until this many non-constant ones were tried.
   * @default "sqrt"
   */
  maxFeatures?: "sqrt" | "log2" | "all" | number;
  /** Maximum tree depth (root = depth 0). @default unlimited */
  maxDepth?: number;
  /** Minimum number of (distinct) training samples in a leaf. @default 1 */
  minSamplesLeaf?: number;
  /** Minimum number of samples a node needs to be split. @default 2 */
  minSamplesSplit?: number;
  /** Grow each tree on a bootstrap sample (drawn with replacement; duplicates weigh more, as sklearn). @default true */
  bootstrap?: boolean;
  /** Bootstrap sample size: a fraction of the samples (<= 1) or a count (> 1). @default all samples */
  maxSamples?: number;
  /**
   * Each feature is quantised into at most this many bins of about equal
   * sample counts (features with fewer distinct values keep one bin per
   * value), and splits are searched between bins on class histograms
   * (LightGBM / sklearn HistGradientBoosting), with the threshold at the
   * midpoint between the neighbouring bins' training values. 256 loses no
   * accuracy in practice and keeps training near-linear. `0` = exact
   * thresholds, one bin per distinct value, midpoints between adjacent
   * values (sklearn's DecisionTreeClassifier).
   * @default 256
   */
  bins?: number;
  /**
   * Class weights: `"balanced"` = n / (classes x count of the class)
   * (sklearn's), or a weight per class value (missing classes weigh 1).
   * @default every class weighs 1
   */
  classWeight?: "balanced" | Record<number, number>;
  /** Seed of the random draws: the same seed gives the same forest, for any thread count. @default random */
  seed?: number;
  /** Worker threads growing trees (the shared pool); 1 grows them in this thread. @default the pool size */
  threads?: number;
  /** Called with (trees done, trees) after each tree. */
  onProgress?: (done: number, total: number) => void;
}

/** Resolve `maxFeatures` to a count. @internal */
export function resolveMaxFeatures(v: ForestOptions["maxFeatures"], F: number): number {
  if (v === undefined || v === "sqrt") return Math.max(1, Math.floor(Math.sqrt(F)));
  if (v === "log2") return Math.max(1, Math.floor(Math.log2(F)));
  if (v === "all") return F;
  if (typeof v === "number" && v > 0 && Number.isFinite(v)) {
    if (v < 1) return Math.max(1, Math.floor(v * F));
    if (Number.isInteger(v)) {
      if (v > F)
        throw new RangeError(
          `\`maxFeatures\` (${v}) must be at most the number of features (${F})`,
        );
      return v;
    }
  }
  throw new RangeError(
    `\`maxFeatures\` must be "sqrt", "log2", "all", an integer >= 1 or a fraction in (0, 1), received ${JSON.stringify(v)}`,
  );
}

/**
 * Train a random forest classifier (Breiman's: bootstrap samples, random
 * features per split, Gini impurity, fully grown trees by default), as
 * ilastik's vigra forest and scikit-learn's RandomForestClassifier do.
 * Splits are searched on per-feature histograms of at most `bins` bins
 * (exact sorted thresholds with `bins: 0`), so training is near-linear in
 * the samples; trees grow in parallel on the worker pool. With `bins: 0`,
 * one tree, `bootstrap: false` and `maxFeatures: "all"`, the tree is
 * sklearn's `DecisionTreeClassifier(criterion="gini")` (ties between equally
 * good features aside).
 *
 * @param samples - Row-major `count x nFeatures` matrix (e.g. `samples` of
 *   {@link featuresAtLabels}); no NaN or infinite values.
 * @param labels - Class value of each row, non-negative integers (e.g. 1, 2, 3); at least two classes.
 * @param nFeatures - Columns per row.
 * @param options - See {@link ForestOptions}.
 * @returns The trained forest.
 * @throws RangeError/TypeError on bad sizes, NaN, fewer than two classes, bad options.
 * @example
 * ```ts
 * const train = await featuresAtLabels({ SE2: se2 }, strokes, spec);
 * const forest = await trainForest(train.samples, train.labels, train.channels.length, { seed: 1 });
 * const stack = await computeFeatures({ SE2: se2 }, spec, { region });
 * const labels = forest.predict(stack.data, { layout: "channels" });
 * ```
 * @see Breiman (2001), Random Forests; sklearn.ensemble.RandomForestClassifier
 */
export async function trainForest(
  samples: Float32Array,
  labels: ArrayLike<number>,
  nFeatures: number,
  options: ForestOptions = {},
): Promise<RandomForest> {
  if (!(samples instanceof Float32Array))
    throw new TypeError(`\`samples\` must be a Float32Array, received ${describeValue(samples)}`);
  checkInteger(nFeatures, "nFeatures", 1);
  if (labels === null || typeof labels !== "object" || typeof labels.length !== "number")
    throw new TypeError(
      `\`labels\` must be an array of class values, received ${describeValue(labels)}`,
    );
  const n = labels.length;
  if (samples.length !== n * nFeatures) {
    throw new RangeError(
      `\`samples\` has ${samples.length} values, expected labels.length x nFeatures = ${n} x ${nFeatures} = ${n * nFeatures}`,
    );
  }
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (v - v !== 0) {
      // NaN or infinite
      const row = Math.floor(i / nFeatures);
      throw new RangeError(
        `\`samples\` holds ${samples[i]} at row ${row}, feature ${i - row * nFeatures}; features must be finite numbers`,
      );
    }
  }
  const classSet = new Set<number>();
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(
        `\`labels\` must be non-negative integers, received ${String(v)} at row ${i}`,
      );
    classSet.add(v);
  }
  const classes = [...classSet].sort((a, b) => a - b);
  if (classes.length < 2) {
    throw new RangeError(
      `a classifier needs at least two classes, the labels hold ${classes.length === 0 ? "none (no samples)" : `only class ${classes[0]} (${n} samples)`}: label some voxels of another class`,
    );
  }
  const K = classes.length;
  const classIndex = new Map(classes.map((c, k) => [c, k]));
  const y = new Int32Array(n);
  const classCount = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const k = classIndex.get(labels[i]!)!;
    y[i] = k;
    classCount[k]++;
  }

  const nTrees = checkInteger(options.trees ?? 100, "trees", 1);
  const mtry = resolveMaxFeatures(options.maxFeatures, nFeatures);
  const maxDepth = options.maxDepth ?? Infinity;
  if (maxDepth !== Infinity) checkInteger(maxDepth, "maxDepth", 0);
  const minSamplesLeaf = checkInteger(options.minSamplesLeaf ?? 1, "minSamplesLeaf", 1);
  const minSamplesSplit = checkInteger(options.minSamplesSplit ?? 2, "minSamplesSplit", 2);
  const bootstrap = checkBoolean(options.bootstrap ?? true, "bootstrap");
  let nBootstrap = n;
  if (options.maxSamples !== undefined) {
    const ms = options.maxSamples;
    if (typeof ms !== "number" || !(ms > 0) || (ms > 1 && (!Number.isInteger(ms) || ms > n)))
      throw new RangeError(
        `\`maxSamples\` must be a fraction in (0, 1] or a count in 2..${n}, received ${String(ms)}`,
      );
    nBootstrap = ms <= 1 ? Math.max(1, Math.round(ms * n)) : ms;
  }
  const bins = options.bins ?? 256;
  if (!Number.isInteger(bins) || bins < 0 || bins === 1)
    throw new RangeError(`\`bins\` must be 0 (exact) or an integer >= 2, received ${String(bins)}`);
  const classWeight = new Float64Array(K).fill(1);
  const cw = options.classWeight;
  if (cw === "balanced") {
    for (let k = 0; k < K; k++) classWeight[k] = n / (K * classCount[k]!);
  } else if (cw !== undefined) {
    if (typeof cw !== "object" || cw === null)
      throw new TypeError(
        `\`classWeight\` must be "balanced" or { classValue: weight }, received ${describeValue(cw)}`,
      );
    for (const [key, wv] of Object.entries(cw)) {
      const k = classIndex.get(Number(key));
      checkNonNegative(wv, `classWeight[${key}]`);
      if (k !== undefined) classWeight[k] = wv;
    }
  }
  const seed =
    options.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(options.seed);
  if (!Number.isFinite(seed))
    throw new RangeError(`\`seed\` must be a number, received ${String(options.seed)}`);
  const threads = checkInteger(options.threads ?? getThreads(), "threads", 1);
  const inline = threads === 1;

  const data = binSamples(samples, n, nFeatures, bins, y, K, !inline);
  const settings: TreeSettings = {
    mtry,
    maxDepth,
    minSamplesLeaf,
    minSamplesSplit,
    bootstrap,
    nBootstrap,
    classWeight,
    seed: seed >>> 0,
  };
  const trees: TreeArrays[] = new Array<TreeArrays>(nTrees);
  let done = 0;
  options.onProgress?.(0, nTrees);
  if (inline) {
    for (let t = 0; t < nTrees; t++) {
      trees[t] = buildTree(data, settings, t);
      options.onProgress?.(++done, nTrees);
      if (t + 1 < nTrees && t % 4 === 3) await new Promise((r) => setImmediate(r));
    }
  } else {
    const tasks: TrainTask[] = Array.from({ length: nTrees }, (_, t) => ({
      op: "train",
      data,
      settings,
      trees: [t],
    }));
    await runForestTasks(tasks, threads, (i, result) => {
      trees[i] = result[0]!;
      options.onProgress?.(++done, nTrees);
    });
  }
  return assemble(trees, classes, nFeatures, n, y, {
    trees: nTrees,
    maxFeatures: options.maxFeatures ?? "sqrt",
    mtry,
    maxDepth: maxDepth === Infinity ? null : maxDepth,
    minSamplesLeaf,
    minSamplesSplit,
    bootstrap,
    nBootstrap,
    bins,
    classWeight: Array.from(classWeight),
    seed: seed >>> 0,
  });
}

/** Concatenate grown trees into one forest and compute its out-of-bag error. */
function assemble(
  trees: TreeArrays[],
  classes: number[],
  F: number,
  n: number,
  y: Int32Array,
  options: Record<string, unknown>,
): Forest {
  const K = classes.length;
  const T = trees.length;
  const treeSizes = Int32Array.from(trees, (t) => t.feature.length);
  const total = treeSizes.reduce((a, b) => a + b, 0);
  const parts: ForestParts = {
    ...allocNodes(total, K),
    classes,
    nClasses: K,
    nFeatures: F,
    roots: new Int32Array(T),
    treeSizes,
    importances: new Float64Array(T * F),
    oobError: undefined,
    options,
  };
  const { feature, threshold, left, right, value, roots, importances } = parts;
  const oobSum = new Float64Array(n * K);
  const oobVotes = new Int32Array(n);
  let hasOob = false;
  let r = 0;
  trees.forEach((t, ti) => {
    roots[ti] = r;
    const size = t.feature.length;
    feature.set(t.feature, r);
    threshold.set(t.threshold, r);
    value.set(t.value, r * K);
    for (let i = 0; i < size; i++) {
      if (t.feature[i]! >= 0) {
        left[r + i] = t.left[i]! + r;
        right[r + i] = t.right[i]! + r;
      } else {
        left[r + i] = -1;
        right[r + i] = -1;
      }
    }
    importances.set(t.importance, ti * F);
    for (let j = 0; j < t.oobRows.length; j++) {
      hasOob = true;
      const row = t.oobRows[j]!;
      const leaf = t.oobLeaves[j]!;
      oobVotes[row]!++;
      for (let k = 0; k < K; k++) oobSum[row * K + k] += t.value[leaf * K + k]!;
    }
    r += size;
  });
  if (hasOob) {
    let wrong = 0;
    let seen = 0;
    for (let i = 0; i < n; i++) {
      if (oobVotes[i] === 0) continue;
      seen++;
      if (argmax(oobSum, i * K, K) !== y[i]) wrong++;
    }
    parts.oobError = seen > 0 ? wrong / seen : undefined;
  }
  return new Forest(parts);
}
