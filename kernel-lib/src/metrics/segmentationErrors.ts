import { checkSameShape, checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";

/**
 * Where a segmentation is wrong: the predicted class where it differs from
 * the truth, 0 where it agrees or where the truth is unlabelled (0). Use as a
 * `labels` overlay (Osenberg et al., Fig. 4 marks errors this way).
 * @param truth - Ground-truth class labels, 0 = unlabelled.
 * @param segmentation - Predicted class labels, same shape.
 * @returns A Uint8Array volume with the shape and spacing of `truth`.
 */
export function segmentationErrors(truth: Volume, segmentation: Volume): Volume<Uint8Array> {
  checkVolume(truth, "truth");
  checkVolume(segmentation, "segmentation");
  checkSameShape(segmentation, "segmentation", truth, "truth");
  const out = new Uint8Array(truth.data.length);
  for (let i = 0; i < out.length; i++) {
    const t = truth.data[i]!;
    const p = segmentation.data[i]!;
    out[i] = t !== 0 && p !== t ? p : 0;
  }
  return { data: out, shape: [...truth.shape], spacing: [...truth.spacing] };
}
