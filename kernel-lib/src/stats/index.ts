export * from "./random.js";
export type { Distribution, Params, UnivariateFamily } from "./distribution.js";
export { normal, normalFamily } from "./normal.js";
export { lognormal, lognormalFamily } from "./lognormal.js";
export { gamma, gammaFamily } from "./gamma.js";
export { weibull, weibullFamily } from "./weibull.js";
export { exponential, exponentialFamily } from "./exponential.js";
export { invgauss, invgaussFamily } from "./invgauss.js";
export { beta, betaFamily } from "./beta.js";
export { gev, gevFamily } from "./gev.js";
export { normalMixture, normalMixtureFamily } from "./normalMixture.js";
export type { NormalMixtureParams } from "./normalMixture.js";
export { sinDensity, sinFamily } from "./sinDensity.js";
export {
  truncate,
  truncatedFamily,
  truncatedNormalMixture,
  truncatedNormalMixtureFamily,
} from "./truncate.js";
export type { TruncatedDistribution } from "./truncate.js";
export { fitDistribution, logLikelihood, standardErrorsAt } from "./fit.js";
export type { FitOptions, FitResult } from "./fit.js";
export { fitBest } from "./fitBest.js";
export type { FitBestOptions, FitTable } from "./fitBest.js";
export type { Copula, CopulaFamily, CopulaSpec, Rotation } from "./copula/types.js";
export { createCopula, copulaFamilies, copulaFamilyInfo, rotateData } from "./copula/copula.js";
export { kendallTau } from "./copula/tau.js";
export { copulaStandardErrors, fitCopula, fitCopulas, pseudoObservations } from "./copula/fit.js";
export type {
  CopulaFit,
  CopulaFitTable,
  FitCopulaOptions,
  FitCopulasOptions,
} from "./copula/fit.js";
export { bivariateCorrelation, bivariateModel, densityGrid, modelMoments } from "./bivariate.js";
export type {
  BivariateModel,
  CorrelationOptions,
  DensityGrid,
  DensityGridOptions,
} from "./bivariate.js";
export { fitMarginals, fitPairCopulas } from "./fitModels.js";
export type { FitPairCopulasOptions, PairCopulaFit } from "./fitModels.js";
export { stratifiedSample, type StratifiedSampleOptions } from "./stratifiedSample.js";
