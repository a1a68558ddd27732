// Boundary maps from at most four labelled ISBI 2012 slices (2D U-Net, random forest), a
// watershed into segments, and the challenge's scores on the slices not trained on.
import { predictVolume } from "../classify/forest/predictVolume.js";
import { trainForest } from "../classify/forest/trainForest.js";
import { featuresAtLabels } from "../features/featuresAtLabels.js";
import { featureSpec } from "../features/spec.js";
import { gaussian } from "../filters/gaussian.js";
import { boundaryF1 } from "../metrics/boundaryF1.js";
import { isbiScores, pixelError } from "../metrics/isbi.js";
import type { NnBackendName } from "../nn/backend.js";
import { predictUNet } from "../nn/predictUNet.js";
import { trainUNet, type TrainUNetOptions, type UNetModel } from "../nn/trainUNet.js";
import { grainWatershed } from "../segmentation/watershed.js";
import { createRng } from "../stats/random.js";
import {
  checkNonNegative,
  checkNumberArray,
  checkOptions,
  checkPositive,
  checkPositiveInt,
  checkSeed,
  expectedError,
} from "../util/checks.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { isbiTargets, type Isbi2012 } from "./data.js";

/** Default training slices (positions in the loaded stack): four, spread over the 30. */
export const ISBI_TRAIN_SLICES: readonly number[] = [0, 10, 20, 29];

/** Filter scales (pixels) of the forest's 2D feature bank: membranes are ~3-10 px wide, cells 20-200. */
export const ISBI_FOREST_SCALES: readonly number[] = [0.7, 1.0, 1.6, 3.5, 5.0, 10.0];

/** Watershed settings tried by the tuning on the training slices. */
export const ISBI_WATERSHED_GRID = {
  smooth: [1, 2, 3],
  h: [0.1, 0.2, 0.3, 0.4, 0.5],
} as const;

/** Options of {@link isbiUNet} and {@link isbiForest}. */
export interface IsbiRunOptions {
  /** Slices trained on (positions in `data`), at most four. @default {@link ISBI_TRAIN_SLICES} (those present) */
  train?: readonly number[];
  /** Slices predicted and scored. @default all the others */
  test?: readonly number[];
  /** h-minima depth of the watershed seeds (boundary probability units). @default tuned (see `tune`), else 0.3 */
  h?: number;
  /** Boundary F1 tolerance, pixels. @default 2 */
  tolerance?: number;
  /** In-plane Gaussian sigma (pixels) applied to P(membrane) before the watershed (0 = none). @default tuned, else 2 */
  smooth?: number;
  /**
   * Choose `h` and `smooth` (those not given) on the training slices: the grid
   * {@link ISBI_WATERSHED_GRID} is scored by V-Rand on the method's own prediction of the
   * slices it was trained on (the test slices are never looked at). @default true
   */
  tune?: boolean;
  /** Called per step; `note` starts with "train", "predict", "segment" or "score". */
  onProgress?: (done: number, total: number, note: string) => void;
}

/** U-Net settings of {@link isbiUNet}. */
export interface IsbiUNetOptions extends IsbiRunOptions {
  /** Adam steps. @default 1500 */
  steps?: number;
  /** Square crop (pixels). @default 128 */
  crop?: number;
  /** Crops per step. @default 4 */
  batch?: number;
  learningRate?: number;
  seed?: number;
  /** Architecture. @default depth 4, 16 base filters */
  network?: TrainUNetOptions["network"];
  backend?: NnBackendName;
  progress?: boolean;
}

/** Forest settings of {@link isbiForest}. */
export interface IsbiForestOptions extends IsbiRunOptions {
  /** 2D filter scales. @default {@link ISBI_FOREST_SCALES} */
  scales?: readonly number[];
  /** Trees. @default 50 */
  trees?: number;
  /** Training pixels drawn per class (membrane, interior) over the training slices. @default 20000 */
  samplesPerClass?: number;
  seed?: number;
  threads?: number;
}

