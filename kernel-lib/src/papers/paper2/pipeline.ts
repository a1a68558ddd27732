// Paper 2's grain pipeline end to end on a sample: boundary map -> watershed -> grains -> scores against the truth.
import { grainTable, type GrainProperty } from "../../grains/table.js";
import { boundaryF1, labelBoundaries, type BoundaryF1 } from "../../metrics/boundaryF1.js";
import { contingencyTable } from "../../metrics/contingency.js";
import { matchGrains, type GrainMatch } from "../../metrics/grainMatching.js";
import { ksTwoSample, type KsTwoSample } from "../../metrics/ks.js";
import {
  adaptedRandError,
  foregroundRestrictedScores,
  type AdaptedRand,
  type ForegroundRestrictedScores,
} from "../../metrics/randError.js";
import {
  alignStack,
  type AlignStackOptions,
  type SliceTransform,
} from "../../segmentation/alignStack.js";
import type { EbsdSample } from "../../synth/sampleCatalog.js";
import { checkBoolean, checkNonNegative, checkOptions, expectedError } from "../../util/checks.js";
import { checkSameShape, checkVolume } from "../../volume/check.js";
import type { Volume } from "../../volume/types.js";
import { paper2BoundaryForest, type Paper2BoundaryForestOptions } from "./pipelineForest.js";
import {
  paper2Watershed,
  type Paper2Watershed,
  type Paper2WatershedOptions,
} from "./pipelineWatershed.js";

/** The grain descriptors compared by KS distance (Paper 2, Sect. 2.4). */
export const PAPER2_DESCRIPTORS = ["d", "s", "c", "e", "phi", "theta"] as const;
export type Paper2Descriptor = (typeof PAPER2_DESCRIPTORS)[number];

/** The three probability volumes (e.g. from {@link paper2BoundaryForest}, or a U-Net). */
export interface Paper2Probabilities {
  boundary: Volume<Float32Array>;
  interior: Volume<Float32Array>;
  background: Volume<Float32Array>;
}

/** Options of {@link paper2Pipeline}. */
export interface Paper2PipelineOptions extends Paper2WatershedOptions {
  /** The IQ volume to segment (e.g. the acquired stack aligned elsewhere). @default sample.iqAligned */
  iq?: Volume;
  /**
   * Align the acquired stack `sample.iq` with `alignStack` (Paper 2's step 1; `true` or its
   * options, reference slice 0's frame, which is the truth's) and segment the result.
   * @default false: segment `iq`, or `sample.iqAligned`
   */
  align?: boolean | AlignStackOptions;
  /** Options of the boundary forest (slices, scales, trees, seed). */
  forest?: Omit<Paper2BoundaryForestOptions, "onProgress" | "threads">;
  /** Probability maps to use instead of training a forest. */
  probabilities?: Paper2Probabilities;
  /**
   * The relief the watershed floods instead of P(boundary), e.g. smoothed
   * (`paper2SelectPostprocessing`'s `relief`); the boundary map is still P(boundary)'s argmax.
   * @default probabilities.boundary
   */
  relief?: Volume;
  /**
   * Grains already flooded from `probabilities` (`paper2SelectPostprocessing`'s `watershed`):
   * scored as they are, without a watershed of the pipeline's own. Needs `probabilities`;
   * excludes `relief` and the watershed's options (`backgroundThreshold`, `minGrainVoxels`,
   * `connectivity`, `mergeBelow`); `h` is only recorded.
   */
  watershed?: Paper2Watershed;
  /** Boundary F1 tolerance, voxels. @default 1 */
  tolerance?: number;
  /** Compare the grain descriptors (grains not touching the border) by KS distance. @default true */
  descriptors?: boolean;
  /** Worker threads. @default the pool size */
  threads?: number;
  /** Called after each step: forest, watershed, scores, descriptors. */
  onProgress?: (done: number, total: number, note: string) => void;
}

/** Result of {@link paper2Pipeline}: volumes and plain numbers. */
export interface Paper2PipelineResult {
  /** P(boundary), P(interior), P(background). */
  probabilities: Paper2Probabilities;
  /** Predicted grain labels 1..grainCount, 0 = background. */
  grains: Volume<Int32Array>;
  grainCount: number;
  /** True grains (non-zero labels of sample.grains). */
  truthCount: number;
  /** h-minima markers, and grains removed as too small. */
  markers: number;
  removed: number;
  /** The boundary map (voxels where P(boundary) is the largest of the three) against sample.boundary. */
  boundaryMap: BoundaryF1;
  /** Boundaries of the predicted grains against those of the true grains ({@link labelBoundaries} of each). */
  grainBoundaries: BoundaryF1;
  /** Fraction of true grains matched by a predicted grain with IoU > 0.5, and of predicted grains matched. */
  matchedFraction: number;
  predictedMatchedFraction: number;
  matches: GrainMatch[];
  /** skimage's adapted Rand error of the grain labels (truth background ignored). */
  adaptedRand: AdaptedRand;
  /** ISBI 2012 foreground-restricted V-Rand / V-Info. */
  foreground: ForegroundRestrictedScores;
  /** Per descriptor, KS distance between measured and true grains (not touching the border); with `descriptors`. */
  ks?: Record<Paper2Descriptor, KsTwoSample>;
  /** Grains measured for `ks` (interior grains), predicted and true. */
  measuredGrains?: { predicted: number; truth: number };
  /** Parameters used. */
  h: number;
  tolerance: number;
  /** Which volume was classified: the sample's aligned stack, `iq`, `sample.iq` aligned here, or none. */
  input: "iqAligned" | "iq" | "aligned" | "probabilities";
  /** With `align`: the transforms found per slice, and the largest distance (pixels) from the sample's true shifts. */
  alignment?: { transforms: SliceTransform[]; maxShiftError: number };
  /** Wall time per step, ms. */
  timings: Record<string, number>;
}

