import { bivariateModel } from "./bivariate.js";
import type { BivariateModel } from "./bivariate.js";
import type { CopulaFitTable, FitCopulasOptions } from "./copula/fit.js";
import { fitCopulas, pseudoObservations } from "./copula/fit.js";
import type { Distribution, UnivariateFamily } from "./distribution.js";
import type { FitBestOptions, FitTable } from "./fitBest.js";
import { fitBest } from "./fitBest.js";

/**
 * Fit candidate families to several columns of a table and rank each by AIC
 * (Furat et al., 2.5 and Table 1).
 * @param table - Column table, e.g. a grain descriptor table `{ d: Float64Array, s: ..., ... }`.
 * @param families - Candidate families per column to fit; columns not listed are ignored.
 * @returns One ranked {@link FitTable} per column.
 */
export function fitMarginals(
  table: Readonly<Record<string, ArrayLike<number>>>,
  families: Readonly<Record<string, readonly UnivariateFamily[]>>,
  options: FitBestOptions = {},
): Record<string, FitTable> {
  const out: Record<string, FitTable> = {};
  for (const [col, fams] of Object.entries(families)) {
    const data = table[col];
    if (!data)
      throw new RangeError(
        `column "${col}" is not in the table (columns: ${Object.keys(table).join(", ")})`,
      );
    out[col] = fitBest(data, fams, options);
  }
  return out;
}

/** Options of {@link fitPairCopulas}. */
export interface FitPairCopulasOptions extends FitCopulasOptions {
  /**
   * Fitted marginals by column: pseudo-observations are F(x) (as Furat et al.).
   * Columns without a marginal use ranks / (n + 1).
   */
  marginals?: Readonly<Record<string, Distribution>>;
}

/** The result of {@link fitPairCopulas} for one pair. */
export interface PairCopulaFit extends CopulaFitTable {
  x: string;
  y: string;
  /** The bivariate model (best copula with the given marginals), when both marginals were given. */
  model?: BivariateModel;
}

/**
 * Fit copulas to pairs of columns (all families and rotations, ranked by AIC;
 * Furat et al., 2.6 and Table 4).
 * @param table - Column table.
 * @param pairs - Pairs `[x, y]`; x is the copula's first argument.
 * @returns Results keyed `"x_y"`.
 */
export function fitPairCopulas(
  table: Readonly<Record<string, ArrayLike<number>>>,
  pairs: readonly (readonly [string, string])[],
  options: FitPairCopulasOptions = {},
): Record<string, PairCopulaFit> {
  const out: Record<string, PairCopulaFit> = {};
  const pseudo = (col: string): Float64Array => {
    const data = table[col];
    if (!data)
      throw new RangeError(
        `column "${col}" is not in the table (columns: ${Object.keys(table).join(", ")})`,
      );
    const m = options.marginals?.[col];
    if (!m) return pseudoObservations(data);
    const u = Float64Array.from(data, (v) => m.cdf(v));
    for (let i = 0; i < u.length; i++)
      if (!(u[i]! >= 0 && u[i]! <= 1))
        throw new RangeError(
          `column "${col}": the fitted marginal's CDF at ${data[i]} (row ${i}) is ${u[i]}, not a probability in [0, 1]`,
        );
    return u;
  };
  for (const [x, y] of pairs) {
    const fit = fitCopulas(pseudo(x), pseudo(y), options);
    const mx = options.marginals?.[x];
    const my = options.marginals?.[y];
    out[`${x}_${y}`] = {
      ...fit,
      x,
      y,
      ...(mx && my ? { model: bivariateModel(mx, my, fit.best.copula) } : {}),
    };
  }
  return out;
}
