// Voxel arrays of the viewer: inline (decoded once) or file-backed (read lazily in z slabs with
// HTTP range requests through the Jupyter server). No DOM here.
import { base64ToBytes, planeSize, type Shape } from "./labelModel.js";
import type { ArraySource, ViewerDType, ViewPlane } from "./viewerTypes.js";

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

function view(dtype: ViewerDType, buffer: ArrayBuffer, byteOffset: number, length: number): Voxels {
  return new CTORS[dtype](buffer, byteOffset, length);
}

/** Reads bytes [start, end) of a file next to the notebook (path relative to it). */
export type RangeReader = (path: string, start: number, end: number) => Promise<ArrayBuffer>;

/** Cache paths the viewer reads: only the kernel's cache folder, never elsewhere. */
export const CACHE_PATH =
  /^tomolab-cache\/[0-9a-f]{8,64}\.(uint8|uint16|int32|uint32|float32)\.raw$/;

/** Bytes per slab request when reading a file (a few z slices). @default 2 MiB */
export const SLAB_BYTES = 2 * 1024 * 1024;
/** Most bytes of xy slabs kept in memory (least recently used slabs are dropped). */
export const SLAB_CACHE_BYTES = 256 * 1024 * 1024;
/** Largest file the viewer loads completely for xz / yz planes. */
export const FULL_LOAD_LIMIT = 1024 * 1024 * 1024;

/** One voxel array of the view (a channel or an overlay). */
export class VoxelArray {
  readonly shape: Shape;
  readonly dtype: ViewerDType;
  private full: Voxels | undefined;
  private readonly path: string | undefined;
  private readonly reader: RangeReader | undefined;
  private readonly slabDepth: number;
  private readonly slabs = new Map<number, Voxels>();
  private readonly pending = new Map<number, Promise<Voxels>>();
  private loadingAll = false;
  /** Slab reads issued (for tests and the latency report). */
  reads = 0;

  private readonly cacheBytes: number;

  constructor(
    shape: Shape,
    dtype: ViewerDType,
    source: ArraySource,
    reader?: RangeReader,
    options: { cacheBytes?: number } = {},
  ) {
    this.cacheBytes = options.cacheBytes ?? SLAB_CACHE_BYTES;
    this.shape = shape;
    this.dtype = dtype;
    const length = shape[0] * shape[1] * shape[2];
    const bpv = bytesPerVoxel(dtype);
    if (source.kind === "inline") {
      const bytes = base64ToBytes(source.base64);
      if (bytes.byteLength !== length * bpv)
        throw new RangeError(
          `inline array has ${bytes.byteLength} bytes, shape ${shape.join("x")} ${dtype} needs ${length * bpv}`,
        );
      this.full = view(dtype, bytes.buffer as ArrayBuffer, 0, length);
      this.slabDepth = shape[0];
    } else {
      if (!CACHE_PATH.test(source.path))
        throw new RangeError(
          `refusing to read ${JSON.stringify(source.path)}: not a tomolab-cache file`,
        );
      if (source.bytes !== length * bpv)
        throw new RangeError(
          `${source.path} has ${source.bytes} bytes, shape ${shape.join("x")} ${dtype} needs ${length * bpv}`,
        );
      if (!reader) throw new Error(`cannot read ${source.path}: no Jupyter server connection`);
      this.path = source.path;
      this.reader = reader;
      this.slabDepth = Math.max(
        1,
        Math.min(shape[0], Math.floor(SLAB_BYTES / (shape[1] * shape[2] * bpv))),
      );
    }
  }

  get isLoaded(): boolean {
    return this.full !== undefined;
  }

  private slabIndex(z: number): number {
    return Math.floor(z / this.slabDepth);
  }

  /** The z slab `i` (slices i*depth .. ), read once and cached. */
  slab(i: number): Promise<Voxels> {
    const have = this.touch(i);
    if (have) return Promise.resolve(have);
    let p = this.pending.get(i);
    if (p) return p;
    const [nz, ny, nx] = this.shape;
    const bpv = bytesPerVoxel(this.dtype);
    const z0 = i * this.slabDepth;
    const z1 = Math.min(nz, z0 + this.slabDepth);
    const start = z0 * ny * nx * bpv;
    const end = z1 * ny * nx * bpv;
    this.reads++;
    p = this.reader!(this.path!, start, end).then((buf) => {
      let voxels: Voxels;
      if (buf.byteLength === end - start) voxels = view(this.dtype, buf, 0, (z1 - z0) * ny * nx);
      else if (buf.byteLength === nz * ny * nx * bpv) {
        // the server ignored the range and sent the whole file: keep all of it
        this.full = view(this.dtype, buf, 0, nz * ny * nx);
        voxels = view(this.dtype, buf, start, (z1 - z0) * ny * nx);
      } else
        throw new RangeError(
          `${this.path}: expected ${end - start} bytes at ${start}, received ${buf.byteLength}`,
        );
      this.slabs.set(i, voxels);
      this.pending.delete(i);
      if (!this.loadingAll) this.evict(i);
      return voxels;
    });
    p.catch(() => this.pending.delete(i));
    this.pending.set(i, p);
    return p;
  }

