// Paper 2, Sect. 2.3 step 2 by a random forest: boundary / interior / background probabilities from four labelled slices.
import { predictVolume } from "../../classify/forest/predictVolume.js";
import type { RandomForest } from "../../classify/forest/model.js";
import { trainForest } from "../../classify/forest/trainForest.js";
import { featuresAtLabels } from "../../features/featuresAtLabels.js";
import { featureSpec, type FeatureSpec } from "../../features/spec.js";
import type { EbsdSample } from "../../synth/sampleCatalog.js";
import {
  checkNumberArray,
  checkOptions,
  checkPositiveInt,
  checkSeed,
  expectedError,
} from "../../util/checks.js";
import { checkSameShape, checkVolume } from "../../volume/check.js";
import type { Spacing3, Volume } from "../../volume/types.js";

/** Filter scales of the boundary forest (voxels): boundaries are one to two voxels wide, grains ~5-20. */
export const PAPER2_FOREST_SCALES: readonly number[] = [0.7, 1.0, 1.6, 3.5, 5.0];

/** Options of {@link paper2BoundaryForest}. */
export interface Paper2BoundaryForestOptions {
  /** The hand-labelled slices (z indices) whose targets train the forest. @default sample.labelledSlices */
  slices?: readonly number[];
  /** Target codes, 1 boundary, 2 interior, 3 background (read only on `slices`). @default sample.targets */
  targets?: Volume;
  /** ilastik filter scales of the IQ features (all six filters). @default {@link PAPER2_FOREST_SCALES} */
  scales?: readonly number[];
  /** Trees. @default 50 */
  trees?: number;
  /** Bootstrap sample per tree (a fraction <= 1 or a count). @default 20000 voxels (all when fewer) */
  maxSamples?: number;
  /** Seed of the forest. @default 1 */
  seed?: number;
  /** Worker threads. @default the pool size */
  threads?: number;
  /** Called after each step (features, forest, prediction). */
  onProgress?: (done: number, total: number, note: string) => void;
}

/** Result of {@link paper2BoundaryForest}. */
export interface Paper2BoundaryForest {
  /** P(grain boundary) G_b per voxel. */
  boundary: Volume<Float32Array>;
  /** P(grain interior) G_i. */
  interior: Volume<Float32Array>;
  /** P(background) B; the three sum to 1. */
  background: Volume<Float32Array>;
  /** The trained forest (classes 1, 2, 3). */
  forest: RandomForest;
  /** Its feature selection (input "IQ"). */
  spec: FeatureSpec;
  /** The slices trained on. */
  slices: number[];
  /** Training voxels (all voxels of the labelled slices). */
  trainingVoxels: number;
  /** Which volume was classified: "iqAligned" (a sample given), or "volume". */
  input: "iqAligned" | "volume";
  /** Wall time, ms. */
  timings: { features: number; train: number; predict: number };
}

const KEYS = [
  "slices",
  "targets",
  "scales",
  "trees",
  "maxSamples",
  "seed",
  "threads",
  "onProgress",
];

function isSample(v: unknown): v is EbsdSample {
  return typeof v === "object" && v !== null && (v as EbsdSample).kind === "ebsd";
}

/** Targets on the labelled slices only (0 elsewhere): the sparse training labels. */
function sparseTargets(targets: Volume, slices: readonly number[]): Volume<Uint8Array> {
  const [nz, ny, nx] = targets.shape;
  const plane = ny * nx;
  const out = new Uint8Array(targets.data.length);
  for (const z of slices) {
    if (z >= nz) throw new RangeError(`slices: z = ${z} is outside the volume (nz = ${nz})`);
    for (let i = z * plane; i < (z + 1) * plane; i++) {
      const t = targets.data[i]!;
      if (t !== 1 && t !== 2 && t !== 3)
        throw new RangeError(
          `targets must hold codes 1, 2, 3 on the labelled slices, received ${t} at z = ${z}`,
        );
      out[i] = t;
    }
  }
  return { data: out, shape: [nz, ny, nx], spacing: [...targets.spacing] as Spacing3 };
}

