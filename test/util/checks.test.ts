import { describe, expect, it } from "vitest";
import {
  checkBoolean,
  checkFinite,
  checkFraction,
  checkInteger,
  checkNonNegative,
  checkNonNegativeInt,
  checkNumber,
  checkNumberArray,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkPositiveInt,
  checkSeed,
  checkString,
  describeFieldValue,
  describeValue,
  expectedError,
  formatChoices,
} from "../../kernel-lib/src/util/index.js";

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

describe("describeValue", () => {
  it("shows primitives as written, strings quoted", () => {
    expect(describeValue(-1)).toBe("-1");
    expect(describeValue(Number.NaN)).toBe("NaN");
    expect(describeValue(-Infinity)).toBe("-Infinity");
    expect(describeValue("a b")).toBe('"a b"');
    expect(describeValue(true)).toBe("true");
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(3n)).toBe("3n");
    expect(describeValue(Symbol("s"))).toBe("Symbol(s)");
    expect(describeValue(function named() {})).toBe("function named");
    expect(describeValue("x".repeat(81))).toBe("string of length 81");
  });

  it("shows short arrays and plain objects compactly (NaN stays NaN, unlike JSON)", () => {
    expect(describeValue([1, -1, 1])).toBe("[1,-1,1]");
    expect(describeValue([1, Number.NaN, "a", null])).toBe('[1,NaN,"a",null]');
    expect(describeValue([[1, 2], [3]])).toBe("[[1,2],[3]]");
    expect(describeValue({ a: 1, b: "x" })).toBe('{"a":1,"b":"x"}');
    expect(describeValue({})).toBe("{}");
    expect(describeValue([])).toBe("[]");
  });

  it("names long, nested or typed containers by kind and length", () => {
    expect(describeValue(new Float32Array(4096))).toBe("Float32Array of length 4096");
    expect(describeValue(new DataView(new ArrayBuffer(8)))).toBe("DataView of length 8");
    expect(describeValue(Array.from({ length: 11 }, (_, i) => i))).toBe("array of length 11");
    expect(describeValue([[[1]]])).toBe("[[array of length 1]]");
    expect(describeValue(["y".repeat(79)])).toBe("array of length 1");
    const many = { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 };
    expect(describeValue(many)).toBe("object with keys a, b, c, d, e, f, ...");
    expect(describeValue({ data: new Uint8Array(2), shape: [1, 1, 2] })).toBe(
      '{"data":Uint8Array of length 2,"shape":[1,1,2]}',
    );
    expect(describeValue(new Map())).toBe("Map");
    expect(describeValue(Object.create(null))).toBe("{}");
  });

  it("terminates on a cyclic object", () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(describeValue(a)).toBe('{"x":1,"self":{"x":1,"self":object with keys x, self}}');
  });
});

describe("expectedError and formatChoices", () => {
  it("word the message `name` must be <expected>, received <value>", () => {
    const e = expectedError("sigma", "a finite number > 0", -1);
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("`sigma` must be a finite number > 0, received -1");
    expect(expectedError("x", "a string", 5, TypeError)).toBeInstanceOf(TypeError);
  });

  it("list two, three and more choices", () => {
    expect(formatChoices(["a"])).toBe('"a"');
    expect(formatChoices(["a", "b"])).toBe('"a" or "b"');
    expect(formatChoices([0, 90, 180])).toBe("0, 90 or 180");
    expect(formatChoices(["a", "b", "c", "d"])).toBe('one of "a", "b", "c", "d"');
  });
});

