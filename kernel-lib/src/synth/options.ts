/**
 * Option checks of the simulators: the general ones live in `util/checks`
 * (re-exported here for the simulators that import them from this module);
 * the range check of synth's [min, max] options stays here.
 * @internal
 */
import { checkNumberArray } from "../util/checks.js";

export {
  checkPositive,
  checkNonNegative,
  checkFraction,
  checkInteger,
  checkSeed,
} from "../util/checks.js";

/** A range [min, max] of positive finite numbers with min <= max (e.g. an intensity range). */
export function checkRange(value: [number, number], name: string): [number, number] {
  checkNumberArray(value, name, {
    length: 2,
    min: 0,
    minOpen: true,
    ascending: true,
    expected: "[min, max] with 0 < min <= max",
  });
  return value;
}