/**
 * Paper 2's boundary map from sparse labels, with a random forest in place of
 * the 3D U-Net: ilastik features of the IQ volume (six filters at
 * `scales`, 3D) train a forest on every voxel of the hand-labelled slices
 * (Paper 2 labelled four, z = 26, 37, 49, 60 of 91) with the three targets
 * G_b (1), G_i (2), B (3), and the forest predicts the whole stack, blockwise,
 * as three probability volumes.
 *
 * Given a sample, the forest works on `sample.iqAligned`, the stack before
 * the synthetic misalignment (the paper aligned first, Sect. 2.3 step 1);
 * to run on the acquired stack, align it (segmentation's `alignStack`) and
 * pass the aligned volume with `targets`.
 * @param input - An EBSD sample, or an IQ volume (then `targets` is required).
 * @example
 * const sample = await loadSample("ebsd-particle-small");
 * const { boundary, background } = await paper2BoundaryForest(sample);
 */
export async function paper2BoundaryForest(
  input: EbsdSample | Volume,
  options: Paper2BoundaryForestOptions = {},
): Promise<Paper2BoundaryForest> {
  checkOptions(options, "options", KEYS);
  const sample = isSample(input) ? input : undefined;
  const iq = sample ? sample.iqAligned : input;
  checkVolume(iq, sample ? "sample.iqAligned" : "input");
  const targets = options.targets ?? sample?.targets;
  if (targets === undefined)
    throw expectedError(
      "options.targets",
      "a target volume (1 boundary, 2 interior, 3 background) when the input is a volume",
      targets,
      TypeError,
    );
  checkVolume(targets, "targets");
  checkSameShape(targets, "targets", iq as Volume, "input");
  const slicesIn = options.slices ?? sample?.labelledSlices;
  if (slicesIn === undefined)
    throw expectedError(
      "options.slices",
      "the labelled slices (z indices) when the input is a volume",
      slicesIn,
      TypeError,
    );
  const slices = [
    ...checkNumberArray(slicesIn, "slices", {
      integer: true,
      min: 0,
      minLength: 1,
      distinct: true,
    }),
  ];
  const trees = checkPositiveInt(options.trees ?? 50, "trees");
  const seed = checkSeed(options.seed ?? 1);
  const threads = options.threads;
  const steps = 3;
  let done = 0;
  const tick = (note: string): void => options.onProgress?.(++done, steps, note);
  options.onProgress?.(0, steps, "start");

  const spec = featureSpec({ inputs: ["IQ"], scales: options.scales ?? PAPER2_FOREST_SCALES });
  const inputs = { IQ: iq as Volume };
  let t = performance.now();
  const train = await featuresAtLabels(inputs, sparseTargets(targets, slices), spec, { threads });
  const features = performance.now() - t;
  tick(`features (${train.channels.length} channels, ${train.count} training voxels)`);
  t = performance.now();
  const maxSamples = options.maxSamples ?? Math.min(train.count, 20000);
  const forest = await trainForest(train.samples, train.labels, train.channels.length, {
    trees,
    seed,
    threads,
    maxSamples,
  });
  const trainMs = performance.now() - t;
  const classes = forest.classes.join();
  if (classes !== "1,2,3")
    throw new RangeError(
      `the labelled slices must hold all three targets 1, 2, 3; found classes ${classes}`,
    );
  tick(`forest (${trees} trees)`);
  t = performance.now();
  const pred = await predictVolume(forest, inputs, spec, { probabilities: true, threads });
  const predict = performance.now() - t;
  tick("prediction");
  const [boundary, interior, background] = pred.probabilities! as [
    Volume<Float32Array>,
    Volume<Float32Array>,
    Volume<Float32Array>,
  ];
  return {
    boundary,
    interior,
    background,
    forest,
    spec,
    slices,
    trainingVoxels: train.count,
    input: sample ? "iqAligned" : "volume",
    timings: { features, train: trainMs, predict },
  };
}
