import { connectedComponentsSync } from "../morphology/connectedComponents.js";
import { createRng } from "../stats/random.js";
import { normCdf, normQuantile } from "../stats/special.js";
import { checkNumberArray } from "../util/checks.js";
import { checkShape, checkSpacing } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { laguerreParticle } from "./laguerreParticle.js";
import { CLASS } from "./nmcPhantom.js";
import { gaussianRandomField, streamSeed } from "./noise.js";
import { checkFraction, checkNonNegative, checkPositive, checkRange, checkSeed } from "./options.js";

export interface PorousParticleOptions {
  /** Voxel size [dz, dy, dx], nm. @default [25, 25, 25] */
  spacing?: Spacing3;
  /** Seed of outline, primaries, pores and binder. @default 1 */
  seed?: number;
  /** Nominal radius of the secondary particle, nm. @default 2600 */
  radius?: number;
  /** Particle centre [z, y, x], nm. @default the box centre */
  center?: [number, number, number];
  /** Amplitude of the smooth (quadrupolar) deviation of the outline from a sphere, relative. @default 0.03 */
  roughness?: number;
  /** Mean volume-equivalent diameter of the primary particles, nm. @default 350 */
  primaryDiameter?: number;
  /** Coefficient of variation of the primary diameters. @default 0.3 */
  primaryCv?: number;
  /** How far single primaries stand out of (or back from) the outline, relative to `primaryDiameter` (uniform in +-). @default 0.15 */
  surfaceRelief?: number;
  /** Widths of the open intergranular gaps, nm, log-uniform between these. @default [40, 200] */
  poreWidth?: [number, number];
  /** Fraction of the grain-boundary area that is an open gap (not a sintered contact) in the core. @default 0.5 */
  openFraction?: number;
  /** Thickness of the denser outer shell, nm (about one layer of primaries). @default 300 */
  shellThickness?: number;
  /** Open fraction of the grain boundaries in the shell (it rises to `openFraction` over a second shell thickness). @default 0.2 */
  shellOpenFraction?: number;
  /** Probability that a primary whose centre lies deeper than `coreDepth` is missing (a primary-sized pore). @default 0.08 */
  coreVacancy?: number;
  /** Depth below the outline beyond which primaries may be missing, nm. @default 1000 */
  coreDepth?: number;
  /** Fraction of the particle surface covered by carbon-binder patches. @default 0.3 */
  cbdCoverage?: number;
  /** Largest thickness of a binder patch outside the outline, nm. @default 150 */
  cbdThickness?: number;
  /** Depth to which binder fills surface pores under a patch, nm. @default 50 */
  cbdPenetration?: number;
}

/** A porous particle and what made it. */
export interface PorousParticle {
  /** Labels 1 void, 2 CBD, 3 NMC. */
  labels: Volume<Uint8Array>;
  /** Centre [z, y, x], nm. */
  center: [number, number, number];
  /** Nominal radius, nm. */
  radius: number;
  /** Bounds of the outline radius (smooth outline without the relief of single primaries), nm. */
  outlineRange: [number, number];
  /** Primary particles (Laguerre cells) inside the outline, and how many of them were left out as core pores. */
  primaries: number;
  vacancies: number;
  /** NMC voxels dropped because they were not connected (6-neighbours) to the particle's main body. */
  detached: number;
}

/** Level above which a standard Gaussian field covers `fraction` of the volume. */
function threshold(fraction: number): number {
  if (fraction <= 0) return Infinity;
  if (fraction >= 1) return -Infinity;
  return normQuantile(1 - fraction);
}

/**
 * Signed distance (nm) from point (z, y, x) to the radical plane of the
 * Laguerre cells g and h (centres c, weights w = r^2): positive on g's side,
 * where |x - c_g|^2 - w_g < |x - c_h|^2 - w_h. @internal
 */
export function planeDistance(
  z: number,
  y: number,
  x: number,
  g: number,
  h: number,
  cz: Float64Array,
  cy: Float64Array,
  cx: Float64Array,
  w: Float64Array,
): number {
  const pg = (z - cz[g]) ** 2 + (y - cy[g]) ** 2 + (x - cx[g]) ** 2 - w[g];
  const ph = (z - cz[h]) ** 2 + (y - cy[h]) ** 2 + (x - cx[h]) ** 2 - w[h];
  return (ph - pg) / (2 * Math.hypot(cz[g] - cz[h], cy[g] - cy[h], cx[g] - cx[h]));
}

