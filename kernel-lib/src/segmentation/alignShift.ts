/**
 * Phase correlation of two images: the translation between them from the peak
 * of the inverse DFT of their normalised cross-power spectrum, refined to a
 * fraction of a pixel by evaluating that inverse DFT on a fine grid around the
 * peak (Guizar-Sicairos et al. 2008, the method of scikit-image's
 * `phase_cross_correlation` with `upsample_factor`).
 * @internal (the public entry points are `phaseCorrelate` and `alignStack`)
 */
import { fft2dPlan, inverseRealFft2d, realFft2d, type Fft2dPlan } from "./fft.js";

/** Settings of one correlation. @internal */
export interface CorrelationSettings {
  /** Window applied after removing the mean: Tukey (cosine taper over the outer 10 % on each side), Hann, or none (image as given). */
  window: "tukey" | "hann" | "none";
  /** Standard deviation (cycles / pixel) of a Gaussian weight on the cross-power spectrum; 0 = none. */
  lowpass: number;
  /** Exponent p of the cross-power normalisation F conj(G) / |F conj(G)|^p (1: phase correlation, 0: plain cross-correlation). */
  whiten: number;
  /** Refine the integer peak on a grid of 1 / upsample pixel (1 = integer shifts only). */
  upsample: number;
  /** Largest |dy| and |dx| searched, pixels (Infinity = half the image). */
  maxShift: number;
}

/** Translation of the moving image relative to the reference: moving(y, x) ~ reference(y - dy, x - dx). @internal */
export interface ShiftPeak {
  dy: number;
  dx: number;
  /** Height of the correlation peak relative to its bound sum |R| / n (1 for a pure cyclic shift). */
  peak: number;
}

/** Fraction of a Tukey window's points in its two cosine tapers. */
export const TUKEY_ALPHA = 0.2;

/** The symmetric Hann window of n points (numpy's `hanning`): 0 at both ends. */
export function hannWindow(n: number): Float64Array {
  return tukeyWindow(n, 1);
}

/**
 * The symmetric Tukey (tapered cosine) window of n points (scipy's `tukey`): a cosine
 * taper over a fraction `alpha` of the points, split between the two ends, 1 in between;
 * alpha = 1 is the Hann window, alpha = 0 a constant 1.
 */
export function tukeyWindow(n: number, alpha: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (n === 1 || alpha <= 0) return w;
  const edge = (alpha * (n - 1)) / 2;
  for (let i = 0; i < n; i++) {
    const d = Math.min(i, n - 1 - i);
    if (d < edge) w[i] = 0.5 - 0.5 * Math.cos((Math.PI * d) / edge);
  }
  return w;
}

/** Thread-local plans, windows and buffers for correlating ny x nx images. @internal */
export class Correlator {
  readonly plan: Fft2dPlan;
  private readonly wy: Float64Array;
  private readonly wx: Float64Array;
  private readonly product: Float64Array;
  private readonly work: Float64Array;
  private readonly cc: Float64Array;
  private readonly real: Float64Array;
  private rowPart: Float64Array = new Float64Array(0);
  /** Separable Gaussian weights of the spectrum per ky and kx, or null without a low-pass. */
  private readonly gains: { y: Float64Array; x: Float64Array } | null;

  constructor(
    readonly ny: number,
    readonly nx: number,
    readonly settings: CorrelationSettings,
  ) {
    this.plan = fft2dPlan(ny, nx);
    const alpha = settings.window === "hann" ? 1 : settings.window === "tukey" ? TUKEY_ALPHA : 0;
    this.wy = tukeyWindow(ny, alpha);
    this.wx = tukeyWindow(nx, alpha);
    this.product = new Float64Array(2 * ny * nx);
    const lp = settings.lowpass;
    this.gains = lp > 0 && Number.isFinite(lp) ? { y: gaussianGains(ny, lp), x: gaussianGains(nx, lp) } : null;
    this.work = new Float64Array(2 * ny * nx);
    this.cc = new Float64Array(ny * nx);
    this.real = new Float64Array(ny * nx);
  }

  /** The DFT of an image (windowed after removing its mean when the settings say so). */
  spectrum(image: ArrayLike<number>, offset = 0): Float64Array {
    const { ny, nx, wy, wx } = this;
    const n = ny * nx;
    if (this.settings.window === "none") return realFft2d(image, this.plan, undefined, offset);
    const r = this.real;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += image[offset + i];
    const mean = sum / n;
    for (let y = 0, i = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) r[i] = (image[offset + i] - mean) * wy[y] * wx[x];
    return realFft2d(r, this.plan);
  }

