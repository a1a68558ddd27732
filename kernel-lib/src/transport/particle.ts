import { connectedComponents } from "../morphology/connectedComponents.js";
import { distanceTransform } from "../morphology/distanceTransform.js";
import type { ParallelOptions } from "../parallel/types.js";
import {
  checkInteger,
  checkNumber,
  checkNumberArray,
  checkOneOf,
  checkOptions,
  expectedError,
} from "../util/checks.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { invasionRadius } from "./invasion.js";

/** Options of {@link selectParticle}. */
export interface SelectParticleOptions {
  /** Label value(s) of the particle phase (e.g. the NMC class). */
  phase: number | number[];
  /** A voxel `[z, y, x]` (indices) of the wanted particle. @default none: the largest component */
  point?: [number, number, number];
  /** Connectivity of the phase's components. @default 26 */
  connectivity?: 6 | 18 | 26;
}

/**
 * One particle of a phase: the connected component of the voxels whose label
 * is in `phase` that contains `point`, or without `point` the largest one
 * (most voxels; the first in raster order on a tie).
 * @param labels - Class labels, any dtype.
 * @returns A 0/1 uint8 mask, the labels' shape and spacing.
 * @throws RangeError when the phase is absent or `point` lies outside it or the volume.
 */
export async function selectParticle(
  labels: Volume,
  options: SelectParticleOptions,
): Promise<Volume<Uint8Array>> {
  checkVolume(labels, "labels");
  checkOptions(options, "options", ["phase", "point", "connectivity"]);
  const phases = Array.isArray(options.phase)
    ? checkNumberArray(options.phase, "phase", { minLength: 1 })
    : [checkNumber(options.phase, "phase")];
  const connectivity = checkOneOf(options.connectivity ?? 26, "connectivity", [6, 18, 26] as const);
  const [nz, ny, nx] = labels.shape;
  let at = -1;
  if (options.point !== undefined) {
    const p = checkNumberArray(options.point, "point", {
      length: 3,
      integer: true,
      min: 0,
      expected: "[z, y, x] of non-negative integers",
    });
    checkInteger(p[0], "point[0] (z)", 0, nz - 1);
    checkInteger(p[1], "point[1] (y)", 0, ny - 1);
    checkInteger(p[2], "point[2] (x)", 0, nx - 1);
    at = (p[0]! * ny + p[1]!) * nx + p[2]!;
  }
  const set = new Set(phases);
  const mask = new Uint8Array(labels.data.length);
  for (let i = 0; i < mask.length; i++) mask[i] = set.has(labels.data[i]!) ? 1 : 0;
  const shape = [...labels.shape] as Shape3;
  const spacing = [...labels.spacing] as Spacing3;
  const {
    labels: comp,
    count,
    table,
  } = await connectedComponents({ data: mask, shape, spacing }, { connectivity });
  if (count === 0) throw expectedError("phase", "a label present in `labels`", options.phase);
  let pick: number;
  if (at >= 0) {
    pick = comp.data[at]!;
    if (pick === 0)
      throw expectedError(
        "point",
        `a voxel of phase ${JSON.stringify(options.phase)}`,
        options.point,
      );
  } else {
    pick = 1;
    for (let l = 1; l < count; l++) if (table.voxels[l]! > table.voxels[pick - 1]!) pick = l + 1;
  }
  for (let i = 0; i < mask.length; i++) mask[i] = comp.data[i] === pick ? 1 : 0;
  return { data: mask, shape, spacing };
}

/** Options of {@link innerPores}. */
export interface InnerPoresOptions extends ParallelOptions {
  /** Radius of the rolling ball, physical units (nm by convention). @default 150 */
  radius?: number;
  /**
   * Voxels that may be inner pores (e.g. the void class): non-particle voxels the ball
   * misses but outside this mask (binder, another phase) are neither particle nor pore.
   * @default every voxel not in the particle
   */
  pore?: Volume;
  /** Neighbourhood through which ball centres connect to the outside. @default 6 */
  connectivity?: 6 | 26;
}

/** Result of {@link innerPores}. */
export interface InnerPores {
  /** 0/1 mask of the inner pores. */
  innerPores: Volume<Uint8Array>;
  /** 0/1 mask of the particle: solid plus inner pores. */
  particle: Volume<Uint8Array>;
  /** Voxels of the solid. */
  solidVoxels: number;
  /** Voxels of the inner pores. */
  innerPoreVoxels: number;
  /** Solid volume fraction of the particle: solid / (solid + inner pores). */
  volumeFraction: number;
}

