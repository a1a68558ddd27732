import { distanceTransform } from "../morphology/distanceTransform.js";
import type { ParallelOptions } from "../parallel/types.js";
import { checkNumberArray, checkOneOf, checkOptions, expectedError } from "../util/checks.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { invasionRadius } from "./invasion.js";

/** Options of {@link porosimetry}. */
export interface PorosimetryOptions extends ParallelOptions {
  /**
   * Where spheres enter: non-zero voxels, same shape as the pore mask (only
   * pore voxels among them count).
   * @default the voxels on the six faces of the volume (four for a 2D volume), as PoreSpy
   */
  inlets?: Volume;
  /**
   * Sphere radii tried, physical units (the spacing's); sorted and made
   * distinct. Every voxel gets the largest of them that reaches it.
   * @default every multiple of the smallest voxel side up to the largest distance to the
   *   solid (for unit spacing, PoreSpy's default: all integer radii of `int(dt)`)
   */
  sizes?: number[];
  /**
   * Neighbourhood through which sphere centres connect to the inlets: 6 (faces, PoreSpy's
   * `conn="min"`) or 26.
   * @default 6
   */
  connectivity?: 6 | 26;
}

const PAR_KEYS = ["threads", "inline", "blockShape", "signal", "onProgress"];

/** Default sizes: multiples of the smallest voxel side up to `dtMax`. @internal */
export function defaultSizes(dt: Float32Array, spacing: Spacing3): number[] {
  let dtMax = 0;
  for (let i = 0; i < dt.length; i++) {
    const d = dt[i]!;
    if (d > dtMax && d < Infinity) dtMax = d;
  }
  const h = Math.min(...spacing);
  const n = Math.floor((dtMax * (1 + 1e-6)) / h);
  return Array.from({ length: n }, (_, i) => (i + 1) * h);
}

/** Check and sort a `sizes` option. @internal */
export function checkSizes(sizes: unknown, name = "sizes"): number[] {
  checkNumberArray(sizes, name, { min: 0, minOpen: true, minLength: 1, maxLength: 65535 });
  return [...new Set(sizes as number[])].sort((a, b) => a - b);
}

/** A 0/1 copy of the non-zero voxels. @internal */
export function binaryOf(v: Volume, invert = false): Uint8Array {
  const out = new Uint8Array(v.data.length);
  for (let i = 0; i < out.length; i++) out[i] = (v.data[i] !== 0) !== invert ? 1 : 0;
  return out;
}

/**
 * Sphere intrusion from inlets (mercury-intrusion porosimetry by spheres,
 * access limited), as PoreSpy's `filters.porosimetry(im, inlets=..., sizes=...)`
 * with its default `method="dt"`, `smooth=True`: every pore voxel gets the
 * largest radius `r` among `sizes` such that it lies at distance `< r` of a
 * sphere centre `c` with `dt(c) >= r` (the sphere fits: no solid voxel centre
 * at distance `< r`) that is joined to an inlet voxel by a path of such centres
 * (neighbours of `connectivity`). Pore voxels no sphere reaches, and solid
 * voxels, get 0. Distances are physical: anisotropic spacing is honoured.
 *
 * The whole curve costs one distance transform, not one per size as in
 * PoreSpy: the access level of every voxel (the largest size whose centres
 * connect it to an inlet) comes from one maximin flood from the inlets
 * (bucket queue), then the balls of the centres, largest size first, paint
 * the voxels still unset. Centres whose ball lies inside a neighbour's, or
 * whose face neighbours all reach at least their size, are skipped; a size
 * with many centres left is painted by one distance transform instead.
 * The volume border is neither solid nor pore (as PoreSpy's `edt`): spheres
 * may stick out of the volume.
 *
 * @param pore - Non-zero = pore space (where spheres may go).
 * @returns Float32 invasion radius per voxel, the pore's shape and spacing, and `sizes`: the
 *   radii tried, ascending (the option, or the default), where {@link intrusionCurve} reads the curve.
 * @see PoreSpy `filters.porosimetry`, `simulations.drainage_dt`; {@link intrusionCurve} for the curve.
 */
