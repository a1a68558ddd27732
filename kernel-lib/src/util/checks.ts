/**
 * The input checks every public function uses at its boundary: each takes the
 * value and the name the caller knows it by, returns the value when it is
 * good, and otherwise throws a TypeError (wrong kind of value) or RangeError
 * (right kind, out of range) worded "`name` must be <expected>, received <value>".
 */

const MAX_SHOWN = 80;

function show(value: unknown, depth: number): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "number":
    case "boolean":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "string":
      return value.length > MAX_SHOWN ? `string of length ${value.length}` : JSON.stringify(value);
    case "symbol":
      return value.toString();
    case "function":
      return `function ${value.name || "(anonymous)"}`;
  }
  if (ArrayBuffer.isView(value)) {
    const n =
      value instanceof DataView
        ? value.byteLength
        : (value as unknown as ArrayLike<unknown>).length;
    return `${value.constructor.name} of length ${n}`;
  }
  if (Array.isArray(value)) {
    const whole = `array of length ${value.length}`;
    if (depth >= 2 || value.length > 10) return whole;
    const s = `[${value.map((v) => show(v, depth + 1)).join(",")}]`;
    return s.length > MAX_SHOWN ? whole : s;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null && proto !== Object.prototype)
    return (value as object).constructor?.name || "object";
  const keys = Object.keys(value as object);
  const named = `object with keys ${keys.slice(0, 6).join(", ")}${keys.length > 6 ? ", ..." : ""}`;
  if (keys.length === 0) return "{}";
  if (depth >= 2 || keys.length > 6) return named;
  const record = value as Record<string, unknown>;
  const s = `{${keys.map((k) => `${JSON.stringify(k)}:${show(record[k], depth + 1)}`).join(",")}}`;
  return s.length > MAX_SHOWN ? named : s;
}

/**
 * A short description of a value for "received ..." in error messages:
 * numbers as written (`-1`, `NaN`), strings quoted, short arrays and plain
 * objects compactly (`[1,-1,1]`, `{"a":1}`), longer ones and typed arrays by
 * kind and length (`Float32Array of length 4096`), class instances by class.
 * @param value - Anything.
 */
export function describeValue(value: unknown): string {
  return show(value, 0);
}

/** An error worded "`name` must be <expected>, received <value>", for the caller to throw. */
export function expectedError(
  name: string,
  expected: string,
  value: unknown,
  Type: RangeErrorConstructor | TypeErrorConstructor = RangeError,
): RangeError | TypeError {
  return new Type(`\`${name}\` must be ${expected}, received ${describeValue(value)}`);
}

/** Join allowed values as `a or b`, `a, b or c`, `one of a, b, c, d` (strings quoted). */
export function formatChoices(allowed: readonly unknown[]): string {
  const shown = allowed.map((v) => describeValue(v));
  if (shown.length <= 1) return shown.join("");
  if (shown.length > 3) return `one of ${shown.join(", ")}`;
  return `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`;
}

/** Bounds of {@link checkNumber}: `min` / `max` inclusive unless `minOpen` / `maxOpen`. */
export interface NumberBounds {
  /** Lowest allowed value. @default -Infinity */
  min?: number;
  /** Highest allowed value. @default Infinity */
  max?: number;
  /** Exclude `min` itself (x > min). @default false */
  minOpen?: boolean;
  /** Exclude `max` itself (x < max). @default false */
  maxOpen?: boolean;
  /** Refuse -Infinity and Infinity (NaN is always refused). @default true */
  finite?: boolean;
}

function boundsText(b: NumberBounds): string {
  const { min = -Infinity, max = Infinity } = b;
  if (min > -Infinity && max < Infinity)
    return ` in ${b.minOpen ? "(" : "["}${min}, ${max}${b.maxOpen ? ")" : "]"}`;
  if (min > -Infinity) return ` ${b.minOpen ? ">" : ">="} ${min}`;
  if (max < Infinity) return ` ${b.maxOpen ? "<" : "<="} ${max}`;
  return "";
}

function inBounds(x: number, b: NumberBounds): boolean {
  const { min = -Infinity, max = Infinity } = b;
  return (b.minOpen ? x > min : x >= min) && (b.maxOpen ? x < max : x <= max);
}

/**
 * A finite number (or, with `finite: false`, any number but NaN) within
 * optional bounds. The message says "a finite number > 0" for a half-open
 * range and "a number in [0, 1]" for a bounded one.
 * @param value - The value to check.
 * @param name - Its name in the message (e.g. `sigma`, `se2.dose`).
 * @param bounds - Allowed range. @default any finite number
 * @returns `value`.
 * @throws TypeError when `value` is not a number, RangeError when it is NaN, infinite or out of bounds.
 */
