import { checkInteger } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";

/** Grey values of the taufactor NMC electrode (`../shared/data/nmc-cathode-taufactor/electrode.tiff`) mapped to tomolab classes. */
export const TAUFACTOR_ELECTRODE_CLASSES: Readonly<Record<number, number>> = Object.freeze({
  0: 1,
  85: 3,
  170: 2,
});

export interface RemapLabelsOptions {
  /** Class for values not in the mapping; without it such a value is an error. */
  fill?: number;
}

/**
 * Map the values of a label volume to tomolab class ids (1 void, 2 CBD, 3 NMC),
 * e.g. to image an external three-phase structure with {@link simulateFibsem}:
 * `remapLabels(electrode, TAUFACTOR_ELECTRODE_CLASSES)`.
 * @param volume - Integer-valued labels (any dtype).
 * @param mapping - Value -> class id (0-255).
 * @returns Uint8 labels, same shape and spacing.
 */
export function remapLabels(
  volume: Volume,
  mapping: Readonly<Record<number, number>>,
  options: RemapLabelsOptions = {},
): Volume<Uint8Array> {
  checkVolume(volume, "volume");
  const table = new Map<number, number>();
  for (const [k, v] of Object.entries(mapping)) {
    table.set(Number(k), checkInteger(v, `mapping[${k}]`, 0, 255));
  }
  const fill = options.fill === undefined ? undefined : checkInteger(options.fill, "fill", 0, 255);
  const src = volume.data;
  const out = new Uint8Array(src.length);
  const lut = new Int16Array(256).fill(-1);
  for (const [k, v] of table) if (Number.isInteger(k) && k >= 0 && k < 256) lut[k] = v;
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    let c = x >= 0 && x < 256 && Number.isInteger(x) ? lut[x] : (table.get(x) ?? -1);
    if (c < 0) {
      if (fill === undefined) {
        throw new RangeError(
          `value ${x} (voxel ${i}) has no class in \`mapping\` (${JSON.stringify(mapping)}); add it or pass \`fill\``,
        );
      }
      c = fill;
    }
    out[i] = c;
  }
  return { data: out, shape: [...volume.shape], spacing: [...volume.spacing] };
}
