import { describe, expect, it } from "vitest";
import {
  fft2d,
  fft2dPlan,
  fftPlan,
  inverseRealFft2d,
  realFft2d,
} from "../../kernel-lib/src/segmentation/fft.js";
import { createRng } from "../../kernel-lib/src/stats/random.js";

/** The DFT by its definition, O(n^2): X[k] = sum_j x[j] exp(-2 pi i j k / n). */
function naiveDft(x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      out[2 * k] += x[2 * j] * Math.cos(a) - x[2 * j + 1] * Math.sin(a);
      out[2 * k + 1] += x[2 * j] * Math.sin(a) + x[2 * j + 1] * Math.cos(a);
    }
  return out;
}

function randomComplex(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: 2 * n }, () => rng.next() * 2 - 1);
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe("fftPlan", () => {
  it.each([1, 2, 3, 8, 12, 60, 64, 97])("length %i equals the DFT's definition and inverts", (n) => {
    const x = randomComplex(n, n);
    const y = x.slice();
    const plan = fftPlan(n);
    plan.forward(y);
    expect(maxDiff(y, naiveDft(x, n))).toBeLessThan(1e-10 * n);
    plan.inverse(y);
    expect(maxDiff(y, x)).toBeLessThan(1e-12 * n);
  });

  it("refuses a length that is not a positive integer", () => {
    expect(() => fftPlan(0)).toThrow(/`n` must be a positive integer, received 0/);
    expect(() => fftPlan(2.5)).toThrow(RangeError);
  });
});

describe("fft2d", () => {
  // 2D DFT by definition (rows then columns of the 1D definition).
  function naive2d(x: Float64Array, ny: number, nx: number): Float64Array {
    const out = x.slice();
    for (let y = 0; y < ny; y++) out.set(naiveDft(out.subarray(2 * y * nx, 2 * (y + 1) * nx), nx), 2 * y * nx);
    for (let xx = 0; xx < nx; xx++) {
      const col = new Float64Array(2 * ny);
      for (let y = 0; y < ny; y++) col.set(out.subarray(2 * (y * nx + xx), 2 * (y * nx + xx) + 2), 2 * y);
      const t = naiveDft(col, ny);
      for (let y = 0; y < ny; y++) out.set(t.subarray(2 * y, 2 * y + 2), 2 * (y * nx + xx));
    }
    return out;
  }

  it.each([
    [8, 8],
    [6, 10],
    [7, 5],
    [1, 9],
  ])("%i x %i: complex, real and inverse-real transforms agree with the definition", (ny, nx) => {
    const plan = fft2dPlan(ny, nx);
    const x = randomComplex(ny * nx, ny * 31 + nx);
    const expected = naive2d(x, ny, nx);
    const y = x.slice();
    fft2d(y, plan);
    expect(maxDiff(y, expected)).toBeLessThan(1e-10);
    fft2d(y, plan, true);
    expect(maxDiff(y, x)).toBeLessThan(1e-12);

    const real = Float64Array.from({ length: ny * nx }, (_, i) => x[2 * i]);
    const realAsComplex = new Float64Array(2 * ny * nx);
    real.forEach((v, i) => (realAsComplex[2 * i] = v));
    const spectrum = realFft2d(real, plan);
    expect(maxDiff(spectrum, naive2d(realAsComplex, ny, nx))).toBeLessThan(1e-10);
    const back = new Float64Array(ny * nx);
    inverseRealFft2d(spectrum.slice(), plan, back);
    expect(maxDiff(back, real)).toBeLessThan(1e-12);
  });

  it("refuses arrays of the wrong size", () => {
    const plan = fft2dPlan(4, 4);
    expect(() => fft2d(new Float64Array(10), plan)).toThrow(/Float64Array of 32 values/);
    expect(() => realFft2d(new Float64Array(10), plan)).toThrow(/16 values/);
  });
});
