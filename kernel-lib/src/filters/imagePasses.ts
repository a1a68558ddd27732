/**
 * Chains of separable 1D passes on images held in a thread's WebAssembly
 * {@link Arena}: the building blocks of the Gaussian derivative filters and of
 * the feature bank. Every pass runs on the shared correlation core
 * (`wasmCorrelate.ts`). Worker-side code; not part of the public API.
 * @internal
 */
import type { Shape3 } from "../volume/types.js";
import { boundaryIndex } from "../parallel/boundary.js";
import type { BoundaryMode } from "../parallel/types.js";
import type { Arena } from "./arena.js";
import { GROUP } from "./wasmCorrelate.js";

/**
 * An image in the arena: `shape` voxels at float index `ptr`, x fastest. It
 * covers a block's core extended by `margin` voxels on both sides of each
 * axis (so `shape = core + 2 * margin`).
 */
export interface Img {
  ptr: number;
  shape: Shape3;
  margin: Shape3;
}

/** Floats of a plane processed together by a z pass (a multiple of GROUP). */
const Z_CHUNK = 4096;

const size = (s: Shape3) => s[0] * s[1] * s[2];

/** The core shape of an image. */
export function coreShape(img: Img): Shape3 {
  return [
    img.shape[0] - 2 * img.margin[0],
    img.shape[1] - 2 * img.margin[1],
    img.shape[2] - 2 * img.margin[2],
  ];
}

/** Allocate an image of `core + 2 * margin` voxels (contents undefined). */
export function allocImage(arena: Arena, core: Shape3, margin: Shape3): Img {
  const shape: Shape3 = [core[0] + 2 * margin[0], core[1] + 2 * margin[1], core[2] + 2 * margin[2]];
  return { ptr: arena.alloc(size(shape)), shape, margin: [...margin] as Shape3 };
}

/** The image's voxels as a Float32Array view (valid until the next allocation). */
export function imageData(arena: Arena, img: Img): Float32Array {
  return arena.view(img.ptr, size(img.shape));
}

function checkMargins(src: Img, outMargin: Shape3, axis: number, radius: number): Shape3 {
  const off: Shape3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    off[a] = src.margin[a]! - outMargin[a]! - (a === axis ? radius : 0);
    if (off[a]! < 0) {
      throw new RangeError(
        `pass along axis ${axis}: source margin ${src.margin.join(",")} too small for output margin ${outMargin.join(",")} and radius ${radius}`,
      );
    }
  }
  return off;
}

/**
 * Correlate `src` along `axis` with `weights` (`2r + 1` taps, correlation
 * order: `out[i] = sum_k w[k] in[i + k - r]`), producing an image with margins
 * `outMargin` (cropped on the other axes as needed). Float32 SIMD.
 */
export function correlatePass(
  arena: Arena,
  src: Img,
  axis: 0 | 1 | 2,
  weights: ArrayLike<number>,
  outMargin: Shape3,
): Img {
  const ntaps = weights.length;
  if (ntaps % 2 !== 1) throw new RangeError(`pass: kernel length must be odd, received ${ntaps}`);
  const off = checkMargins(src, outMargin, axis, (ntaps - 1) / 2);
  const dst = allocImage(arena, coreShape(src), outMargin);
  correlateAxis(arena, src.ptr, src.shape, off, axis, weights, dst.ptr, dst.shape);
  return dst;
}

/**
 * The one correlation loop of the filters, on raw arena buffers: for each of
 * the `outShape` voxels p, `dst[p] = sum_k w[k] * src[start + p + k e_axis]`
 * (float32, taps in order), where `src` holds `srcShape` voxels at float index
 * `srcPtr` and `dst` (float index `dstPtr`, allocated by the caller with the
 * arena's slack) receives `outShape` voxels, x fastest. Every output is the
 * same sequence of float32 operations wherever it lies, so blockwise results
 * equal whole-volume ones bit for bit.
 * @internal
 */
