/**
 * Private 2D image helpers of the simulators (one slice at a time, small
 * images): Gaussian blur, chamfer distance, translation. For 3D filtering use
 * `filters/`.
 * @internal
 */
import { getArena } from "../filters/arena.js";
import { allocImage, imageData, separableFilter } from "../filters/imagePasses.js";
import { readPadded } from "../parallel/boundary.js";

/**
 * Correlate an ny x nx image with one symmetric kernel along y and then x on
 * the filters' correlation engine (`filters/imagePasses.ts`, in this thread's
 * filter memory), edge-replicating the borders (mode "nearest").
 */
function correlate2d(src: Float32Array, ny: number, nx: number, w: Float32Array): Float32Array {
  const r = (w.length - 1) / 2;
  const arena = getArena();
  const padded = allocImage(arena, [1, ny, nx], [0, r, r]);
  readPadded(src, [1, ny, nx], [0, -r, -r], padded.shape, "nearest", 0, imageData(arena, padded));
  const out = separableFilter(arena, padded, [null, w, w], [0, 0, 0]);
  const result = imageData(arena, out).slice();
  arena.free(out.ptr);
  arena.free(padded.ptr);
  return result;
}

/** The sampled Gaussian of radius `max(1, ceil(3 sigma))`, normalised to sum 1 (float32). */
function gaussWeights(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const w = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += w[i + r] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < w.length; i++) w[i] /= s;
  return w;
}

/**
 * Gaussian blur of a 2D image (edge-replicating borders). Small sigma uses an
 * exact kernel; sigma > 1.2 uses three box passes per axis (Kovesi's
 * approximation of a Gaussian by boxes). Every pass runs on the filters'
 * correlation engine.
 */
export function blur2d(src: Float32Array, ny: number, nx: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return src.slice();
  if (sigma <= 1.2) return correlate2d(src, ny, nx, gaussWeights(sigma));
  const n = 3;
  const wIdeal = Math.sqrt((12 * sigma * sigma) / n + 1);
  let wl = Math.floor(wIdeal);
  if (wl % 2 === 0) wl--;
  const m = Math.round((12 * sigma * sigma - n * wl * wl - 4 * n * wl - 3 * n) / (-4 * wl - 4));
  let a = src;
  for (let i = 0; i < n; i++) {
    const width = i < m ? wl : wl + 2;
    a = correlate2d(a, ny, nx, new Float32Array(width).fill(1 / width));
  }
  return a;
}

/**
 * Chamfer (3-4) distance in pixels from each pixel where `mask` is non-zero to
 * the nearest pixel where it is zero (0 on zero pixels); a close approximation
 * of the Euclidean distance. Pixels beyond the border count as non-zero.
 */
export function chamfer2d(mask: Uint8Array, ny: number, nx: number): Float32Array {
  const big = 1e9;
  const d = new Float32Array(ny * nx);
  for (let i = 0; i < d.length; i++) d[i] = mask[i] ? big : 0;
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const i = y * nx + x;
      let v = d[i];
      if (v === 0) continue;
      if (x > 0) v = Math.min(v, d[i - 1] + 3);
      if (y > 0) {
        v = Math.min(v, d[i - nx] + 3);
        if (x > 0) v = Math.min(v, d[i - nx - 1] + 4);
        if (x + 1 < nx) v = Math.min(v, d[i - nx + 1] + 4);
      }
      d[i] = v;
    }
  }
  for (let y = ny - 1; y >= 0; y--) {
    for (let x = nx - 1; x >= 0; x--) {
      const i = y * nx + x;
      let v = d[i];
      if (v === 0) continue;
      if (x + 1 < nx) v = Math.min(v, d[i + 1] + 3);
      if (y + 1 < ny) {
        v = Math.min(v, d[i + nx] + 3);
        if (x + 1 < nx) v = Math.min(v, d[i + nx + 1] + 4);
        if (x > 0) v = Math.min(v, d[i + nx - 1] + 4);
      }
      d[i] = v;
    }
  }
  for (let i = 0; i < d.length; i++) d[i] = d[i] >= big ? Infinity : d[i] / 3;
  return d;
}

/** Pixel (y, x) of an ny x nx image, or `fill` outside it. */
function pixelOrFill(src: Float32Array, ny: number, nx: number, fill: number) {
  return (y: number, x: number) => (y < 0 || y >= ny || x < 0 || x >= nx ? fill : src[y * nx + x]);
}

/** Bilinear mix: `a` and `b` along x (weight `fx` on `b`), and the same for `c`, `d`; then the two along y (weight `fy` on the second). */
function bilinear(a: number, b: number, c: number, d: number, fx: number, fy: number): number {
  return (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * c + fx * d);
}

/**
 * Translate an image by (dy, dx) pixels with bilinear interpolation:
 * out(y, x) = src(y - dy, x - dx); samples outside the image take `fill`.
 * Integer shifts copy values exactly.
 */
export function translate2d(
  src: Float32Array,
  ny: number,
  nx: number,
  dy: number,
  dx: number,
  fill: number,
): Float32Array {
  const out = new Float32Array(ny * nx);
  const iy = Math.floor(dy);
  const ix = Math.floor(dx);
  const fy = dy - iy;
  const fx = dx - ix;
  const at = pixelOrFill(src, ny, nx, fill);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const sy = y - iy;
      const sx = x - ix;
      // out(y, x) = src(y - dy, x - dx): y - dy lies between sy - 1 (weight fy) and sy (weight 1 - fy).
      const a = at(sy, sx);
      if (fx === 0 && fy === 0) {
        out[y * nx + x] = a;
        continue;
      }
      out[y * nx + x] = bilinear(a, at(sy, sx - 1), at(sy - 1, sx), at(sy - 1, sx - 1), fx, fy);
    }
  }
  return out;
}

/**
 * Rotate an image by `angle` radians about its centre, then translate it by
 * (dy, dx) pixels, with bilinear interpolation: the content at p moves to
 * R p + shift (about the centre). Samples from outside take `fill`.
 */
export function warp2d(
  src: Float32Array,
  ny: number,
  nx: number,
  angle: number,
  dy: number,
  dx: number,
  fill: number,
): Float32Array {
  if (angle === 0) return translate2d(src, ny, nx, dy, dx, fill);
  const out = new Float32Array(ny * nx);
  const cy = (ny - 1) / 2;
  const cx = (nx - 1) / 2;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const at = pixelOrFill(src, ny, nx, fill);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      // Inverse map: q = R^-1 (p - shift - centre) + centre.
      const py = y - dy - cy;
      const px = x - dx - cx;
      const qy = c * py - s * px + cy;
      const qx = s * py + c * px + cx;
      const y0 = Math.floor(qy);
      const x0 = Math.floor(qx);
      const fy = qy - y0;
      const fx = qx - x0;
      const [a, b] = [at(y0, x0), at(y0, x0 + 1)];
      out[y * nx + x] = bilinear(a, b, at(y0 + 1, x0), at(y0 + 1, x0 + 1), fx, fy);
    }
  }
  return out;
}