/** The challenge scores of one method on the test slices. */
export interface IsbiScoreTable {
  /** Fraction of pixels with P(membrane) > 0.5 on the wrong side of the hand labels. */
  pixelError: number;
  /** 1 - F-score of the interior class at P(membrane) < 0.5 (the challenge's pixel error at one threshold). */
  pixelFscoreError: number;
  /** Boundary F1 of the mask P(membrane) > 0.5 against the hand-labelled membranes (per slice, pooled). */
  boundaryF1: number;
  boundaryPrecision: number;
  boundaryRecall: number;
  /** ISBI 2012 foreground-restricted Rand score of the watershed segments (pooled over slices). */
  vRand: number;
  vRandSplit: number;
  vRandMerge: number;
  /** ISBI 2012 information-theoretic score (mean over slices). */
  vInfo: number;
  vInfoSplit: number;
  vInfoMerge: number;
  /** Watershed segments per test slice (mean) and true cells per slice (mean). */
  segmentsPerSlice: number;
}

/** Result of {@link isbiUNet} / {@link isbiForest} / {@link isbiEvaluate}. */
export interface IsbiResult {
  method: "unet" | "forest" | "given";
  /** Positions trained on and scored. */
  train: number[];
  test: number[];
  /** P(membrane) on the test slices, [test.length, ny, nx]. */
  boundary: Volume<Float32Array>;
  /** Watershed segments of each test slice (labels 1.. per slice). */
  segments: Volume<Int32Array>;
  scores: IsbiScoreTable;
  /** Wall time, ms. */
  timings: { train: number; predict: number; segment: number; score: number };
  /** U-Net: steps, mean seconds per step, final loss (mean of the last 50); forest: trees, training pixels. */
  details: Record<string, number | string>;
  /** The trained U-Net (dispose when done); U-Net runs only. */
  model?: UNetModel;
}

function subStack<T extends Volume>(v: T, slices: readonly number[]): T {
  const [, ny, nx] = v.shape;
  const plane = ny * nx;
  const Ctor = v.data.constructor as new (n: number) => T["data"];
  const out = new Ctor(slices.length * plane);
  slices.forEach((z, k) =>
    out.set(v.data.subarray(z * plane, (z + 1) * plane) as never, k * plane),
  );
  return { data: out, shape: [slices.length, ny, nx], spacing: [...v.spacing] as Spacing3 } as T;
}

function splits(data: Isbi2012, o: IsbiRunOptions): { train: number[]; test: number[] } {
  const nz = data.image.shape[0];
  const train = [
    ...checkNumberArray(
      o.train ?? ISBI_TRAIN_SLICES.filter((z) => z < nz).slice(0, Math.max(1, nz - 1)),
      "options.train",
      { integer: true, min: 0, max: nz - 1, minLength: 1, maxLength: 4, distinct: true },
    ),
  ];
  const seen = new Set(train);
  const test = [
    ...checkNumberArray(
      o.test ?? [...Array(nz).keys()].filter((z) => !seen.has(z)),
      "options.test",
      { integer: true, min: 0, max: nz - 1, minLength: 1, distinct: true },
    ),
  ];
  const both = test.filter((z) => seen.has(z));
  if (both.length > 0)
    throw expectedError(
      "options.test",
      "slices not trained on",
      `[${both.join(", ")}]`,
      RangeError,
    );
  return { train, test };
}

/**
 * Segments and scores a membrane probability map of the test slices: per slice, an
 * h-minima marker watershed ({@link grainWatershed}, 4-neighbour flood) of P(membrane)
 * smoothed in-plane by a Gaussian of sigma `smooth`
 * gives the segments; pixel error and boundary F1 score the map, V-Rand and V-Info
 * ({@link isbiScores}) the segments, against the hand labels.
 * @param data - The stack (its `labels` are the truth).
 * @param boundary - P(membrane) of the `test` slices, [test.length, ny, nx].
 */
