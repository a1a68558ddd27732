// Voxel arrays of the viewer: inline (decoded once) or file-backed (read lazily in z slabs with
// HTTP range requests through the Jupyter server). Arrays above the full-load limit draw xz / yz
// planes from a downsampled level written by the kernel (upsampled by nearest neighbour to the
// full plane size), and xz planes can be refined to full resolution one row per z. No DOM here.
// Typed views, plane copies and upsampling: voxels.ts; source checks and level choice:
// volumeSource.ts.
import { planeSize, type Shape } from "./planes.js";
import type { ArraySource, ViewerDType, ViewPlane } from "./viewerTypes.js";
import {
  checkCacheFile,
  checkLevels,
  coarseLevel,
  inlineVoxels,
  type VolumeLevel,
} from "./volumeSource.js";
import {
  bytesPerVoxel,
  extractPlane,
  newVoxels,
  rangeVoxels,
  upsamplePlane,
  type Voxels,
} from "./voxels.js";

export { bytesPerVoxel, extractPlane, upsamplePlane, type Voxels } from "./voxels.js";
export { CACHE_PATH } from "./volumeSource.js";

/**
 * Reads bytes [start, end) of a file next to the notebook (path relative to it). `signal` is
 * aborted when the read is no longer wanted (a refinement cancelled by a slice change); readers
 * may pass it to `fetch`, or ignore it (the answer is then dropped).
 */
export type RangeReader = (
  path: string,
  start: number,
  end: number,
  signal?: AbortSignal,
) => Promise<ArrayBuffer>;

/** Bytes per slab request when reading a file (a few z slices). @default 2 MiB */
export const SLAB_BYTES = 2 * 1024 * 1024;
/** Most bytes of xy slabs kept in memory (least recently used slabs are dropped). */
export const SLAB_CACHE_BYTES = 256 * 1024 * 1024;
/** Largest file the viewer loads completely for xz / yz planes. */
export const FULL_LOAD_LIMIT = 1024 * 1024 * 1024;
/** Row reads in flight at once when refining an xz plane to full resolution. */
export const REFINE_CONCURRENCY = 8;
/** Refined (full-resolution) xz planes kept per array. */
const REFINED_KEEP = 4;

/** `map`'s value at `key`, moved to the newest end of its order (least recently used first). */
function touchEntry<K, V>(map: Map<K, V>, key: K): V | undefined {
  const value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
    map.set(key, value);
  }
  return value;
}

/** Drops the oldest entries of `map` (its order) until at most `most` are left, never `keep`. */
function trimOldest<K, V>(map: Map<K, V>, most: number, keep?: K): void {
  for (const key of map.keys()) {
    if (map.size <= most) break;
    if (key !== keep) map.delete(key);
  }
}