export function correlateAxis(
  arena: Arena,
  srcPtr: number,
  srcShape: Shape3,
  start: Shape3,
  axis: 0 | 1 | 2,
  weights: ArrayLike<number>,
  dstPtr: number,
  outShape: Shape3,
): void {
  const ntaps = weights.length;
  const w = arena.alloc(4 * ntaps);
  const heap = arena.heap;
  for (let i = 0; i < ntaps; i++) heap.fill(weights[i]!, w + 4 * i, w + 4 * i + 4);
  const [, sY, sX] = srcShape;
  const [oZ, oY, oX] = outShape;
  const plane = sY * sX;
  const base = srcPtr + (start[0] * sY + start[1]) * sX + start[2];
  const out = dstPtr;
  const corr = arena.wasm.corr;
  const groups = (n: number) => Math.ceil(n / GROUP);
  // Bytes between a tap and the next: adjacent along x, a row along y, a plane along z.
  const tapStride = axis === 2 ? 4 : axis === 1 ? sX * 4 : plane * 4;
  if (axis === 2 && oY === sY) {
    // Rows are evenly spaced through all planes: one call.
    corr(out * 4, base * 4, w * 4, ntaps, 4, groups(oX), oZ * oY, sX * 4, oX * 4);
  } else if (axis === 1 && oX === sX) {
    // Each plane's output is one contiguous run of oY * sX values.
    corr(out * 4, base * 4, w * 4, ntaps, sX * 4, groups(oY * oX), oZ, plane * 4, oY * oX * 4);
  } else if (axis === 0 && oX === sX) {
    // z pass over runs of oY * sX values per plane, cut into chunks that are
    // done for every output plane in turn, so the input chunks stay in cache.
    // Chunks run last to first: only a row's last chunk overruns its row, into
    // the next row's first chunk, which is written afterwards.
    const run = oY * oX;
    const chunks = Math.ceil(run / Z_CHUNK);
    for (let c = chunks - 1; c >= 0; c--) {
      const start = c * Z_CHUNK;
      const len = Math.min(Z_CHUNK, run - start);
      corr(
        (out + start) * 4,
        (base + start) * 4,
        w * 4,
        ntaps,
        plane * 4,
        groups(len),
        oZ,
        plane * 4,
        run * 4,
      );
    }
  } else {
    // Cropped rows: plane by plane, row by row.
    for (let z = 0; z < oZ; z++) {
      const dst = (out + z * oY * oX) * 4;
      corr(dst, (base + z * plane) * 4, w * 4, ntaps, tapStride, groups(oX), oY, sX * 4, oX * 4);
    }
  }
  arena.free(w);
}

/** Copy of `src` cropped to margins `outMargin` (each <= the source's). */
export function cropImage(arena: Arena, src: Img, outMargin: Shape3): Img {
  const off = checkMargins(src, outMargin, -1, 0);
  const dst = allocImage(arena, coreShape(src), outMargin);
  const heap = arena.heap;
  const [, sY, sX] = src.shape;
  const [oZ, oY, oX] = dst.shape;
  for (let z = 0; z < oZ; z++) {
    for (let y = 0; y < oY; y++) {
      const from = src.ptr + ((z + off[0]) * sY + y + off[1]) * sX + off[2];
      heap.copyWithin(dst.ptr + (z * oY + y) * oX, from, from + oX);
    }
  }
  return dst;
}

/**
 * Copy the core region of `src` grown by `grow` voxels per side (default 0:
 * the core) into `dest` at `destOffset`, with destination row and plane strides.
 */
export function copyOut(
  arena: Arena,
  src: Img,
  dest: { set(array: ArrayLike<number>, offset?: number): void },
  destOffset = 0,
  destStrides?: [plane: number, row: number],
): void {
  const core = coreShape(src);
  const [cz, cy, cx] = core;
  const [, sY, sX] = src.shape;
  const [mz, my, mx] = src.margin;
  const [planeStride, rowStride] = destStrides ?? [cy * cx, cx];
  const heap = arena.heap;
  for (let z = 0; z < cz; z++) {
    for (let y = 0; y < cy; y++) {
      const from = src.ptr + ((z + mz) * sY + y + my) * sX + mx;
      dest.set(heap.subarray(from, from + cx), destOffset + z * planeStride + y * rowStride);
    }
  }
}