export async function isbiEvaluate(
  data: Isbi2012,
  boundary: Volume<Float32Array>,
  test: readonly number[],
  options: Pick<IsbiRunOptions, "h" | "tolerance" | "smooth"> = {},
): Promise<Pick<IsbiResult, "segments" | "scores"> & { segmentMs: number; scoreMs: number }> {
  checkOptions(options, "options", ["h", "tolerance", "smooth"]);
  const smooth = checkNonNegative(options.smooth ?? 2, "options.smooth");
  const h = checkPositive(options.h ?? 0.3, "options.h");
  const tolerance = checkPositive(options.tolerance ?? 2, "options.tolerance");
  const [, ny, nx] = data.image.shape;
  if (boundary.shape.join() !== [test.length, ny, nx].join())
    throw expectedError(
      "boundary",
      `shape [${test.length}, ${ny}, ${nx}] (the test slices)`,
      `[${boundary.shape.join(", ")}]`,
    );
  const plane = ny * nx;
  const shape2: Shape3 = [1, ny, nx];
  const unit: Spacing3 = [1, 1, 1];
  let t = performance.now();
  const relief3 = smooth > 0 ? await gaussian(boundary, [0, smooth, smooth]) : boundary;
  const seg = new Int32Array(test.length * plane);
  let segments = 0;
  for (let k = 0; k < test.length; k++) {
    const relief: Volume<Float32Array> = {
      data: Float32Array.from(relief3.data.subarray(k * plane, (k + 1) * plane)),
      shape: shape2,
      spacing: unit,
    };
    const ws = grainWatershed(relief, { h, connectivity: 6 });
    seg.set(ws.labels.data, k * plane);
    segments += ws.count;
  }
  const segmentMs = performance.now() - t;
  t = performance.now();
  const truth = subStack(data.labels, test);
  const sc = isbiScores(truth, { data: seg, shape: [...truth.shape] as Shape3, spacing: unit });
  const interior: Volume<Float32Array> = {
    data: boundary.data.map((p) => 1 - p),
    shape: [...boundary.shape] as Shape3,
    spacing: unit,
  };
  const pe = pixelError(truth, interior);
  let np = 0;
  let pm = 0;
  let nt = 0;
  let tm = 0;
  for (let k = 0; k < test.length; k++) {
    const pred = new Uint8Array(plane);
    const tru = new Uint8Array(plane);
    for (let i = 0; i < plane; i++) {
      pred[i] = boundary.data[k * plane + i]! > 0.5 ? 1 : 0;
      tru[i] = truth.data[k * plane + i]! > 127 ? 0 : 1;
    }
    const f = await boundaryF1(
      { data: pred, shape: shape2, spacing: unit },
      { data: tru, shape: [...shape2] as Shape3, spacing: unit },
      { tolerance },
    );
    np += f.predicted;
    pm += f.predictedMatched;
    nt += f.truth;
    tm += f.truthMatched;
  }
  const precision = np > 0 ? pm / np : 0;
  const recall = nt > 0 ? tm / nt : 0;
  const scoreMs = performance.now() - t;
  return {
    segments: {
      data: seg,
      shape: [test.length, ny, nx],
      spacing: [...data.image.spacing] as Spacing3,
    },
    scores: {
      pixelError: pe.error,
      pixelFscoreError: pe.fscoreError,
      boundaryF1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
      boundaryPrecision: precision,
      boundaryRecall: recall,
      vRand: sc.vRand,
      vRandSplit: sc.vRandSplit,
      vRandMerge: sc.vRandMerge,
      vInfo: sc.vInfo,
      vInfoSplit: sc.vInfoSplit,
      vInfoMerge: sc.vInfoMerge,
      segmentsPerSlice: segments / test.length,
    },
    segmentMs,
    scoreMs,
  };
}

function evalOptions(o: IsbiRunOptions): Pick<IsbiRunOptions, "h" | "tolerance" | "smooth"> {
  return {
    ...(o.smooth !== undefined ? { smooth: o.smooth } : {}),
    ...(o.h !== undefined ? { h: o.h } : {}),
    ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}),
  };
}

const RUN_KEYS = ["train", "test", "h", "tolerance", "smooth", "tune", "onProgress"];

/**
 * The watershed settings (`h`, `smooth`) with the best V-Rand on the training slices'
 * prediction; fixed values in `options` are kept.
 */
export async function tuneIsbiWatershed(
  data: Isbi2012,
  boundaryTrain: Volume<Float32Array>,
  train: readonly number[],
  options: Pick<IsbiRunOptions, "h" | "smooth"> = {},
): Promise<{ h: number; smooth: number; vRand: number }> {
  let best = { h: options.h ?? 0.3, smooth: options.smooth ?? 2, vRand: -1 };
  for (const smooth of options.smooth !== undefined ? [options.smooth] : ISBI_WATERSHED_GRID.smooth)
    for (const h of options.h !== undefined ? [options.h] : ISBI_WATERSHED_GRID.h) {
      const e = await isbiEvaluate(data, boundaryTrain, train, { h, smooth });
      if (e.scores.vRand > best.vRand) best = { h, smooth, vRand: e.scores.vRand };
    }
  return best;
}

