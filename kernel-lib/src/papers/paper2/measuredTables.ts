// Paper 2's Tables 1-4 for measured grains beside the published ones.
import { bivariateCorrelation } from "../../stats/bivariate.js";
import { PAPER2_CHARACTERISTICS, PAPER2_PAIRS, type Paper2Models } from "./models.js";
import type { Paper2Measured } from "./measured.js";
import { paper2Table1, paper2Table4, type Paper2TableColumns } from "./tables.js";

const r4 = (v: number): number => Number(v.toPrecision(4));
const pairName = (p: string): string => `(${p.replace("_", ", ")})`;

/** The four tables of {@link paper2CompareTables}. */
export interface Paper2Comparison {
  /** Table 1: published family and parameters beside the AIC-best fit to the measured grains. */
  table1: Paper2TableColumns;
  /** Table 2: empirical and model mean / std, paper and measured. */
  table2: Paper2TableColumns;
  /** Table 3: empirical and model correlations, paper and measured. */
  table3: Paper2TableColumns;
  /** Table 4: published copula beside the AIC-best copula of the measured grains. */
  table4: Paper2TableColumns;
  /** Measured numbers by key: `empirical_mean.<k>`, `empirical_std.<k>`, `model_mean.<k>`,
   * `model_std.<k>`, `empirical.<pair>`, `model.<pair>`, `tau.<pair>`. */
  numbers: Record<string, number>;
}

/**
 * Tables 1-4 of Paper 2 side by side: the published models (`paper2Models()`) and
 * the models fitted to measured grains ({@link paper2FitMeasured}), with the paper's
 * and the measured grains' empirical moments and correlations.
 * @param measured - `paper2FitMeasured(grainTable(...))`.
 * @param published - `paper2Models()` (the adopted reading by default).
 */
export function paper2CompareTables(
  measured: Paper2Measured,
  published: Paper2Models,
): Paper2Comparison {
  if (!measured || !("empiricalMoments" in measured))
    throw new TypeError("measured: expected the result of paper2FitMeasured");
  if (!published || !("table1" in published))
    throw new TypeError("published: expected the result of paper2Models()");
  const numbers: Record<string, number> = {};
  const p1 = paper2Table1(published);
  const m1 = paper2Table1(measured);
  const table1: Paper2TableColumns = {
    characteristic: [...PAPER2_CHARACTERISTICS],
    "published family": p1.family!,
    "published parameters": p1.parameters!,
    "measured family": m1.family!,
    "measured parameters": m1.parameters!,
  };
  const table2: Paper2TableColumns = {
    characteristic: [],
    "paper mean": [],
    "measured mean": [],
    "measured model mean": [],
    "paper std": [],
    "measured std": [],
    "measured model std": [],
  };
  for (const k of PAPER2_CHARACTERISTICS) {
    const e = measured.empiricalMoments[k];
    const m = measured.marginals[k];
    numbers[`empirical_mean.${k}`] = e.mean;
    numbers[`empirical_std.${k}`] = e.std;
    numbers[`model_mean.${k}`] = m.mean();
    numbers[`model_std.${k}`] = Math.sqrt(m.variance());
    table2.characteristic!.push(k);
    table2["paper mean"]!.push(published.empiricalMoments[k].mean);
    table2["measured mean"]!.push(r4(e.mean));
    table2["measured model mean"]!.push(r4(numbers[`model_mean.${k}`]!));
    table2["paper std"]!.push(published.empiricalMoments[k].std);
    table2["measured std"]!.push(r4(e.std));
    table2["measured model std"]!.push(r4(numbers[`model_std.${k}`]!));
  }
  const table3: Paper2TableColumns = {
    pair: [],
    "paper empirical": [],
    "measured empirical": [],
    "measured model": [],
  };
  for (const p of PAPER2_PAIRS) {
    numbers[`empirical.${p}`] = measured.empiricalCorrelation[p];
    numbers[`model.${p}`] = bivariateCorrelation(measured.bivariate[p]);
    numbers[`tau.${p}`] = measured.bivariate[p].copula.tau();
    table3.pair!.push(pairName(p));
    table3["paper empirical"]!.push(published.empiricalCorrelation[p]);
    table3["measured empirical"]!.push(r4(numbers[`empirical.${p}`]!));
    table3["measured model"]!.push(r4(numbers[`model.${p}`]!));
  }
  const p4 = paper2Table4(published);
  const m4 = paper2Table4(measured);
  const table4: Paper2TableColumns = {
    pair: p4.pair!,
    "published copula": p4.copula!.map(
      (c, i) => `${c} ${p4.parameters![i]} rot ${p4.rotation![i]}`,
    ),
    "published tau": p4["Kendall tau"]!,
    "measured copula": m4.copula!.map((c, i) => `${c} ${m4.parameters![i]} rot ${m4.rotation![i]}`),
    "measured tau": m4["Kendall tau"]!,
  };
  return { table1, table2, table3, table4, numbers };
}
