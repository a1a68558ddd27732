// %% [markdown]
// # Grain statistics: distributions, copulas and bivariate densities (Furat et al., Figs. 7-8, Tables 1-4)
//
// Sections 2.5-2.6 and 3.1-3.2 of Furat et al. model six grain descriptors of an NMC532 particle:
// volume-equivalent diameter d, sphericity s, convexity c, elongation e and the orientation
// angles phi (azimuth) and theta (polar angle). Each descriptor gets a parametric distribution chosen
// by AIC among several families fitted by maximum likelihood (Table 1); pairs with noticeable
// correlation get a bivariate density f(x, y) = f1(x) f2(y) c(F1(x), F2(y)) (Eq. 16) with a
// parametric copula c, again chosen by AIC over families and rotations (Table 4).
//
// - **Part A** rebuilds the published models from Tables 1 and 4, which define Fig. 7's densities
//   and Fig. 8's density maps completely, and computes the model side of Tables 2 and 3.
// - **Part B** draws samples from these models (a few hundred values, like the paper's grain count),
//   refits everything from scratch and shows the recovered tables and maps beside Part A.
// - **Part C** (the same fitting on the grain table of the FIB-EBSD pipeline) follows once that
//   pipeline has landed.

// %%
import {
  paper2Models,
  paper2Tables,
  paper2Refit,
  densityGrid,
  histogramFitFigure,
  densityMapFigure,
  tableFigure,
  fitTableFigure,
  subplotGrid,
  show,
  record,
  PAPER2_CHARACTERISTICS,
  PAPER2_PAIRS,
  PAPER2_LABELS,
} from "tomolab";

// %% [markdown]
// ## Part A: the published models
// ### Table 1: the fitted marginal distributions
// Inverse Gaussian for d (Eq. 17), beta for s (Eq. 18), generalised extreme value truncated to
// [0, 1] for c and e (Eq. 19, the paper's shape convention k; scipy's `genextreme` uses c = -k),
// a mixture of two normals truncated to [-pi, pi) for phi (Eq. 20) and the density sin(theta) on
// [0, pi/2] for theta (Eq. 21).

// %%
const published = paper2Models();
const tablesA = paper2Tables(published);
show(tableFigure(tablesA.table1, { title: "Table 1 (published marginal models)", width: 900 }), { id: "table1-published" });

// %% [markdown]
// ### Fig. 7: the marginal densities
// The six densities of Table 1 (no data: the paper's grain table is not public).

// %%
const fig7a = subplotGrid(
  PAPER2_CHARACTERISTICS.map((k) =>
    histogramFitFigure(null, [{ name: "published model", distribution: published.marginals[k] }], { xTitle: PAPER2_LABELS[k], showLegend: false }),
  ),
  { columns: 3, title: "Fig. 7 (published models)", width: 1000, height: 650, verticalSpacing: 0.2 },
);
show(fig7a, { id: "fig7-published" });

// %% [markdown]
// ### Table 2: mean and standard deviation of each model
// Computed from the model (closed forms for the inverse Gaussian, beta and sin densities;
// adaptive quadrature for the truncated GEV and the truncated mixture), beside the paper's
// empirical values. Note for c: a GEV with k = 0 (Gumbel for maxima) and mu = 0.82,
// sigma = 0.048 has mean 0.843 and std 0.053, while the paper's empirical values are 0.79 and
// 0.062, which is what the mirrored (minimum) Gumbel with the same mu and sigma gives. The
// published c parameters therefore seem to refer to a different sign convention than e's,
// whose model moments (0.743, 0.081) match the empirical ones (0.75, 0.081).

// %%
show(tableFigure(tablesA.table2, { title: "Table 2 (model vs empirical)", width: 800 }), { id: "table2-published" });
for (const k of PAPER2_CHARACTERISTICS) {
  record(`paper2.table2.model_mean.${k}`, tablesA.numbers[`model_mean.${k}`]!);
  record(`paper2.table2.model_std.${k}`, tablesA.numbers[`model_std.${k}`]!);
}

// %% [markdown]
// ### Table 4: the fitted copulas
// BB8 (Joe-Frank, Eq. 22) and BB1 (Clayton-Gumbel, Eq. 23) copulas, rotated by 0, 90, 180 or
// 270 degrees as in VineCopula / vinecopulib (90 and 270 model negative dependence). The
// paper's kappa is the first parameter theta of these families.

// %%
show(tableFigure(tablesA.table4, { title: "Table 4 (published copulas)", width: 900 }), { id: "table4-published" });

// %% [markdown]
// ### Fig. 8: bivariate density maps
// f(x, y) = f1(x) f2(y) c(F1(x), F2(y)) on a grid covering the central 99% of each marginal.

