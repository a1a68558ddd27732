import {
  checkInteger,
  checkNumber,
  checkNumberArray,
  checkOptions,
  checkString,
  expectedError,
} from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";
import {
  blockMode,
  boundaryFaces,
  DEFAULT_TRIANGLE_BUDGET,
  meshInstances,
  meshLabels,
} from "./mesh3dBudget.js";
import type { TriangleMesh } from "./mesh3dMarch.js";
import { axisTitle, baseLayout, categoricalColor, styledAxis } from "./style.js";
import type { Figure, FigureOptions, Layout, Trace } from "./types.js";

export { DEFAULT_TRIANGLE_BUDGET, blockMode, boundaryFaces, meshInstances, meshLabels };
export { decimateMesh } from "./mesh3dDecimate.js";
export type { LabelMeshes } from "./mesh3dBudget.js";
export { marchBinary, meshArea, meshVolume, type TriangleMesh } from "./mesh3dMarch.js";

/** Plotly's 1D typed-array spec (base64 of the little-endian bytes). */
export function bdata(values: Float32Array | Uint32Array | Int32Array): {
  dtype: string;
  bdata: string;
} {
  const dtype = values instanceof Float32Array ? "f4" : values instanceof Uint32Array ? "u4" : "i4";
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return { dtype, bdata: bytes.toString("base64") };
}

/** A plotly `mesh3d` trace of a triangle mesh (coordinates and indices as binary arrays). */
export function meshTrace(mesh: TriangleMesh, extra: Record<string, unknown> = {}): Trace {
  const nv = mesh.positions.length / 3;
  const nt = mesh.triangles.length / 3;
  const xyz = [0, 1, 2].map((a) => {
    const out = new Float32Array(nv);
    for (let v = 0; v < nv; v++) out[v] = mesh.positions[3 * v + a]!;
    return bdata(out);
  });
  const ijk = [0, 1, 2].map((a) => {
    const out = new Uint32Array(nt);
    for (let t = 0; t < nt; t++) out[t] = mesh.triangles[3 * t + a]!;
    return bdata(out);
  });
  return {
    type: "mesh3d",
    x: xyz[0],
    y: xyz[1],
    z: xyz[2],
    i: ijk[0],
    j: ijk[1],
    k: ijk[2],
    flatshading: false,
    lighting: { ambient: 0.45, diffuse: 0.8, specular: 0.15, roughness: 0.7, fresnel: 0.1 },
    lightposition: { x: 1e5, y: 2e5, z: 3e5 },
    hoverinfo: "name",
    ...extra,
  };
}

/** Options shared by the 3D figures. */
export interface Scene3dOptions extends FigureOptions {
  /** Unit of the axes (the volume's spacing). @default "nm" */
  unit?: string;
  /** Show the x, y, z axes (box, ticks, titles). @default true */
  showAxes?: boolean;
}

/** A `scene` of equal physical scale on all axes, at `domain` of the figure. */
export function sceneLayout(
  options: Scene3dOptions,
  domain: { x: [number, number]; y: [number, number] } = { x: [0, 1], y: [0, 1] },
): Record<string, unknown> {
  const unit = options.unit ?? "nm";
  const show = options.showAxes ?? true;
  const axis = (name: string) => ({
    title: { text: show ? axisTitle(name, unit) : "" },
    visible: show,
    showbackground: false,
    gridcolor: "#dddddd",
    zeroline: false,
  });
  return {
    domain,
    aspectmode: "data",
    xaxis: axis("x"),
    yaxis: axis("y"),
    zaxis: axis("z"),
    camera: { eye: { x: 1.5, y: -1.6, z: 1.1 } },
  };
}

/** Options of {@link isosurfaceFigure}. */
export interface IsosurfaceFigureOptions extends Scene3dOptions {
  /** Labels to draw. @default every non-zero label in the volume (at most 32) */
  classes?: number[];
  /** Legend names, one per class. @default "class <label>" */
  names?: string[];
  /** Colours, one per class. @default the categorical palette */
  colors?: string[];
  /** Opacity, one for all or one per class (< 1 lets inner classes show). @default 1 */
  opacity?: number | number[];
  /** Total triangle budget; the meshes are decimated to fit (see {@link meshLabels}). @default 200,000 */
  budget?: number;
}

