import { describe, expect, it } from "vitest";
import {
  cast,
  checkVolume,
  clone,
  crop,
  fromArray,
  fromFunction,
  histogram,
  minMax,
  normalizePercentile,
  percentile,
  phaseFractions,
  slice,
  zeros,
} from "../../kernel-lib/src/volume/index.js";

// v(z, y, x) = 100 z + 10 y + x on a 2 x 3 x 4 grid: every voxel names its own position.
const coded = () =>
  fromFunction([2, 3, 4], (z, y, x) => 100 * z + 10 * y + x, "int32", { spacing: [5, 2, 1] });

describe("construction and validation", () => {
  it("zeros allocates the right length, dtype and spacing, optionally shared", () => {
    const v = zeros([2, 3, 4], "uint16", { spacing: [10, 5, 5], shared: true });
    expect(v.data).toBeInstanceOf(Uint16Array);
    expect(v.data.length).toBe(24);
    expect(v.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(v.spacing).toEqual([10, 5, 5]);
  });

  it("fromArray rejects a length that does not match the shape, naming both", () => {
    expect(() => fromArray(new Uint8Array(10), [2, 3, 4])).toThrow(
      /10 elements but shape 2x3x4 needs 24/,
    );
    expect(() => fromArray([1, 2] as never, [1, 1, 2])).toThrow(
      "`data` must be a typed array, received [1,2]",
    );
    expect(() => zeros([1, 1, 1], "uint8", { shared: 1 as never })).toThrow(
      "`shared` must be a boolean, received 1",
    );
  });

  it("checkVolume names the argument and what it received", () => {
    expect(() => checkVolume(null, "image")).toThrow(/`image` must be a Volume.*received null/);
    expect(() =>
      checkVolume({ data: new Float64Array(1), shape: [1, 1, 1], spacing: [1, 1, 1] }, "image"),
    ).toThrow(/received Float64Array/);
    expect(() =>
      checkVolume({ data: new Uint8Array(1), shape: [1, 1, 0], spacing: [1, 1, 1] }, "image"),
    ).toThrow(/`image.shape` must be \[nz, ny, nx\] of positive integers, received \[1,1,0\]/);
    expect(() =>
      checkVolume({ data: new Uint8Array(1), shape: [1, 1, 1], spacing: [1, -1, 1] }, "image"),
    ).toThrow(/`image.spacing`.*received \[1,-1,1\]/);
    expect(() => checkVolume(coded(), "labels", { dtypes: ["uint8"] })).toThrow(
      /dtype uint8, received int32/,
    );
  });

  it("clone copies data so the original is untouched", () => {
    const v = coded();
    const c = clone(v, { shared: true });
    c.data[0] = -1;
    expect(v.data[0]).toBe(0);
    expect(c.data.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});

describe("slice", () => {
  it("xy at z = 1 has rows y and columns x", () => {
    const s = slice(coded(), "xy", 1);
    expect(s.shape).toEqual([1, 3, 4]);
    expect(Array.from(s.data)).toEqual([
      100, 101, 102, 103, 110, 111, 112, 113, 120, 121, 122, 123,
    ]);
    expect(s.spacing).toEqual([1, 2, 1]);
  });

  it("xz at y = 2 has rows z and columns x, spacing (dz, dx)", () => {
    const s = slice(coded(), "xz", 2);
    expect(s.shape).toEqual([1, 2, 4]);
    expect(Array.from(s.data)).toEqual([20, 21, 22, 23, 120, 121, 122, 123]);
    expect(s.spacing).toEqual([1, 5, 1]);
  });

  it("yz at x = -1 (last) has rows z and columns y", () => {
    const s = slice(coded(), "yz", -1);
    expect(s.shape).toEqual([1, 2, 3]);
    expect(Array.from(s.data)).toEqual([3, 13, 23, 103, 113, 123]);
    expect(s.spacing).toEqual([1, 5, 2]);
  });

  it("defaults to the middle plane and rejects out-of-range indices", () => {
    expect(slice(coded(), "xy").data[0]).toBe(100);
    expect(() => slice(coded(), "xy", 2)).toThrow(/must be an integer in \[-2, 1\], received 2/);
    expect(() => slice(coded(), "ab" as never, 0)).toThrow(
      '`plane` must be "xy", "xz" or "yz", received "ab"',
    );
  });
});

describe("crop", () => {
  it("returns the half-open box", () => {
    const c = crop(coded(), [
      [1, 2],
      [0, 2],
      [2, 4],
    ]);
    expect(c.shape).toEqual([1, 2, 2]);
    expect(Array.from(c.data)).toEqual([102, 103, 112, 113]);
    expect(crop(coded(), [null, null, [0, 1]]).data.length).toBe(6);
  });
  it("rejects empty or outside ranges", () => {
    expect(() => crop(coded(), [[0, 3], null, null])).toThrow(/0 <= start < stop <= 2/);
    expect(() => crop(coded(), [null, null] as never)).toThrow(
      "`ranges` must be [[z0, z1], [y0, y1], [x0, x1]], received [null,null]",
    );
  });
});

describe("cast", () => {
  it("rounds and saturates into uint8", () => {
    const v = fromArray(new Float32Array([-3, 0.4, 0.6, 254.5, 300, NaN]), [1, 1, 6]);
    expect(Array.from(cast(v, "uint8").data)).toEqual([0, 0, 1, 255, 255, 0]);
    expect(() => cast(v, "uint8", { overflow: "error" })).toThrow(
      /voxel 0 has value -3 outside \[0, 255\]/,
    );
  });
  it("refuses unknown dtypes (also Object.prototype names) and overflow modes", () => {
    const v = coded();
    const dtypes = '"uint8", "uint16", "int32", "uint32", "float32"';
    for (const bad of ["float64", "constructor", "toString"]) {
      expect(() => cast(v, bad as never)).toThrow(
        `\`dtype\` must be one of ${dtypes}, received "${bad}"`,
      );
      expect(() => zeros([1, 1, 1], bad as never)).toThrow(RangeError);
    }
    expect(() => cast(v, "uint8", { overflow: "wrap" as never })).toThrow(
      '`overflow` must be "clip" or "error", received "wrap"',
    );
  });
  it("keeps values exactly when widening", () => {
    const v = coded();
    expect(Array.from(cast(v, "float32").data)).toEqual(Array.from(v.data));
  });
});

describe("percentile, normalisation and histogram", () => {
  it("percentile interpolates like numpy (hand case)", () => {
    // np.percentile([1, 2, 3, 4], [0, 25, 50, 90, 100]) = [1, 1.75, 2.5, 3.7, 4]
    const p = percentile([4, 1, 3, 2], [0, 25, 50, 90, 100]);
    expect(p[0]).toBe(1);
    expect(p[1]).toBeCloseTo(1.75, 12);
    expect(p[2]).toBeCloseTo(2.5, 12);
    expect(p[3]).toBeCloseTo(3.7, 12);
    expect(p[4]).toBe(4);
  });

  it("normalizePercentile maps the percentiles to the output range and clips", () => {
    const v = fromArray(
      Float32Array.from({ length: 101 }, (_, i) => i),
      [1, 1, 101],
    );
    const n = normalizePercentile(v, { low: 10, high: 90 });
    expect(n.data[10]).toBeCloseTo(0, 6);
    expect(n.data[90]).toBeCloseTo(1, 6);
    expect(n.data[50]).toBeCloseTo(0.5, 6);
    expect(n.data[0]).toBe(0);
    expect(n.data[100]).toBe(1);
  });

  it("histogram follows numpy's bins (last bin closed) and honours a mask", () => {
    // np.histogram([0, 1, 1, 2, 3, 4], bins=4, range=(0, 4)) -> [1, 2, 1, 2]
    const v = fromArray(new Float32Array([0, 1, 1, 2, 3, 4]), [1, 1, 6]);
    const h = histogram(v, { bins: 4, range: [0, 4] });
    expect(Array.from(h.counts)).toEqual([1, 2, 1, 2]);
    expect(Array.from(h.edges)).toEqual([0, 1, 2, 3, 4]);
    const mask = fromArray(new Uint8Array([1, 1, 0, 0, 0, 1]), [1, 1, 6]);
    expect(Array.from(histogram(v, { bins: 4, range: [0, 4], mask }).counts)).toEqual([1, 1, 0, 1]);
  });

  it("minMax and the default histogram range leave out NaN and infinite values", () => {
    const v = fromArray(new Float32Array([NaN, -Infinity, 2, 5, Infinity, 3]), [1, 2, 3]);
    expect(minMax(v)).toEqual([2, 5]);
    expect(minMax([NaN, Infinity])).toEqual([NaN, NaN]);
    // np.histogram([2, 5, 3], bins=3) -> [1, 1, 1] over edges 2, 3, 4, 5
    const h = histogram(v, { bins: 3 });
    expect(Array.from(h.edges)).toEqual([2, 3, 4, 5]);
    expect(Array.from(h.counts)).toEqual([1, 1, 1]);
  });

  it("refuse bad options, naming them", () => {
    const v = fromArray(new Float32Array([0, 1, 2, 3]), [1, 2, 2]);
    expect(() => percentile(v, [50, 101])).toThrow(
      "`q` must be an array of percentiles in [0, 100], received [50,101]",
    );
    expect(() => histogram(v, { bins: 0 })).toThrow(
      "`bins` must be a positive integer, received 0",
    );
    expect(() => histogram(v, { range: [3, 1] })).toThrow(
      "`range` must be [min, max] of finite numbers, min <= max, received [3,1]",
    );
    expect(() => histogram(v, { range: [0, Infinity] })).toThrow(RangeError);
    expect(() => normalizePercentile(v, { low: 60, high: 40 })).toThrow(
      "`high` must be a number in (60, 100], received 40",
    );
    expect(() => normalizePercentile(v, { low: -1 })).toThrow(
      "`low` must be a number in [0, 100], received -1",
    );
  });

  it("uint8 histograms default to one bin per grey value", () => {
    const v = fromArray(new Uint8Array([0, 0, 7, 255]), [1, 2, 2]);
    const h = histogram(v);
    expect(h.counts.length).toBe(256);
    expect(h.counts[0]).toBe(2);
    expect(h.counts[7]).toBe(1);
    expect(h.counts[255]).toBe(1);
  });
});

describe("phaseFractions", () => {
  it("counts each phase over all voxels or inside a mask (hand case)", () => {
    const v = fromArray(new Uint8Array([0, 0, 85, 170, 170, 170, 9, 0]), [1, 2, 4]);
    const f = phaseFractions(v, { 0: "pore", 85: "nmc", 170: "cbd" });
    expect(f).toEqual({ pore: 3 / 8, nmc: 1 / 8, cbd: 3 / 8 });
    const mask = fromArray(new Uint8Array([1, 1, 1, 1, 0, 0, 0, 0]), [1, 2, 4]);
    expect(phaseFractions(v, { 0: "pore", 170: "cbd" }, { mask })).toEqual({
      pore: 0.5,
      cbd: 0.25,
    });
  });
});
