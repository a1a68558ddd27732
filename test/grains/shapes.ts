// Digitised test shapes for the grain descriptors: voxels whose centres fall inside a body.
import type { Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";

/** Rotation matrix (rows) about z by alpha, then about y by beta: body axes -> volume axes. */
export function rotation(alpha: number, beta: number): number[][] {
  const ca = Math.cos(alpha),
    sa = Math.sin(alpha),
    cb = Math.cos(beta),
    sb = Math.sin(beta);
  // In (x, y, z) coordinates: Rz(alpha) * Ry(beta).
  const rz = [
    [ca, -sa, 0],
    [sa, ca, 0],
    [0, 0, 1],
  ];
  const ry = [
    [cb, 0, sb],
    [0, 1, 0],
    [-sb, 0, cb],
  ];
  return rz.map((row) => [0, 1, 2].map((j) => row.reduce((s, v, k) => s + v * ry[k]![j]!, 0)));
}

/**
 * An ellipsoid with semi-axes (ax, ay, az) in nm along the body axes, rotated by `rot`
 * (volume xyz = rot * body xyz), centred at `centre` (nm, [z, y, x]), label 1 in a volume
 * of `shape` with `spacing`.
 */
export function ellipsoid(
  shape: [number, number, number],
  spacing: Spacing3,
  semi: [number, number, number],
  centre: [number, number, number],
  rot: number[][] = rotation(0, 0),
  label = 1,
  into?: Int32Array,
): Volume<Int32Array> {
  const [nz, ny, nx] = shape;
  const data = into ?? new Int32Array(nz * ny * nx);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const p = [
          x * spacing[2] - centre[2],
          y * spacing[1] - centre[1],
          z * spacing[0] - centre[0],
        ];
        // body = rot^T p
        let s = 0;
        for (let j = 0; j < 3; j++) {
          const b = rot[0]![j]! * p[0]! + rot[1]![j]! * p[1]! + rot[2]![j]! * p[2]!;
          s += (b / semi[j]!) ** 2;
        }
        if (s <= 1) data[(z * ny + y) * nx + x] = label;
      }
  return { data, shape, spacing };
}

/** Surface area of an ellipsoid (Legendre's elliptic-integral form, by numeric quadrature). */
export function ellipsoidArea(a: number, b: number, c: number): number {
  // Integrate the area element over the parametrisation; Gauss-Legendre in theta, midpoint in phi.
  const nt = 400,
    np = 800;
  let s = 0;
  for (let i = 0; i < nt; i++) {
    const t = ((i + 0.5) / nt) * Math.PI;
    const st = Math.sin(t),
      ct = Math.cos(t);
    for (let j = 0; j < np; j++) {
      const p = ((j + 0.5) / np) * 2 * Math.PI;
      const sp = Math.sin(p),
        cp = Math.cos(p);
      // |r_t x r_p| for r = (a st cp, b st sp, c ct)
      const nx = b * c * st * st * cp;
      const ny = a * c * st * st * sp;
      const nz = a * b * st * ct;
      s += Math.hypot(nx, ny, nz);
    }
  }
  return s * (Math.PI / nt) * ((2 * Math.PI) / np);
}
