import { expectedError } from "../util/checks.js";

/** Plain JSON array from any numeric array-like (typed arrays would serialise as objects); NaN/inf become null. */
export function jsonNumbers(values: ArrayLike<number>, name: string): (number | null)[] {
  if (
    values === null ||
    typeof values !== "object" ||
    typeof (values as ArrayLike<number>).length !== "number"
  ) {
    throw expectedError(name, "an array of numbers", values, TypeError);
  }
  return Array.from(values, (v) => (typeof v === "number" && Number.isFinite(v) ? v : null));
}

/** Throw unless two series have the same length. */
export function checkSameLength(
  a: ArrayLike<unknown>,
  aName: string,
  b: ArrayLike<unknown>,
  bName: string,
): void {
  if (a.length !== b.length) {
    throw new RangeError(
      `\`${aName}\` (length ${a.length}) and \`${bName}\` (length ${b.length}) must have the same length`,
    );
  }
}
