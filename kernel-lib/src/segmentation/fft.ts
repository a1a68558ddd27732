/**
 * Discrete Fourier transforms of any length in 1D and 2D, on fft.js (a radix-4
 * FFT for powers of two). Other lengths go through Bluestein's chirp-z
 * algorithm on a power-of-two FFT of at least 2n - 1 points, so every size is an
 * exact DFT (no padding visible to the caller). Complex data are interleaved
 * `[re0, im0, re1, im1, ...]` in Float64Arrays; 2D arrays are row-major (x fastest).
 * The forward transform is X[k] = sum_j x[j] exp(-2 pi i j k / n); the inverse
 * divides by n (numpy's convention).
 */
import FFT from "fft.js";
import { checkPositiveInt, expectedError } from "../util/checks.js";

/** A 1D DFT plan of one length: transforms in place (interleaved complex). */
export interface FftPlan {
  readonly n: number;
  /** Forward DFT of `data` (2n values) in place. */
  forward(data: Float64Array): void;
  /** Inverse DFT of `data` in place, divided by n. */
  inverse(data: Float64Array): void;
}

const isPow2 = (n: number): boolean => n >= 2 && (n & (n - 1)) === 0;

function pow2Plan(n: number): FftPlan {
  const f = new FFT(n);
  const scratch = new Float64Array(2 * n);
  return {
    n,
    forward(data) {
      f.transform(scratch, data);
      data.set(scratch);
    },
    inverse(data) {
      f.inverseTransform(scratch, data);
      data.set(scratch);
    },
  };
}

/** Bluestein's algorithm: the DFT of length n as a circular convolution of length m >= 2n - 1. */
function bluesteinPlan(n: number): FftPlan {
  let m = 2;
  while (m < 2 * n - 1) m *= 2;
  const f = new FFT(m);
  // Chirp w[k] = exp(-i pi k^2 / n); k^2 taken mod 2n so the angle stays exact for large k.
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = (Math.PI * ((k * k) % (2 * n))) / n;
    wr[k] = Math.cos(a);
    wi[k] = -Math.sin(a);
  }
  // Spectrum of the conjugate chirp, wrapped circularly.
  const b = new Float64Array(2 * m);
  for (let k = 0; k < n; k++) {
    b[2 * k] = wr[k];
    b[2 * k + 1] = -wi[k];
    if (k > 0) {
      b[2 * (m - k)] = wr[k];
      b[2 * (m - k) + 1] = -wi[k];
    }
  }
  const bf = new Float64Array(2 * m);
  f.transform(bf, b);
  const a = new Float64Array(2 * m);
  const s = new Float64Array(2 * m);
  const run = (data: Float64Array, conj: boolean): void => {
    const sign = conj ? -1 : 1;
    a.fill(0);
    for (let k = 0; k < n; k++) {
      const xr = data[2 * k];
      const xi = sign * data[2 * k + 1];
      a[2 * k] = xr * wr[k] - xi * wi[k];
      a[2 * k + 1] = xr * wi[k] + xi * wr[k];
    }
    f.transform(s, a);
    for (let k = 0; k < m; k++) {
      const sr = s[2 * k];
      const si = s[2 * k + 1];
      a[2 * k] = sr * bf[2 * k] - si * bf[2 * k + 1];
      a[2 * k + 1] = sr * bf[2 * k + 1] + si * bf[2 * k];
    }
    f.inverseTransform(s, a);
    const scale = conj ? 1 / n : 1;
    for (let k = 0; k < n; k++) {
      const yr = s[2 * k] * wr[k] - s[2 * k + 1] * wi[k];
      const yi = s[2 * k] * wi[k] + s[2 * k + 1] * wr[k];
      data[2 * k] = yr * scale;
      data[2 * k + 1] = sign * yi * scale;
    }
  };
  return { n, forward: (data) => run(data, false), inverse: (data) => run(data, true) };
}

const identityPlan: FftPlan = { n: 1, forward() {}, inverse() {} };

/**
 * A DFT plan for length `n` (any positive integer): fft.js for powers of two,
 * Bluestein's algorithm otherwise. Plans hold scratch memory: use one per thread.
 * @throws RangeError when `n` is not a positive integer.
 */
