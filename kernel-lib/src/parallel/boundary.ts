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
 * another type). With `box`, `src` holds only that box of the volume
 * (first voxel `box.start`, shape `box.shape`, x fastest), which must contain
 * every voxel the padded block maps to (see {@link paddedSourceBox}).
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
  box?: { start: Shape3; shape: Shape3 },
): void {
  const [nz, ny, nx] = shape;
  const [bz0, by0, bx0] = box?.start ?? [0, 0, 0];
  const [, bny, bnx] = box?.shape ?? shape;
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
      const rowSrc = ((sz - bz0) * bny + (sy - by0)) * bnx - bx0;
      if (xb > xa) dest.set(src.subarray(rowSrc + x0 + xa, rowSrc + x0 + xb), rowDst + xa);
      for (let i = 0; i < xa; i++) dest[rowDst + i] = xs[i]! < 0 ? cval : src[rowSrc + xs[i]!]!;
      for (let i = xb; i < px; i++) dest[rowDst + i] = xs[i]! < 0 ? cval : src[rowSrc + xs[i]!]!;
    }
  }
}

/**
 * The smallest box of a volume of `shape` that holds every voxel the padded
 * block `start`/`paddedShape` reads under `mode` (border extension
 * included), or null when it reads none (all `"constant"` fill): what a
 * worker without the whole volume must fetch to pad a block exactly as
 * {@link readPadded} does from the whole volume.
 * @internal
 */
export function paddedSourceBox(
  shape: Shape3,
  start: Shape3,
  paddedShape: Shape3,
  mode: BoundaryMode,
): { start: Shape3; shape: Shape3 } | null {
  const lo: number[] = [];
  const hi: number[] = [];
  for (let a = 0; a < 3; a++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < paddedShape[a]!; i++) {
      const j = boundaryIndex(start[a]! + i, shape[a]!, mode);
      if (j < 0) continue;
      if (j < min) min = j;
      if (j > max) max = j;
    }
    if (max < min) return null;
    lo.push(min);
    hi.push(max + 1);
  }
  return {
    start: lo as unknown as Shape3,
    shape: [hi[0]! - lo[0]!, hi[1]! - lo[1]!, hi[2]! - lo[2]!] as Shape3,
  };
}
