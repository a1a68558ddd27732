import type { BivariateModel } from "./bivariate.js";
import { bivariateModel } from "./bivariate.js";
import { beta, betaFamily } from "./beta.js";
import { createCopula } from "./copula/copula.js";
import type { CopulaFitTable, FitCopulasOptions } from "./copula/fit.js";
import type { Copula, CopulaSpec } from "./copula/types.js";
import type { Distribution, UnivariateFamily } from "./distribution.js";
import type { FitTable } from "./fitBest.js";
import { fitMarginals, fitPairCopulas } from "./fitModels.js";
import { gammaFamily } from "./gamma.js";
import { gev, gevFamily } from "./gev.js";
import { invgauss, invgaussFamily } from "./invgauss.js";
import { lognormalFamily } from "./lognormal.js";
import { normalFamily } from "./normal.js";
import { createRng } from "./random.js";
import { sinDensity, sinFamily } from "./sinDensity.js";
import { truncate, truncatedFamily, truncatedNormalMixture, truncatedNormalMixtureFamily } from "./truncate.js";
import { weibullFamily } from "./weibull.js";

/** Grain characteristics of Furat et al. (section 2.4). */
export type Paper2Characteristic = "d" | "s" | "c" | "e" | "phi" | "theta";
/** Modelled pairs of Table 4, `x_y` with x the copula's first argument. */
export type Paper2Pair = "d_s" | "d_c" | "s_c" | "s_e" | "c_e" | "theta_phi";

export const PAPER2_CHARACTERISTICS: readonly Paper2Characteristic[] = ["d", "s", "c", "e", "phi", "theta"];
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
  marginals: Record<Paper2Characteristic, Distribution>;
  /** Table 1 as printed: family and parameters of each characteristic. */
  table1: Record<Paper2Characteristic, { family: string; params: Record<string, number> }>;
  copulas: Record<Paper2Pair, { x: Paper2Characteristic; y: Paper2Characteristic; spec: Required<CopulaSpec>; copula: Copula }>;
  bivariate: Record<Paper2Pair, BivariateModel>;
  /** Table 2's empirical columns (mean, std). */
  empiricalMoments: Record<Paper2Characteristic, { mean: number; std: number }>;
  /** Table 3's empirical correlations. */
  empiricalCorrelation: Record<Paper2Pair, number>;
  /** Axis labels. */
  labels: Readonly<Record<Paper2Characteristic, string>>;
}

const PI = Math.PI;

/**
 * The fitted models published by Furat et al. (Tables 1 and 4), which define
 * Fig. 7's densities and Fig. 8's bivariate densities completely.
 * BB1 and BB8 parameters: the paper's kappa is vinecopulib's theta (first parameter).
 * @example
 * const m = paper2Models();
 * bivariateCorrelation(m.bivariate.s_c); // Table 3, model column
 */
export function paper2Models(): Paper2Models {
  const table1: Paper2Models["table1"] = {
    d: { family: "inverse Gaussian", params: { mu: 513.8, lambda: 4600 } },
    s: { family: "beta", params: { a: 40.1, b: 7.2 } },
    c: { family: "GEV truncated to [0, 1]", params: { k: 0, mu: 0.82, sigma: 0.048 } },
    e: { family: "GEV truncated to [0, 1]", params: { k: -0.42, mu: 0.72, sigma: 0.086 } },
    phi: { family: "mixture of two normals truncated to [-pi, pi)", params: { mu1: -1.7, mu2: 1.6, sigma1: 1, sigma2: 0.8, lambda: 0.4 } },
    theta: { family: "sin density on [0, pi/2]", params: {} },
  };
  const marginals: Record<Paper2Characteristic, Distribution> = {
    d: invgauss({ mu: 513.8, lambda: 4600 }),
    s: beta({ a: 40.1, b: 7.2 }),
    c: truncate(gev({ k: 0, mu: 0.82, sigma: 0.048 }), 0, 1),
    e: truncate(gev({ k: -0.42, mu: 0.72, sigma: 0.086 }), 0, 1),
    phi: truncatedNormalMixture({ mu1: -1.7, mu2: 1.6, sigma1: 1, sigma2: 0.8, lambda: 0.4 }),
    theta: sinDensity(),
  };
  const specs: Record<Paper2Pair, Required<CopulaSpec>> = {
    d_s: { family: "bb8", params: [4.24, 0.6], rotation: 270 },
    d_c: { family: "bb8", params: [2.7, 0.7], rotation: 270 },
    s_c: { family: "bb1", params: [0.36, 3.13], rotation: 180 },
    s_e: { family: "bb1", params: [0.47, 1.47], rotation: 0 },
    c_e: { family: "bb8", params: [5.6, 0.52], rotation: 180 },
    theta_phi: { family: "bb8", params: [1.1, 0.82], rotation: 270 },
  };
  const copulas = {} as Paper2Models["copulas"];
  const bivariate = {} as Paper2Models["bivariate"];
  for (const pair of PAPER2_PAIRS) {
    const [x, y] = pair.split("_") as [Paper2Characteristic, Paper2Characteristic];
    const copula = createCopula(specs[pair]);
    copulas[pair] = { x, y, spec: specs[pair], copula };
    bivariate[pair] = bivariateModel(marginals[x], marginals[y], copula);
  }
  return {
    marginals,
    table1,
    copulas,
    bivariate,
    empiricalMoments: {
      d: { mean: 513.81, std: 172.56 },
      s: { mean: 0.85, std: 0.053 },
      c: { mean: 0.79, std: 0.062 },
      e: { mean: 0.75, std: 0.081 },
      phi: { mean: 0.39, std: 1.7 },
      theta: { mean: 1.03, std: 0.382 },
    },
    empiricalCorrelation: { d_s: -0.468, d_c: -0.3418, s_c: 0.9209, s_e: 0.6757, c_e: 0.51, theta_phi: -0.0473 },
    labels: PAPER2_LABELS,
  };
}

