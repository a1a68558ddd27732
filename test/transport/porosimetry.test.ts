import { afterAll, describe, expect, it } from "vitest";
import { closePool } from "../../kernel-lib/src/parallel/pool.js";
import {
  innerPoreIntrusion,
  intrusionCurve,
  porosimetry,
} from "../../kernel-lib/src/transport/porosimetry.js";
import type { Shape3, Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";
import { fixtures, readVolume } from "./porosimetryFixtures.js";

function vol(shape: Shape3, spacing: Spacing3, f: (z: number, y: number, x: number) => boolean) {
  const [nz, ny, nx] = shape;
  const data = new Uint8Array(nz * ny * nx);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) data[i] = f(z, y, x) ? 1 : 0;
  return { data, shape, spacing } satisfies Volume<Uint8Array>;
}

function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (Math.abs(a[i]! - b[i]!) > 1e-6 * Math.abs(b[i]!)) n++;
  return n;
}

describe("porosimetry vs PoreSpy / scipy fixtures", () => {
  for (const c of fixtures.porosimetry) {
    it(c.name, async () => {
      const pore = readVolume(fixtures.pores, c.spacing);
      const got = await porosimetry(pore, {
        sizes: c.sizes,
        ...(c.inlets ? { inlets: readVolume(c.inlets, c.spacing) } : {}),
      });
      const want = readVolume(c.expected).data;
      expect(mismatches(got.data, want)).toBe(0);
      for (const threads of [1]) {
        const again = await porosimetry(pore, {
          sizes: c.sizes,
          threads,
          ...(c.inlets ? { inlets: readVolume(c.inlets, c.spacing) } : {}),
        });
        expect(mismatches(again.data, want)).toBe(0);
      }
    });
  }
});

describe("porosimetry by hand", () => {
  for (const [w, dz] of [
    [5, 1],
    [7, 1],
    [5, 2.5],
  ] as const) {
    it(`a slit of ${w} voxels (dz ${dz}) fills up to r = (w + 1) dz / 2 and not above`, async () => {
      const shape: Shape3 = [w + 6, 20, 20];
      const slit = (z: number) => z >= 3 && z < 3 + w;
      const pore = vol(shape, [dz, 1, 1], (z) => slit(z));
      const threshold = ((w + 1) * dz) / 2;
      const sizes = Array.from({ length: 12 }, (_, i) => (i + 1) * 0.5 * dz);
      const r = await porosimetry(pore, { sizes });
      for (let i = 0; i < pore.data.length; i++)
        expect(r.data[i]).toBe(pore.data[i] ? threshold : 0);
      const curve = intrusionCurve(r, { sizes, mask: pore });
      expect(curve.voxels).toBe(w * 400);
      for (let j = 0; j < sizes.length; j++)
        expect(curve.fraction[j]).toBe(sizes[j]! <= threshold ? 1 : 0);
    });
  }

  it("a wide chamber behind a narrow slit fills at the slit's radius (access limitation)", async () => {
    // Slit z 10..12 (3 voxels: r* = 2) from x = 0 to the chamber x 12..26, z 6..16 (11: r* = 6).
    const shape: Shape3 = [23, 12, 30];
    const slit = (z: number, x: number) => z >= 10 && z <= 12 && x < 12;
    const chamber = (z: number, x: number) => z >= 6 && z <= 16 && x >= 12 && x <= 26;
    const pore = vol(shape, [1, 1, 1], (z, _y, x) => slit(z, x) || chamber(z, x));
    const inlets = vol(shape, [1, 1, 1], (_z, _y, x) => x === 0);
    const sizes = [1, 2, 3, 4, 5, 6];
    const limited = await porosimetry(pore, { sizes, inlets });
    const free = await porosimetry(pore, { sizes, inlets: pore });
    const i = (z: number, y: number, x: number) => (z * 12 + y) * 30 + x;
    for (let z = 0; z < 23; z++)
      for (let y = 0; y < 12; y++)
        for (let x = 0; x < 30; x++) {
          if (chamber(z, x)) expect(limited.data[i(z, y, x)]).toBe(2);
          if (slit(z, x)) expect(limited.data[i(z, y, x)]).toBe(2);
        }
    expect(free.data[i(11, 6, 19)]).toBe(6);
  });

  it("pore that no inlet touches stays 0; default sizes are multiples of the smallest side", async () => {
    const shape: Shape3 = [12, 12, 12];
    const pore = vol(
      shape,
      [1, 1, 1],
      (z, y, x) => Math.max(z, y, x) <= 9 && Math.min(z, y, x) >= 2,
    );
    const closed = await porosimetry(pore, { inlets: vol(shape, [1, 1, 1], () => false) });
    expect(closed.data.every((v) => v === 0)).toBe(true);
    const open = await porosimetry(pore, { inlets: pore });
    // Cube of 8: dt max 4 (centre voxels), so the default sizes are 1..4.
    const explicit = await porosimetry(pore, { inlets: pore, sizes: [1, 2, 3, 4] });
    expect(Array.from(open.data)).toEqual(Array.from(explicit.data));
    expect(open.sizes).toEqual([1, 2, 3, 4]);
    expect(explicit.sizes).toEqual([1, 2, 3, 4]);
    expect(open.data[(5 * 12 + 5) * 12 + 5]).toBe(4);
    // Corner (2, 2, 2): the ball of radius 2 at (3, 3, 3) reaches it (sqrt 3 < 2), that of 3 at (4, 4, 4) not.
    expect(open.data[(2 * 12 + 2) * 12 + 2]).toBe(2);
  });

  it("innerPoreIntrusion: a closed cavity fills with nothing, a slit from outside up to its r*", async () => {
    const shape: Shape3 = [24, 24, 24];
    const inCube = (z: number, y: number, x: number) =>
      Math.min(z, y, x) >= 3 && Math.max(z, y, x) <= 20;
    const slit = (z: number, y: number, x: number) =>
      z >= 10 && z <= 12 && y >= 6 && y <= 17 && x <= 11;
    const cavity = (z: number, y: number, x: number) =>
      z >= 15 && z <= 17 && y >= 8 && y <= 10 && x >= 14 && x <= 16;
    const solid = vol(
      shape,
      [1, 1, 1],
      (z, y, x) => inCube(z, y, x) && !slit(z, y, x) && !cavity(z, y, x),
    );
    const inner = vol(
      shape,
      [1, 1, 1],
      (z, y, x) => inCube(z, y, x) && (slit(z, y, x) || cavity(z, y, x)),
    );
    const res = await innerPoreIntrusion(solid, inner, { sizes: [1, 2, 3] });
    const slitVoxels = 3 * 12 * 9; // x 3..11 inside the cube
    expect(res.voxels).toBe(slitVoxels + 27);
    expect(res.fraction[0]).toBeCloseTo(slitVoxels / (slitVoxels + 27), 12);
    expect(res.fraction[1]).toBeCloseTo(slitVoxels / (slitVoxels + 27), 12);
    expect(res.fraction[2]).toBe(0);
  });
});

