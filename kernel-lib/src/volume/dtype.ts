import type { DType, VoxelArray } from "./types.js";

/** Typed-array constructors by dtype name. */
export const ARRAY_TYPES = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
} as const;

export type ArrayOf<D extends DType> = InstanceType<(typeof ARRAY_TYPES)[D]>;

/** The dtype name of a typed array, or a TypeError naming what was received. */
export function dtypeOf(data: VoxelArray): DType {
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof Float32Array) return "float32";
  const name = (data as object)?.constructor?.name ?? typeof data;
  throw new TypeError(
    `volume data must be one of Uint8Array, Uint16Array, Int32Array, Uint32Array, Float32Array; received ${name}`,
  );
}

/** Allocate a zeroed array of a dtype; with `shared`, backed by a SharedArrayBuffer (for worker threads). */
export function allocate<D extends DType>(dtype: D, length: number, shared = false): ArrayOf<D> {
  const Ctor = ARRAY_TYPES[dtype];
  if (!Ctor)
    throw new TypeError(
      `unknown dtype "${String(dtype)}"; expected one of ${Object.keys(ARRAY_TYPES).join(", ")}`,
    );
  if (!shared) return new Ctor(length) as ArrayOf<D>;
  const buffer = new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT);
  return new (Ctor as unknown as new (b: ArrayBufferLike) => ArrayOf<D>)(buffer);
}
