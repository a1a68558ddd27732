/**
 * Argmax over rows of class probabilities (or votes): the one implementation
 * the forest, live training and the paper drivers share. Ties go to the
 * first class, as numpy's `argmax` and sklearn's `predict`; a NaN never wins
 * (and a NaN in the first place is never beaten).
 * @internal
 */

/**
 * Index (0-based, relative to `offset`) of the largest of the `count` values
 * starting at `values[offset]`; the most probable class of row r of a
 * rows x K matrix is `argmax(proba, r * K, K)`.
 * @param count - Number of values, at least 1.
 */
export function argmax(
  values: ArrayLike<number>,
  offset = 0,
  count = values.length - offset,
): number {
  let best = 0;
  let bv = values[offset]!;
  for (let k = 1; k < count; k++) {
    const v = values[offset + k]!;
    if (v > bv) {
      bv = v;
      best = k;
    }
  }
  return best;
}

/**
 * ilastik's margin uncertainty of one probability row:
 * `1 - (p_best - p_second)`, where `p_second` is the largest of the other
 * values (equal to `p_best` on a tie); `1 - p_best` with one class.
 * @param count - Number of classes, at least 1.
 */
export function marginUncertainty(
  values: ArrayLike<number>,
  offset = 0,
  count = values.length - offset,
): number {
  let p1 = values[offset]!;
  let p2 = -Infinity;
  for (let k = 1; k < count; k++) {
    const q = values[offset + k]!;
    if (q > p1) {
      p2 = p1;
      p1 = q;
    } else if (q > p2) p2 = q;
  }
  return 1 - (p1 - (count > 1 ? p2 : 0));
}

/**
 * Class value of the most probable class of each row of a rows x K matrix:
 * `out[r] = classes[argmax(proba, r * K, K)]`.
 */
export function argmaxRows(
  proba: ArrayLike<number>,
  K: number,
  rows: number,
  out: { [index: number]: number },
  classes: readonly number[],
): void {
  for (let r = 0; r < rows; r++) out[r] = classes[argmax(proba, r * K, K)]!;
}
