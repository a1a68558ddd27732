import { argmax, marginUncertainty } from "../volume/argmax.js";

/** Images of a class-probability matrix (see {@link probabilityImages}). */
export interface ProbabilityImages {
  /** Most probable class id per row (ties: the first class). */
  prediction: Uint8Array;
  /** Probability x 255 (rounded, clamped to [0, 1] first), class-major: class c of row i at `c * rows + i`. */
  probabilities: Uint8Array;
  /** Uncertainty x 255, ilastik's margin: 1 - (p_best - p_second) (1 - p_best with one class). */
  uncertainty: Uint8Array;
}

/**
 * Class, probability and uncertainty images (uint8, x 255) from a
 * rows x classes probability matrix, e.g. a forest's prediction of one plane.
 * Uncertainty is ilastik's margin, 1 - (p_best - p_second).
 * @param proba - Row-major probabilities, `rows * classes.length` values.
 * @param classes - Class id of each column (each in 0..255).
 */
export function probabilityImages(
  proba: Float32Array,
  classes: readonly number[],
): ProbabilityImages {
  const k = classes.length;
  if (k === 0 || proba.length % k !== 0)
    throw new RangeError(
      `\`proba\` must hold rows x ${k} class probabilities, received ${proba.length} values`,
    );
  const n = proba.length / k;
  const prediction = new Uint8Array(n);
  const probabilities = new Uint8Array(n * k);
  const uncertainty = new Uint8Array(n);
  const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++)
      probabilities[c * n + i] = Math.round(clamp01(proba[i * k + c]!) * 255);
    prediction[i] = classes[argmax(proba, i * k, k)]!;
    uncertainty[i] = Math.round(clamp01(marginUncertainty(proba, i * k, k)) * 255);
  }
  return { prediction, probabilities, uncertainty };
}