describe("intrusionCurve", () => {
  it("counts radii >= each size, whatever the number of distinct radii and their array type", () => {
    const shape: Shape3 = [9, 20, 20];
    const n = 9 * 20 * 20;
    const sizes = [0.5, 1, 1.5, 2.25, 3, 7.5];
    const mask = vol(shape, [1, 1, 1], (z, y, x) => (z * 7 + y * 3 + x) % 5 !== 0);
    // Few radii (the table of values), then 3000 distinct ones (its fallback past 512), then
    // odd values: NaN, -0, Infinity, a radius just under a size's slack.
    const few = Float32Array.from({ length: n }, (_, i) => sizes[i % 4]! * (i % 3));
    const many = Float32Array.from({ length: n }, (_, i) => (i < 400 ? 1 : (i % 3000) / 300));
    const odd = Float32Array.from(few);
    odd.set([NaN, -0, Infinity, 3 * (1 - 2e-6), 3 * (1 - 5e-7)], 100);
    const ints = Uint16Array.from({ length: n }, (_, i) => (i * 7) % 9);
    for (const data of [few, many, odd, ints]) {
      const r = { data, shape, spacing: [1, 1, 1] as Spacing3 };
      for (const m of [mask, undefined]) {
        const curve = intrusionCurve(r, { sizes, mask: m });
        const inside = (i: number) => m === undefined || m.data[i] !== 0;
        let voxels = 0;
        for (let i = 0; i < n; i++) if (inside(i)) voxels++;
        expect(curve.voxels).toBe(voxels);
        sizes.forEach((s, j) => {
          let hit = 0;
          for (let i = 0; i < n; i++) if (inside(i) && data[i]! >= s * (1 - 1e-6)) hit++;
          expect(curve.fraction[j]).toBe(hit / voxels);
        });
      }
    }
  });
});

