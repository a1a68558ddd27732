// The ISBI 2012 EM segmentation challenge's training stack (30 hand-labelled TEM slices).
import { readPngStack } from "../io/readPngStack.js";
import { requireSharedData, sharedDataPath } from "../io/sharedData.js";
import { checkNumberArray, checkOptions, expectedError } from "../util/checks.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";

/** Folder of the stack in the shared data (`image/{0..29}.png`, `label/{0..29}.png`). */
export const ISBI2012_FOLDER = "isbi2012-membrane";

/** Voxel size of the ISBI 2012 stack, nm [dz, dy, dx]: 50 nm sections, 4 nm pixels (the challenge's description). */
export const ISBI2012_SPACING: Spacing3 = [50, 4, 4];

/** The ISBI 2012 training stack. */
export interface Isbi2012 {
  /** TEM intensities, uint8 [nz, ny, nx] (nz = 30, 512 x 512 unless cropped). */
  image: Volume<Uint8Array>;
  /** Hand labels, uint8: 255 cell interior, 0 membrane (boundary). */
  labels: Volume<Uint8Array>;
  /** z indices (in the full stack) of the slices held, in order. */
  slices: number[];
  /** The folder read. */
  dir: string;
}

/** Options of {@link loadIsbi2012}. */
export interface LoadIsbi2012Options {
  /** z indices to read (0..29). @default all 30 */
  slices?: readonly number[];
  /** Keep only the box [y0, x0, height, width] of each slice. @default the whole 512 x 512 */
  crop?: readonly [number, number, number, number];
  /** Folder holding `image/` and `label/`. @default the shared data's isbi2012-membrane */
  dir?: string;
}

/** Path of the ISBI 2012 folder in the shared data, or undefined when it is absent (tests skip). */
export function isbi2012Path(): string | undefined {
  return sharedDataPath(ISBI2012_FOLDER);
}

function sub(
  v: Volume,
  slices: readonly number[],
  crop: readonly [number, number, number, number],
): Volume<Uint8Array> {
  const [, ny, nx] = v.shape;
  const [y0, x0, h, w] = crop;
  const out = new Uint8Array(slices.length * h * w);
  slices.forEach((z, k) => {
    for (let y = 0; y < h; y++) {
      const src = (z * ny + y0 + y) * nx + x0;
      out.set(v.data.subarray(src, src + w), (k * h + y) * w);
    }
  });
  const shape: Shape3 = [slices.length, h, w];
  return { data: out, shape, spacing: [...ISBI2012_SPACING] as Spacing3, unit: "nm" };
}

/**
 * Reads the ISBI 2012 training stack and its hand labels (binary membrane masks; the
 * challenge's 30 slices of 512 x 512, serial-section TEM of the Drosophila ventral nerve
 * cord, Cardona et al. 2010), optionally some slices and a crop of each.
 * @throws Error saying where the data was looked for when the folder is absent.
 * @example
 * const isbi = await loadIsbi2012({ slices: [0, 1, 2], crop: [0, 0, 256, 256] });
 */
export async function loadIsbi2012(options: LoadIsbi2012Options = {}): Promise<Isbi2012> {
  checkOptions(options, "options", ["slices", "crop", "dir"]);
  const dir = options.dir ?? requireSharedData(ISBI2012_FOLDER);
  const image = await readPngStack(`${dir}/image`);
  const labels = await readPngStack(`${dir}/label`);
  if (!(image.data instanceof Uint8Array) || !(labels.data instanceof Uint8Array))
    throw expectedError("ISBI 2012 slices", "8-bit PNG", image.data, TypeError);
  if (image.shape.join() !== labels.shape.join())
    throw expectedError(
      "label stack",
      `the image stack's shape [${image.shape.join(", ")}]`,
      `[${labels.shape.join(", ")}]`,
    );
  const [nz, ny, nx] = image.shape;
  const slices = [
    ...checkNumberArray(options.slices ?? [...Array(nz).keys()], "options.slices", {
      integer: true,
      min: 0,
      max: nz - 1,
      minLength: 1,
      distinct: true,
    }),
  ];
  const crop = options.crop ?? [0, 0, ny, nx];
  checkNumberArray(crop, "options.crop", { integer: true, min: 0, length: 4 });
  const [y0, x0, h, w] = crop;
  if (h < 1 || w < 1 || y0 + h > ny || x0 + w > nx)
    throw expectedError(
      "options.crop",
      `[y0, x0, height, width] inside ${ny} x ${nx} with height, width >= 1`,
      `[${crop.join(", ")}]`,
      RangeError,
    );
  return { image: sub(image, slices, crop), labels: sub(labels, slices, crop), slices, dir };
}

/**
 * Training codes of the hand labels: 1 membrane (label 0), 2 interior (label 255), on every
 * pixel (a {@link loadIsbi2012} `labels` volume).
 */
export function isbiTargets(labels: Volume): Volume<Uint8Array> {
  const out = new Uint8Array(labels.data.length);
  for (let i = 0; i < out.length; i++) out[i] = labels.data[i]! > 127 ? 2 : 1;
  return {
    data: out,
    shape: [...labels.shape] as Shape3,
    spacing: [...labels.spacing] as Spacing3,
  };
}
