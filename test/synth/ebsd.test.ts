import { beforeAll, describe, expect, it } from "vitest";
import { fromArray } from "../../kernel-lib/src/volume/index.js";
import {
  laguerreParticle,
  type LaguerreParticle,
} from "../../kernel-lib/src/synth/laguerreParticle.js";
import { grainTargets } from "../../kernel-lib/src/synth/grainTargets.js";
import { simulateEbsd, type EbsdSimulation } from "../../kernel-lib/src/synth/ebsd.js";

describe("laguerreParticle", () => {
  let p: LaguerreParticle;
  beforeAll(() => {
    p = laguerreParticle([40, 128, 128], { seed: 1 });
  });

  it("is deterministic and labels grains 1..n inside a round particle", () => {
    const q = laguerreParticle([40, 128, 128], { seed: 1 });
    expect(Buffer.from(q.grains.data.buffer).equals(Buffer.from(p.grains.data.buffer))).toBe(true);
    let max = 0;
    let bg = 0;
    for (const v of p.grains.data) {
      if (v > max) max = v;
      if (v === 0) bg++;
    }
    expect(max).toBe(p.count);
    // Corners are background, the centre is a grain.
    expect(p.grains.data[0]).toBe(0);
    expect(p.grains.data[(20 * 128 + 64) * 128 + 64]).toBeGreaterThan(0);
    expect(bg / p.grains.data.length).toBeGreaterThan(0.2);
  });

  it("assigns every voxel to the generator of least power distance |x - c|^2 - w (brute force)", () => {
    const [nz, ny, nx] = p.grains.shape;
    const [sz, sy, sx] = p.grains.spacing;
    let wrong = 0;
    let checked = 0;
    for (let i = 0; i < p.grains.data.length; i += 53) {
      const g = p.grains.data[i];
      if (g === 0) continue;
      const x = i % nx;
      const y = Math.floor(i / nx) % ny;
      const z = Math.floor(i / (nx * ny));
      let best = Infinity;
      let label = -1;
      for (const s of p.seeds) {
        const d =
          ((z + 0.5) * sz - s.center[0]) ** 2 +
          ((y + 0.5) * sy - s.center[1]) ** 2 +
          ((x + 0.5) * sx - s.center[2]) ** 2 -
          s.weight;
        if (d < best) {
          best = d;
          label = s.label;
        }
      }
      if (label !== g) wrong++;
      checked++;
    }
    expect(checked).toBeGreaterThan(5000);
    expect(wrong).toBe(0);
    expect(nz).toBe(40);
  });

  it("grain sizes follow the requested distribution (mean volume-equivalent diameter ~ 500 nm)", () => {
    // Grains touching neither the box nor the background: complete Laguerre cells.
    const [nz, ny, nx] = p.grains.shape;
    const g = p.grains.data;
    const vol = new Float64Array(p.count + 1);
    const cut = new Uint8Array(p.count + 1);
    for (let z = 0, i = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++, i++) {
          const v = g[i];
          if (v === 0) continue;
          vol[v]++;
          if (z === 0 || y === 0 || x === 0 || z === nz - 1 || y === ny - 1 || x === nx - 1)
            cut[v] = 1;
          else if (
            !g[i - 1] ||
            !g[i + 1] ||
            !g[i - nx] ||
            !g[i + nx] ||
            !g[i - nx * ny] ||
            !g[i + nx * ny]
          )
            cut[v] = 1;
        }
    const d: number[] = [];
    for (let k = 1; k <= p.count; k++)
      if (!cut[k]) d.push(Math.cbrt((6 * vol[k] * 50 ** 3) / Math.PI));
    const m = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length);
    expect(d.length).toBeGreaterThan(200);
    expect(Math.abs(m - 500) / 500).toBeLessThan(0.12);
    expect(sd / m).toBeGreaterThan(0.2);
    expect(sd / m).toBeLessThan(0.45);
  });

  it("checks its options", () => {
    expect(() => laguerreParticle([8, 8, 8], { meanDiameter: 0 })).toThrow(
      /`meanDiameter` must be a finite number > 0, received 0/,
    );
    expect(() => laguerreParticle([8, 8, 8], { particleCenter: [1, 2] as never })).toThrow(
      /`particleCenter` must be \[z, y, x\]/,
    );
  });
});

