import { describe, expect, it } from "vitest";
import { grainTable } from "../../kernel-lib/src/grains/index.js";
import { quickhull } from "../../kernel-lib/src/grains/hull.js";
import type { Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";
import { ellipsoid, ellipsoidArea, rotation } from "./shapes.js";

const relErr = (got: number, want: number) => Math.abs(got / want - 1);

/** A volume of `shape` with label 1 on the voxels [z0, z1) x [y0, y1) x [x0, x1) of each box. */
function boxes(
  shape: [number, number, number],
  list: number[][],
  spacing: Spacing3 = [1, 1, 1],
): Volume<Int32Array> {
  const [nz, ny, nx] = shape;
  const data = new Int32Array(nz * ny * nx);
  for (const [z0, z1, y0, y1, x0, x1, l = 1] of list)
    for (let z = z0!; z < z1!; z++)
      for (let y = y0!; y < y1!; y++)
        for (let x = x0!; x < x1!; x++) data[(z * ny + y) * nx + x] = l;
  return { data, shape, spacing };
}

describe("grainTable on digitised balls", () => {
  for (const r of [8, 11.5, 14.2, 20]) {
    it(`radius ${r}: surface within 3 %, volume, d, s ~ 1, c = 1, e ~ 1`, () => {
      const n = Math.ceil(2 * r + 6);
      const v = ellipsoid(
        [n, n, n],
        [1, 1, 1],
        [r, r, r],
        [n / 2 - 0.3, n / 2 + 0.17, n / 2 + 0.41],
      );
      const t = grainTable(v);
      expect(t.label.length).toBe(1);
      const V = (4 / 3) * Math.PI * r ** 3;
      expect(relErr(t.volume![0]!, V)).toBeLessThan(0.01);
      expect(t.voxels![0]).toBe(v.data.reduce((s, x) => s + x, 0));
      expect(t.d![0]).toBeCloseTo(Math.cbrt((6 * t.volume![0]!) / Math.PI), 10);
      expect(relErr(t.surfaceArea![0]!, 4 * Math.PI * r * r)).toBeLessThan(0.03);
      expect(Math.abs(t.s![0]! - 1)).toBeLessThan(0.03);
      expect(t.c![0]).toBeGreaterThan(0.99);
      expect(t.c![0]).toBeLessThanOrEqual(1);
      expect(t.e![0]).toBeGreaterThan(0.98);
      expect(t.border![0]).toBe(0);
      expect(t.background![0]).toBe(1);
    });
  }
});

describe("grainTable on digitised ellipsoids", () => {
  const cases: [number, number, number, number, number][] = [
    [16, 10, 8, 0, 0],
    [20, 12, 8, 0.5, 0.7],
    [12, 9, 8, 1.1, 0.3],
    [20, 10, 10, -2.2, 1.2],
  ];
  for (const [a, b, c, alpha, beta] of cases) {
    it(`semi-axes ${a}, ${b}, ${c} rotated by ${alpha}, ${beta}: surface, e, major axis angles`, () => {
      const n = Math.ceil(2 * a + 6);
      const rot = rotation(alpha, beta);
      const v = ellipsoid([n, n, n], [1, 1, 1], [a, b, c], [n / 2, n / 2 + 0.2, n / 2 - 0.3], rot);
      const t = grainTable(v);
      expect(relErr(t.surfaceArea![0]!, ellipsoidArea(a, b, c))).toBeLessThan(0.03);
      expect(relErr(t.volume![0]!, (4 / 3) * Math.PI * a * b * c)).toBeLessThan(0.01);
      expect(Math.abs(t.e![0]! - c / a)).toBeLessThan(0.01);
      expect(t.c![0]).toBeGreaterThan(0.99);
      // lambda3 = a^2 / 5 for a solid ellipsoid
      expect(relErr(t.lambda3![0]!, (a * a) / 5)).toBeLessThan(0.03);
      // Major axis: the body x axis in volume coordinates (x, y, z) = rot[.][0], made z >= 0.
      let [vx, vy, vz] = [rot[0]![0]!, rot[1]![0]!, rot[2]![0]!];
      if (vz < 0) [vx, vy, vz] = [-vx, -vy, -vz];
      const theta = Math.acos(vz);
      expect(Math.abs(t.theta![0]! - theta)).toBeLessThan(0.02);
      if (theta > 0.1) {
        let dphi = Math.abs(t.phi![0]! - Math.atan2(vy, vx));
        dphi = Math.min(dphi, 2 * Math.PI - dphi);
        expect(dphi).toBeLessThan(0.02);
      }
      expect(t.phi![0]).toBeGreaterThanOrEqual(-Math.PI);
      expect(t.phi![0]).toBeLessThan(Math.PI);
      expect(t.theta![0]).toBeLessThanOrEqual(Math.PI / 2);
    });
  }

  it("an axis-aligned prolate ellipsoid along z has theta = 0; along y phi = pi / 2, theta = pi / 2", () => {
    const alongZ = ellipsoid([40, 24, 24], [1, 1, 1], [4, 6, 15], [20, 12, 12]);
    const tz = grainTable(alongZ);
    expect(tz.theta![0]).toBeCloseTo(0, 6);
    const alongY = ellipsoid([24, 40, 24], [1, 1, 1], [4, 15, 6], [12, 20, 12]);
    const ty = grainTable(alongY);
    expect(Math.abs(ty.phi![0]!)).toBeCloseTo(Math.PI / 2, 6);
    expect(ty.theta![0]).toBeCloseTo(Math.PI / 2, 6);
  });
});

describe("grainTable with anisotropic spacing", () => {
  it("an ellipsoid defined in nm on a [2, 1, 1.5] grid: volume, surface, e, angles, centroid", () => {
    const spacing: Spacing3 = [2, 1, 1.5];
    const rot = rotation(0.8, 0.5);
    const centre: [number, number, number] = [40.3, 30.2, 35.1];
    const v = ellipsoid([40, 60, 48], spacing, [24, 15, 12], centre, rot);
    const t = grainTable(v);
    expect(relErr(t.volume![0]!, (4 / 3) * Math.PI * 24 * 15 * 12)).toBeLessThan(0.01);
    expect(t.volume![0]).toBe(t.voxels![0]! * 3);
    expect(relErr(t.surfaceArea![0]!, ellipsoidArea(24, 15, 12))).toBeLessThan(0.03);
    expect(Math.abs(t.e![0]! - 12 / 24)).toBeLessThan(0.01);
    const theta = Math.acos(Math.abs(rot[2]![0]!));
    expect(Math.abs(t.theta![0]! - theta)).toBeLessThan(0.02);
    expect(Math.abs(t.centroidZ![0]! - centre[0])).toBeLessThan(0.2);
    expect(Math.abs(t.centroidY![0]! - centre[1])).toBeLessThan(0.2);
    expect(Math.abs(t.centroidX![0]! - centre[2])).toBeLessThan(0.2);
  });

  it("options.spacing overrides the volume's; the discrete hull count does not depend on spacing", () => {
    const v = ellipsoid([30, 30, 30], [1, 1, 1], [10, 7, 5], [15, 15, 15], rotation(0.3, 0.9));
    const a = grainTable(v);
    const b = grainTable(v, { spacing: [3, 1, 2] });
    expect(b.voxels![0]).toBe(a.voxels![0]);
    expect(b.volume![0]).toBe(a.volume![0]! * 6);
    expect(b.convexVoxels![0]).toBe(a.convexVoxels![0]);
    expect(b.centroidZ![0]).toBeCloseTo(a.centroidZ![0]! * 3, 10);
    expect(b.centroidX![0]).toBeCloseTo(a.centroidX![0]! * 2, 10);
  });
});

describe("grainTable convex hull", () => {
  it("a box: hull = volume, c = 1, bbox, centroid, covariance of a uniform grid", () => {
    const v = boxes([12, 12, 14], [[2, 8, 3, 7, 1, 12]]);
    const t = grainTable(v);
    expect(t.voxels![0]).toBe(6 * 4 * 11);
    expect(t.convexVoxels![0]).toBe(6 * 4 * 11);
    expect(t.c![0]).toBe(1);
    expect([
      t.bboxZ0![0],
      t.bboxY0![0],
      t.bboxX0![0],
      t.bboxZ1![0],
      t.bboxY1![0],
      t.bboxX1![0],
    ]).toEqual([2, 3, 1, 8, 7, 12]);
    expect([t.centroidZ![0], t.centroidY![0], t.centroidX![0]]).toEqual([4.5, 4.5, 6]);
    // variance of 0..m-1 is (m^2 - 1) / 12: 11 along x, 6 along z, 4 along y
    expect(t.lambda3![0]).toBeCloseTo(120 / 12, 10);
    expect(t.lambda2![0]).toBeCloseTo(35 / 12, 10);
    expect(t.lambda1![0]).toBeCloseTo(15 / 12, 10);
    expect(t.majorX![0]).toBeCloseTo(1, 10);
    expect(t.phi![0]).toBeCloseTo(0, 10);
    expect(t.theta![0]).toBeCloseTo(Math.PI / 2, 10);
  });

  it("L-shapes: hull voxel counts computed by hand", () => {
    // Arms 4 long, 1 wide, 2 thick: centres hull is the prism over the triangle
    // (0,0), (3,0), (0,3), which holds the 10 lattice points x + y <= 3 per slice.
    const thin = boxes(
      [4, 7, 7],
      [
        [1, 3, 1, 2, 1, 5],
        [1, 3, 1, 5, 1, 2],
      ],
    );
    const t1 = grainTable(thin);
    expect(t1.voxels![0]).toBe(14);
    expect(t1.convexVoxels![0]).toBe(20);
    expect(t1.c![0]).toBeCloseTo(0.7, 12);
    // Arms 6 long, 2 wide, 3 thick: per slice the pentagon x, y in [0, 5], x + y <= 6
    // holds 6 + 6 + 5 + 4 + 3 + 2 = 26 points, the grain 20 voxels.
    const thick = boxes(
      [5, 8, 8],
      [
        [1, 4, 1, 3, 1, 7],
        [1, 4, 1, 7, 1, 3],
      ],
    );
    const t2 = grainTable(thick);
    expect(t2.voxels![0]).toBe(60);
    expect(t2.convexVoxels![0]).toBe(78);
  });

  it("grains in one plane, one row and one voxel", () => {
    const v = boxes(
      [5, 9, 9],
      [
        [2, 3, 1, 2, 1, 5, 1],
        [2, 3, 1, 5, 1, 2, 1],
        [1, 2, 6, 7, 6, 7, 2],
        [1, 4, 7, 8, 2, 3, 3],
      ],
    );
    const t = grainTable(v);
    expect(Array.from(t.label)).toEqual([1, 2, 3]);
    expect(Array.from(t.convexVoxels!)).toEqual([10, 1, 3]);
    expect(Array.from(t.c!)).toEqual([0.7, 1, 1]);
    expect(t.e![1]).toBeNaN();
    expect(t.e![2]).toBe(0);
    expect(t.theta![2]).toBeCloseTo(0, 12);
  });

  it("quickhull volume of a cube's corners plus interior and face points is the cube's", () => {
    const pts: number[][] = [];
    for (let i = 0; i < 300; i++) pts.push([(i * 7) % 11, (i * 5) % 11, (i * 3) % 11]);
    for (const c of [0, 10]) for (const d of [0, 10]) for (const e of [0, 10]) pts.push([c, d, e]);
    const p = {
      x: Float64Array.from(pts, (q) => q[0]!),
      y: Float64Array.from(pts, (q) => q[1]!),
      z: Float64Array.from(pts, (q) => q[2]!),
      n: pts.length,
    };
    expect(quickhull(p)!.volume).toBe(1000);
  });
});

describe("grainTable rows and options", () => {
  const v = boxes(
    [10, 10, 10],
    [
      [0, 3, 0, 3, 0, 3, 5],
      [4, 7, 4, 7, 4, 7, 2],
      [7, 10, 1, 3, 5, 8, 9],
    ],
  );

  it("leaves out grains touching the border by default; keeps them with excludeBorder false", () => {
    expect(Array.from(grainTable(v).label)).toEqual([2]);
    const all = grainTable(v, { excludeBorder: false });
    expect(Array.from(all.label)).toEqual([2, 5, 9]);
    expect(Array.from(all.border!)).toEqual([0, 1, 1]);
    expect(Array.from(all.voxels!)).toEqual([27, 27, 18]);
  });

  it("outside the volume counts as background: border grains get the area they have when padded", () => {
    const shape: [number, number, number] = [14, 16, 18];
    const cut = ellipsoid(shape, [1, 1, 1], [9, 7, 6], [3, 12, 15.5], rotation(0.4, 0.3), 1);
    ellipsoid(shape, [1, 1, 1], [5, 5, 4], [10, 4, 4], rotation(0, 0), 2, cut.data);
    const [nz, ny, nx] = shape;
    const padded = new Int32Array((nz + 2) * (ny + 2) * (nx + 2));
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++)
          padded[((z + 1) * (ny + 2) + y + 1) * (nx + 2) + x + 1] =
            cut.data[(z * ny + y) * nx + x]!;
    const props = { excludeBorder: false, properties: ["surfaceArea", "border"] } as const;
    const a = grainTable(cut, props);
    const b = grainTable(
      { data: padded, shape: [nz + 2, ny + 2, nx + 2], spacing: [1, 1, 1] },
      props,
    );
    expect(Array.from(a.border!)).toEqual([1, 1]);
    expect(a.surfaceArea![0]).toBeCloseTo(b.surfaceArea![0]!, 9);
    expect(a.surfaceArea![1]).toBeCloseTo(b.surfaceArea![1]!, 9);
  });

  it("computes only the requested properties and reports progress", () => {
    const seen: number[] = [];
    const t = grainTable(v, { properties: ["d", "e"], onProgress: (f) => seen.push(f) });
    expect(Object.keys(t).sort()).toEqual(["d", "e", "label"]);
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it("labels of any integer dtype and sparse large ids", () => {
    const u16 = { ...v, data: Uint16Array.from(v.data) };
    expect(Array.from(grainTable(u16, { excludeBorder: false }).label)).toEqual([2, 5, 9]);
    const big = { ...v, data: Uint32Array.from(v.data, (x) => (x === 9 ? 4000000000 : x)) };
    const t = grainTable(big, { excludeBorder: false });
    expect(Array.from(t.label)).toEqual([2, 5, 4000000000]);
    expect(t.voxels![2]).toBe(18);
  });

  it("refuses bad input with the expected and received values", () => {
    const f32 = { ...v, data: Float32Array.from(v.data) };
    expect(() => grainTable(f32)).toThrow(
      /`labels` must have dtype uint8 or uint16 or int32 or uint32, received float32/,
    );
    const neg = { ...v, data: Int32Array.from(v.data, (x) => (x === 2 ? -1 : x)) };
    expect(() => grainTable(neg)).toThrow(
      /`labels.data` must be labels >= 0 \(0 = background\), received -1/,
    );
    expect(() => grainTable(v, { properties: ["d", "area" as never] })).toThrow(
      /`options.properties\[1\]` must be one of/,
    );
    expect(() => grainTable(v, { excludeBorder: 1 as never })).toThrow(
      /`options.excludeBorder` must be a boolean, received 1/,
    );
    expect(() => grainTable(v, { spacing: [1, 0, 1] })).toThrow(
      /`options.spacing` must be \[dz, dy, dx\] of positive/,
    );
    expect(() => grainTable(v, { bogus: 1 } as never)).toThrow(/`options.bogus` is not an option/);
    expect(() =>
      grainTable({ data: v.data, shape: [10, 10], spacing: [1, 1, 1] } as never),
    ).toThrow(/`labels.shape`/);
  });
});