  /**
   * The translation of `moving` relative to `reference`, both given by their
   * spectra ({@link Correlator.spectrum}).
   */
  shift(reference: Float64Array, moving: Float64Array): ShiftPeak {
    const { ny, nx, product: p } = this;
    const n = ny * nx;
    // Normalised cross-power spectrum R = F conj(G) / |F conj(G)|^p (skimage's 100 eps floor).
    const floor = 100 * Number.EPSILON;
    const power = this.settings.whiten;
    let total = 0;
    const gains = this.gains;
    for (let i = 0; i < 2 * n; i += 2) {
      const fr = reference[i];
      const fi = reference[i + 1];
      const gr = moving[i];
      const gi = moving[i + 1];
      const re = fr * gr + fi * gi;
      const im = fi * gr - fr * gi;
      const abs = Math.sqrt(re * re + im * im);
      const a = abs > floor ? abs : floor;
      const mag = power === 1 ? a : power === 0.5 ? Math.sqrt(a) : power === 0 ? 1 : a ** power;
      const k = i >> 1;
      const w = gains ? gains.y[(k / nx) | 0] * gains.x[k % nx] : 1;
      p[i] = (w * re) / mag;
      p[i + 1] = (w * im) / mag;
      total += (w * abs) / mag;
    }
    // |cc| <= sum |R| / n: the peak is reported relative to that bound.
    const scale = total > 0 ? n / total : 0;
    this.work.set(p);
    const cc = this.cc;
    inverseRealFft2d(this.work, this.plan, cc);
    // Integer peak of |cc| within maxShift; cc(y) peaks at y = -(moving's displacement).
    const limit = this.settings.maxShift;
    let best = -1;
    let by = 0;
    let bx = 0;
    for (let y = 0; y < ny; y++) {
      const sy = y > Math.trunc(ny / 2) ? y - ny : y;
      if (Math.abs(sy) > limit) continue;
      for (let x = 0; x < nx; x++) {
        const sx = x > Math.trunc(nx / 2) ? x - nx : x;
        if (Math.abs(sx) > limit) continue;
        const v = cc[y * nx + x];
        const m = v * v;
        if (m > best) {
          best = m;
          by = sy;
          bx = sx;
        }
      }
    }
    if (this.settings.upsample <= 1) return { dy: 0 - by, dx: 0 - bx, peak: Math.sqrt(best) * scale };
    const fine = this.refine(p, by, bx);
    return { dy: 0 - fine.y, dx: 0 - fine.x, peak: fine.peak * scale };
  }

  /**
   * Evaluate the inverse DFT of the cross-power spectrum `r` on a grid of
   * 1 / upsample pixel, ceil(1.5 upsample) points per axis centred on the
   * integer peak (y0, x0), and return the finest peak (as skimage).
   */
  private refine(r: Float64Array, y0: number, x0: number): { y: number; x: number; peak: number } {
    const { ny, nx } = this;
    const u = this.settings.upsample;
    const size = Math.ceil(1.5 * u);
    const centre = Math.trunc(size / 2);
    const pos = (k: number, origin: number) => origin + (k - centre) / u;
    // Row pass: T[ky][v] = sum_kx R[ky][kx] exp(2 pi i fx(kx) x_v).
    const ex = twiddles(nx, size, (v) => pos(v, x0));
    const ey = twiddles(ny, size, (v) => pos(v, y0));
    if (this.rowPart.length !== 2 * ny * size) this.rowPart = new Float64Array(2 * ny * size);
    const t = this.rowPart;
    for (let ky = 0; ky < ny; ky++) {
      const row = 2 * ky * nx;
      for (let v = 0; v < size; v++) {
        const e = 2 * v * nx;
        let sr = 0;
        let si = 0;
        for (let kx = 0; kx < nx; kx++) {
          const ar = r[row + 2 * kx];
          const ai = r[row + 2 * kx + 1];
          const br = ex[e + 2 * kx];
          const bi = ex[e + 2 * kx + 1];
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
        }
        t[2 * (ky * size + v)] = sr;
        t[2 * (ky * size + v) + 1] = si;
      }
    }
    let best = -1;
    let bu = centre;
    let bv = centre;
    for (let w = 0; w < size; w++) {
      const e = 2 * w * ny;
      for (let v = 0; v < size; v++) {
        let sr = 0;
        let si = 0;
        for (let ky = 0; ky < ny; ky++) {
          const ar = t[2 * (ky * size + v)];
          const ai = t[2 * (ky * size + v) + 1];
          const br = ey[e + 2 * ky];
          const bi = ey[e + 2 * ky + 1];
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
        }
        const m = sr * sr + si * si;
        if (m > best) {
          best = m;
          bu = w;
          bv = v;
        }
      }
    }
    return { y: pos(bu, y0), x: pos(bv, x0), peak: Math.sqrt(best) / (ny * nx) };
  }
}

/** exp(-f^2 / (2 sigma^2)) for the signed DFT frequency f = k / n of each k < n. */
function gaussianGains(n: number, sigma: number): Float64Array {
  const g = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const f = (k > n / 2 ? k - n : k) / n;
    g[k] = Math.exp(-(f * f) / (2 * sigma * sigma));
  }
  return g;
}

/** exp(2 pi i f(k) p_v) for v < size, k < n, f the signed DFT frequency k / n; rows of n complex values. */
function twiddles(n: number, size: number, position: (v: number) => number): Float64Array {
  const out = new Float64Array(2 * n * size);
  for (let v = 0; v < size; v++) {
    const p = position(v);
    for (let k = 0; k < n; k++) {
      const f = (k > Math.trunc((n - 1) / 2) ? k - n : k) / n;
      const a = 2 * Math.PI * f * p;
      out[2 * (v * n + k)] = Math.cos(a);
      out[2 * (v * n + k) + 1] = Math.sin(a);
    }
  }
  return out;
}
