// Paper 2's watershed post-processing (relief, smoothing, h) chosen on the hand-labelled slices only.
import { gaussian } from "../../filters/gaussian.js";
import { contingencyTable } from "../../metrics/contingency.js";
import { matchGrains } from "../../metrics/grainMatching.js";
import { adaptedRandError } from "../../metrics/randError.js";
import { labelRuns, paintRuns } from "../../morphology/labelComponents.js";
import type { EbsdSample } from "../../synth/sampleCatalog.js";
import {
  checkNonNegative,
  checkNumberArray,
  checkOneOf,
  checkOptions,
  checkPositive,
  expectedError,
} from "../../util/checks.js";
import { checkSameShape, checkVolume } from "../../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../../volume/types.js";
import type { Paper2Probabilities } from "./pipeline.js";
import {
  paper2Watershed,
  type Paper2Watershed,
  type Paper2WatershedOptions,
} from "./pipelineWatershed.js";

/** The relief the h-minima watershed floods: P(boundary), or 1 - P(interior) = P(boundary) + P(background). */
export type Paper2ReliefKind = "boundary" | "notInterior";

/** One post-processing of the probability maps before and in the watershed. */
export interface Paper2Postprocessing {
  /** Standard deviation (voxels) of the Gaussian smoothing of the relief; 0 = none. */
  sigma: number;
  /** Depth of the h-minima that seed grains. */
  h: number;
  /** @default "boundary" */
  relief?: Paper2ReliefKind;
}

/**
 * The default candidates of {@link paper2SelectPostprocessing}: Paper 2's setting (P(boundary)
 * unsmoothed, h = 0.1) and {@link paper2Watershed}'s default h = 0.2; P(boundary) smoothed at
 * sigma 0.5, 1 and 2 voxels (boundaries are 1-2 voxels wide, grains ~5-20), sigma 1 also at the
 * shallower h = 0.05 and 0.025 (smoothing flattens the minima) and sigma 2 at h = 0.05; and
 * 1 - P(interior) smoothed at sigma 1. Chosen on the labelled slices' scores only (on
 * ebsd-particle the U-Net's choice in a first grid sat at its smallest h, 0.05, so 0.025 was
 * added and sigma 2 at h 0.1, the worst smoothed setting there for both maps, dropped). Eight
 * watersheds: 3-5 s each on 96 x 224 x 224 (2 cores).
 */
export const PAPER2_POSTPROCESSING_CANDIDATES: readonly Paper2Postprocessing[] = Object.freeze([
  { sigma: 0, h: 0.1 },
  { sigma: 0, h: 0.2 },
  { sigma: 0.5, h: 0.1 },
  { sigma: 1, h: 0.1 },
  { sigma: 1, h: 0.05 },
  { sigma: 1, h: 0.025 },
  { sigma: 2, h: 0.05 },
  { sigma: 1, h: 0.1, relief: "notInterior" },
]);

/** Options of {@link paper2SelectPostprocessing}. */
export interface Paper2SelectPostprocessingOptions extends Omit<
  Paper2WatershedOptions,
  "h" | "mergeBelow"
> {
  /** Candidates to compare. @default {@link PAPER2_POSTPROCESSING_CANDIDATES} */
  candidates?: readonly Paper2Postprocessing[];
  /**
   * The labelled slices to score on (e.g. one held out of training). @default all of
   * the source's labelled slices
   */
  slices?: readonly number[];
  /**
   * "adaptedRand": the lowest adapted Rand error on the slices (ties: the higher matched
   * fraction, then the earlier candidate); "matched": the highest matched fraction (ties:
   * the lower error, then the earlier candidate). @default "adaptedRand"
   */
  criterion?: "adaptedRand" | "matched";
  /** Called after each candidate. */
  onProgress?: (done: number, total: number, note: string) => void;
}

/** One candidate's scores on the labelled slices. */
export interface Paper2PostprocessingScore {
  candidate: Required<Paper2Postprocessing>;
  /** Adapted Rand error of the grains cut on the slices against the hand grains (their voxels only). */
  adaptedRandError: number;
  /** The same, slice by slice (`slices` order). */
  sliceErrors: number[];
  /** Fraction of hand grains matched (IoU > 0.5 on the hand grains' voxels) by a cut grain. */
  matchedFraction: number;
  /** 3D grains of the candidate (all of the volume). */
  grainCount: number;
  /** Wall time of this candidate (smoothing, watershed, scores), ms. */
  ms: number;
}

