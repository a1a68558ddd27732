// Paper 2's statistics fitted on measured grains: the descriptor table of a grain
// segmentation in, the fitted marginals and copulas (sections 2.5-2.6) out, in the same
// shape as the simulation study (`paper2Refit`) so Tables 1-4 and Figs. 7-8 draw from it.
import { bivariateModel } from "../../stats/bivariate.js";
import type { FitCopulasOptions } from "../../stats/copula/fit.js";
import type { FitTable } from "../../stats/fitBest.js";
import { fitMarginals, fitPairCopulas } from "../../stats/fitModels.js";
import { checkInteger, checkOptions, expectedError } from "../../util/checks.js";
import { PAPER2_CHARACTERISTICS, PAPER2_PAIRS, type Paper2Characteristic } from "./models.js";
import { paper2CandidateFamilies, type Paper2Refit } from "./refit.js";

/** Options of {@link paper2FitMeasured}. */
export interface Paper2FitMeasuredOptions extends FitCopulasOptions {
  /**
   * Grains with fewer voxels are left out: their surface, hull and axes are too coarse to
   * estimate (the paper's grains are hundreds to thousands of voxels). Needs the table's
   * `voxels` column. @default 27
   */
  minVoxels?: number;
}

/** Result of {@link paper2FitMeasured}: a {@link Paper2Refit} of the measured grains, plus what was left out. */
export interface Paper2Measured extends Paper2Refit {
  /** Grains fitted (rows of the table with every characteristic finite and at least `minVoxels`). */
  n: number;
  /** Rows left out: too small, or a characteristic not finite (e.g. e of a flat grain). */
  excluded: { small: number; notFinite: number };
  /**
   * Values of s, c, e at or beyond the open unit interval, moved just inside it
   * (to 1e-6 and 1 - 1e-6) so that the families on (0, 1) can be fitted: a digitally convex
   * grain has c = 1 exactly, and the surface estimator can give s slightly above 1 on small grains.
   */
  clamped: Record<"s" | "c" | "e", number>;
  /** Empirical mean and standard deviation (n - 1) of each characteristic (Table 2's empirical columns). */
  empiricalMoments: Record<Paper2Characteristic, { mean: number; std: number }>;
  /** Empirical Pearson correlation of each pair (Table 3's empirical column). */
  empiricalCorrelation: Record<(typeof PAPER2_PAIRS)[number], number>;
}

const EPS = 1e-6;

/**
 * Fit Paper 2's models to measured grains: every characteristic with
 * {@link paper2CandidateFamilies} by maximum likelihood, best by AIC (Table 1),
 * every pair of Table 4 with all copula families and rotations on the
 * pseudo-observations of the fitted marginals, best by AIC.
 * @param table - Columns `d` (nm), `s`, `c`, `e`, `phi`, `theta` (radians) and, for
 *   `minVoxels`, `voxels`: e.g. `grainTable(labels)` (border grains already left out).
 * @see Furat et al., sections 2.5-2.6, Tables 1-4
 */
