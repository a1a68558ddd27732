// Paper 1's evaluation protocol: one fully labelled test slice, scored by awe (Eq. 1) and IoU
// on the full field of view and on a crop inside one NMC particle.
import { iouPerClass } from "../../metrics/iou.js";
import { weightedError } from "../../metrics/weightedError.js";
import {
  checkBoolean,
  checkFraction,
  checkInteger,
  checkNumberArray,
  checkPositiveInt,
  expectedError,
} from "../../util/checks.js";
import type { FibsemSample } from "../../synth/samples.js";
import { crop as cropVolume } from "../../volume/crop.js";
import { checkSameShape, checkVolume } from "../../volume/check.js";
import { slice } from "../../volume/slice.js";
import type { Volume } from "../../volume/types.js";
import type {
  Paper1Crop,
  Paper1Importance,
  Paper1MethodInfo,
  Paper1MethodResult,
  Paper1Scores,
  Paper1TestSlice,
} from "./types.js";

/** The scored classes: 1 void, 2 CBD, 3 NMC. */
const CLASSES = [1, 2, 3];

/** Three 2D slices (volumes with nz = 1) of a FIB/SEM sample, for a side-by-side figure. */
export interface FibsemSlices {
  z: number;
  se2: Volume<Uint8Array>;
  inlens: Volume<Uint8Array>;
  truth: Volume<Uint8Array>;
  /** Panel titles. */
  titles: [string, string, string];
}

/**
 * The SE2 slice, InLens slice and truth of one z of a FIB/SEM sample (by
 * default the test slice), ready for `subplotGrid([imageFigure(se2), ...])`.
 * @param sample - From `loadSample` or `generateSample`.
 * @param z - Slice index. @default the sample's test slice
 * @example
 * const s = fibsemSlices(await loadSample("fibsem-nmc"));
 */
export function fibsemSlices(
  sample: Pick<FibsemSample, "se2" | "inlens" | "truth" | "testSlice">,
  z: number = sample.testSlice,
): FibsemSlices {
  checkInteger(z, "z", 0, sample.se2.shape[0] - 1);
  return {
    z,
    se2: slice(sample.se2, "xy", z),
    inlens: slice(sample.inlens, "xy", z),
    truth: slice(sample.truth, "xy", z),
    titles: [`SE2, z = ${z}`, `InLens, z = ${z}`, "truth (1 void, 2 CBD, 3 NMC)"],
  };
}

/** Options of {@link nmcCrop}. */
export interface NmcCropOptions {
  /** Largest CBD fraction allowed in the crop. @default 0.01 */
  maxCbd?: number;
  /** Smallest NMC fraction required in the crop. @default 0.6 */
  minNmc?: number;
  /** Smallest side, voxels. @default 16 */
  minSize?: number;
  /** Class ids [void, CBD, NMC]. @default [1, 2, 3] */
  classes?: [number, number, number];
}

/**
 * The crop inside one NMC particle where Paper 1 scores its "binary-like"
 * task, defined reproducibly from the truth of the test slice: the largest
 * axis-aligned square whose truth has at most `maxCbd` CBD and at least
 * `minNmc` NMC (the rest being the particle's inner pores); among squares of
 * that side, the one with the most NMC, then the first in row-major order.
 * @param truth - Truth of the test slice (nz = 1).
 * @returns The square, or undefined when none of at least `minSize` exists.
 */
