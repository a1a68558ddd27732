// Paper 2, Sect. 2.3 step 2 as published: a 3D U-Net trained on four labelled IQ slices,
// giving boundary / interior / background probabilities for the whole stack.
import { boundaryF1, type BoundaryF1 } from "../../metrics/boundaryF1.js";
import type { NnBackendName } from "../../nn/backend.js";
import { predictUNet, type PredictUNetOptions, type UNetPrediction } from "../../nn/predictUNet.js";
import { trainUNet, type TrainUNetOptions, type UNetModel } from "../../nn/trainUNet.js";
import type { EbsdSample } from "../../synth/sampleCatalog.js";
import { checkOptions, checkPositiveInt, expectedError } from "../../util/checks.js";
import { checkSameShape, checkVolume } from "../../volume/check.js";
import type { Volume } from "../../volume/types.js";

/** Class names of Paper 2's three outputs, in label-code order 1, 2, 3. */
export const PAPER2_UNET_CLASSES = ["boundary", "interior", "background"] as const;

/** Options of {@link paper2UNetBoundary}. */
export interface Paper2UNetBoundaryOptions {
  /** Labelled z slices. @default sample.labelledSlices (Paper 2's 26, 37, 49, 60 of 91, scaled) */
  slices?: readonly number[];
  /** Target codes 1 boundary, 2 interior, 3 background (read on `slices` only). @default sample.targets */
  targets?: Volume;
  /**
   * Adam steps. On ebsd-particle (96 x 224 x 224, 64^3 crops, native backend, 0.39-0.40 s
   * per step) the loss stays near 0.7-1.1 for the first few hundred steps, then falls to
   * ~0.24: boundary F1 on the unseen slices 0.016 after 200 steps, 0.987 after 600 (the
   * forest: 0.995). The drop came after ~380 steps here, after ~160 in a run with other
   * initial weights: 600 is the smallest count measured to be enough. @default 600
   */
  steps?: number;
  /** Training crop (voxels). @default 64 (Paper 2 used 80) */
  crop?: TrainUNetOptions["crop"];
  /** Crop centres ({@link TrainUNetOptions.sampling}). @default "balanced" */
  sampling?: TrainUNetOptions["sampling"];
  /** Adam's learning rate. @default 1e-3 */
  learningRate?: number;
  /** Seed of crops, augmentation and weights. @default 0 */
  seed?: number;
  /** Architecture. @default createUNet's (depth 3, 8 base filters) */
  network?: TrainUNetOptions["network"];
  /** Backend. @default the fastest available */
  backend?: NnBackendName;
  /** Prediction tiling ({@link predictUNet}). @default its defaults */
  predict?: Pick<PredictUNetOptions, "tile" | "overlap" | "halo" | "batch">;
  /** Boundary F1 tolerance (voxels) of the score on the unlabelled slices. @default 1 */
  tolerance?: number;
  /** Progress bars (training, prediction). @default inside a tslab notebook only */
  progress?: boolean;
  /** Per training step and per prediction batch; `note` starts with "train" or "predict". */
  onProgress?: (done: number, total: number, note: string) => void;
  signal?: AbortSignal;
}

/** Result of {@link paper2UNetBoundary}. */
export interface Paper2UNetBoundary {
  /** P(grain boundary) G_b per voxel. */
  boundary: Volume<Float32Array>;
  /** P(grain interior) G_i. */
  interior: Volume<Float32Array>;
  /** P(background) B; the three sum to 1. */
  background: Volume<Float32Array>;
  /** The trained model (save it with saveUNet; dispose when done). */
  model: UNetModel;
  /** Slices trained on. */
  slices: number[];
  /** Loss of each training step. */
  losses: number[];
  /** Mean wall time of a training step, seconds. */
  secondsPerStep: number;
  /**
   * Boundary F1 of the argmax boundary map against the sample's boundary targets on the
   * slices not trained on (the labelled slices are blanked in both); absent without truth.
   */
  unlabelledF1?: BoundaryF1;
  /** Wall time, ms. */
  timings: { train: number; predict: number; score: number };
}

const KEYS = [
  "slices",
  "targets",
  "steps",
  "crop",
  "learningRate",
  "sampling",
  "seed",
  "network",
  "backend",
  "predict",
  "tolerance",
  "progress",
  "onProgress",
  "signal",
];

