import { checkNumber, checkOneOf } from "../util/checks.js";
import type { Shape3, VoxelArray } from "../volume/types.js";
import { BOUNDARY_MODES, type BoundaryMode } from "./types.js";

/**
 * Check a boundary `mode` (one of {@link BOUNDARY_MODES}, default `"reflect"`)
 * and its fill value `cval` (a number, default 0) as given in options.
 * @returns The mode and fill value with their defaults.
 */
export function checkBoundary(
  mode: unknown = "reflect",
  cval: unknown = 0,
): { mode: BoundaryMode; cval: number } {
  return {
    mode: checkOneOf(mode, "mode", BOUNDARY_MODES),
    cval: checkNumber(cval, "cval", { finite: false }),
  };
}

/**
 * Index of the voxel that stands in for position `i` of a line of `n` voxels
 * under a boundary mode, or -1 for `"constant"` outside the line. Works for
 * any distance from the line (repeated reflections), like scipy.ndimage.
 */
export function boundaryIndex(i: number, n: number, mode: BoundaryMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case "reflect": {
      const period = 2 * n;
      const j = ((i % period) + period) % period;
      return j < n ? j : period - 1 - j;
    }
    case "mirror": {
      if (n === 1) return 0;
      const period = 2 * n - 2;
      const j = ((i % period) + period) % period;
      return j < n ? j : period - j;
    }
    case "nearest":
      return i < 0 ? 0 : n - 1;
    case "wrap":
      return ((i % n) + n) % n;
    case "constant":
      return -1;
  }
}

/**
 * Copy the box of `paddedShape` voxels starting at `start` (may be negative or
 * run past the end) out of a volume into `dest`, extending it past the
 * volume's border by `mode`. Interior row runs are copied with `set`, so the
 * copy is as fast as a memcpy (or a typed-array conversion when `dest` has
 * another type).
 * @internal
 */
export function readPadded(
  src: VoxelArray,
  shape: Shape3,
  start: Shape3,
  paddedShape: Shape3,
  mode: BoundaryMode,
  cval: number,
  dest: VoxelArray | Float64Array,
): void {
  const [nz, ny, nx] = shape;
  const [pz, py, px] = paddedShape;
  const [z0, y0, x0] = start;
  const xs = new Int32Array(px);
  for (let i = 0; i < px; i++) xs[i] = boundaryIndex(x0 + i, nx, mode);
  const xa = Math.min(px, Math.max(0, -x0)); // first padded x inside the volume
  const xb = Math.max(xa, Math.min(px, nx - x0)); // end of the inside run
  for (let zi = 0; zi < pz; zi++) {
    const sz = boundaryIndex(z0 + zi, nz, mode);
    for (let yi = 0; yi < py; yi++) {
      const sy = sz < 0 ? -1 : boundaryIndex(y0 + yi, ny, mode);
      const rowDst = (zi * py + yi) * px;
      if (sy < 0) {
        dest.fill(cval, rowDst, rowDst + px);
        continue;
      }
      const rowSrc = (sz * ny + sy) * nx;
      if (xb > xa) dest.set(src.subarray(rowSrc + x0 + xa, rowSrc + x0 + xb), rowDst + xa);
      for (let i = 0; i < xa; i++) dest[rowDst + i] = xs[i]! < 0 ? cval : src[rowSrc + xs[i]!]!;
      for (let i = xb; i < px; i++) dest[rowDst + i] = xs[i]! < 0 ? cval : src[rowSrc + xs[i]!]!;
    }
  }
}
