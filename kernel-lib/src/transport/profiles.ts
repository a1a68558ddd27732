import { distanceTransform } from "../morphology/distanceTransform.js";
import type { ParallelOptions } from "../parallel/types.js";
import { checkFraction, checkNumber, checkOptions, expectedError } from "../util/checks.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import type { Plane, Volume } from "../volume/types.js";

/** Options of {@link shellVolumeFraction}. */
export interface ShellOptions extends ParallelOptions {
  /** Shell width w, physical units (nm by convention). @default 10 */
  width?: number;
  /** Largest shell start delta. @default the largest distance to the boundary in the particle */
  maxDistance?: number;
}

/** Result of {@link shellVolumeFraction}: one row per shell [delta, delta + w). */
export interface ShellProfile {
  /** Shell starts delta = 0, w, 2w, ... */
  distance: number[];
  /** Solid voxels / particle voxels in the shell (NaN for an empty shell). */
  volumeFraction: number[];
  /** The same over all shells up to this one, i.e. distances [0, delta + w) (NaN while empty). */
  cumulative: number[];
  /** Particle voxels per shell. */
  particleVoxels: number[];
  /** Solid voxels per shell. */
  solidVoxels: number[];
}

function checkPair(solid: Volume, particle: Volume): void {
  checkVolume(solid, "solid");
  checkVolume(particle, "particle");
  checkSameShape(solid, "solid", particle, "particle");
}

/**
 * Local solid volume fraction vs distance to the particle boundary (Paper 1,
 * Fig. 6a): the particle's voxels are binned by their distance delta to the
 * boundary into shells [delta, delta + w), and each shell's volume fraction is
 * (solid voxels) / (particle voxels) in it; the cumulative curve takes all
 * voxels at distance < delta + w, so its last value is the particle's volume
 * fraction. The distance of a particle voxel is from its centre to the centre
 * of the nearest voxel outside the particle (the exact Euclidean distance
 * transform of the particle, physical units): boundary voxels are at one
 * voxel side, so shells narrower than the voxel start empty (NaN). Outside the
 * volume counts as neither (a particle cut by the border is measured from its
 * visible boundary only).
 * @param solid - Non-zero = solid (e.g. NMC), counted where it lies in the particle.
 * @param particle - Non-zero = the particle (solid plus inner pores, see {@link innerPores}).
 * @throws RangeError when the particle is empty.
 */
export async function shellVolumeFraction(
  solid: Volume,
  particle: Volume,
  options: ShellOptions = {},
): Promise<ShellProfile> {
  checkPair(solid, particle);
  checkOptions(options, "options", [
    "width",
    "maxDistance",
    "threads",
    "inline",
    "blockShape",
    "signal",
    "onProgress",
  ]);
  const { width: wOption, maxDistance, ...par } = options;
  const w = checkNumber(wOption ?? 10, "width", { min: 0, minOpen: true });
  if (maxDistance !== undefined) checkNumber(maxDistance, "maxDistance", { min: 0 });
  const dt = await distanceTransform(particle, par);
  let dMax = -1;
  for (let i = 0; i < dt.data.length; i++)
    if (particle.data[i] !== 0 && dt.data[i]! > dMax) dMax = dt.data[i]!;
  if (dMax < 0) throw expectedError("particle", "a mask with at least one voxel", particle);
  if (!Number.isFinite(dMax))
    throw expectedError("particle", "a mask with at least one voxel outside it", particle);
  const top = Math.min(dMax, maxDistance ?? dMax);
  const count = Math.floor(top / w) + 1;
  const all = new Float64Array(count);
  const hit = new Float64Array(count);
  for (let i = 0; i < dt.data.length; i++) {
    if (particle.data[i] === 0) continue;
    const b = Math.floor(dt.data[i]! / w);
    if (b >= count) continue;
    all[b]++;
    if (solid.data[i] !== 0) hit[b]++;
  }
  const cumulative: number[] = [];
  let a = 0;
  let h = 0;
  for (let b = 0; b < count; b++) {
    a += all[b]!;
    h += hit[b]!;
    cumulative.push(a > 0 ? h / a : NaN);
  }
  return {
    distance: Array.from({ length: count }, (_, b) => b * w),
    volumeFraction: Array.from(all, (n, b) => (n > 0 ? hit[b]! / n : NaN)),
    cumulative,
    particleVoxels: Array.from(all),
    solidVoxels: Array.from(hit),
  };
}