describe("grainTargets", () => {
  it("marks voxels next to another grain as boundary, never the particle surface", () => {
    // One row: background, grain 1 x2, grain 2 x2, background.
    const g = fromArray(Int32Array.from([0, 1, 1, 2, 2, 0]), [1, 1, 6]);
    const t = grainTargets(g);
    expect(Array.from(t.targets.data)).toEqual([3, 2, 1, 1, 2, 3]);
    expect(Array.from(t.boundary.data)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(Array.from(t.interior.data)).toEqual([0, 1, 0, 0, 1, 0]);
    expect(Array.from(t.background.data)).toEqual([1, 0, 0, 0, 0, 1]);
    // Along z only: 3D connectivity sees the boundary, 2D does not.
    const gz = fromArray(Int32Array.from([1, 2]), [2, 1, 1]);
    expect(Array.from(grainTargets(gz).targets.data)).toEqual([1, 1]);
    expect(Array.from(grainTargets(gz, { connectivity: "2d" }).targets.data)).toEqual([2, 2]);
    expect(() => grainTargets(gz, { connectivity: "1d" as never })).toThrow(
      '`connectivity` must be "3d" or "2d", received "1d"',
    );
  });

  it("boundaries are exactly where labels change (on a tessellation)", () => {
    const { grains } = laguerreParticle([12, 48, 48], { seed: 4 });
    const t = grainTargets(grains);
    const [nz, ny, nx] = grains.shape;
    const g = grains.data;
    let mismatches = 0;
    for (let z = 0, i = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++, i++) {
          const v = g[i];
          const nb = [
            x > 0 ? g[i - 1] : v,
            x < nx - 1 ? g[i + 1] : v,
            y > 0 ? g[i - nx] : v,
            y < ny - 1 ? g[i + nx] : v,
            z > 0 ? g[i - nx * ny] : v,
            z < nz - 1 ? g[i + nx * ny] : v,
          ];
          const expected = v === 0 ? 3 : nb.some((w) => w !== 0 && w !== v) ? 1 : 2;
          if (t.targets.data[i] !== expected) mismatches++;
          if (t.boundary.data[i] + t.interior.data[i] + t.background.data[i] !== 1) mismatches++;
        }
    expect(mismatches).toBe(0);
  });
});

describe("simulateEbsd", () => {
  let sim: EbsdSimulation;
  beforeAll(() => {
    sim = simulateEbsd(laguerreParticle([24, 96, 96], { seed: 2 }).grains, { seed: 5 });
  });

  it("applies exactly the returned per-slice shifts: iq[z](y, x) = iqAligned[z](y - dy, x - dx)", () => {
    const [nz, ny, nx] = sim.iq.shape;
    expect(sim.shifts.length).toBe(nz);
    expect(sim.shifts[0]).toEqual([0, 0]);
    expect(sim.shifts.some(([dy, dx]) => dy !== 0 || dx !== 0)).toBe(true);
    let diff = 0;
    let compared = 0;
    for (let z = 0; z < nz; z++) {
      const [dy, dx] = sim.shifts[z];
      expect(Number.isInteger(dy) && Number.isInteger(dx)).toBe(true);
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          const sy = y - dy;
          const sx = x - dx;
          if (sy < 0 || sy >= ny || sx < 0 || sx >= nx) continue;
          if (sim.iq.data[(z * ny + y) * nx + x] !== sim.iqAligned.data[(z * ny + sy) * nx + sx])
            diff++;
          compared++;
        }
    }
    expect(compared).toBeGreaterThan(0.5 * nz * ny * nx);
    expect(diff).toBe(0);
  });

  it("subpixel shifts and rotations: undoing the returned transform recovers the aligned image", () => {
    const grains = laguerreParticle([6, 64, 64], { seed: 3 }).grains;
    const s = simulateEbsd(grains, {
      seed: 1,
      subpixel: true,
      rotationStep: 1,
      shiftStep: 1.5,
      effects: { noise: false },
    });
    const z = 5;
    const [dy, dx] = s.shifts[z];
    const a = (s.rotations[z] * Math.PI) / 180;
    expect(Number.isInteger(dy)).toBe(false);
    expect(a).not.toBe(0);
    // Forward model at the centre region: content at q moves to R q + shift (about the centre).
    const c = 31.5;
    let err = 0;
    let n = 0;
    for (let y = 20; y < 44; y++)
      for (let x = 20; x < 44; x++) {
        const qy = y - c;
        const qx = x - c;
        const py = Math.cos(a) * qy - Math.sin(a) * qx + c + dy;
        const px = Math.sin(a) * qy + Math.cos(a) * qx + c + dx;
        const y0 = Math.floor(py);
        const x0 = Math.floor(px);
        const fy = py - y0;
        const fx = px - x0;
        const at = (yy: number, xx: number) => s.iq.data[(z * 64 + yy) * 64 + xx];
        const v =
          (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
          fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
        err += Math.abs(v - s.iqAligned.data[(z * 64 + y) * 64 + x]);
        n++;
      }
    // Two bilinear resamplings blur sharp boundaries a little: compare on average.
    expect(err / n).toBeLessThan(12);
  });

  it("grain boundaries are darker than grain interiors, the background darkest", () => {
    const m = (mask: Uint8Array) => {
      let s = 0;
      let n = 0;
      for (let i = 0; i < mask.length; i++)
        if (mask[i]) {
          s += sim.iqAligned.data[i];
          n++;
        }
      return s / n;
    };
    const b = m(sim.boundary.data);
    const i = m(sim.interior.data);
    const bg = m(sim.background.data);
    expect(b).toBeLessThan(0.85 * i);
    expect(bg).toBeLessThan(b);
  });

  it("is deterministic and checks its options", () => {
    const g = laguerreParticle([4, 32, 32], { seed: 1 }).grains;
    const a = simulateEbsd(g, { seed: 9 });
    const b = simulateEbsd(g, { seed: 9 });
    expect(Buffer.from(a.iq.data).equals(Buffer.from(b.iq.data))).toBe(true);
    expect(a.shifts).toEqual(b.shifts);
    expect(() => simulateEbsd(g, { boundaryDepth: 2 })).toThrow(
      /`boundaryDepth` must be a number in \[0, 1\], received 2/,
    );
    expect(() => simulateEbsd(g, { effects: { blur: true } as never })).toThrow(
      /`effects.blur` is not an effect/,
    );
    expect(() => simulateEbsd(g, { effects: { drift: 1 } as never })).toThrow(
      "`effects.drift` must be a boolean, received 1",
    );
    expect(() => simulateEbsd(g, { subpixel: "no" as never })).toThrow(
      '`subpixel` must be a boolean, received "no"',
    );
    expect(() => simulateEbsd(fromArray(new Uint8Array(8), [2, 2, 2]) as never)).toThrow(
      /`grains` must have dtype int32/,
    );
  });
});