// %%
const fig8a = subplotGrid(
  PAPER2_PAIRS.map((p) => {
    const { x, y } = published.copulas[p];
    return densityMapFigure(densityGrid(published.bivariate[p], { nx: 90, ny: 90 }), { xTitle: PAPER2_LABELS[x], yTitle: PAPER2_LABELS[y], showScale: false });
  }),
  { columns: 3, title: "Fig. 8 (published models)", width: 1100, height: 700, horizontalSpacing: 0.09, verticalSpacing: 0.15 },
);
show(fig8a, { id: "fig8-published" });

// %% [markdown]
// ### Table 3: correlation coefficients of the bivariate models
// rho = (1 / (sigma1 sigma2)) int int (x y - mu1 mu2) f(x, y) dx dy (Eq. 24), evaluated through
// Hoeffding's identity Cov = int int [C(F1(x), F2(y)) - F1(x) F2(y)] dx dy (bounded integrand,
// accurate to better than 1e-4), beside the paper's empirical correlations.

// %%
show(tableFigure(tablesA.table3, { title: "Table 3 (model vs empirical correlation)", width: 700 }), { id: "table3-published" });
for (const p of PAPER2_PAIRS) record(`paper2.table3.model.${p}`, tablesA.numbers[`model.${p}`]!);

// %% [markdown]
// ## Part B: refitting from samples of the published models
// 300 values per descriptor and 300 pairs per modelled pair are drawn from the Part A models
// (seeded). Every descriptor is refitted with several families (inverse Gaussian, log-normal,
// gamma, Weibull, normal, GEV, beta, GEV truncated to [0, 1], the truncated mixture, the sin
// density, ...) and ranked by AIC. Every pair is refitted with all ten copula families
// (independence, AMH, Clayton, Frank, Gumbel, Joe, BB1, BB3, BB5, BB8) in all four rotations, on
// pseudo-observations F(x) from the refitted marginals (as the paper), and ranked by AIC.

// %%
const refit = paper2Refit({ n: 300, seed: 1 });
const tablesB = paper2Tables(refit);
show(tableFigure(tablesB.table1, { title: "Table 1 (refitted from 300 samples)", width: 1000 }), { id: "table1-refit" });

// %% [markdown]
// The AIC ranking behind each choice, e.g. for the sphericity s and the pair (s, c):

// %%
show(fitTableFigure(refit.marginalFits.s, { title: "Fits of s, ranked by AIC", width: 1000 }), { id: "fits-s" });
show(fitTableFigure(refit.copulaFits.s_c, { title: "Copula fits of (s, c), ranked by AIC", maxRows: 12, width: 1000 }), { id: "copulas-s-c" });

// %% [markdown]
// ### Fig. 7 with the samples: histograms, refitted and published densities

// %%
const fig7b = subplotGrid(
  PAPER2_CHARACTERISTICS.map((k) =>
    histogramFitFigure(
      refit.samples[k],
      [
        { name: "refitted", distribution: refit.marginals[k] },
        { name: "published", distribution: published.marginals[k], dash: "dash" },
      ],
      { xTitle: PAPER2_LABELS[k], showLegend: k === "d" },
    ),
  ),
  { columns: 3, title: "Fig. 7 (300 samples, refitted and published densities)", width: 1000, height: 650, verticalSpacing: 0.2 },
);
show(fig7b, { id: "fig7-refit" });

// %% [markdown]
// ### Tables 2-4 and Fig. 8 from the refitted models

// %%
show(tableFigure(tablesB.table2, { title: "Table 2 (refitted models)", width: 800 }), { id: "table2-refit" });
show(tableFigure(tablesB.table3, { title: "Table 3 (refitted models)", width: 700 }), { id: "table3-refit" });
show(tableFigure(tablesB.table4, { title: "Table 4 (refitted copulas)", width: 900 }), { id: "table4-refit" });

// %%
const fig8b = subplotGrid(
  PAPER2_PAIRS.map((p) => {
    const { x, y } = published.copulas[p];
    const grid = densityGrid(refit.bivariate[p], { nx: 90, ny: 90 });
    return densityMapFigure(grid, { points: refit.pairSamples[p], xTitle: PAPER2_LABELS[x], yTitle: PAPER2_LABELS[y], showScale: false, markerSize: 3 });
  }),
  { columns: 3, title: "Fig. 8 (refitted models with the 300 sampled pairs)", width: 1100, height: 700, horizontalSpacing: 0.09, verticalSpacing: 0.15 },
);
show(fig8b, { id: "fig8-refit" });

// %% [markdown]
// With a few hundred values, AIC often prefers a simpler or neighbouring family (Frank or Gumbel
// instead of BB8 or BB1, a truncated GEV instead of the beta): the BB families differ from their
// one-parameter neighbours mostly in the tails, which a few hundred points barely see. The
// correlations (Table 3) of the refitted models stay close to the published ones.
//
// ## Part C: the FIB-EBSD grain table
// Once the FIB-EBSD grain pipeline (U-Net segmentation, watershed, grain descriptors) has
// landed, its interior-grain table is fitted the same way with `fitMarginals(table,
// paper2CandidateFamilies())` and `fitPairCopulas(table, pairs, { marginals })`.
