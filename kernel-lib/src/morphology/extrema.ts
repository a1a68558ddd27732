import { checkOneOf, checkOptions, checkPositive } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import type { Connectivity } from "./labelComponents.js";
import {
  float32Exact,
  forEachInterior,
  paddedPair,
  reconstructPadded,
  type PaddedPair,
} from "./reconstruction.js";

/** Options of {@link hMaxima} and {@link hMinima}. */
export interface HExtremaOptions {
  /** Neighbourhood of the reconstruction. @default 26 (skimage's default footprint) */
  connectivity?: Connectivity;
}

const INT_RANGE: Record<string, [number, number]> = {
  Uint8Array: [0, 255],
  Uint16Array: [0, 65535],
  Uint32Array: [0, 4294967295],
  Int32Array: [-2147483648, 2147483647],
};

/** h-maxima of `values` (sign = 1) or h-minima (sign = -1), skimage's rules. */
function hExtrema(
  image: Volume,
  h: number,
  options: HExtremaOptions,
  sign: 1 | -1,
): Volume<Uint8Array> {
  checkVolume(image, "image");
  checkPositive(h, "h");
  checkOptions(options, "options", ["connectivity"]);
  const connectivity = checkOneOf(options.connectivity ?? 26, "connectivity", [6, 18, 26] as const);
  const src = image.data;
  const n = src.length;
  const out: Volume<Uint8Array> = {
    data: new Uint8Array(n),
    shape: [...image.shape] as Shape3,
    spacing: [...image.spacing] as Spacing3,
  };
  if (n === 0) return out;
  const range = INT_RANGE[src.constructor.name];
  if (!(src instanceof Float32Array)) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (h > hi - lo) return out;
  }
  // The reconstruction of seed under f, both padded (f = the image, negated for minima).
  if (range === undefined && !(src instanceof Float32Array)) {
    // float64: h plus twice float64's resolution (1e-15) times |value|.
    const pad = paddedPair(image.shape, false);
    const { j: seed, mask: f } = pad;
    forEachInterior(pad, (p, i) => {
      const v = sign * src[i]!;
      f[p] = v;
      seed[p] = v - h - 2e-15 * Math.abs(v);
    });
    return finish(pad);
  }
  if (range === undefined) {
    // float32: skimage lowers by h plus twice float32's resolution (1e-6) times |value|,
    // each step rounded to float32 as numpy does (the negation for minima is exact).
    const pad = paddedPair(image.shape, true);
    const { j: seed, mask: f } = pad;
    const h32 = Math.fround(h);
    const res = 2 * Math.fround(1e-6);
    const { pz, py, px } = pad;
    let lo = Infinity;
    let hi = -Infinity;
    for (let z = 1, i = 0; z < pz - 1; z++)
      for (let y = 1; y < py - 1; y++)
        for (let x = 1, p = (z * py + y) * px + 1; x < px - 1; x++, p++, i++) {
          const v = sign * src[i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
          f[p] = v;
          seed[p] = Math.fround(v - h32) - Math.fround(res * Math.abs(v));
        }
    if (h > hi - lo) return out; // skimage: no extrema when h exceeds the range
    return finish(pad);
  }
  // integers: subtract with clipping at the type's range (of the negated values for minima),
  // in float32 when that holds every result.
  const floor = sign === 1 ? range[0] : -range[1];
  const pad = paddedPair(image.shape, float32Exact(src) && Number.isInteger(h) && h < 1 << 24);
  const { j: seed, mask: f } = pad;
  forEachInterior(pad, (p, i) => {
    const v = sign * src[i]!;
    f[p] = v;
    seed[p] = Math.max(v - h, floor);
  });
  return finish(pad);

  function finish(pad: PaddedPair): Volume<Uint8Array> {
    const { j: seed, mask: f } = pad;
    reconstructPadded(pad, connectivity);
    const o = out.data;
    const { pz, py, px } = pad;
    for (let z = 1, i = 0; z < pz - 1; z++)
      for (let y = 1; y < py - 1; y++)
        for (let x = 1, p = (z * py + y) * px + 1; x < px - 1; x++, p++, i++)
          if (f[p]! - seed[p]! >= h) o[i] = 1;
    return out;
  }
}
/**
 * Regional maxima at least `h` high: 1 where `image - reconstruction(image - h, image) >= h`,
 * as `skimage.morphology.h_maxima` (an empty result when `h` exceeds the image's range).
 * @param image - Any dtype.
 * @param h - Minimal height, > 0.
 * @returns A 0/1 uint8 volume.
 */
export function hMaxima(
  image: Volume,
  h: number,
  options: HExtremaOptions = {},
): Volume<Uint8Array> {
  return hExtrema(image, h, options, 1);
}

/**
 * Regional minima at least `h` deep, as `skimage.morphology.h_minima`
 * (the h-maxima of the negated image).
 * @param image - Any dtype.
 * @param h - Minimal depth, > 0.
 * @returns A 0/1 uint8 volume.
 */
export function hMinima(
  image: Volume,
  h: number,
  options: HExtremaOptions = {},
): Volume<Uint8Array> {
  return hExtrema(image, h, options, -1);
}
