/**
 * Training a U-Net from sparse labels on a volume (Paper 2, Sect. 2.3 step 2): random crops
 * around labelled voxels, isometric augmentation, Adam on the masked cross-entropy (Eq. 6).
 */
import { progress as progressDisplay, formatDuration, type Progress } from "../display/progress.js";
import { createRng } from "../stats/random.js";
import {
  checkBoolean,
  checkNumberArray,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkPositiveInt,
  checkSeed,
  checkString,
  expectedError,
} from "../util/checks.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import type { Spacing3, Volume } from "../volume/types.js";
import {
  allowedSymmetries,
  applySymmetry,
  extractBox,
  sampleCropOrigin,
  symmetryShape,
  type Symmetry,
  type Triple,
} from "./augment.js";
import { getNnBackend, type NnBackendName, type Tf } from "./backend.js";
import { maskedTargets } from "./loss.js";
import {
  checkNormalization,
  fitNormalization,
  NORMALIZATION_METHODS,
  type NormalizationMethod,
  type UNetNormalization,
} from "./normalize.js";
import { createTrainer } from "./train.js";
import { createUNet, type UNet, type UNetOptions } from "./unet.js";

/** What training did: stored in checkpoints. */
export interface UNetTrainingRecord {
  /** Adam steps done (over all runs, when training was resumed). */
  steps: number;
  /** Masked cross-entropy of each step's batch, before its update (length `steps`). */
  losses: number[];
  /** Wall time of each step, seconds (crop, augmentation, forward, backward, update). */
  stepSeconds: number[];
  /** Crop shape [cz, cy, cx] (cz = 1 for a 2D net). */
  crop: Triple;
  /** Crops per step. */
  batch: number;
  learningRate: number;
  /** Seed of the crops, augmentations and (first run) initial weights. */
  seed: number;
  /** How crop centres were drawn. */
  sampling: "uniform" | "balanced";
  /** Number of isometries drawn from (1 = no augmentation). */
  symmetries: number;
  /** Voxel size of the training volume [dz, dy, dx]. */
  spacing: Spacing3;
  /** Labelled voxels in the training volume. */
  labelledVoxels: number;
  /** Backend that trained it. */
  backend: NnBackendName;
}

/** A U-Net together with what is needed to apply it: the result of {@link trainUNet} and {@link loadUNet}. */
export interface UNetModel {
  /** The network (its options are the architecture). */
  net: UNet;
  /** The TensorFlow.js API the network's variables live in. */
  tf: Tf;
  /** Input map applied before the network (fitted on the training image). */
  normalization: UNetNormalization;
  /** Name of each output class; class `k` (0-based) is label code `k + 1` of the training labels. */
  classNames: string[];
  /** The training history. */
  training: UNetTrainingRecord;
  /** Frees the network's variables. */
  dispose(): void;
}

/** Dense labels read only on some z slices (e.g. Paper 2's four hand-labelled slices). */
export interface SliceLabels {
  /** Label codes 1..classes on the listed slices (other slices are ignored). */
  targets: Volume;
  /** z indices of the labelled slices. */
  slices: readonly number[];
}

