import { createRng, type Rng } from "../stats/random.js";
import { checkShape, checkSpacing } from "../volume/check.js";
import { histogram } from "../volume/stats.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { gaussianRandomField, streamSeed } from "./noise.js";
import {
  checkFraction,
  checkNonNegative,
  checkPositive,
  checkRange,
  checkSeed,
} from "./options.js";
import { forEachVoxelInBox, type VoxelBox } from "./voxelBox.js";

/**
 * Set `labels[i] = value` at the `want` highest finite scores (ties: lower
 * index first; -Infinity marks voxels that are not candidates): a histogram
 * of the candidates' scores in [lo, hi] finds the bin holding the
 * `want`-th highest, whose voxels are then ordered exactly.
 */
function selectTop(
  score: Float32Array,
  want: number,
  lo: number,
  hi: number,
  labels: Uint8Array,
  value: number,
): void {
  const { counts, edges } = histogram(score, { bins: 4096, range: [lo, hi] });
  const bins = counts.length;
  let acc = 0;
  let b = bins - 1;
  for (; b > 0 && acc + counts[b] < want; b--) acc += counts[b];
  // Bin b is [edges[b], edges[b + 1]) (the last one closed): everything above it is taken.
  const above = b + 1 < bins ? edges[b + 1] : Infinity;
  const inBin: number[] = [];
  let taken = 0;
  for (let i = 0; i < score.length; i++) {
    const v = score[i];
    if (v === -Infinity) continue;
    if (v >= above) {
      labels[i] = value;
      taken++;
    } else if (v >= edges[b]) inBin.push(i);
  }
  inBin.sort((i, j) => score[j] - score[i] || i - j);
  for (let k = 0; k < want - taken && k < inBin.length; k++) labels[inBin[k]] = value;
}

/** Class ids used by every tomolab classifier and simulator. */
export const CLASS = { unlabelled: 0, void: 1, cbd: 2, nmc: 3 } as const;

export interface NmcPhantomOptions {
  /** Voxel size [dz, dy, dx] in nm (Paper 1 used 10 nm slices). @default [10, 10, 10] */
  spacing?: Spacing3;
  /** Seed of the random structure: equal seeds give equal volumes. @default 1 */
  seed?: number;
  /** Mean radius of the secondary (agglomerate) NMC particles, nm. @default 800 */
  particleRadius?: number;
  /** Coefficient of variation of the secondary particle radii (log-normal). @default 0.25 */
  particleRadiusCv?: number;
  /**
   * Target fraction of the box covered by secondary particles (their outlines,
   * pores included). Particles are placed at random until it is reached (or
   * no more fit). @default 0.55
   */
  particleFraction?: number;
  /** Mean radius of the primary NMC particles that make up each agglomerate, nm. @default 55 */
  primaryRadius?: number;
  /** Coefficient of variation of the primary radii (log-normal). @default 0.3 */
  primaryRadiusCv?: number;
  /**
   * Porosity between the sintered primary particles (a Boolean model of
   * overlapping spheres, whose porosity is exp(-density x mean sphere volume)),
   * before large pores are carved: the fine end of the pore sizes (tens of nm). @default 0.2
   */
  innerPorosity?: number;
  /** Fraction of each agglomerate's volume carved out as large internal pores (ellipsoids). @default 0.12 */
  largePoreFraction?: number;
  /** Radius range of the large internal pores, nm, sampled log-uniformly (up to ~1 um pores). @default [50, 450] */
  largePoreRadius?: [number, number];
  /** Target volume fraction of carbon-binder domain in the whole box. @default 0.12 */
  cbdFraction?: number;
  /** Feature size of the carbon-binder network, nm. @default 45 */
  cbdScale?: number;
  /** Distance from particle surfaces over which the binder thins out, nm (binder sits at surfaces and in necks). @default 100 */
  cbdReach?: number;
}

interface Particle {
  c: [number, number, number];
  r: number;
  /** Shape perturbation directions and amplitudes: R(u) = r (1 + sum b_j ((u . a_j)^2 - 1/3)). */
  a: number[][];
  b: number[];
  /** Bound of R(u). */
  rmax: number;
}

