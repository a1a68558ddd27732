import { describe, expect, it } from "vitest";
import { innerPores, selectParticle } from "../../kernel-lib/src/transport/particle.js";
import type { Shape3, Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";
import { fixtures, readVolume } from "./porosimetryFixtures.js";

function vol(shape: Shape3, spacing: Spacing3, f: (z: number, y: number, x: number) => number) {
  const [nz, ny, nx] = shape;
  const data = new Uint8Array(nz * ny * nx);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) data[i] = f(z, y, x);
  return { data, shape, spacing } satisfies Volume<Uint8Array>;
}

function count(a: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i]) n++;
  return n;
}

describe("selectParticle", () => {
  // Phase 2: a 4^3 cube at the origin corner and a 6^3 cube apart; phase 1 elsewhere in between.
  const shape: Shape3 = [12, 12, 12];
  const labels = vol(shape, [1, 1, 1], (z, y, x) =>
    Math.max(z, y, x) < 4 ? 2 : Math.min(z, y, x) >= 6 ? 2 : x === 5 ? 1 : 0,
  );
  it("takes the largest component, or the one at a point", async () => {
    const big = await selectParticle(labels, { phase: 2 });
    expect(count(big.data)).toBe(216);
    expect(big.data[(8 * 12 + 8) * 12 + 8]).toBe(1);
    const small = await selectParticle(labels, { phase: 2, point: [1, 2, 3] });
    expect(count(small.data)).toBe(64);
    expect(small.data[0]).toBe(1);
    const both = await selectParticle(labels, { phase: [1, 2], point: [0, 0, 0] });
    expect(count(both.data)).toBe(64); // the plane x = 5 touches neither cube
  });
  it("refuses a point outside the phase and a missing phase", async () => {
    await expect(selectParticle(labels, { phase: 2, point: [5, 5, 5] })).rejects.toThrow(
      /`point` must be a voxel of phase 2, received \[5,5,5\]/,
    );
    await expect(selectParticle(labels, { phase: 3 })).rejects.toThrow(
      /`phase` must be a label present/,
    );
    await expect(selectParticle(labels, { phase: 2, point: [0, 0, 12] })).rejects.toThrow(
      /point\[2\] \(x\)` must be an integer in \[0, 11\]/,
    );
  });
});

describe("innerPores by hand", () => {
  it("a ball with a closed spherical cavity: exactly the cavity, vf = (ball - cavity) / ball", async () => {
    const shape: Shape3 = [31, 31, 31];
    const d2 = (z: number, y: number, x: number) => (z - 15) ** 2 + (y - 15) ** 2 + (x - 15) ** 2;
    const ballOnly = vol(shape, [1, 1, 1], (z, y, x) => (d2(z, y, x) <= 144 ? 1 : 0));
    const cavity = vol(shape, [1, 1, 1], (z, y, x) => (d2(z, y, x) <= 16 ? 1 : 0));
    const solid = vol(shape, [1, 1, 1], (z, y, x) =>
      d2(z, y, x) <= 144 && d2(z, y, x) > 16 ? 1 : 0,
    );
    const got = await innerPores(solid, { radius: 3 });
    expect(Array.from(got.innerPores.data)).toEqual(Array.from(cavity.data));
    expect(Array.from(got.particle.data)).toEqual(Array.from(ballOnly.data));
    const nBall = count(ballOnly.data);
    const nCavity = count(cavity.data);
    expect(got.innerPoreVoxels).toBe(nCavity);
    expect(got.volumeFraction).toBeCloseTo((nBall - nCavity) / nBall, 14);
  });

  it("a box with a closed box cavity, anisotropic voxels, radius in nm", async () => {
    const shape: Shape3 = [14, 24, 24];
    const box = (z: number, y: number, x: number, a: number, b: number) =>
      z >= a && z <= 13 - a && y >= b && y <= 23 - b && x >= b && x <= 23 - b;
    const solid = vol(shape, [20, 10, 10], (z, y, x) =>
      box(z, y, x, 2, 3) && !box(z, y, x, 5, 8) ? 1 : 0,
    );
    const got = await innerPores(solid, { radius: 35 });
    const cavity = vol(shape, [20, 10, 10], (z, y, x) => (box(z, y, x, 5, 8) ? 1 : 0));
    expect(Array.from(got.innerPores.data)).toEqual(Array.from(cavity.data));
    expect(got.volumeFraction).toBeCloseTo((10 * 18 * 18 - 4 * 8 * 8) / (10 * 18 * 18), 14);
  });

  // A cube 4..27 with a square channel along x through it (y, z in 16 - h .. 16 + h).
  const channelCase = (h: number) => {
    const shape: Shape3 = [32, 32, 32];
    const cube = (z: number, y: number, x: number) =>
      Math.min(z, y, x) >= 4 && Math.max(z, y, x) <= 27;
    const channel = (z: number, y: number) => Math.abs(z - 16) <= h && Math.abs(y - 16) <= h;
    return {
      solid: vol(shape, [1, 1, 1], (z, y, x) => (cube(z, y, x) && !channel(z, y) ? 1 : 0)),
      inChannel: (z: number, y: number, x: number) => cube(z, y, x) && channel(z, y),
    };
  };

  it("a channel wider than the ball (half-width 3, distance 4 >= r = 3) has no inner pore", async () => {
    const { solid } = channelCase(3);
    const got = await innerPores(solid, { radius: 3 });
    expect(got.innerPoreVoxels).toBe(0);
    expect(got.volumeFraction).toBe(1);
  });

  it("a channel narrower than the ball (distance 4 < r = 5) is inner pore away from its mouths", async () => {
    const { solid, inChannel } = channelCase(3);
    const got = await innerPores(solid, { radius: 5 });
    let inside = 0;
    for (let z = 0, i = 0; z < 32; z++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++, i++) {
          if (!inChannel(z, y, x)) expect(got.innerPores.data[i]).toBe(0);
          else if (x >= 4 + 5 && x <= 27 - 5) {
            expect(got.innerPores.data[i]).toBe(1);
            inside++;
          }
        }
    expect(inside).toBe(7 * 7 * 14);
  });

  it("`pore` restricts the inner pores to a class", async () => {
    const { solid, inChannel } = channelCase(3);
    const pore = vol([32, 32, 32], [1, 1, 1], (z, y, x) =>
      inChannel(z, y, x) && z !== 16 ? 1 : 0,
    );
    const all = await innerPores(solid, { radius: 5 });
    const some = await innerPores(solid, { radius: 5, pore });
    for (let i = 0; i < pore.data.length; i++)
      expect(some.innerPores.data[i]).toBe(all.innerPores.data[i]! & pore.data[i]!);
  });

  it("refuses a bad radius and options", async () => {
    const { solid } = channelCase(3);
    await expect(innerPores(solid, { radius: -1 })).rejects.toThrow(
      /`radius` must be a finite number > 0, received -1/,
    );
    await expect(innerPores(solid, { radius: 2, connectivity: 18 as 6 })).rejects.toThrow(
      /connectivity/,
    );
    await expect(innerPores(solid, { r: 2 } as never)).rejects.toThrow(
      /`options.r` is not an option/,
    );
  });
});

describe("innerPores vs a scipy restatement", () => {
  for (const c of fixtures.innerPores) {
    it(c.name, async () => {
      const solid = readVolume(fixtures.particle, c.spacing);
      const got = await innerPores(solid, { radius: c.radius });
      const want = readVolume(c.expected).data;
      let diff = 0;
      for (let i = 0; i < want.length; i++) if (got.innerPores.data[i] !== want[i]) diff++;
      expect(diff).toBe(0);
      expect(got.innerPoreVoxels).toBe(count(want));
    });
  }
});