export function nmcCrop(truth: Volume, options: NmcCropOptions = {}): Paper1Crop | undefined {
  checkVolume(truth, "truth");
  const [nz, ny, nx] = truth.shape;
  if (nz !== 1)
    throw new RangeError(
      `\`truth\` must be one slice (nz = 1), received shape ${truth.shape.join("x")}`,
    );
  const maxCbd = checkFraction(options.maxCbd ?? 0.01, "maxCbd");
  const minNmc = checkFraction(options.minNmc ?? 0.6, "minNmc");
  const minSize = checkPositiveInt(options.minSize ?? 16, "minSize");
  const [cVoid, cCbd, cNmc] = checkNumberArray(options.classes ?? [1, 2, 3], "classes", {
    length: 3,
    integer: true,
    expected: "[void, CBD, NMC] class ids",
  });
  // Integral images of CBD, NMC and void counts.
  const W = nx + 1;
  const ic = new Float64Array((ny + 1) * W);
  const inn = new Float64Array((ny + 1) * W);
  const iv = new Float64Array((ny + 1) * W);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const v = truth.data[y * nx + x];
      const j = (y + 1) * W + x + 1;
      ic[j] = (v === cCbd ? 1 : 0) + ic[j - 1]! + ic[j - W]! - ic[j - W - 1]!;
      inn[j] = (v === cNmc ? 1 : 0) + inn[j - 1]! + inn[j - W]! - inn[j - W - 1]!;
      iv[j] = (v === cVoid ? 1 : 0) + iv[j - 1]! + iv[j - W]! - iv[j - W - 1]!;
    }
  }
  const box = (a: Float64Array, y: number, x: number, s: number): number =>
    a[(y + s) * W + x + s]! - a[y * W + x + s]! - a[(y + s) * W + x]! + a[y * W + x]!;
  for (let s = Math.min(ny, nx); s >= minSize; s--) {
    const area = s * s;
    let best: Paper1Crop | undefined;
    let bestN = -1;
    for (let y = 0; y + s <= ny; y++) {
      for (let x = 0; x + s <= nx; x++) {
        const c = box(ic, y, x, s);
        if (c > maxCbd * area) continue;
        const n = box(inn, y, x, s);
        if (n < minNmc * area || n <= bestN) continue;
        bestN = n;
        best = {
          y,
          x,
          size: s,
          fractions: { void: box(iv, y, x, s) / area, cbd: c / area, nmc: n / area },
        };
      }
    }
    if (best) return best;
  }
  return undefined;
}

/** A FIB/SEM sample as `loadSample("fibsem-nmc")` returns it, or a TypeError. @internal */
export function checkFibsemSample(sample: unknown): asserts sample is FibsemSample {
  if (typeof sample !== "object" || sample === null || (sample as FibsemSample).kind !== "fibsem")
    throw expectedError("sample", 'a FIB/SEM sample (loadSample("fibsem-nmc"))', sample, TypeError);
}

/**
 * Paper 1's evaluation set-up for a FIB/SEM sample: the truth of its fully
 * labelled test slice and the crop inside an NMC particle ({@link nmcCrop}).
 * Every method function takes it.
 * @param sample - A FIB/SEM sample from `loadSample`.
 * @param options - `crop: false` scores the full field of view only. @default crop: true
 * @example
 * const test = paper1TestSlice(await loadSample("fibsem-nmc"));
 * const m = paper1DoubleThreshold(test);
 */
export function paper1TestSlice(
  sample: FibsemSample,
  options: { crop?: boolean } = {},
): Paper1TestSlice {
  checkFibsemSample(sample);
  const z = sample.testSlice;
  const truth = slice(sample.truth, "xy", z) as Volume<Uint8Array>;
  const crop = checkBoolean(options.crop ?? true, "crop") ? nmcCrop(truth) : undefined;
  return { sample, z, truth, ...(crop ? { crop } : {}) };
}

function cropOf(v: Volume<Uint8Array>, c: Paper1Crop): Volume<Uint8Array> {
  return cropVolume(v, [null, [c.y, c.y + c.size], [c.x, c.x + c.size]]);
}

/**
 * Score a segmentation of the test slice as Paper 1 does: awe (Eq. 1) and
 * per-class IoU over void, CBD and NMC, on the full field of view and on the crop.
 * @param test - From {@link paper1TestSlice}.
 * @param segmentation - Shape [1, ny, nx], 1 void / 2 CBD / 3 NMC.
 * @see Osenberg et al., Eq. 1
 */
export function paper1Score(test: Paper1TestSlice, segmentation: Volume<Uint8Array>): Paper1Scores {
  checkVolume(segmentation, "segmentation");
  checkSameShape(segmentation, "segmentation", test.truth, "test.truth");
  const truth = test.truth;
  const classes = CLASSES;
  const out: Paper1Scores = {
    awe: weightedError(truth, segmentation, { classes }),
    scores: iouPerClass(truth, segmentation, { classes }),
  };
  if (test.crop) {
    const truthCrop = cropOf(truth, test.crop);
    const segCrop = cropOf(segmentation, test.crop);
    out.aweCrop = weightedError(truthCrop, segCrop, { classes });
    out.scoresCrop = iouPerClass(truthCrop, segCrop, { classes });
  }
  return out;
}

/** A method's result: its published information, the segmentation and its scores. @internal */
export function methodResult(
  info: Paper1MethodInfo,
  test: Paper1TestSlice,
  segmentation: Volume<Uint8Array>,
  timings: Record<string, number>,
  details: Record<string, unknown>,
  importance?: Paper1Importance,
): Paper1MethodResult {
  return {
    ...info,
    published: { ...info.published },
    segmentation,
    ...paper1Score(test, segmentation),
    timings,
    details,
    ...(importance ? { importance } : {}),
  };
}