function lognormal(rng: Rng, mean: number, cv: number): number {
  if (cv === 0) return mean;
  const s2 = Math.log(1 + cv * cv);
  return mean * Math.exp(Math.sqrt(s2) * rng.normal() - s2 / 2);
}

function unitVector(rng: Rng): number[] {
  for (;;) {
    const v = [rng.normal(), rng.normal(), rng.normal()];
    const n = Math.hypot(v[0], v[1], v[2]);
    if (n > 1e-6) return v.map((x) => x / n);
  }
}

/** Signed distance-like value of point p (nm) to the particle outline: < 0 inside. */
function outline(p: Particle, z: number, y: number, x: number): number {
  const dz = z - p.c[0];
  const dy = y - p.c[1];
  const dx = x - p.c[2];
  const d = Math.sqrt(dz * dz + dy * dy + dx * dx);
  if (d === 0) return -p.r;
  let f = 1;
  for (let j = 0; j < p.a.length; j++) {
    const a = p.a[j];
    const c = (dz * a[0] + dy * a[1] + dx * a[2]) / d;
    f += p.b[j] * (c * c - 1 / 3);
  }
  return d - p.r * f;
}

/**
 * A hierarchically porous NMC cathode microstructure, as three-phase labels:
 * 1 = void (pores and background), 2 = carbon-binder domain (CBD), 3 = NMC.
 *
 * - Secondary particles: roughly spherical agglomerates (log-normal radii,
 *   smooth random shape perturbation) placed at random with sintered contacts
 *   until `particleFraction` of the box is covered; they may be cut by the box.
 * - Inside each: sintered primary particles, a Boolean model of overlapping
 *   spheres whose centres lie inside the outline (rough, bumpy surfaces;
 *   pores of tens of nm between primaries), minus large internal pores
 *   (randomly oriented ellipsoids up to ~1 um, some opening to the surface):
 *   pore sizes spanning more than a decade.
 * - A sparse, fine carbon-binder network in the space between the agglomerates:
 *   a thresholded smooth random field that favours particle surfaces and the
 *   necks between neighbouring particles, at exactly the requested fraction
 *   (as far as free space allows). Everything else is open pore space.
 *
 * All sizes are in nm and converted with `spacing`, so the same structure can be
 * rendered at other voxel sizes.
 * @param shape - [nz, ny, nx] voxels.
 * @returns Uint8 labels (1, 2, 3), spacing as given.
 * @example
 * const truth = nmcPhantom([64, 96, 96], { seed: 3 });
 */
