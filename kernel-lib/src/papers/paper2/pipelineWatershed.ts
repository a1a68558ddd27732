// Paper 2, Sect. 2.3 step 3: grains from the boundary map by h-minima markers and a marker watershed.
import { connectedComponents } from "../../morphology/connectedComponents.js";
import { hMinima } from "../../morphology/extrema.js";
import { watershed } from "../../morphology/watershed.js";
import {
  checkFraction,
  checkOneOf,
  checkNonNegativeInt,
  checkOptions,
  checkPositive,
} from "../../util/checks.js";
import { checkVolumes } from "../../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../../volume/types.js";

/** Options of {@link paper2Watershed}. */
export interface Paper2WatershedOptions {
  /** Depth of the h-minima of P(boundary) that seed grains. @default 0.2 */
  h?: number;
  /** Voxels with P(background) above this are background (0). @default 0.5 */
  backgroundThreshold?: number;
  /** Grains smaller than this (voxels) are removed (set to 0). @default 8 */
  minGrainVoxels?: number;
  /**
   * Connectivity of the h-minima and of their labelling into markers: 26 (skimage's
   * `h_minima` footprint and `label` default) or 6 (splits minima joined only by an
   * edge or corner, e.g. two grains' interiors meeting diagonally at the particle surface).
   * @default 26
   */
  connectivity?: 6 | 26;
}

/** Result of {@link paper2Watershed}. */
export interface Paper2Watershed {
  /** Grain labels 1..count (0 = background), consecutive. */
  grains: Volume<Int32Array>;
  /** Grains kept. */
  count: number;
  /** Markers (h-minima components inside the foreground) before removal of small grains. */
  markers: number;
  /** Grains removed as smaller than `minGrainVoxels`. */
  removed: number;
}

/**
 * Grains from the three probability maps, as Paper 2 (Sect. 2.3): the
 * foreground is where P(background) <= `backgroundThreshold`; the h-minima of
 * P(boundary) (depth `h`, 26-connected, as skimage's `h_minima`) inside the
 * foreground, labelled as 26-connected components, are the markers of a
 * watershed of P(boundary) restricted to the foreground (6-connected flood,
 * skimage's default), so every foreground voxel joins a grain (grain
 * boundaries are split between their two grains, as in the truth's labels).
 * Foreground regions without a marker stay background, and grains smaller
 * than `minGrainVoxels` (outside specks the paper removes by hand) are
 * dropped; the kept grains are renumbered 1..count in order of first voxel.
 * @param boundary - P(grain boundary) per voxel.
 * @param background - P(background), same shape.
 */
export async function paper2Watershed(
  boundary: Volume,
  background: Volume,
  options: Paper2WatershedOptions = {},
): Promise<Paper2Watershed> {
  checkVolumes({ boundary, background });
  checkOptions(options, "options", ["h", "backgroundThreshold", "minGrainVoxels", "connectivity"]);
  const connectivity = checkOneOf(options.connectivity ?? 26, "connectivity", [6, 26] as const);
  const h = checkPositive(options.h ?? 0.2, "h");
  const bgt = checkFraction(options.backgroundThreshold ?? 0.5, "backgroundThreshold");
  const minVoxels = checkNonNegativeInt(options.minGrainVoxels ?? 8, "minGrainVoxels");
  const shape = [...boundary.shape] as Shape3;
  const spacing = [...boundary.spacing] as Spacing3;
  const n = boundary.data.length;
  const fg = new Uint8Array(n);
  for (let i = 0; i < n; i++) fg[i] = background.data[i]! <= bgt ? 1 : 0;
  // The relief: P(boundary), raised to 1 on the background so that no minimum runs through it.
  const relief = new Float32Array(n);
  for (let i = 0; i < n; i++) relief[i] = fg[i] === 1 ? boundary.data[i]! : 1;
  const reliefVolume: Volume<Float32Array> = { data: relief, shape, spacing };
  const minima = hMinima(reliefVolume, h, { connectivity });
  for (let i = 0; i < n; i++) if (fg[i] === 0) minima.data[i] = 0;
  const seeds = await connectedComponents(minima, { connectivity });
  const mask: Volume<Uint8Array> = { data: fg, shape, spacing };
  const flooded = watershed(reliefVolume, seeds.labels, { mask });
  // Remove small grains and renumber.
  const sizes = new Float64Array(seeds.count + 1);
  const g = flooded.data;
  for (let i = 0; i < n; i++) sizes[g[i]!] = sizes[g[i]!]! + 1;
  const newLabel = new Int32Array(seeds.count + 1).fill(-1);
  newLabel[0] = 0;
  let count = 0;
  let removed = 0;
  for (let i = 0; i < n; i++) {
    const v = g[i]!;
    let m = newLabel[v]!;
    if (m < 0) {
      if (sizes[v]! < minVoxels) {
        m = 0;
        removed++;
      } else m = ++count;
      newLabel[v] = m;
    }
    g[i] = m;
  }
  return { grains: { data: g, shape, spacing }, count, markers: seeds.count, removed };
}
