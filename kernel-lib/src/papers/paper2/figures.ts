// Paper 2's image-pipeline figures: Fig. 1 (alignment cut-out) and Fig. 5 (watershed stages).
import { imagesGrid, type ImagePanel } from "../../plot/grid.js";
import { particleSizeFigure } from "../../plot/mesh3d.js";
import { crop } from "../../volume/crop.js";
import { grainWatershed } from "../../segmentation/watershed.js";
import type { Figure } from "../../plot/types.js";
import {
  checkFraction,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
} from "../../util/checks.js";
import { checkSameShape, checkVolume, checkVolumes } from "../../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../../volume/types.js";
import type { Paper2RealMap } from "./realMap.js";

/** Options of {@link paper2AlignmentFigure}. */
export interface Paper2AlignmentFigureOptions {
  /** Cross-section through the stack: `"xz"` (fixed row) or `"yz"` (fixed column). @default "xz" */
  plane?: "xz" | "yz";
  /** Row (xz) or column (yz) of the section. @default the middle */
  index?: number;
  /** The stack before misalignment (e.g. `sample.iqAligned`), shown third when given. */
  truth?: Volume;
  title?: string;
  width?: number;
  height?: number;
}

/**
 * Paper 2, Fig. 1: a cut-out across the slices of a FIB-EBSD stack before and after
 * alignment. A section perpendicular to the slices shows the misalignment as steps in
 * every grain boundary; after alignment the boundaries run smoothly through the slices.
 * @param acquired - The stack as acquired (slices misaligned).
 * @param aligned - The same stack aligned (e.g. `alignStack(acquired).aligned`).
 */
export function paper2AlignmentFigure(
  acquired: Volume,
  aligned: Volume,
  options: Paper2AlignmentFigureOptions = {},
): Figure {
  checkOptions(options, "options", ["plane", "index", "truth", "title", "width", "height"]);
  checkVolume(acquired, "acquired");
  checkVolume(aligned, "aligned");
  checkSameShape(aligned, "aligned", acquired, "acquired");
  const plane = checkOneOf(options.plane ?? "xz", "plane", ["xz", "yz"] as const);
  const [, ny, nx] = acquired.shape;
  const size = plane === "xz" ? ny : nx;
  const index = checkInteger(options.index ?? size >> 1, "index", 0, size - 1);
  const panels: ImagePanel[] = [
    { image: acquired, plane, index, title: "as acquired" },
    { image: aligned, plane, index, title: "aligned" },
  ];
  if (options.truth !== undefined) {
    checkVolume(options.truth, "truth");
    checkSameShape(options.truth, "truth", acquired, "acquired");
    panels.push({ image: options.truth, plane, index, title: "truth (never misaligned)" });
  }
  const axis = plane === "xz" ? "y" : "x";
  return imagesGrid(panels, {
    columns: panels.length,
    title:
      options.title ??
      `Fig. 1: section ${plane} at ${axis} = ${index} across the slices, before and after alignment`,
    width: options.width ?? 1200,
    height: options.height ?? 420,
  });
}

/** Options of {@link paper2WatershedStages}. */
export interface Paper2WatershedStagesOptions {
  /** Depth of the h-minima of P(boundary). @default 0.2 (as paper2Watershed) */
  h?: number;
  /** Voxels with P(background) above this are background. @default 0.5 */
  backgroundThreshold?: number;
  /** Connectivity of the h-minima and their labelling. @default 26 */
  connectivity?: 6 | 26;
}

/** The first two stages of Paper 2's post-processing (Fig. 5 a, b). */
export interface Paper2WatershedStages {
  /** (a) Marker watershed of P(boundary) over the whole window, markers its h-minima. */
  watershed: Volume<Int32Array>;
  regions: number;
  /** (b) The same with the background (P(background) > threshold) set to 0. */
  backgroundRemoved: Volume<Int32Array>;
}

/**
 * The watershed as Paper 2 describes it step by step (Sect. 2.3, Fig. 5): (a) h-minima
 * of P(boundary) over the whole window, labelled, flood P(boundary) everywhere, so the
 * background is cut into regions too; (b) voxels with P(background) above the threshold
 * are set to background. The pipeline ({@link paper2Watershed}) takes the shortcut of
 * restricting markers and flood to the foreground from the start and then (c) drops the
 * remaining outside specks; these stages are for the figure.
 * @param boundary - P(grain boundary).
 * @param background - P(background), same shape.
 */
export async function paper2WatershedStages(
  boundary: Volume,
  background: Volume,
  options: Paper2WatershedStagesOptions = {},
): Promise<Paper2WatershedStages> {
  checkVolumes({ boundary, background });
  checkOptions(options, "options", ["h", "backgroundThreshold", "connectivity"]);
  const h = checkPositive(options.h ?? 0.2, "h");
  const bgt = checkFraction(options.backgroundThreshold ?? 0.5, "backgroundThreshold");
  const connectivity = checkOneOf(options.connectivity ?? 26, "connectivity", [6, 26] as const);
  const shape = [...boundary.shape] as Shape3;
  const spacing = [...boundary.spacing] as Spacing3;
  const relief: Volume<Float32Array> = { data: Float32Array.from(boundary.data), shape, spacing };
  const ws = grainWatershed(relief, { h, markerConnectivity: connectivity, ties: "skimage" });
  const all = ws.labels;
  const removed = Int32Array.from(all.data);
  for (let i = 0; i < removed.length; i++) if (background.data[i]! > bgt) removed[i] = 0;
  return {
    watershed: all,
    regions: ws.count,
    backgroundRemoved: { data: removed, shape, spacing },
  };
}

/** Options of {@link paper2WatershedFigure}. */
export interface Paper2WatershedFigureOptions {
  /** Slice shown. @default the middle */
  z?: number;
  title?: string;
  width?: number;
  height?: number;
}

