import type { Shape3 } from "../volume/types.js";
import type { Connectivity } from "./labelComponents.js";

/** All neighbours `[dz, dy, dx]` of a voxel for a connectivity (both directions). */
export function allNeighbours(connectivity: Connectivity): [number, number, number][] {
  const list: [number, number, number][] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const order = Math.abs(dz) + Math.abs(dy) + Math.abs(dx);
        if (order === 0) continue;
        if (order === 1 || (order === 2 && connectivity >= 18) || connectivity === 26)
          list.push([dz, dy, dx]);
      }
  return list;
}

/**
 * Neighbour offsets with bounds: `offsets[k]` is the index step of neighbour
 * `k`, and `inside(i, k)` tells whether it lies in the volume for voxel `i`.
 * @internal
 */
export function neighbourTable(shape: Shape3, connectivity: Connectivity) {
  const [, ny, nx] = shape;
  const nbrs = allNeighbours(connectivity);
  const offsets = Int32Array.from(nbrs, ([dz, dy, dx]) => (dz * ny + dy) * nx + dx);
  const d = nbrs;
  const [nz] = shape;
  const inside = (z: number, y: number, x: number, k: number): boolean => {
    const [dz, dy, dx] = d[k]!;
    const zz = z + dz;
    const yy = y + dy;
    const xx = x + dx;
    return zz >= 0 && zz < nz && yy >= 0 && yy < ny && xx >= 0 && xx < nx;
  };
  return { nbrs, offsets, inside };
}

/**
 * Call `visit(i)` for each voxel on a face of the volume (z faces only when the volume has
 * more than one slice, so a 2D image's own plane is not a face), in raster order.
 * @internal
 */
export function forEachFaceVoxel(shape: Shape3, visit: (i: number) => void): void {
  const [nz, ny, nx] = shape;
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++, i += nx) {
      if ((nz > 1 && (z === 0 || z === nz - 1)) || y === 0 || y === ny - 1) {
        for (let x = 0; x < nx; x++) visit(i + x);
      } else {
        visit(i);
        if (nx > 1) visit(i + nx - 1);
      }
    }
}

/**
 * Call `visit(i)` for each non-zero voxel of `mask` with a 6-neighbour inside the grid for
 * which `other(j)` holds (e.g. `mask[j] === 0`: the mask's boundary layer), in raster order.
 * @internal
 */
export function forEachTouching(
  mask: ArrayLike<number>,
  other: (j: number) => boolean,
  shape: Shape3,
  visit: (i: number) => void,
): void {
  const [nz, ny, nx] = shape;
  const plane = ny * nx;
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        if (mask[i] === 0) continue;
        if (
          (x > 0 && other(i - 1)) ||
          (x < nx - 1 && other(i + 1)) ||
          (y > 0 && other(i - nx)) ||
          (y < ny - 1 && other(i + nx)) ||
          (z > 0 && other(i - plane)) ||
          (z < nz - 1 && other(i + plane))
        )
          visit(i);
      }
}