/** Options of {@link trainUNet}. */
export interface TrainUNetOptions {
  /**
   * 2: a 2D U-Net trained on xy crops of any z slice (a stack of 2D images, e.g. ISBI 2012);
   * 3: a 3D U-Net. @default 2 when nz = 1, else 3
   */
  dims?: 2 | 3;
  /** Adam steps. @default 200 */
  steps?: number;
  /**
   * Crop shape, one length for every axis or [cz, cy, cx] (voxels); each length is rounded
   * up to a multiple of 2^depth and capped at the volume's length (rounded up the same way;
   * the rest is reflect-padded and unlabelled). @default 64 in 3D, 128 in 2D
   */
  crop?: number | readonly number[];
  /** Crops per step. @default 1 (Paper 2) */
  batch?: number;
  /** Adam's learning rate. @default 1e-3 */
  learningRate?: number;
  /** Seed of crops, augmentation and initial weights: equal seeds give equal runs on one backend. @default 0 */
  seed?: number;
  /**
   * How crop centres are drawn: `"uniform"`, a labelled voxel uniformly; `"balanced"`, a
   * class uniformly among the labelled ones, then one of its voxels (more crops around rare
   * classes, e.g. grain boundaries inside a particle rather than background). @default "balanced"
   */
  sampling?: "uniform" | "balanced";
  /** Random isometries of each crop ({@link allowedSymmetries}), the same for image and labels. @default true */
  augment?: boolean;
  /** Input normalisation ({@link fitNormalization}), or a fixed map. @default "zscore" */
  normalization?: NormalizationMethod | UNetNormalization;
  /** Class names, one per label code 1..K. @default "class 1", "class 2", ... up to the largest label */
  classNames?: readonly string[];
  /** Architecture (depth, baseFilters, upsampling); dims, classes, inChannels follow from the data. @default createUNet's */
  network?: Pick<UNetOptions, "depth" | "baseFilters" | "upsampling">;
  /** Continue training this model (its architecture, normalisation, class names and backend; history appended; Adam starts afresh). */
  resume?: UNetModel;
  /** Backend. @default {@link getNnBackend}'s choice (TOMOLAB_NN_BACKEND, else the fastest) */
  backend?: NnBackendName;
  /** Stops training between two steps; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after each step with `note` = "loss 0.412 | 0.52 s/step | 1 min 03 s left". */
  onProgress?: (done: number, total: number, note: string) => void;
  /**
   * Progress bar ({@link progress} of display): `true` always (stderr outside a notebook),
   * `false` never, a string = its label. @default a bar inside a tslab notebook, nothing elsewhere
   */
  progress?: boolean | string;
}

const KEYS = [
  "dims",
  "sampling",
  "steps",
  "crop",
  "batch",
  "learningRate",
  "seed",
  "augment",
  "normalization",
  "classNames",
  "network",
  "resume",
  "backend",
  "signal",
  "onProgress",
  "progress",
];

function isSliceLabels(v: unknown): v is SliceLabels {
  return typeof v === "object" && v !== null && "targets" in v && "slices" in v;
}

/** Labels as class ids 0..K-1 per voxel, -1 unlabelled, plus the labelled indices. */
function readLabels(
  labels: Volume | SliceLabels,
  image: Volume,
): { ids: Int8Array; labelled: Int32Array; maxCode: number } {
  const volume = isSliceLabels(labels) ? labels.targets : labels;
  const name = isSliceLabels(labels) ? "labels.targets" : "labels";
  checkVolume(volume, name);
  checkSameShape(volume, name, image, "image");
  const [nz, ny, nx] = volume.shape;
  const plane = ny * nx;
  const ids = new Int8Array(volume.data.length).fill(-1);
  let inSlice: (z: number) => boolean = () => true;
  if (isSliceLabels(labels)) {
    const slices = checkNumberArray(labels.slices, "labels.slices", {
      integer: true,
      min: 0,
      max: nz - 1,
      minLength: 1,
      distinct: true,
    });
    const set = new Set(slices);
    inSlice = (z) => set.has(z);
  }
  let count = 0;
  let maxCode = 0;
  for (let z = 0; z < nz; z++) {
    if (!inSlice(z)) continue;
    for (let i = z * plane; i < (z + 1) * plane; i++) {
      const v = volume.data[i]!;
      if (v === 0) continue;
      if (!Number.isInteger(v) || v < 0 || v > 127)
        throw expectedError(
          `${name} at voxel ${i} (z ${z})`,
          "0 (unlabelled) or a class code 1..127",
          v,
        );
      ids[i] = v - 1;
      if (v > maxCode) maxCode = v;
      count++;
    }
  }
  if (count === 0)
    throw new RangeError(
      `\`${name}\` has no labelled voxel (codes >= 1)${isSliceLabels(labels) ? " on labels.slices" : ""}`,
    );
  const labelled = new Int32Array(count);
  for (let i = 0, j = 0; i < ids.length; i++) if (ids[i]! >= 0) labelled[j++] = i;
  return { ids, labelled, maxCode };
}