/**
 * Candidate families for refitting each characteristic (Furat et al., 2.5:
 * log-normal, gamma, Weibull, inverse Gaussian, beta, GEV, ...; characteristics
 * in [0, 1] also get the GEV truncated to [0, 1], angles get their circular models).
 */
export function paper2CandidateFamilies(): Record<Paper2Characteristic, UnivariateFamily[]> {
  const unit = [betaFamily, truncatedFamily(gevFamily, 0, 1), normalFamily, lognormalFamily, gammaFamily, weibullFamily];
  return {
    d: [invgaussFamily, lognormalFamily, gammaFamily, weibullFamily, normalFamily, gevFamily],
    s: unit,
    c: unit,
    e: unit,
    phi: [truncatedNormalMixtureFamily, truncatedFamily(normalFamily, -PI, PI)],
    // theta lies in [0, pi/2]: the sin density, a truncated normal, and Weibull / gamma on (0, inf).
    theta: [sinFamily, truncatedFamily(normalFamily, 0, PI / 2), weibullFamily, gammaFamily],
  };
}

/** Options of {@link paper2Refit}. */
export interface Paper2RefitOptions extends FitCopulasOptions {
  /** Sample size per characteristic and per pair (the paper fitted a few hundred grains). @default 300 */
  n?: number;
  /** Seed of the simulation. @default 1 */
  seed?: number;
  /** Pseudo-observations from the refitted marginals (as the paper) or from ranks. @default "marginals" */
  pseudoObs?: "marginals" | "ranks";
}

/** Result of {@link paper2Refit}. */
export interface Paper2Refit {
  /** Simulated values of each characteristic (drawn from its Table 1 marginal). */
  samples: Record<Paper2Characteristic, Float64Array>;
  /** Simulated pairs (drawn from each Table 4 bivariate model, independently per pair). */
  pairSamples: Record<Paper2Pair, { x: Float64Array; y: Float64Array }>;
  /** Ranked univariate fits per characteristic. */
  marginalFits: Record<Paper2Characteristic, FitTable>;
  /** Best refitted marginal per characteristic. */
  marginals: Record<Paper2Characteristic, Distribution>;
  /** Ranked copula fits per pair. */
  copulaFits: Record<Paper2Pair, CopulaFitTable>;
  /** Refitted bivariate models (best marginals and best copula). */
  bivariate: Record<Paper2Pair, BivariateModel>;
}

/**
 * Simulation study of Furat et al.'s fitting procedure: draw samples from
 * the published models (Tables 1 and 4), refit every characteristic with
 * {@link paper2CandidateFamilies} and every pair with all copula families and
 * rotations, and rank by AIC.
 */
export function paper2Refit(options: Paper2RefitOptions = {}): Paper2Refit {
  const n = options.n ?? 300;
  const rng = createRng(options.seed ?? 1);
  const models = paper2Models();
  const samples = {} as Paper2Refit["samples"];
  for (const k of PAPER2_CHARACTERISTICS) samples[k] = models.marginals[k].sample(n, rng);
  const pairSamples = {} as Paper2Refit["pairSamples"];
  for (const p of PAPER2_PAIRS) pairSamples[p] = models.bivariate[p].sample(n, rng);
  const marginalFits = fitMarginals(samples, paper2CandidateFamilies()) as Record<Paper2Characteristic, FitTable>;
  const marginals = {} as Paper2Refit["marginals"];
  for (const k of PAPER2_CHARACTERISTICS) marginals[k] = marginalFits[k].best.distribution;
  const copulaFits = {} as Paper2Refit["copulaFits"];
  const bivariate = {} as Paper2Refit["bivariate"];
  for (const p of PAPER2_PAIRS) {
    const { x, y } = models.copulas[p];
    const s = pairSamples[p];
    const fit = fitPairCopulas({ [x]: s.x, [y]: s.y }, [[x, y]], { ...options, marginals: options.pseudoObs === "ranks" ? undefined : marginals })[`${x}_${y}`]!;
    copulaFits[p] = fit;
    bivariate[p] = bivariateModel(marginals[x], marginals[y], fit.best.copula);
  }
  return { samples, pairSamples, marginalFits, marginals, copulaFits, bivariate };
}
