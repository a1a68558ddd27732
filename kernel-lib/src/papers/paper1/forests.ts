// Paper 1, methods 3.4-3.6: random forests (ilastik pixel classification) trained on brush strokes.
import { permutationImportance } from "../../classify/forest/permutationImportance.js";
import { predictProbaParallel } from "../../classify/forest/predictProbaParallel.js";
import { trainForest } from "../../classify/forest/trainForest.js";
import { computeFeatures, type FeatureStack } from "../../features/computeFeatures.js";
import { featuresAtLabels, type LabelledSamples } from "../../features/featuresAtLabels.js";
import { featureChannels, featureSpec, type FeatureSpec } from "../../features/spec.js";
import { stratifiedSample } from "../../stats/stratifiedSample.js";
import { argmaxRows } from "../../volume/argmax.js";
import { checkOneOf } from "../../util/checks.js";
import type { Shape3 } from "../../volume/types.js";
import { PAPER1_RF_ALL, PAPER1_RF_SE2, PAPER1_RF_TAILORED } from "./info.js";
import { methodResult } from "./testSlice.js";
import type {
  Paper1Importance,
  Paper1MethodInfo,
  Paper1MethodResult,
  Paper1TestSlice,
} from "./types.js";

/** The forest methods. */
export type Paper1ForestId = "3.4" | "3.5" | "3.6";

const INFO: Record<Paper1ForestId, Readonly<Paper1MethodInfo>> = {
  "3.4": PAPER1_RF_SE2,
  "3.5": PAPER1_RF_ALL,
  "3.6": PAPER1_RF_TAILORED,
};

const FOREST_IDS = Object.keys(INFO) as Paper1ForestId[];

/** The feature selection of a random forest method (3.4 SE2 only, 3.5 three inputs, 3.6 three inputs + tailored z). */
export function paper1FeatureSpec(
  id: Paper1ForestId,
  options: { scales?: readonly number[] } = {},
): FeatureSpec {
  checkOneOf(id, "id", FOREST_IDS);
  const inputs =
    id === "3.4"
      ? ["SE2"]
      : [
          "SE2",
          "InLens",
          { name: "SE2 - InLens", difference: ["SE2", "InLens"] as [string, string] },
        ];
  return featureSpec({
    inputs,
    tailored: id === "3.6",
    ...(options.scales ? { scales: options.scales } : {}),
  });
}

/** Options of {@link paper1ForestFeatures}. */
export interface Paper1ForestFeaturesOptions {
  /** The forest methods the features serve: the largest one's selection is computed. @default all three */
  methods?: readonly Paper1ForestId[];
  /**
   * ilastik filter scales (the feature dialog's columns).
   * @default ilastik's seven, 0.3 ... 10.0 (61 features per input)
   */
  scales?: readonly number[];
  /** Worker threads. @default the pool size */
  threads?: number;
}

/** Features shared by the forest methods (see {@link paper1ForestFeatures}). */
export interface Paper1ForestFeatures {
  /** Features at the brush-stroke voxels (training). */
  train: LabelledSamples;
  /** Features of the test slice, layout "samples" (prediction). */
  test: FeatureStack;
  /** The scales the selection was made with (undefined: ilastik's seven). */
  scales?: readonly number[];
  /** Wall time, milliseconds: training-voxel and test-slice features. */
  timings: { trainFeatures: number; testFeatures: number };
}

/**
 * The forest methods' features, computed once: the three selections are
 * nested (3.4 within 3.5 within 3.6), so the largest one requested is
 * computed, only in the blocks that hold brush strokes (training) and for the
 * test slice (prediction); each method then takes its columns by name.
 * @param test - From `paper1TestSlice`.
 */