describe("porosimetry errors", () => {
  const pore = vol([4, 4, 4], [1, 1, 1], () => true);
  it("names bad options", async () => {
    await expect(porosimetry(pore, { connectivity: 18 as 6 })).rejects.toThrow(
      /connectivity.*6 or 26.*18/,
    );
    await expect(porosimetry(pore, { sizes: [0, 1] })).rejects.toThrow(/`sizes` must be/);
    await expect(
      porosimetry(pore, { inlets: vol([2, 4, 4], [1, 1, 1], () => true) }),
    ).rejects.toThrow(/inlets/);
    expect(() =>
      intrusionCurve(
        { ...pore, data: new Float32Array(64) },
        { sizes: [1], mask: vol([4, 4, 4], [1, 1, 1], () => false) },
      ),
    ).toThrow(/`mask` must be a mask with at least one voxel/);
  });
});

/**
 * Porosimetry by brute force, straight from its definition: for each size r, the centres are
 * the pore voxels with no solid voxel centre at distance < r (exhaustive search), those joined
 * to an inlet through centres (6 neighbours, flood) reach, and every voxel at distance < r of
 * a reaching centre gets r; the largest r wins.
 */
function bruteForce(pore: Volume<Uint8Array>, inlets: Uint8Array, sizes: number[]): Float32Array {
  const [nz, ny, nx] = pore.shape;
  const [sz, sy, sx] = pore.spacing;
  const n = nz * ny * nx;
  const at = (i: number) => [Math.floor(i / (ny * nx)), Math.floor(i / nx) % ny, i % nx] as const;
  const d2 = (i: number, j: number) => {
    const [a, b, c] = at(i);
    const [d, e, f] = at(j);
    return ((a - d) * sz) ** 2 + ((b - e) * sy) ** 2 + ((c - f) * sx) ** 2;
  };
  const solids = Array.from({ length: n }, (_, i) => i).filter((i) => pore.data[i] === 0);
  const out = new Float32Array(n);
  for (const r of [...sizes].sort((a, b) => a - b)) {
    const centre = Array.from(
      { length: n },
      (_, i) => pore.data[i] !== 0 && solids.every((j) => d2(i, j) >= r * r),
    );
    const reach = new Uint8Array(n);
    const stack = Array.from({ length: n }, (_, i) => i).filter((i) => centre[i] && inlets[i]);
    for (const i of stack) reach[i] = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      const [z, y, x] = at(i);
      for (const [dz, dy, dx] of [
        [1, 0, 0],
        [-1, 0, 0],
        [0, 1, 0],
        [0, -1, 0],
        [0, 0, 1],
        [0, 0, -1],
      ] as const) {
        const [a, b, c] = [z + dz, y + dy, x + dx];
        if (a < 0 || a >= nz || b < 0 || b >= ny || c < 0 || c >= nx) continue;
        const j = (a * ny + b) * nx + c;
        if (centre[j] && !reach[j]) {
          reach[j] = 1;
          stack.push(j);
        }
      }
    }
    for (let c = 0; c < n; c++) {
      if (!reach[c]) continue;
      for (let i = 0; i < n; i++) if (d2(i, c) < r * r) out[i] = r;
    }
  }
  return out;
}

describe("porosimetry on the worker pool", () => {
  afterAll(() => closePool());

  it("equals one thread and a brute-force reference (blocks crossing balls, both inlet kinds)", async () => {
    const shape: Shape3 = [19, 14, 16];
    let s = 7;
    const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const balls = Array.from({ length: 9 }, () => [
      rand() * 19,
      rand() * 14,
      rand() * 16,
      1.5 + rand() * 4,
    ]);
    for (const spacing of [
      [1, 1, 1],
      [1.5, 1, 0.8],
    ] as Spacing3[]) {
      const pore = vol(shape, spacing, (z, y, x) =>
        balls.some(([a, b, c, r]) => (z - a!) ** 2 + (y - b!) ** 2 + (x - c!) ** 2 < r! ** 2),
      );
      const inlets = vol(shape, spacing, (z, _y, x) => z === 0 || x === 15);
      const sizes = [1, 1.5, 2, 2.5, 3, 4, 5];
      const want = bruteForce(pore, inlets.data, sizes);
      expect(want.some((v) => v >= 3)).toBe(true);
      const one = await porosimetry(pore, { sizes, inlets, inline: true });
      expect(mismatches(one.data, want)).toBe(0);
      for (const threads of [2, 3]) {
        const pooled = await porosimetry(pore, { sizes, inlets, inline: false, threads });
        expect(mismatches(pooled.data, want)).toBe(0);
      }
    }
  });
});