const KEYS = [
  "iq",
  "align",
  "forest",
  "probabilities",
  "relief",
  "watershed",
  "tolerance",
  "descriptors",
  "threads",
  "onProgress",
  "h",
  "backgroundThreshold",
  "minGrainVoxels",
  "connectivity",
  "mergeBelow",
];

/**
 * Paper 2's segmentation pipeline (Sect. 2.3) on an EBSD sample, scored
 * against its truth: (0) with `align`, the acquired stack is aligned
 * (`alignStack`); (1) a random forest trained on the four labelled slices
 * ({@link paper2BoundaryForest}, on `sample.iqAligned` unless `iq` or `align` is given)
 * gives P(boundary), P(interior), P(background); (2) h-minima markers of
 * P(boundary) and a marker watershed inside P(background) <= 0.5 give the
 * grains ({@link paper2Watershed}); (3) scores: boundary F1 (tolerance in
 * voxels) of the boundary map and of the grains' boundaries, the fraction of
 * true grains matched with IoU > 0.5, the adapted Rand error and the ISBI
 * foreground-restricted scores, all from one contingency table; (4) with
 * `descriptors`, the two-sample KS distance of each descriptor d, s, c, e,
 * phi, theta between the predicted and the true grains that do not touch the
 * window border (grains' `grainTable`).
 * @example
 * const r = await paper2Pipeline(await loadSample("ebsd-particle-small"));
 * r.grainBoundaries.f1; r.matchedFraction; r.adaptedRand.error; r.ks?.d.statistic;
 */
