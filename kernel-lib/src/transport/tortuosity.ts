import { distanceTransform } from "../morphology/distanceTransform.js";
import { checkNumberArray, checkOneOf, checkOptions } from "../util/checks.js";
import { forEachTouching } from "../morphology/neighbours.js";
import { checkSpacing, checkVolumes } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { geodesicDistanceSync } from "./geodesic.js";

/** Options of {@link geodesicTortuosity}. */
export interface TortuosityOptions {
  /**
   * The depths d_l below the particle boundary the paths must reach, in the units of the
   * spacing (nm by convention), > 0. @default [500, 1000, 1500, 2000] (Paper 1, Fig. 7a)
   */
  distances?: number[];
  /**
   * How the depth of a voxel below the boundary is measured:
   * - `"boundary"`: Euclidean distance from the voxel's centre to the centre of the nearest
   *   boundary-layer voxel (a particle voxel, of either phase, with a 6-neighbour outside the
   *   particle), so boundary voxels have depth 0;
   * - `"outside"`: the plain distance transform of the particle mask, the distance to the
   *   centre of the nearest voxel outside the particle, so boundary voxels have depth one voxel
   *   (dz, dy or dx) and a straight channel gives tau = 1 - s / d_l.
   * @default "boundary"
   */
  depth?: "boundary" | "outside";
  /** Steps of the paths: 6, 18 or 26 neighbours. @default 26 */
  connectivity?: 6 | 18 | 26;
  /** Voxel size `[dz, dy, dx]`. @default the particle's spacing */
  spacing?: Spacing3;
}

/** Tortuosity at one depth d_l (see {@link geodesicTortuosity}). */
export interface TortuosityLevel {
  /** The depth d_l. */
  distance: number;
  /** tau of each boundary pore voxel that reaches depth d_l, in the order of {@link TortuosityResult.boundary}. */
  values: Float32Array;
  /** Mean of `values`; NaN when none is reachable. */
  mean: number;
  /** Population standard deviation of `values` (ddof 0); NaN when none is reachable. */
  std: number;
  /** Boundary pore voxels connected through pore space to the target set. */
  reachable: number;
  /** Boundary pore voxels with no path to it (isolated pores, or no pore that deep). */
  unreachable: number;
  /** Pore voxels of the target set (depth >= d_l). */
  targets: number;
}

/** Result of {@link geodesicTortuosity}. */
export interface TortuosityResult {
  /** Linear indices of the boundary pore voxels, ascending. */
  boundary: Int32Array;
  /** One entry per `distances` value, in that order. */
  levels: TortuosityLevel[];
  /** The depth field used (see `depth`), float32, the particle's shape. */
  depth: Volume<Float32Array>;
}

const KEYS = ["distances", "depth", "connectivity", "spacing"];

/** Particle voxels with a 6-neighbour inside the grid that is not in the particle. */
function boundaryLayer(particle: ArrayLike<number>, shape: Shape3): Uint8Array {
  const layer = new Uint8Array(shape[0] * shape[1] * shape[2]);
  forEachTouching(
    particle,
    (j) => particle[j] === 0,
    shape,
    (i) => (layer[i] = 1),
  );
  return layer;
}

/**
 * Geodesic tortuosity of the pore space of a particle (Paper 1, Sect. 3.7 and Fig. 7a): for
 * every pore voxel on the particle boundary, the length of the shortest path through pore
 * space to the pore voxels at depth d_l below the boundary, divided by d_l.
 *
 * Definitions (voxel centres, physical units):
 * - walkable: voxels in both `pore` and `particle`;
 * - boundary layer: particle voxels with a 6-neighbour outside the particle (a neighbour
 *   beyond the grid does not count: the particle must be fully imaged);
 * - boundary pore voxels: walkable voxels of the boundary layer;
 * - depth: see `options.depth` (default: distance to the nearest boundary-layer voxel);
 * - target set at d_l: walkable voxels with depth >= d_l (the depth is float32, so
 *   >= d_l (1 - 1e-6): a voxel exactly d_l deep counts despite rounding).
 *
 * The target set is "depth >= d_l", not a thin shell [d_l, d_l + s/2): a 26-step may raise
 * the depth by up to sqrt(3) voxels, so a thin shell can be stepped over and may even be
 * empty in a narrow pore, while every path to a deeper voxel first meets the set {depth >= d_l}
 * anyway, so the shortest path to the set is the first arrival at depth d_l. In a straight
 * channel along an axis, depth grows by one spacing s per step from 0 at the boundary, so the
 * path to the first voxel with depth >= d_l has length exactly d_l (tau = 1) when d_l is a
 * multiple of s, and ceil(d_l / s) s / d_l otherwise.
 *
 * Per d_l, one multi-source Dijkstra front ({@link geodesicDistance}, 26 neighbours, Euclidean
 * steps with the anisotropic spacing) runs from the whole target set through the walkable
 * voxels; tau of a boundary voxel is its distance divided by d_l.
 *
 * @param particle - Mask of the particle with its inner pores (non-zero = particle).
 * @param pore - Mask of the pore phase (non-zero = pore), same shape.
 * @returns The boundary pore voxels and, per d_l, the tau values with mean, std and counts.
 * @throws RangeError on mismatched shapes, a particle without boundary, or no boundary pore voxel.
 */