const SCENE_KEYS = ["title", "width", "height", "fontSize", "unit", "showAxes"];

function presentLabels(labels: Volume, limit: number): number[] {
  const seen = new Set<number>();
  for (const v of labels.data) {
    if (v === 0 || seen.has(v)) continue;
    seen.add(v);
    if (seen.size > limit)
      throw new RangeError(
        `\`labels\` holds more than ${limit} distinct labels; pass \`classes\` (or use particleSizeFigure for instances)`,
      );
  }
  return [...seen].sort((a, b) => a - b);
}

/**
 * 3D render of a classified (label) volume: the surface of each class by marching cubes, in
 * physical coordinates (x, y, z from the spacing, equal aspect), one `mesh3d` trace per class
 * with its legend entry. To stay responsive the meshes are decimated (vertex clustering, and
 * block-majority coarsening first for very large volumes) until the total triangle count fits
 * `budget` (see {@link meshLabels}); what was done is in `layout.meta`
 * (`{ factor, cell, triangles, fullTriangles }`).
 *
 * @param labels - Class labels (0 = not drawn unless listed in `classes`), any integer dtype.
 */
export function isosurfaceFigure(labels: Volume, options: IsosurfaceFigureOptions = {}): Figure {
  checkVolume(labels, "labels", { dtypes: ["uint8", "uint16", "int32", "uint32"] });
  checkOptions(options, "options", [
    ...SCENE_KEYS,
    "classes",
    "names",
    "colors",
    "opacity",
    "budget",
  ]);
  const classes = options.classes ?? presentLabels(labels, 32);
  checkNumberArray(classes, "classes", { integer: true });
  const n = classes.length;
  const perClass = <T>(value: T[] | undefined, name: string, fallback: (k: number) => T): T[] => {
    if (value === undefined) return classes.map((_, k) => fallback(k));
    if (!Array.isArray(value) || value.length !== n)
      throw expectedError(name, `an array of ${n} entries (one per class)`, value, RangeError);
    return value;
  };
  const names = perClass(options.names, "names", (k) => `class ${classes[k]}`);
  const colors = perClass(options.colors, "colors", (k) => categoricalColor(k));
  names.forEach((s, k) => checkString(s, `names[${k}]`));
  colors.forEach((s, k) => checkString(s, `colors[${k}]`, true));
  const op = options.opacity ?? 1;
  const opacity = perClass(Array.isArray(op) ? op : undefined, "opacity", () => op as number);
  opacity.forEach((o, k) => checkNumber(o, `opacity[${k}]`, { min: 0, max: 1 }));
  const budget = checkInteger(options.budget ?? DEFAULT_TRIANGLE_BUDGET, "budget", 1);
  const result = meshLabels(labels, classes, budget);
  const data: Trace[] = result.meshes.map(({ mesh }, k) =>
    meshTrace(mesh, {
      name: names[k],
      color: colors[k],
      opacity: opacity[k],
      showlegend: true,
    }),
  );
  const layout: Layout = {
    ...baseLayout(options),
    scene: sceneLayout(options),
    showlegend: true,
    meta: {
      factor: result.factor,
      cell: result.cell,
      triangles: result.triangles,
      fullTriangles: result.fullTriangles,
    },
  };
  return { data, layout };
}

/** Options of {@link particleSizeFigure}. */
export interface ParticleSizeFigureOptions extends Scene3dOptions {
  /** Plotly colour scale of the diameter. @default "Viridis" */
  colorscale?: string;
  /** Number of histogram bins. @default 20 */
  bins?: number;
  /** Total triangle budget (see {@link isosurfaceFigure}). @default 200,000 */
  budget?: number;
}

/** What {@link particleSizeFigure} needs: labels 1..count and a diameter per label. */
export interface SizedParticles {
  labels: Volume;
  count: number;
  /** Diameter of label `i + 1` (e.g. the volume-equivalent diameter of splitParticles). */
  diameter: ArrayLike<number>;
}

/**
 * Particle size distribution in 3D (Paper 1, Fig. 5a): every particle's surface coloured by
 * its diameter (one `mesh3d` trace with per-vertex intensity, colour bar), next to the
 * histogram of the diameters in the same colours. Within `budget` as {@link isosurfaceFigure}.
 *
 * @param particles - Output of `splitParticles`, or any labels with a diameter per label.
 */
