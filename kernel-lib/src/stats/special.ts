/**
 * Special functions used by the distributions and copulas: log-gamma,
 * error function, normal cdf / quantile with accurate tails, Debye
 * functions. Internal module (re-exported names are listed in index.ts).
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log |Gamma(x)| (Lanczos, g = 7, n = 9; relative error about 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Gamma(x). */
export function gammaFn(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFn(1 - x));
  if (x > 171.7) return Infinity;
  return Math.exp(logGamma(x));
}

/** log B(a, b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erfc(x) for x >= 0 by Lentz's continued fraction (x >= 2) or 1 - series. */
function erfcPositive(x: number): number {
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27.3) return 0;
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

function erfSeries(x: number): number {
  // erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)), no cancellation.
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** Error function. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  const r = a < 2 ? erfSeries(a) : 1 - erfcPositive(a);
  return x < 0 ? -r : r;
}

/** Complementary error function, accurate in the upper tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x >= 0 ? erfcPositive(x) : 2 - erfcPositive(-x);
}

/** Standard normal cdf Phi(x), accurate in both tails. */
export function normCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** log Phi(x), finite for very negative x (asymptotic series below -37). */
export function normLogCdf(x: number): number {
  if (x > -37) return Math.log(normCdf(x));
  // Phi(x) ~ phi(x)/|x| * (1 - 1/x^2 + 3/x^4 - 15/x^6)
  const x2 = x * x;
  return (
    -0.5 * x2 -
    LOG_SQRT_2PI -
    Math.log(-x) +
    Math.log1p(-1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2))
  );
}

/** log of the standard normal density. */
export function normLogPdf(x: number): number {
  return -0.5 * x * x - LOG_SQRT_2PI;
}

const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239,
];
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1,
];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Standard normal quantile (Acklam's rational approximation refined by one Halley step). */
export function normQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  let x: number;
  const plow = 0.02425;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
      ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  } else if (p <= 1 - plow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
      (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x =
      -(((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
      ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  }
  // Halley refinement on the tail that is represented accurately.
  for (let it = 0; it < 2; it++) {
    const e = x < 0 ? normCdf(x) - p : 1 - p - normCdf(-x);
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
    if (!Number.isFinite(u)) break;
    x = x - u / (1 + 0.5 * x * u);
  }
  return x;
}

/**
 * Debye function D_n(x) = n / x^n * int_0^x t^n / (e^t - 1) dt (x > 0), used
 * by Frank's Kendall's tau and Spearman's rho. D_n(-x) = D_n(x) + n x / (n + 1).
 */
export function debye(n: number, x: number): number {
  if (x === 0) return 1;
  if (x < 0) return debye(n, -x) + (n * -x) / (n + 1);
  // Gauss-Legendre on [0, x] in panels; integrand smooth.
  const panels = Math.max(4, Math.ceil(x / 2));
  const h = x / panels;
  let s = 0;
  for (let p = 0; p < panels; p++) {
    const a = p * h;
    for (let i = 0; i < GL20_X.length; i++) {
      const t = a + 0.5 * h * (GL20_X[i]! + 1);
      const f = t === 0 ? 0 : Math.pow(t, n) / Math.expm1(t);
      s += 0.5 * h * GL20_W[i]! * f;
    }
  }
  return (n / Math.pow(x, n)) * s;
}

// 20-point Gauss-Legendre nodes and weights on [-1, 1], computed once.
const [GL20_X, GL20_W] = gaussLegendre(20);

/**
 * Gauss-Legendre nodes and weights on [-1, 1] (Newton iteration on the
 * Legendre polynomial, Golub-Welsch-free classic method).
 */
export function gaussLegendre(n: number): [Float64Array, Float64Array] {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  for (let i = 0; i < m; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j + 1) * z * p2 - j * p3) / (j + 1);
      }
      pp = (n * (z * p1 - p2)) / (z * z - 1);
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) < 1e-15) break;
    }
    x[i] = -z;
    x[n - 1 - i] = z;
    w[i] = 2 / ((1 - z * z) * pp * pp);
    w[n - 1 - i] = w[i]!;
  }
  return [x, w];
}