export async function geodesicTortuosity(
  particle: Volume,
  pore: Volume,
  options: TortuosityOptions = {},
): Promise<TortuosityResult> {
  checkVolumes({ particle, pore });
  checkOptions(options, "options", KEYS);
  const distances = checkNumberArray(
    options.distances ?? [500, 1000, 1500, 2000],
    "options.distances",
    {
      minLength: 1,
      min: 0,
      minOpen: true,
    },
  );
  const depthMode = checkOneOf(options.depth ?? "boundary", "options.depth", [
    "boundary",
    "outside",
  ]);
  const connectivity = checkOneOf(options.connectivity ?? 26, "options.connectivity", [6, 18, 26]);
  const spacing = [...(options.spacing ?? particle.spacing)] as Spacing3;
  checkSpacing(spacing, "options.spacing");
  const shape = [...particle.shape] as Shape3;
  const n = shape[0] * shape[1] * shape[2];
  const p = particle.data;
  const layer = boundaryLayer(p, shape);
  const walk = new Uint8Array(n);
  let nBoundary = 0;
  let nLayer = 0;
  for (let i = 0; i < n; i++) {
    if (p[i] !== 0 && pore.data[i] !== 0) walk[i] = 1;
    if (layer[i]) {
      nLayer++;
      if (walk[i]) nBoundary++;
    }
  }
  if (nLayer === 0)
    throw new RangeError(
      "`particle` must have a boundary (a voxel next to one outside the particle), received " +
        (p.some((v) => v !== 0) ? "a particle filling the grid" : "an empty particle"),
    );
  if (nBoundary === 0)
    throw new RangeError("`pore` must meet the particle boundary, received no pore voxel on it");
  const boundary = new Int32Array(nBoundary);
  for (let i = 0, k = 0; i < n; i++) if (layer[i] && walk[i]) boundary[k++] = i;

  const depthInput: Volume<Uint8Array> =
    depthMode === "outside"
      ? { data: Uint8Array.from(p, (v) => (v !== 0 ? 1 : 0)), shape, spacing }
      : { data: layer.map((v) => 1 - v), shape, spacing };
  const depth = await distanceTransform(depthInput, { spacing });
  const walkable: Volume<Uint8Array> = { data: walk, shape, spacing };

  const levels: TortuosityLevel[] = [];
  for (const d of distances) {
    // Depth is float32: a voxel exactly d_l deep may hold d_l less a rounding error.
    const floor = d * (1 - 1e-6);
    let targets = 0;
    for (let i = 0; i < n; i++) if (walk[i] && depth.data[i]! >= floor) targets++;
    const tau = new Float32Array(nBoundary);
    let reachable = 0;
    if (targets > 0) {
      const target = new Int32Array(targets);
      for (let i = 0, k = 0; i < n; i++) if (walk[i] && depth.data[i]! >= floor) target[k++] = i;
      const field = geodesicDistanceSync(walkable, target, { spacing, connectivity });
      for (let k = 0; k < nBoundary; k++) {
        const g = field.distance.data[boundary[k]!]!;
        if (g < Infinity) tau[reachable++] = g / d;
      }
    }
    const values = tau.slice(0, reachable);
    let sum = 0;
    for (const v of values) sum += v;
    const mean = reachable > 0 ? sum / reachable : NaN;
    let ss = 0;
    for (const v of values) ss += (v - mean) * (v - mean);
    const std = reachable > 0 ? Math.sqrt(ss / reachable) : NaN;
    levels.push({
      distance: d,
      values,
      mean,
      std,
      reachable,
      unreachable: nBoundary - reachable,
      targets,
    });
  }
  return { boundary, levels, depth: { ...depth, spacing: [...particle.spacing] } };
}
