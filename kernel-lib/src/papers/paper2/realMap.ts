// Paper 2's image route on a real EBSD map, scored against the orientation route: the
// grains that misorientation gives (what MTEX / OIM users compute) are the reference; the
// image route sees only the pattern-quality image and a few labelled lines of it.
import { trainForest } from "../../classify/forest/trainForest.js";
import { predictVolume } from "../../classify/forest/predictVolume.js";
import { grainsFromOrientations, type OrientationGrains } from "../../ebsd/grains.js";
import { featureSpec } from "../../features/spec.js";
import { featuresAtLabels } from "../../features/featuresAtLabels.js";
import type { EbsdMap } from "../../io/ebsdTypes.js";
import { contingencyTable } from "../../metrics/contingency.js";
import { matchGrains } from "../../metrics/grainMatching.js";
import { adaptedRandError } from "../../metrics/randError.js";
import { grainTargets } from "../../synth/grainTargets.js";
import {
  checkInteger,
  checkNumber,
  checkOptions,
  checkPositiveInt,
  expectedError,
} from "../../util/checks.js";
import type { Volume } from "../../volume/types.js";
import { paper2Watershed, type Paper2Watershed } from "./pipelineWatershed.js";

/** Options of {@link paper2RealMap}. */
export interface Paper2RealMapOptions {
  /** Quality channel used as the image. @default "IQ" for .ang, "BC" for .ctf */
  quality?: string;
  /** Misorientation threshold of the orientation route, degrees. @default 5 */
  threshold?: number;
  /** Smallest grain of the orientation route, points (smaller ones are merged). @default 5 */
  minSize?: number;
  /**
   * Labelled lines: this many bands of rows, evenly spaced, are "hand-labelled" with the
   * reference's boundary / interior / background targets (Paper 2 labelled four slices
   * of a stack; a map's analogue is four lines). @default 4
   */
  bands?: number;
  /** Rows per labelled band. @default 3 */
  bandRows?: number;
  /** ilastik filter scales of the image features (pixels). @default [0.7, 1.0, 1.6, 3.5] */
  scales?: readonly number[];
  /** Trees of the forest. @default 50 */
  trees?: number;
  /** Depth of the h-minima of P(boundary) seeding grains. @default 0.2 */
  h?: number;
  /** Grains below this many points are removed from the image route. @default 5 */
  minGrainPoints?: number;
  /** Seed of the forest. @default 1 */
  seed?: number;
}

/** Result of {@link paper2RealMap}. */
export interface Paper2RealMap {
  file: string;
  /** The quality channel used, as a [1, rows, cols] volume (spacing in nm). */
  image: Volume<Float32Array>;
  /** The orientation route (the reference). */
  reference: OrientationGrains;
  /** The image route: forest probabilities and the watershed's grains. */
  probabilities: { boundary: Volume<Float32Array>; background: Volume<Float32Array> };
  grains: Paper2Watershed;
  /** Rows labelled for training. */
  labelledRows: number[];
  /** Grain counts of the two routes. */
  referenceCount: number;
  imageCount: number;
  /** Fraction of reference grains matched by an image-route grain with IoU > 0.5. */
  matchedFraction: number;
  /** Adapted Rand error of the image route against the reference (reference's unassigned points ignored). */
  adaptedRandError: number;
  timings: Record<string, number>;
}

const KEYS = [
  "quality",
  "threshold",
  "minSize",
  "bands",
  "bandRows",
  "scales",
  "trees",
  "h",
  "minGrainPoints",
  "seed",
];

/**
 * The two routes to grains on one real EBSD map, compared. The orientation route,
 * {@link grainsFromOrientations} (neighbours join below `threshold` degrees under
 * the phase's symmetry), is the reference. The image route is Paper 2's pipeline with a
 * forest for the network: ilastik features of the quality image, a random forest trained
 * on the reference's targets (boundary, interior, background: {@link grainTargets} in
 * 2D, unassigned points as background) on `bands` evenly spaced bands of rows only,
 * predicted on the whole map, then h-minima + marker watershed ({@link paper2Watershed}).
 * Scores: grain counts, the fraction of reference grains matched with IoU > 0.5, and the
 * adapted Rand error.
 * @param map - A square-grid map from `readAng` / `readCtf`.
 */