describe("number checks", () => {
  it("return good values unchanged", () => {
    expect(checkFinite(-2.5, "x")).toBe(-2.5);
    expect(checkPositive(1e-300, "x")).toBe(1e-300);
    expect(checkNonNegative(0, "x")).toBe(0);
    expect(checkFraction(1, "p")).toBe(1);
    expect(checkFraction(0.5, "p", true)).toBe(0.5);
    expect(checkSeed(-7)).toBe(-7);
    expect(checkNumber(10, "scale", { min: 0, max: 10, minOpen: true })).toBe(10);
    expect(checkNumber(Infinity, "bright", { finite: false })).toBe(Infinity);
    expect(checkNumber(-Infinity, "dark", { finite: false, max: 0 })).toBe(-Infinity);
  });

  it("name the value and the range, RangeError for bad numbers", () => {
    const cases: [() => unknown, string][] = [
      [() => checkFinite(Infinity, "gain"), "`gain` must be a finite number, received Infinity"],
      [() => checkPositive(0, "sigma"), "`sigma` must be a finite number > 0, received 0"],
      [
        () => checkPositive(Number.NaN, "sigma"),
        "`sigma` must be a finite number > 0, received NaN",
      ],
      [() => checkNonNegative(-1, "psf"), "`psf` must be a finite number >= 0, received -1"],
      [() => checkFraction(2, "p"), "`p` must be a number in [0, 1], received 2"],
      [() => checkFraction(1, "p", true), "`p` must be a number in (0, 1), received 1"],
      [() => checkFraction(0, "p", true), "`p` must be a number in (0, 1), received 0"],
      [() => checkSeed(Number.NaN), "`seed` must be a finite number, received NaN"],
      [
        () => checkNumber(0, "scale", { min: 0, max: 10, minOpen: true }),
        "`scale` must be a number in (0, 10], received 0",
      ],
      [
        () => checkNumber(5, "t", { max: 5, maxOpen: true }),
        "`t` must be a finite number < 5, received 5",
      ],
      [() => checkNumber(6, "t", { max: 5 }), "`t` must be a finite number <= 5, received 6"],
      [() => checkNumber(Number.NaN, "t", { finite: false }), "`t` must be a number, received NaN"],
      [
        () => checkNumber(-Infinity, "t", { finite: false, min: 0 }),
        "`t` must be a number >= 0, received -Infinity",
      ],
      [
        () => checkNumber(-Infinity, "t", { max: 5 }),
        "`t` must be a finite number <= 5, received -Infinity",
      ],
    ];
    for (const [fn, message] of cases) {
      const e = thrown(fn);
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toBe(message);
    }
  });

  it("give a TypeError for values that are not numbers", () => {
    for (const bad of ["3", null, undefined, [1], true]) {
      const e = thrown(() => checkPositive(bad, "sigma"));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe(
        `\`sigma\` must be a finite number > 0, received ${describeValue(bad)}`,
      );
    }
    expect(thrown(() => checkFraction("0.5", "p"))).toBeInstanceOf(TypeError);
  });
});

describe("integer checks", () => {
  it("accept integers in range", () => {
    expect(checkInteger(-3, "i")).toBe(-3);
    expect(checkInteger(255, "c", 0, 255)).toBe(255);
    expect(checkPositiveInt(1, "n")).toBe(1);
    expect(checkNonNegativeInt(0, "n")).toBe(0);
  });

  it("say which integers are allowed", () => {
    const cases: [() => unknown, string][] = [
      [() => checkInteger(1.5, "i"), "`i` must be an integer, received 1.5"],
      [() => checkInteger(0, "n", 1), "`n` must be an integer >= 1, received 0"],
      [() => checkInteger(256, "c", 0, 255), "`c` must be an integer in [0, 255], received 256"],
      [() => checkInteger(11, "k", -Infinity, 10), "`k` must be an integer <= 10, received 11"],
      [() => checkInteger(Infinity, "n", 1), "`n` must be an integer >= 1, received Infinity"],
      [() => checkPositiveInt(0, "columns"), "`columns` must be a positive integer, received 0"],
      [
        () => checkPositiveInt(2.5, "columns"),
        "`columns` must be a positive integer, received 2.5",
      ],
      [() => checkNonNegativeInt(-1, "n"), "`n` must be a non-negative integer, received -1"],
    ];
    for (const [fn, message] of cases) {
      const e = thrown(fn);
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toBe(message);
    }
    expect(thrown(() => checkInteger("1", "i"))).toBeInstanceOf(TypeError);
    expect(thrown(() => checkPositiveInt(null, "n"))).toBeInstanceOf(TypeError);
    expect(thrown(() => checkNonNegativeInt(undefined, "n"))).toBeInstanceOf(TypeError);
  });
});

