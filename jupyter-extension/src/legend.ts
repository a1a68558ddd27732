// Colours that are not class colours, and the legend under the slice: threshold phases (own
// palette), label overlays (class names and colours), the live prediction.
import type { RGB } from "./render.js";
import type { LabelClass, OverlayPayload } from "./viewerTypes.js";

/** matplotlib's viridis at 0, 1/8, ..., 1 (every 32nd entry of its 256-entry table). */
const VIRIDIS: RGB[] = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [40, 174, 128],
  [94, 201, 98],
  [173, 220, 48],
  [253, 231, 37],
];

/** viridis(t) for t in [0, 1], linear between the table's entries. */
export function viridis(t: number): RGB {
  const x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as RGB;
}

/**
 * Colours of the `phases` intensity phases of the threshold preview (phase 0 = darkest):
 * viridis sampled evenly, dark to light like the intensities. Deliberately not the painter's
 * class colours: a phase is an intensity range, not a class.
 */
export function phasePalette(phases: number): RGB[] {
  if (phases <= 1) return [viridis(0.5)];
  return Array.from({ length: phases }, (_, k) => viridis(k / (phases - 1)));
}

/** "#rrggbb" of a colour. */
export function rgbToCss(c: RGB): string {
  return `#${c.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;
}

/** One legend entry. */
export interface LegendEntry {
  color: string;
  label: string;
}

/** A titled group of entries (one per overlay / preview). */
export interface LegendGroup {
  title: string;
  entries: LegendEntry[];
}

/** Legend of the threshold phases: "< t1", "t1 – t2", "≥ tn" in the phase palette. */
export function phaseLegend(thresholds: readonly number[]): LegendEntry[] {
  const colors = phasePalette(thresholds.length + 1);
  const t = thresholds.map((x) => +x.toPrecision(4));
  return colors.map((c, k) => ({
    color: rgbToCss(c),
    label: k === 0 ? `< ${t[0]}` : k === t.length ? `≥ ${t[k - 1]}` : `${t[k - 1]} – ${t[k]}`,
  }));
}

/**
 * Classes of a "labels" overlay: its own `classes`, else `fallback` (the painter's); a palette
 * object (id -> colour) recolours them and lists only its ids.
 */
export function overlayClasses(o: OverlayPayload, fallback: readonly LabelClass[]): LabelClass[] {
  const base = o.classes?.length ? o.classes : fallback;
  if (o.palette && typeof o.palette === "object")
    return Object.entries(o.palette)
      .map(([id, color]) => ({
        id: Number(id),
        name: base.find((c) => c.id === Number(id))?.name ?? `class ${id}`,
        color,
      }))
      .filter((c) => Number.isInteger(c.id) && c.id > 0)
      .sort((a, b) => a.id - b.id);
  return base.map((c) => ({ ...c }));
}

/** Draws the groups into `host` (replacing what it held); hidden when there is nothing. */
export function renderLegend(host: HTMLElement, groups: LegendGroup[]): void {
  const shown = groups.filter((g) => g.entries.length > 0);
  host.replaceChildren(
    ...shown.map((g) => {
      const group = document.createElement("span");
      group.className = "tl-legendGroup";
      const title = document.createElement("span");
      title.className = "tl-legendTitle";
      title.textContent = g.title;
      group.append(title);
      for (const e of g.entries) {
        const item = document.createElement("span");
        item.className = "tl-legendItem";
        item.dataset.color = e.color;
        const sw = document.createElement("span");
        sw.className = "tl-swatch";
        sw.style.background = e.color;
        item.append(sw, document.createTextNode(e.label));
        group.append(item);
      }
      return group;
    }),
  );
  host.hidden = shown.length === 0;
}

/** What the viewer shows that needs a legend. */
export interface ViewLegendState {
  /** Thresholds of the preview, when it is on. */
  thresholds?: readonly number[];
  /** "labels" overlays that are switched on. */
  overlays: readonly OverlayPayload[];
  /** The painter's classes (default names / colours of label overlays, the prediction). */
  classes: readonly LabelClass[];
  /** True when the live prediction is drawn. */
  prediction: boolean;
}

/** The legend groups of a view: threshold phases, each label overlay, the live prediction. */
export function viewLegend(state: ViewLegendState): LegendGroup[] {
  const groups: LegendGroup[] = [];
  const entries = (classes: readonly LabelClass[]): LegendEntry[] =>
    classes.map((c) => ({ color: c.color, label: c.name }));
  if (state.thresholds)
    groups.push({ title: "threshold phases", entries: phaseLegend(state.thresholds) });
  for (const o of state.overlays)
    if (o.kind === "labels")
      groups.push({ title: o.name, entries: entries(overlayClasses(o, state.classes)) });
  if (state.prediction) groups.push({ title: "prediction", entries: entries(state.classes) });
  return groups;
}
