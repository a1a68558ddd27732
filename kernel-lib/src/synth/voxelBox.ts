// One loop over a box of voxels with each centre's offset from a point, for the generators that
// splat balls and ellipsoids into a volume (laguerreParticle, nmcPhantom).
import type { Shape3, Spacing3 } from "../volume/types.js";

/** Inclusive voxel index ranges `[z0, z1, y0, y1, x0, x1]`. */
export type VoxelBox = readonly [number, number, number, number, number, number];

/**
 * Calls `visit(i, dz, dy, dx)` for every voxel of `box` in scan order (x fastest): `i` is its
 * flat index in a volume of `shape`, `dz, dy, dx` the offset of its centre `(k + 0.5) * spacing`
 * from `c` (nm).
 */
export function forEachVoxelInBox(
  box: VoxelBox,
  c: readonly number[],
  shape: Shape3,
  spacing: Spacing3,
  visit: (i: number, dz: number, dy: number, dx: number) => void,
): void {
  const [z0, z1, y0, y1, x0, x1] = box;
  const [, ny, nx] = shape;
  const [sz, sy, sx] = spacing;
  for (let z = z0; z <= z1; z++) {
    const dz = (z + 0.5) * sz - c[0];
    for (let y = y0; y <= y1; y++) {
      const dy = (y + 0.5) * sy - c[1];
      const row = (z * ny + y) * nx;
      for (let x = x0; x <= x1; x++) visit(row + x, dz, dy, (x + 0.5) * sx - c[2]);
    }
  }
}