export function particleSizeFigure(
  particles: SizedParticles,
  options: ParticleSizeFigureOptions = {},
): Figure {
  checkOptions(options, "options", [...SCENE_KEYS, "colorscale", "bins", "budget"]);
  const { labels, count, diameter } = particles ?? ({} as SizedParticles);
  checkVolume(labels, "particles.labels", { dtypes: ["uint8", "uint16", "int32", "uint32"] });
  checkInteger(count, "particles.count", 0);
  if (diameter?.length !== count)
    throw expectedError(
      "particles.diameter",
      `${count} diameters (one per label)`,
      diameter,
      RangeError,
    );
  const unit = options.unit ?? "nm";
  const colorscale = options.colorscale ?? "Viridis";
  const bins = checkInteger(options.bins ?? 20, "bins", 1, 1000);
  const budget = checkInteger(options.budget ?? DEFAULT_TRIANGLE_BUDGET, "budget", 1);
  const all = Array.from({ length: count }, (_, k) => k + 1);
  const full = boundaryFaces(labels, all).reduce((a, b) => a + 2 * b, 0);
  let vol: Volume = labels;
  let factor = 1;
  let predicted = full;
  while (predicted > budget && vol.data.length > 1) {
    factor = factor === 1 ? Math.max(2, Math.floor(Math.sqrt(full / budget))) : factor + 1;
    vol = blockMode(labels, factor);
    predicted = boundaryFaces(vol, all).reduce((a, b) => a + 2 * b, 0);
  }
  const meshes = meshInstances(vol, count);
  const nv = meshes.reduce((a, m) => a + m.positions.length / 3, 0);
  const nt = meshes.reduce((a, m) => a + m.triangles.length / 3, 0);
  const positions = new Float32Array(3 * nv);
  const triangles = new Uint32Array(3 * nt);
  const intensity = new Float32Array(nv);
  let v0 = 0;
  let t0 = 0;
  meshes.forEach((m, k) => {
    positions.set(m.positions, 3 * v0);
    for (let t = 0; t < m.triangles.length; t++) triangles[t0 + t] = m.triangles[t]! + v0;
    intensity.fill(diameter[k]!, v0, v0 + m.positions.length / 3);
    v0 += m.positions.length / 3;
    t0 += m.triangles.length;
  });
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < count; k++) {
    lo = Math.min(lo, diameter[k]!);
    hi = Math.max(hi, diameter[k]!);
  }
  if (!(hi > lo)) [lo, hi] = [Number.isFinite(lo) ? lo : 0, (Number.isFinite(lo) ? lo : 0) + 1];
  const title = axisTitle("Equivalent diameter", unit);
  const mesh = meshTrace(
    { positions, triangles },
    {
      name: "particles",
      intensity: bdata(intensity),
      intensitymode: "vertex",
      colorscale,
      cmin: lo,
      cmax: hi,
      showscale: true,
      colorbar: {
        title: { text: unit ? `d (${unit})` : "d", side: "top" },
        x: 0.6,
        len: 0.75,
        thickness: 18,
        outlinewidth: 0,
      },
      hovertemplate: `d = %{intensity:.4g} ${unit}<extra></extra>`,
    },
  );
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let k = 0; k < count; k++)
    counts[Math.min(bins - 1, Math.floor((diameter[k]! - lo) / width))]!++;
  const centres = counts.map((_, b) => lo + (b + 0.5) * width);
  const histogram: Trace = {
    type: "bar",
    name: "size distribution",
    x: centres,
    y: counts,
    width: width,
    marker: { color: centres, colorscale, cmin: lo, cmax: hi, line: { width: 0 } },
    xaxis: "x",
    yaxis: "y",
    showlegend: false,
    hovertemplate: `%{x:.4g} ${unit}: %{y} particles<extra></extra>`,
  };
  const layout: Layout = {
    ...baseLayout(options),
    margin: { ...(baseLayout(options).margin as object), r: 60 },
    scene: sceneLayout(options, { x: [0, 0.58], y: [0, 1] }),
    xaxis: styledAxis(title, { domain: [0.8, 1] }),
    yaxis: styledAxis("Particles", { rangemode: "tozero", anchor: "x" }),
    showlegend: false,
    meta: { factor, triangles: nt, fullTriangles: full, particles: count },
  };
  return { data: [mesh, histogram], layout };
}
