// Figures 6-7 of Paper 1 and the table of section 3.7's numbers, for one or more measured
// particles side by side (e.g. ground truth and segmentation), with the published values.
import { lineFigure, type LineSeries } from "../../plot/line.js";
import { tableFigure } from "../../plot/statsTable.js";
import { categoricalColor } from "../../plot/style.js";
import type { Figure } from "../../plot/types.js";
import { histogram } from "../../volume/stats.js";
import { PLANES } from "../../volume/planeRegion.js";
import { PAPER1_MORPHOLOGY, type Paper1Morphology } from "./morphology.js";

/** One measured particle and its name in the legends ("ground truth", "segmentation 3.6"). */
export interface Paper1MorphologyRun {
  name: string;
  result: Paper1Morphology;
}

/**
 * Section 3.7's numbers of one particle under the keys the notebooks record
 * (`paper1.<key>`): `vf_particle`, `tortuosity_mean.<d_l in um>`, `tortuosity_std.<d_l>`,
 * `intrusion.<r in nm>`, `sections_mean`, `sections_std`.
 */
export function paper1MorphologyNumbers(m: Paper1Morphology): Record<string, number> {
  const out: Record<string, number> = { vf_particle: m.volumeFraction };
  for (const t of m.tortuosity) {
    const um = String(t.distance / 1000);
    const key = um.includes(".") ? um : `${um}.0`; // 0.5, 1.0, 1.5, 2.0 as the issue names them
    out[`tortuosity_mean.${key}`] = t.mean;
    out[`tortuosity_std.${key}`] = t.std;
  }
  m.intrusion.sizes.forEach((r, i) => (out[`intrusion.${r}`] = m.intrusion.fraction[i]!));
  out.sections_mean = meanOfPlanes(m, "mean");
  out.sections_std = meanOfPlanes(m, "std");
  return out;
}

/** Mean over the three plane orientations of the sections' mean (or std). */
function meanOfPlanes(m: Paper1Morphology, key: "mean" | "std"): number {
  return PLANES.reduce((s, p) => s + m.sections[p][key], 0) / PLANES.length;
}

/** Fig. 6a: local volume fraction per 10-nm shell below the boundary (solid) and its cumulative curve (dashed). */
export function paper1Fig6a(runs: readonly Paper1MorphologyRun[]): Figure {
  const series: LineSeries[] = [];
  runs.forEach(({ name, result }, i) => {
    const color = categoricalColor(i);
    series.push({
      name: `${name}: shell`,
      x: result.shells.distance,
      y: result.shells.volumeFraction,
      color,
    });
    series.push({
      name: `${name}: cumulative`,
      x: result.shells.distance,
      y: result.shells.cumulative,
      color,
      dash: "dash",
    });
  });
  return lineFigure(series, {
    title: "Fig. 6a: volume fraction vs distance to the particle boundary",
    xTitle: "distance delta to the boundary",
    xUnit: "nm",
    yTitle: "NMC volume fraction",
  });
}

/** Fig. 6b: volume fraction of the xy, xz and yz cross-sections vs their position from the centroid. */
export function paper1Fig6b(runs: readonly Paper1MorphologyRun[]): Figure {
  const series: LineSeries[] = [];
  const dashes = ["solid", "dash", "dot"];
  runs.forEach(({ name, result }, i) => {
    PLANES.forEach((plane, k) => {
      const s = result.sections[plane];
      const axis = plane === "xy" ? 0 : plane === "xz" ? 1 : 2;
      const step = result.solid.spacing[axis];
      series.push({
        name: `${name}: ${plane} (mean ${s.mean.toFixed(3)}, std ${s.std.toFixed(3)})`,
        x: s.position.map((p) => (p - s.centroid) * step),
        y: s.volumeFraction,
        color: categoricalColor(i),
        dash: dashes[k],
      });
    });
  });
  return lineFigure(series, {
    title: "Fig. 6b: volume fraction of 2D cross-sections",
    xTitle: "slice position from the centroid",
    xUnit: "nm",
    yTitle: "NMC volume fraction",
  });
}