/**
 * One training crop: the image box at `origin` (normalised by `norm`) and the same box of
 * the class ids (-1 = unlabelled; voxels past the volume's end, reflect-padded in the image,
 * are unlabelled), both transformed by the isometry `sym`.
 * @param ids - Class id per voxel (0..K-1, -1 unlabelled), shape `shape`.
 */
export function trainingCrop(
  image: ArrayLike<number>,
  ids: ArrayLike<number>,
  shape: readonly number[],
  origin: readonly number[],
  crop: Triple,
  sym: Symmetry,
  norm: (v: number) => number = (v) => v,
): { image: Float32Array; labels: Int32Array; shape: Triple } {
  const size = crop[0] * crop[1] * crop[2];
  const img = extractBox(image, shape, origin, crop, new Float32Array(size), norm);
  const lab = extractBox(ids, shape, origin, crop, new Int32Array(size));
  if (crop.some((c, a) => origin[a]! < 0 || origin[a]! + c > shape[a]!)) {
    let j = 0;
    for (let z = 0; z < crop[0]; z++)
      for (let y = 0; y < crop[1]; y++)
        for (let x = 0; x < crop[2]; x++, j++) {
          const p = [origin[0]! + z, origin[1]! + y, origin[2]! + x];
          if (p.some((v, a) => v < 0 || v >= shape[a]!)) lab[j] = -1;
        }
  }
  return {
    image: applySymmetry(img, crop, sym),
    labels: applySymmetry(lab, crop, sym),
    shape: symmetryShape(crop, sym),
  };
}

const roundUp = (n: number, step: number) => Math.ceil(n / step) * step;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("the operation was aborted", "AbortError");
}

/** A progress bar per the `progress` option (kernel-only by default). @internal */
export function progressFor(
  option: boolean | string | undefined,
  total: number,
  label: string,
): Progress | undefined {
  if (option === false) return undefined;
  if (option === undefined) return progressDisplay(total, { label, mode: "kernel" });
  return progressDisplay(total, { label: typeof option === "string" ? option : label });
}

/**
 * Trains a U-Net on a single-channel volume from sparse labels.
 *
 * Each step draws `batch` crops: a labelled voxel (`sampling`: of a class drawn uniformly, or
 * uniformly among all), then a crop position uniformly among those containing it
 * ({@link sampleCropOrigin}), so every
 * crop holds labels (with four labelled z slices every 3D crop holds at least one of them);
 * with `augment`, a random isometry from {@link allowedSymmetries} (48 cube symmetries for
 * isotropic voxels and a cubic crop, fewer when the spacing is anisotropic; 8 in 2D) is
 * applied to the crop's image and labels alike. The image is normalised by the map stored
 * in the model (`normalization`), labels 1..K become the K output classes (0 = unlabelled,
 * masked out of the loss, Eq. 6), and Adam takes one step on the batch. A volume with
 * nz = 1 trains a 2D U-Net, any other a 3D one unless `dims: 2` (2D crops of its slices).
 *
 * Runs are reproducible: the crops and isometries come from a seeded generator (`seed`),
 * the initial weights from the same seed; the same backend gives the same losses.
 * @param image - The grey-value volume (any dtype), shape [nz, ny, nx].
 * @param labels - Per voxel 0 = unlabelled, 1..K = class (Paper 2: 1 boundary, 2 interior,
 *   3 background), or {@link SliceLabels}: dense codes read only on the listed z slices.
 * @returns the trained {@link UNetModel} (dispose it when done).
 * @throws RangeError/TypeError for bad options, labels without any labelled voxel, label
 *   codes above the class count; the signal's reason when aborted.
 * @example
 * const model = await trainUNet(sample.iqAligned, { targets: sample.targets, slices: sample.labelledSlices },
 *   { steps: 200, classNames: ["boundary", "interior", "background"] });
 */
