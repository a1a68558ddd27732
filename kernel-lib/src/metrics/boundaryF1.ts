/** Boundary precision / recall / F1 with a distance tolerance, and the boundary mask of a label volume. */
import { distanceTransform } from "../morphology/distanceTransform.js";
import { checkNonNegative, checkOneOf, checkOptions } from "../util/checks.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";

/** Options of {@link boundaryF1}. */
export interface BoundaryF1Options {
  /** Largest distance at which a boundary voxel still counts as found. @default 2 */
  tolerance?: number;
  /** Unit of `tolerance`: `"voxels"` (unit spacing) or `"spacing"` (the volumes' spacing, e.g. nm). @default "voxels" */
  units?: "voxels" | "spacing";
  /** Worker threads for the distance transforms. @default the pool size */
  threads?: number;
}

/** Result of {@link boundaryF1}. */
export interface BoundaryF1 {
  /** Fraction of predicted boundary voxels within `tolerance` of a true boundary voxel. */
  precision: number;
  /** Fraction of true boundary voxels within `tolerance` of a predicted boundary voxel. */
  recall: number;
  /** 2 P R / (P + R) (0 when both are 0). */
  f1: number;
  /** Predicted boundary voxels, and how many of them are matched. */
  predicted: number;
  predictedMatched: number;
  /** True boundary voxels, and how many of them are matched. */
  truth: number;
  truthMatched: number;
}

/**
 * Boundary precision and recall with a distance tolerance, the relaxed
 * boundary benchmark of BSDS (Martin et al. 2004) in 3D: the exact Euclidean
 * distance transform of each mask's complement gives, at every voxel, the
 * distance to the nearest boundary voxel of that mask; a predicted boundary
 * voxel is a hit when the true mask has a boundary voxel within `tolerance`
 * (distance <= tolerance), and a true one is recalled when the prediction
 * has one within `tolerance`. Unlike the BSDS code, matching is not
 * one-to-one (no bipartite assignment), so a thick predicted boundary is not
 * penalised for voxels that lie within the tolerance: this is the
 * thresholded-distance form, an upper bound of the one-to-one scores.
 * @param predicted - Predicted boundary mask (non-zero = boundary).
 * @param truth - True boundary mask, same shape.
 * @example
 * const s = await boundaryF1(predictedBoundary, labelBoundaries(sample.grains), { tolerance: 1 });
 */
export async function boundaryF1(
  predicted: Volume,
  truth: Volume,
  options: BoundaryF1Options = {},
): Promise<BoundaryF1> {
  checkVolume(predicted, "predicted");
  checkVolume(truth, "truth");
  checkSameShape(predicted, "predicted", truth, "truth");
  checkOptions(options, "options", ["tolerance", "units", "threads"]);
  const tol = checkNonNegative(options.tolerance ?? 2, "tolerance");
  const units = checkOneOf(options.units ?? "voxels", "units", ["voxels", "spacing"] as const);
  const spacing: Spacing3 = units === "voxels" ? [1, 1, 1] : [...truth.spacing];
  const complement = (v: Volume): Volume<Uint8Array> => {
    const d = new Uint8Array(v.data.length);
    for (let i = 0; i < d.length; i++) d[i] = v.data[i] === 0 ? 1 : 0;
    return { data: d, shape: [...v.shape] as Shape3, spacing: [...v.spacing] as Spacing3 };
  };
  const edt = { squared: true, spacing, ...(options.threads ? { threads: options.threads } : {}) };
  const toTruth = await distanceTransform(complement(truth), edt);
  const toPred = await distanceTransform(complement(predicted), edt);
  // Squared distances in float32: compare with a small relative margin so that
  // an exact distance equal to the tolerance is always a hit.
  const tol2 = tol * tol * (1 + 1e-6);
  let np = 0;
  let pm = 0;
  let nt = 0;
  let tm = 0;
  const p = predicted.data;
  const t = truth.data;
  for (let i = 0; i < p.length; i++) {
    if (p[i] !== 0) {
      np++;
      if (toTruth.data[i]! <= tol2) pm++;
    }
    if (t[i] !== 0) {
      nt++;
      if (toPred.data[i]! <= tol2) tm++;
    }
  }
  const precision = np > 0 ? pm / np : nt === 0 ? 1 : 0;
  const recall = nt > 0 ? tm / nt : np === 0 ? 1 : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    precision,
    recall,
    f1,
    predicted: np,
    predictedMatched: pm,
    truth: nt,
    truthMatched: tm,
  };
}

/**
 * The grain-boundary voxels of a label volume: a labelled voxel with a face
 * neighbour (6-neighbourhood, or the 4 in-slice ones with `"2d"`) holding
 * another non-zero label; contact with label 0 (background) is not a grain
 * boundary. Boundaries are two voxels wide, one on each side (the rule of the
 * synthetic samples' boundary targets).
 * @param labels - Instance labels, 0 = background.
 * @returns A 0/1 uint8 mask.
 */
export function labelBoundaries(
  labels: Volume,
  options: { connectivity?: "3d" | "2d" } = {},
): Volume<Uint8Array> {
  checkVolume(labels, "labels");
  checkOptions(options, "options", ["connectivity"]);
  const conn = checkOneOf(options.connectivity ?? "3d", "connectivity", ["3d", "2d"] as const);
  const [nz, ny, nx] = labels.shape;
  const g = labels.data;
  const out = new Uint8Array(g.length);
  const plane = ny * nx;
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        const v = g[i]!;
        if (v === 0) continue;
        const differs = (j: number) => g[j] !== 0 && g[j] !== v;
        if (
          (x > 0 && differs(i - 1)) ||
          (x + 1 < nx && differs(i + 1)) ||
          (y > 0 && differs(i - nx)) ||
          (y + 1 < ny && differs(i + nx)) ||
          (conn === "3d" && z > 0 && differs(i - plane)) ||
          (conn === "3d" && z + 1 < nz && differs(i + plane))
        )
          out[i] = 1;
      }
  return { data: out, shape: [nz, ny, nx], spacing: [...labels.spacing] as Spacing3 };
}