export function paper2FitMeasured(
  table: Readonly<Record<string, ArrayLike<number> | undefined>>,
  options: Paper2FitMeasuredOptions = {},
): Paper2Measured {
  if (table === null || typeof table !== "object")
    throw expectedError("table", "a column table (e.g. grainTable's result)", table, TypeError);
  const { minVoxels: minOpt, ...copulaOptions } = options;
  checkOptions(options, "options", [
    "minVoxels",
    "families",
    "rotations",
    "criterion",
    "stdErrorsForAll",
  ]);
  const minVoxels = checkInteger(minOpt ?? 27, "minVoxels", 1);
  const cols = {} as Record<Paper2Characteristic, ArrayLike<number>>;
  let rows = -1;
  for (const k of PAPER2_CHARACTERISTICS) {
    const c = table[k];
    if (!c || typeof c.length !== "number")
      throw new RangeError(
        `table: column "${k}" is missing (columns: ${Object.keys(table).join(", ")}); grainTable computes it`,
      );
    if (rows >= 0 && c.length !== rows)
      throw new RangeError(`table: column "${k}" has ${c.length} rows, the others ${rows}`);
    rows = c.length;
    cols[k] = c;
  }
  const voxels = table.voxels;
  if (minVoxels > 1 && !voxels)
    throw new RangeError(
      `table: column "voxels" is needed for minVoxels = ${minVoxels} (or pass minVoxels: 1)`,
    );
  const keep: number[] = [];
  const excluded = { small: 0, notFinite: 0 };
  for (let i = 0; i < rows; i++) {
    if (voxels && voxels[i]! < minVoxels) excluded.small++;
    else if (PAPER2_CHARACTERISTICS.some((k) => !Number.isFinite(cols[k][i]!)))
      excluded.notFinite++;
    else keep.push(i);
  }
  if (keep.length < 10)
    throw new RangeError(
      `paper2FitMeasured: at least 10 grains are needed to fit, received ${keep.length} of ${rows} rows (${excluded.small} below ${minVoxels} voxels, ${excluded.notFinite} with a non-finite characteristic)`,
    );
  const clamped = { s: 0, c: 0, e: 0 };
  const samples = {} as Paper2Refit["samples"];
  for (const k of PAPER2_CHARACTERISTICS) {
    const v = Float64Array.from(keep, (i) => cols[k][i]!);
    if (k === "s" || k === "c" || k === "e")
      for (let j = 0; j < v.length; j++)
        if (v[j]! < EPS || v[j]! > 1 - EPS) {
          v[j] = Math.min(1 - EPS, Math.max(EPS, v[j]!));
          clamped[k]++;
        }
    if (v.every((x) => x === v[0]))
      throw new RangeError(
        `paper2FitMeasured: characteristic "${k}" equals ${cols[k][keep[0]!]} for all ${v.length} grains fitted, a constant has no distribution to fit` +
          (k === "c"
            ? " (every grain is digitally convex, as the cells of a tessellation are; measured grains are not)"
            : ""),
      );
    samples[k] = v;
  }
  const marginalFits = fitMarginals(samples, paper2CandidateFamilies()) as Record<
    Paper2Characteristic,
    FitTable
  >;
  const marginals = {} as Paper2Refit["marginals"];
  for (const k of PAPER2_CHARACTERISTICS) marginals[k] = marginalFits[k].best.distribution;
  const copulaFits = {} as Paper2Refit["copulaFits"];
  const bivariate = {} as Paper2Refit["bivariate"];
  const pairSamples = {} as Paper2Refit["pairSamples"];
  const empiricalCorrelation = {} as Paper2Measured["empiricalCorrelation"];
  for (const p of PAPER2_PAIRS) {
    const [x, y] = p.split("_") as [Paper2Characteristic, Paper2Characteristic];
    pairSamples[p] = { x: samples[x], y: samples[y] };
    const fit = fitPairCopulas({ [x]: samples[x], [y]: samples[y] }, [[x, y]], {
      ...copulaOptions,
      marginals,
    })[p]!;
    copulaFits[p] = fit;
    bivariate[p] = bivariateModel(marginals[x], marginals[y], fit.best.copula);
    empiricalCorrelation[p] = pearson(samples[x], samples[y]);
  }
  const empiricalMoments = {} as Paper2Measured["empiricalMoments"];
  for (const k of PAPER2_CHARACTERISTICS) {
    const v = samples[k];
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const ss = v.reduce((a, b) => a + (b - mean) ** 2, 0);
    empiricalMoments[k] = { mean, std: Math.sqrt(ss / (v.length - 1)) };
  }
  return {
    samples,
    pairSamples,
    marginalFits,
    marginals,
    copulaFits,
    bivariate,
    n: keep.length,
    excluded,
    clamped,
    empiricalMoments,
    empiricalCorrelation,
  };
}

/** Pearson correlation of two equally long samples. */
function pearson(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]! - mx;
    const b = y[i]! - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxy / Math.sqrt(sxx * syy);
}