export interface VoxelArrayOptions {
  /** Most bytes of xy slabs kept in memory. @default SLAB_CACHE_BYTES (256 MiB) */
  cacheBytes?: number;
  /**
   * Largest array (or level) loaded whole for xz / yz planes; above it, xz / yz come from the
   * finest level of at most this size. @default FULL_LOAD_LIMIT (1 GiB)
   */
  fullLoadLimit?: number;
  /** Row reads in flight at once in {@link VoxelArray.refinePlane}. @default REFINE_CONCURRENCY (8) */
  refineConcurrency?: number;
}

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
  /** Range reads issued: slabs and refinement rows (for tests and the latency report). */
  reads = 0;
  /**
   * Downsampling factor of the last plane {@link plane} returned: 1 = full resolution, f > 1 =
   * drawn from the level of factor f (coarse, upsampled by nearest neighbour).
   */
  lastPlaneLevel = 1;

  private readonly cacheBytes: number;
  private readonly fullLoadLimit: number;
  private readonly refineConcurrency: number;
  private readonly levels: VolumeLevel[] = [];
  private level: { factor: number; array: VoxelArray } | undefined;
  private levelLoading: Promise<void> | undefined;
  private coarseCache: { key: string; voxels: Voxels } | undefined;
  private readonly refined = new Map<string, Voxels>();
  private refining:
    { key: string; promise: Promise<Voxels | undefined>; abort: AbortController } | undefined;

  constructor(
    shape: Shape,
    dtype: ViewerDType,
    source: ArraySource,
    reader?: RangeReader,
    options: VoxelArrayOptions = {},
  ) {
    this.cacheBytes = options.cacheBytes ?? SLAB_CACHE_BYTES;
    this.fullLoadLimit = options.fullLoadLimit ?? FULL_LOAD_LIMIT;
    this.refineConcurrency = Math.max(1, options.refineConcurrency ?? REFINE_CONCURRENCY);
    this.shape = shape;
    this.dtype = dtype;
    const bpv = bytesPerVoxel(dtype); // an unsupported dtype fails first
    if (source.kind === "inline") {
      this.full = inlineVoxels(source.base64, shape, dtype);
      this.slabDepth = shape[0];
    } else {
      checkCacheFile(source.path, source.bytes, shape, dtype);
      if (!reader) throw new Error(`cannot read ${source.path}: no Jupyter server connection`);
      this.path = source.path;
      this.reader = reader;
      this.levels = checkLevels(source, shape, dtype);
      this.slabDepth = Math.max(
        1,
        Math.min(shape[0], Math.floor(SLAB_BYTES / (shape[1] * shape[2] * bpv))),
      );
    }
  }

  get isLoaded(): boolean {
    return this.full !== undefined;
  }

  /** Bytes of the whole array. */
  get byteLength(): number {
    return this.shape[0] * this.shape[1] * this.shape[2] * bytesPerVoxel(this.dtype);
  }

  /** True when xz / yz planes can be exact: the array is in memory or small enough to load whole. */
  get canLoadAll(): boolean {
    return this.full !== undefined || this.byteLength <= this.fullLoadLimit;
  }

  /**
   * Factor of the level xz / yz planes are drawn from while the whole array cannot be loaded
   * (the finest level of at most `fullLoadLimit` bytes), or undefined when planes are exact
   * ({@link canLoadAll}) or no level fits (then xz / yz planes throw).
   */
  get coarseFactor(): number | undefined {
    if (this.canLoadAll) return undefined;
    return coarseLevel(this.levels, this.fullLoadLimit)?.factor;
  }

  /**
   * Downsampling factor of what {@link peekPlane} returns for this plane and slice now: 1 =
   * full resolution, f > 1 = coarse (level of factor f), undefined = nothing in memory yet.
   * The viewer shows a "coarse" note when this is above 1 (and for xz, calls
   * {@link refinePlane}).
   */
  planeLevel(plane: ViewPlane, slice: number): number | undefined {
    return this.peek(plane, slice)?.[1];
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
      const n = (z1 - z0) * ny * nx;
      const { voxels, whole } = rangeVoxels(this.dtype, this.path!, buf, start, n, nz * ny * nx);
      if (whole) this.full = whole; // the server ignored the range and sent the whole file: keep it
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
    trimOldest(this.slabs, most, keep);
  }

  /** Mark slab i as recently used. */
  private touch(i: number): Voxels | undefined {
    return touchEntry(this.slabs, i);
  }

  /** Load every slab (xz / yz planes need the whole depth), `concurrency` reads at a time. */
  async loadAll(
    concurrency = 4,
    onProgress?: (done: number, total: number) => void,
  ): Promise<void> {
    if (this.full) return;
    const [nz, ny, nx] = this.shape;
    const bpv = bytesPerVoxel(this.dtype);
    if (nz * ny * nx * bpv > this.fullLoadLimit)
      throw new RangeError(
        `xz / yz planes need the whole volume in the browser: ${nz * ny * nx * bpv} bytes is above ${this.fullLoadLimit}` +
          (this.levels.length
            ? " (and no downsampled level fits)"
            : " (and the kernel wrote no downsampled levels)"),
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
    const all = newVoxels(this.dtype, nz * ny * nx);
    for (let i = 0; i < total; i++) all.set(this.slabs.get(i)!, i * this.slabDepth * ny * nx);
    this.full = all;
    this.slabs.clear();
  }

  /** Plane data if already in memory (no request), else undefined; may be coarse, see {@link planeLevel}. */
  peekPlane(plane: ViewPlane, slice: number): Voxels | undefined {
    return this.peek(plane, slice)?.[0];
  }

  /** The plane in memory and its level factor (1 = exact): xy slab, whole array, refined row set, or coarse level. */
  private peek(plane: ViewPlane, slice: number): [Voxels, number] | undefined {
    const [, ny, nx] = this.shape;
    if (plane === "xy") {
      if (this.full) return [this.full.subarray(slice * ny * nx, (slice + 1) * ny * nx), 1];
      const s = this.touch(this.slabIndex(slice));
      if (!s) return undefined;
      const off = (slice - this.slabIndex(slice) * this.slabDepth) * ny * nx;
      return [s.subarray(off, off + ny * nx), 1];
    }
    if (this.full) return [extractPlane(this.full, this.shape, plane, slice), 1];
    const key = `${plane}:${slice}`;
    const r = touchEntry(this.refined, key);
    if (r) return [r, 1];
    if (!this.level) return undefined;
    const f = this.level.factor;
    if (this.coarseCache?.key !== key) {
      const coarse = extractPlane(
        this.level.array.full!,
        this.level.array.shape,
        plane,
        Math.floor(slice / f),
      );
      const [lw, lh] = planeSize(this.level.array.shape, plane);
      const [w, h] = planeSize(this.shape, plane);
      this.coarseCache = { key, voxels: upsamplePlane(coarse, lw, lh, w, h, f) };
    }
    return [this.coarseCache.voxels, f];
  }

  /**
   * Plane data (w * h, u fastest), reading what is missing. xz / yz planes of arrays above the
   * full-load limit come from the finest level that fits, upsampled by nearest neighbour to the
   * full plane size ({@link lastPlaneLevel} / {@link planeLevel} say so); a call for another
   * plane or slice cancels a {@link refinePlane} in progress.
   */
  async plane(plane: ViewPlane, slice: number): Promise<Voxels> {
    if (this.refining && this.refining.key !== `${plane}:${slice}`) this.cancelRefine();
    let have = this.peek(plane, slice);
    if (!have) {
      if (plane === "xy") await this.slab(this.slabIndex(slice));
      else if (this.canLoadAll || this.coarseFactor === undefined) await this.loadAll();
      else await this.loadLevel();
      have = this.peek(plane, slice)!;
    }
    this.lastPlaneLevel = have[1];
    return have[0];
  }

  /** Load the coarse level (whole) once. */
  private loadLevel(): Promise<void> {
    if (this.level) return Promise.resolve();
    if (!this.levelLoading) {
      const l = coarseLevel(this.levels, this.fullLoadLimit)!;
      const factor = l.factor;
      const array = new VoxelArray(
        l.shape,
        this.dtype,
        { kind: "file", path: l.path, bytes: l.bytes },
        this.reader,
        { fullLoadLimit: this.fullLoadLimit },
      );
      this.levelLoading = array.loadAll().then(
        () => {
          this.reads += array.reads;
          this.level = { factor, array };
        },
        (error: unknown) => {
          this.reads += array.reads;
          this.levelLoading = undefined;
          throw error;
        },
      );
    }
    return this.levelLoading;
  }

  /** Stop the refinement in progress (its promise resolves undefined). */
  cancelRefine(): void {
    this.refining?.abort.abort();
    this.refining = undefined;
  }

  /**
   * Full-resolution plane, when {@link plane} returned a coarse one: for xz planes of arrays
   * above the full-load limit, reads one row (nx voxels) per z with range requests,
   * `refineConcurrency` at a time (rows of xy slabs already in memory are not read again), and
   * keeps the result so {@link plane} returns it from then on (re-render when this resolves).
   * yz planes are not refined (a yz row is one voxel per read): they stay coarse.
   * @returns The exact plane; undefined for yz planes of big arrays, or when cancelled (another
   *   plane or slice was asked for, or {@link cancelRefine}). Rejects when a read fails.
   */
  refinePlane(
    plane: ViewPlane,
    slice: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Voxels | undefined> {
    const have = this.peek(plane, slice);
    if (have && have[1] === 1) return Promise.resolve(have[0]);
    if (plane === "xy" || this.canLoadAll) return this.plane(plane, slice);
    if (plane !== "xz") return Promise.resolve(undefined);
    const key = `${plane}:${slice}`;
    if (this.refining?.key === key) return this.refining.promise;
    this.cancelRefine();
    const abort = new AbortController();
    const promise = this.readRows(slice, abort, onProgress).then(
      (rows) => {
        if (this.refining?.abort === abort) this.refining = undefined;
        if (!rows) return undefined;
        this.refined.set(key, rows);
        trimOldest(this.refined, REFINED_KEEP);
        return rows;
      },
      (error: unknown) => {
        if (this.refining?.abort === abort) this.refining = undefined;
        throw error;
      },
    );
    this.refining = { key, promise, abort };
    return promise;
  }

  /** xz plane at y = `slice` read row by row (undefined when aborted; a failed read aborts the rest). */
  private async readRows(
    slice: number,
    abort: AbortController,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Voxels | undefined> {
    const [nz, ny, nx] = this.shape;
    const bpv = bytesPerVoxel(this.dtype);
    const signal = abort.signal;
    const out = newVoxels(this.dtype, nz * nx);
    let next = 0;
    let done = 0;
    let failure: unknown;
    const row = async (z: number): Promise<void> => {
      if (this.full) {
        out.set(this.full.subarray((z * ny + slice) * nx, (z * ny + slice + 1) * nx), z * nx);
        return;
      }
      const s = this.slabs.get(this.slabIndex(z));
      if (s) {
        const off = ((z - this.slabIndex(z) * this.slabDepth) * ny + slice) * nx;
        out.set(s.subarray(off, off + nx), z * nx);
        return;
      }
      const start = (z * ny + slice) * nx * bpv;
      this.reads++;
      const buf = await this.reader!(this.path!, start, start + nx * bpv, signal);
      if (signal.aborted) return;
      const { voxels, whole } = rangeVoxels(this.dtype, this.path!, buf, start, nx, nz * ny * nx);
      if (whole) this.full ??= whole; // the server ignored the range: keep it, read no more rows
      out.set(voxels, z * nx);
    };
    const work = async (): Promise<void> => {
      while (next < nz && !signal.aborted) {
        try {
          await row(next++);
        } catch (error) {
          if (!signal.aborted) {
            failure = error;
            abort.abort();
          }
          return;
        }
        if (!signal.aborted) onProgress?.(++done, nz);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.refineConcurrency, nz) }, work));
    if (failure !== undefined) throw failure;
    return signal.aborted ? undefined : out;
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
    if (!s) return this.refined.get(`xz:${y}`)?.[z * nx + x];
    return s[((z - this.slabIndex(z) * this.slabDepth) * ny + y) * nx + x];
  }
}
