/**
 * Training crops for the U-Net: reflect-indexed crops of a volume, the crop sampler that
 * always hits a labelled voxel, and the isometric augmentations (axis permutations and
 * flips, the symmetries of the cube / square) applied identically to image and labels.
 *
 * Arrays here are flat, x fastest, in a 3D shape [nz, ny, nx]; a 2D image has nz = 1.
 */
import type { Rng } from "../stats/random.js";
import { expectedError } from "../util/checks.js";

/** A shape or position [z, y, x]. */
export type Triple = [number, number, number];

/**
 * An isometry of the voxel grid: output axis `k` (0 z, 1 y, 2 x) runs along input axis
 * `perm[k]`, reversed when `flip[k]`. With `out` the output shape (`out[k] = in[perm[k]]`),
 * output voxel `a` reads input voxel `i` with `i[perm[k]] = flip[k] ? out[k] - 1 - a[k] : a[k]`.
 */
export interface Symmetry {
  perm: Triple;
  flip: [boolean, boolean, boolean];
}

/** The identity symmetry. */
export const IDENTITY_SYMMETRY: Readonly<Symmetry> = Object.freeze({
  perm: [0, 1, 2] as Triple,
  flip: [false, false, false] as [boolean, boolean, boolean],
});

const PERMS: Triple[] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/**
 * The isometric augmentations allowed for crops of `shape` with voxel size `spacing`:
 * every flip (8 in 3D, 4 in 2D: flips never change the physical geometry) combined with
 * every permutation of axes that have the same voxel size (relative difference < 1e-6)
 * and the same crop length. So an isotropic cube gives the 48 symmetries of the cube
 * (8 of the square in 2D, `dims = 2`: z is never touched); anisotropic spacing, e.g.
 * [dz, dy, dx] = [100, 50, 50], keeps z in place (16 symmetries: the 2 orders of y and x
 * times 8 flips), because swapping z with y would distort the imaged shapes; a crop
 * shorter along one axis is not rotated into another (the crop shape must not change).
 * @param dims - 2 (the xy plane only) or 3.
 * @param shape - The crop shape [cz, cy, cx] (cz = 1 in 2D).
 * @param spacing - Voxel size [dz, dy, dx].
 */
export function allowedSymmetries(
  dims: 2 | 3,
  shape: readonly number[],
  spacing: readonly number[],
): Symmetry[] {
  const same = (a: number, b: number) =>
    shape[a] === shape[b] &&
    Math.abs(spacing[a]! - spacing[b]!) <=
      1e-6 * Math.max(Math.abs(spacing[a]!), Math.abs(spacing[b]!));
  const out: Symmetry[] = [];
  for (const perm of PERMS) {
    if (dims === 2 && perm[0] !== 0) continue;
    if (!perm.every((p, k) => p === k || same(p, k))) continue;
    for (let bits = 0; bits < 8; bits++) {
      if (dims === 2 && bits & 1) continue;
      out.push({ perm: [...perm], flip: [(bits & 1) !== 0, (bits & 2) !== 0, (bits & 4) !== 0] });
    }
  }
  return out;
}

/** The symmetry undoing `s`: `applySymmetry(applySymmetry(a, shape, s), s-shape, invertSymmetry(s))` is `a`. */
export function invertSymmetry(s: Symmetry): Symmetry {
  const perm: Triple = [0, 0, 0];
  const flip: [boolean, boolean, boolean] = [false, false, false];
  for (let k = 0; k < 3; k++) {
    perm[s.perm[k]!] = k;
    flip[s.perm[k]!] = s.flip[k]!;
  }
  return { perm, flip };
}

/** The shape of `applySymmetry(data, shape, s)`. */
export function symmetryShape(shape: readonly number[], s: Symmetry): Triple {
  return [shape[s.perm[0]]!, shape[s.perm[1]]!, shape[s.perm[2]]!];
}

/**
 * Applies the isometry `s` to a flat array of shape [nz, ny, nx] (any element type).
 * @returns a new array of the same type, shape {@link symmetryShape}.
 */
