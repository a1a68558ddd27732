// Voxel buffers of the viewer: typed views over the bytes read (inline base64, an HTTP range
// answer), plane copies out of a whole volume and nearest-neighbour upsampling of a level's
// plane. No DOM, no requests here.
import { planeSize, type Shape } from "./planes.js";
import type { ViewerDType, ViewPlane } from "./viewerTypes.js";

export type Voxels = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float32Array;

const CTORS = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
} as const;

export function bytesPerVoxel(dtype: ViewerDType): number {
  const c = CTORS[dtype];
  if (!c) throw new RangeError(`unsupported dtype ${JSON.stringify(dtype)}`);
  return c.BYTES_PER_ELEMENT;
}

/** `length` voxels of `dtype` over `buffer` from byte `byteOffset` (no copy). */
export function voxelView(
  dtype: ViewerDType,
  buffer: ArrayBuffer,
  byteOffset: number,
  length: number,
): Voxels {
  return new CTORS[dtype](buffer, byteOffset, length);
}

/** `length` zero voxels of `dtype`. */
export function newVoxels(dtype: ViewerDType, length: number): Voxels {
  return new CTORS[dtype](length);
}

/**
 * The voxels of an answer to a range read of bytes [start, start + length * bpv) of `path`, a
 * file of `total` voxels: `buf` holds that range, or the whole file when the server ignored the
 * range (then `whole` is all of it, worth keeping).
 * @throws RangeError when `buf` is neither.
 */
export function rangeVoxels(
  dtype: ViewerDType,
  path: string,
  buf: ArrayBuffer,
  start: number,
  length: number,
  total: number,
): { voxels: Voxels; whole?: Voxels } {
  const bpv = bytesPerVoxel(dtype);
  if (buf.byteLength === length * bpv) return { voxels: voxelView(dtype, buf, 0, length) };
  if (buf.byteLength === total * bpv)
    return {
      voxels: voxelView(dtype, buf, start, length),
      whole: voxelView(dtype, buf, 0, total),
    };
  throw new RangeError(
    `${path}: expected ${length * bpv} bytes at ${start}, received ${buf.byteLength}`,
  );
}

/** Copy one plane out of a full volume (xz: rows are z; yz: rows are z, columns y). */
export function extractPlane(data: Voxels, shape: Shape, plane: ViewPlane, slice: number): Voxels {
  const [nz, ny, nx] = shape;
  const [w, h] = planeSize(shape, plane);
  if (plane === "xy") return data.subarray(slice * ny * nx, (slice + 1) * ny * nx);
  const out = new (data.constructor as { new (n: number): Voxels })(w * h);
  if (plane === "xz") {
    for (let z = 0; z < nz; z++)
      out.set(data.subarray((z * ny + slice) * nx, (z * ny + slice + 1) * nx), z * w);
  } else {
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++) out[z * w + y] = data[(z * ny + y) * nx + slice];
  }
  return out;
}

/**
 * Nearest-neighbour upsampling of a level plane (lw x lh, u fastest) to the full plane size
 * (w x h): pixel (u, v) takes level pixel (floor(u / f), floor(v / f)).
 */
export function upsamplePlane(
  coarse: Voxels,
  lw: number,
  lh: number,
  w: number,
  h: number,
  factor: number,
): Voxels {
  const out = new (coarse.constructor as { new (n: number): Voxels })(w * h);
  for (let v = 0; v < h; v++) {
    const lv = Math.floor(v / factor);
    if (lv >= lh) break;
    if (v % factor !== 0) {
      out.copyWithin(v * w, (v - 1) * w, v * w); // same level row as the row above
      continue;
    }
    const row = lv * lw;
    for (let u = 0; u < w; u++) out[v * w + u] = coarse[row + Math.floor(u / factor)];
  }
  return out;
}
