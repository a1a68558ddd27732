import type { Shape3, VoxelArray } from "../volume/types.js";
import { formatShape } from "../volume/check.js";
import { GROUP, instantiateCorrelate, type CorrelateExports } from "./wasmCorrelate.js";

/** One 1D correlation kernel per axis `[z, y, x]`; `null` leaves that axis alone. */
export type SeparableKernels = readonly [
  z: ArrayLike<number> | null,
  y: ArrayLike<number> | null,
  x: ArrayLike<number> | null,
];

export interface SeparableCorrelateOptions {
  /**
   * Shape of the result, centred in the "valid" region. Along each axis the
   * valid size is `shape - (kernel length - 1)` (or `shape` without kernel),
   * and the difference between valid size and `outShape` must be even: the
   * same number of voxels is dropped at both ends. Useful when a block carries
   * a halo larger than a kernel's radius.
   * @default the valid shape
   */
  outShape?: Shape3;
  /** Array to receive the result (length >= product of `outShape`); a new one otherwise. */
  out?: Float32Array;
  /**
   * Return a view into this thread's filter memory instead of a new array,
   * saving one copy. The view is valid only until the next filter call in the
   * same thread (inside a block kernel: copy it out before returning).
   * @default false
   */
  transient?: boolean;
}

interface Workspace {
  wasm: CorrelateExports;
  f32: Float32Array;
}

let workspace: Workspace | undefined;

/** Grow this thread's WebAssembly memory to at least `bytes`; returns a current float32 view. */
function reserve(bytes: number): Workspace {
  if (workspace === undefined) {
    const wasm = instantiateCorrelate();
    workspace = { wasm, f32: new Float32Array(wasm.memory.buffer) };
  }
  const memory = workspace.wasm.memory;
  if (memory.buffer.byteLength < bytes) {
    const pages = Math.ceil((bytes - memory.buffer.byteLength) / 65536);
    try {
      memory.grow(pages);
    } catch (error) {
      throw new RangeError(
        `separable filter needs ${(bytes / 2 ** 20).toFixed(0)} MiB of WebAssembly memory for one block; use smaller blocks`,
        { cause: error },
      );
    }
  }
  if (workspace.f32.buffer !== memory.buffer) workspace.f32 = new Float32Array(memory.buffer);
  return workspace;
}

const SLACK = 4 * (GROUP + 16); // bytes after each buffer: the SIMD loop reads and writes up to GROUP-1 floats past a row
/** Floats of a plane processed together by the z pass (a multiple of GROUP). */
const Z_CHUNK = 4096;
const align = (n: number) => Math.ceil(n / 64) * 64;

/**
 * Separable correlation of a block in float32: along z, then y, then x (the
 * order of `scipy.ndimage`'s separable filters), correlate with the given 1D
 * kernel, keeping only the "valid" part (no boundary handling: the caller
 * supplies a block already padded by the kernel radii, e.g. from
 * `mapBlocks`). `out[z, y, x] = sum_k w[k] * in[z + k, y, x]` along z, and
 * likewise along y and x.
 *
 * The work happens in a WebAssembly SIMD loop, four float32 lanes at a time,
 * in this thread's own memory (grown to the largest block seen, kept for
 * reuse). Every output is the same sequence of float32 operations wherever it
 * lies in the block, so results do not depend on how a volume is cut into
 * blocks.
 *
 * Note: a convolution kernel (as returned by {@link gaussianKernel1d}) must be
 * reversed to be used as correlation weights; symmetric kernels are their own
 * reverse.
 *
 * @param src - Block data, `shape[0]*shape[1]*shape[2]` voxels, x fastest (any
 *   voxel dtype; read as float32), or a function that writes the block into the
 *   float32 array it is given (saves a copy, e.g. `(d) => input.readInto(d)`).
 * @param shape - Block shape `[nz, ny, nx]`.
 * @param kernels - Correlation weights per axis, or null for none.
 * @returns The filtered block, shape `outShape`.
 * @see scipy.ndimage.correlate1d, applied per axis.
 */