/** Result of {@link paper2SelectPostprocessing}. */
export interface Paper2SelectedPostprocessing {
  /** Every candidate's scores, in the candidates' order. */
  scores: Paper2PostprocessingScore[];
  /** Index of the chosen candidate. */
  best: number;
  /** The chosen candidate. */
  selected: Required<Paper2Postprocessing>;
  /** Its relief (pass to `paper2Pipeline` as `relief`, with `h: selected.h`). */
  relief: Volume<Float32Array>;
  /** Its grains. */
  grains: Volume<Int32Array>;
  /** Its whole watershed (grains, counts): pass to `paper2Pipeline` as `watershed` to score it without flooding again. */
  watershed: Paper2Watershed;
  /** Slices scored on. */
  slices: number[];
  /** Hand grains (2D components of the interior label) per slice. */
  handGrains: number[];
  criterion: "adaptedRand" | "matched";
}

/** The hand labels: target codes (1 boundary, 2 interior, 3 background) and the slices labelled. */
export interface Paper2SliceLabels {
  targets: Volume;
  slices: readonly number[];
}

/** 2D grains of the hand labels: the 4-connected components of the interior code on each slice. */
export interface Paper2SliceGrains {
  /** Stack [slices, ny, nx] of labels, unique over the stack (0 = not interior). */
  labels: Volume<Int32Array>;
  /** Components per slice. */
  counts: number[];
  slices: number[];
}

function isSample(v: unknown): v is EbsdSample {
  return typeof v === "object" && v !== null && (v as EbsdSample).kind === "ebsd";
}

function checkSlices(value: unknown, name: string, nz: number): number[] {
  return [
    ...checkNumberArray(value, name, {
      integer: true,
      min: 0,
      max: nz - 1,
      minLength: 1,
      distinct: true,
      expected: `a non-empty array of distinct z indices 0..${nz - 1}`,
    }),
  ];
}

/**
 * The hand-labelled 2D grains of labelled slices: on each slice z, the 4-connected
 * components of the voxels whose target is 2 (grain interior), which the boundary
 * label 1 and the background 3 separate. Only `targets` on `slices` is read.
 * @param targets - Target codes 1, 2, 3 (other slices are ignored).
 * @param slices - The labelled z slices.
 */
export function paper2SliceGrains(targets: Volume, slices: readonly number[]): Paper2SliceGrains {
  checkVolume(targets, "targets");
  const [nz, ny, nx] = targets.shape;
  const zs = checkSlices(slices, "slices", nz);
  const plane = ny * nx;
  const data = new Int32Array(zs.length * plane);
  const counts: number[] = [];
  const mask = new Uint8Array(plane);
  const out = new Int32Array(plane);
  let offset = 0;
  zs.forEach((z, s) => {
    for (let i = 0; i < plane; i++) {
      const t = targets.data[z * plane + i]!;
      if (t !== 1 && t !== 2 && t !== 3)
        throw new RangeError(
          `targets must hold codes 1, 2, 3 on the labelled slices, received ${t} at z = ${z}`,
        );
      mask[i] = t === 2 ? 1 : 0;
    }
    const runs = labelRuns(mask, [1, ny, nx], 6, false);
    paintRuns(runs, nx, out);
    for (let i = 0; i < plane; i++) {
      const l = out[i]!;
      data[s * plane + i] = l > 0 ? l + offset : 0;
    }
    counts.push(runs.count);
    offset += runs.count;
  });
  const spacing = [...targets.spacing] as Spacing3;
  return { labels: { data, shape: [zs.length, ny, nx], spacing }, counts, slices: zs };
}

/**
 * Scores of 3D grains cut on the labelled slices against the hand grains
 * ({@link paper2SliceGrains}): skimage's adapted Rand error on the stack of slices with
 * the voxels outside hand grains left out (a predicted 0 counts as one segment), per
 * slice and pooled, and the fraction of hand grains matched with IoU > 0.5 by a cut
 * grain (cut labels kept on hand-grain voxels only, as a 3D grain's cut also holds
 * boundary voxels the hand grain does not).
 */
