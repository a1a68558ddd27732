import { checkNumber } from "../util/checks.js";
import type { FigureOptions, Layout } from "./types.js";

/** Font stack available on most systems and in headless Chromium (Liberation/DejaVu on Linux). */
export const FONT_FAMILY = "Arial, 'Liberation Sans', Helvetica, 'DejaVu Sans', sans-serif";

/**
 * Categorical colours for classes: Okabe & Ito's colour-blind-safe palette (without black,
 * which vanishes on greyscale images) followed by a few distinct extras.
 */
export const CATEGORICAL_COLORS: readonly string[] = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#D55E00",
  "#CC79A7",
  "#56B4E9",
  "#F0E442",
  "#882255",
  "#44AA99",
  "#999933",
];

/** Colour of class/series `i` (0-based), cycling through {@link CATEGORICAL_COLORS}. */
export function categoricalColor(i: number): string {
  const n = CATEGORICAL_COLORS.length;
  return CATEGORICAL_COLORS[((i % n) + n) % n];
}

/** `"Grey value"` + `"a.u."` -> `"Grey value (a.u.)"`; the unit is omitted when empty. */
export function axisTitle(title: string | undefined, unit?: string): string | undefined {
  if (title === undefined) return undefined;
  return unit ? `${title} (${unit})` : title;
}

/** A publication-style axis: black outline, outside ticks, no grid, title with unit. */
export function styledAxis(
  title?: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...(title !== undefined ? { title: { text: title } } : {}),
    showline: true,
    linecolor: "#222222",
    linewidth: 1,
    mirror: true,
    ticks: "outside",
    tickcolor: "#222222",
    showgrid: false,
    zeroline: false,
    automargin: true,
    ...extra,
  };
}

/**
 * The layout every builder starts from: white background, readable font, title on top,
 * margins that leave room for axis titles. Builders add axes and traces to it.
 */
export function baseLayout(options: FigureOptions = {}): Layout {
  const size = options.fontSize ?? 14;
  const layout: Layout = {
    paper_bgcolor: "white",
    plot_bgcolor: "white",
    font: { family: FONT_FAMILY, size, color: "#222222" },
    margin: { l: 70, r: 20, t: options.title ? 60 : 25, b: 60 },
    legend: { bgcolor: "rgba(255,255,255,0.8)", font: { size: size - 1 } },
    hoverlabel: { font: { family: FONT_FAMILY } },
  };
  if (options.title)
    layout.title = { text: options.title, x: 0.5, xanchor: "center", font: { size: size + 3 } };
  if (options.width !== undefined) layout.width = checkedSize(options.width, "width");
  if (options.height !== undefined) layout.height = checkedSize(options.height, "height");
  return layout;
}

function checkedSize(value: number, name: string): number {
  return checkNumber(value, name, { min: 10 });
}