export async function paper2Pipeline(
  sample: EbsdSample,
  options: Paper2PipelineOptions = {},
): Promise<Paper2PipelineResult> {
  if (typeof sample !== "object" || sample === null || sample.kind !== "ebsd")
    throw expectedError(
      "sample",
      'an EBSD sample (loadSample("ebsd-particle"))',
      sample,
      TypeError,
    );
  checkOptions(options, "options", KEYS);
  checkVolume(sample.grains, "sample.grains");
  const tolerance = checkNonNegative(options.tolerance ?? 1, "tolerance");
  const descriptors = checkBoolean(options.descriptors ?? true, "descriptors");
  const h = options.h ?? 0.1;
  const threads = options.threads;
  const steps = descriptors ? 4 : 3;
  let done = 0;
  const tick = (note: string): void => options.onProgress?.(++done, steps, note);
  options.onProgress?.(0, steps, "start");
  const timings: Record<string, number> = {};
  if (options.align !== undefined && options.align !== false && options.iq !== undefined)
    throw new RangeError("options: give `iq` or `align`, not both");
  // Checked before any forest is trained.
  const given = options.watershed;
  if (given !== undefined) {
    if (!options.probabilities)
      throw new RangeError(
        "options.watershed: give the `probabilities` it was flooded from as well",
      );
    for (const k of [
      "relief",
      "backgroundThreshold",
      "minGrainVoxels",
      "connectivity",
      "mergeBelow",
    ] as const)
      if (options[k] !== undefined)
        throw new RangeError(
          `options: give \`watershed\` or \`${k}\`, not both (the grains are already flooded)`,
        );
    if (typeof given !== "object" || given === null)
      throw expectedError("options.watershed", "a paper2Watershed result", given, TypeError);
    checkVolume(given.grains, "options.watershed.grains");
    checkSameShape(given.grains, "options.watershed.grains", sample.grains, "sample.grains");
  }

  let t = performance.now();
  let probabilities: Paper2Probabilities;
  let input: Paper2PipelineResult["input"];
  let alignment: Paper2PipelineResult["alignment"];
  if (options.probabilities) {
    probabilities = options.probabilities;
    for (const k of ["boundary", "interior", "background"] as const) {
      checkVolume(probabilities[k], `probabilities.${k}`);
      checkSameShape(probabilities[k], `probabilities.${k}`, sample.grains, "sample.grains");
    }
    input = "probabilities";
  } else {
    let iq = options.iq;
    if (options.align !== undefined && options.align !== false) {
      const alignOptions = options.align === true ? {} : options.align;
      const a = await alignStack(sample.iq, { ...(threads ? { threads } : {}), ...alignOptions });
      let maxShiftError = 0;
      a.transforms.forEach((tr, z) => {
        const [dy, dx] = sample.shifts[z] ?? [0, 0];
        maxShiftError = Math.max(maxShiftError, Math.hypot(tr.dy - dy, tr.dx - dx));
      });
      alignment = { transforms: a.transforms, maxShiftError };
      iq = a.aligned;
      timings.align = performance.now() - t;
      t = performance.now();
    }
    const forestOptions = { ...options.forest, ...(threads ? { threads } : {}) };
    const f = iq
      ? await paper2BoundaryForest(iq, {
          targets: sample.targets,
          slices: sample.labelledSlices,
          ...forestOptions,
        })
      : await paper2BoundaryForest(sample, forestOptions);
    probabilities = { boundary: f.boundary, interior: f.interior, background: f.background };
    input = alignment ? "aligned" : iq ? "iq" : "iqAligned";
    Object.assign(timings, {
      features: f.timings.features,
      train: f.timings.train,
      predict: f.timings.predict,
    });
  }
  timings.forest = performance.now() - t;
  tick(input === "probabilities" ? "probabilities given" : "boundary forest");

  if (options.relief !== undefined) {
    checkVolume(options.relief, "options.relief");
    checkSameShape(options.relief, "options.relief", sample.grains, "sample.grains");
  }
  t = performance.now();
  const relief = options.relief ?? probabilities.boundary;
  const ws =
    given ??
    (await paper2Watershed(relief, probabilities.background, {
      h,
      ...(options.backgroundThreshold !== undefined
        ? { backgroundThreshold: options.backgroundThreshold }
        : {}),
      ...(options.minGrainVoxels !== undefined ? { minGrainVoxels: options.minGrainVoxels } : {}),
      ...(options.connectivity !== undefined ? { connectivity: options.connectivity } : {}),
      ...(options.mergeBelow !== undefined ? { mergeBelow: options.mergeBelow } : {}),
    }));
  timings.watershed = performance.now() - t;
  tick(`${given ? "watershed given" : "watershed"} (${ws.count} grains)`);

  t = performance.now();
  const { boundary, interior, background } = probabilities;
  const map = new Uint8Array(boundary.data.length);
  for (let i = 0; i < map.length; i++) {
    const b = boundary.data[i]!;
    map[i] = b >= interior.data[i]! && b >= background.data[i]! ? 1 : 0;
  }
  const f1Options = { tolerance, ...(threads ? { threads } : {}) };
  const boundaryMap = await boundaryF1(
    { data: map, shape: [...boundary.shape], spacing: [...boundary.spacing] },
    sample.boundary,
    f1Options,
  );
  const grainBoundaries = await boundaryF1(
    labelBoundaries(ws.grains),
    labelBoundaries(sample.grains),
    f1Options,
  );
  const table = contingencyTable(sample.grains, ws.grains);
  const matching = matchGrains(sample.grains, ws.grains, { table });
  const adaptedRand = adaptedRandError(sample.grains, ws.grains, {
    table: contingencyTable(sample.grains, ws.grains, { ignoreTruth: [0] }),
  });
  const foreground = foregroundRestrictedScores(sample.grains, ws.grains);
  timings.scores = performance.now() - t;
  tick("scores");

  let ks: Record<Paper2Descriptor, KsTwoSample> | undefined;
  let measuredGrains: Paper2PipelineResult["measuredGrains"];
  if (descriptors) {
    t = performance.now();
    const properties: GrainProperty[] = [...PAPER2_DESCRIPTORS];
    const pred = grainTable(ws.grains, { properties });
    const truth = grainTable(sample.grains, { properties });
    measuredGrains = { predicted: pred.label.length, truth: truth.label.length };
    if (pred.label.length > 0 && truth.label.length > 0) {
      // NaN entries (e of a one-voxel grain) are left out; a column with none left gives NaN.
      const finite = (a: Float64Array) => Array.from(a).filter((v) => !Number.isNaN(v));
      const ksOf = (k: Paper2Descriptor): KsTwoSample => {
        const a = finite(pred[k]!);
        const b = finite(truth[k]!);
        return a.length > 0 && b.length > 0
          ? ksTwoSample(a, b)
          : { statistic: NaN, pValue: NaN, m: a.length, n: b.length };
      };
      ks = Object.fromEntries(PAPER2_DESCRIPTORS.map((k) => [k, ksOf(k)])) as Record<
        Paper2Descriptor,
        KsTwoSample
      >;
    }
    timings.descriptors = performance.now() - t;
    tick("descriptors");
  }
  return {
    probabilities,
    grains: ws.grains,
    grainCount: ws.count,
    truthCount: matching.truthCount,
    markers: ws.markers,
    removed: ws.removed,
    boundaryMap,
    grainBoundaries,
    matchedFraction: matching.matchedFraction,
    predictedMatchedFraction: matching.predictedMatchedFraction,
    matches: matching.matches,
    adaptedRand,
    foreground,
    ...(ks ? { ks } : {}),
    ...(measuredGrains ? { measuredGrains } : {}),
    ...(alignment ? { alignment } : {}),
    h,
    tolerance,
    input,
    timings,
  };
}