describe("checkString", () => {
  it("returns strings unchanged (not trimmed)", () => {
    expect(checkString("", "html")).toBe("");
    expect(checkString(" nm ", "unit", true)).toBe(" nm ");
  });

  it("refuses what is not a string (TypeError) and, with nonEmpty, blank strings (RangeError)", () => {
    const t = thrown(() => checkString(3, "key"));
    expect(t).toBeInstanceOf(TypeError);
    expect(t.message).toBe("`key` must be a string, received 3");
    const u = thrown(() => checkString(undefined, "unit", true));
    expect(u).toBeInstanceOf(TypeError);
    expect(u.message).toBe("`unit` must be a non-empty string, received undefined");
    const r = thrown(() => checkString("  ", "unit", true));
    expect(r).toBeInstanceOf(RangeError);
    expect(r.message).toBe('`unit` must be a non-empty string, received "  "');
  });
});

describe("checkBoolean and checkOneOf", () => {
  it("accept the allowed values", () => {
    expect(checkBoolean(false, "strict")).toBe(false);
    expect(checkOneOf("b", "mode", ["a", "b"] as const)).toBe("b");
    expect(checkOneOf(90, "rotation", [0, 90, 180, 270])).toBe(90);
  });

  it("refuse others, TypeError when no allowed value has the value's type", () => {
    const b = thrown(() => checkBoolean(1, "strict"));
    expect(b).toBeInstanceOf(TypeError);
    expect(b.message).toBe("`strict` must be a boolean, received 1");
    const r = thrown(() => checkOneOf("c", "mode", ["a", "b"]));
    expect(r).toBeInstanceOf(RangeError);
    expect(r.message).toBe('`mode` must be "a" or "b", received "c"');
    const t = thrown(() => checkOneOf(1, "mode", ["a", "b", "c", "d"]));
    expect(t).toBeInstanceOf(TypeError);
    expect(t.message).toBe('`mode` must be one of "a", "b", "c", "d", received 1');
    expect(thrown(() => checkOneOf(45, "rotation", [0, 90, 180, 270])).message).toBe(
      "`rotation` must be one of 0, 90, 180, 270, received 45",
    );
  });
});

