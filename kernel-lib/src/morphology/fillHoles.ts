import { checkOneOf, checkOptions } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { labelComponents, type Connectivity } from "./labelComponents.js";
import { forEachFaceVoxel } from "./neighbours.js";

/** Options of {@link fillHoles}. */
export interface FillHolesOptions {
  /** Connectivity of the background regions. @default 6 (scipy's default structure) */
  connectivity?: Connectivity;
}

/**
 * Fill the holes of a mask: background regions that do not touch the
 * volume's border become foreground, as `scipy.ndimage.binary_fill_holes`.
 * For a 2D volume (nz = 1) the border is the frame of the plane.
 * @param mask - Non-zero = foreground.
 * @returns A 0/1 uint8 volume.
 */
export function fillHoles(mask: Volume, options: FillHolesOptions = {}): Volume<Uint8Array> {
  checkVolume(mask, "mask");
  checkOptions(options, "options", ["connectivity"]);
  const connectivity = checkOneOf(options.connectivity ?? 6, "connectivity", [6, 18, 26] as const);
  const n = mask.data.length;
  const background = new Uint8Array(n);
  for (let i = 0; i < n; i++) background[i] = mask.data[i] === 0 ? 1 : 0;
  const labels = new Int32Array(n);
  const count = labelComponents(background, mask.shape, connectivity, false, labels);
  const open = new Uint8Array(count + 1);
  forEachFaceVoxel(mask.shape, (i) => (open[labels[i]!] = 1));
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = labels[i] === 0 || open[labels[i]!] === 0 ? 1 : 0;
  return { data: out, shape: [...mask.shape] as Shape3, spacing: [...mask.spacing] as Spacing3 };
}