/** Fig. 7a: distribution (probability density) of the geodesic tortuosity per depth d_l. */
export function paper1Fig7a(runs: readonly Paper1MorphologyRun[], bins = 40): Figure {
  const series: LineSeries[] = [];
  const dashes = ["solid", "dash", "dot", "dashdot"];
  let hi = 1.05;
  for (const { result } of runs)
    for (const t of result.tortuosity) for (const v of t.values) if (v < 4) hi = Math.max(hi, v);
  runs.forEach(({ name, result }, i) => {
    result.tortuosity.forEach((t, k) => {
      if (t.values.length === 0) return;
      const h = histogram(t.values, { bins, range: [1, hi] });
      const width = (hi - 1) / bins;
      const total = h.counts.reduce((a, b) => a + b, 0);
      series.push({
        name: `${name}: d_l = ${t.distance / 1000} um (mean ${t.mean.toFixed(3)})`,
        x: Array.from({ length: bins }, (_, b) => 1 + (b + 0.5) * width),
        y: Array.from(h.counts, (c) => c / (total * width)),
        color: categoricalColor(i),
        dash: dashes[k % dashes.length],
        shape: "hv",
      });
    });
  });
  return lineFigure(series, {
    title: "Fig. 7a: geodesic tortuosity of the inner pores",
    xTitle: "tau",
    yTitle: "probability density",
  });
}

/** Fig. 7b: fraction of the inner-pore volume filled by spheres of radius r intruding from the boundary. */
export function paper1Fig7b(runs: readonly Paper1MorphologyRun[]): Figure {
  const series: LineSeries[] = runs.map(({ name, result }, i) => ({
    name,
    x: result.intrusion.sizes,
    y: result.intrusion.fraction,
    mode: "lines+markers",
    color: categoricalColor(i),
  }));
  const pub = Object.entries(PAPER1_MORPHOLOGY.intrusion);
  series.push({
    name: "paper (two quoted points)",
    x: pub.map(([r]) => Number(r)),
    y: pub.map(([, f]) => f),
    mode: "markers",
    color: "#000000",
  });
  return lineFigure(series, {
    title: "Fig. 7b: sphere intrusion from the particle boundary",
    xTitle: "sphere radius r",
    xUnit: "nm",
    yTitle: "filled fraction of the inner pores",
    yRange: [0, 1.02],
  });
}

/** The numbers of section 3.7 for each run beside the paper's. */
export function paper1MorphologyTable(runs: readonly Paper1MorphologyRun[]): Figure {
  const rows: string[] = [
    "NMC volume fraction of the particle",
    "sections: mean vf",
    "sections: std vf",
  ];
  const paper: (number | string)[] = [
    PAPER1_MORPHOLOGY.volumeFraction,
    PAPER1_MORPHOLOGY.sections.mean,
    PAPER1_MORPHOLOGY.sections.std,
  ];
  const first = runs[0]?.result;
  for (const t of first?.tortuosity ?? []) {
    const p = PAPER1_MORPHOLOGY.tortuosity[t.distance];
    rows.push(`tortuosity d_l = ${t.distance / 1000} um: mean (std)`);
    paper.push(p ? `${p[0]} (${p[1]})` : "-");
  }
  for (const r of first?.intrusion.sizes ?? []) {
    if (!(r in PAPER1_MORPHOLOGY.intrusion)) continue;
    rows.push(`intrusion: filled at r = ${r} nm`);
    paper.push(PAPER1_MORPHOLOGY.intrusion[r]!);
  }
  const columns: Record<string, (number | string)[]> = { descriptor: rows };
  for (const { name, result } of runs) {
    const n = paper1MorphologyNumbers(result);
    const col: (number | string)[] = [
      round3(n.vf_particle!),
      round3(n.sections_mean!),
      round3(n.sections_std!),
    ];
    for (const t of result.tortuosity) col.push(`${round3(t.mean)} (${round3(t.std)})`);
    result.intrusion.sizes.forEach((r, i) => {
      if (r in PAPER1_MORPHOLOGY.intrusion) col.push(round3(result.intrusion.fraction[i]!));
    });
    columns[name] = col;
  }
  columns.paper = paper;
  return tableFigure(columns, {
    title: "Paper 1, section 3.7: one porous NMC particle",
    columnWidths: [3, ...runs.map(() => 1.2), 1],
  });
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
