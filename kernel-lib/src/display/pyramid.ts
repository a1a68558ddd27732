import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { checkOneOf, checkPositive, checkPositiveInt } from "../util/checks.js";
import { checkShape } from "../volume/check.js";
import { allocate, dtypeOf } from "../volume/dtype.js";
import type { VoxelArray } from "../volume/types.js";

/**
 * How a level summarises a factor^3 block: "mean" averages the voxels present (intensities,
 * probabilities), "nearest" keeps the block's first voxel (class labels, grain instances:
 * ids stay valid, no blending of ids), as numpy's `a[::f, ::f, ::f]`.
 */
export type DownsampleMode = "mean" | "nearest";

/** One downsampled copy of a cached array (the `levels` entries of a `kind: "file"` source). */
export interface PyramidLevel {
  factor: number;
  /** Path relative to the notebook's folder, `tomolab-cache/<hash>.<dtype>.raw`. */
  path: string;
  bytes: number;
  shape: [number, number, number];
}

export interface DownsampleOptions {
  /** Block summary. @default "mean" */
  mode?: DownsampleMode;
}

export interface PyramidOptions extends DownsampleOptions {
  /** Stop at the first level (factors 2, 4, 8, ...) of at most this many bytes. @default 256 MiB */
  maxLevelBytes?: number;
  /** Folder the cache folder is in (the notebook's folder). @default process.cwd() */
  baseDir?: string;
  /** Cache folder, relative to `baseDir`. @default "tomolab-cache" */
  cacheDir?: string;
  /** Absolute paths of the level files are appended here (written or already present). */
  files?: string[];
}

/** Largest level the pyramid stops at by default (what the viewer holds easily). */
export const MAX_LEVEL_BYTES = 256 * 1024 * 1024;

/**
 * Cached arrays above this many bytes get levels by default: the viewer's `FULL_LOAD_LIMIT`
 * (tomolab-jupyterlab loads arrays up to 1 GiB whole for xz / yz planes).
 */
export const LEVELS_ABOVE = 1024 * 1024 * 1024;

const MODES: readonly DownsampleMode[] = ["mean", "nearest"];

function checkArgs(data: VoxelArray, shape: readonly number[], factor: number): void {
  checkShape(shape);
  if (data.length !== shape[0] * shape[1] * shape[2])
    throw new RangeError(
      `\`data\` has ${data.length} voxels, shape ${shape.join("x")} needs ${shape[0] * shape[1] * shape[2]}`,
    );
  checkPositiveInt(factor, "factor");
}

/** Shape of a level: ceil(shape / factor) along each axis. */
export function levelShape(
  shape: readonly [number, number, number],
  factor: number,
): [number, number, number] {
  return [Math.ceil(shape[0] / factor), Math.ceil(shape[1] / factor), Math.ceil(shape[2] / factor)];
}

/**
 * Calls `emit(oz, slice)` for each output z slice of the downsampled array, in order. `slice`
 * is reused between calls (copy it to keep it). Memory: one output slice (plus one float64
 * accumulator slice for "mean"), never a second full-size array.
 */
function downsampleSlices(
  data: VoxelArray,
  shape: readonly [number, number, number],
  factor: number,
  mode: DownsampleMode,
  emit: (oz: number, slice: VoxelArray) => void,
): void {
  const [nz, ny, nx] = shape;
  const [onz, ony, onx] = levelShape(shape, factor);
  const out = allocate(dtypeOf(data), ony * onx, false) as VoxelArray;
  const f = factor;
  if (mode === "nearest") {
    for (let oz = 0; oz < onz; oz++) {
      const z = oz * f;
      for (let oy = 0; oy < ony; oy++) {
        const row = (z * ny + oy * f) * nx;
        const o = oy * onx;
        for (let ox = 0; ox < onx; ox++) out[o + ox] = data[row + ox * f];
      }
      emit(oz, out);
    }
    return;
  }
  const integer = !(data instanceof Float32Array);
  const acc = new Float64Array(ony * onx);
  const xmap = new Int32Array(nx).map((_, x) => Math.floor(x / f));
  for (let oz = 0; oz < onz; oz++) {
    acc.fill(0);
    const z0 = oz * f;
    const z1 = Math.min(nz, z0 + f);
    for (let z = z0; z < z1; z++) {
      for (let y = 0; y < ny; y++) {
        const row = (z * ny + y) * nx;
        const o = Math.floor(y / f) * onx;
        if (f === 2) {
          // the common factor: pairs, then the odd last voxel
          const pairs = nx >> 1;
          for (let ox = 0, i = row; ox < pairs; ox++, i += 2) acc[o + ox] += data[i] + data[i + 1];
          if (nx & 1) acc[o + pairs] += data[row + nx - 1];
        } else for (let x = 0; x < nx; x++) acc[o + xmap[x]] += data[row + x];
      }
    }
    const cz = z1 - z0;
    for (let oy = 0; oy < ony; oy++) {
      const cy = Math.min(ny, oy * f + f) - oy * f;
      for (let ox = 0; ox < onx; ox++) {
        const cx = Math.min(nx, ox * f + f) - ox * f;
        const mean = acc[oy * onx + ox] / (cz * cy * cx);
        // integers: round half up (mean >= 0 for unsigned types); float32: nearest float
        out[oy * onx + ox] = integer ? Math.floor(mean + 0.5) : mean;
      }
    }
    emit(oz, out);
  }
}

