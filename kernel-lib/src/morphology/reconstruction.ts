import { checkOneOf, checkOptions } from "../util/checks.js";
import { checkVolumes } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import type { Connectivity } from "./labelComponents.js";
import { neighbourTable } from "./neighbours.js";

/** Options of {@link reconstruction}. */
export interface ReconstructionOptions {
  /** Neighbourhood of the geodesic dilation. @default 26 (skimage's default footprint, a full 3x3x3 cube) */
  connectivity?: Connectivity;
}

/**
 * Grayscale reconstruction by dilation in place on float64 arrays: `j`
 * (the seed, `<= mask` everywhere) becomes the reconstruction under `mask`.
 * Vincent's hybrid algorithm: a forward and a backward raster scan, then a
 * FIFO propagation from the voxels that can still grow. @internal
 */
export function reconstructInPlace(
  j: Float64Array,
  mask: ArrayLike<number>,
  shape: Shape3,
  connectivity: Connectivity,
): void {
  const [nz, ny, nx] = shape;
  const { nbrs, offsets, inside } = neighbourTable(shape, connectivity);
  const half = nbrs.length / 2; // the first half precede the voxel in raster order
  // Forward scan: max over the voxel and its preceding neighbours, clipped by the mask.
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        let m = j[i]!;
        for (let k = 0; k < half; k++) {
          if (!inside(z, y, x, k)) continue;
          const v = j[i + offsets[k]!]!;
          if (v > m) m = v;
        }
        const c = mask[i]!;
        j[i] = m < c ? m : c;
      }
  // Backward scan, queueing voxels whose following neighbours can still rise.
  let queue = new Int32Array(1024);
  let head = 0;
  let tail = 0;
  const push = (i: number) => {
    if (tail === queue.length) {
      const live = tail - head;
      const grown = new Int32Array(Math.max(1024, live * 2));
      grown.set(queue.subarray(head, tail));
      queue = grown;
      head = 0;
      tail = live;
    }
    queue[tail++] = i;
  };
  for (let z = nz - 1, i = j.length - 1; z >= 0; z--)
    for (let y = ny - 1; y >= 0; y--)
      for (let x = nx - 1; x >= 0; x--, i--) {
        let m = j[i]!;
        for (let k = half; k < nbrs.length; k++) {
          if (!inside(z, y, x, k)) continue;
          const v = j[i + offsets[k]!]!;
          if (v > m) m = v;
        }
        const c = mask[i]!;
        const ji = m < c ? m : c;
        j[i] = ji;
        for (let k = half; k < nbrs.length; k++) {
          if (!inside(z, y, x, k)) continue;
          const q = i + offsets[k]!;
          if (j[q]! < ji && j[q]! < mask[q]!) {
            push(i);
            break;
          }
        }
      }
  const plane = ny * nx;
  while (head < tail) {
    const p = queue[head++]!;
    const z = Math.floor(p / plane);
    const y = Math.floor((p - z * plane) / nx);
    const x = p - z * plane - y * nx;
    const jp = j[p]!;
    for (let k = 0; k < nbrs.length; k++) {
      if (!inside(z, y, x, k)) continue;
      const q = p + offsets[k]!;
      const jq = j[q]!;
      const mq = mask[q]!;
      if (jq < jp && jq !== mq) {
        j[q] = jp < mq ? jp : mq;
        push(q);
      }
    }
  }
}

/**
 * Morphological reconstruction by dilation: the seed dilated repeatedly
 * (geodesically) under the mask until stable, as
 * `skimage.morphology.reconstruction(seed, mask, method="dilation")`.
 * @param seed - Marker volume, `<= mask` everywhere.
 * @param mask - Volume limiting the growth, same shape.
 * @returns Float32 reconstruction, the mask's spacing.
 * @throws RangeError when a seed voxel exceeds the mask.
 * @see Vincent (1993), IEEE Trans. Image Process. 2(2), hybrid algorithm.
 */
export function reconstruction(
  seed: Volume,
  mask: Volume,
  options: ReconstructionOptions = {},
): Volume<Float32Array> {
  checkVolumes({ mask, seed });
  checkOptions(options, "options", ["connectivity"]);
  const connectivity = checkOneOf(options.connectivity ?? 26, "connectivity", [6, 18, 26] as const);
  const j = Float64Array.from(seed.data);
  for (let i = 0; i < j.length; i++) {
    if (j[i]! > mask.data[i]!) {
      throw new RangeError(
        `\`seed\` must be <= \`mask\` everywhere, received seed ${j[i]} > mask ${mask.data[i]} at voxel ${i}`,
      );
    }
  }
  reconstructInPlace(j, mask.data, seed.shape, connectivity);
  return {
    data: Float32Array.from(j),
    shape: [...mask.shape] as Shape3,
    spacing: [...mask.spacing] as Spacing3,
  };
}
