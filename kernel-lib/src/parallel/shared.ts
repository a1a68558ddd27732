import type { Volume, VoxelArray } from "../volume/types.js";
import { checkVolume } from "../volume/check.js";
import { allocate, dtypeOf } from "../volume/dtype.js";

/** Whether a typed array lives in a SharedArrayBuffer (visible to worker threads without copying). */
export function isShared(data: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== "undefined" && data.buffer instanceof SharedArrayBuffer;
}

/**
 * The volume with its data in shared memory, so worker threads read it
 * without copies: the volume itself when it already is, otherwise a copy
 * (same dtype, shape and spacing).
 * @param volume - Any volume.
 * @returns A volume whose `data` is backed by a SharedArrayBuffer.
 */
export function toShared<T extends VoxelArray>(volume: Volume<T>): Volume<T> {
  checkVolume(volume, "volume");
  if (isShared(volume.data)) return volume;
  const data = allocate(dtypeOf(volume.data), volume.data.length, true) as T;
  data.set(volume.data);
  return { data, shape: [...volume.shape], spacing: [...volume.spacing] };
}