export function nmcPhantom(shape: Shape3, options: NmcPhantomOptions = {}): Volume<Uint8Array> {
  checkShape(shape);
  const spacing = options.spacing ?? [10, 10, 10];
  checkSpacing(spacing);
  const seed = checkSeed(options.seed ?? 1);
  const R = checkPositive(options.particleRadius ?? 800, "particleRadius");
  const Rcv = checkNonNegative(options.particleRadiusCv ?? 0.25, "particleRadiusCv");
  const target = checkFraction(options.particleFraction ?? 0.55, "particleFraction");
  const rp = checkPositive(options.primaryRadius ?? 55, "primaryRadius");
  const rpCv = checkNonNegative(options.primaryRadiusCv ?? 0.3, "primaryRadiusCv");
  const phi = checkFraction(options.innerPorosity ?? 0.2, "innerPorosity", true);
  const largeFrac = checkFraction(options.largePoreFraction ?? 0.12, "largePoreFraction");
  const [lpMin, lpMax] = checkRange(options.largePoreRadius ?? [50, 450], "largePoreRadius");
  const cbdFrac = checkFraction(options.cbdFraction ?? 0.12, "cbdFraction");
  const cbdScale = checkPositive(options.cbdScale ?? 45, "cbdScale");
  const cbdReach = checkPositive(options.cbdReach ?? 100, "cbdReach");

  const [nz, ny, nx] = shape;
  const [sz, sy, sx] = spacing;
  const L = [nz * sz, ny * sy, nx * sx];
  const labels = new Uint8Array(nz * ny * nx);

  // 1. Secondary particles: random sequential placement with sintered contacts.
  const prng = createRng(streamSeed(seed, "particles"));
  const particles: Particle[] = [];
  const gs = 4; // coarse occupancy grid step (voxels) used to measure the covered fraction
  const gz = Math.ceil(nz / gs);
  const gy = Math.ceil(ny / gs);
  const gx = Math.ceil(nx / gs);
  const occ = new Uint8Array(gz * gy * gx);
  let covered = 0;
  for (let attempt = 0; attempt < 3000 && covered / occ.length < target; attempt++) {
    const r = lognormal(prng, R, Rcv);
    const c: [number, number, number] = [0, 1, 2].map(
      (a) => -0.4 * r + prng.next() * (L[a] + 0.8 * r),
    ) as [number, number, number];
    let ok = true;
    for (const q of particles) {
      if (Math.hypot(c[0] - q.c[0], c[1] - q.c[1], c[2] - q.c[2]) < 0.85 * (r + q.r)) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const a = [unitVector(prng), unitVector(prng), unitVector(prng)];
    const b = [0, 1, 2].map(() => (prng.next() * 2 - 1) * 0.15);
    const p: Particle = { c, r, a, b, rmax: r * (1 + b.reduce((s, v) => s + Math.abs(v), 0)) };
    particles.push(p);
    for (let k = 0; k < gz; k++)
      for (let j = 0; j < gy; j++)
        for (let i = 0; i < gx; i++) {
          const g = (k * gy + j) * gx + i;
          if (occ[g]) continue;
          if (outline(p, (k * gs + 0.5) * sz, (j * gs + 0.5) * sy, (i * gs + 0.5) * sx) < 0) {
            occ[g] = 1;
            covered++;
          }
        }
  }

  // Voxel index ranges of a ball of radius rad (nm) around c, clipped to the box.
  const range = (c: number, rad: number, axis: number): [number, number] => {
    const s = spacing[axis];
    const n = shape[axis];
    return [
      Math.max(0, Math.ceil((c - rad) / s - 0.5)),
      Math.min(n - 1, Math.floor((c + rad) / s - 0.5)),
    ];
  };

  // 2. Primary particles: a Boolean model of spheres with centres inside each outline.
  const s2 = Math.log(1 + rpCv * rpCv);
  const meanVol = (4 / 3) * Math.PI * rp ** 3 * Math.exp(3 * s2); // E[r^3] of a log-normal with mean rp
  const density = -Math.log(phi) / meanVol; // spheres per nm^3
  const rpMax = rp * Math.exp(3 * Math.sqrt(s2));
  const grng = createRng(streamSeed(seed, "primaries"));
  for (const p of particles) {
    const ext = p.rmax + rpMax;
    const lo = p.c.map((c) => Math.max(-rpMax, c - ext));
    const hi = p.c.map((c, a) => Math.min(L[a] + rpMax, c + ext));
    if (lo.some((v, a) => v >= hi[a])) continue;
    const vol = (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
    const count = Math.round(density * vol);
    for (let n = 0; n < count; n++) {
      const cz = lo[0] + grng.next() * (hi[0] - lo[0]);
      const cy = lo[1] + grng.next() * (hi[1] - lo[1]);
      const cx = lo[2] + grng.next() * (hi[2] - lo[2]);
      const r = Math.min(rpMax, lognormal(grng, rp, rpCv));
      if (outline(p, cz, cy, cx) > -0.5 * rp) continue;
      const [z0, z1] = range(cz, r, 0);
      const [y0, y1] = range(cy, r, 1);
      const [x0, x1] = range(cx, r, 2);
      const r2 = r * r;
      for (let z = z0; z <= z1; z++) {
        const dz = (z + 0.5) * sz - cz;
        for (let y = y0; y <= y1; y++) {
          const dy = (y + 0.5) * sy - cy;
          const rem = r2 - dz * dz - dy * dy;
          if (rem < 0) continue;
          const row = (z * ny + y) * nx;
          for (let x = x0; x <= x1; x++) {
            const dx = (x + 0.5) * sx - cx;
            if (dx * dx <= rem) labels[row + x] = CLASS.nmc;
          }
        }
      }
    }
  }

  // 3. Large internal pores: randomly oriented ellipsoids, log-uniform radii.
  const lrng = createRng(streamSeed(seed, "large-pores"));
  for (const p of particles) {
    const goal = largeFrac * (4 / 3) * Math.PI * p.r ** 3;
    let carved = 0;
    for (let guard = 0; carved < goal && guard < 200; guard++) {
      const r = lpMin * Math.exp(lrng.next() * Math.log(lpMax / lpMin));
      if (r > 0.7 * p.r) continue;
      const ax = [0.55 + 0.45 * lrng.next(), 0.55 + 0.45 * lrng.next(), 1].map((f) => f * r);
      // Random orthonormal frame (Gram-Schmidt).
      const e0 = unitVector(lrng);
      let e1 = unitVector(lrng);
      const d01 = e0[0] * e1[0] + e0[1] * e1[1] + e0[2] * e1[2];
      e1 = e1.map((v, i) => v - d01 * e0[i]);
      const n1 = Math.hypot(e1[0], e1[1], e1[2]) || 1;
      e1 = e1.map((v) => v / n1);
      const e2 = [
        e0[1] * e1[2] - e0[2] * e1[1],
        e0[2] * e1[0] - e0[0] * e1[2],
        e0[0] * e1[1] - e0[1] * e1[0],
      ];
      const frame = [e0, e1, e2];
      // Centre uniformly in the ball of radius (r_particle - r/2).
      const u = unitVector(lrng);
      const rr = (p.r - 0.5 * r) * Math.cbrt(lrng.next());
      const c = u.map((v, i) => p.c[i] + rr * v);
      carved += (4 / 3) * Math.PI * ax[0] * ax[1] * ax[2];
      const box: VoxelBox = [...range(c[0], r, 0), ...range(c[1], r, 1), ...range(c[2], r, 2)];
      forEachVoxelInBox(box, c, shape, spacing, (i, dz, dy, dx) => {
        let q = 0;
        for (let k = 0; k < 3; k++) {
          const t = (dz * frame[k][0] + dy * frame[k][1] + dx * frame[k][2]) / ax[k];
          q += t * t;
        }
        if (q <= 1) labels[i] = 0;
      });
    }
  }

  // 4. Carbon-binder domain: smooth random field, biased towards particle surfaces and necks.
  const dist = new Float32Array(labels.length).fill(Infinity);
  for (const p of particles) {
    // Beyond rmax + 3 reach the penalty below is saturated, so the field is continuous at the box faces.
    const ext = p.rmax + 3 * cbdReach;
    const [z0, z1] = range(p.c[0], ext, 0);
    const [y0, y1] = range(p.c[1], ext, 1);
    const [x0, x1] = range(p.c[2], ext, 2);
    for (let z = z0; z <= z1; z++)
      for (let y = y0; y <= y1; y++) {
        const row = (z * ny + y) * nx;
        for (let x = x0; x <= x1; x++) {
          if (labels[row + x] !== 0) continue;
          const d = outline(p, (z + 0.5) * sz, (y + 0.5) * sy, (x + 0.5) * sx);
          if (d < dist[row + x]) dist[row + x] = d;
        }
      }
  }
  // Two-scale Gaussian random field (fine network plus larger binder-rich patches).
  const fine = gaussianRandomField(
    shape,
    [cbdScale / sz / 2, cbdScale / sy / 2, cbdScale / sx / 2],
    streamSeed(seed, "cbd"),
  );
  const coarse = gaussianRandomField(
    shape,
    [(2.5 * cbdScale) / sz, (2.5 * cbdScale) / sy, (2.5 * cbdScale) / sx],
    streamSeed(seed, "cbd-patches"),
  );
  const score = new Float32Array(labels.length).fill(-Infinity);
  let candidates = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 || dist[i] < -0.5 * rp) continue;
    const d = Math.max(0, dist[i]);
    score[i] = 0.75 * fine[i] + 0.5 * coarse[i] - 1.5 * Math.min(d / cbdReach, 3);
    const v = score[i]; // the stored float32 value
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    candidates++;
  }
  const want = Math.min(candidates, Math.round(cbdFrac * labels.length));
  if (want > 0) selectTop(score, want, lo, hi, labels, CLASS.cbd);
  for (let i = 0; i < labels.length; i++) if (labels[i] === 0) labels[i] = CLASS.void;
  return { data: labels, shape: [nz, ny, nx], spacing: [sz, sy, sx] };
}