  /** Drop least recently used slabs (Map order) beyond `cacheBytes` (at least 3 kept), never `keep`. */
  private evict(keep: number): void {
    const slabBytes = this.slabDepth * this.shape[1] * this.shape[2] * bytesPerVoxel(this.dtype);
    const most = Math.max(3, Math.floor(this.cacheBytes / slabBytes));
    for (const key of this.slabs.keys()) {
      if (this.slabs.size <= most) break;
      if (key !== keep) this.slabs.delete(key);
    }
  }

  /** Mark slab i as recently used. */
  private touch(i: number): Voxels | undefined {
    const s = this.slabs.get(i);
    if (s) {
      this.slabs.delete(i);
      this.slabs.set(i, s);
    }
    return s;
  }

  /** Load every slab (xz / yz planes need the whole depth), `concurrency` reads at a time. */
  async loadAll(
    concurrency = 4,
    onProgress?: (done: number, total: number) => void,
  ): Promise<void> {
    if (this.full) return;
    const [nz, ny, nx] = this.shape;
    const bpv = bytesPerVoxel(this.dtype);
    if (nz * ny * nx * bpv > FULL_LOAD_LIMIT)
      throw new RangeError(
        `xz / yz planes need the whole volume in the browser: ${nz * ny * nx * bpv} bytes is above ${FULL_LOAD_LIMIT}`,
      );
    const total = Math.ceil(nz / this.slabDepth);
    let next = 0;
    let done = 0;
    const work = async (): Promise<void> => {
      while (next < total) {
        const i = next++;
        await this.slab(i);
        onProgress?.(++done, total);
      }
    };
    this.loadingAll = true;
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, total) }, work));
    } finally {
      this.loadingAll = false;
    }
    if (this.full) return;
    const all = new CTORS[this.dtype](nz * ny * nx);
    for (let i = 0; i < total; i++) all.set(this.slabs.get(i)!, i * this.slabDepth * ny * nx);
    this.full = all;
    this.slabs.clear();
  }

  /** Plane data if already in memory (no request), else undefined. */
  peekPlane(plane: ViewPlane, slice: number): Voxels | undefined {
    const [, ny, nx] = this.shape;
    if (plane === "xy") {
      if (this.full) return this.full.subarray(slice * ny * nx, (slice + 1) * ny * nx);
      const s = this.touch(this.slabIndex(slice));
      if (!s) return undefined;
      const off = (slice - this.slabIndex(slice) * this.slabDepth) * ny * nx;
      return s.subarray(off, off + ny * nx);
    }
    if (!this.full) return undefined;
    return extractPlane(this.full, this.shape, plane, slice);
  }

  /** Plane data (w * h, u fastest), reading what is missing. */
  async plane(plane: ViewPlane, slice: number): Promise<Voxels> {
    const have = this.peekPlane(plane, slice);
    if (have) return have;
    if (plane === "xy") {
      await this.slab(this.slabIndex(slice));
    } else await this.loadAll();
    return this.peekPlane(plane, slice)!;
  }

  /** Start reading the slabs around slice z (xy scrolling). */
  prefetch(z: number, ahead = 2): void {
    if (this.full) return;
    const i = this.slabIndex(z);
    const total = Math.ceil(this.shape[0] / this.slabDepth);
    for (let d = -ahead; d <= ahead; d++) {
      const j = i + d;
      if (j >= 0 && j < total && !this.slabs.has(j)) void this.slab(j).catch(() => undefined);
    }
  }

  /** Value of voxel (z, y, x) if in memory. */
  valueAt(z: number, y: number, x: number): number | undefined {
    const [, ny, nx] = this.shape;
    if (this.full) return this.full[(z * ny + y) * nx + x];
    const s = this.slabs.get(this.slabIndex(z));
    if (!s) return undefined;
    return s[((z - this.slabIndex(z) * this.slabDepth) * ny + y) * nx + x];
  }
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