export async function paper2RealMap(
  map: EbsdMap,
  options: Paper2RealMapOptions = {},
): Promise<Paper2RealMap> {
  if (typeof map !== "object" || map === null || !("quality" in map) || !("phi1" in map))
    throw expectedError("map", "an EBSD map from readAng or readCtf", map, TypeError);
  checkOptions(options, "options", KEYS);
  const quality = options.quality ?? (map.format === "ang" ? "IQ" : "BC");
  const q = map.quality[quality];
  if (!q)
    throw new RangeError(
      `${map.file}: no quality channel "${quality}" (channels: ${Object.keys(map.quality).join(", ")})`,
    );
  const bands = checkPositiveInt(options.bands ?? 4, "bands");
  const bandRows = checkPositiveInt(options.bandRows ?? 3, "bandRows");
  const trees = checkPositiveInt(options.trees ?? 50, "trees");
  const h = checkNumber(options.h ?? 0.2, "h", { min: 0 });
  const minGrainPoints = checkInteger(options.minGrainPoints ?? 5, "minGrainPoints", 1);
  const { rows, cols } = map;
  if (bands * bandRows >= rows)
    throw new RangeError(
      `bands x bandRows (${bands} x ${bandRows}) must leave unlabelled rows in a map of ${rows} rows`,
    );
  const timings: Record<string, number> = {};
  let t = performance.now();
  const reference = grainsFromOrientations(map, {
    threshold: options.threshold ?? 5,
    minSize: options.minSize ?? 5,
  });
  timings.orientationRoute = performance.now() - t;

  const spacing: [number, number, number] = [
    1000 * map.step.y,
    1000 * map.step.y,
    1000 * map.step.x,
  ];
  const image: Volume<Float32Array> = {
    data: Float32Array.from(q, (v) => (Number.isFinite(v) ? v : 0)),
    shape: [1, rows, cols],
    spacing,
  };
  const targets = grainTargets(reference.labels, { connectivity: "2d" }).targets;
  const labelledRows: number[] = [];
  const sparse = new Uint8Array(rows * cols);
  for (let b = 0; b < bands; b++) {
    const r0 = Math.min(rows - bandRows, Math.round(((b + 0.5) * rows) / bands - bandRows / 2));
    for (let r = r0; r < r0 + bandRows; r++) {
      labelledRows.push(r);
      sparse.set(targets.data.subarray(r * cols, (r + 1) * cols), r * cols);
    }
  }
  t = performance.now();
  const spec = featureSpec({ inputs: ["IQ"], scales: options.scales ?? [0.7, 1.0, 1.6, 3.5] });
  const inputs = { IQ: image };
  const train = await featuresAtLabels(
    inputs,
    { data: sparse, shape: [1, rows, cols], spacing },
    spec,
  );
  const forest = await trainForest(train.samples, train.labels, train.channels.length, {
    trees,
    seed: options.seed ?? 1,
  });
  const pred = await predictVolume(forest, inputs, spec, { probabilities: true });
  const probs = pred.probabilities!;
  const of = (cls: number): Volume<Float32Array> => {
    const k = forest.classes.indexOf(cls);
    return k >= 0
      ? (probs[k] as Volume<Float32Array>)
      : { data: new Float32Array(rows * cols), shape: [1, rows, cols], spacing };
  };
  if (!forest.classes.includes(1) || !forest.classes.includes(2))
    throw new RangeError(
      `${map.file}: the labelled rows ${labelledRows.join(", ")} hold no ${forest.classes.includes(1) ? "grain interior" : "grain boundary"}; use more bands`,
    );
  const boundary = of(1);
  const background = of(3);
  timings.forest = performance.now() - t;
  t = performance.now();
  const grains = await paper2Watershed(boundary, background, {
    h,
    minGrainVoxels: minGrainPoints,
  });
  timings.watershed = performance.now() - t;
  const table = contingencyTable(reference.labels, grains.grains);
  const matching = matchGrains(reference.labels, grains.grains, { table });
  const are = adaptedRandError(reference.labels, grains.grains, {
    table: contingencyTable(reference.labels, grains.grains, { ignoreTruth: [0] }),
  });
  return {
    file: map.file,
    image,
    reference,
    probabilities: { boundary, background },
    grains,
    labelledRows,
    referenceCount: reference.count,
    imageCount: grains.count,
    matchedFraction: matching.matchedFraction,
    adaptedRandError: are.error,
    timings,
  };
}
