import { checkOptions } from "../util/checks.js";
import type { Spacing3, Volume } from "../volume/types.js";
import {
  geodesicDistanceSync,
  voxelIndices,
  type GeodesicField,
  type GeodesicOptions,
  type VoxelSet,
} from "./geodesic.js";

/** Options of {@link tracePaths}: those of {@link geodesicDistance} but `predecessors`. */
export type TracePathsOptions = Omit<GeodesicOptions, "predecessors">;

/** One traced path (see {@link tracePaths}). */
export interface GeodesicPath {
  /** Linear index of the start voxel. */
  start: number;
  /** Whether a path from the start to the source set exists. */
  reached: boolean;
  /** Voxel indices from the start to the source voxel it ends on (just the start when unreached). */
  voxels: Int32Array;
  /**
   * Physical coordinates of the voxel centres along the path, `[z0, y0, x0, z1, ...]`:
   * voxel index times spacing, so voxel (0, 0, 0) is at the origin.
   */
  points: Float64Array;
  /** Geodesic length of the path: the sum of its Euclidean steps; Infinity when unreached. */
  length: number;
  /** The distance field's value at the start (the cumulative cost; = length with unit costs). */
  distance: number;
}

/** Result of {@link tracePaths}. */
export interface TracedPaths {
  /** One path per start, in the order of `starts`. */
  paths: GeodesicPath[];
  /** The distance field and predecessors the paths were traced in. */
  field: GeodesicField;
}

/**
 * Shortest paths through `mask` from each start voxel to the nearest voxel of `sources`:
 * one multi-source {@link geodesicDistance} front from the sources (with predecessors), then
 * each start walks its predecessor chain back to the source set. For renders of electron paths
 * (mask = active material, sources = its contact voxels with the carbon-binder) or ion paths
 * (mask = pores, sources = the separator side), as polylines in physical coordinates.
 *
 * Starts outside the mask, or in parts of it no path from a source reaches, are returned with
 * `reached: false`, one point and length Infinity.
 *
 * @param mask - Voxels the paths may use (non-zero).
 * @param sources - Where the paths end: a non-empty {@link VoxelSet} inside the mask.
 * @param starts - Where the paths begin: a {@link VoxelSet} (voxel indices, `[z, y, x]` or a mask).
 * @param options - Spacing, connectivity and costs as {@link geodesicDistance}; the spacing also
 *   scales `points`. @default the mask's spacing, 26 neighbours, unit costs
 */
export async function tracePaths(
  mask: Volume,
  sources: VoxelSet,
  starts: VoxelSet,
  options: TracePathsOptions = {},
): Promise<TracedPaths> {
  checkOptions(options, "options", ["spacing", "connectivity", "costs"]);
  const field = geodesicDistanceSync(mask, sources, { ...options, predecessors: true });
  const list = voxelIndices(starts, "starts", mask.shape);
  const spacing = (options.spacing ?? mask.spacing) as Spacing3;
  const paths = Array.from(list, (s) => traceOne(field, s, spacing));
  return { paths, field };
}

/** Follow the predecessors of `field` from voxel `start`. */
function traceOne(field: GeodesicField, start: number, spacing: Spacing3): GeodesicPath {
  const [, ny, nx] = field.distance.shape;
  const pred = field.predecessors!;
  const distance = field.distance.data[start]!;
  const reached = distance < Infinity;
  const chain: number[] = [start];
  if (reached) for (let i = pred[start]!; i >= 0; i = pred[i]!) chain.push(i);
  const voxels = Int32Array.from(chain);
  const points = new Float64Array(3 * chain.length);
  let length = reached ? 0 : Infinity;
  for (let k = 0; k < chain.length; k++) {
    const i = chain[k]!;
    const x = i % nx;
    const t = (i - x) / nx;
    const y = t % ny;
    const z = (t - y) / ny;
    points[3 * k] = z * spacing[0];
    points[3 * k + 1] = y * spacing[1];
    points[3 * k + 2] = x * spacing[2];
    if (k > 0)
      length += Math.hypot(
        points[3 * k]! - points[3 * k - 3]!,
        points[3 * k + 1]! - points[3 * k - 2]!,
        points[3 * k + 2]! - points[3 * k - 1]!,
      );
  }
  return { start, reached, voxels, points, length, distance };
}