/**
 * Inner pores of a particle by the rolling-ball rule: the voxels not in the
 * particle's solid that a ball of radius `radius` rolling in from outside
 * cannot reach. Precisely, with distances between voxel centres in physical
 * units (anisotropic spacing honoured) and the volume padded on every side by
 * more than `radius` of empty space (outside the volume counts as outside of
 * the particle):
 * - a ball centre is a voxel at distance `>= radius` from every solid voxel;
 * - the outside centres are those joined to the padding by a path of centres
 *   (neighbours of `connectivity`): the ball can roll there from far away
 *   without touching the solid;
 * - reached = the voxels at distance `< radius` from an outside centre
 *   (the union of the open balls);
 * - inner pores = the voxels neither solid nor reached (and in `pore` when
 *   given). They are enclosed by the solid: closed cavities, and channels,
 *   crevices and dents narrower than the ball (the particle is the solid closed
 *   by the ball from outside).
 * Everything but the solid mask is transparent to the ball: pass one particle
 * (see {@link selectParticle}), not the whole phase, else the gaps between
 * particles count as pores. The particle is solid plus inner pores; its solid
 * volume fraction is solid / (solid + inner pores).
 *
 * Cost: one distance transform of the padded volume, a flood and a dilation
 * (the engine of {@link porosimetry} with the one size `radius`).
 * @param solid - Non-zero = the particle's solid (e.g. NMC) voxels.
 * @see Paper 1, section 3.7 (rolling ball, r = 0.15 um).
 */
export async function innerPores(
  solid: Volume,
  options: InnerPoresOptions = {},
): Promise<InnerPores> {
  checkVolume(solid, "solid");
  checkOptions(options, "options", [
    "radius",
    "pore",
    "connectivity",
    "threads",
    "inline",
    "blockShape",
    "signal",
    "onProgress",
  ]);
  const { radius: rOption, pore, connectivity: conn, ...par } = options;
  const r = checkNumber(rOption ?? 150, "radius", { min: 0, minOpen: true });
  const connectivity = checkOneOf(conn ?? 6, "connectivity", [6, 26] as const);
  if (pore !== undefined) {
    checkVolume(pore, "pore");
    checkSameShape(pore, "pore", solid, "solid");
  }
  const [nz, ny, nx] = solid.shape;
  const spacing = [...solid.spacing] as Spacing3;
  const pad = spacing.map((d) => Math.ceil(r / d) + 1);
  if (nz === 1) pad[0] = 0;
  const [pz, py, px] = pad as [number, number, number];
  const shapeP: Shape3 = [nz + 2 * pz, ny + 2 * py, nx + 2 * px];
  const nP = shapeP[0] * shapeP[1] * shapeP[2];
  const domain = new Uint8Array(nP).fill(1);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      const base = ((z + pz) * shapeP[1] + y + py) * shapeP[2] + px;
      for (let x = 0; x < nx; x++, i++) if (solid.data[i] !== 0) domain[base + x] = 0;
    }
  const dt = await distanceTransform({ data: domain, shape: shapeP, spacing }, par);
  const reached = await invasionRadius(
    domain,
    dt.data,
    null,
    shapeP,
    spacing,
    [r],
    connectivity,
    par,
  );
  const n = nz * ny * nx;
  const inner = new Uint8Array(n);
  const particle = new Uint8Array(n);
  let solidVoxels = 0;
  let innerPoreVoxels = 0;
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      const base = ((z + pz) * shapeP[1] + y + py) * shapeP[2] + px;
      for (let x = 0; x < nx; x++, i++) {
        if (solid.data[i] !== 0) {
          particle[i] = 1;
          solidVoxels++;
        } else if (reached[base + x] === 0 && (pore === undefined || pore.data[i] !== 0)) {
          inner[i] = 1;
          particle[i] = 1;
          innerPoreVoxels++;
        }
      }
    }
  const shape = [...solid.shape] as Shape3;
  return {
    innerPores: { data: inner, shape, spacing: [...spacing] as Spacing3 },
    particle: { data: particle, shape, spacing: [...spacing] as Spacing3 },
    solidVoxels,
    innerPoreVoxels,
    volumeFraction: solidVoxels / (solidVoxels + innerPoreVoxels),
  };
}