export async function trainUNet(
  image: Volume,
  labels: Volume | SliceLabels,
  options: TrainUNetOptions = {},
): Promise<UNetModel> {
  const opts = checkOptions(options, "options", KEYS);
  checkVolume(image, "image");
  const { ids, labelled, maxCode } = readLabels(labels, image);
  const resume = opts.resume;
  const dims = checkOneOf(
    opts.dims ?? resume?.net.options.dims ?? (image.shape[0] === 1 ? 2 : 3),
    "options.dims",
    [2, 3] as const,
  );
  if (resume && resume.net.options.dims !== dims)
    throw expectedError(
      "options.resume",
      `a ${dims}D U-Net (options.dims)`,
      `a ${resume.net.options.dims}D U-Net`,
    );
  const steps = checkPositiveInt(opts.steps ?? 200, "options.steps");
  const batch = checkPositiveInt(opts.batch ?? 1, "options.batch");
  const learningRate = checkPositive(opts.learningRate ?? 1e-3, "options.learningRate");
  const seed = checkSeed(opts.seed ?? 0, "options.seed");
  const augment = checkBoolean(opts.augment ?? true, "options.augment");
  const sampling = checkOneOf(opts.sampling ?? "balanced", "options.sampling", [
    "uniform",
    "balanced",
  ] as const);
  let classNames: string[];
  if (resume) classNames = [...resume.classNames];
  else if (opts.classNames !== undefined) {
    if (!Array.isArray(opts.classNames) || opts.classNames.length < 2)
      throw expectedError(
        "options.classNames",
        "an array of at least 2 names",
        opts.classNames,
        TypeError,
      );
    classNames = opts.classNames.map((n, i) => checkString(n, `options.classNames[${i}]`, true));
  } else classNames = Array.from({ length: Math.max(2, maxCode) }, (_, i) => `class ${i + 1}`);
  const classes = classNames.length;
  if (maxCode > classes)
    throw expectedError(
      "labels",
      `class codes 1..${classes} (${classNames.join(", ")})`,
      `code ${maxCode}`,
    );
  let normalization: UNetNormalization;
  if (resume) normalization = resume.normalization;
  else if (typeof opts.normalization === "object")
    normalization = checkNormalization(opts.normalization, "options.normalization");
  else
    normalization = fitNormalization(
      image,
      checkOneOf(opts.normalization ?? "zscore", "options.normalization", NORMALIZATION_METHODS),
    );
  const network = checkOptions(opts.network, "options.network", [
    "depth",
    "baseFilters",
    "upsampling",
  ]);
  const signal = opts.signal;
  signal?.throwIfAborted();

  const backend = resume
    ? undefined
    : await getNnBackend(opts.backend ? { backend: opts.backend } : {});
  const tf = resume ? resume.tf : backend!.tf;
  const backendName = resume ? (tf.getBackend() as NnBackendName) : backend!.name;
  const net = resume?.net ?? createUNet(tf, { ...network, dims, classes, inChannels: 1, seed });
  const step = 2 ** net.options.depth;

  // Crop shape, rounded to the net's pooling step and capped by the volume.
  const cropIn = opts.crop ?? (dims === 3 ? 64 : 128);
  const cropArr =
    typeof cropIn === "number"
      ? [checkPositiveInt(cropIn, "options.crop")]
      : checkNumberArray(cropIn, "options.crop", { integer: true, min: 1, length: 3 });
  const crop: Triple = [0, 1, 2].map((a) => {
    if (dims === 2 && a === 0) return 1;
    const c = cropArr.length === 1 ? cropArr[0]! : cropArr[a]!;
    return Math.min(roundUp(c, step), roundUp(image.shape[a]!, step));
  }) as Triple;
  const symmetries: Symmetry[] = augment
    ? allowedSymmetries(dims, crop, image.spacing)
    : [{ perm: [0, 1, 2], flip: [false, false, false] }];

  // Crop centres: all labelled voxels, or one list per class (balanced).
  let pools: Int32Array[] = [labelled];
  if (sampling === "balanced") {
    const counts = new Int32Array(classes);
    for (const i of labelled) counts[ids[i]!]++;
    const byClass = Array.from(counts, (n) => new Int32Array(n));
    const fill = new Int32Array(classes);
    for (const i of labelled) {
      const c = ids[i]!;
      byClass[c]![fill[c]!++] = i;
    }
    pools = byClass.filter((a) => a.length > 0);
  }
  const rng = createRng(seed + 0x51ed + (resume?.training.steps ?? 0));
  const trainer = createTrainer(tf, net, { learningRate });
  const cropSize = crop[0] * crop[1] * crop[2];
  const tensorShape = dims === 3 ? [batch, ...crop] : [batch, crop[1], crop[2]];
  const { offset, scale } = normalization;
  const norm = (v: number) => (v - offset) / scale;
  const losses: number[] = [...(resume?.training.losses ?? [])];
  const stepSeconds: number[] = [...(resume?.training.stepSeconds ?? [])];
  const bar = progressFor(opts.progress, steps, "U-Net training");
  const imageBuf = new Float32Array(batch * cropSize);
  const labelBuf = new Int32Array(batch * cropSize);
  try {
    for (let s = 0; s < steps; s++) {
      if (signal?.aborted) throw abortReason(signal);
      const t0 = performance.now();
      for (let b = 0; b < batch; b++) {
        const pool = pools.length === 1 ? pools[0]! : pools[rng.int(pools.length)]!;
        const origin = sampleCropOrigin(rng, pool, image.shape, crop);
        const sym = symmetries[rng.int(symmetries.length)]!;
        const c = trainingCrop(image.data, ids, image.shape, origin, crop, sym, norm);
        imageBuf.set(c.image, b * cropSize);
        labelBuf.set(c.labels, b * cropSize);
      }
      const input = tf.tensor(imageBuf, [...tensorShape, 1], "float32");
      const { target, mask } = maskedTargets(tf, labelBuf, tensorShape, classes, -1);
      let loss: number;
      try {
        loss = trainer.step(input, target, mask);
      } finally {
        input.dispose();
        target.dispose();
        mask.dispose();
      }
      if (!Number.isFinite(loss))
        throw new Error(
          `U-Net training diverged: the loss of step ${s + 1} is ${loss}; lower options.learningRate (${learningRate})`,
        );
      const seconds = (performance.now() - t0) / 1000;
      losses.push(loss);
      stepSeconds.push(seconds);
      const recent = stepSeconds.slice(-10);
      const perStep = recent.reduce((a, b) => a + b, 0) / recent.length;
      const note = `loss ${loss.toFixed(4)} | ${perStep.toFixed(2)} s/step | ${formatDuration(perStep * (steps - s - 1) * 1000)} left`;
      opts.onProgress?.(s + 1, steps, note);
      bar?.update(s + 1, note);
      // Let abort signals, kernel messages and progress redraws through between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    bar?.done();
  } catch (error) {
    bar?.fail(error);
    if (!resume) net.dispose();
    throw error;
  } finally {
    trainer.dispose();
  }
  return {
    net,
    tf,
    normalization,
    classNames,
    training: {
      steps: losses.length,
      losses,
      stepSeconds,
      crop,
      batch,
      learningRate,
      seed,
      sampling,
      symmetries: symmetries.length,
      spacing: [...image.spacing],
      labelledVoxels: labelled.length,
      backend: backendName,
    },
    dispose: () => net.dispose(),
  };
}
