// Sample transport paths of Paper 1's Fig. 5b/c: electrons through the NMC to its contacts with
// the carbon binder, ions through the inner pores to the particle boundary, as 3D polylines.
import { forEachTouching } from "../../morphology/neighbours.js";
import type { Polyline3 } from "../../plot/render3dPaths.js";
import { tracePaths } from "../../transport/paths.js";
import { checkInteger, checkOptions, checkPositiveInt, expectedError } from "../../util/checks.js";
import { checkSameShape, checkVolume } from "../../volume/check.js";
import type { Shape3, Volume } from "../../volume/types.js";

/** Options of {@link paper1ElectronPaths} and {@link paper1IonPaths}. */
export interface Paper1PathsOptions {
  /** Paths drawn (start voxels taken evenly in raster order among the candidates). @default 300 */
  count?: number;
}

/** Voxels of `mask` with a 6-neighbour in `other` (inside the grid). */
function touching(mask: ArrayLike<number>, other: (i: number) => boolean, shape: Shape3): number[] {
  const out: number[] = [];
  forEachTouching(mask, other, shape, (i) => out.push(i));
  return out;
}

/** `count` indices spread evenly over the voxels of `mask` not in `exclude`. */
function evenStarts(mask: ArrayLike<number>, exclude: Set<number>, count: number): number[] {
  const all: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0 && !exclude.has(i)) all.push(i);
  if (all.length <= count) return all;
  const step = all.length / count;
  return Array.from({ length: count }, (_, k) => all[Math.floor((k + 0.5) * step)]!);
}

async function paths(
  mask: Volume,
  sources: number[],
  starts: number[],
  what: string,
): Promise<Polyline3[]> {
  if (sources.length === 0) throw expectedError(what, "at least one voxel where the paths end", 0);
  const traced = await tracePaths(mask, sources, starts, {});
  const drawn = traced.paths.filter((p) => p.reached && p.voxels.length >= 2);
  // paths through each voxel: where paths merge towards their ends, the current adds up
  const through = new Map<number, number>();
  for (const p of drawn) for (const v of p.voxels) through.set(v, (through.get(v) ?? 0) + 1);
  const out: Polyline3[] = [];
  for (const p of drawn) {
    const points: number[][] = [];
    for (let k = 0; k < p.points.length; k += 3)
      points.push([p.points[k + 2]!, p.points[k + 1]!, p.points[k]!]);
    out.push({ points, length: p.length, density: Array.from(p.voxels, (v) => through.get(v)!) });
  }
  return out;
}

function checkPathOptions(options: Paper1PathsOptions): number {
  checkOptions(options, "options", ["count"]);
  return checkPositiveInt(options.count ?? 300, "count");
}

/**
 * Electron paths (Paper 1, Fig. 5b): geodesic shortest paths through the particle's NMC from
 * `count` voxels spread over it to the nearest NMC voxel touching the carbon-binder domain,
 * as polylines `[x, y, z]` in physical units with their lengths, and per point the number
 * of drawn paths through its voxel (`density`, which `pathsFigure` shows as opacity: the
 * paper's "transparency = current density").
 * @param solid - The particle's NMC (non-zero), e.g. `paper1Morphology(...).solid`.
 * @param labels - Class labels, same shape; `cbd` marks the carbon binder.
 * @param cbd - Class of the carbon binder. @default 2
 * @throws RangeError when the NMC touches no CBD.
 */
export async function paper1ElectronPaths(
  solid: Volume,
  labels: Volume,
  cbd = 2,
  options: Paper1PathsOptions = {},
): Promise<Polyline3[]> {
  checkVolume(solid, "solid");
  checkVolume(labels, "labels");
  checkSameShape(labels, "labels", solid, "solid");
  checkInteger(cbd, "cbd", 0, 255);
  const count = checkPathOptions(options);
  const lab = labels.data;
  const contacts = touching(solid.data, (j) => lab[j] === cbd, solid.shape);
  const starts = evenStarts(solid.data, new Set(contacts), count);
  return paths(solid, contacts, starts, "NMC voxels touching the CBD");
}

/**
 * Ion paths (Paper 1, Fig. 5c): geodesic shortest paths through the inner pores from `count`
 * pore voxels spread over them to the nearest inner-pore voxel on the particle boundary (one
 * with a 6-neighbour outside the particle), as polylines with their lengths.
 * @param innerPores - Non-zero = inner pores, e.g. `paper1Morphology(...).innerPores`.
 * @param particle - Non-zero = the particle (solid plus inner pores).
 * @throws RangeError when no inner pore opens to the boundary.
 */
export async function paper1IonPaths(
  innerPores: Volume,
  particle: Volume,
  options: Paper1PathsOptions = {},
): Promise<Polyline3[]> {
  checkVolume(innerPores, "innerPores");
  checkVolume(particle, "particle");
  checkSameShape(particle, "particle", innerPores, "innerPores");
  const count = checkPathOptions(options);
  const part = particle.data;
  const mouths = touching(innerPores.data, (j) => part[j] === 0, innerPores.shape);
  const starts = evenStarts(innerPores.data, new Set(mouths), count);
  return paths(innerPores, mouths, starts, "inner-pore voxels on the particle boundary");
}