export function fftPlan(n: number): FftPlan {
  checkPositiveInt(n, "n");
  if (n === 1) return identityPlan;
  return isPow2(n) ? pow2Plan(n) : bluesteinPlan(n);
}

/** Plans for the two axes of an ny x nx array, reused across calls of {@link fft2d}. */
export interface Fft2dPlan {
  readonly ny: number;
  readonly nx: number;
  readonly rows: FftPlan;
  readonly cols: FftPlan;
  /** Column (and row) scratch, 2 max(ny, nx) values. @internal */
  readonly column: Float64Array;
}

/** A 2D plan for ny x nx arrays (see {@link fftPlan}). */
export function fft2dPlan(ny: number, nx: number): Fft2dPlan {
  checkPositiveInt(ny, "ny");
  checkPositiveInt(nx, "nx");
  const rows = fftPlan(nx);
  const cols = ny === nx ? rows : fftPlan(ny);
  return { ny, nx, rows, cols, column: new Float64Array(2 * Math.max(ny, nx)) };
}

/**
 * 2D DFT of an interleaved complex ny x nx array in place: each row, then each
 * column. The inverse divides by ny nx.
 * @param data - 2 ny nx values (re, im interleaved, rows of nx complex values).
 * @param plan - From {@link fft2dPlan} (or its sizes are taken from it).
 * @param inverse - Inverse transform. @default false
 */
export function fft2d(data: Float64Array, plan: Fft2dPlan, inverse = false): void {
  const { ny, nx, rows, cols } = plan;
  if (!(data instanceof Float64Array) || data.length !== 2 * ny * nx)
    throw expectedError(
      "data",
      `a Float64Array of ${2 * ny * nx} values (interleaved complex ${ny}x${nx})`,
      data,
      TypeError,
    );
  const rowFn = inverse ? rows.inverse : rows.forward;
  if (nx > 1) for (let y = 0; y < ny; y++) rowFn(data.subarray(2 * y * nx, 2 * (y + 1) * nx));
  columns(data, plan, nx - 1, inverse ? cols.inverse : cols.forward);
}

/** Transform columns [0, last] of an interleaved complex ny x nx array with `fn`. */
function columns(data: Float64Array, plan: Fft2dPlan, last: number, fn: (d: Float64Array) => void): void {
  const { ny, nx, column } = plan;
  if (ny === 1) return;
  for (let x = 0; x <= last; x++) {
    for (let y = 0, i = 2 * x; y < ny; y++, i += 2 * nx) {
      column[2 * y] = data[i];
      column[2 * y + 1] = data[i + 1];
    }
    fn(column);
    for (let y = 0, i = 2 * x; y < ny; y++, i += 2 * nx) {
      data[i] = column[2 * y];
      data[i + 1] = column[2 * y + 1];
    }
  }
}

/**
 * The 2D DFT of a real ny x nx image (row-major) into `out` (interleaved complex, 2 ny nx
 * values). Uses the symmetry of real data: two rows per complex row transform, and only
 * the columns up to nx / 2 (the others are conjugates: X[ky][kx] = conj X[-ky][-kx]).
 * @param image - ny nx real values from `offset`.
 * @param plan - A plan for (ny, nx).
 * @param out - Receives the spectrum. @default a new array
 * @param offset - First value of the image in `image`. @default 0
 * @returns `out`.
 */