export async function porosimetry(
  pore: Volume,
  options: PorosimetryOptions = {},
): Promise<Porosimetry> {
  checkVolume(pore, "pore");
  checkOptions(options, "options", ["inlets", "sizes", "connectivity", ...PAR_KEYS]);
  const { inlets, sizes: sizesOption, connectivity: conn, ...par } = options;
  const connectivity = checkOneOf(conn ?? 6, "connectivity", [6, 26] as const);
  if (inlets !== undefined) {
    checkVolume(inlets, "inlets");
    checkSameShape(inlets, "inlets", pore, "pore");
  }
  const sizesIn = sizesOption === undefined ? undefined : checkSizes(sizesOption);
  const shape = [...pore.shape] as Shape3;
  const spacing = [...pore.spacing] as Spacing3;
  // The pore voxels are read as non-zero values throughout (no 0/1 copy needed).
  const mask = pore.data;
  const dt = await distanceTransform({ data: mask, shape, spacing }, par);
  const sizes = sizesIn ?? defaultSizes(dt.data, spacing);
  const data =
    sizes.length === 0
      ? new Float32Array(mask.length)
      : await invasionRadius(
          mask,
          dt.data,
          inlets ? binaryOf(inlets) : null,
          shape,
          spacing,
          sizes,
          connectivity,
          par,
        );
  return { data, shape, spacing, sizes: [...sizes] };
}

/** Result of {@link porosimetry}: the invasion radii, and the radii tried. */
export interface Porosimetry extends Volume<Float32Array> {
  /** The sphere radii tried, ascending (physical units). */
  sizes: number[];
}

/** Options of {@link intrusionCurve}. */
export interface IntrusionCurveOptions {
  /** Radii at which the curve is read (physical units). */
  sizes: number[];
  /** Voxels the fraction is taken over (non-zero), e.g. the pore space. @default every voxel */
  mask?: Volume;
}

/** Result of {@link intrusionCurve}: `fraction[i]` of the mask is filled by spheres of radius `sizes[i]`. */
export interface IntrusionCurve {
  /** Radii, ascending. */
  sizes: number[];
  /** Fraction of the mask's voxels whose invasion radius is `>= sizes[i]`. */
  fraction: number[];
  /** Number of mask voxels. */
  voxels: number;
}

/**
 * Intrusion curve from {@link porosimetry}'s radii: for each radius `r`, the
 * fraction of the mask voxels whose invasion radius is `>= r` (the volume
 * spheres of radius `r` fill, as PoreSpy's `pc_curve` reads `porosimetry`).
 * Read it at the sizes the radii were computed with: between them the curve
 * is a staircase.
 * @param radius - Invasion radii (0 = not reached).
 * @throws RangeError when the mask is empty.
 */
export function intrusionCurve(radius: Volume, options: IntrusionCurveOptions): IntrusionCurve {
  checkVolume(radius, "radius");
  checkOptions(options, "options", ["sizes", "mask"]);
  const sizes = checkSizes(options.sizes);
  const m = options.mask;
  if (m !== undefined) {
    checkVolume(m, "mask");
    checkSameShape(m, "mask", radius, "radius");
  }
  const r = radius.data;
  const md = m?.data;
  const k = sizes.length;
  const lo = Float64Array.from(sizes, (s) => s * (1 - 1e-6));
  // Number of lo[j] <= v (lo ascending): the bin of a radius.
  const binOf = (v: number) => {
    let a = 0;
    let b = k;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (v >= lo[mid]!) a = mid + 1;
      else b = mid;
    }
    return a;
  };
  // hist[j]: voxels whose radius reaches lo[j - 1] but not lo[j] (j = 0: not lo[0]); the
  // curve is its suffix sums. Float32 radii (porosimetry's take a few distinct values) are
  // first counted by value in a small hash table, while it holds them; then value by value.
  const hist = new Float64Array(k + 1);
  let voxels = 0;
  let i = 0;
  if (r instanceof Float32Array) {
    const bits = new Uint32Array(r.buffer, r.byteOffset, r.length);
    const slots = 1024;
    const keys = new Uint32Array(slots);
    const tally = new Float64Array(slots);
    const used = new Uint8Array(slots);
    let distinct = 0;
    scan: for (; i < r.length; i++) {
      if (md !== undefined && md[i] === 0) continue;
      const key = bits[i]!;
      let h = Math.imul(key, 0x9e3779b1) >>> 22;
      for (;;) {
        if (used[h] === 0) {
          if (distinct === slots / 2) break scan;
          used[h] = 1;
          keys[h] = key;
          distinct++;
          break;
        }
        if (keys[h] === key) break;
        h = (h + 1) & (slots - 1);
      }
      tally[h]++;
    }
    const value = new Float32Array(1);
    const valueBits = new Uint32Array(value.buffer);
    for (let h = 0; h < slots; h++) {
      if (used[h] === 0) continue;
      valueBits[0] = keys[h]!;
      hist[binOf(value[0]!)] += tally[h]!;
      voxels += tally[h]!;
    }
  }
  // A radius equal to the last one looked up repeats its bin.
  let last = NaN;
  let lastBin = 0;
  for (; i < r.length; i++) {
    if (md !== undefined && md[i] === 0) continue;
    voxels++;
    const v = r[i]!;
    if (v !== last) {
      last = v;
      lastBin = binOf(v);
    }
    hist[lastBin]++;
  }
  const counts = new Float64Array(k);
  for (let j = k - 1, sum = 0; j >= 0; j--) {
    sum += hist[j + 1]!;
    counts[j] = sum;
  }
  if (voxels === 0) throw expectedError("mask", "a mask with at least one voxel", m);
  return { sizes, fraction: Array.from(counts, (c) => c / voxels), voxels };
}