/** Options of {@link sectionVolumeFraction}. */
export interface SectionOptions {
  /**
   * Width of the central range of slices the mean and std are taken over, as a fraction of
   * the particle's extent along the axis (first to last slice holding particle voxels),
   * centred on the particle's centroid.
   * @default 0.5
   */
  central?: number;
}

/** Volume fraction of the 2D sections of one plane orientation. */
export interface SectionProfile {
  plane: Plane;
  /** Slice index along the plane's normal (z for xy, y for xz, x for yz). */
  position: number[];
  /** Solid / particle pixels of each slice (NaN where the slice misses the particle). */
  volumeFraction: number[];
  /** Particle pixels per slice. */
  particleVoxels: number[];
  /** Centroid of the particle along the normal (voxel index). */
  centroid: number;
  /** Central slice range used for the statistics, inclusive. */
  range: [first: number, last: number];
  /** Mean of the slices' volume fractions over the range (each slice weighs the same). */
  mean: number;
  /** Their standard deviation (population, divide by the count). */
  std: number;
}

/**
 * Volume fraction estimated from 2D cross-sections (Paper 1, Fig. 6b): for
 * every xy, xz and yz slice, (solid pixels) / (particle pixels) in it, vs the
 * slice position, with the mean and std over the central slices: those within
 * `central / 2` of the particle's extent from its centroid along that axis
 * (default 0.5: the middle half of the particle).
 * @param solid - Non-zero = solid, counted where it lies in the particle.
 * @param particle - Non-zero = the particle (solid plus inner pores).
 * @throws RangeError when the particle is empty.
 */
export function sectionVolumeFraction(
  solid: Volume,
  particle: Volume,
  options: SectionOptions = {},
): Record<Plane, SectionProfile> {
  checkPair(solid, particle);
  checkOptions(options, "options", ["central"]);
  const central = checkFraction(options.central ?? 0.5, "central");
  const [nz, ny, nx] = particle.shape;
  const all = [new Float64Array(nz), new Float64Array(ny), new Float64Array(nx)];
  const hit = [new Float64Array(nz), new Float64Array(ny), new Float64Array(nx)];
  let total = 0;
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        if (particle.data[i] === 0) continue;
        total++;
        all[0]![z]++;
        all[1]![y]++;
        all[2]![x]++;
        if (solid.data[i] !== 0) {
          hit[0]![z]++;
          hit[1]![y]++;
          hit[2]![x]++;
        }
      }
  if (total === 0) throw expectedError("particle", "a mask with at least one voxel", particle);
  const planes: Plane[] = ["xy", "xz", "yz"];
  const out = {} as Record<Plane, SectionProfile>;
  planes.forEach((plane, a) => {
    const counts = all[a]!;
    const n = counts.length;
    let first = -1;
    let last = -1;
    let sum = 0;
    for (let s = 0; s < n; s++) {
      if (counts[s] === 0) continue;
      if (first < 0) first = s;
      last = s;
      sum += s * counts[s]!;
    }
    const centroid = sum / total;
    const half = (central * (last - first + 1)) / 2;
    const lo = Math.max(first, Math.ceil(centroid - half));
    const hi = Math.min(last, Math.floor(centroid + half));
    const vf = Array.from(counts, (c, s) => (c > 0 ? hit[a]![s]! / c : NaN));
    const picked: number[] = [];
    for (let s = lo; s <= hi; s++) if (!Number.isNaN(vf[s]!)) picked.push(vf[s]!);
    const mean = picked.length ? picked.reduce((p, q) => p + q, 0) / picked.length : NaN;
    const variance = picked.length
      ? picked.reduce((p, q) => p + (q - mean) ** 2, 0) / picked.length
      : NaN;
    out[plane] = {
      plane,
      position: Array.from({ length: n }, (_, s) => s),
      volumeFraction: vf,
      particleVoxels: Array.from(counts),
      centroid,
      range: [lo, hi],
      mean,
      std: Math.sqrt(variance),
    };
  });
  return out;
}
