// The grain-boundary network of Furat et al. (Eq. 25): the area shared by each pair of
// grains and the network's specific surface area.
import { checkOptions, expectedError } from "../util/checks.js";
import { checkSpacing } from "../volume/check.js";
import type { Spacing3, Volume } from "../volume/types.js";
import { croftonPass } from "./crofton.js";
import { checkLabels, labelIndex } from "./labelIndex.js";

/** Options of {@link grainBoundaryNetwork}. */
export interface GrainBoundaryNetworkOptions {
  /** Voxel size [dz, dy, dx] (nm). @default labels.spacing */
  spacing?: Spacing3;
  /** Called with the fraction done (0..1). */
  onProgress?: (fraction: number) => void;
}

/** Result of {@link grainBoundaryNetwork}. */
export interface GrainBoundaryNetwork {
  /** Pairs of touching grains, `labelA < labelB`, sorted by (labelA, labelB). */
  labelA: Float64Array;
  labelB: Float64Array;
  /** Shared boundary area a_ij of each pair (nm^2). */
  area: Float64Array;
  /** Sum of the pair areas (nm^2). */
  totalArea: number;
  /** Volume of all grains, i.e. of the non-zero voxels (nm^3). */
  particleVolume: number;
  /** totalArea / particleVolume (nm^-1). */
  specificSurfaceArea: number;
}

/**
 * Grain-boundary area per pair of touching grains and the specific surface area of the
 * network (Eq. 25). The paper's a_ij = (a(G_i) + a(G_j) - a(G_i u G_j)) / 2 is, with the
 * Crofton surface estimator of {@link grainTable}, exactly the Crofton measure of the
 * transitions between G_i and G_j: the lines crossing from G_i to G_j count for a(G_i)
 * and a(G_j) but not for the union, every other crossing counts for both sides of the
 * equation alike. So a_ij sums, over the 13 lattice directions, the weight of each
 * direction times the number of i-j transitions (for the three axes alone, with isotropic
 * spacing, this is the face count times 2/3). All grains count, border ones too.
 * @param labels - Grain labels (uint8, uint16, int32, uint32; 0 = background).
 */
export function grainBoundaryNetwork(
  labels: Volume,
  options: GrainBoundaryNetworkOptions = {},
): GrainBoundaryNetwork {
  checkLabels(labels);
  const o = checkOptions(options, "options", ["spacing", "onProgress"]);
  const spacing = o.spacing ?? labels.spacing;
  checkSpacing(spacing, "options.spacing");
  if (o.onProgress !== undefined && typeof o.onProgress !== "function")
    throw expectedError("options.onProgress", "a function", o.onProgress, TypeError);
  const index = labelIndex(labels);
  o.onProgress?.(0.1);
  const { pairs } = croftonPass(labels, index, spacing, true);
  const n = index.labels.length;
  const keys = [...pairs!.keys()].sort((a, b) => a - b);
  const labelA = new Float64Array(keys.length);
  const labelB = new Float64Array(keys.length);
  const area = new Float64Array(keys.length);
  let totalArea = 0;
  keys.forEach((k, r) => {
    labelA[r] = index.labels[Math.floor(k / n)]!;
    labelB[r] = index.labels[k % n]!;
    area[r] = pairs!.get(k)!;
    totalArea += area[r]!;
  });
  let nonZero = 0;
  const data = labels.data;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) nonZero++;
  const particleVolume = nonZero * spacing[0] * spacing[1] * spacing[2];
  o.onProgress?.(1);
  return {
    labelA,
    labelB,
    area,
    totalArea,
    particleVolume,
    specificSurfaceArea: particleVolume > 0 ? totalArea / particleVolume : 0,
  };
}