/**
 * Make an image's margins what a whole-volume computation would hold there:
 * voxels of the margin that lie outside the volume are replaced by the
 * boundary extension (`mode`, see {@link BoundaryMode}) of the voxels inside,
 * axis by axis. Running this between two stages of a filter (pre-smoothing,
 * then a derivative; gradient products, then smoothing) makes the blockwise
 * result equal the composition of whole-volume filters, each extending its
 * own input by `mode`, as scipy and vigra do.
 *
 * @param origin - Volume coordinates of the image's core start.
 * @param volumeShape - Shape of the whole volume.
 */
export function extendBorder(
  arena: Arena,
  img: Img,
  origin: Shape3,
  volumeShape: Shape3,
  mode: BoundaryMode,
  cval: number,
): void {
  const heap = arena.heap;
  const [sZ, sY, sX] = img.shape;
  const start = [origin[0] - img.margin[0], origin[1] - img.margin[1], origin[2] - img.margin[2]];
  const plane = sY * sX;
  const p = img.ptr;
  // Source index inside the image for image position i along axis a, or -1
  // for cval, or -2 when the voxel is inside the volume (nothing to do).
  const mapAxis = (a: number, n: number): Int32Array => {
    const map = new Int32Array(n).fill(-2);
    for (let i = 0; i < n; i++) {
      const v = start[a]! + i;
      if (v >= 0 && v < volumeShape[a]!) continue;
      const b = boundaryIndex(v, volumeShape[a]!, mode);
      if (b < 0) map[i] = -1;
      else {
        const j = b - start[a]!;
        map[i] = j >= 0 && j < n ? j : -2; // outside the image: leave as computed
      }
    }
    return map;
  };
  const mz = mapAxis(0, sZ);
  for (let z = 0; z < sZ; z++) {
    const j = mz[z]!;
    if (j === -2) continue;
    if (j === -1) heap.fill(cval, p + z * plane, p + (z + 1) * plane);
    else heap.copyWithin(p + z * plane, p + j * plane, p + (j + 1) * plane);
  }
  // Only the rows and columns that need fixing are visited.
  const fixes = (map: Int32Array) => [...map.keys()].filter((i) => map[i] !== -2);
  const my = mapAxis(1, sY);
  const mx = mapAxis(2, sX);
  const ys = fixes(my);
  const xs = fixes(mx);
  if (ys.length === 0 && xs.length === 0) return;
  for (let z = 0; z < sZ; z++) {
    const pz = p + z * plane;
    for (const y of ys) {
      const j = my[y]!;
      if (j === -1) heap.fill(cval, pz + y * sX, pz + (y + 1) * sX);
      else heap.copyWithin(pz + y * sX, pz + j * sX, pz + (j + 1) * sX);
    }
    if (xs.length > 0) {
      for (let y = 0; y < sY; y++) {
        const row = pz + y * sX;
        for (const x of xs) {
          const j = mx[x]!;
          heap[row + x] = j === -1 ? cval : heap[row + j]!;
        }
      }
    }
  }
}

/**
 * 1D correlation weights per axis and derivative order: `kernels[axis][order]`,
 * or `null` for an axis that is not filtered (only order 0 allowed there).
 */
export type AxisKernels = readonly [
  z: readonly (ArrayLike<number> | undefined)[] | null,
  y: readonly (ArrayLike<number> | undefined)[] | null,
  x: readonly (ArrayLike<number> | undefined)[] | null,
];

function kernelFor(kernels: AxisKernels, axis: number, order: number): ArrayLike<number> | null {
  const k = kernels[axis];
  if (k === null) {
    if (order !== 0)
      throw new RangeError(`derivative of order ${order} requested along unfiltered axis ${axis}`);
    return null;
  }
  const w = k?.[order];
  if (w === undefined) throw new RangeError(`no kernel of order ${order} for axis ${axis}`);
  return w;
}

const radiusOf = (w: ArrayLike<number> | null) => (w === null ? 0 : (w.length - 1) / 2);

/**
 * Several separable filters of one image at once, sharing partial passes:
 * the x pass is done once per distinct x order, the y pass once per distinct
 * (x, y) order pair, the z pass once per requested order triple; e.g. the
 * smoothed image, the 3 gradient components and the 6 Hessian components
 * (10 outputs) take 3 + 6 + 10 = 19 passes instead of 30. Intermediate images
 * are freed as soon as they are used.
 *
 * @param orders - Derivative orders `[oz, oy, ox]` of each output.
 * @param outMargin - Margins of the outputs: one for all, or one per output.
 * @returns One image per entry of `orders` (the caller frees them).
 */
