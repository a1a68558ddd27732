// Plane geometry of the viewer: the size of an xy / xz / yz plane, its depth, and the voxel
// behind a plane pixel (u along the image's width, v along its height). No DOM here.
import type { ViewPlane } from "./viewerTypes.js";

/** Volume shape, z slowest. */
export type Shape = [nz: number, ny: number, nx: number];

/** Size of a plane's image: width (u axis) and height (v axis). */
export function planeSize(shape: Shape, plane: ViewPlane): [w: number, h: number] {
  const [nz, ny, nx] = shape;
  return plane === "xy" ? [nx, ny] : plane === "xz" ? [nx, nz] : [ny, nz];
}

/** Number of slices along a plane's normal. */
export function planeDepth(shape: Shape, plane: ViewPlane): number {
  return plane === "xy" ? shape[0] : plane === "xz" ? shape[1] : shape[2];
}

/** Voxel [z, y, x] of plane pixel (u, v) on slice `slice`. */
export function planeToVoxel(
  plane: ViewPlane,
  slice: number,
  u: number,
  v: number,
): [number, number, number] {
  return plane === "xy" ? [slice, v, u] : plane === "xz" ? [v, slice, u] : [v, u, slice];
}