export async function paper1ForestFeatures(
  test: Paper1TestSlice,
  options: Paper1ForestFeaturesOptions = {},
): Promise<Paper1ForestFeatures> {
  const ids = options.methods ?? ["3.4", "3.5", "3.6"];
  const top = ids.includes("3.6") ? "3.6" : ids.includes("3.5") ? "3.5" : "3.4";
  const { sample, z } = test;
  const [, ny, nx] = sample.se2.shape;
  const inputs = { SE2: sample.se2, InLens: sample.inlens };
  const spec = paper1FeatureSpec(top, { scales: options.scales });
  let t = performance.now();
  const train = await featuresAtLabels(inputs, sample.labels, spec, { threads: options.threads });
  const trainFeatures = performance.now() - t;
  t = performance.now();
  const stack = await computeFeatures(inputs, spec, {
    region: { origin: [z, 0, 0], shape: [1, ny, nx] as Shape3 },
    layout: "samples",
    threads: options.threads,
  });
  return {
    train,
    test: stack,
    ...(options.scales ? { scales: options.scales } : {}),
    timings: { trainFeatures, testFeatures: performance.now() - t },
  };
}

/** Options of the forest methods ({@link paper1ForestSE2}, {@link paper1ForestAll}, {@link paper1ForestTailored}). */
export interface Paper1ForestOptions {
  /** Shared features from {@link paper1ForestFeatures}. @default computed for this method alone */
  features?: Paper1ForestFeatures;
  /** Trees per forest (ilastik: 100). @default 100 */
  trees?: number;
  /** Seed of the forest and of the importance subsample. @default 1 */
  seed?: number;
  /** Compute permutation importances. @default true */
  importance?: boolean;
  /** Test-slice voxels (class-stratified, at most a third per class) used for permutation importance. @default 3000 */
  importanceSamples?: number;
  /** Shuffles per feature for permutation importance. @default 5 */
  importanceRepeats?: number;
  /**
   * Shuffles per group for the joint importance of each filter group and each
   * input signal (all of a group's channels shuffled together). @default 30
   */
  importanceGroupRepeats?: number;
  /** Filter scales when the features are computed here. @default ilastik's seven */
  scales?: readonly number[];
  /** Worker threads. @default the pool size */
  threads?: number;
  /** Called after each of the four steps (features, forest, prediction, importance). */
  onProgress?: (done: number, total: number, note: string) => void;
}

/** Columns `cols` of a row-major matrix with `C` columns. */
function selectColumns(m: Float32Array, C: number, cols: number[]): Float32Array {
  const n = Math.floor(m.length / C);
  const k = cols.length;
  if (k === C && cols.every((c, i) => c === i)) return m;
  const out = new Float32Array(n * k);
  for (let r = 0; r < n; r++) {
    const a = r * C;
    const b = r * k;
    for (let j = 0; j < k; j++) out[b + j] = m[a + cols[j]!]!;
  }
  return out;
}

async function forestMethod(
  id: Paper1ForestId,
  test: Paper1TestSlice,
  options: Paper1ForestOptions,
): Promise<Paper1MethodResult> {
  const trees = options.trees ?? 100;
  const seed = options.seed ?? 1;
  const threads = options.threads;
  const { sample, truth } = test;
  const [, ny, nx] = sample.se2.shape;
  let done = 0;
  const tick = (note: string): void => options.onProgress?.(++done, 4, note);
  const timings: Record<string, number> = {};
  let shared = options.features;
  if (!shared) {
    shared = await paper1ForestFeatures(test, { methods: [id], scales: options.scales, threads });
    Object.assign(timings, shared.timings);
  }
  const own = featureChannels(paper1FeatureSpec(id, { scales: shared.scales }), sample.se2.shape);
  const all = shared.train.channels;
  const cols = own.map((c) => {
    const j = all.findIndex((a) => a.name === c.name);
    if (j < 0)
      throw new RangeError(
        `features: channel ${c.name} of method ${id} is missing (compute them with paper1ForestFeatures for methods including ${id})`,
      );
    return j;
  });
  const C = cols.length;
  const train = selectColumns(shared.train.samples, all.length, cols);
  const testData = selectColumns(shared.test.data, all.length, cols);
  tick(`${id} features (${C} channels, ${shared.train.count} training voxels)`);
  let t = performance.now();
  const forest = await trainForest(train, shared.train.labels, C, { trees, seed, threads });
  timings.train = performance.now() - t;
  tick(`${id} forest (${trees} trees)`);
  t = performance.now();
  const proba = await predictProbaParallel(forest, testData, { threads });
  const seg = new Uint8Array(ny * nx);
  argmaxRows(proba, forest.classes.length, seg.length, seg, forest.classes);
  timings.predict = performance.now() - t;
  tick(`${id} prediction`);
  let importance: Paper1Importance | undefined;
  if (options.importance ?? true) {
    t = performance.now();
    importance = testImportance(forest, testData, C, test, own, options);
    timings.importance = performance.now() - t;
  }
  tick(`${id} importance`);
  timings.total = Object.values(timings).reduce((a, b) => a + b, 0);
  return methodResult(
    INFO[id],
    test,
    { data: seg, shape: [1, ny, nx], spacing: [...truth.spacing] },
    timings,
    { channels: C, trainingVoxels: shared.train.count, trees, oobError: forest.oobError },
    importance,
  );
}

