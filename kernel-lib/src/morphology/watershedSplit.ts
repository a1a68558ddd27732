import { checkOneOf, checkOptions, checkPositive } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";
import { connectedComponents, distanceTransform, hMaxima } from "./index.js";
import type { Connectivity } from "./labelComponents.js";
import { watershed } from "./watershed.js";

/** Options of {@link splitParticles}. */
export interface SplitParticlesOptions {
  /**
   * Height of a distance-transform peak above the saddle to the next particle for it to
   * seed a particle of its own, in the units of `spacing` (nm). Larger values merge more.
   * @default the smallest voxel size
   */
  h?: number;
  /** Neighbourhood of the watershed flood. @default 6 */
  connectivity?: Connectivity;
}

/** Result of {@link splitParticles}; row `i` of the columns describes label `i + 1`. */
export interface SplitParticles {
  /** Particle labels 1..count (0 = background), the mask's shape and spacing. */
  labels: Volume<Int32Array>;
  count: number;
  /** Voxels per particle. */
  voxels: Float64Array;
  /** Volume per particle, voxels times `dz * dy * dx` (nm^3). */
  volume: Float64Array;
  /** Volume-equivalent diameter `(6 V / pi)^(1/3)` (nm). */
  diameter: Float64Array;
}

/**
 * Separate touching particles of a binary mask: the Euclidean distance transform `D` of the
 * mask (anisotropic spacing honoured), markers = connected components (26) of the h-maxima of
 * `D`, then a marker-based {@link watershed} of `-D` inside the mask. The standard recipe of
 * `ndi.distance_transform_edt` + `skimage.morphology.h_maxima` + `ndi.label` +
 * `skimage.segmentation.watershed(-D, markers, mask=mask)`.
 *
 * @param mask - Particles, non-zero = foreground, any dtype.
 * @returns Labels and per-particle voxels, volume and equivalent diameter.
 */
export async function splitParticles(
  mask: Volume,
  options: SplitParticlesOptions = {},
): Promise<SplitParticles> {
  checkVolume(mask, "mask");
  checkOptions(options, "options", ["h", "connectivity"]);
  const h = checkPositive(options.h ?? Math.min(...mask.spacing), "h");
  const connectivity = checkOneOf(options.connectivity ?? 6, "connectivity", [6, 18, 26] as const);
  const dist = await distanceTransform(mask);
  const peaks = hMaxima(dist, h, { connectivity: 26 });
  const seeds = await connectedComponents(peaks, { connectivity: 26 });
  const relief = { ...dist, data: dist.data.map((v) => -v) };
  const labels = watershed(relief, seeds.labels, { mask, connectivity });
  const count = seeds.count;
  const voxels = new Float64Array(count);
  for (const l of labels.data) if (l > 0) voxels[l - 1]!++;
  const [dz, dy, dx] = mask.spacing;
  const volume = voxels.map((v) => v * dz * dy * dx);
  const diameter = volume.map((v) => Math.cbrt((6 * v) / Math.PI));
  return { labels, count, voxels, volume, diameter };
}
