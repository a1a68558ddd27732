/**
 * Test images for test/segmentation/align*.test.ts: a sum of Gaussian blobs evaluated
 * analytically at transformed coordinates, so shifted and rotated copies are exact
 * (no resampling) and independent of the code under test.
 */
import { createRng } from "../../kernel-lib/src/stats/random.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

export interface Blobs {
  y: number[];
  x: number[];
  a: number[];
  s: number[];
}

/** `count` random blobs spread over an ny x nx image, centres at least `margin` pixels inside. */
export function randomBlobs(ny: number, nx: number, count: number, seed = 1, margin = 0): Blobs {
  const rng = createRng(seed);
  const b: Blobs = { y: [], x: [], a: [], s: [] };
  for (let i = 0; i < count; i++) {
    b.y.push(margin + rng.next() * (ny - 2 * margin));
    b.x.push(margin + rng.next() * (nx - 2 * margin));
    b.a.push(40 + 160 * rng.next());
    b.s.push(1.2 + 3 * rng.next());
  }
  return b;
}

/**
 * The blob image moved by a rigid transform in alignStack's convention: the point p
 * (relative to the centre) moves to R(angle) p + (dy, dx), R (vy, vx) = (c vy + s vx, -s vy + c vx),
 * so image(q) = f(R^-1 (q - c - shift) + c).
 */
export function renderBlobs(
  b: Blobs,
  ny: number,
  nx: number,
  t: { dy: number; dx: number; angle?: number },
): Float32Array {
  const out = new Float32Array(ny * nx);
  const a = ((t.angle ?? 0) * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const cy = (ny - 1) / 2;
  const cx = (nx - 1) / 2;
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      const vy = y - cy - t.dy;
      const vx = x - cx - t.dx;
      // R^-1 (vy, vx) = (c vy - s vx, s vy + c vx)
      const py = c * vy - s * vx + cy;
      const px = s * vy + c * vx + cx;
      let v = 10;
      for (let i = 0; i < b.y.length; i++) {
        const d2 = (py - b.y[i]) ** 2 + (px - b.x[i]) ** 2;
        v += b.a[i] * Math.exp(-d2 / (2 * b.s[i] * b.s[i]));
      }
      out[y * nx + x] = v;
    }
  return out;
}

/** A float32 stack of the blob image under each transform. */
export function blobStack(
  b: Blobs,
  ny: number,
  nx: number,
  transforms: { dy: number; dx: number; angle?: number }[],
): Volume<Float32Array> {
  const data = new Float32Array(transforms.length * ny * nx);
  transforms.forEach((t, z) => data.set(renderBlobs(b, ny, nx, t), z * ny * nx));
  return { data, shape: [transforms.length, ny, nx], spacing: [1, 1, 1] };
}

/** One slice as a 2D volume. */
export function image2d(data: Float32Array, ny: number, nx: number): Volume<Float32Array> {
  return { data, shape: [1, ny, nx], spacing: [1, 1, 1] };
}