/**
 * One whole hierarchically porous NMC secondary particle with carbon-binder
 * patches on its surface, as labels 1 void, 2 CBD, 3 NMC (the convention of
 * {@link nmcPhantom}), for the single-particle morphology of Paper 1 (3.7):
 * inner pores by a rolling ball, volume fraction against the distance to the
 * boundary, geodesic tortuosity through the pore space, sphere intrusion.
 *
 * Structure and the physical reasoning behind the defaults:
 * - Outline: a sphere of `radius` (2.6 um: a small NMC secondary particle, large
 *   enough that the set at 2 um from the boundary exists) with a smooth
 *   quadrupolar deviation of a few per cent (secondary particles from
 *   co-precipitation are round but not perfect spheres).
 * - Primary particles: the cells of a Laguerre tessellation
 *   ({@link laguerreParticle}) of ~350 nm mean diameter, cv 0.3 (primaries of
 *   hundreds of nm, the usual size in polycrystalline NMC). At the surface each
 *   primary stands out or back by up to 15 % of its size, so the surface is
 *   bumpy at the primary scale rather than a cut through the cells.
 * - Intergranular pores: along the faces between primaries, where grains did not
 *   sinter, a gap opens whose width (log-uniform 40-200 nm: tens of nm up to
 *   about half a primary) and whose open or closed state vary smoothly along the
 *   faces (two Gaussian random fields, correlation ~ a quarter of a primary), so
 *   closed patches are the sintered necks that hold the primaries together. A
 *   voxel is in a gap when its distance to the nearest radical plane of the
 *   tessellation is below half the local width.
 * - Denser shell: in the outer ~300 nm (one layer of primaries) only 20 % of the
 *   boundary area is open against 50 % in the core, rising over a second shell
 *   thickness: the outer primaries densify most during calcination.
 * - Core voids: 8 % of the primaries deeper than 1 um are missing (the looser
 *   packing of the precursor's core), pores of a primary's size that are
 *   reached only through the narrow gaps.
 * - NMC not connected to the main body (6-neighbours) is turned into void: a
 *   primary held by nothing would not stay in place.
 * - Carbon-binder domain: patches covering ~30 % of the surface (a thresholded
 *   smooth field on the scale of a primary), up to 150 nm thick at their
 *   centres and thinning to their edges, filling the mouths of surface pores
 *   to 50 nm; everything else outside is void.
 *
 * None of these values is fitted to the measurements of Paper 1.
 * @param shape - [nz, ny, nx] voxels; the particle may be cut by the box when it does not fit.
 * @example
 * const p = porousParticle([104, 104, 104], { radius: 1000, seed: 2 });
 */