async function chooseWatershed(
  data: Isbi2012,
  o: IsbiRunOptions,
  train: readonly number[],
  predictTrain: () => Promise<Volume<Float32Array>>,
): Promise<{ h?: number; smooth?: number; tolerance?: number; tunedVRand?: number }> {
  const fixed = evalOptions(o);
  if (o.tune === false || (o.h !== undefined && o.smooth !== undefined)) return fixed;
  const t = await tuneIsbiWatershed(data, await predictTrain(), train, fixed);
  return { ...fixed, h: t.h, smooth: t.smooth, tunedVRand: t.vRand };
}

/**
 * A 2D U-Net ({@link trainUNet} with `dims: 2`, two classes membrane / interior, every pixel
 * of the training slices labelled) trained on at most four slices, predicted on the others
 * ({@link predictUNet}), segmented and scored by {@link isbiEvaluate}.
 *
 * Measured on the full stack (train 0, 10, 20, 29; scored on the other 26; native backend,
 * two shared cores, seed 0), pixel error / boundary F1 / V-Rand / V-Info:
 * 600 steps (0.56 s/step, 5.7 min): 0.115 / 0.892 / 0.780 / 0.915 (watershed h 0.1, sigma 1);
 * 1500 steps (0.47 s/step, 11.8 min): 0.100 / 0.896 / 0.683 / 0.925 (h 0.3, sigma 1). The forest
 * ({@link isbiForest}): 0.186 / 0.830 / 0.817 / 0.941 in 26 s. The U-Net's map is the better
 * pixel classifier; its segments merge more cells (V-Rand merge 0.53-0.89 against 0.85).
 * @example
 * const r = await isbiUNet(await loadIsbi2012(), { steps: 1500 });
 * r.scores.vRand; r.model?.dispose();
 */
