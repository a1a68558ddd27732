// Furat et al.'s Tables 1-4 computed from models (published or refitted), for display.
import { bivariateCorrelation } from "../../stats/bivariate.js";
import {
  PAPER2_CHARACTERISTICS,
  PAPER2_PAIRS,
  PAPER2_TABLE2_EMPIRICAL,
  PAPER2_TABLE3_EMPIRICAL,
  type Paper2Models,
} from "./models.js";
import type { Paper2Refit } from "./refit.js";

/** Column tables of the paper's Tables 1-4 for display (e.g. with `tableFigure`). */
export interface Paper2TableColumns {
  [column: string]: (string | number)[];
}

const fmtParams = (p: Record<string, number>): string =>
  Object.entries(p)
    .map(([k, v]) => `${k} = ${Number(v.toPrecision(4))}`)
    .join(", ") || "-";

/** The models a table is computed from: `paper2Models()` or a `paper2Refit()` result. */
export type Paper2TableModels = Paper2Models | Paper2Refit;

const pairName = (p: string): string => `(${p.replace("_", ", ")})`;
const round4 = (v: number): number => Number(v.toPrecision(4));

/**
 * The model numbers behind Tables 2 and 3, by key: `model_mean.<k>`,
 * `model_std.<k>` per characteristic and `model.<pair>` (correlation, Eq. 24).
 * @param models - `paper2Models()` or a `paper2Refit()` result.
 */
export function paper2Numbers(models: Paper2TableModels): Record<string, number> {
  const numbers: Record<string, number> = {};
  for (const k of PAPER2_CHARACTERISTICS) {
    numbers[`model_mean.${k}`] = models.marginals[k].mean();
    numbers[`model_std.${k}`] = Math.sqrt(models.marginals[k].variance());
  }
  for (const p of PAPER2_PAIRS) numbers[`model.${p}`] = bivariateCorrelation(models.bivariate[p]);
  return numbers;
}

/**
 * Table 1: family and parameters of each characteristic's marginal (the
 * printed ones for published models, the AIC-best fit for a refit).
 */
export function paper2Table1(models: Paper2TableModels): Paper2TableColumns {
  const t: Paper2TableColumns = { characteristic: [], family: [], parameters: [] };
  for (const k of PAPER2_CHARACTERISTICS) {
    t.characteristic!.push(k);
    if ("marginalFits" in models) {
      const f = models.marginalFits[k].best;
      t.family!.push(f.label);
      t.parameters!.push(fmtParams(f.params));
    } else {
      t.family!.push(models.table1[k].family);
      t.parameters!.push(fmtParams(models.table1[k].params));
    }
  }
  return t;
}

/** Table 2: model mean and std of each characteristic beside the paper's empirical values. */
export function paper2Table2(
  models: Paper2TableModels,
  numbers: Record<string, number> = paper2Numbers(models),
): Paper2TableColumns {
  const t: Paper2TableColumns = {
    characteristic: [],
    "model mean": [],
    "empirical mean": [],
    "model std": [],
    "empirical std": [],
  };
  for (const k of PAPER2_CHARACTERISTICS) {
    t.characteristic!.push(k);
    t["model mean"]!.push(round4(numbers[`model_mean.${k}`]!));
    t["empirical mean"]!.push(PAPER2_TABLE2_EMPIRICAL[k].mean);
    t["model std"]!.push(round4(numbers[`model_std.${k}`]!));
    t["empirical std"]!.push(PAPER2_TABLE2_EMPIRICAL[k].std);
  }
  return t;
}

/** Table 3: model correlation of each pair (Eq. 24) beside the paper's empirical one. */
export function paper2Table3(
  models: Paper2TableModels,
  numbers: Record<string, number> = paper2Numbers(models),
): Paper2TableColumns {
  const t: Paper2TableColumns = { pair: [], "model correlation": [], "empirical correlation": [] };
  for (const p of PAPER2_PAIRS) {
    t.pair!.push(pairName(p));
    t["model correlation"]!.push(round4(numbers[`model.${p}`]!));
    t["empirical correlation"]!.push(PAPER2_TABLE3_EMPIRICAL[p]);
  }
  return t;
}

/** Table 4: copula family, parameters, rotation and Kendall's tau of each pair. */
export function paper2Table4(models: Paper2TableModels): Paper2TableColumns {
  const t: Paper2TableColumns = {
    pair: [],
    copula: [],
    parameters: [],
    rotation: [],
    "Kendall tau": [],
  };
  for (const p of PAPER2_PAIRS) {
    const c = models.bivariate[p].copula;
    t.pair!.push(pairName(p));
    t.copula!.push(c.label);
    t.parameters!.push(
      c.paramNames.map((nm, i) => `${nm} = ${round4(c.params[i]!)}`).join(", ") || "-",
    );
    t.rotation!.push(c.rotation);
    t["Kendall tau"]!.push(round4(c.tau()));
  }
  return t;
}

/**
 * Tables 1-4 of Furat et al. computed from models (published or refitted),
 * with the numbers of Tables 2 and 3 ({@link paper2Numbers}).
 * @param models - `paper2Models()` or a `paper2Refit()` result.
 */
export function paper2Tables(models: Paper2TableModels): {
  table1: Paper2TableColumns;
  table2: Paper2TableColumns;
  table3: Paper2TableColumns;
  table4: Paper2TableColumns;
  /** The numbers of Tables 2 and 3 by key, e.g. `model_mean.d`, `model.s_c`. */
  numbers: Record<string, number>;
} {
  const numbers = paper2Numbers(models);
  return {
    table1: paper2Table1(models),
    table2: paper2Table2(models, numbers),
    table3: paper2Table3(models, numbers),
    table4: paper2Table4(models),
    numbers,
  };
}
