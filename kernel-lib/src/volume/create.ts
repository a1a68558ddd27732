import { checkBoolean, expectedError } from "../util/checks.js";
import { checkShape, checkSpacing, formatShape } from "./check.js";
import { allocate, ARRAY_TYPES, type ArrayOf } from "./dtype.js";
import type { DType, Shape3, Spacing3, Volume, VoxelArray } from "./types.js";

export interface CreateOptions {
  /** Physical voxel size [dz, dy, dx] in nm. @default [1, 1, 1] */
  spacing?: Spacing3;
  /** Back the data by a SharedArrayBuffer so worker threads can read it without copying. @default false */
  shared?: boolean;
}

/**
 * A zero-filled volume.
 * @param shape - [nz, ny, nx].
 * @param dtype - Voxel type. @default "float32"
 */
export function zeros<D extends DType = "float32">(
  shape: Shape3,
  dtype: D = "float32" as D,
  options: CreateOptions = {},
): Volume<ArrayOf<D>> {
  checkShape(shape);
  const spacing = options.spacing ?? [1, 1, 1];
  checkSpacing(spacing);
  const shared = checkBoolean(options.shared ?? false, "shared");
  const data = allocate(dtype, shape[0] * shape[1] * shape[2], shared);
  return { data, shape: [...shape], spacing: [...spacing] };
}

/**
 * Wrap existing data as a volume (no copy), checking that its length matches the shape.
 * @param data - Voxel values, x fastest.
 * @param shape - [nz, ny, nx]; a 2D image is [1, ny, nx].
 */
export function fromArray<T extends VoxelArray>(
  data: T,
  shape: Shape3,
  options: Pick<CreateOptions, "spacing"> = {},
): Volume<T> {
  checkShape(shape);
  const spacing = options.spacing ?? [1, 1, 1];
  checkSpacing(spacing);
  if (!ArrayBuffer.isView(data)) throw expectedError("data", "a typed array", data, TypeError);
  const expected = shape[0] * shape[1] * shape[2];
  if (data.length !== expected) {
    throw new RangeError(
      `\`data\` has ${data.length} elements but shape ${formatShape(shape)} needs ${expected}`,
    );
  }
  return { data, shape: [...shape], spacing: [...spacing] };
}

/**
 * A volume whose voxels are `fn(z, y, x)`.
 * @param dtype - Voxel type. @default "float32"
 */
export function fromFunction<D extends DType = "float32">(
  shape: Shape3,
  fn: (z: number, y: number, x: number) => number,
  dtype: D = "float32" as D,
  options: CreateOptions = {},
): Volume<ArrayOf<D>> {
  const v = zeros(shape, dtype, options);
  const [nz, ny, nx] = shape;
  let i = 0;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) v.data[i++] = fn(z, y, x);
  return v;
}

/** A deep copy (same dtype); with `shared`, the copy lives in a SharedArrayBuffer. */
export function clone<T extends VoxelArray>(
  volume: Volume<T>,
  options: { shared?: boolean } = {},
): Volume<T> {
  const Ctor = volume.data.constructor as (typeof ARRAY_TYPES)[DType];
  let data: VoxelArray;
  if (options.shared) {
    data = new (Ctor as unknown as new (b: ArrayBufferLike) => VoxelArray)(
      new SharedArrayBuffer(volume.data.byteLength),
    );
    data.set(volume.data as never);
  } else {
    data = (volume.data as VoxelArray).slice();
  }
  return { data: data as T, shape: [...volume.shape], spacing: [...volume.spacing] };
}
