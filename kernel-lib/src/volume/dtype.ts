import { checkOneOf, describeValue } from "../util/checks.js";
import type { DType, VoxelArray } from "./types.js";

/** Typed-array constructors by dtype name. */
export const ARRAY_TYPES = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
} as const;

const DTYPE_NAMES = Object.freeze(Object.keys(ARRAY_TYPES)) as readonly DType[];

export type ArrayOf<D extends DType> = InstanceType<(typeof ARRAY_TYPES)[D]>;

/** The dtype name of a typed array, or a TypeError naming what was received. */
export function dtypeOf(data: VoxelArray): DType {
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof Float32Array) return "float32";
  throw new TypeError(
    `volume data must be one of Uint8Array, Uint16Array, Int32Array, Uint32Array, Float32Array; received ${describeValue(data)}`,
  );
}

/** A dtype name (`"uint8"`, ..., `"float32"`), or an error listing them. @internal */
export function checkDType<D extends DType>(dtype: D, name = "dtype"): D {
  return checkOneOf(dtype, name, DTYPE_NAMES as readonly D[]);
}

/** Allocate a zeroed array of a dtype; with `shared`, backed by a SharedArrayBuffer (for worker threads). */
export function allocate<D extends DType>(dtype: D, length: number, shared = false): ArrayOf<D> {
  const Ctor = ARRAY_TYPES[checkDType(dtype)];
  if (!shared) return new Ctor(length) as ArrayOf<D>;
  const buffer = new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT);
  return new (Ctor as unknown as new (b: ArrayBufferLike) => ArrayOf<D>)(buffer);
}
