import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { splitParticles, watershed } from "../../kernel-lib/src/morphology/index.js";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";

interface Case {
  name: string;
  shape: Shape3;
  connectivity: 6 | 18 | 26;
  image: number[];
  imageType: string;
  markers: number[];
  mask: number[] | null;
  expected: number[];
  compactness: number;
}
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/watershed/watershed.json", import.meta.url), "utf8"),
) as {
  cases: Case[];
  split: {
    shape: Shape3;
    mask: number[];
    h: number;
    markerCount: number;
    expected: number[];
    centres: number[][];
    radii: number[];
  };
};

const vol = <T extends Volume["data"]>(data: T, shape: Shape3): Volume<T> => ({
  data,
  shape,
  spacing: [1, 1, 1],
});

/** Fraction of voxels where a and b differ. */
function mismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let bad = 0;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) bad++;
  return bad / b.length;
}

describe("watershed vs skimage.segmentation.watershed", () => {
  for (const c of fixture.cases) {
    const image = vol(
      c.imageType === "uint8" ? Uint8Array.from(c.image) : Float32Array.from(c.image),
      c.shape,
    );
    const markers = vol(Int32Array.from(c.markers), c.shape);
    const mask = c.mask ? vol(Uint8Array.from(c.mask), c.shape) : undefined;
    const { connectivity, compactness } = c;
    it(`${c.name} (connectivity ${connectivity}): identical labels`, () => {
      const out = watershed(image, markers, { connectivity, mask, compactness });
      expect(out.shape).toEqual(c.shape);
      expect(mismatch(out.data, c.expected)).toBe(0);
    });
    // The bucket queue ("raster" ties) differs from skimage's heap only in the order of
    // equal-valued markers: where all marker voxels have distinct values it must agree.
    const values = c.markers.flatMap((l, i) =>
      l !== 0 && (!c.mask || c.mask[i]) ? [c.image[i]] : [],
    );
    if (compactness === 0 && new Set(values).size === values.length) {
      it(`${c.name}: the bucket queue (ties "raster") gives skimage's labels too`, () => {
        const out = watershed(image, markers, { connectivity, mask, ties: "raster" });
        expect(mismatch(out.data, c.expected)).toBe(0);
      });
    }
  }

  it("compactness changes the result of the compact fixtures (they test it)", () => {
    const c = fixture.cases.find((k) => k.name === "compact-0.1-c3")!;
    const out = watershed(
      vol(Float32Array.from(c.image), c.shape),
      vol(Int32Array.from(c.markers), c.shape),
      { connectivity: 26 },
    );
    expect(mismatch(out.data, c.expected)).toBeGreaterThan(0.01);
  });

  it("bucket queue by hand: two basins, a plateau, markers of equal value in raster order", () => {
    // two basins (minima at 0 and 6) separated by a crest at 3
    const basins = vol(Uint8Array.from([0, 1, 2, 4, 2, 1, 0]), [1, 1, 7]);
    const two = vol(Int32Array.from([1, 0, 0, 0, 0, 0, 2]), [1, 1, 7]);
    for (const ties of ["raster", "skimage"] as const)
      expect(Array.from(watershed(basins, two, { ties }).data)).toEqual([1, 1, 1, 1, 2, 2, 2]);
    // a plateau: the fronts advance one voxel per step each, the first marker first
    const flat = vol(new Uint16Array(6), [1, 1, 6]);
    const ends = vol(Int32Array.from([2, 0, 0, 0, 0, 1]), [1, 1, 6]);
    expect(Array.from(watershed(flat, ends, { ties: "raster" }).data)).toEqual([2, 2, 2, 1, 1, 1]);
    const odd = vol(new Float32Array(5), [1, 1, 5]);
    const ends5 = vol(Int32Array.from([2, 0, 0, 0, 1]), [1, 1, 5]);
    expect(Array.from(watershed(odd, ends5, { ties: "raster" }).data)).toEqual([2, 2, 2, 1, 1]);
    // -0 and +0 are one level (a tie), not two
    const signed = vol(Float32Array.from([-0, 0, 0, 0, -0]), [1, 1, 5]);
    expect(Array.from(watershed(signed, ends5, { ties: "raster" }).data)).toEqual([2, 2, 2, 1, 1]);
  });

  it("compact flood by hand: a flat row is split at the midpoint of the markers", () => {
    // With compactness the distance to the marker decides on a flat image.
    const image = vol(new Float32Array(9), [1, 1, 9]);
    const markers = vol(Int32Array.from([1, 0, 0, 0, 0, 0, 0, 0, 2]), [1, 1, 9]);
    expect(Array.from(watershed(image, markers, { compactness: 1 }).data)).toEqual([
      1, 1, 1, 1, 1, 2, 2, 2, 2,
    ]);
  });

  it("differs from skimage when the tie order is changed (the fixture is tie-sensitive)", () => {
    // Flooding the flat case with 26-connectivity must not give the 6-connected answer.
    const c = fixture.cases.find((k) => k.name === "flat")!;
    const out = watershed(
      vol(Float32Array.from(c.image), c.shape),
      vol(Int32Array.from(c.markers), c.shape),
      { connectivity: 26 },
    );
    expect(mismatch(out.data, c.expected)).toBeGreaterThan(0.05);
  });

  it("floods a 1D ramp between two markers to the lowest pass (hand case)", () => {
    // values along x: 0 1 2 5 2 1 0, markers at both ends: the crest voxel goes to the
    // marker that reaches it first: left (popped first at equal value, age order).
    const image = vol(Float32Array.from([0, 1, 2, 5, 2, 1, 0]), [1, 1, 7]);
    const markers = vol(Int32Array.from([1, 0, 0, 0, 0, 0, 2]), [1, 1, 7]);
    expect(Array.from(watershed(image, markers).data)).toEqual([1, 1, 1, 1, 2, 2, 2]);
    const shifted = vol(Float32Array.from([0, 1, 2, 5, 1, 1, 0]), [1, 1, 7]);
    expect(Array.from(watershed(shifted, markers).data)).toEqual([1, 1, 1, 2, 2, 2, 2]);
  });

  it("leaves unreachable and masked-out voxels at 0", () => {
    const image = vol(new Float32Array(5), [1, 1, 5]);
    const markers = vol(Int32Array.from([1, 0, 0, 0, 0]), [1, 1, 5]);
    const mask = vol(Uint8Array.from([1, 1, 0, 1, 1]), [1, 1, 5]);
    expect(Array.from(watershed(image, markers, { mask }).data)).toEqual([1, 1, 0, 0, 0]);
  });

  it("rejects bad input with a clear message", () => {
    const image = vol(new Float32Array(8), [2, 2, 2]);
    expect(() => watershed(image, vol(new Float32Array(8), [2, 2, 2]))).toThrow(/integer labels/);
    expect(() => watershed(image, vol(new Int32Array(4), [1, 2, 2]))).toThrow(/shape/);
    expect(() =>
      watershed(image, vol(new Int32Array(8), [2, 2, 2]), { connectivity: 8 as 6 }),
    ).toThrow(/connectivity/);
    expect(() =>
      watershed(image, vol(Int32Array.from([0, 1, -2, 0, 0, 0, 0, 0]), [2, 2, 2])),
    ).toThrow(/labels >= 0.*received -2 at voxel 2/);
    expect(() => watershed(image, vol(new Int32Array(8), [2, 2, 2]), { compactness: -1 })).toThrow(
      /compactness/,
    );
    expect(() =>
      watershed(image, vol(new Int32Array(8), [2, 2, 2]), { ties: "heap" as "raster" }),
    ).toThrow(/ties/);
  });
});

