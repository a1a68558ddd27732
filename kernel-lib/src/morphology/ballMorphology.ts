import { checkOptions, checkPositive } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import type { ParallelOptions } from "../parallel/types.js";
import { distanceTransform } from "./distanceTransform.js";

/** Options of the ball operations ({@link dilateBall} and the others). */
export type BallOptions = ParallelOptions;

const KEYS = ["threads", "inline", "blockShape", "signal", "onProgress"];
/** Relative slack on `d^2 <= r^2`, so that voxels exactly at distance r count as inside despite float32 rounding. */
const SLACK = 1 + 1e-6;

function prepare(mask: Volume, radius: number, options: BallOptions, name: string): void {
  checkVolume(mask, name);
  checkPositive(radius, "radius");
  checkOptions(options, "options", KEYS);
}

function binary(mask: Volume, invert: boolean): Volume<Uint8Array> {
  const src = mask.data;
  const data = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = (src[i] !== 0) !== invert ? 1 : 0;
  return { data, shape: [...mask.shape] as Shape3, spacing: [...mask.spacing] as Spacing3 };
}

/**
 * Binary dilation by a ball of physical radius `radius` (in the units of the
 * spacing): a voxel is set when some foreground voxel lies within `radius` of
 * it (distance between voxel centres, `<=`). Computed from the distance
 * transform of the background, so every radius costs the same. Outside the
 * volume counts as background (scipy's `binary_dilation` with a ball
 * structuring element and `border_value=0`).
 * @param mask - Non-zero = foreground.
 * @returns A 0/1 uint8 volume.
 */
export async function dilateBall(
  mask: Volume,
  radius: number,
  options: BallOptions = {},
): Promise<Volume<Uint8Array>> {
  prepare(mask, radius, options, "mask");
  const d2 = await distanceTransform(binary(mask, true), { ...options, squared: true });
  const out = binary(mask, false);
  const r2 = radius * radius * SLACK;
  for (let i = 0; i < out.data.length; i++) out.data[i] = d2.data[i]! <= r2 ? 1 : 0;
  return out;
}

/**
 * Binary erosion by a ball of physical radius `radius`: a foreground voxel
 * stays when every voxel within `radius` of it is foreground, i.e. its
 * distance to the background exceeds `radius`. Outside the volume counts as
 * foreground (scipy's `binary_erosion` with `border_value=1`), so the border
 * itself erodes nothing.
 * @param mask - Non-zero = foreground.
 * @returns A 0/1 uint8 volume.
 */
export async function erodeBall(
  mask: Volume,
  radius: number,
  options: BallOptions = {},
): Promise<Volume<Uint8Array>> {
  prepare(mask, radius, options, "mask");
  const m = binary(mask, false);
  const d2 = await distanceTransform(m, { ...options, squared: true });
  const r2 = radius * radius * SLACK;
  for (let i = 0; i < m.data.length; i++) m.data[i] = m.data[i] !== 0 && d2.data[i]! > r2 ? 1 : 0;
  return m;
}

/**
 * Opening by a ball: {@link erodeBall} then {@link dilateBall} with the same
 * radius; keeps the union of all balls of that radius that fit in the mask.
 * @returns A 0/1 uint8 volume.
 */
export async function openBall(
  mask: Volume,
  radius: number,
  options: BallOptions = {},
): Promise<Volume<Uint8Array>> {
  return dilateBall(await erodeBall(mask, radius, options), radius, options);
}

/**
 * Closing by a ball: {@link dilateBall} then {@link erodeBall} with the same
 * radius; fills gaps that a ball of that radius cannot enter. Outside the
 * volume is background for the dilation and foreground for the erosion.
 * @returns A 0/1 uint8 volume.
 */
export async function closeBall(
  mask: Volume,
  radius: number,
  options: BallOptions = {},
): Promise<Volume<Uint8Array>> {
  return erodeBall(await dilateBall(mask, radius, options), radius, options);
}