/**
 * Paper 2, Fig. 5 on one slice: the IQ image, P(boundary), (a) the watershed over the
 * whole window, (b) after background removal, (c) the final grains; labels drawn over
 * the IQ in cycled colours.
 * @param iq - The image segmented.
 * @param boundary - P(grain boundary).
 * @param stages - {@link paper2WatershedStages} of the probabilities.
 * @param grains - The final grains (e.g. `paper2Pipeline(...).grains`).
 */
export function paper2WatershedFigure(
  iq: Volume,
  boundary: Volume,
  stages: Paper2WatershedStages,
  grains: Volume,
  options: Paper2WatershedFigureOptions = {},
): Figure {
  checkOptions(options, "options", ["z", "title", "width", "height"]);
  checkVolume(iq, "iq");
  for (const [v, name] of [
    [boundary, "boundary"],
    [stages?.watershed, "stages.watershed"],
    [stages?.backgroundRemoved, "stages.backgroundRemoved"],
    [grains, "grains"],
  ] as const) {
    checkVolume(v, name);
    checkSameShape(v, name, iq, "iq");
  }
  const z = checkInteger(options.z ?? iq.shape[0] >> 1, "z", 0, iq.shape[0] - 1);
  const over = (labels: Volume, title: string): ImagePanel => ({
    image: iq,
    index: z,
    labels,
    title,
  });
  return imagesGrid(
    [
      { image: iq, index: z, title: `IQ, slice z = ${z}` },
      { image: boundary, index: z, title: "P(boundary)" },
      over(stages.watershed, `(a) watershed (${stages.regions} regions)`),
      over(stages.backgroundRemoved, "(b) background removed"),
      over(grains, "(c) final grains"),
    ],
    {
      columns: 5,
      shareRange: false,
      labelKind: "instances",
      labelOpacity: 0.5,
      title: options.title ?? "Fig. 5: from the boundary map to grains",
      width: options.width ?? 1500,
      height: options.height ?? 380,
    },
  );
}

/**
 * A real EBSD map's two routes side by side ({@link paper2RealMap}): the quality image,
 * the grains from orientations (the reference) and the grains from the image route,
 * drawn over the image in cycled colours; the labelled rows are named in the title.
 * @param r - `paper2RealMap(map)`.
 */
export function paper2RealMapFigure(
  r: Paper2RealMap,
  options: { title?: string; width?: number; height?: number } = {},
): Figure {
  if (!r || typeof r !== "object" || !("reference" in r) || !("grains" in r))
    throw new TypeError("r: expected the result of paper2RealMap");
  checkOptions(options, "options", ["title", "width", "height"]);
  const [, rows, cols] = r.image.shape;
  const width = options.width ?? 1200;
  return imagesGrid(
    [
      { image: r.image, index: 0, title: "quality image" },
      {
        image: r.image,
        index: 0,
        labels: r.reference.labels,
        title: `orientation route (${r.referenceCount} grains)`,
      },
      {
        image: r.image,
        index: 0,
        labels: r.grains.grains,
        title: `image route (${r.imageCount} grains)`,
      },
    ],
    {
      columns: 3,
      labelKind: "instances",
      labelOpacity: 0.55,
      title:
        options.title ??
        `${r.file}: matched ${(100 * r.matchedFraction).toFixed(0)} % of the reference grains, adapted Rand error ${r.adaptedRandError.toFixed(3)}`,
      width,
      height:
        options.height ??
        Math.min(900, Math.max(320, Math.round(((width / 3) * rows) / cols) + 80)),
    },
  );
}

/** Options of {@link paper2GrainsFigure3D}. */
export interface Paper2GrainsFigure3DOptions {
  /** Cut-out shown, `[[z0, z1], [y0, y1], [x0, x1]]` (voxel indices, half-open). @default the whole volume */
  box?: [[number, number], [number, number], [number, number]];
  /** Triangle budget of the meshes. @default 200,000 */
  budget?: number;
  title?: string;
  width?: number;
  height?: number;
}

/**
 * The grains in 3D, each surface coloured by its volume-equivalent diameter d (Eq. 8,
 * of the grain as cut by the box), with the histogram of d beside it; meshes coarsened
 * to the triangle budget so the view stays responsive.
 * @param grains - Grain labels (0 = background).
 */
export function paper2GrainsFigure3D(
  grains: Volume,
  options: Paper2GrainsFigure3DOptions = {},
): Figure {
  checkOptions(options, "options", ["box", "budget", "title", "width", "height"]);
  checkVolume(grains, "grains", { dtypes: ["int32", "uint32", "uint16", "uint8"] });
  const cut = options.box ? crop(grains, options.box) : grains;
  // relabel 1..count in order of first voxel, counting voxels
  const map = new Map<number, number>();
  const labels = new Int32Array(cut.data.length);
  const counts: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const v = cut.data[i]!;
    if (v === 0) continue;
    let k = map.get(v);
    if (k === undefined) {
      k = map.size + 1;
      map.set(v, k);
      counts.push(0);
    }
    labels[i] = k;
    counts[k - 1]!++;
  }
  const [dz, dy, dx] = cut.spacing;
  const diameter = counts.map((n) => Math.cbrt((6 * n * dz * dy * dx) / Math.PI));
  return particleSizeFigure(
    {
      labels: { data: labels, shape: [...cut.shape], spacing: [...cut.spacing] },
      count: counts.length,
      diameter,
    },
    {
      title: options.title ?? `${counts.length} grains coloured by volume-equivalent diameter`,
      width: options.width ?? 1100,
      height: options.height ?? 600,
      ...(options.budget !== undefined ? { budget: options.budget } : {}),
    },
  );
}
