import { checkSameShape, checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";

/**
 * Where a segmentation is wrong: the predicted class where it differs from
 * the truth, 0 where it agrees or where the truth is unlabelled (0). Use as a
 * `labels` overlay (Osenberg et al., Fig. 4 marks errors this way).
 * @param truth - Ground-truth class labels, 0 = unlabelled.
 * @param segmentation - Predicted class labels, same shape.
 * @returns A Uint8Array volume with the shape and spacing of `truth`.
 * @throws RangeError when the segmentation holds, where the truth is labelled, a value that
 *   is not a class id 1..255 (0 there would read as "agrees", above 255 would wrap).
 */
export function segmentationErrors(truth: Volume, segmentation: Volume): Volume<Uint8Array> {
  checkVolume(truth, "truth");
  checkVolume(segmentation, "segmentation");
  checkSameShape(segmentation, "segmentation", truth, "truth");
  const out = new Uint8Array(truth.data.length);
  for (let i = 0; i < out.length; i++) {
    const t = truth.data[i]!;
    const p = segmentation.data[i]!;
    if (t === 0 || p === t) continue;
    if (!Number.isInteger(p) || p < 1 || p > 255) {
      const [, ny, nx] = truth.shape;
      const [z, y, x] = [Math.floor(i / (ny * nx)), Math.floor(i / nx) % ny, i % nx];
      throw new RangeError(
        `\`segmentation\` must hold class ids 1..255 where \`truth\` is labelled, received ${p} at voxel (z ${z}, y ${y}, x ${x})`,
      );
    }
    out[i] = p;
  }
  return { data: out, shape: [...truth.shape], spacing: [...truth.spacing] };
}
