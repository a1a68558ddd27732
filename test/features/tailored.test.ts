import { afterAll, describe, expect, it } from "vitest";
import type { Shape3 } from "../../kernel-lib/src/volume/types.js";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import { computeFeatures, featureSpec } from "../../kernel-lib/src/features/index.js";
import { featureCase, input, interiorMaxDev } from "./fixture.js";

afterAll(() => closePool());

describe("tailored milling-direction features", () => {
  it("match their numpy/vigra definitions (fixture) within 1e-3 x range, borders included", async () => {
    const { c, positions, values } = featureCase("tailored");
    const stack = await computeFeatures(
      input("tailored"),
      featureSpec({ filters: {}, tailored: true }),
      { inline: true },
    );
    expect(stack.channels.map((ch) => [ch.filter, ch.scale])).toEqual(
      c.channels.map((ch) => [ch.filter, ch.scale]),
    );
    c.channels.forEach((ch, k) => {
      let m = 0;
      for (let i = 0; i < c.count; i++)
        m = Math.max(
          m,
          Math.abs(stack.volumes[k]!.data[positions[i]!]! - values[k * c.count + i]!),
        );
      // measured ~1e-7 of the range
      expect(m).toBeLessThanOrEqual(1e-4 * Math.max(ch.range, 1e-6));
    });
  });

  it("hand case: a signal that does not change along z gives zero z features and S for the running extremes", async () => {
    const [nz, ny, nx] = [18, 12, 13];
    const data = new Float32Array(nz * ny * nx);
    for (let z = 0; z < nz; z++)
      for (let i = 0; i < ny * nx; i++) data[z * ny * nx + i] = 10 + (i % 7);
    const v = { data, shape: [nz, ny, nx] as Shape3, spacing: [1, 1, 1] as Shape3 };
    const stack = await computeFeatures(v, featureSpec({ filters: {}, tailored: true }), {
      inline: true,
    });
    stack.channels.forEach((ch, k) => {
      if (ch.filter === "ZRunningMax" || ch.filter === "ZRunningMin") return;
      expect(interiorMaxDev(stack.volumes[k]!, 0, 0)).toBeLessThan(1e-5);
    });
    const max = stack.volumes[stack.channels.findIndex((c) => c.filter === "ZRunningMax")]!.data;
    const min = stack.volumes[stack.channels.findIndex((c) => c.filter === "ZRunningMin")]!.data;
    expect(max).toEqual(min);
  });

  it("hand case: a z ramp a z gives forward/backward differences k a and z gradient a (interior)", async () => {
    const [nz, ny, nx] = [30, 9, 10];
    const a = 0.5;
    const data = new Float32Array(nz * ny * nx);
    for (let z = 0; z < nz; z++) data.fill(a * z + 3, z * ny * nx, (z + 1) * ny * nx);
    const v = { data, shape: [nz, ny, nx] as Shape3, spacing: [1, 1, 1] as Shape3 };
    const spec = featureSpec({
      filters: {},
      tailored: {
        ZForwardDifference: [2],
        ZBackwardDifference: [4],
        ZGradient: [1.5],
        ZExtremaDistance: [5],
      },
    });
    const stack = await computeFeatures(v, spec, { inline: true });
    const vol = (f: string) => stack.volumes[stack.channels.findIndex((c) => c.filter === f)]!;
    const inner = (f: string, want: number, m: number) => {
      const d = vol(f);
      let dev = 0;
      for (let z = m; z < nz - m; z++)
        for (let i = 0; i < ny * nx; i++)
          dev = Math.max(dev, Math.abs(d.data[z * ny * nx + i]! - want));
      return dev;
    };
    expect(inner("ZForwardDifference", 2 * a, 2)).toBeLessThan(1e-5);
    expect(inner("ZBackwardDifference", 4 * a, 4)).toBeLessThan(1e-5);
    expect(inner("ZGradient", a, 6)).toBeLessThan(1e-5);
    expect(inner("ZExtremaDistance", 5, 5)).toBe(0); // brightest 5 slices ahead, darkest here
  });
});
