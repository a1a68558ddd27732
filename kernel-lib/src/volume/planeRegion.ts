import { checkOneOf, expectedError } from "../util/checks.js";
import type { Plane, Shape3, Spacing3 } from "./types.js";

/** The three axis-aligned planes. */
export const PLANES: readonly Plane[] = ["xy", "xz", "yz"];

/** `plane` when it is "xy", "xz" or "yz"; otherwise an error naming it. */
export function checkPlane(plane: unknown, name = "plane"): Plane {
  return checkOneOf(plane, name, PLANES);
}

/** Size of the axis a plane is taken along: nz for xy, ny for xz, nx for yz. */
export function planeDepth(shape: readonly number[], plane: Plane): number {
  return plane === "xy" ? shape[0] : plane === "xz" ? shape[1] : shape[2];
}

/**
 * A plane's position along its fixed axis, an integer in [0, depth): "`slice` must be an
 * integer in [0, 9] for plane xz, received 10".
 * @param name - The position's name in the message. @default "slice"
 * @returns `index`.
 */
export function checkPlaneIndex(
  index: unknown,
  plane: Plane,
  shape: readonly number[],
  name = "slice",
): number {
  const depth = planeDepth(shape, plane);
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= depth)
    throw expectedError(
      name,
      `an integer in [0, ${depth - 1}] for plane ${plane}`,
      index,
      typeof index === "number" ? RangeError : TypeError,
    );
  return index;
}

/** The region of one plane of a volume and the size of its image (see {@link planeRegion}). */
export interface PlaneRegion {
  /** First voxel [z, y, x] of the region. */
  origin: Shape3;
  /** Region shape [nz, ny, nx]: 1 along the plane's fixed axis. */
  shape: Shape3;
  /** Image columns (u, fastest). */
  width: number;
  /** Image rows (v). */
  height: number;
}

/**
 * The region of a volume that one axis-aligned plane covers, and the size of
 * its image, with the axes of {@link slice}: `xy` at z = index (rows y,
 * columns x), `xz` at y = index (rows z, columns x), `yz` at x = index (rows
 * z, columns y).
 * @param plane - "xy", "xz" or "yz".
 * @param index - Position along the fixed axis, an integer in [0, depth).
 * @param shape - Volume shape [nz, ny, nx].
 */
export function planeRegion(plane: Plane, index: number, shape: Shape3): PlaneRegion {
  const [nz, ny, nx] = shape;
  checkPlaneIndex(index, checkPlane(plane), shape);
  if (plane === "xy") return { origin: [index, 0, 0], shape: [1, ny, nx], width: nx, height: ny };
  if (plane === "xz") return { origin: [0, index, 0], shape: [nz, 1, nx], width: nx, height: nz };
  return { origin: [0, 0, index], shape: [nz, ny, 1], width: ny, height: nz };
}

/**
 * Spacing of a plane's image as {@link slice} gives it, `[1, row, column]`:
 * `xy` [1, dy, dx], `xz` [1, dz, dx], `yz` [1, dz, dy].
 * @param plane - "xy", "xz" or "yz".
 * @param spacing - Volume spacing [dz, dy, dx].
 */
export function planeSpacing(plane: Plane, spacing: Spacing3): Spacing3 {
  const [dz, dy, dx] = spacing;
  checkPlane(plane);
  if (plane === "xy") return [1, dy, dx];
  if (plane === "xz") return [1, dz, dx];
  return [1, dz, dy];
}
