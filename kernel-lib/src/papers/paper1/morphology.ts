// Paper 1, section 3.7: the morphology of one hierarchically porous NMC particle (Figs. 6-7),
// from a label volume (ground truth or a segmentation), with the published numbers beside it;
// and the whole-volume segmentation (method 3.6) whose errors the descriptors are measured under.
import { featuresAtLabels } from "../../features/featuresAtLabels.js";
import { predictVolume } from "../../classify/forest/predictVolume.js";
import { trainForest } from "../../classify/forest/trainForest.js";
import type { FibsemSample } from "../../synth/samples.js";
import { innerPoreIntrusion } from "../../transport/porosimetry.js";
import {
  sectionVolumeFraction,
  shellVolumeFraction,
  type SectionProfile,
  type ShellProfile,
} from "../../transport/profiles.js";
import { innerPores, selectParticle } from "../../transport/particle.js";
import { geodesicTortuosity, type TortuosityLevel } from "../../transport/tortuosity.js";
import {
  checkInteger,
  checkNumberArray,
  checkOptions,
  checkPositive,
  checkPositiveInt,
} from "../../util/checks.js";
import { checkVolume } from "../../volume/check.js";
import { crop, cropRanges, type Range1 } from "../../volume/crop.js";
import type { Plane, Volume } from "../../volume/types.js";
import { paper1FeatureSpec, type Paper1ForestId } from "./forests.js";

/** What Paper 1 publishes about its particle (section 3.7, Figs. 6-7). */
export const PAPER1_MORPHOLOGY = Object.freeze({
  /** Rolling-ball radius of the inner-pore rule, nm. */
  rollingBall: 150,
  /** Shell width of Fig. 6a, nm. */
  shellWidth: 10,
  /** NMC volume fraction of the particle, NMC / (NMC + inner pores). */
  volumeFraction: 0.66,
  /** Fig. 6b: mean and std of the cross-sections' volume fraction near the centroid. */
  sections: { mean: 0.66, std: 0.02 },
  /** Fig. 7a: mean (std) of the geodesic tortuosity per depth d_l (nm). */
  tortuosity: Object.freeze({
    500: [1.26, 0.22],
    1000: [1.19, 0.11],
    1500: [1.17, 0.07],
    2000: [1.17, 0.06],
  }) as Readonly<Record<number, readonly [mean: number, std: number]>>,
  /** Fig. 7b: fraction of the inner-pore volume filled by spheres of radius r (nm). */
  intrusion: Object.freeze({ 80: 0.63, 100: 0.17 }) as Readonly<Record<number, number>>,
});

/** Options of {@link paper1Morphology}. */
export interface Paper1MorphologyOptions {
  /** Worker threads. @default the pool size */
  threads?: number;
  /** Class of the solid (NMC). @default 3 */
  solid?: number;
  /** Class of the pores (void); other classes (CBD) are neither solid nor pore. @default 1 */
  pore?: number;
  /** A voxel [z, y, x] of the particle. @default the largest NMC component */
  point?: [number, number, number];
  /** Rolling-ball radius, nm. @default 150 (Paper 1) */
  radius?: number;
  /** Shell width of the profile, nm. @default 10 (Paper 1) */
  shellWidth?: number;
  /** Depths d_l of the tortuosity, nm. @default [500, 1000, 1500, 2000] (Paper 1) */
  distances?: number[];
  /** Sphere radii of the intrusion curve, nm. @default 10, 20, ..., 150 (the rolling ball: larger fill nothing) */
  sizes?: number[];
  /** Central fraction of the particle's extent for the section statistics. @default 0.5 */
  central?: number;
}

/** Result of {@link paper1Morphology}: every descriptor of section 3.7 for one particle. */
export interface Paper1Morphology {
  /** The particle's NMC, its inner pores, and both together (0/1 masks). */
  solid: Volume<Uint8Array>;
  innerPores: Volume<Uint8Array>;
  particle: Volume<Uint8Array>;
  /** NMC / (NMC + inner pores). */
  volumeFraction: number;
  /** Fig. 6a. */
  shells: ShellProfile;
  /** Fig. 6b: per plane orientation. */
  sections: Record<Plane, SectionProfile>;
  /** Fig. 7a: per depth d_l. */
  tortuosity: TortuosityLevel[];
  /** Fig. 7b: radii (nm) and filled fraction of the inner-pore volume. */
  intrusion: { sizes: number[]; fraction: number[] };
  /** Wall time per step, ms. */
  timings: Record<string, number>;
}