export function porousParticle(shape: Shape3, options: PorousParticleOptions = {}): PorousParticle {
  checkShape(shape);
  const spacing = options.spacing ?? [25, 25, 25];
  checkSpacing(spacing);
  const seed = checkSeed(options.seed ?? 1);
  const [nz, ny, nx] = shape;
  const [sz, sy, sx] = spacing;
  const R = checkPositive(options.radius ?? 2600, "radius");
  const center = checkNumberArray(
    options.center ?? [(nz * sz) / 2, (ny * sy) / 2, (nx * sx) / 2],
    "center",
    { length: 3, expected: "[z, y, x] in nm" },
  ) as [number, number, number];
  const rough = checkNonNegative(options.roughness ?? 0.03, "roughness");
  const meanD = checkPositive(options.primaryDiameter ?? 350, "primaryDiameter");
  const cv = checkNonNegative(options.primaryCv ?? 0.3, "primaryCv");
  const relief = checkNonNegative(options.surfaceRelief ?? 0.15, "surfaceRelief") * meanD;
  const [wMin, wMax] = checkRange(options.poreWidth ?? [40, 200], "poreWidth");
  const openCore = checkFraction(options.openFraction ?? 0.5, "openFraction");
  const shellT = checkPositive(options.shellThickness ?? 300, "shellThickness");
  const openShell = checkFraction(options.shellOpenFraction ?? 0.2, "shellOpenFraction");
  const vacancy = checkFraction(options.coreVacancy ?? 0.08, "coreVacancy");
  const coreDepth = checkNonNegative(options.coreDepth ?? 1000, "coreDepth");
  const coverage = checkFraction(options.cbdCoverage ?? 0.3, "cbdCoverage");
  const cbdT = checkNonNegative(options.cbdThickness ?? 150, "cbdThickness");
  const cbdPen = checkNonNegative(options.cbdPenetration ?? 50, "cbdPenetration");

  // Outline: R(u) = R (1 + sum_j a_j ((u . d_j)^2 - 1/3)).
  const orng = createRng(streamSeed(seed, "outline"));
  const dirs: number[][] = [];
  const amps: number[] = [];
  for (let j = 0; j < 3; j++) {
    let v: number[];
    do v = [orng.normal(), orng.normal(), orng.normal()];
    while (Math.hypot(v[0], v[1], v[2]) < 1e-6);
    const n = Math.hypot(v[0], v[1], v[2]);
    dirs.push(v.map((t) => t / n));
    amps.push((orng.next() * 2 - 1) * rough);
  }
  const spread = amps.reduce((s, a) => s + Math.abs(a), 0);
  const outlineRange: [number, number] = [R * (1 - spread / 3), R * (1 + (2 * spread) / 3)];
  const outlineAt = (dz: number, dy: number, dx: number, d: number): number => {
    if (d === 0) return R;
    let f = 1;
    for (let j = 0; j < 3; j++) {
      const c = (dz * dirs[j][0] + dy * dirs[j][1] + dx * dirs[j][2]) / d;
      f += amps[j] * (c * c - 1 / 3);
    }
    return R * f;
  };

  // Primary particles: Laguerre cells in a ball that holds the outline and its relief.
  const { grains, count, seeds } = laguerreParticle(shape, {
    spacing,
    seed,
    particleRadius: outlineRange[1] + relief + Math.max(sz, sy, sx),
    particleCenter: center,
    roughness: 0,
    meanDiameter: meanD,
    diameterCv: cv,
  });
  const cell = grains.data;
  const cz = new Float64Array(count + 1);
  const cy = new Float64Array(count + 1);
  const cx = new Float64Array(count + 1);
  const w = new Float64Array(count + 1);
  for (const s of seeds) {
    if (s.label === 0) continue;
    [cz[s.label], cy[s.label], cx[s.label]] = s.center;
    w[s.label] = s.weight;
  }
  // Per cell: relief at the surface and whether it is a missing core primary.
  const crng = createRng(streamSeed(seed, "cells"));
  const bump = new Float64Array(count + 1);
  const missing = new Uint8Array(count + 1);
  for (let g = 1; g <= count; g++) {
    bump[g] = (crng.next() * 2 - 1) * relief;
    const dz = cz[g] - center[0];
    const dy = cy[g] - center[1];
    const dx = cx[g] - center[2];
    const d = Math.hypot(dz, dy, dx);
    const u = crng.next();
    if (outlineAt(dz, dy, dx, d) - d > coreDepth && u < vacancy) missing[g] = 1;
  }

  // Depth below the smooth outline (negative outside) of every voxel; clip cells to outline + relief.
  const n = nz * ny * nx;
  const depth = new Float32Array(n);
  const inCell = new Uint8Array(count + 1);
  for (let z = 0, i = 0; z < nz; z++) {
    const dz = (z + 0.5) * sz - center[0];
    for (let y = 0; y < ny; y++) {
      const dy = (y + 0.5) * sy - center[1];
      for (let x = 0; x < nx; x++, i++) {
        const dx = (x + 0.5) * sx - center[2];
        const d = Math.sqrt(dz * dz + dy * dy + dx * dx);
        const s = outlineAt(dz, dy, dx, d) - d;
        depth[i] = s;
        const g = cell[i];
        if (g !== 0 && s + bump[g] < 0) cell[i] = 0;
        else if (g !== 0) inCell[g] = 1;
      }
    }
  }
  let primaries = 0;
  let vacancies = 0;
  for (let g = 1; g <= count; g++) {
    primaries += inCell[g];
    if (inCell[g] && missing[g]) vacancies++;
  }

  // Intergranular gaps.
  const corr = [0.25 * meanD, 0.25 * meanD, 0.25 * meanD].map((v, a) => v / spacing[a]);
  const openField = gaussianRandomField(shape, corr as Shape3, streamSeed(seed, "open"));
  const widthField = gaussianRandomField(shape, corr as Shape3, streamSeed(seed, "width"));
  const thrShell = threshold(openShell);
  const thrCore = threshold(openCore);
  const reach = (wMax / 2) * Math.sqrt(3);
  const steps = [sz, sy, sx].map((s) => Math.max(1, Math.ceil(reach / s)));
  const labels = new Uint8Array(n).fill(CLASS.void);
  const plane = ny * nx;
  for (let z = 0, i = 0; z < nz; z++) {
    const pz = (z + 0.5) * sz;
    for (let y = 0; y < ny; y++) {
      const py = (y + 0.5) * sy;
      for (let x = 0; x < nx; x++, i++) {
        const g = cell[i];
        if (g === 0 || missing[g]) continue;
        const t = Math.min(1, Math.max(0, (depth[i] - shellT) / shellT));
        const thr = t === 0 ? thrShell : t === 1 ? thrCore : thrShell + t * (thrCore - thrShell);
        labels[i] = CLASS.nmc;
        if (!(openField[i] > thr)) continue;
        // Nearest radical plane: the first other cell met along each axis direction.
        const px = (x + 0.5) * sx;
        let dmin = Infinity;
        const coord = [z, y, x];
        const len = [nz, ny, nx];
        const stride = [plane, nx, 1];
        for (let a = 0; a < 3; a++) {
          for (const sign of [-1, 1]) {
            for (let k = 1; k <= steps[a]; k++) {
              const c = coord[a] + sign * k;
              if (c < 0 || c >= len[a]) break;
              const h = cell[i + sign * k * stride[a]];
              if (h === g) continue;
              if (h !== 0) dmin = Math.min(dmin, planeDistance(pz, py, px, g, h, cz, cy, cx, w));
              break;
            }
          }
        }
        if (dmin >= wMax / 2) continue;
        const width = wMin * (wMax / wMin) ** normCdf(widthField[i]);
        if (dmin < width / 2) labels[i] = CLASS.void;
      }
    }
  }

  // Keep the main body: the largest 6-connected NMC component.
  const nmc = new Uint8Array(n);
  for (let i = 0; i < n; i++) nmc[i] = labels[i] === CLASS.nmc ? 1 : 0;
  const cc = connectedComponentsSync(
    { data: nmc, shape: [nz, ny, nx], spacing: [sz, sy, sx] },
    { connectivity: 6 },
  );
  let main = 0; // label of the largest component (row main - 1 of the table)
  for (let r = 0; r < cc.count; r++)
    if (main === 0 || cc.table.voxels[r] > cc.table.voxels[main - 1]) main = r + 1;
  let detached = 0;
  for (let i = 0; i < n; i++) {
    const l = cc.labels.data[i];
    if (l !== 0 && l !== main) {
      labels[i] = CLASS.void;
      detached++;
    }
  }

  // Carbon-binder patches on the surface.
  const cbdCorr = [0.4 * meanD, 0.4 * meanD, 0.4 * meanD].map((v, a) => v / spacing[a]);
  const patch = gaussianRandomField(shape, cbdCorr as Shape3, streamSeed(seed, "cbd"));
  const thrCbd = threshold(coverage);
  for (let i = 0; i < n; i++) {
    if (labels[i] !== CLASS.void || !(patch[i] > thrCbd)) continue;
    const out = -depth[i];
    const thick = cbdT * Math.sqrt(Math.min(1, (patch[i] - thrCbd) / 0.75));
    if (out > -cbdPen && out <= thick) labels[i] = CLASS.cbd;
  }
  return {
    labels: { data: labels, shape: [nz, ny, nx], spacing: [sz, sy, sx] },
    center: [...center] as [number, number, number],
    radius: R,
    outlineRange,
    primaries,
    vacancies,
    detached,
  };
}