export function realFft2d(
  image: ArrayLike<number>,
  plan: Fft2dPlan,
  out: Float64Array = new Float64Array(2 * plan.ny * plan.nx),
  offset = 0,
): Float64Array {
  const { ny, nx, rows } = plan;
  if (image.length < offset + ny * nx)
    throw new RangeError(
      `\`image\` must have ${ny * nx} values from offset ${offset}, received ${image.length - offset}`,
    );
  if (!(out instanceof Float64Array) || out.length !== 2 * ny * nx)
    throw expectedError("out", `a Float64Array of ${2 * ny * nx} values`, out, TypeError);
  for (let y = 0; y < ny; y += 2) {
    const a = 2 * y * nx;
    const pair = y + 1 < ny;
    const row = out.subarray(a, a + 2 * nx);
    for (let x = 0; x < nx; x++) {
      row[2 * x] = image[offset + y * nx + x];
      row[2 * x + 1] = pair ? image[offset + (y + 1) * nx + x] : 0;
    }
    if (nx > 1) rows.forward(row);
    if (!pair) continue;
    // Z = A + i B with A, B the spectra of the two real rows: A[k] = (Z[k] + conj Z[-k]) / 2,
    // B[k] = (Z[k] - conj Z[-k]) / 2i.
    const b = a + 2 * nx;
    for (let k = 0; k <= nx >> 1; k++) {
      const m = (nx - k) % nx;
      const zr = out[a + 2 * k];
      const zi = out[a + 2 * k + 1];
      const wr = out[a + 2 * m];
      const wi = out[a + 2 * m + 1];
      const ar = (zr + wr) / 2;
      const ai = (zi - wi) / 2;
      const br = (zi + wi) / 2;
      const bi = (wr - zr) / 2;
      out[a + 2 * k] = ar;
      out[a + 2 * k + 1] = ai;
      out[a + 2 * m] = ar;
      out[a + 2 * m + 1] = -ai;
      out[b + 2 * k] = br;
      out[b + 2 * k + 1] = bi;
      out[b + 2 * m] = br;
      out[b + 2 * m + 1] = -bi;
    }
  }
  const half = nx >> 1;
  columns(out, plan, half, plan.cols.forward);
  for (let ky = 0; ky < ny; ky++) {
    const my = (ny - ky) % ny;
    for (let kx = half + 1; kx < nx; kx++) {
      const j = 2 * (my * nx + (nx - kx));
      out[2 * (ky * nx + kx)] = out[j];
      out[2 * (ky * nx + kx) + 1] = -out[j + 1];
    }
  }
  return out;
}

/**
 * The inverse 2D DFT of a Hermitian spectrum (that of a real image, e.g. a cross-power
 * spectrum of two real images) as real values: the real part of the inverse, computed on
 * the columns up to nx / 2 and two rows per complex row transform. Overwrites `spectrum`.
 * @param spectrum - 2 ny nx values, Hermitian: X[ky][kx] = conj X[-ky][-kx].
 * @param plan - A plan for (ny, nx).
 * @param out - Receives ny nx real values.
 */
export function inverseRealFft2d(spectrum: Float64Array, plan: Fft2dPlan, out: Float64Array): void {
  const { ny, nx, rows } = plan;
  if (spectrum.length !== 2 * ny * nx || out.length !== ny * nx)
    throw new RangeError(
      `\`spectrum\` and \`out\` must have ${2 * ny * nx} and ${ny * nx} values, received ${spectrum.length} and ${out.length}`,
    );
  const half = nx >> 1;
  columns(spectrum, plan, half, plan.cols.inverse);
  // After the column pass each row is Hermitian in kx (its inverse is real).
  for (let y = 0; y < ny; y++)
    for (let kx = half + 1; kx < nx; kx++) {
      const j = 2 * (y * nx + (nx - kx));
      spectrum[2 * (y * nx + kx)] = spectrum[j];
      spectrum[2 * (y * nx + kx) + 1] = -spectrum[j + 1];
    }
  const row = plan.column.length >= 2 * nx ? plan.column : new Float64Array(2 * nx);
  for (let y = 0; y < ny; y += 2) {
    const a = 2 * y * nx;
    const pair = y + 1 < ny;
    // ifft(A + i B) = a + i b for real a, b.
    for (let k = 0; k < nx; k++) {
      const ar = spectrum[a + 2 * k];
      const ai = spectrum[a + 2 * k + 1];
      const br = pair ? spectrum[a + 2 * nx + 2 * k] : 0;
      const bi = pair ? spectrum[a + 2 * nx + 2 * k + 1] : 0;
      row[2 * k] = ar - bi;
      row[2 * k + 1] = ai + br;
    }
    const view = row.length === 2 * nx ? row : row.subarray(0, 2 * nx);
    if (nx > 1) rows.inverse(view);
    for (let x = 0; x < nx; x++) {
      out[y * nx + x] = view[2 * x];
      if (pair) out[(y + 1) * nx + x] = view[2 * x + 1];
    }
  }
}
