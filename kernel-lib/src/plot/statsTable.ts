import type { CopulaFitTable } from "../stats/copula/fit.js";
import type { FitTable } from "../stats/fitBest.js";
import { baseLayout, FONT_FAMILY } from "./style.js";
import type { Figure, FigureOptions } from "./types.js";

export interface TableFigureOptions extends FigureOptions {
  /** Significant digits of numbers. @default 4 */
  digits?: number;
  /** Rows to show (the table is ranked, best first). @default all */
  maxRows?: number;
  /** Relative column widths. @default from the longest text in each column */
  columnWidths?: readonly number[];
}

function fmt(v: unknown, digits: number): string {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return v !== v ? "" : String(v);
    if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
    return Number(v.toPrecision(digits)).toString();
  }
  return v == null ? "" : String(v);
}

/**
 * A plotly table from columns: `{ family: [...], AIC: [...] }`.
 * @param columns - Column name -> values (all the same length).
 */
export function tableFigure(
  columns: Readonly<Record<string, ArrayLike<unknown>>>,
  options: TableFigureOptions = {},
): Figure {
  const names = Object.keys(columns);
  if (names.length === 0)
    throw new RangeError("`columns` is empty: a table needs at least one column");
  const n = columns[names[0]!]!.length;
  for (const k of names) {
    if (columns[k]!.length !== n)
      throw new RangeError(
        `column "${k}" has ${columns[k]!.length} values, column "${names[0]}" has ${n}`,
      );
  }
  const digits = options.digits ?? 4;
  const rows = Math.min(n, options.maxRows ?? n);
  const cells = names.map((k) =>
    Array.from({ length: rows }, (_, i) => fmt(columns[k]![i], digits)),
  );
  const widths =
    options.columnWidths ??
    names.map((k, j) => Math.min(40, Math.max(6, k.length, ...cells[j]!.map((c) => c.length))));
  const layout = baseLayout(options);
  layout.margin = { l: 10, r: 10, t: options.title ? 50 : 10, b: 10 };
  if (layout.height === undefined)
    layout.height = Math.min(900, 60 + (options.title ? 40 : 0) + 28 * (rows + 1));
  return {
    data: [
      {
        type: "table",
        columnwidth: [...widths],
        header: {
          values: names.map((k) => `<b>${k}</b>`),
          align: "left",
          fill: { color: "#E8E8E8" },
          font: { family: FONT_FAMILY, size: (options.fontSize ?? 14) - 1 },
        },
        cells: {
          values: cells,
          align: "left",
          font: { family: FONT_FAMILY, size: (options.fontSize ?? 14) - 2 },
          height: 26,
        },
      },
    ],
    layout,
  };
}

function isCopulaTable(t: FitTable | CopulaFitTable): t is CopulaFitTable {
  return "empiricalTau" in t;
}

/**
 * A ranked fit table (univariate {@link FitTable} or copula {@link CopulaFitTable})
 * as a plotly table: family, parameters, log-likelihood, AIC, BIC (and rotation,
 * Kendall's tau for copulas) - Furat et al., Tables 1 and 4 style.
 */
export function fitTableFigure(
  table: FitTable | CopulaFitTable,
  options: TableFigureOptions = {},
): Figure {
  const digits = options.digits ?? 4;
  const p = (v: number): string => fmt(v, digits);
  if (isCopulaTable(table)) {
    const fits = table.fits.slice(0, options.maxRows ?? table.fits.length);
    return tableFigure(
      {
        copula: fits.map((f) => f.label),
        rotation: fits.map((f) => f.rotation),
        parameters: fits.map((f) =>
          f.paramNames.map((nm, i) => `${nm} = ${p(f.params[i]!)}`).join(", "),
        ),
        "Kendall tau": fits.map((f) => (f.k === 0 ? 0 : f.copula.tau())),
        "log-lik": fits.map((f) => f.logLik),
        AIC: fits.map((f) => f.aic),
        BIC: fits.map((f) => f.bic),
      },
      options,
    );
  }
  const fits = table.fits.slice(0, options.maxRows ?? table.fits.length);
  return tableFigure(
    {
      family: fits.map((f) => f.label),
      parameters: fits.map((f) =>
        Object.entries(f.params)
          .map(
            ([k, v]) =>
              `${k} = ${p(v)}${Number.isFinite(f.stdErrors[k]!) ? ` (${p(f.stdErrors[k]!)})` : ""}`,
          )
          .join(", "),
      ),
      "log-lik": fits.map((f) => f.logLik),
      AIC: fits.map((f) => f.aic),
      BIC: fits.map((f) => f.bic),
    },
    options,
  );
}
