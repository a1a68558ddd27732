import { checkVolume, formatShape } from "./check.js";
import { checkPlane, planeDepth } from "./planeRegion.js";
import type { Plane, Volume, VoxelArray } from "./types.js";

/**
 * One axis-aligned plane of a volume as a 2D image (a volume with nz = 1).
 *
 * - `xy` at z = index: rows y, columns x; spacing [1, dy, dx].
 * - `xz` at y = index: rows z, columns x; spacing [1, dz, dx].
 * - `yz` at x = index: rows z, columns y; spacing [1, dz, dy].
 *
 * @param volume - Any volume.
 * @param plane - "xy", "xz" or "yz".
 * @param index - Position along the fixed axis; negative counts from the end. @default middle
 */
export function slice<T extends VoxelArray>(
  volume: Volume<T>,
  plane: Plane = "xy",
  index?: number,
): Volume<T> {
  checkVolume(volume, "volume");
  checkPlane(plane);
  const [nz, ny, nx] = volume.shape;
  const [dz, dy, dx] = volume.spacing;
  const depth = planeDepth(volume.shape, plane);
  let i = index ?? Math.floor(depth / 2);
  if (!Number.isInteger(i) || i < -depth || i >= depth) {
    throw new RangeError(
      `\`index\` for plane ${plane} of a volume of shape ${formatShape(volume.shape)} must be an integer in [${-depth}, ${depth - 1}], received ${index}`,
    );
  }
  if (i < 0) i += depth;
  const src = volume.data;
  const Ctor = src.constructor as new (n: number) => T;
  if (plane === "xy") {
    const data = src.slice(i * ny * nx, (i + 1) * ny * nx) as T;
    return { data, shape: [1, ny, nx], spacing: [1, dy, dx] };
  }
  if (plane === "xz") {
    const data = new Ctor(nz * nx);
    for (let z = 0; z < nz; z++) {
      const start = (z * ny + i) * nx;
      data.set(src.subarray(start, start + nx) as never, z * nx);
    }
    return { data, shape: [1, nz, nx], spacing: [1, dz, dx] };
  }
  const data = new Ctor(nz * ny);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) data[z * ny + y] = src[(z * ny + y) * nx + i];
  }
  return { data, shape: [1, nz, ny], spacing: [1, dz, dy] };
}
