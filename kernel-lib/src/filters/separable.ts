import type { Shape3, VoxelArray } from "../volume/types.js";
import { formatShape } from "../volume/check.js";
import { expectedError } from "../util/checks.js";
import { getArena } from "./arena.js";
import { correlateAxis } from "./imagePasses.js";

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

/**
 * Separable correlation of a block in float32: along z, then y, then x (the
 * order of `scipy.ndimage`'s separable filters), correlate with the given 1D
 * kernel, keeping only the "valid" part (no boundary handling: the caller
 * supplies a block already padded by the kernel radii, e.g. from
 * `mapBlocks`). `out[z, y, x] = sum_k w[k] * in[z + k, y, x]` along z, and
 * likewise along y and x.
 *
 * The passes run on the filters' one correlation engine (`correlateAxis` in
 * `imagePasses.ts`: a WebAssembly SIMD loop, four float32 lanes at a time) in
 * this thread's filter memory (`arena.ts`, grown to the largest block seen,
 * kept for reuse). Every output is the same sequence of float32 operations
 * wherever it lies in the block, so results do not depend on how a volume is
 * cut into blocks.
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
  const outShape: [number, number, number] = [0, 0, 0];
  const taps: (Float32Array | null)[] = [null, null, null];
  const offsets = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const k = kernels[a];
    const len = k == null ? 1 : k.length;
    if (len < 1) throw new RangeError(`separableCorrelate: kernel along axis ${a} is empty`);
    const valid = shape[a]! - len + 1;
    const want = options.outShape ? options.outShape[a]! : valid;
    if (!Number.isInteger(want) || want < 1 || want > valid || (valid - want) % 2 !== 0) {
      throw new RangeError(
        `separableCorrelate: along axis ${a} the block has ${shape[a]} voxels and the kernel ${len} taps ` +
          `(valid size ${valid}); cannot produce ${want} centred voxels (shape ${formatShape(shape)})`,
      );
    }
    outShape[a] = want;
    offsets[a] = (valid - want) / 2;
    if (k != null || want !== shape[a]) {
      const w = new Float32Array(len);
      if (k == null) w[0] = 1;
      else for (let i = 0; i < len; i++) w[i] = k[i]!;
      taps[a] = w;
    }
  }
  const outLength = outShape[0] * outShape[1] * outShape[2];
  if (
    options.out !== undefined &&
    !(options.out instanceof Float32Array && options.out.length >= outLength)
  ) {
    const kind = options.out instanceof Float32Array ? RangeError : TypeError;
    throw expectedError(
      "out",
      `a Float32Array of at least ${outLength} elements`,
      options.out,
      kind,
    );
  }

  // Passes z, y, x in turn (scipy's order), each cropping only its own axis.
  const arena = getArena();
  let cur: Shape3 = [nz, ny, nx];
  let ptr = arena.alloc(total);
  const input = arena.view(ptr, total);
  if (typeof src === "function") src(input);
  else input.set(total === src.length ? src : src.subarray(0, total));
  for (let a = 0; a < 3; a++) {
    const w = taps[a];
    if (!w) continue;
    const next = [...cur] as Shape3;
    next[a] = outShape[a]!;
    const start: Shape3 = [0, 0, 0];
    start[a] = offsets[a]!;
    const dst = arena.alloc(next[0] * next[1] * next[2]);
    correlateAxis(arena, ptr, cur, start, a as 0 | 1 | 2, w, dst, next);
    arena.free(ptr);
    ptr = dst;
    cur = next;
  }
  // Freed at once: a transient view stays valid until the next allocation.
  const result = arena.view(ptr, outLength);
  arena.free(ptr);
  if (options.out) {
    options.out.set(result);
    return options.out;
  }
  return options.transient ? result : result.slice();
}
