import { describe, expect, it } from "vitest";
import {
  CROFTON_DIRECTIONS,
  croftonWeights,
  grainBoundaryNetwork,
  grainTable,
} from "../../kernel-lib/src/grains/index.js";
import type { Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";
import { ellipsoid, rotation } from "./shapes.js";

/** A cube of side m (offset 2 in a volume of side m + 4) split at x = 2 + h into labels 1 | 2. */
function halfCubes(m: number, h: number, spacing: Spacing3): Volume<Int32Array> {
  const n = m + 4;
  const data = new Int32Array(n * n * n);
  for (let z = 2; z < 2 + m; z++)
    for (let y = 2; y < 2 + m; y++)
      for (let x = 2; x < 2 + m; x++) data[(z * n + y) * n + x] = x < 2 + h ? 1 : 2;
  return { data, shape: [n, n, n], spacing };
}

describe("grainBoundaryNetwork", () => {
  for (const spacing of [
    [1, 1, 1],
    [2, 1, 0.5],
  ] as Spacing3[]) {
    it(`two half-cubes (spacing ${spacing.join(", ")}): the Crofton measure of the x = const interface, by hand`, () => {
      const m = 10;
      const net = grainBoundaryNetwork(halfCubes(m, 4, spacing));
      // Along a direction with dx != 0, the lines crossing the interface inside the cube
      // number (m - |dy|) (m - |dz|); with dx = 0 none cross.
      const W = croftonWeights(spacing);
      let want = 0;
      CROFTON_DIRECTIONS.forEach(([dz, dy, dx], k) => {
        if (dx !== 0) want += W[k]! * (m - Math.abs(dy)) * (m - Math.abs(dz));
      });
      expect(Array.from(net.labelA)).toEqual([1]);
      expect(Array.from(net.labelB)).toEqual([2]);
      expect(net.area[0]).toBeCloseTo(want, 9);
      expect(net.totalArea).toBeCloseTo(want, 9);
      const V = m ** 3 * spacing[0] * spacing[1] * spacing[2];
      expect(net.particleVolume).toBe(V);
      expect(net.specificSurfaceArea).toBeCloseTo(want / V, 12);
      // Below the interface's true area m^2 dz dy: an axis-aligned plane counts 0.93 of
      // its area, and diagonal lines near the cube's edges leave the cube before crossing.
      expect(net.area[0]! / (m * m * spacing[0] * spacing[1])).toBeLessThan(0.93);
    });
  }

  it("direction weights: solid-angle fractions sum to 1, with the cube's symmetry for unit spacing", () => {
    const W = croftonWeights([1, 1, 1]);
    // W_k = 2 f_k dz dy dx / |d_k| with f_k the sphere fraction of the cells of +-d_k
    const total = CROFTON_DIRECTIONS.reduce(
      (s, [dz, dy, dx], k) => s + (W[k]! * Math.hypot(dz, dy, dx)) / 2,
      0,
    );
    expect(total).toBeCloseTo(1, 9);
    const W2 = croftonWeights([2, 1, 3]);
    const total2 = CROFTON_DIRECTIONS.reduce(
      (s, [dz, dy, dx], k) => s + (W2[k]! * Math.hypot(2 * dz, dy, 3 * dx)) / 6 / 2,
      0,
    );
    expect(total2).toBeCloseTo(1, 9);
    const axes = CROFTON_DIRECTIONS.map((d, k) => (Math.hypot(...d) === 1 ? W[k]! : 0)).filter(
      (w) => w > 0,
    );
    expect(axes).toHaveLength(3);
    expect(axes[0]).toBeCloseTo(axes[1]!, 3);
    expect(axes[0]).toBeCloseTo(axes[2]!, 3);
  });

  it("Eq. 25: a_ij = (a(G_i) + a(G_j) - a(G_i u G_j)) / 2 with grainTable's surface areas", () => {
    const n = 48;
    const data = new Int32Array(n ** 3);
    const v: Volume<Int32Array> = { data, shape: [n, n, n], spacing: [1.5, 1, 1] };
    ellipsoid(v.shape, v.spacing, [20, 14, 12], [36, 24, 24], rotation(0.4, 0.2), 1, data);
    ellipsoid(v.shape, v.spacing, [18, 12, 12], [36, 30, 30], rotation(1.0, 0.6), 2, data);
    ellipsoid(v.shape, v.spacing, [10, 10, 8], [40, 14, 30], rotation(0.0, 0.0), 3, data);
    const net = grainBoundaryNetwork(v);
    const t = grainTable(v, { excludeBorder: false, properties: ["surfaceArea"] });
    const area = new Map(Array.from(t.label, (l, i) => [l, t.surfaceArea![i]!]));
    expect(net.labelA.length).toBeGreaterThanOrEqual(2);
    for (let r = 0; r < net.labelA.length; r++) {
      const [i, j] = [net.labelA[r]!, net.labelB[r]!];
      const merged = { ...v, data: data.map((x) => (x === j ? i : x)) };
      const um = grainTable(merged, { excludeBorder: false, properties: ["surfaceArea"] });
      const union = um.surfaceArea![Array.from(um.label).indexOf(i)]!;
      expect(net.area[r]).toBeCloseTo((area.get(i)! + area.get(j)! - union) / 2, 8);
    }
    let nonZero = 0;
    for (const x of data) if (x) nonZero++;
    expect(net.particleVolume).toBeCloseTo(nonZero * 1.5, 9);
  });

  it("no pairs in a single grain; refuses bad input", () => {
    const v = halfCubes(6, 6, [1, 1, 1]);
    const net = grainBoundaryNetwork(v);
    expect(net.area.length).toBe(0);
    expect(net.totalArea).toBe(0);
    expect(() => grainBoundaryNetwork({ ...v, data: Float32Array.from(v.data) })).toThrow(
      /dtype uint8 or uint16 or int32 or uint32, received float32/,
    );
    expect(() => grainBoundaryNetwork(v, { spacing: [1, 1] as never })).toThrow(
      /`options.spacing`/,
    );
    expect(() => grainBoundaryNetwork(v, { onProgress: 3 as never })).toThrow(
      /`options.onProgress` must be a function, received 3/,
    );
  });
});
