// Shape of one grain from its coordinate covariance: PCA eigenvalues, elongation and the
// direction of the major axis (Furat et al., Eqs. 11-14).
import { symmetricEigenvalues3x3 } from "../filters/eigen3.js";

/** Covariance eigenvalues ascending (lambda1 <= lambda2 <= lambda3) and the major axis v3. */
export interface PcaResult {
  lambda: [number, number, number];
  /** Unit eigenvector of lambda3 as [vz, vy, vx], with vz >= 0. */
  major: [number, number, number];
}

const scratch = new Float64Array(3);

/**
 * PCA of a symmetric 3x3 covariance given as its upper triangle in z, y, x order
 * (czz, czy, czx, cyy, cyx, cxx). The major axis is the eigenvector of the largest
 * eigenvalue, found as the largest cross product of two rows of `C - lambda3 I`
 * (any unit vector when lambda3 is repeated: then the axis is not defined).
 */
export function pca(
  czz: number,
  czy: number,
  czx: number,
  cyy: number,
  cyx: number,
  cxx: number,
): PcaResult {
  symmetricEigenvalues3x3(czz, czy, czx, cyy, cyx, cxx, scratch, 0);
  const l3 = scratch[0]!;
  const lambda: [number, number, number] = [
    Math.max(0, scratch[2]!),
    Math.max(0, scratch[1]!),
    Math.max(0, l3),
  ];
  const r0 = [czz - l3, czy, czx];
  const r1 = [czy, cyy - l3, cyx];
  const r2 = [czx, cyx, cxx - l3];
  let best: number[] = [1, 0, 0];
  let bestNorm = 0;
  for (const [a, b] of [
    [r0, r1],
    [r0, r2],
    [r1, r2],
  ] as const) {
    const c = [
      a[1]! * b[2]! - a[2]! * b[1]!,
      a[2]! * b[0]! - a[0]! * b[2]!,
      a[0]! * b[1]! - a[1]! * b[0]!,
    ];
    const norm = Math.hypot(c[0]!, c[1]!, c[2]!);
    if (norm > bestNorm) [best, bestNorm] = [c, norm];
  }
  const s = bestNorm > 0 ? (best[0]! < 0 ? -1 : 1) / bestNorm : 1;
  return { lambda, major: [best[0]! * s, best[1]! * s, best[2]! * s] };
}

/**
 * Azimuth and polar angle of a unit axis [vz, vy, vx] with vz >= 0 (Eq. 14): z is the
 * milling direction, phi = atan2(vy, vx) in [-pi, pi) measured from x towards y in the
 * xy plane, theta = acos(vz) in [0, pi/2] from the z axis.
 */
export function axisAngles(v: readonly [number, number, number]): { phi: number; theta: number } {
  let phi = Math.atan2(v[1], v[2]);
  if (phi >= Math.PI) phi -= 2 * Math.PI;
  return { phi, theta: Math.acos(Math.min(1, Math.max(0, v[0]))) };
}
