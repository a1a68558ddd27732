import type { Distribution } from "./distribution.js";
import { drawSample, familyOf } from "./distribution.js";

/**
 * The density f(theta) = sin(theta) on [0, pi/2] (Furat et al., Eq. 21): the
 * polar angle of an isotropic axis in the upper half-space.
 * F(theta) = 1 - cos(theta), mean 1, variance pi - 3.
 */
export function sinDensity(): Distribution {
  const half = Math.PI / 2;
  const quantile = (p: number): number =>
    Number.isNaN(p) || p < 0 || p > 1 ? NaN : Math.acos(1 - p);
  return {
    family: "sin",
    params: {},
    support: [0, half],
    logpdf: (x) => (x < 0 || x > half ? -Infinity : Math.log(Math.sin(x))),
    pdf: (x) => (x < 0 || x > half ? 0 : Math.sin(x)),
    cdf: (x) => (x <= 0 ? 0 : x >= half ? 1 : 2 * Math.sin(x / 2) ** 2),
    quantile,
    sample: (n, rng) => drawSample(n, rng, (r) => quantile(r.next())),
    mean: () => 1,
    variance: () => Math.PI - 3,
  };
}

/** The parameter-free sin density on [0, pi/2] as a "family" (for AIC tables). */
export const sinFamily = familyOf({
  name: "sin",
  label: "sin density on [0, pi/2]",
  params: {},
  domain: { lower: 0, upper: Math.PI / 2 },
  create: () => sinDensity(),
  start: () => [{}],
});