export function separableBank(
  arena: Arena,
  src: Img,
  kernels: AxisKernels,
  orders: readonly Shape3[],
  outMargin: Shape3 | readonly Shape3[],
): Img[] {
  const margins: Shape3[] = orders.map((_, i) =>
    Array.isArray(outMargin[0])
      ? ([...(outMargin as readonly Shape3[])[i]!] as Shape3)
      : ([...(outMargin as Shape3)] as Shape3),
  );
  const results: Img[] = new Array<Img>(orders.length);
  const owned = new Set<Img>();
  const group = (list: readonly number[], axis: number) => {
    const map = new Map<number, number[]>();
    for (const i of list) {
      const key = orders[i]![axis]!;
      const l = map.get(key) ?? [];
      l.push(i);
      map.set(key, l);
    }
    return map;
  };
  const rad = (axis: number, i: number) => radiusOf(kernelFor(kernels, axis, orders[i]![axis]!));
  const maxOver = (list: readonly number[], f: (i: number) => number) => Math.max(...list.map(f));
  for (const [ox, xList] of group(
    orders.map((_, i) => i),
    2,
  )) {
    const wx = kernelFor(kernels, 2, ox);
    const xMargin: Shape3 = [
      maxOver(xList, (i) => margins[i]![0] + rad(0, i)),
      maxOver(xList, (i) => margins[i]![1] + rad(1, i)),
      maxOver(xList, (i) => margins[i]![2]),
    ];
    const X = wx === null ? src : correlatePass(arena, src, 2, wx, xMargin);
    for (const [oy, yList] of group(xList, 1)) {
      const wy = kernelFor(kernels, 1, oy);
      const yMargin: Shape3 = [
        maxOver(yList, (i) => margins[i]![0] + rad(0, i)),
        maxOver(yList, (i) => margins[i]![1]),
        maxOver(yList, (i) => margins[i]![2]),
      ];
      const Y = wy === null ? X : correlatePass(arena, X, 1, wy, yMargin);
      for (const i of yList) {
        const wz = kernelFor(kernels, 0, orders[i]![0]);
        const m = margins[i]!;
        let r: Img;
        if (wz !== null) r = correlatePass(arena, Y, 0, wz, m);
        else if (Y !== src && !owned.has(Y) && Y.margin.every((v, a) => v === m[a])) r = Y;
        else r = cropImage(arena, Y, m);
        results[i] = r;
        owned.add(r);
      }
      if (Y !== X && !owned.has(Y)) arena.free(Y.ptr);
    }
    if (X !== src && !owned.has(X)) arena.free(X.ptr);
  }
  return results;
}

/**
 * Smooth (or otherwise filter) an image with one 1D kernel per axis (null:
 * none). The axis whose margin shrinks the most goes first (ties: z, y, x),
 * so a large halo is cropped early; the order depends only on the margins,
 * never on the block's core shape, so every block does the same float
 * operations per voxel and results do not depend on the block layout.
 */
export function separableFilter(
  arena: Arena,
  src: Img,
  weights: readonly (ArrayLike<number> | null)[],
  outMargin: Shape3,
): Img {
  const axes = [0, 1, 2].filter((a) => weights[a] != null);
  if (axes.length === 0) return cropImage(arena, src, outMargin);
  const shrink = (a: number) => src.margin[a]! - outMargin[a]!;
  const order = [...axes].sort((a, b) => shrink(b) - shrink(a) || a - b);
  let cur = src;
  order.forEach((axis, step) => {
    const m: Shape3 = [0, 0, 0];
    for (let a = 0; a < 3; a++) {
      const later = order.indexOf(a) > step;
      const r = weights[a] != null ? (weights[a]!.length - 1) / 2 : 0;
      m[a] = later ? outMargin[a]! + r : outMargin[a]!;
    }
    const next = correlatePass(arena, cur, axis as 0 | 1 | 2, weights[axis]!, m);
    if (cur !== src) arena.free(cur.ptr);
    cur = next;
  });
  return cur;
}
