import { checkInteger, checkNumberArray, expectedError } from "../util/checks.js";
import { toRng, type Rng } from "./random.js";

/** Options of {@link stratifiedSample}. */
export interface StratifiedSampleOptions {
  /** Classes to sample. @default every non-zero value of `labels`, ascending */
  classes?: readonly number[];
  /** Seed or generator of the draw. @default 0 */
  seed?: number | Rng;
}

/**
 * Class-stratified random subset of indices: up to `floor(n / classes)` (at
 * least 1) indices of each class, drawn without replacement, uniformly within
 * the class (partial Fisher-Yates shuffle of the class's indices); a class with
 * fewer voxels gives all of them. Classes are drawn in the order given, each
 * from the same generator.
 * @param labels - Class label per element (e.g. a truth volume's data).
 * @param n - Total sample size aimed at (an integer >= 1).
 * @returns The chosen indices, ascending.
 * @example
 * stratifiedSample(truth.data, 3000, { classes: [1, 2, 3], seed: 1 }); // 1000 per class
 */
export function stratifiedSample(
  labels: ArrayLike<number>,
  n: number,
  options: StratifiedSampleOptions = {},
): Int32Array {
  if (labels === null || typeof labels !== "object" || typeof labels.length !== "number")
    throw expectedError("labels", "an array of class labels", labels, TypeError);
  checkInteger(n, "n", 1);
  const classes = options.classes ?? presentClasses(labels);
  checkNumberArray(classes, "classes", {
    minLength: 1,
    expected: "a non-empty list of class values",
  });
  const rng = toRng(options.seed ?? 0);
  const per = Math.max(1, Math.floor(n / classes.length));
  const out: number[] = [];
  for (const c of classes) {
    const idx: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === c) idx.push(i);
    const k = Math.min(per, idx.length);
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(idx.length - i);
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
    }
    for (let i = 0; i < k; i++) out.push(idx[i]!);
  }
  return Int32Array.from(out.sort((a, b) => a - b));
}

function presentClasses(labels: ArrayLike<number>): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) seen.add(labels[i]!);
  return [...seen].sort((a, b) => a - b);
}
