import { checkNonNegative } from "../util/checks.js";
import { checkKernelArgs, derivativePolynomial, evalPolynomial } from "./gaussianKernel1d.js";

/**
 * Radius of vigra's sampled Gaussian (derivative) kernel, as chosen by
 * `Kernel1D::initGaussian` / `initGaussianDerivative`: with a window ratio
 * `w > 0` it is `(int)(w * sigma + 0.5)`, with `w = 0` (vigra's default)
 * `(int)((3 + 0.5 * order) * sigma + 0.5)`, and never less than 1.
 * @param sigma - Standard deviation in voxels, > 0.
 * @param order - Derivative order.
 * @param windowSize - vigra's `window_size` (ratio of radius to sigma); 0 for vigra's default.
 */
export function vigraKernelRadius(sigma: number, order: number, windowSize = 0): number {
  const ratio = windowSize > 0 ? windowSize : 3 + 0.5 * order;
  return Math.max(1, Math.trunc(ratio * sigma + 0.5));
}

/**
 * Sampled 1D Gaussian kernel or derivative with vigra's corrections, the
 * kernels behind vigra's (and so ilastik's) Gaussian filters:
 * `2*radius + 1` taps for x = -radius..radius (radius from
 * {@link vigraKernelRadius}).
 *
 * Order 0: `exp(-x^2 / (2 sigma^2))` normalised to sum 1. Order n > 0: the
 * n-th derivative of the Gaussian sampled at the taps, minus its mean (the DC
 * component left by truncation), scaled so that `sum_x k(x) (-x)^n / n! = 1`;
 * so convolving a polynomial of degree n gives its n-th derivative exactly,
 * even for the 3-tap kernels of small sigmas where the plain sampled
 * derivative ({@link gaussianKernel1d}) is far off.
 *
 * Like {@link gaussianKernel1d} the result is a convolution kernel (index 0 is
 * x = -radius); reverse it for correlation.
 *
 * @param sigma - Standard deviation in voxels, > 0.
 * @param order - Derivative order, 0, 1 or 2 (any integer >= 0 works).
 * @param windowSize - vigra's `window_size`: kernel radius in sigmas, 0 for vigra's default. @default 0
 * @returns Float64Array of length `2*radius + 1`.
 * @see vigra `Kernel1D::initGaussianDerivative` (include/vigra/separableconvolution.hxx)
 */
export function vigraGaussianKernel1d(sigma: number, order: number, windowSize = 0): Float64Array {
  checkKernelArgs(sigma, order);
  checkNonNegative(windowSize, "windowSize");
  const radius = vigraKernelRadius(sigma, order, windowSize);
  const n = 2 * radius + 1;
  const s2 = sigma * sigma;
  // Hermite-type polynomial of the n-th derivative.
  const q = derivativePolynomial(order, s2);
  const k = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = i - radius;
    k[i] =
      (evalPolynomial(q, x) * Math.exp((-0.5 / s2) * x * x)) / (Math.sqrt(2 * Math.PI) * sigma);
  }
  let sum = 0;
  if (order === 0) {
    for (let i = 0; i < n; i++) sum += k[i]!;
  } else {
    let dc = 0;
    for (let i = 0; i < n; i++) dc += k[i]!;
    dc /= n;
    let faculty = 1;
    for (let i = 2; i <= order; i++) faculty *= i;
    for (let i = 0; i < n; i++) {
      k[i] = k[i]! - dc;
      sum += (k[i]! * (-(i - radius)) ** order) / faculty;
    }
  }
  for (let i = 0; i < n; i++) k[i] = k[i]! / sum;
  return k;
}
