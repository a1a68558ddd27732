import { describe, expect, it } from "vitest";
import {
  sectionVolumeFraction,
  shellVolumeFraction,
} from "../../kernel-lib/src/transport/profiles.js";
import type { Shape3, Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";

function vol(shape: Shape3, spacing: Spacing3, f: (z: number, y: number, x: number) => boolean) {
  const [nz, ny, nx] = shape;
  const data = new Uint8Array(nz * ny * nx);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) data[i] = f(z, y, x) ? 1 : 0;
  return { data, shape, spacing } satisfies Volume<Uint8Array>;
}

describe("shellVolumeFraction", () => {
  it("shells of a ball (anisotropic voxels) match brute-force distances to the outside", async () => {
    const shape: Shape3 = [13, 19, 19];
    const spacing: Spacing3 = [15, 10, 10];
    const inBall = (z: number, y: number, x: number) =>
      ((z - 6) * 15) ** 2 + ((y - 9) * 10) ** 2 + ((x - 9) * 10) ** 2 <= 80 ** 2;
    const particle = vol(shape, spacing, inBall);
    const solid = vol(shape, spacing, (z, y, x) => inBall(z, y, x) && (x + y + z) % 3 !== 0);
    const w = 12;
    const got = await shellVolumeFraction(solid, particle, { width: w });
    // Brute force: nearest outside voxel centre of each particle voxel.
    const outside: [number, number, number][] = [];
    for (let z = 0; z < 13; z++)
      for (let y = 0; y < 19; y++)
        for (let x = 0; x < 19; x++) if (!inBall(z, y, x)) outside.push([z, y, x]);
    const all = new Map<number, number>();
    const hit = new Map<number, number>();
    let dMax = 0;
    for (let z = 0; z < 13; z++)
      for (let y = 0; y < 19; y++)
        for (let x = 0; x < 19; x++) {
          if (!inBall(z, y, x)) continue;
          let best = Infinity;
          for (const [a, b, c] of outside)
            best = Math.min(best, Math.hypot((a - z) * 15, (b - y) * 10, (c - x) * 10));
          dMax = Math.max(dMax, best);
          const s = Math.floor(best / w);
          all.set(s, (all.get(s) ?? 0) + 1);
          if ((x + y + z) % 3 !== 0) hit.set(s, (hit.get(s) ?? 0) + 1);
        }
    const n = Math.floor(dMax / w) + 1;
    expect(got.distance).toEqual(Array.from({ length: n }, (_, s) => s * w));
    let a = 0;
    let h = 0;
    for (let s = 0; s < n; s++) {
      expect(got.particleVoxels[s]).toBe(all.get(s) ?? 0);
      expect(got.solidVoxels[s]).toBe(hit.get(s) ?? 0);
      if (all.has(s))
        expect(got.volumeFraction[s]).toBeCloseTo((hit.get(s) ?? 0) / all.get(s)!, 14);
      else expect(got.volumeFraction[s]).toBeNaN();
      a += all.get(s) ?? 0;
      h += hit.get(s) ?? 0;
      if (a > 0) expect(got.cumulative[s]).toBeCloseTo(h / a, 14);
    }
    // Boundary voxels are at least one voxel side (10) away: with w = 5 the first two shells are empty.
    const thin = await shellVolumeFraction(solid, particle, { width: 5 });
    expect(thin.particleVoxels.slice(0, 2)).toEqual([0, 0]);
    expect(thin.volumeFraction[0]).toBeNaN();
    expect(thin.particleVoxels[2]).toBeGreaterThan(0);
    const capped = await shellVolumeFraction(solid, particle, { width: w, maxDistance: 30 });
    expect(capped.distance).toEqual([0, 12, 24]);
  });

  it("refuses an empty particle and a bad width", async () => {
    const p = vol([4, 4, 4], [1, 1, 1], () => false);
    await expect(shellVolumeFraction(p, p)).rejects.toThrow(
      /`particle` must be a mask with at least one voxel/,
    );
    await expect(shellVolumeFraction(p, p, { width: 0 })).rejects.toThrow(
      /`width` must be a finite number > 0/,
    );
  });
});

describe("sectionVolumeFraction", () => {
  // Particle: box z 2..9, y 3..12, x 1..14 in a 12 x 16 x 18 volume; solid where x < 6.
  const shape: Shape3 = [12, 16, 18];
  const inBox = (z: number, y: number, x: number) =>
    z >= 2 && z <= 9 && y >= 3 && y <= 12 && x >= 1 && x <= 14;
  const particle = vol(shape, [1, 1, 1], inBox);
  const solid = vol(shape, [1, 1, 1], (z, y, x) => inBox(z, y, x) && x < 6);

  it("sections of a box have the known fractions, centroids, ranges, mean and std", () => {
    const got = sectionVolumeFraction(solid, particle);
    const xy = got.xy;
    for (let z = 0; z < 12; z++) {
      if (z >= 2 && z <= 9) expect(xy.volumeFraction[z]).toBeCloseTo(5 / 14, 14);
      else expect(xy.volumeFraction[z]).toBeNaN();
    }
    expect(xy.centroid).toBeCloseTo(5.5, 12);
    expect(xy.range).toEqual([4, 7]); // 5.5 -+ 0.5 * 8 / 2
    expect(xy.mean).toBeCloseTo(5 / 14, 14);
    expect(xy.std).toBeCloseTo(0, 14);
    expect(got.xz.mean).toBeCloseTo(5 / 14, 14);
    expect(got.xz.range).toEqual([5, 10]); // 7.5 -+ 0.5 * 10 / 2
    const yz = got.yz;
    for (let x = 1; x <= 14; x++) expect(yz.volumeFraction[x]).toBe(x < 6 ? 1 : 0);
    expect(yz.centroid).toBeCloseTo(7.5, 12);
    expect(yz.range).toEqual([4, 11]); // 7.5 -+ 3.5: x 4, 5 solid, 6..11 not
    expect(yz.mean).toBeCloseTo(2 / 8, 14);
    expect(yz.std).toBeCloseTo(Math.sqrt(0.25 * 0.75), 14);
    expect(yz.particleVoxels[3]).toBe(80);
  });

  it("central = 1 takes every slice of the particle", () => {
    const got = sectionVolumeFraction(solid, particle, { central: 1 });
    expect(got.yz.range).toEqual([1, 14]);
    expect(got.yz.mean).toBeCloseTo(5 / 14, 14);
  });

  it("refuses a bad central fraction and mismatched shapes", () => {
    expect(() => sectionVolumeFraction(solid, particle, { central: 2 })).toThrow(
      /`central` must be a number in \[0, 1\], received 2/,
    );
    expect(() =>
      sectionVolumeFraction(
        vol([2, 2, 2], [1, 1, 1], () => true),
        particle,
      ),
    ).toThrow(/shape/);
  });
});
