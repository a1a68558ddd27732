import { checkInteger, checkPositive } from "../util/checks.js";

/**
 * Sampled 1D Gaussian kernel or one of its derivatives, as used by the
 * separable Gaussian filters: `2*radius + 1` taps for x = -radius..radius.
 *
 * Order 0 is `exp(-x^2 / (2 sigma^2))` normalised to sum 1; order n is
 * `q_n(x) * phi(x)`, the n-th derivative of the normalised Gaussian evaluated
 * at the taps, where the polynomial follows `q_{n+1} = q_n' - x q_n / sigma^2`
 * (q_0 = 1); e.g. order 1 is `-x/sigma^2 * phi`, order 2 is
 * `(x^2 - sigma^2)/sigma^4 * phi`. This is the construction of scipy's
 * `scipy.ndimage._filters._gaussian_kernel1d`.
 *
 * The result is a convolution kernel (index 0 is x = -radius): to correlate
 * with it (e.g. through {@link separableCorrelate}) reverse it. Order 0 and 2
 * are symmetric; odd orders are antisymmetric.
 *
 * @param sigma - Standard deviation in voxels, > 0.
 * @param order - Derivative order (0 smoothing, 1 first derivative, 2 second...).
 * @param radius - Half-width in taps, usually `Math.floor(truncate * sigma + 0.5)`.
 * @returns Float64Array of length `2*radius + 1`.
 * @see scipy.ndimage.gaussian_filter1d
 */
export function gaussianKernel1d(sigma: number, order: number, radius: number): Float64Array {
  checkKernelArgs(sigma, order);
  checkInteger(radius, "radius", 0);
  const n = 2 * radius + 1;
  const sigma2 = sigma * sigma;
  const phi = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = i - radius;
    phi[i] = Math.exp((-0.5 / sigma2) * x * x);
    sum += phi[i]!;
  }
  for (let i = 0; i < n; i++) phi[i] = phi[i]! / sum;
  if (order === 0) return phi;
  const q = derivativePolynomial(order, sigma2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = evalPolynomial(q, i - radius) * phi[i]!;
  return out;
}

/** Check a 1D Gaussian kernel's `sigma` (finite, > 0) and `order` (integer >= 0). @internal */
export function checkKernelArgs(sigma: number, order: number): void {
  checkPositive(sigma, "sigma");
  checkInteger(order, "order", 0);
}

/**
 * Coefficients `q[j]` of `x^j` of the polynomial of the n-th Gaussian
 * derivative (`d^n/dx^n phi = q_n(x) phi`): `q_{m+1} = q_m' - x q_m / sigma^2`,
 * `q_0 = 1`. @internal
 */
export function derivativePolynomial(order: number, sigma2: number): Float64Array {
  let q = new Float64Array(order + 1);
  q[0] = 1;
  for (let step = 0; step < order; step++) {
    const next = new Float64Array(order + 1);
    for (let j = 0; j < order; j++) next[j] = (j + 1) * q[j + 1]!;
    for (let j = 1; j <= order; j++) next[j] = next[j]! - q[j - 1]! / sigma2;
    q = next;
  }
  return q;
}

/** `sum_j q[j] x^j`, summed in increasing powers. @internal */
export function evalPolynomial(q: Float64Array, x: number): number {
  let poly = 0;
  let power = 1;
  for (let j = 0; j < q.length; j++) {
    poly += q[j]! * power;
    power *= x;
  }
  return poly;
}
