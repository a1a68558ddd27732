// Furat et al. (grain statistics of an NMC532 particle): the published models, Tables 1 and 4,
// and the empirical values of Tables 2 and 3.
import { beta } from "../../stats/beta.js";
import { bivariateModel, type BivariateModel } from "../../stats/bivariate.js";
import { createCopula } from "../../stats/copula/copula.js";
import type { Copula, CopulaSpec } from "../../stats/copula/types.js";
import type { Distribution } from "../../stats/distribution.js";
import { gev } from "../../stats/gev.js";
import { invgauss } from "../../stats/invgauss.js";
import { gevMinima } from "../../stats/reflect.js";
import { checkOneOf } from "../../util/checks.js";
import { sinDensity } from "../../stats/sinDensity.js";
import { truncate, truncatedNormalMixture } from "../../stats/truncate.js";

/** Grain characteristics of Furat et al. (section 2.4). */
export type Paper2Characteristic = "d" | "s" | "c" | "e" | "phi" | "theta";
/** Modelled pairs of Table 4, `x_y` with x the copula's first argument. */
export type Paper2Pair = "d_s" | "d_c" | "s_c" | "s_e" | "c_e" | "theta_phi";

export const PAPER2_CHARACTERISTICS: readonly Paper2Characteristic[] = [
  "d",
  "s",
  "c",
  "e",
  "phi",
  "theta",
];
export const PAPER2_PAIRS: readonly Paper2Pair[] = ["d_s", "d_c", "s_c", "s_e", "c_e", "theta_phi"];

/** Axis labels of the characteristics. */
export const PAPER2_LABELS: Readonly<Record<Paper2Characteristic, string>> = {
  d: "volume-equivalent diameter d (nm)",
  s: "sphericity s",
  c: "convexity c",
  e: "elongation e",
  phi: "azimuth phi (rad)",
  theta: "polar angle theta (rad)",
};

/** The published models of Furat et al.: Table 1 marginals, Table 4 copulas, Tables 2-3 empirical values. */
export interface Paper2Models {
  /** How Table 1 was read. */
  reading: Paper2Reading;
  marginals: Record<Paper2Characteristic, Distribution>;
  /** Table 1 as printed: family and parameters of each characteristic. */
  table1: Record<Paper2Characteristic, { family: string; params: Record<string, number> }>;
  copulas: Record<
    Paper2Pair,
    { x: Paper2Characteristic; y: Paper2Characteristic; spec: Required<CopulaSpec>; copula: Copula }
  >;
  bivariate: Record<Paper2Pair, BivariateModel>;
  /** Table 2's empirical columns (mean, std). */
  empiricalMoments: Record<Paper2Characteristic, { mean: number; std: number }>;
  /** Table 3's empirical correlations. */
  empiricalCorrelation: Record<Paper2Pair, number>;
  /** Axis labels. */
  labels: Readonly<Record<Paper2Characteristic, string>>;
}

/** Table 1 as published: the fitted marginal of each characteristic (Eqs. 17-21). */
export const PAPER2_TABLE1 = {
  d: { family: "inverse Gaussian", params: { mu: 513.8, lambda: 4600 } },
  s: { family: "beta", params: { a: 40.1, b: 7.2 } },
  c: { family: "GEV truncated to [0, 1]", params: { k: 0, mu: 0.82, sigma: 0.048 } },
  e: { family: "GEV truncated to [0, 1]", params: { k: -0.42, mu: 0.72, sigma: 0.086 } },
  phi: {
    family: "mixture of two normals truncated to [-pi, pi)",
    params: { mu1: -1.7, mu2: 1.6, sigma1: 1, sigma2: 0.8, lambda: 0.4 },
  },
  theta: { family: "sin density on [0, pi/2]", params: {} },
} as const satisfies Record<
  Paper2Characteristic,
  { family: string; params: Readonly<Record<string, number>> }
>;

/**
 * Table 4 as published: the copula of each pair (Eqs. 22-23), rotations as in
 * VineCopula / vinecopulib; the paper's kappa is the first parameter theta.
 */
export const PAPER2_TABLE4: Readonly<Record<Paper2Pair, Readonly<Required<CopulaSpec>>>> = {
  d_s: { family: "bb8", params: [4.24, 0.6], rotation: 270 },
  d_c: { family: "bb8", params: [2.7, 0.7], rotation: 270 },
  s_c: { family: "bb1", params: [0.36, 3.13], rotation: 180 },
  s_e: { family: "bb1", params: [0.47, 1.47], rotation: 0 },
  c_e: { family: "bb8", params: [5.6, 0.52], rotation: 180 },
  theta_phi: { family: "bb8", params: [1.1, 0.82], rotation: 270 },
};

/** Table 2's empirical columns as published: mean and standard deviation of each characteristic. */
export const PAPER2_TABLE2_EMPIRICAL: Readonly<
  Record<Paper2Characteristic, { mean: number; std: number }>