/** Options of {@link innerPoreIntrusion}. */
export interface InnerPoreIntrusionOptions extends ParallelOptions {
  /**
   * Sphere radii, physical units.
   * @default every multiple of the smallest voxel side up to the largest distance from an
   *   inner-pore voxel to the solid
   */
  sizes?: number[];
  /** Neighbourhood through which sphere centres connect to the outside. @default 6 */
  connectivity?: 6 | 26;
}

/** Result of {@link innerPoreIntrusion}: the curve over the inner pores and the radii. */
export interface InnerPoreIntrusion extends IntrusionCurve {
  /** Invasion radius of every non-solid voxel (0 = not reached, and on the solid). */
  radius: Volume<Float32Array>;
}

/**
 * Sphere intrusion into a particle's inner pores from its boundary (Paper 1,
 * Fig. 7b): spheres move in the space that is not solid and enter from the
 * outside (the voxels neither solid nor inner pore, e.g. those the rolling
 * ball of {@link innerPores} reached); for each radius `r`, the fraction of
 * the inner-pore voxels that spheres of radius `r` fill. This is
 * {@link porosimetry} of the non-solid space with the outside as inlets,
 * read by {@link intrusionCurve} over the inner pores. Radii at or above the
 * rolling-ball radius fill nothing, by the definition of inner pores.
 * @param solid - Non-zero = the particle's solid.
 * @param inner - Non-zero = its inner pores (e.g. `innerPores(solid).innerPores`).
 * @throws RangeError when there are no inner pores.
 */
export async function innerPoreIntrusion(
  solid: Volume,
  inner: Volume,
  options: InnerPoreIntrusionOptions = {},
): Promise<InnerPoreIntrusion> {
  checkVolume(solid, "solid");
  checkVolume(inner, "inner");
  checkSameShape(inner, "inner", solid, "solid");
  checkOptions(options, "options", ["sizes", "connectivity", ...PAR_KEYS]);
  const { sizes: sizesOption, connectivity: conn, ...par } = options;
  const connectivity = checkOneOf(conn ?? 6, "connectivity", [6, 26] as const);
  const sizesIn = sizesOption === undefined ? undefined : checkSizes(sizesOption);
  const shape = [...solid.shape] as Shape3;
  const spacing = [...solid.spacing] as Spacing3;
  const domain = binaryOf(solid, true);
  const innerMask = binaryOf(inner);
  const inlets = new Uint8Array(domain.length);
  let count = 0;
  for (let i = 0; i < domain.length; i++) {
    if (innerMask[i] && domain[i]) count++;
    inlets[i] = domain[i]! & (innerMask[i]! ^ 1);
  }
  if (count === 0) throw expectedError("inner", "a mask with at least one non-solid voxel", inner);
  const dt = await distanceTransform({ data: domain, shape, spacing }, par);
  let sizes = sizesIn;
  if (sizes === undefined) {
    const innerDt = new Float32Array(domain.length);
    for (let i = 0; i < domain.length; i++) if (innerMask[i] && domain[i]) innerDt[i] = dt.data[i]!;
    sizes = defaultSizes(innerDt, spacing);
    if (sizes.length === 0) sizes = [Math.min(...spacing)];
  }
  const data = await invasionRadius(
    domain,
    dt.data,
    inlets,
    shape,
    spacing,
    sizes,
    connectivity,
    par,
  );
  const radius: Volume<Float32Array> = { data, shape, spacing };
  const curve = intrusionCurve(radius, {
    sizes,
    mask: { data: innerMask.map((v, i) => v & domain[i]!), shape, spacing },
  });
  return { ...curve, radius };
}