function isSample(v: unknown): v is EbsdSample {
  return typeof v === "object" && v !== null && (v as EbsdSample).kind === "ebsd";
}

/**
 * Paper 2's boundary map by the 3D U-Net: {@link trainUNet} on the targets of the labelled
 * slices only (sparse labels: Eq. 6 masks the other slices out), then {@link predictUNet}
 * over the whole stack. Given a sample, the U-Net works on `sample.iqAligned` (the stack
 * before the synthetic misalignment, as {@link paper2BoundaryForest}) and is scored on the
 * slices it did not see. The probabilities feed `paper2Pipeline(sample, { probabilities })`.
 * @param input - An EBSD sample, or an IQ volume (then `targets` and `slices` are required).
 * @example
 * const unet = await paper2UNetBoundary(await loadSample("ebsd-particle"), { steps: 600 });
 * unet.unlabelledF1?.f1; unet.secondsPerStep;
 */
export async function paper2UNetBoundary(
  input: EbsdSample | Volume,
  options: Paper2UNetBoundaryOptions = {},
): Promise<Paper2UNetBoundary> {
  checkOptions(options, "options", KEYS);
  const sample = isSample(input) ? input : undefined;
  const iq = sample ? sample.iqAligned : (input as Volume);
  checkVolume(iq, sample ? "sample.iqAligned" : "input");
  const targets = options.targets ?? sample?.targets;
  const slicesIn = options.slices ?? sample?.labelledSlices;
  if (targets === undefined || slicesIn === undefined)
    throw expectedError(
      "options.targets and options.slices",
      "given when the input is a volume (target codes 1, 2, 3 and the labelled z slices)",
      targets === undefined ? targets : slicesIn,
      TypeError,
    );
  checkVolume(targets, "targets");
  checkSameShape(targets, "targets", iq, "input");
  const slices = [...slicesIn];
  const tolerance = options.tolerance ?? 1;
  const steps = checkPositiveInt(options.steps ?? 600, "options.steps");
  const report = options.onProgress;

  let t = performance.now();
  const model = await trainUNet(
    iq,
    { targets, slices },
    {
      steps,
      classNames: [...PAPER2_UNET_CLASSES],
      ...(options.crop !== undefined ? { crop: options.crop } : {}),
      ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.sampling ? { sampling: options.sampling } : {}),
      ...(options.network ? { network: options.network } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.progress !== undefined ? { progress: options.progress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(report
        ? { onProgress: (d: number, n: number, note: string) => report(d, n, `train: ${note}`) }
        : {}),
    },
  );
  const train = performance.now() - t;
  t = performance.now();
  let pred: UNetPrediction;
  try {
    pred = await predictUNet(model, iq, {
      ...options.predict,
      ...(options.progress !== undefined ? { progress: options.progress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(report
        ? { onProgress: (d: number, n: number, note: string) => report(d, n, `predict: ${note}`) }
        : {}),
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  const predict = performance.now() - t;
  t = performance.now();
  const [boundary, interior, background] = pred.probabilities as [
    Volume<Float32Array>,
    Volume<Float32Array>,
    Volume<Float32Array>,
  ];
  let unlabelledF1: BoundaryF1 | undefined;
  if (sample) {
    const [nz, ny, nx] = iq.shape;
    const plane = ny * nx;
    const seen = new Set(slices);
    const map = new Uint8Array(nz * plane);
    const truth = new Uint8Array(nz * plane);
    for (let z = 0; z < nz; z++) {
      if (seen.has(z)) continue;
      for (let i = z * plane; i < (z + 1) * plane; i++) {
        map[i] = pred.labels.data[i] === 1 ? 1 : 0;
        truth[i] = sample.boundary.data[i] ? 1 : 0;
      }
    }
    const shape = [...iq.shape] as Volume["shape"];
    const spacing = [...iq.spacing] as Volume["spacing"];
    unlabelledF1 = await boundaryF1(
      { data: map, shape, spacing },
      { data: truth, shape: [...shape], spacing: [...spacing] },
      { tolerance },
    );
  }
  const score = performance.now() - t;
  const seconds = model.training.stepSeconds;
  return {
    boundary,
    interior,
    background,
    model,
    slices,
    losses: [...model.training.losses],
    secondsPerStep: seconds.reduce((a, b) => a + b, 0) / seconds.length,
    ...(unlabelledF1 ? { unlabelledF1 } : {}),
    timings: { train, predict, score },
  };
}
