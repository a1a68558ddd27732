/**
 * Private 2D image helpers of the simulators (one slice at a time, small
 * images): Gaussian blur, chamfer distance, translation. For 3D filtering use
 * `filters/`.
 * @internal
 */

/** Exact separable Gaussian blur of an ny x nx image, edge-replicating borders (small sigma). */
function gaussExact(src: Float32Array, ny: number, nx: number, sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const w = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += w[i + r] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < w.length; i++) w[i] /= s;
  const tmp = new Float32Array(ny * nx);
  const out = new Float32Array(ny * nx);
  // One padded line buffer per pass: borders replicate the edge value.
  const line = new Float32Array(Math.max(nx, ny) + 2 * r);
  const pass = (
    input: Float32Array,
    output: Float32Array,
    len: number,
    lines: number,
    stride: number,
    step: number,
  ) => {
    for (let l = 0; l < lines; l++) {
      const base = l * step;
      for (let i = 0; i < len; i++) line[i + r] = input[base + i * stride];
      for (let i = 0; i < r; i++) {
        line[i] = line[r];
        line[len + r + i] = line[len + r - 1];
      }
      for (let i = 0; i < len; i++) {
        let acc = 0;
        for (let k = 0; k <= 2 * r; k++) acc += w[k] * line[i + k];
        output[base + i * stride] = acc;
      }
    }
  };
  pass(src, tmp, nx, ny, 1, nx);
  pass(tmp, out, ny, nx, nx, 1);
  return out;
}

/** One box filter pass of radius r along rows (stride 1) or columns (stride nx), edge-replicating. */
function boxPass(
  src: Float32Array,
  dst: Float32Array,
  ny: number,
  nx: number,
  r: number,
  alongX: boolean,
): void {
  const lines = alongX ? ny : nx;
  const len = alongX ? nx : ny;
  const stride = alongX ? 1 : nx;
  const inv = 1 / (2 * r + 1);
  const line = new Float32Array(len + 2 * r + 1);
  for (let l = 0; l < lines; l++) {
    const base = alongX ? l * nx : l;
    for (let i = 0; i < len; i++) line[i + r] = src[base + i * stride];
    const first = line[r];
    const last = line[len + r - 1];
    for (let i = 0; i < r; i++) line[i] = first;
    for (let i = len + r; i < line.length; i++) line[i] = last;
    let acc = 0;
    for (let i = 0; i <= 2 * r; i++) acc += line[i];
    for (let i = 0; i < len; i++) {
      dst[base + i * stride] = acc * inv;
      acc += line[i + 2 * r + 1] - line[i];
    }
  }
}

/**
 * Gaussian blur of a 2D image (edge-replicating borders). Small sigma uses an
 * exact kernel; sigma > 1.2 uses three box passes per axis (Kovesi's
 * approximation), whose cost does not grow with sigma.
 */
export function blur2d(src: Float32Array, ny: number, nx: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return src.slice();
  if (sigma <= 1.2) return gaussExact(src, ny, nx, sigma);
  const n = 3;
  const wIdeal = Math.sqrt((12 * sigma * sigma) / n + 1);
  let wl = Math.floor(wIdeal);
  if (wl % 2 === 0) wl--;
  const m = Math.round((12 * sigma * sigma - n * wl * wl - 4 * n * wl - 3 * n) / (-4 * wl - 4));
  const a = src.slice();
  const b = new Float32Array(src.length);
  for (let i = 0; i < n; i++) {
    const r = ((i < m ? wl : wl + 2) - 1) / 2;
    boxPass(a, b, ny, nx, r, true);
    boxPass(b, a, ny, nx, r, false);
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
  const at = (y: number, x: number) =>
    y < 0 || y >= ny || x < 0 || x >= nx ? fill : src[y * nx + x];
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
      const b = at(sy, sx - 1);
      const c = at(sy - 1, sx);
      const d = at(sy - 1, sx - 1);
      out[y * nx + x] = (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * c + fx * d);
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
      const at = (yy: number, xx: number) =>
        yy < 0 || yy >= ny || xx < 0 || xx >= nx ? fill : src[yy * nx + xx];
      out[y * nx + x] =
        (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
        fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
  }
  return out;
}
