import { describe, expect, it } from "vitest";
import { fromArray } from "../../kernel-lib/src/volume/index.js";
import { nmcPhantom } from "../../kernel-lib/src/synth/nmcPhantom.js";
import {
  remapLabels,
  TAUFACTOR_ELECTRODE_CLASSES,
} from "../../kernel-lib/src/synth/remapLabels.js";

const fractions = (d: Uint8Array) => {
  const c = [0, 0, 0, 0];
  for (const v of d) c[v]++;
  return c.map((n) => n / d.length);
};

describe("nmcPhantom", () => {
  const shape: [number, number, number] = [32, 64, 64];
  const a = nmcPhantom(shape, { seed: 3 });

  it("is deterministic: same seed, same bytes; another seed, another structure", () => {
    const b = nmcPhantom(shape, { seed: 3 });
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
    const c = nmcPhantom(shape, { seed: 4 });
    expect(Buffer.from(c.data).equals(Buffer.from(a.data))).toBe(false);
    expect(a.spacing).toEqual([10, 10, 10]);
  });

  it("holds only the three classes, with CBD at the requested fraction", () => {
    const f = fractions(a.data);
    expect(f[0]).toBe(0);
    expect(f[1] + f[2] + f[3]).toBeCloseTo(1, 12);
    // The binder threshold is set from a histogram of scores, so the fraction is met to within a voxel.
    expect(Math.abs(f[2] - 0.12)).toBeLessThan(1 / a.data.length + 1e-12);
    expect(f[3]).toBeGreaterThan(0.15);
    expect(f[1]).toBeGreaterThan(0.2);
    const f2 = fractions(nmcPhantom(shape, { seed: 3, cbdFraction: 0.05 }).data);
    expect(f2[2]).toBeCloseTo(0.05, 4);
  });

  it("honours physical units: a finer voxel size gives the same structure at more voxels", () => {
    // 20 nm voxels over the same physical box: NMC fraction stays similar.
    const coarse = nmcPhantom([16, 32, 32], { seed: 3, spacing: [20, 20, 20] });
    expect(Math.abs(fractions(coarse.data)[3] - fractions(a.data)[3])).toBeLessThan(0.08);
  });

  it("rejects bad options with messages naming them", () => {
    expect(() => nmcPhantom([0, 4, 4])).toThrow(
      /`shape` must be \[nz, ny, nx\] of positive integers/,
    );
    expect(() => nmcPhantom([4, 4, 4], { innerPorosity: 1 })).toThrow(
      /`innerPorosity` must be a number in \(0, 1\), received 1/,
    );
    expect(() => nmcPhantom([4, 4, 4], { particleRadius: -5 })).toThrow(
      /`particleRadius` must be a finite number > 0, received -5/,
    );
    expect(() => nmcPhantom([4, 4, 4], { largePoreRadius: [50, 10] })).toThrow(
      /`largePoreRadius` must be \[min, max\]/,
    );
    expect(() => nmcPhantom([4, 4, 4], { seed: NaN })).toThrow(/`seed` must be a finite number/);
  });
});

describe("remapLabels", () => {
  it("maps the taufactor electrode values 0/85/170 to void/NMC/CBD", () => {
    const v = fromArray(Uint8Array.from([0, 85, 170, 0]), [1, 2, 2], { spacing: [5, 5, 5] });
    const r = remapLabels(v, TAUFACTOR_ELECTRODE_CLASSES);
    expect(Array.from(r.data)).toEqual([1, 3, 2, 1]);
    expect(r.spacing).toEqual([5, 5, 5]);
    expect(() => remapLabels(fromArray(Uint8Array.from([7]), [1, 1, 1]), { 0: 1 })).toThrow(
      /value 7 \(voxel 0\) has no class/,
    );
    expect(
      Array.from(
        remapLabels(fromArray(Uint8Array.from([7]), [1, 1, 1]), { 0: 1 }, { fill: 1 }).data,
      ),
    ).toEqual([1]);
    const one = fromArray(Uint8Array.from([7]), [1, 1, 1]);
    expect(() => remapLabels(one, { 7: 256 })).toThrow(
      "`mapping[7]` must be an integer in [0, 255], received 256",
    );
    expect(() => remapLabels(one, { 0: 1 }, { fill: 1.5 })).toThrow(
      "`fill` must be an integer in [0, 255], received 1.5",
    );
  });
});
