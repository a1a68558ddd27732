/**
 * Rounding to significant digits, one rule for every caller: JSON outputs of
 * the plots (small notebooks) and spacings read from file metadata (a 32-bit
 * rational or a unit conversion leaves digits that no one wrote).
 */

/**
 * `x` rounded to `digits` significant digits (`Number(x.toPrecision(digits))`);
 * zero and integers are returned unchanged, and non-finite values as `null`
 * (what JSON writes for them).
 * @param x - The value.
 * @param digits - Significant digits, 1 to 100.
 * @returns The rounded value, or null when `x` is NaN or infinite.
 */
export function roundSignificant(x: number, digits: number): number | null {
  if (!Number.isFinite(x)) return null;
  if (x === 0 || Number.isInteger(x)) return x;
  return Number(x.toPrecision(digits));
}