/**
 * Downsample a 3D array by an integer factor along z, y and x: each output voxel summarises
 * the factor^3 block it covers. "mean" averages only the voxels present in partial edge
 * blocks (as `skimage.measure.block_reduce(a, (f, f, f), np.mean)` would if it did not pad,
 * i.e. a mean over the block clipped to the array), sums in float64, and rounds half up for
 * integer dtypes; "nearest" takes the block's first voxel (`a[::f, ::f, ::f]`). The result has
 * the input's dtype and shape `ceil(shape / factor)`, x fastest.
 *
 * @param data - Voxels, x fastest.
 * @param shape - [nz, ny, nx] of `data`.
 * @param factor - Integer block size >= 1.
 * @see skimage.transform.downscale_local_mean (which pads with cval = 0 instead of clipping)
 */
export function downsample(
  data: VoxelArray,
  shape: readonly [number, number, number],
  factor: number,
  options: DownsampleOptions = {},
): VoxelArray {
  checkArgs(data, shape, factor);
  const mode = checkOneOf(options.mode ?? "mean", "mode", MODES);
  const [onz, ony, onx] = levelShape(shape, factor);
  const result = allocate(dtypeOf(data), onz * ony * onx, false) as VoxelArray;
  downsampleSlices(data, shape, factor, mode, (oz, s) => result.set(s, oz * ony * onx));
  return result;
}

/** Factors 2, 4, 8, ... up to the first whose level has at most `maxLevelBytes` bytes. */
export function levelFactors(
  shape: readonly [number, number, number],
  bytesPerVoxel: number,
  maxLevelBytes = MAX_LEVEL_BYTES,
): number[] {
  checkPositive(bytesPerVoxel, "bytesPerVoxel");
  checkPositive(maxLevelBytes, "maxLevelBytes");
  const factors: number[] = [];
  for (let f = 2; ; f *= 2) {
    factors.push(f);
    const [a, b, c] = levelShape(shape, f);
    if (a * b * c * bytesPerVoxel <= maxLevelBytes || (a === 1 && b === 1 && c === 1))
      return factors;
  }
}

/** Cache file name of a level: hash of the parent's hash, the factor and the mode. */
export function levelHash(parentHash: string, factor: number, mode: DownsampleMode): string {
  return createHash("sha1")
    .update(`${parentHash}:level:${factor}:${mode}`)
    .digest("hex")
    .slice(0, 20);
}

/**
 * Write the downsampled levels of a cached array next to it (the files the viewer reads for
 * xz / yz planes of arrays too big to load whole): factors 2, 4, ... until a level is at most
 * `maxLevelBytes`, each computed from the full-resolution array (exact block means, see
 * {@link downsample}) and streamed to disk one output z slice at a time. Files are named
 * `<levelHash(parentHash, factor, mode)>.<dtype>.raw`, written to a temporary file and renamed
 * (atomic), and skipped when a file of the right size is already there.
 *
 * @param data - The full-resolution array (the one cached as `<parentHash>.<dtype>.raw`).
 * @param shape - [nz, ny, nx] of `data`.
 * @param parentHash - Hash naming the full-resolution cache file.
 * @returns The levels, finest first, as the `levels` of a `kind: "file"` ArraySource.
 */
export function writeLevels(
  data: VoxelArray,
  shape: readonly [number, number, number],
  parentHash: string,
  options: PyramidOptions = {},
): PyramidLevel[] {
  checkArgs(data, shape, 1);
  const mode = checkOneOf(options.mode ?? "mean", "mode", MODES);
  const dtype = dtypeOf(data);
  const bpv = data.BYTES_PER_ELEMENT;
  const cacheDir = options.cacheDir ?? "tomolab-cache";
  const baseDir = options.baseDir ?? process.cwd();
  const levels: PyramidLevel[] = [];
  for (const factor of levelFactors(shape, bpv, options.maxLevelBytes)) {
    const lshape = levelShape(shape, factor);
    const bytes = lshape[0] * lshape[1] * lshape[2] * bpv;
    const rel = `${cacheDir}/${levelHash(parentHash, factor, mode)}.${dtype}.raw`;
    const abs = path.join(baseDir, rel);
    if (!existsSync(abs) || statSync(abs).size !== bytes) {
      mkdirSync(path.dirname(abs), { recursive: true });
      const tmp = `${abs}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      const fd = openSync(tmp, "w");
      try {
        downsampleSlices(data, shape, factor, mode, (_, s) => {
          const b = Buffer.from(s.buffer, s.byteOffset, s.byteLength);
          for (let off = 0; off < b.length;) off += writeSync(fd, b, off, b.length - off);
        });
        closeSync(fd);
      } catch (error) {
        closeSync(fd);
        rmSync(tmp, { force: true });
        throw error;
      }
      renameSync(tmp, abs);
    }
    options.files?.push(abs);
    levels.push({ factor, path: rel, bytes, shape: lshape });
  }
  return levels;
}