export function applySymmetry<T extends Float32Array | Int32Array | Uint8Array>(
  data: T,
  shape: readonly number[],
  s: Symmetry,
): T {
  const size = shape[0]! * shape[1]! * shape[2]!;
  if (data.length !== size)
    throw expectedError("data", `of length ${size} (shape [${shape.join(", ")}])`, data);
  const out = new (data.constructor as new (n: number) => T)(size);
  const o = symmetryShape(shape, s);
  const inStride = [shape[1]! * shape[2]!, shape[2]!, 1];
  // Input index = base + sum_k a_k * step_k, with step_k = +-stride of input axis perm[k].
  const step = [0, 0, 0];
  let base = 0;
  for (let k = 0; k < 3; k++) {
    const st = inStride[s.perm[k]!]!;
    if (s.flip[k]) {
      base += (o[k] - 1) * st;
      step[k] = -st;
    } else step[k] = st;
  }
  let j = 0;
  for (let a0 = 0; a0 < o[0]; a0++)
    for (let a1 = 0; a1 < o[1]; a1++) {
      let i = base + a0 * step[0]! + a1 * step[1]!;
      for (let a2 = 0; a2 < o[2]; a2++, i += step[2]!) out[j++] = data[i]!;
    }
  return out;
}

/**
 * Index `i` reflected into [0, n) without repeating the edge voxel (numpy's "reflect":
 * -1 -> 1, n -> n - 2), periodic for indices far outside; 0 when n = 1.
 */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const r = (((i % period) + period) % period) | 0; // | 0: no -0
  return r < n ? r : period - r;
}

/**
 * Copies the box at `origin` (may lie partly outside) of size `size` from a flat
 * [nz, ny, nx] array, reflect-indexed at the borders ({@link reflectIndex}), into `out`
 * (length size[0] * size[1] * size[2]), applying `map` to each value.
 * @returns `out`.
 */
export function extractBox<T extends Float32Array | Int32Array>(
  data: ArrayLike<number>,
  shape: readonly number[],
  origin: readonly number[],
  size: readonly number[],
  out: T,
  map: (v: number) => number = (v) => v,
): T {
  const [nz, ny, nx] = shape as Triple;
  const xs = new Int32Array(size[2]!);
  for (let x = 0; x < size[2]!; x++) xs[x] = reflectIndex(origin[2]! + x, nx);
  let j = 0;
  for (let z = 0; z < size[0]!; z++) {
    const zz = reflectIndex(origin[0]! + z, nz);
    for (let y = 0; y < size[1]!; y++) {
      const row = (zz * ny + reflectIndex(origin[1]! + y, ny)) * nx;
      for (let x = 0; x < size[2]!; x++) out[j++] = map(data[row + xs[x]!]!);
    }
  }
  return out;
}

/**
 * Crop origin for a training crop that contains a labelled voxel: one labelled voxel is
 * drawn uniformly from `labelled` (flat indices), then the origin uniformly among those
 * whose crop holds it and stays inside the volume along every axis where the volume is at
 * least as long as the crop (origin 0 along the others; the crop then runs past the end and
 * is reflect-padded).
 * @param labelled - Flat indices of the labelled voxels (non-empty).
 * @param shape - Volume shape [nz, ny, nx].
 * @param crop - Crop shape [cz, cy, cx].
 */
export function sampleCropOrigin(
  rng: Rng,
  labelled: ArrayLike<number>,
  shape: readonly number[],
  crop: readonly number[],
): Triple {
  if (labelled.length === 0) throw new RangeError("no labelled voxels to draw a crop around");
  const index = labelled[rng.int(labelled.length)]!;
  const p = [
    Math.floor(index / (shape[1]! * shape[2]!)),
    Math.floor(index / shape[2]!) % shape[1]!,
    index % shape[2]!,
  ];
  const origin: Triple = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const n = shape[a]!;
    const c = crop[a]!;
    if (n <= c) continue;
    const lo = Math.max(0, p[a]! - c + 1);
    const hi = Math.min(p[a]!, n - c);
    origin[a] = lo + rng.int(hi - lo + 1);
  }
  return origin;
}
