import { checkNumberArray, checkOptions, checkPositiveInt } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { ParallelOptions } from "../parallel/types.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { distanceTransform } from "./distanceTransform.js";

/** Options of {@link localThickness}. */
export interface LocalThicknessOptions extends ParallelOptions {
  /**
   * Ball radii tried (physical units), or how many, log-spaced from the
   * largest distance-transform value down to the smallest voxel side
   * (PoreSpy's `sizes`, whose integer default is 25 from `dt.max()` to 1 voxel).
   * @default 25
   */
  sizes?: number | number[];
}

/** Paint balls directly when that touches fewer than this many voxels per voxel of the volume (else one EDT). */
const PAINT_FACTOR = 8;

/** Offsets [dz, dy, dx] strictly within physical distance `r` of the centre. */
function ballOffsets(r: number, spacing: Spacing3): [number, number, number][] {
  const n = spacing.map((d) => Math.ceil(r / d));
  const list: [number, number, number][] = [];
  for (let dz = -n[0]!; dz <= n[0]!; dz++)
    for (let dy = -n[1]!; dy <= n[1]!; dy++)
      for (let dx = -n[2]!; dx <= n[2]!; dx++) {
        const d2 = (dz * spacing[0]) ** 2 + (dy * spacing[1]) ** 2 + (dx * spacing[2]) ** 2;
        if (d2 < r * r) list.push([dz, dy, dx]);
      }
  return list;
}

/** Set `r` on the unset voxels of the balls around `centres`. */
function paint(
  out: Float32Array,
  centres: number[],
  ball: [number, number, number][],
  r: number,
  shape: Shape3,
): void {
  const [nz, ny, nx] = shape;
  const plane = ny * nx;
  const flat = Int32Array.from(ball, ([dz, dy, dx]) => (dz * ny + dy) * nx + dx);
  const ext = [0, 0, 0];
  for (const o of ball) for (let a = 0; a < 3; a++) ext[a] = Math.max(ext[a]!, Math.abs(o[a]!));
  for (const c of centres) {
    const z = Math.floor(c / plane);
    const y = Math.floor((c - z * plane) / nx);
    const x = c - z * plane - y * nx;
    if (
      z >= ext[0]! &&
      z < nz - ext[0]! &&
      y >= ext[1]! &&
      y < ny - ext[1]! &&
      x >= ext[2]! &&
      x < nx - ext[2]!
    ) {
      // Interior: the whole ball is inside the volume.
      for (let k = 0; k < flat.length; k++) {
        const i = c + flat[k]!;
        if (out[i] === 0) out[i] = r;
      }
      continue;
    }
    for (const [dz, dy, dx] of ball) {
      const zz = z + dz;
      const yy = y + dy;
      const xx = x + dx;
      if (zz < 0 || zz >= nz || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
      const i = (zz * ny + yy) * nx + xx;
      if (out[i] === 0) out[i] = r;
    }
  }
}

const KEYS = ["sizes", "threads", "inline", "blockShape", "signal", "onProgress"];

/**
 * Local thickness: for each foreground voxel, the radius of the largest ball
 * (among `sizes`) that fits in the foreground and covers the voxel, as
 * PoreSpy's `local_thickness` (its `porosimetry` without access limitation):
 * for each radius `r`, largest first, the voxels within distance `< r` of a
 * centre whose distance transform is `>= r` get `r` unless already set.
 * Radii are in the units of the spacing (PoreSpy: voxels); 0 outside.
 * One deliberate difference: PoreSpy's largest default size `10**log10(dt.max())`
 * can round above `dt.max()`, which makes it skip that size; here it is kept.
 * @param mask - Non-zero = foreground (e.g. the pore phase).
 * @returns Float32 radii.
 * @see PoreSpy `filters.local_thickness` / `porosimetry(mode="dt", access_limited=False)`.
 */
export async function localThickness(
  mask: Volume,
  options: LocalThicknessOptions = {},
): Promise<Volume<Float32Array>> {
  checkVolume(mask, "mask");
  checkOptions(options, "options", KEYS);
  const { sizes: sizesOption, ...par } = options;
  const dt = await distanceTransform(mask, par);
  const n = dt.data.length;
  let dtMax = 0;
  for (let i = 0; i < n; i++)
    if (dt.data[i]! > dtMax && dt.data[i]! < Infinity) dtMax = dt.data[i]!;
  let sizes: number[];
  if (Array.isArray(sizesOption)) {
    checkNumberArray(sizesOption, "sizes", { min: 0, minOpen: true, minLength: 1 });
    sizes = [...new Set(sizesOption)].sort((a, b) => b - a);
  } else {
    const count = checkPositiveInt(sizesOption ?? 25, "sizes");
    const lo = Math.log10(Math.min(...mask.spacing));
    const hi = Math.log10(Math.max(dtMax, 10 ** lo));
    sizes = Array.from(
      { length: count },
      (_, k) => 10 ** (count === 1 ? hi : hi + ((lo - hi) * k) / (count - 1)),
    );
  }
  const out = new Float32Array(n);
  const centresOut = new Uint8Array(n);
  const [nz, ny, nx] = mask.shape;
  let previous = Infinity;
  for (const r of sizes) {
    // Only the new centres {r <= dt < previous size} can cover voxels not yet set: balls of
    // older centres at this smaller radius lie inside their own larger balls. (dt is float32:
    // the relative slack keeps a centre whose distance equals r up to rounding.)
    const rMin = r * (1 - 1e-6);
    const pMin = previous * (1 - 1e-6);
    previous = r;
    const centres: number[] = [];
    for (let i = 0; i < n; i++) {
      const d = dt.data[i]!;
      if (d >= rMin && d < pMin) centres.push(i);
    }
    if (centres.length === 0) continue;
    const ball = ballOffsets(r, mask.spacing);
    if (centres.length * ball.length < PAINT_FACTOR * n) {
      paint(out, centres, ball, r, [nz, ny, nx]);
      continue;
    }
    centresOut.fill(1);
    for (const i of centres) centresOut[i] = 0;
    const d2 = await distanceTransform(
      { data: centresOut, shape: mask.shape, spacing: mask.spacing },
      { ...par, squared: true },
    );
    const r2 = r * r;
    for (let i = 0; i < n; i++) if (out[i] === 0 && d2.data[i]! < r2) out[i] = r;
  }
  return { data: out, shape: [...mask.shape] as Shape3, spacing: [...mask.spacing] as Spacing3 };
}