export function separableCorrelate(
  src: VoxelArray | ((dest: Float32Array) => void),
  shape: Shape3,
  kernels: SeparableKernels,
  options: SeparableCorrelateOptions = {},
): Float32Array {
  const [nz, ny, nx] = shape;
  const total = nz * ny * nx;
  if (typeof src !== "function" && src.length < total) {
    throw new RangeError(
      `separableCorrelate: \`src\` has ${src.length} elements, shape ${formatShape(shape)} needs ${total}`,
    );
  }
  // Per-axis plan: kernel (or identity when only cropping) and crop offset.
  const cur: [number, number, number] = [nz, ny, nx];
  const outShape: [number, number, number] = [0, 0, 0];
  const taps: (Float32Array | null)[] = [null, null, null];
  const offsets = [0, 0, 0];
  let tapCount = 0;
  for (let a = 0; a < 3; a++) {
    const k = kernels[a];
    const len = k == null ? 1 : k.length;
    if (len < 1) throw new RangeError(`separableCorrelate: kernel along axis ${a} is empty`);
    const valid = cur[a]! - len + 1;
    const want = options.outShape ? options.outShape[a]! : valid;
    if (!Number.isInteger(want) || want < 1 || want > valid || (valid - want) % 2 !== 0) {
      throw new RangeError(
        `separableCorrelate: along axis ${a} the block has ${cur[a]} voxels and the kernel ${len} taps ` +
          `(valid size ${valid}); cannot produce ${want} centred voxels (shape ${formatShape(shape)})`,
      );
    }
    outShape[a] = want;
    offsets[a] = (valid - want) / 2;
    if (k != null || want !== cur[a]) {
      const w = new Float32Array(len);
      if (k == null) w[0] = 1;
      else for (let i = 0; i < len; i++) w[i] = k[i]!;
      taps[a] = w;
      tapCount += len;
    }
  }
  const outLength = outShape[0] * outShape[1] * outShape[2];
  if (options.out && options.out.length < outLength) {
    throw new RangeError(
      `separableCorrelate: \`out\` has ${options.out.length} elements, needs ${outLength}`,
    );
  }

  // Memory: weights | A (input, later pass-2 output) | B (pass-1 and pass-3 output).
  const wBytes = align(tapCount * 16);
  const aBytes = align(total * 4 + SLACK);
  const afterZ = taps[0] ? outShape[0] * ny * nx : total;
  const bBytes = align(afterZ * 4 + SLACK);
  const ws = reserve(wBytes + aBytes + bBytes);
  const { f32, wasm } = ws;
  let wPtr = 0;
  const wOffsets = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const w = taps[a];
    if (!w) continue;
    wOffsets[a] = wPtr;
    for (let i = 0; i < w.length; i++) f32.fill(w[i]!, wPtr / 4 + 4 * i, wPtr / 4 + 4 * i + 4);
    wPtr += w.length * 16;
  }
  const bufA = wBytes;
  const bufB = wBytes + aBytes;
  const input = f32.subarray(bufA / 4, bufA / 4 + total);
  if (typeof src === "function") src(input);
  else input.set(total === src.length ? src : src.subarray(0, total));

  let from = bufA;
  let to = bufB;
  const [sz, sy, sx] = cur;
  let cz = sz;
  let cy = sy;
  const cx = sx;
  // z: a "row" is a chunk of a plane, taps one plane apart. Chunks of the
  // plane are done for all output planes in turn, so the input planes' chunks
  // stay in cache while every output plane reads them.
  if (taps[0]) {
    const plane = cy * cx;
    const oz = outShape[0];
    const src0 = from + offsets[0] * plane * 4;
    for (let c = 0; c < plane; c += Z_CHUNK) {
      const len = Math.min(Z_CHUNK, plane - c);
      wasm.corr(
        to + c * 4,
        src0 + c * 4,
        wOffsets[0],
        taps[0].length,
        plane * 4,
        Math.ceil(len / GROUP),
        oz,
        plane * 4,
        plane * 4,
      );
    }
    cz = oz;
    [from, to] = [to, from];
  }
  // y: per plane, one row of `oy*nx` outputs, taps one row apart.
  if (taps[1]) {
    const oy = outShape[1];
    const len = oy * cx;
    wasm.corr(
      to,
      from + offsets[1] * cx * 4,
      wOffsets[1],
      taps[1].length,
      cx * 4,
      Math.ceil(len / GROUP),
      cz,
      cy * cx * 4,
      len * 4,
    );
    cy = oy;
    [from, to] = [to, from];
  }
  // x: per row, taps adjacent.
  if (taps[2]) {
    const ox = outShape[2];
    wasm.corr(
      to,
      from + offsets[2] * 4,
      wOffsets[2],
      taps[2].length,
      4,
      Math.ceil(ox / GROUP),
      cz * cy,
      cx * 4,
      ox * 4,
    );
    [from, to] = [to, from];
  }
  const result = ws.f32.subarray(from / 4, from / 4 + outLength);
  if (options.out) {
    options.out.set(result);
    return options.out;
  }
  return options.transient ? result : result.slice();
}