export function checkNumber(value: unknown, name: string, bounds: NumberBounds = {}): number {
  const range = boundsText(bounds);
  const bounded = (bounds.min ?? -Infinity) > -Infinity && (bounds.max ?? Infinity) < Infinity;
  const finite = bounds.finite ?? true;
  const expected = `${bounded || !finite ? "a number" : "a finite number"}${range}`;
  if (typeof value !== "number") throw expectedError(name, expected, value, TypeError);
  if (Number.isNaN(value) || (finite && !Number.isFinite(value)) || !inBounds(value, bounds))
    throw expectedError(name, expected, value);
  return value;
}

/** Any finite number: "`name` must be a finite number". */
export function checkFinite(value: unknown, name: string): number {
  return checkNumber(value, name);
}

/** A finite number > 0. */
export function checkPositive(value: unknown, name: string): number {
  return checkNumber(value, name, { min: 0, minOpen: true });
}

/** A finite number >= 0. */
export function checkNonNegative(value: unknown, name: string): number {
  return checkNumber(value, name, { min: 0 });
}

/**
 * A number in [0, 1], or in (0, 1) when `open`.
 * @param open - Exclude 0 and 1. @default false
 */
export function checkFraction(value: unknown, name: string, open = false): number {
  return checkNumber(value, name, { min: 0, max: 1, minOpen: open, maxOpen: open });
}

/** A random seed: any finite number. */
export function checkSeed(value: unknown, name = "seed"): number {
  return checkNumber(value, name);
}

/**
 * An integer in [min, max]: "`name` must be an integer >= 1" or "an integer in [0, 255]".
 * @param min - Lowest allowed value. @default -Infinity
 * @param max - Highest allowed value. @default Infinity
 */
export function checkInteger(
  value: unknown,
  name: string,
  min = -Infinity,
  max = Infinity,
): number {
  const expected = `an integer${boundsText({ min, max })}`;
  if (typeof value !== "number") throw expectedError(name, expected, value, TypeError);
  if (!Number.isInteger(value) || value < min || value > max)
    throw expectedError(name, expected, value);
  return value;
}

/** An integer >= 1: "`name` must be a positive integer". */
export function checkPositiveInt(value: unknown, name: string): number {
  if (typeof value !== "number") throw expectedError(name, "a positive integer", value, TypeError);
  if (!Number.isInteger(value) || value < 1) throw expectedError(name, "a positive integer", value);
  return value;
}

/** An integer >= 0: "`name` must be a non-negative integer". */
export function checkNonNegativeInt(value: unknown, name: string): number {
  const expected = "a non-negative integer";
  if (typeof value !== "number") throw expectedError(name, expected, value, TypeError);
  if (!Number.isInteger(value) || value < 0) throw expectedError(name, expected, value);
  return value;
}

/** `true` or `false`. */
export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== "boolean") throw expectedError(name, "a boolean", value, TypeError);
  return value;
}

/**
 * A string: "`name` must be a string", or with `nonEmpty` "a non-empty string" (one that is
 * not empty or only white space).
 * @param nonEmpty - Refuse "" and white space only. @default false
 * @returns `value` (not trimmed).
 * @throws TypeError when `value` is not a string, RangeError when `nonEmpty` and it is blank.
 */
export function checkString(value: unknown, name: string, nonEmpty = false): string {
  const expected = nonEmpty ? "a non-empty string" : "a string";
  if (typeof value !== "string") throw expectedError(name, expected, value, TypeError);
  if (nonEmpty && !value.trim()) throw expectedError(name, expected, value);
  return value;
}

/**
 * One of a fixed set of values: "`mode` must be "a", "b" or "c"".
 * @param allowed - The allowed values, in the order the message lists them.
 * @throws TypeError when `value` has none of the allowed values' types, RangeError otherwise.
 */
export function checkOneOf<const T>(value: unknown, name: string, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  const sameType = allowed.some((a) => typeof a === typeof value);
  throw expectedError(name, formatChoices(allowed), value, sameType ? RangeError : TypeError);
}

