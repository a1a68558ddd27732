import type { BivariateModel } from "./bivariate.js";
import { bivariateCorrelation, bivariateModel } from "./bivariate.js";
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
import {
  truncate,
  truncatedFamily,
  truncatedNormalMixture,
  truncatedNormalMixtureFamily,
} from "./truncate.js";
import { weibullFamily } from "./weibull.js";

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
    phi: {
      family: "mixture of two normals truncated to [-pi, pi)",
      params: { mu1: -1.7, mu2: 1.6, sigma1: 1, sigma2: 0.8, lambda: 0.4 },
    },
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
    empiricalCorrelation: {
      d_s: -0.468,
      d_c: -0.3418,
      s_c: 0.9209,
      s_e: 0.6757,
      c_e: 0.51,
      theta_phi: -0.0473,
    },
    labels: PAPER2_LABELS,
  };
}

/**
 * Candidate families for refitting each characteristic (Furat et al., 2.5:
 * log-normal, gamma, Weibull, inverse Gaussian, beta, GEV, ...; characteristics
 * in [0, 1] also get the GEV truncated to [0, 1], angles get their circular models).
 */
export function paper2CandidateFamilies(): Record<Paper2Characteristic, UnivariateFamily[]> {
  const unit = [
    betaFamily,
    truncatedFamily(gevFamily, 0, 1),
    normalFamily,
    lognormalFamily,
    gammaFamily,
    weibullFamily,
  ];
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
  const marginalFits = fitMarginals(samples, paper2CandidateFamilies()) as Record<
    Paper2Characteristic,
    FitTable
  >;
  const marginals = {} as Paper2Refit["marginals"];
  for (const k of PAPER2_CHARACTERISTICS) marginals[k] = marginalFits[k].best.distribution;
  const copulaFits = {} as Paper2Refit["copulaFits"];
  const bivariate = {} as Paper2Refit["bivariate"];
  for (const p of PAPER2_PAIRS) {
    const { x, y } = models.copulas[p];
    const s = pairSamples[p];
    const fit = fitPairCopulas({ [x]: s.x, [y]: s.y }, [[x, y]], {
      ...options,
      marginals: options.pseudoObs === "ranks" ? undefined : marginals,
    })[`${x}_${y}`]!;
    copulaFits[p] = fit;
    bivariate[p] = bivariateModel(marginals[x], marginals[y], fit.best.copula);
  }
  return { samples, pairSamples, marginalFits, marginals, copulaFits, bivariate };
}

/** Column tables of the paper's Tables 1-4 for display (e.g. with `tableFigure`). */
export interface Paper2TableColumns {
  [column: string]: (string | number)[];
}

const fmtParams = (p: Record<string, number>): string =>
  Object.entries(p)
    .map(([k, v]) => `${k} = ${Number(v.toPrecision(4))}`)
    .join(", ") || "-";

/**
 * Tables of Furat et al. computed from models (published or refitted):
 * Table 1 (marginal families and parameters), Table 2 (model mean and std beside the
 * paper's empirical values), Table 3 (model correlation, Eq. 24, beside the empirical one),
 * Table 4 (copula family, parameters, rotation, Kendall's tau).
 * @param models - `paper2Models()` or a `paper2Refit()` result.
 */
export function paper2Tables(models: Paper2Models | Paper2Refit): {
  table1: Paper2TableColumns;
  table2: Paper2TableColumns;
  table3: Paper2TableColumns;
  table4: Paper2TableColumns;
  /** The numbers of Tables 2 and 3 by key, e.g. `model_mean.d`, `model.s_c`. */
  numbers: Record<string, number>;
} {
  const published = paper2Models();
  const isRefit = "marginalFits" in models;
  const marginals = models.marginals;
  const chars = PAPER2_CHARACTERISTICS;
  const numbers: Record<string, number> = {};
  const t1: Paper2TableColumns = { characteristic: [], family: [], parameters: [] };
  const t2: Paper2TableColumns = {
    characteristic: [],
    "model mean": [],
    "empirical mean": [],
    "model std": [],
    "empirical std": [],
  };
  for (const k of chars) {
    t1.characteristic!.push(k);
    if (isRefit) {
      const f = (models as Paper2Refit).marginalFits[k].best;
      t1.family!.push(f.label);
      t1.parameters!.push(fmtParams(f.params));
    } else {
      t1.family!.push((models as Paper2Models).table1[k].family);
      t1.parameters!.push(fmtParams((models as Paper2Models).table1[k].params));
    }
    const mean = marginals[k].mean();
    const std = Math.sqrt(marginals[k].variance());
    numbers[`model_mean.${k}`] = mean;
    numbers[`model_std.${k}`] = std;
    t2.characteristic!.push(k);
    t2["model mean"]!.push(Number(mean.toPrecision(4)));
    t2["empirical mean"]!.push(published.empiricalMoments[k].mean);
    t2["model std"]!.push(Number(std.toPrecision(4)));
    t2["empirical std"]!.push(published.empiricalMoments[k].std);
  }
  const t3: Paper2TableColumns = { pair: [], "model correlation": [], "empirical correlation": [] };
  const t4: Paper2TableColumns = {
    pair: [],
    copula: [],
    parameters: [],
    rotation: [],
    "Kendall tau": [],
  };
  for (const p of PAPER2_PAIRS) {
    const model = models.bivariate[p];
    const rho = bivariateCorrelation(model);
    numbers[`model.${p}`] = rho;
    const pairName = `(${p.replace("_", ", ")})`;
    t3.pair!.push(pairName);
    t3["model correlation"]!.push(Number(rho.toPrecision(4)));
    t3["empirical correlation"]!.push(published.empiricalCorrelation[p]);
    const c = model.copula;
    t4.pair!.push(pairName);
    t4.copula!.push(c.label);
    t4.parameters!.push(
      c.paramNames.map((nm, i) => `${nm} = ${Number(c.params[i]!.toPrecision(4))}`).join(", ") ||
        "-",
    );
    t4.rotation!.push(c.rotation);
    t4["Kendall tau"]!.push(Number(c.tau().toPrecision(4)));
  }
  return { table1: t1, table2: t2, table3: t3, table4: t4, numbers };
}
