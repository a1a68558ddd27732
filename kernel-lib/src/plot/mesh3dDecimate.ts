// Mesh decimation by vertex clustering (Rossignac and Borrel, 1993): vertices in one cell of
// a regular grid merge into their mean; triangles that lose a corner vanish.
import { checkNumber } from "../util/checks.js";
import type { TriangleMesh } from "./mesh3dMarch.js";

/**
 * Decimate a triangle mesh by vertex clustering: space is cut into cubes of side `cell`
 * (the mesh's units); all vertices in one cube become one vertex at their mean; triangles
 * with two corners in the same cube are dropped, and repeated triangles (the same three
 * clusters in the same orientation) are kept once. The surface keeps its shape to about
 * one cell (unlike coarsening the voxels, which removes features thinner than a block),
 * and the triangle count falls by about `(cell / edge length)^2`. Orientation is kept.
 * @param mesh - Positions `[x, y, z, ...]` and triangles.
 * @param cell - Side of the clustering cubes, > 0.
 * @see J. Rossignac, P. Borrel, "Multi-resolution 3D approximations for rendering complex scenes", 1993.
 */
export function decimateMesh(mesh: TriangleMesh, cell: number): TriangleMesh {
  checkNumber(cell, "cell", { min: 0, minOpen: true });
  const { positions, triangles } = mesh;
  const nv = positions.length / 3;
  if (nv === 0) return { positions: new Float32Array(0), triangles: new Uint32Array(0) };
  let x0 = Infinity;
  let y0 = Infinity;
  let z0 = Infinity;
  for (let v = 0; v < nv; v++) {
    x0 = Math.min(x0, positions[3 * v]!);
    y0 = Math.min(y0, positions[3 * v + 1]!);
    z0 = Math.min(z0, positions[3 * v + 2]!);
  }
  const clusterOf = new Uint32Array(nv);
  const ids = new Map<number, number>();
  const sums: number[] = [];
  // cell coordinates packed into one double (exact up to 2^17 cells per axis)
  const B = 131072;
  for (let v = 0; v < nv; v++) {
    const px = positions[3 * v]!;
    const py = positions[3 * v + 1]!;
    const pz = positions[3 * v + 2]!;
    const key =
      (Math.floor((pz - z0) / cell) * B + Math.floor((py - y0) / cell)) * B +
      Math.floor((px - x0) / cell);
    let c = ids.get(key);
    if (c === undefined) {
      c = ids.size;
      ids.set(key, c);
      sums.push(0, 0, 0, 0);
    }
    clusterOf[v] = c;
    sums[4 * c] += px;
    sums[4 * c + 1] += py;
    sums[4 * c + 2] += pz;
    sums[4 * c + 3]++;
  }
  const nc = ids.size;
  const out = new Float32Array(3 * nc);
  for (let c = 0; c < nc; c++) {
    const n = sums[4 * c + 3]!;
    out[3 * c] = sums[4 * c]! / n;
    out[3 * c + 1] = sums[4 * c + 1]! / n;
    out[3 * c + 2] = sums[4 * c + 2]! / n;
  }
  const kept: number[] = [];
  const seen = new Set<string>();
  for (let t = 0; t < triangles.length; t += 3) {
    const a = clusterOf[triangles[t]!]!;
    const b = clusterOf[triangles[t + 1]!]!;
    const c = clusterOf[triangles[t + 2]!]!;
    if (a === b || b === c || a === c) continue;
    // the same triangle in the same orientation, whichever corner comes first
    const key =
      a < b && a < c ? `${a},${b},${c}` : b < a && b < c ? `${b},${c},${a}` : `${c},${a},${b}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(a, b, c);
  }
  // drop clusters no triangle uses
  const used = new Int32Array(nc).fill(-1);
  let m = 0;
  for (const v of kept) if (used[v] === -1) used[v] = m++;
  const pos = new Float32Array(3 * m);
  for (let c = 0; c < nc; c++)
    if (used[c]! >= 0) pos.set(out.subarray(3 * c, 3 * c + 3), 3 * used[c]!);
  return { positions: pos, triangles: Uint32Array.from(kept, (v) => used[v]!) };
}
