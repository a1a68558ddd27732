import type { UnivariateFamily } from "./distribution.js";
import type { FitOptions, FitResult } from "./fit.js";
import { checkData, fitDistribution } from "./fit.js";
import { checkOneOf } from "../util/checks.js";

/** A ranked table of univariate fits. */
export interface FitTable {
  /** Best fit by the criterion. */
  best: FitResult;
  /** All successful fits, best first. */
  fits: FitResult[];
  /** Families that could not be fitted (data outside their support, no finite likelihood), with the reason. */
  skipped: { family: string; reason: string }[];
  /** The ranking criterion. */
  criterion: "aic" | "bic";
}

/** Options of {@link fitBest}. */
export interface FitBestOptions extends FitOptions {
  /** Ranking criterion. @default "aic" */
  criterion?: "aic" | "bic";
}

/**
 * Fit several families by maximum likelihood and rank them by AIC (or BIC),
 * as in Furat et al., section 2.5. Families whose support cannot hold the
 * data are listed in `skipped` instead of failing the whole table.
 * @param data - Observations (finite, non-empty).
 * @param families - Candidate families, e.g. `[invgaussFamily, gammaFamily, lognormalFamily]`.
 * @throws RangeError for empty or non-finite data, or when no family can be fitted.
 */
export function fitBest(
  data: ArrayLike<number>,
  families: readonly UnivariateFamily[],
  options: FitBestOptions = {},
): FitTable {
  const x = checkData(data);
  let lo = x[0]!;
  let hi = x[0]!;
  for (let i = 1; i < x.length; i++) {
    lo = Math.min(lo, x[i]!);
    hi = Math.max(hi, x[i]!);
  }
  if (x.length > 1 && hi === lo)
    throw new RangeError(
      `\`data\`: all ${x.length} values equal ${lo}; a constant has no spread to fit a distribution to`,
    );
  if (families.length === 0)
    throw new RangeError("`families` is empty: give at least one family to fit");
  const criterion = checkOneOf(options.criterion ?? "aic", "criterion", ["aic", "bic"]);
  const fits: FitResult[] = [];
  const skipped: { family: string; reason: string }[] = [];
  for (const fam of families) {
    try {
      const r = fitDistribution(x, fam, options);
      if (!Number.isFinite(r.logLik))
        throw new RangeError("the log-likelihood at the estimate is not finite");
      fits.push(r);
    } catch (e) {
      skipped.push({ family: fam.name, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  if (fits.length === 0) {
    throw new RangeError(
      `no family could be fitted: ${skipped.map((s) => `${s.family}: ${s.reason}`).join("; ")}`,
    );
  }
  fits.sort((a, b) => a[criterion] - b[criterion]);
  return { best: fits[0]!, fits, skipped, criterion };
}
