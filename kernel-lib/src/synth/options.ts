/**
 * Private option checks shared by the simulators: one clear message per bad value.
 * @internal
 */

export function checkPositive(value: number, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !(value > 0)) {
    throw new RangeError(`\`${name}\` must be a finite number > 0, received ${String(value)}`);
  }
  return value;
}

export function checkNonNegative(value: number, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`\`${name}\` must be a finite number >= 0, received ${String(value)}`);
  }
  return value;
}

export function checkFraction(value: number, name: string, open = false): number {
  if (typeof value !== "number" || !(open ? value > 0 && value < 1 : value >= 0 && value <= 1)) {
    throw new RangeError(
      `\`${name}\` must be a number in ${open ? "(0, 1)" : "[0, 1]"}, received ${String(value)}`,
    );
  }
  return value;
}

export function checkInteger(value: number, name: string, min: number, max = Infinity): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`\`${name}\` must be an integer ${range}, received ${String(value)}`);
  }
  return value;
}

export function checkSeed(value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`\`seed\` must be a finite number, received ${String(value)}`);
  }
  return value;
}

export function checkRange(value: [number, number], name: string): [number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !(value[0] > 0) ||
    !(value[1] >= value[0]) ||
    !Number.isFinite(value[1])
  ) {
    throw new RangeError(
      `\`${name}\` must be [min, max] with 0 < min <= max, received ${JSON.stringify(value)}`,
    );
  }
  return value;
}