export function paper2SliceScores(
  grains: Volume,
  hand: Paper2SliceGrains,
): { adaptedRandError: number; sliceErrors: number[]; matchedFraction: number } {
  checkVolume(grains, "grains");
  const [nz, ny, nx] = grains.shape;
  const [ns, hy, hx] = hand.labels.shape;
  if (hy !== ny || hx !== nx || ns !== hand.slices.length)
    throw expectedError(
      "hand.labels.shape",
      `[${hand.slices.length}, ${ny}, ${nx}] (the slices of grains)`,
      hand.labels.shape,
      RangeError,
    );
  const plane = ny * nx;
  let max = 0;
  for (const z of hand.slices) {
    if (!Number.isInteger(z) || z < 0 || z >= nz)
      throw new RangeError(`hand.slices: z = ${z} is outside grains (nz = ${nz})`);
    for (let i = z * plane; i < (z + 1) * plane; i++) max = Math.max(max, grains.data[i]!);
  }
  const stride = max + 1;
  if (stride * ns > 2 ** 31 - 1)
    throw new RangeError(`grains: labels up to ${max} on ${ns} slices overflow int32`);
  const cut = new Int32Array(ns * plane);
  const masked = new Int32Array(ns * plane);
  hand.slices.forEach((z, s) => {
    for (let i = 0; i < plane; i++) {
      const g = grains.data[z * plane + i]!;
      const v = g > 0 ? g + s * stride : 0;
      cut[s * plane + i] = v;
      masked[s * plane + i] = hand.labels.data[s * plane + i]! > 0 ? v : 0;
    }
  });
  const shape: Shape3 = [ns, ny, nx];
  const spacing = [...hand.labels.spacing] as Spacing3;
  const cutVolume = { data: cut, shape, spacing };
  const error = (truth: Volume, test: Volume): number =>
    adaptedRandError(truth, test, { table: contingencyTable(truth, test, { ignoreTruth: [0] }) })
      .error;
  const sliceErrors = hand.slices.map((_, s) => {
    const part = (d: Int32Array) => ({
      data: d.subarray(s * plane, (s + 1) * plane),
      shape: [1, ny, nx] as Shape3,
      spacing,
    });
    return error(part(hand.labels.data), part(cut));
  });
  return {
    adaptedRandError: error(hand.labels, cutVolume),
    sliceErrors,
    matchedFraction: matchGrains(hand.labels, { data: masked, shape, spacing }).matchedFraction,
  };
}

/** The watershed relief of a post-processing: P(boundary) or 1 - P(interior), smoothed by `sigma`. */
export async function paper2Relief(
  probabilities: Paper2Probabilities,
  postprocessing: Paper2Postprocessing,
  options: { threads?: number } = {},
): Promise<Volume<Float32Array>> {
  const c = checkCandidate(postprocessing, "postprocessing");
  const source = c.relief === "boundary" ? probabilities.boundary : probabilities.interior;
  checkVolume(source, `probabilities.${c.relief === "boundary" ? "boundary" : "interior"}`);
  let base: Volume<Float32Array>;
  if (c.relief === "boundary") {
    base =
      source.data instanceof Float32Array
        ? (source as Volume<Float32Array>)
        : {
            data: Float32Array.from(source.data),
            shape: [...source.shape],
            spacing: [...source.spacing],
          };
  } else {
    const d = new Float32Array(source.data.length);
    for (let i = 0; i < d.length; i++) d[i] = 1 - source.data[i]!;
    base = { data: d, shape: [...source.shape], spacing: [...source.spacing] };
  }
  return c.sigma > 0
    ? gaussian(base, c.sigma, options.threads ? { threads: options.threads } : {})
    : base;
}

function checkCandidate(value: unknown, name: string): Required<Paper2Postprocessing> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw expectedError(name, "an object { sigma, h, relief? }", value, TypeError);
  const v = value as Paper2Postprocessing;
  checkOptions(v, name, ["sigma", "h", "relief"], "field");
  return {
    sigma: checkNonNegative(v.sigma, `${name}.sigma`),
    h: checkPositive(v.h, `${name}.h`),
    relief: checkOneOf(v.relief ?? "boundary", `${name}.relief`, [
      "boundary",
      "notInterior",
    ] as const),
  };
}

const KEYS = [
  "candidates",
  "slices",
  "criterion",
  "onProgress",
  "backgroundThreshold",
  "minGrainVoxels",
  "connectivity",
];

/**
 * Choose the watershed post-processing (relief, Gaussian sigma, h) from the hand labels
 * alone: each candidate's relief ({@link paper2Relief}) goes through {@link paper2Watershed}
 * with P(background), its 3D grains are cut on the labelled slices and scored against the
 * slices' hand grains ({@link paper2SliceGrains}, {@link paper2SliceScores}), and the best
 * by `criterion` is chosen. No truth but `targets` on `slices` is read, so a user with the
 * labelled slices can run it; a classifier trained on those slices fits them better than
 * the rest of the stack, so its scores there are optimistic: hold a slice out of training
 * and give it as `slices` for an honest choice.
 * @param probabilities - P(boundary), P(interior), P(background) (a forest's or a U-Net's).
 * @param labels - A sample (its `targets` and `labelledSlices`), or `{ targets, slices }`.
 * @example
 * const sel = await paper2SelectPostprocessing(unet, sample);
 * const r = await paper2Pipeline(sample, { probabilities: unet, watershed: sel.watershed, h: sel.selected.h });
 */