/** Per-class permutation importance on a class-stratified subset of the test slice. */
function testImportance(
  forest: Awaited<ReturnType<typeof trainForest>>,
  testData: Float32Array,
  C: number,
  test: Paper1TestSlice,
  channels: Paper1Importance["channels"],
  options: Paper1ForestOptions,
): Paper1Importance {
  const seed = options.seed ?? 1;
  const truth = test.truth.data;
  const rows = stratifiedSample(truth, options.importanceSamples ?? 3000, {
    classes: [1, 2, 3],
    seed,
  });
  const sub = new Float32Array(rows.length * C);
  const lab = new Uint8Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    sub.set(testData.subarray(rows[r]! * C, rows[r]! * C + C), r * C);
    lab[r] = truth[rows[r]!]!;
  }
  // joint groups: each filter group and each input signal, named "group:<g>" / "input:<i>"
  const groups: Record<string, number[]> = {};
  channels.forEach((c, j) => {
    (groups[`group:${c.group}`] ??= []).push(j);
    (groups[`input:${c.input}`] ??= []).push(j);
  });
  const imp = permutationImportance(forest, sub, lab, C, {
    repeats: options.importanceRepeats ?? 5,
    seed,
    groups,
    groupRepeats: options.importanceGroupRepeats ?? 30,
  });
  return {
    channels,
    overall: imp.overall,
    perClass: imp.perClass,
    perClassStd: imp.perClassStd,
    repeats: imp.repeats,
    groups: imp.groups!,
    samples: rows.length,
  };
}

/**
 * Method 3.4: a random forest on ilastik's 61 standard features of SE2,
 * trained on the brush strokes (`sample.labels`; the slices around the test
 * slice carry none), predicting the test slice; per-class permutation
 * importance on 3000 test-slice voxels.
 * @param test - From `paper1TestSlice`.
 * @see Osenberg et al., Section 3.4, Fig. 3
 */
export function paper1ForestSE2(
  test: Paper1TestSlice,
  options: Paper1ForestOptions = {},
): Promise<Paper1MethodResult> {
  return forestMethod("3.4", test, options);
}

/**
 * Method 3.5: as 3.4 on SE2, InLens and SE2 - InLens (183 features).
 * @param test - From `paper1TestSlice`.
 * @see Osenberg et al., Section 3.5
 */
export function paper1ForestAll(
  test: Paper1TestSlice,
  options: Paper1ForestOptions = {},
): Promise<Paper1MethodResult> {
  return forestMethod("3.5", test, options);
}

/**
 * Method 3.6: as 3.5 plus the tailored milling-direction (z) features.
 * @param test - From `paper1TestSlice`.
 * @see Osenberg et al., Section 3.6
 */
export function paper1ForestTailored(
  test: Paper1TestSlice,
  options: Paper1ForestOptions = {},
): Promise<Paper1MethodResult> {
  return forestMethod("3.6", test, options);
}
