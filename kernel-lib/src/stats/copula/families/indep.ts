import type { CopulaFamilyDef } from "../types.js";

/** Independence copula C(u, v) = u v. */
export const indepDef: CopulaFamilyDef = {
  name: "indep",
  label: "independence",
  paramNames: [],
  lower: [],
  upper: [],
  make: () => ({ cdf: (u, v) => u * v, logpdf: () => 0, hfunc1: (_u, v) => v }),
  tau: () => 0,
  rotationless: true,
};
