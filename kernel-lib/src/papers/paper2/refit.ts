// Furat et al.'s fitting procedure as a simulation study: draw from the published models,
// refit every marginal and copula, rank by AIC (sections 2.5-2.6).
import { betaFamily } from "../../stats/beta.js";
import { bivariateModel, type BivariateModel } from "../../stats/bivariate.js";
import type { CopulaFitTable, FitCopulasOptions } from "../../stats/copula/fit.js";
import type { Distribution, UnivariateFamily } from "../../stats/distribution.js";
import type { FitTable } from "../../stats/fitBest.js";
import { fitMarginals, fitPairCopulas } from "../../stats/fitModels.js";
import { gammaFamily } from "../../stats/gamma.js";
import { gevFamily } from "../../stats/gev.js";
import { invgaussFamily } from "../../stats/invgauss.js";
import { lognormalFamily } from "../../stats/lognormal.js";
import { normalFamily } from "../../stats/normal.js";
import { createRng } from "../../stats/random.js";
import { sinFamily } from "../../stats/sinDensity.js";
import { truncatedFamily, truncatedNormalMixtureFamily } from "../../stats/truncate.js";
import { weibullFamily } from "../../stats/weibull.js";
import {
  PAPER2_CHARACTERISTICS,
  PAPER2_PAIRS,
  paper2Models,
  type Paper2Reading,
  type Paper2Characteristic,
  type Paper2Pair,
} from "./models.js";

const PI = Math.PI;

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
  /** How Table 1 is read for the models sampled from (`paper2Models`). @default "literal" */
  reading?: Paper2Reading;
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
  const { reading, ...fitOptions } = options;
  const models = paper2Models({ reading });
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
      ...fitOptions,
      marginals: options.pseudoObs === "ranks" ? undefined : marginals,
    })[`${x}_${y}`]!;
    copulaFits[p] = fit;
    bivariate[p] = bivariateModel(marginals[x], marginals[y], fit.best.copula);
  }
  return { samples, pairSamples, marginalFits, marginals, copulaFits, bivariate };
}
