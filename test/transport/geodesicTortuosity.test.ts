import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { geodesicTortuosity } from "../../kernel-lib/src/transport/tortuosity.js";
import type { Shape3, Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";

const vol = (data: Uint8Array, shape: Shape3, spacing: Spacing3): Volume<Uint8Array> => ({
  data,
  shape,
  spacing,
});

/** Index of (c[0], c[1], c[2]) where c is [z, y, x]. */
const at = (shape: Shape3, z: number, y: number, x: number) => (z * shape[1] + y) * shape[2] + x;

/**
 * A particle filling the grid except the first layer along `axis` (the outside), with a pore
 * channel of 2 x 2 voxels running straight along `axis` through it.
 */
function straightChannel(axis: 0 | 1 | 2, length: number, spacing: Spacing3) {
  const shape: Shape3 = [6, 6, 6];
  shape[axis] = length + 1;
  const n = shape[0] * shape[1] * shape[2];
  const particle = new Uint8Array(n);
  const pore = new Uint8Array(n);
  for (let z = 0; z < shape[0]; z++)
    for (let y = 0; y < shape[1]; y++)
      for (let x = 0; x < shape[2]; x++) {
        const c = [z, y, x];
        if (c[axis] === 0) continue;
        const i = at(shape, z, y, x);
        particle[i] = 1;
        const across = c.filter((_, k) => k !== axis);
        if (across.every((v) => v === 2 || v === 3)) pore[i] = 1;
      }
  return { particle: vol(particle, shape, spacing), pore: vol(pore, shape, spacing) };
}

describe("geodesicTortuosity: straight channels give exactly 1", () => {
  const spacing: Spacing3 = [20, 7, 12.5];
  for (const axis of [0, 1, 2] as const) {
    it(`channel along axis ${"zyx"[axis]}, spacing [20, 7, 12.5]`, async () => {
      const s = spacing[axis];
      const { particle, pore } = straightChannel(axis, 30, spacing);
      const distances = [4 * s, 10 * s, 25 * s];
      const r = await geodesicTortuosity(particle, pore, { distances });
      expect(r.boundary.length).toBe(4);
      for (const level of r.levels) {
        expect(level.reachable).toBe(4);
        expect(level.unreachable).toBe(0);
        expect(Array.from(level.values)).toEqual([1, 1, 1, 1]);
        expect(level.mean).toBe(1);
        expect(level.std).toBe(0);
        // Target set: the channel from depth d_l on, i.e. from layer d_l / s + 1 to the end.
        expect(level.targets).toBe(4 * (30 - Math.round(level.distance / s)));
      }
    });
  }

  it("d_l between layers: tau = ceil(d_l / s) s / d_l", async () => {
    const { particle, pore } = straightChannel(2, 20, [1, 1, 10]);
    const r = await geodesicTortuosity(particle, pore, { distances: [45] });
    expect(r.levels[0]!.mean).toBeCloseTo(50 / 45, 6);
  });

  it('depth "outside" (plain EDT of the particle): tau = 1 - s / d_l', async () => {
    const { particle, pore } = straightChannel(0, 20, [8, 1, 1]);
    const r = await geodesicTortuosity(particle, pore, { distances: [80], depth: "outside" });
    expect(r.levels[0]!.mean).toBeCloseTo(1 - 8 / 80, 6);
  });

  it("no pore reaches the depth: every boundary voxel unreachable, mean NaN", async () => {
    const { particle, pore } = straightChannel(1, 10, [1, 1, 1]);
    const r = await geodesicTortuosity(particle, pore, { distances: [5, 50] });
    expect(r.levels[0]!.reachable).toBe(4);
    expect(r.levels[1]).toMatchObject({ reachable: 0, unreachable: 4, targets: 0 });
    expect(r.levels[1]!.mean).toBeNaN();
    expect(r.levels[1]!.values.length).toBe(0);
  });
});

describe("geodesicTortuosity: channels of known length", () => {
  // 2D (nz = 1): the outside is the column x = 0, the particle x >= 1, depth = (x - 1) dx.
  function grid2d(ny: number, nx: number, spacing: Spacing3, pores: [number, number][]) {
    const shape: Shape3 = [1, ny, nx];
    const particle = new Uint8Array(ny * nx);
    const pore = new Uint8Array(ny * nx);
    for (let y = 0; y < ny; y++) for (let x = 1; x < nx; x++) particle[y * nx + x] = 1;
    for (const [y, x] of pores) pore[y * nx + x] = 1;
    return { particle: vol(particle, shape, spacing), pore: vol(pore, shape, spacing) };
  }

  it("a zig-zag of diagonal steps: tau = sqrt(dx^2 + dy^2) / dx", async () => {
    const [dy, dx] = [3, 4];
    const pores: [number, number][] = [];
    // y = 0,1,2,3,2,1,0,1,2,3,... as x goes 1..24: every step diagonal, no shortcuts.
    for (let x = 1; x <= 24; x++) {
      const k = (x - 1) % 6;
      pores.push([k <= 3 ? k : 6 - k, x]);
    }
    const { particle, pore } = grid2d(5, 26, [1, dy, dx], pores);
    const r = await geodesicTortuosity(particle, pore, { distances: [6 * dx, 18 * dx] });
    expect(Array.from(r.boundary)).toEqual([1]);
    for (const level of r.levels) {
      expect(level.reachable).toBe(1);
      expect(level.values[0]).toBeCloseTo(Math.hypot(dy, dx) / dx, 6); // 5 / 4
    }
  });

  it("a serpentine maze with 6-neighbour steps, plus an isolated boundary pore", async () => {
    const [dy, dx] = [2, 5];
    const pores: [number, number][] = [];
    for (let x = 1; x <= 6; x++) pores.push([0, x]); // along x to x = 6
    for (let y = 1; y <= 4; y++) pores.push([y, 6]); // down to y = 4
    for (let x = 5; x >= 3; x--) pores.push([4, x]); // back to x = 3
    for (let y = 5; y <= 7; y++) pores.push([y, 3]); // down to y = 7
    for (let x = 4; x <= 14; x++) pores.push([7, x]); // along x to the end
    pores.push([9, 1]); // an isolated pore on the boundary
    const { particle, pore } = grid2d(10, 16, [1, dy, dx], pores);
    const d = 10 * dx; // reached first at x = 11 on row 7
    const r = await geodesicTortuosity(particle, pore, { distances: [d], connectivity: 6 });
    // (0,1)->(0,6): 5 dx; ->(4,6): 4 dy; ->(4,3): 3 dx; ->(7,3): 3 dy; ->(7,11): 8 dx.
    const length = (5 + 3 + 8) * dx + (4 + 3) * dy;
    const level = r.levels[0]!;
    expect(Array.from(r.boundary)).toEqual([1, 9 * 16 + 1]);
    expect(level.reachable).toBe(1);
    expect(level.unreachable).toBe(1);
    expect(level.values[0]).toBeCloseTo(length / d, 6);
    expect(level.std).toBe(0);
  });
});

interface TortuosityCase {
  name: string;
  shape: Shape3;
  spacing: Spacing3;
  particle: number[];
  pore: number[];
  boundary: number[];
  levels: {
    distance: number;
    values: number[];
    mean: number | null;
    std: number | null;
    unreachable: number;
    targets: number;
  }[];
}
const fixture = JSON.parse(
  readFileSync(new URL("fixtures/geodesic.json", import.meta.url), "utf8"),
) as { tortuosity: TortuosityCase[] };

describe("geodesicTortuosity vs scipy EDT + skimage MCP_Geometric (generate_geodesic.py)", () => {
  for (const c of fixture.tortuosity) {
    it(c.name, async () => {
      const particle = vol(Uint8Array.from(c.particle), c.shape, c.spacing);
      const pore = vol(Uint8Array.from(c.pore), c.shape, c.spacing);
      const r = await geodesicTortuosity(particle, pore, {
        distances: c.levels.map((l) => l.distance),
      });
      expect(Array.from(r.boundary)).toEqual(c.boundary);
      for (const [k, want] of c.levels.entries()) {
        const got = r.levels[k]!;
        expect(got.targets).toBe(want.targets);
        expect(got.unreachable).toBe(want.unreachable);
        expect(got.reachable).toBe(want.values.length);
        for (let i = 0; i < want.values.length; i++)
          expect(Math.abs(got.values[i]! - want.values[i]!)).toBeLessThan(1e-6 * want.values[i]!);
        if (want.mean === null) expect(got.mean).toBeNaN();
        else {
          expect(got.mean).toBeCloseTo(want.mean, 6);
          expect(got.std).toBeCloseTo(want.std!, 6);
        }
      }
    });
  }
});

describe("geodesicTortuosity errors", () => {
  const { particle, pore } = straightChannel(2, 5, [1, 1, 1]);
  it("refuses mismatched shapes", async () => {
    const other = vol(new Uint8Array(8), [2, 2, 2], [1, 1, 1]);
    await expect(geodesicTortuosity(particle, other)).rejects.toThrow(
      /`pore` \(shape 2x2x2\) must have the shape of `particle` \(shape 6x6x6\)/,
    );
  });
  it("refuses bad distances and options", async () => {
    await expect(geodesicTortuosity(particle, pore, { distances: [] })).rejects.toThrow(
      /`options.distances` must be a non-empty array of finite numbers > 0, received \[\]/,
    );
    await expect(geodesicTortuosity(particle, pore, { distances: [0] })).rejects.toThrow(/> 0/);
    await expect(geodesicTortuosity(particle, pore, { depth: "edt" as "outside" })).rejects.toThrow(
      /`options.depth` must be "boundary" or "outside", received "edt"/,
    );
  });
  it("refuses a particle without boundary or without pore on it", async () => {
    const full = vol(new Uint8Array(8).fill(1), [2, 2, 2], [1, 1, 1]);
    await expect(geodesicTortuosity(full, full)).rejects.toThrow(/a particle filling the grid/);
    const empty = vol(new Uint8Array(8), [2, 2, 2], [1, 1, 1]);
    await expect(geodesicTortuosity(empty, full)).rejects.toThrow(/an empty particle/);
    await expect(
      geodesicTortuosity(
        particle,
        vol(new Uint8Array(pore.data.length), particle.shape, [1, 1, 1]),
      ),
    ).rejects.toThrow(/`pore` must meet the particle boundary/);
  });
});