> = {
  d: { mean: 513.81, std: 172.56 },
  s: { mean: 0.85, std: 0.053 },
  c: { mean: 0.79, std: 0.062 },
  e: { mean: 0.75, std: 0.081 },
  phi: { mean: 0.39, std: 1.7 },
  theta: { mean: 1.03, std: 0.382 },
};

/** Table 3's empirical correlations as published. */
export const PAPER2_TABLE3_EMPIRICAL: Readonly<Record<Paper2Pair, number>> = {
  d_s: -0.468,
  d_c: -0.3418,
  s_c: 0.9209,
  s_e: 0.6757,
  c_e: 0.51,
  theta_phi: -0.0473,
};

/**
 * How Table 1 is read. `"literal"`: every GEV as printed in Eq. 19 (a GEV for
 * maxima). `"adopted"`: the reading under which the paper's own model columns
 * come out (see `paper2Readings`): the convexity c's GEV with k = 0 is the
 * extreme value distribution for minima (MATLAB's `evpdf`), mean mu - gamma sigma;
 * everything else as printed.
 */
export type Paper2Reading = "literal" | "adopted";

/** Options of {@link paper2Models}. */
export interface Paper2ModelsOptions {
  /** How Table 1 is read ({@link Paper2Reading}). @default "literal" */
  reading?: Paper2Reading;
}

/**
 * The marginal of one characteristic from Table 1's family with the given
 * parameters, under a reading of Table 1 (e.g. with parameters perturbed by
 * their rounding, or a refit).
 * @param k - The characteristic.
 * @param params - Its parameters, named as in {@link PAPER2_TABLE1}.
 * @param reading - How Table 1 is read. @default "literal"
 */
export function paper2Marginal(
  k: Paper2Characteristic,
  params: Readonly<Record<string, number>>,
  reading: Paper2Reading = "literal",
): Distribution {
  const p = params as Record<string, number>;
  const g = { k: p.k!, mu: p.mu!, sigma: p.sigma! };
  switch (checkOneOf(k, "characteristic", PAPER2_CHARACTERISTICS)) {
    case "d":
      return invgauss({ mu: p.mu!, lambda: p.lambda! });
    case "s":
      return beta({ a: p.a!, b: p.b! });
    case "c":
      return truncate(reading === "adopted" ? gevMinima(g) : gev(g), 0, 1);
    case "e":
      return truncate(gev(g), 0, 1);
    case "phi":
      return truncatedNormalMixture({
        mu1: p.mu1!,
        mu2: p.mu2!,
        sigma1: p.sigma1!,
        sigma2: p.sigma2!,
        lambda: p.lambda!,
      });
    case "theta":
      return sinDensity();
  }
}

/**
 * The fitted models published by Furat et al. (Tables 1 and 4), which define
 * Fig. 7's densities and Fig. 8's bivariate densities completely, with the
 * empirical values of Tables 2 and 3. Every call builds new objects.
 * @param options - `reading` (default `"literal"`).
 * @example
 * const m = paper2Models({ reading: "adopted" });
 * bivariateCorrelation(m.bivariate.s_c); // Table 3, model column
 */
export function paper2Models(options: Paper2ModelsOptions = {}): Paper2Models {
  const reading = checkOneOf(options.reading ?? "literal", "reading", ["literal", "adopted"]);
  const t1 = PAPER2_TABLE1;
  const table1 = Object.fromEntries(
    PAPER2_CHARACTERISTICS.map((k) => [
      k,
      { family: t1[k].family, params: { ...t1[k].params } as Record<string, number> },
    ]),
  ) as Paper2Models["table1"];
  const marginals = Object.fromEntries(
    PAPER2_CHARACTERISTICS.map((k) => [k, paper2Marginal(k, t1[k].params, reading)]),
  ) as Record<Paper2Characteristic, Distribution>;
  const copulas = {} as Paper2Models["copulas"];
  const bivariate = {} as Paper2Models["bivariate"];
  for (const pair of PAPER2_PAIRS) {
    const [x, y] = pair.split("_") as [Paper2Characteristic, Paper2Characteristic];
    const published = PAPER2_TABLE4[pair];
    const spec: Required<CopulaSpec> = { ...published, params: [...published.params] };
    const copula = createCopula(spec);
    copulas[pair] = { x, y, spec, copula };
    bivariate[pair] = bivariateModel(marginals[x], marginals[y], copula);
  }
  return {
    reading,
    marginals,
    table1,
    copulas,
    bivariate,
    empiricalMoments: Object.fromEntries(
      PAPER2_CHARACTERISTICS.map((k) => [k, { ...PAPER2_TABLE2_EMPIRICAL[k] }]),
    ) as Paper2Models["empiricalMoments"],
    empiricalCorrelation: { ...PAPER2_TABLE3_EMPIRICAL },
    labels: PAPER2_LABELS,
  };
}