export async function paper2SelectPostprocessing(
  probabilities: Paper2Probabilities,
  labels: EbsdSample | Paper2SliceLabels,
  options: Paper2SelectPostprocessingOptions = {},
): Promise<Paper2SelectedPostprocessing> {
  checkOptions(options, "options", KEYS);
  if (typeof probabilities !== "object" || probabilities === null)
    throw expectedError(
      "probabilities",
      "{ boundary, interior, background } probability volumes",
      probabilities,
      TypeError,
    );
  for (const k of ["boundary", "interior", "background"] as const) {
    checkVolume(probabilities[k], `probabilities.${k}`);
    if (k !== "boundary")
      checkSameShape(
        probabilities[k],
        `probabilities.${k}`,
        probabilities.boundary,
        "probabilities.boundary",
      );
  }
  if (typeof labels !== "object" || labels === null)
    throw expectedError(
      "labels",
      "an EBSD sample or { targets, slices } (the hand-labelled slices)",
      labels,
      TypeError,
    );
  const targets = labels.targets;
  const labelled = isSample(labels) ? labels.labelledSlices : labels.slices;
  checkVolume(targets, "labels.targets");
  checkSameShape(targets, "labels.targets", probabilities.boundary, "probabilities.boundary");
  const nz = targets.shape[0];
  const known = checkSlices(
    labelled,
    isSample(labels) ? "labels.labelledSlices" : "labels.slices",
    nz,
  );
  const slices =
    options.slices === undefined ? known : checkSlices(options.slices, "options.slices", nz);
  for (const z of slices)
    if (!known.includes(z))
      throw new RangeError(
        `options.slices: z = ${z} is not a labelled slice; expected some of ${known.join(", ")}`,
      );
  const criterion = checkOneOf(options.criterion ?? "adaptedRand", "options.criterion", [
    "adaptedRand",
    "matched",
  ] as const);
  const list = options.candidates ?? PAPER2_POSTPROCESSING_CANDIDATES;
  if (!Array.isArray(list) || list.length === 0)
    throw expectedError(
      "options.candidates",
      "a non-empty array of { sigma, h, relief? }",
      list,
      TypeError,
    );
  const candidates = list.map((c, i) => checkCandidate(c, `options.candidates[${i}]`));
  const watershedOptions: Paper2WatershedOptions = {
    ...(options.backgroundThreshold !== undefined
      ? { backgroundThreshold: options.backgroundThreshold }
      : {}),
    ...(options.minGrainVoxels !== undefined ? { minGrainVoxels: options.minGrainVoxels } : {}),
    ...(options.connectivity !== undefined ? { connectivity: options.connectivity } : {}),
  };
  const hand = paper2SliceGrains(targets, slices);

  const reliefs = new Map<string, Volume<Float32Array>>();
  const scores: Paper2PostprocessingScore[] = [];
  let best = -1;
  let bestWatershed: Paper2Watershed | undefined;
  const better = (a: Paper2PostprocessingScore, b: Paper2PostprocessingScore): boolean =>
    criterion === "adaptedRand"
      ? a.adaptedRandError < b.adaptedRandError ||
        (a.adaptedRandError === b.adaptedRandError && a.matchedFraction > b.matchedFraction)
      : a.matchedFraction > b.matchedFraction ||
        (a.matchedFraction === b.matchedFraction && a.adaptedRandError < b.adaptedRandError);
  for (const [i, candidate] of candidates.entries()) {
    const t = performance.now();
    const key = `${candidate.relief}:${candidate.sigma}`;
    let relief = reliefs.get(key);
    if (!relief) {
      relief = await paper2Relief(probabilities, candidate);
      reliefs.set(key, relief);
    }
    const ws = await paper2Watershed(relief, probabilities.background, {
      ...watershedOptions,
      h: candidate.h,
    });
    const s = paper2SliceScores(ws.grains, hand);
    const score: Paper2PostprocessingScore = {
      candidate,
      ...s,
      grainCount: ws.count,
      ms: performance.now() - t,
    };
    scores.push(score);
    if (best < 0 || better(score, scores[best]!)) {
      best = i;
      bestWatershed = ws;
    }
    options.onProgress?.(
      i + 1,
      candidates.length,
      `sigma ${candidate.sigma}, h ${candidate.h}, ${candidate.relief}: error ${s.adaptedRandError.toFixed(3)}`,
    );
  }
  const selected = candidates[best]!;
  return {
    scores,
    best,
    selected,
    relief: reliefs.get(`${selected.relief}:${selected.sigma}`)!,
    grains: bestWatershed!.grains,
    watershed: bestWatershed!,
    slices,
    handGrains: hand.counts,
    criterion,
  };
}
