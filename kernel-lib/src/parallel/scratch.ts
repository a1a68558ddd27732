import type { Volume, VoxelArray } from "../volume/types.js";
import { isShared } from "./shared.js";
import { retainLimitBytes } from "./workerMemory.js";

/** A shared copy of a volume for the length of one job; give it back with `release`. */
export interface SharedLease<T extends VoxelArray> {
  /** The volume itself when its data is shared already, else a copy in shared memory. */
  readonly volume: Volume<T>;
  /** Ends the lease: the copy's memory may serve the next lease. Idempotent. */
  release(): void;
}

/** Shared buffers of ended leases, by byte length. */
const idle = new Map<number, SharedArrayBuffer[]>();
let idleBytes = 0;
let dropTimer: ReturnType<typeof setTimeout> | undefined;

/** How long ended leases' buffers are kept for the next call (ms). */
const KEEP_MS = 1000;

function dropIdle(): void {
  idle.clear();
  idleBytes = 0;
  dropTimer = undefined;
}

/**
 * A copy of a volume in shared memory, for a job whose workers read it and
 * nothing keeps after it ends (the inputs of a block job, an EDT's mask).
 * Copies of ended leases of the same byte length are reused for a second
 * (up to {@link retainLimitBytes} in all), so back-to-back calls on
 * same-sized volumes write into memory already mapped instead of faulting
 * in fresh pages (about 9 ms per 16 MiB here). Release only once no worker
 * reads the copy any more.
 * @param limitBytes - Most bytes of ended leases kept for reuse.
 * @internal
 */
export function leaseShared<T extends VoxelArray>(
  volume: Volume<T>,
  limitBytes: number = retainLimitBytes(),
): SharedLease<T> {
  if (isShared(volume.data)) return { volume, release: () => {} };
  const src = volume.data;
  const bytes = src.byteLength;
  const reused = idle.get(bytes)?.pop();
  let buffer: SharedArrayBuffer;
  if (reused !== undefined) {
    idleBytes -= bytes;
    buffer = reused;
  } else buffer = new SharedArrayBuffer(bytes);
  const Ctor = src.constructor as new (b: SharedArrayBuffer) => T;
  const data = new Ctor(buffer);
  data.set(src as never);
  let live = true;
  return {
    volume: { data, shape: [...volume.shape], spacing: [...volume.spacing] },
    release() {
      if (!live) return;
      live = false;
      if (idleBytes + bytes > limitBytes) return;
      const list = idle.get(bytes) ?? [];
      list.push(buffer);
      idle.set(bytes, list);
      idleBytes += bytes;
      if (dropTimer !== undefined) clearTimeout(dropTimer);
      dropTimer = setTimeout(dropIdle, KEEP_MS);
      dropTimer.unref?.();
    },
  };
}

/** Bytes held by ended leases for reuse (for tests). @internal */
export function idleSharedBytes(): number {
  return idleBytes;
}
