import { checkVolume } from "./check.js";
import { checkOneOf } from "../util/checks.js";
import { ARRAY_TYPES, checkDType, dtypeOf, type ArrayOf } from "./dtype.js";
import type { DType, Volume, VoxelArray } from "./types.js";

const LIMITS: Record<DType, [number, number]> = {
  uint8: [0, 255],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  float32: [-Infinity, Infinity],
};

export interface CastOptions {
  /**
   * How values outside the target range are handled when casting to an integer type:
   * "clip" saturates to the type's limits (values are rounded to nearest);
   * "error" throws naming the first offending voxel.
   * @default "clip"
   */
  overflow?: "clip" | "error";
}

/**
 * Convert a volume to another voxel type. Integer targets round to nearest and
 * saturate (no wrap-around); NaN becomes 0 for integer targets. Use
 * {@link normalizePercentile} first to map intensities into a range.
 * @param dtype - Target type.
 */
export function cast<D extends DType>(
  volume: Volume,
  dtype: D,
  options: CastOptions = {},
): Volume<ArrayOf<D>> {
  checkVolume(volume, "volume");
  const Ctor = ARRAY_TYPES[checkDType(dtype)];
  const strict = checkOneOf(options.overflow ?? "clip", "overflow", ["clip", "error"]) === "error";
  const src = volume.data as VoxelArray;
  const n = src.length;
  const out = new Ctor(n) as ArrayOf<D>;
  if (dtype === "float32" || dtypeOf(src) === dtype) {
    out.set(src as never);
  } else {
    const [lo, hi] = LIMITS[dtype];
    for (let i = 0; i < n; i++) {
      let v = Math.round(src[i]);
      if (v !== v) v = 0;
      if (v < lo || v > hi) {
        if (strict) {
          throw new RangeError(
            `cast to ${dtype}: voxel ${i} has value ${src[i]} outside [${lo}, ${hi}]`,
          );
        }
        v = v < lo ? lo : hi;
      }
      out[i] = v;
    }
  }
  return { data: out, shape: [...volume.shape], spacing: [...volume.spacing] };
}