const KEYS = [
  "solid",
  "pore",
  "point",
  "radius",
  "shellWidth",
  "distances",
  "sizes",
  "central",
  "threads",
];

/**
 * Paper 1's morphology of one NMC particle (section 3.7) from a label volume (1 void, 2 CBD,
 * 3 NMC by default): the particle (largest NMC component, or the one at `point`), its inner
 * pores by the rolling-ball rule (void voxels a 150-nm ball from outside cannot reach), the
 * particle's NMC volume fraction, the local volume fraction in 10-nm shells below the boundary
 * and its cumulative curve (Fig. 6a), the volume fraction of xy / xz / yz cross-sections
 * (Fig. 6b), the geodesic tortuosity of the inner pores from the boundary down to depths d_l
 * (Fig. 7a) and the sphere-intrusion curve of the inner pores from the boundary (Fig. 7b).
 * The particle must lie wholly inside the volume.
 * @param labels - Ground truth or a segmentation (any integer dtype), spacing in nm.
 * @see {@link PAPER1_MORPHOLOGY} for the published values.
 */
export async function paper1Morphology(
  labels: Volume,
  options: Paper1MorphologyOptions = {},
): Promise<Paper1Morphology> {
  checkVolume(labels, "labels");
  checkOptions(options, "options", KEYS);
  const solidClass = checkInteger(options.solid ?? 3, "solid", 0, 255);
  const poreClass = checkInteger(options.pore ?? 1, "pore", 0, 255);
  const radius = checkPositive(options.radius ?? PAPER1_MORPHOLOGY.rollingBall, "radius");
  const width = checkPositive(options.shellWidth ?? PAPER1_MORPHOLOGY.shellWidth, "shellWidth");
  const distances = checkNumberArray(options.distances ?? [500, 1000, 1500, 2000], "distances", {
    minLength: 1,
    min: 0,
  });
  const sizes = checkNumberArray(
    options.sizes ?? Array.from({ length: 15 }, (_, i) => 10 * (i + 1)),
    "sizes",
    { minLength: 1, min: 0 },
  );
  const par = options.threads !== undefined ? { threads: options.threads } : {};
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    timings[name] = now - t;
    t = now;
  };
  const solid = await selectParticle(labels, {
    phase: solidClass,
    ...(options.point ? { point: options.point } : {}),
  });
  const pore: Volume<Uint8Array> = {
    data: Uint8Array.from(labels.data as ArrayLike<number>, (v) => (v === poreClass ? 1 : 0)),
    shape: [...labels.shape],
    spacing: [...labels.spacing],
  };
  lap("particle");
  const ip = await innerPores(solid, { radius, pore, ...par });
  lap("innerPores");
  const shells = await shellVolumeFraction(solid, ip.particle, { width, ...par });
  const sections = sectionVolumeFraction(
    solid,
    ip.particle,
    options.central !== undefined ? { central: options.central } : {},
  );
  lap("profiles");
  const tort = await geodesicTortuosity(ip.particle, ip.innerPores, { distances });
  lap("tortuosity");
  const intr = await innerPoreIntrusion(solid, ip.innerPores, { sizes, ...par });
  lap("intrusion");
  return {
    solid,
    innerPores: ip.innerPores,
    particle: ip.particle,
    volumeFraction: ip.volumeFraction,
    shells,
    sections,
    tortuosity: tort.levels,
    intrusion: { sizes: [...intr.sizes], fraction: [...intr.fraction] },
    timings,
  };
}

/**
 * The bounding box of a measured particle grown by `margin` voxels (clipped to the volume), as
 * the half-open ranges `paper1SegmentVolume`'s `crop` and `crop()` take.
 * @throws RangeError when the particle is empty.
 */