describe("checkNumberArray", () => {
  it("accepts arrays that follow the rule and returns them", () => {
    const v = [1, 2, 3];
    expect(checkNumberArray(v, "c", { length: 3, integer: true, distinct: true })).toBe(v);
    expect(checkNumberArray([], "c")).toEqual([]);
    expect(checkNumberArray([0.5], "t", { minLength: 1, min: 0, max: 1 })).toEqual([0.5]);
    expect(checkNumberArray([1, 2], "c", { minLength: 2, maxLength: 4 })).toEqual([1, 2]);
    // ascending allows equal neighbours unless they must also be distinct
    expect(checkNumberArray([1, 1, 2], "t", { ascending: true })).toEqual([1, 1, 2]);
    expect(checkNumberArray([1, 2], "t", { ascending: true, distinct: true })).toEqual([1, 2]);
  });

  it("describes the rule it refuses", () => {
    const cases: [unknown, Parameters<typeof checkNumberArray>[2], string][] = [
      [[], { minLength: 1 }, "a non-empty array of finite numbers, received []"],
      [[1, Number.NaN], {}, "an array of finite numbers, received [1,NaN]"],
      [[1, 2], { length: 3 }, "an array of 3 finite numbers, received [1,2]"],
      [[1], { minLength: 2 }, "an array of at least 2 finite numbers, received [1]"],
      [
        [1, 2, 3],
        { minLength: 1, maxLength: 2 },
        "an array of 1 to 2 finite numbers, received [1,2,3]",
      ],
      [[1, 1], { distinct: true }, "an array of distinct finite numbers, received [1,1]"],
      [[1.5], { integer: true }, "an array of integers, received [1.5]"],
      [
        [256],
        { integer: true, min: 0, max: 255 },
        "an array of integers in [0, 255], received [256]",
      ],
      [[0], { min: 0, minOpen: true }, "an array of finite numbers > 0, received [0]"],
      [["1"], {}, 'an array of finite numbers, received ["1"]'],
      [[1, 2], { length: 3, expected: "[z, y, x] in nm" }, "[z, y, x] in nm, received [1,2]"],
      [
        [3, 1],
        { minLength: 1, maxLength: 3, ascending: true },
        "an array of 1 to 3 ascending finite numbers, received [3,1]",
      ],
      [
        [1, 1],
        { distinct: true, ascending: true },
        "an array of distinct ascending finite numbers, received [1,1]",
      ],
    ];
    for (const [value, rule, tail] of cases) {
      const e = thrown(() => checkNumberArray(value, "a", rule));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toBe(`\`a\` must be ${tail}`);
    }
    const t = thrown(() => checkNumberArray(new Float64Array(2), "a", { length: 2 }));
    expect(t).toBeInstanceOf(TypeError);
    expect(t.message).toBe(
      "`a` must be an array of 2 finite numbers, received Float64Array of length 2",
    );
  });
});

describe("checkOptions", () => {
  it("reads undefined as {} and returns plain objects", () => {
    expect(checkOptions(undefined, "options")).toEqual({});
    const o = { a: 1 };
    expect(checkOptions(o, "options", ["a", "b"])).toBe(o);
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(checkOptions(bare, "options", ["a"])).toBe(bare);
  });

  it("refuses what is not a plain object (TypeError) and unknown keys (RangeError)", () => {
    for (const bad of [null, 5, "a", [1], new Map(), new Float32Array(1)]) {
      const e = thrown(() => checkOptions(bad as unknown as object, "options"));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe(
        `\`options\` must be an object of options, received ${describeValue(bad)}`,
      );
    }
    const u = thrown(() => checkOptions({ blur: true }, "effects", ["noise", "drift"], "effect"));
    expect(u).toBeInstanceOf(RangeError);
    expect(u.message).toBe("`effects.blur` is not an effect; expected one of noise, drift");
    expect(thrown(() => checkOptions({ x: 1 }, "options", [])).message).toBe(
      "`options.x` is not an option; there are none",
    );
  });
});

describe("describeFieldValue (file validators' typed wording)", () => {
  it("names the kind of what a file field held", () => {
    expect(describeFieldValue(undefined)).toBe("nothing (the field is missing)");
    expect(describeFieldValue(null)).toBe("null");
    expect(describeFieldValue(2)).toBe("number 2");
    expect(describeFieldValue(true)).toBe("boolean true");
    expect(describeFieldValue("abc")).toBe('"abc"');
    expect(describeFieldValue("x".repeat(41))).toBe("a string of length 41");
    expect(describeFieldValue("x".repeat(41), { stringsUpTo: 70 })).toBe(
      JSON.stringify("x".repeat(41)),
    );
    expect(describeFieldValue([1, 2])).toBe("an array of length 2");
    expect(describeFieldValue([1, 2], { arraysUpTo: 4 })).toBe("[1,2]");
    expect(describeFieldValue([1, 2, 3, 4, 5], { arraysUpTo: 4 })).toBe("an array of length 5");
    expect(describeFieldValue({ a: 1 })).toBe("an object");
    expect(describeFieldValue(10n)).toBe("bigint");
  });
});
