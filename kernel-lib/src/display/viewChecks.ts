// The checks of view()'s options and of the viewer's messages that carry the same fields.
import { checkInteger, checkNumberArray, checkString, expectedError } from "../util/checks.js";
import type { Volume } from "../volume/types.js";
import type { LabelClass } from "./viewerTypes.js";

const COLOUR = /^#[0-9a-fA-F]{6}$/;

/**
 * Unit the viewer labels lengths with: `unit`, else the volume's own (set by readers), else
 * "pixel" for a spacing of exactly 1 x 1 x 1 (no calibration given), else "nm".
 * @throws TypeError when `unit` is given but not a string, RangeError when it is blank.
 */
export function viewUnit(volume: Volume, unit?: string): string {
  if (unit !== undefined) return checkString(unit, "unit", true).trim();
  if (typeof volume.unit === "string" && volume.unit.trim()) return volume.unit.trim();
  return volume.spacing.every((s) => s === 1) ? "pixel" : "nm";
}

/**
 * Checks a class list: ids distinct integers in 1..255, names non-empty strings, colours
 * "#rrggbb". @throws RangeError / TypeError naming the field, e.g. `classes[2].color`.
 */
export function checkClasses(classes: unknown, name: string): asserts classes is LabelClass[] {
  if (!Array.isArray(classes) || classes.length === 0)
    throw expectedError(name, "a non-empty array of { id, name, color }", classes, TypeError);
  const ids = new Set<number>();
  classes.forEach((c: unknown, i) => {
    const where = `${name}[${i}]`;
    if (typeof c !== "object" || c === null)
      throw expectedError(where, "{ id, name, color }", c, TypeError);
    const { id, name: className, color } = c as Partial<LabelClass>;
    checkInteger(id, `${where}.id`, 1, 255);
    if (ids.has(id!)) throw new RangeError(`\`${where}.id\` ${id} is listed twice`);
    ids.add(id!);
    checkString(className, `${where}.name`, true);
    if (typeof color !== "string" || !COLOUR.test(color))
      throw expectedError(
        `${where}.color`,
        '"#rrggbb"',
        color,
        typeof color === "string" ? RangeError : TypeError,
      );
  });
}

/** The threshold tuner's thresholds: 1 to 3 finite numbers in ascending order. */
export function checkThresholds(thresholds: unknown, name = "thresholds"): number[] {
  return checkNumberArray(thresholds, name, { minLength: 1, maxLength: 3, ascending: true });
}
