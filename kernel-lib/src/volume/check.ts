import { checkNumberArray, expectedError } from "../util/checks.js";
import { dtypeOf } from "./dtype.js";
import type { DType, Shape3, Spacing3, Volume, VoxelArray } from "./types.js";

/** Human-readable shape, e.g. `1x64x64`. */
export function formatShape(shape: readonly number[]): string {
  return shape.join("x");
}

/** Check that `shape` is three positive integers. */
export function checkShape(shape: unknown, name = "shape"): asserts shape is Shape3 {
  checkNumberArray(shape, name, {
    length: 3,
    integer: true,
    min: 1,
    expected: "[nz, ny, nx] of positive integers",
  });
}

/** Check that `spacing` is three positive finite numbers. */
export function checkSpacing(spacing: unknown, name = "spacing"): asserts spacing is Spacing3 {
  checkNumberArray(spacing, name, {
    length: 3,
    min: 0,
    minOpen: true,
    expected: "[dz, dy, dx] of positive finite numbers",
  });
}

export interface CheckVolumeOptions {
  /** Allowed dtypes; any supported dtype when omitted. */
  dtypes?: readonly DType[];
  /** Required number of z slices (e.g. 1 for 2D-only functions). */
  nz?: number;
}

/**
 * The one validation helper used at every public boundary: throws a
 * TypeError/RangeError naming the argument, what was expected and what was received.
 * @param volume - The value to check.
 * @param name - Argument name used in messages (e.g. "image", "labels").
 */
export function checkVolume<T extends VoxelArray = VoxelArray>(
  volume: unknown,
  name = "volume",
  options: CheckVolumeOptions = {},
): asserts volume is Volume<T> {
  if (typeof volume !== "object" || volume === null) {
    throw expectedError(name, "a Volume { data, shape, spacing }", volume, TypeError);
  }
  const v = volume as Partial<Volume>;
  checkShape(v.shape, `${name}.shape`);
  checkSpacing(v.spacing, `${name}.spacing`);
  if (!ArrayBuffer.isView(v.data)) {
    throw expectedError(`${name}.data`, "a typed array", v.data, TypeError);
  }
  const dtype = dtypeOf(v.data as VoxelArray);
  const [nz, ny, nx] = v.shape;
  const expected = nz * ny * nx;
  if (v.data.length !== expected) {
    throw new RangeError(
      `\`${name}.data\` has ${v.data.length} elements but shape ${formatShape(v.shape)} needs ${expected}`,
    );
  }
  if (options.dtypes && !options.dtypes.includes(dtype)) {
    throw new TypeError(
      `\`${name}\` must have dtype ${options.dtypes.join(" or ")}, received ${dtype}`,
    );
  }
  if (options.nz !== undefined && nz !== options.nz) {
    throw new RangeError(
      `\`${name}\` must have nz = ${options.nz}, received shape ${formatShape(v.shape)}`,
    );
  }
}

/** Check that two volumes have the same shape (e.g. a mask and its image). */
/**
 * Check several volumes of one operation at once: each is a volume ({@link checkVolume}) and
 * every one after the first has the first one's shape ({@link checkSameShape}), named by its key:
 * `checkVolumes({ image, markers, mask })`.
 */
export function checkVolumes(volumes: Readonly<Record<string, unknown>>): void {
  const entries = Object.entries(volumes);
  for (const [name, v] of entries) checkVolume(v, name);
  const [refName, ref] = entries[0] ?? [];
  for (const [name, v] of entries.slice(1))
    checkSameShape(v as Volume, name, ref as Volume, refName!);
}

export function checkSameShape(a: Volume, aName: string, b: Volume, bName: string): void {
  if (a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1] || a.shape[2] !== b.shape[2]) {
    throw new RangeError(
      `\`${aName}\` (shape ${formatShape(a.shape)}) must have the shape of \`${bName}\` (shape ${formatShape(b.shape)})`,
    );
  }
}