export async function isbiUNet(data: Isbi2012, options: IsbiUNetOptions = {}): Promise<IsbiResult> {
  checkOptions(options, "options", [
    ...RUN_KEYS,
    "steps",
    "crop",
    "batch",
    "learningRate",
    "seed",
    "network",
    "backend",
    "progress",
  ]);
  const { train, test } = splits(data, options);
  const steps = checkPositiveInt(options.steps ?? 1500, "options.steps");
  const report = options.onProgress;
  let t = performance.now();
  const model = await trainUNet(
    subStack(data.image, train),
    isbiTargets(subStack(data.labels, train)),
    {
      dims: 2,
      steps,
      crop: checkPositiveInt(options.crop ?? 128, "options.crop"),
      batch: checkPositiveInt(options.batch ?? 4, "options.batch"),
      classNames: ["membrane", "interior"],
      network: options.network ?? { depth: 4, baseFilters: 16 },
      ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.progress !== undefined ? { progress: options.progress } : {}),
      ...(report
        ? { onProgress: (d: number, n: number, note: string) => report(d, n, `train: ${note}`) }
        : {}),
    },
  );
  const trainMs = performance.now() - t;
  try {
    t = performance.now();
    const pred = await predictUNet(model, subStack(data.image, test), {
      ...(options.progress !== undefined ? { progress: options.progress } : {}),
    });
    const predictMs = performance.now() - t;
    const boundary = pred.probabilities[0] as Volume<Float32Array>;
    report?.(0, 1, "segment and score");
    const ws = await chooseWatershed(
      data,
      options,
      train,
      async () =>
        (await predictUNet(model, subStack(data.image, train)))
          .probabilities[0] as Volume<Float32Array>,
    );
    const { tunedVRand: tunedU, ...evU } = ws;
    const ev = await isbiEvaluate(data, boundary, test, evU);
    const losses = model.training.losses;
    const last = losses.slice(-50);
    const sec = model.training.stepSeconds;
    return {
      method: "unet",
      train,
      test,
      boundary,
      segments: ev.segments,
      scores: ev.scores,
      timings: { train: trainMs, predict: predictMs, segment: ev.segmentMs, score: ev.scoreMs },
      details: {
        steps,
        crop: model.training.crop[2],
        batch: model.training.batch,
        secondsPerStep: sec.reduce((a, b) => a + b, 0) / sec.length,
        finalLoss: last.reduce((a, b) => a + b, 0) / last.length,
        parameters: model.net.parameterCount,
        backend: model.training.backend,
        h: evU.h ?? 0.3,
        smooth: evU.smooth ?? 2,
        ...(tunedU !== undefined ? { trainVRand: tunedU } : {}),
      },
      model,
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * A random forest on a 2D feature bank (ilastik's six filters at {@link ISBI_FOREST_SCALES},
 * computed slice by slice) trained on pixels drawn from at most four labelled slices,
 * predicted on the others, segmented and scored by {@link isbiEvaluate}.
 * @example
 * const r = await isbiForest(await loadIsbi2012());
 */
export async function isbiForest(
  data: Isbi2012,
  options: IsbiForestOptions = {},
): Promise<IsbiResult> {
  checkOptions(options, "options", [
    ...RUN_KEYS,
    "scales",
    "trees",
    "samplesPerClass",
    "seed",
    "threads",
  ]);
  const { train, test } = splits(data, options);
  const trees = checkPositiveInt(options.trees ?? 50, "options.trees");
  const perClass = checkPositiveInt(options.samplesPerClass ?? 20000, "options.samplesPerClass");
  const seed = checkSeed(options.seed ?? 1, "options.seed");
  const threads = options.threads;
  const spec = featureSpec({
    inputs: ["EM"],
    scales: options.scales ?? ISBI_FOREST_SCALES,
    computeIn2d: true,
  });
  let t = performance.now();
  // Class-balanced sparse labels: up to `perClass` random pixels of each class.
  const targets = isbiTargets(subStack(data.labels, train));
  const rng = createRng(seed);
  const sparse = new Uint8Array(targets.data.length);
  for (const code of [1, 2]) {
    const idx: number[] = [];
    for (let i = 0; i < targets.data.length; i++) if (targets.data[i] === code) idx.push(i);
    const k = Math.min(perClass, idx.length);
    for (let j = 0; j < k; j++) {
      const r = j + rng.int(idx.length - j);
      [idx[j], idx[r]] = [idx[r]!, idx[j]!];
      sparse[idx[j]!] = code;
    }
  }
  const trainImage = subStack(data.image, train);
  const samples = await featuresAtLabels(
    { EM: trainImage },
    {
      data: sparse,
      shape: [...targets.shape] as Shape3,
      spacing: [...targets.spacing] as Spacing3,
    },
    spec,
    { threads },
  );
  options.onProgress?.(1, 3, `train: features (${samples.channels.length} channels)`);
  const forest = await trainForest(samples.samples, samples.labels, samples.channels.length, {
    trees,
    seed,
    threads,
    maxSamples: Math.min(samples.count, 20000),
  });
  const trainMs = performance.now() - t;
  options.onProgress?.(2, 3, `train: forest (${trees} trees)`);
  t = performance.now();
  const pred = await predictVolume(forest, { EM: subStack(data.image, test) }, spec, {
    probabilities: true,
    threads,
  });
  const predictMs = performance.now() - t;
  options.onProgress?.(3, 3, "predict");
  const boundary = pred.probabilities![forest.classes.indexOf(1)]! as Volume<Float32Array>;
  const ws = await chooseWatershed(data, options, train, async () => {
    const p = await predictVolume(forest, { EM: trainImage }, spec, {
      probabilities: true,
      threads,
    });
    return p.probabilities![forest.classes.indexOf(1)]! as Volume<Float32Array>;
  });
  const { tunedVRand: tunedF, ...evF } = ws;
  const ev = await isbiEvaluate(data, boundary, test, evF);
  return {
    method: "forest",
    train,
    test,
    boundary,
    segments: ev.segments,
    scores: ev.scores,
    timings: { train: trainMs, predict: predictMs, segment: ev.segmentMs, score: ev.scoreMs },
    details: {
      trees,
      trainingPixels: samples.count,
      channels: samples.channels.length,
      h: evF.h ?? 0.3,
      smooth: evF.smooth ?? 2,
      ...(tunedF !== undefined ? { trainVRand: tunedF } : {}),
    },
  };
}