describe("splitParticles", () => {
  const s = fixture.split;
  const mask = vol(Uint8Array.from(s.mask), s.shape);

  it("splits two touching balls like the skimage recipe (distance transform, h-maxima, watershed)", async () => {
    const r = await splitParticles(mask, { h: s.h });
    expect(r.count).toBe(s.markerCount);
    expect(r.count).toBe(2);
    // Float32 distances may differ from scipy's in the last bit, which can move a voxel on
    // the dividing plateau: allow a handful of voxels.
    const differ = mismatch(r.labels.data, s.expected) * s.mask.length;
    expect(differ).toBeLessThanOrEqual(5);
  });

  it("cuts at the neck: every voxel of ball 1 alone goes to one label, of ball 2 to the other", async () => {
    const r = await splitParticles(mask, { h: s.h });
    const [nz, ny, nx] = s.shape;
    const [c1, c2] = s.centres as [number[], number[]];
    const [r1, r2] = s.radii as [number, number];
    const seen = [new Set<number>(), new Set<number>()];
    let wrong = 0;
    for (let z = 0, i = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++, i++) {
          const d1 = Math.hypot(z - c1[0]!, y - c1[1]!, x - c1[2]!) <= r1;
          const d2 = Math.hypot(z - c2[0]!, y - c2[1]!, x - c2[2]!) <= r2;
          if (d1 === d2) continue;
          seen[d1 ? 0 : 1]!.add(r.labels.data[i]!);
          // the neck plane of two spheres: where the power distances are equal
          const p1 = (z - c1[0]!) ** 2 + (y - c1[1]!) ** 2 + (x - c1[2]!) ** 2 - r1 * r1;
          const p2 = (z - c2[0]!) ** 2 + (y - c2[1]!) ** 2 + (x - c2[2]!) ** 2 - r2 * r2;
          if (Math.abs(p1 - p2) > 30) continue;
          if (p1 < p2 !== d1) wrong++;
        }
    expect([...seen[0]!]).toHaveLength(1);
    expect([...seen[1]!]).toHaveLength(1);
    expect(seen[0]).not.toEqual(seen[1]);
    expect(wrong).toBe(0);
  });

  it("reports volumes and equivalent diameters in physical units", async () => {
    const spaced = { ...mask, spacing: [10, 10, 10] as [number, number, number] };
    const r = await splitParticles(spaced, { h: 10 });
    const total = s.mask.reduce((a, b) => a + b, 0);
    expect(r.voxels[0]! + r.voxels[1]!).toBe(total);
    for (let l = 0; l < r.count; l++) {
      expect(r.volume[l]).toBeCloseTo(r.voxels[l]! * 1000, 6);
      expect(r.diameter[l]).toBeCloseTo(Math.cbrt((6 * r.volume[l]!) / Math.PI), 6);
    }
    // the bigger ball (radius 8.5 voxels) has about the diameter of its sphere
    const big = Math.max(...r.diameter);
    expect(big).toBeGreaterThan(2 * 8.5 * 10 * 0.9);
    expect(big).toBeLessThan(2 * 8.5 * 10 * 1.1);
  });

  it("keeps one label for a single ball", async () => {
    const n = 21;
    const data = new Uint8Array(n * n * n);
    for (let z = 0, i = 0; z < n; z++)
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++, i++) data[i] = Math.hypot(z - 10, y - 10, x - 10) <= 8 ? 1 : 0;
    const r = await splitParticles(vol(data, [n, n, n]));
    expect(r.count).toBe(1);
  });
});