/** Rules of {@link checkNumberArray}; every element is a finite number. */
export interface NumberArrayRule extends NumberBounds {
  /** Exact number of elements. */
  length?: number;
  /** Fewest elements. @default 0 */
  minLength?: number;
  /** Most elements. @default Infinity */
  maxLength?: number;
  /** Elements must be integers. @default false */
  integer?: boolean;
  /** No element may repeat. @default false */
  distinct?: boolean;
  /** Each element >= the one before (with `distinct`, >). @default false */
  ascending?: boolean;
  /** What the message says is expected, e.g. `[z, y, x] in nm`. @default made from the rule */
  expected?: string;
}

function arrayText(rule: NumberArrayRule): string {
  const { length, minLength = 0, maxLength = Infinity } = rule;
  const head =
    length !== undefined
      ? `an array of ${length} `
      : maxLength < Infinity
        ? `an array of ${minLength} to ${maxLength} `
        : minLength === 1
          ? "a non-empty array of "
          : minLength > 1
            ? `an array of at least ${minLength} `
            : "an array of ";
  const kind = rule.integer ? "integers" : "finite numbers";
  const order = `${rule.distinct ? "distinct " : ""}${rule.ascending ? "ascending " : ""}`;
  return `${head}${order}${kind}${boundsText(rule)}`;
}

/**
 * A plain array of finite numbers with a length and element rule, e.g. a
 * list of thresholds, class ids or a point [z, y, x].
 * @returns `value`.
 * @throws TypeError when `value` is not an array, RangeError when its length or an element is wrong.
 */
export function checkNumberArray(
  value: unknown,
  name: string,
  rule: NumberArrayRule = {},
): number[] {
  const expected = rule.expected ?? arrayText(rule);
  if (!Array.isArray(value)) throw expectedError(name, expected, value, TypeError);
  const { length, minLength = 0, maxLength = Infinity } = rule;
  const lengthOk =
    length !== undefined
      ? value.length === length
      : value.length >= minLength && value.length <= maxLength;
  const elementOk = (x: unknown): boolean =>
    typeof x === "number" &&
    Number.isFinite(x) &&
    (!rule.integer || Number.isInteger(x)) &&
    inBounds(x, rule);
  if (
    !lengthOk ||
    !value.every(elementOk) ||
    (rule.distinct && new Set(value).size !== value.length) ||
    (rule.ascending && value.some((x: number, i) => i > 0 && x < value[i - 1]))
  )
    throw expectedError(name, expected, value);
  return value as number[];
}

/**
 * An options record: `undefined` (read as `{}`) or a plain object; with
 * `keys`, a key not among them is refused ("`effects.blur` is not an effect;
 * expected one of ...").
 * @param keys - The known keys; any key is accepted when omitted.
 * @param what - What one key is called in the message. @default "option"
 * @returns `value`, or `{}` when it is undefined.
 */
export function checkOptions<T extends object>(
  value: T | undefined,
  name: string,
  keys?: readonly string[],
  what = "option",
): T {
  if (value === undefined) return {} as T;
  const proto =
    typeof value === "object" && value !== null ? (Object.getPrototypeOf(value) as unknown) : 0;
  if (proto !== Object.prototype && proto !== null)
    throw expectedError(name, `an object of ${what}s`, value, TypeError);
  if (keys) {
    for (const k of Object.keys(value)) {
      if (!keys.includes(k)) {
        const article = /^[aeiou]/i.test(what) ? "an" : "a";
        const known = keys.length > 0 ? `expected one of ${keys.join(", ")}` : `there are none`;
        throw new RangeError(`\`${name}.${k}\` is not ${article} ${what}; ${known}`);
      }
    }
  }
  return value;
}

/**
 * The "received ..." part of a file validator's message (label files, forest JSON, sample
 * manifests), typed so a reader of a broken file sees what the field held:
 * `nothing (the field is missing)`, `null`, `number 2`, `boolean true`, a short string quoted,
 * `an array of length 7` (short arrays written out with `arraysUpTo`), `an object`.
 * @param options.stringsUpTo - Longer strings are described by their length. @default 40
 * @param options.arraysUpTo - Arrays up to this length are written as JSON. @default 0
 */
export function describeFieldValue(
  value: unknown,
  options: { stringsUpTo?: number; arraysUpTo?: number } = {},
): string {
  const { stringsUpTo = 40, arraysUpTo = 0 } = options;
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value))
    return value.length <= arraysUpTo
      ? JSON.stringify(value)
      : `an array of length ${value.length}`;
  if (typeof value === "string")
    return value.length > stringsUpTo
      ? `a string of length ${value.length}`
      : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean")
    return `${typeof value} ${String(value)}`;
  return typeof value === "object" ? "an object" : typeof value;
}
