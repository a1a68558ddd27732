// Type declarations for the parts of jstat 1.9.6 that tomolab uses.
declare module "jstat" {
  namespace jstat {
    interface TwoParameterDistribution {
      pdf(x: number, a: number, b: number): number;
      cdf(x: number, a: number, b: number): number;
      inv(p: number, a: number, b: number): number;
      mean(a: number, b: number): number;
      variance(a: number, b: number): number;
    }
    interface OneParameterDistribution {
      pdf(x: number, a: number): number;
      cdf(x: number, a: number): number;
      inv(p: number, a: number): number;
      mean(a: number): number;
      variance(a: number): number;
    }
    interface JStat {
      /** Gamma(shape, scale). */
      gamma: TwoParameterDistribution;
      /** Beta(alpha, beta). */
      beta: TwoParameterDistribution;
      /** Weibull(scale, shape). */
      weibull: TwoParameterDistribution;
      /** Exponential(rate). */
      exponential: OneParameterDistribution;
      /** Regularised incomplete beta I_x(a, b). */
      ibeta(x: number, a: number, b: number): number;
      /** Inverse of I_x(a, b) in x. */
      ibetainv(p: number, a: number, b: number): number;
      /** Regularised lower incomplete gamma P(a, x). */
      lowRegGamma(a: number, x: number): number;
      /** Inverse of P(a, x) in x. */
      gammapinv(p: number, a: number): number;
    }
  }
  const jstat: jstat.JStat & { jStat: jstat.JStat };
  export = jstat;
}