export function paper1ParticleBox(
  m: Pick<Paper1Morphology, "particle">,
  margin = 2,
): [Range1, Range1, Range1] {
  checkInteger(margin, "margin", 0);
  const [nz, ny, nx] = m.particle.shape;
  const lo = [nz, ny, nx];
  const hi = [-1, -1, -1];
  const d = m.particle.data;
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        if (d[i] === 0) continue;
        const c = [z, y, x];
        for (let a = 0; a < 3; a++) {
          if (c[a]! < lo[a]!) lo[a] = c[a]!;
          if (c[a]! > hi[a]!) hi[a] = c[a]!;
        }
      }
  if (hi[0]! < 0) throw new RangeError("the particle is empty: no box to take");
  const n = [nz, ny, nx];
  return [0, 1, 2].map((a) => [
    Math.max(0, lo[a]! - margin),
    Math.min(n[a]!, hi[a]! + 1 + margin),
  ]) as [Range1, Range1, Range1];
}

/**
 * Voxels read around a predicted box: the support of the widest filter (sigma 10 with
 * pre-smoothing, truncated at 3 sigma, about 30 voxels) would be exact; 16 keeps the box's
 * faces within a small fraction of a percent of the whole-volume prediction at a fraction of
 * the cost (measured on fibsem-nmc-small in test/papers/paper1-morphology.test.ts).
 */
const CROP_MARGIN = 16;

/** Options of {@link paper1SegmentVolume}. */
export interface Paper1SegmentOptions {
  /** Worker threads. @default the pool size */
  threads?: number;
  /** Which forest method's features. @default "3.6" (all detectors, tailored z features) */
  method?: Paper1ForestId;
  /** Trees. @default 100 */
  trees?: number;
  /** Seed of the forest. @default 1 */
  seed?: number;
  /**
   * Predict only this box `[[z0, z1], [y0, y1], [x0, x1]]` (half-open voxel ranges, `null` =
   * whole axis), e.g. the particle's bounding box: the forest is still trained on every brush
   * stroke, and features at the box's faces see the image beyond it (a margin of the largest
   * filter's support is read around the box). The result has the box's shape.
   * @default the whole volume
   */
  crop?: [Range1 | null, Range1 | null, Range1 | null];
}

/**
 * Segment a whole FIB/SEM sample with one of Paper 1's forest methods (default 3.6), trained
 * on its brush strokes: the segmentation whose errors the morphology descriptors are then
 * measured under. Blockwise on the worker pool (the feature stack is never held whole).
 * @returns The labels (1 void, 2 CBD, 3 NMC), the sample's shape and spacing.
 */
export async function paper1SegmentVolume(
  sample: Pick<FibsemSample, "se2" | "inlens" | "labels">,
  options: Paper1SegmentOptions = {},
): Promise<Volume<Uint8Array>> {
  checkOptions(options, "options", ["method", "trees", "seed", "threads", "crop"]);
  const spec = paper1FeatureSpec(options.method ?? "3.6");
  const trees = checkPositiveInt(options.trees ?? 100, "trees");
  const seed = checkInteger(options.seed ?? 1, "seed");
  const par = options.threads !== undefined ? { threads: options.threads } : {};
  // the box is checked before any work (a bad range fails at once, naming the axis and shape)
  const shape = sample.se2.shape;
  const inner = options.crop ? cropRanges(shape, options.crop) : undefined;
  const inputs = { SE2: sample.se2, InLens: sample.inlens };
  const train = await featuresAtLabels(inputs, sample.labels, spec, par);
  const forest = await trainForest(train.samples, train.labels, train.channels.length, {
    trees,
    seed,
    ...par,
  });
  if (!inner) return (await predictVolume(forest, inputs, spec, par)).labels;
  // Predict the box grown by a margin, so its faces' features see the image, then cut the margin.
  const outer = inner.map(([s0, s1], a) => [
    Math.max(0, s0 - CROP_MARGIN),
    Math.min(shape[a]!, s1 + CROP_MARGIN),
  ]) as [Range1, Range1, Range1];
  const grown = { SE2: crop(sample.se2, outer), InLens: crop(sample.inlens, outer) };
  const labels = (await predictVolume(forest, grown, spec, par)).labels;
  return crop(
    labels,
    inner.map(([s0, s1], a) => [s0 - outer[a]![0], s1 - outer[a]![0]]) as [Range1, Range1, Range1],
  );
}
