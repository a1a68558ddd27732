import { describe, expect, it } from "vitest";
import { crystalSymmetry, eulerToQuaternion, grainsFromOrientations, misorientationAngle } from "../../kernel-lib/src/ebsd/index.js";
import { ebsdOrientations, laguerreParticle, simulateEbsd } from "../../kernel-lib/src/synth/index.js";

const { grains } = laguerreParticle([10, 48, 48], { spacing: [50, 50, 50], seed: 4, meanDiameter: 600 });
const SEED = 7;
const o = ebsdOrientations(grains, { seed: SEED });

describe("ebsdOrientations (orientation route of the simulated EBSD particle)", () => {
  it("faint pairs are exactly the boundaries simulateEbsd draws faint (read from its IQ)", () => {
    // only boundaries, a flat IQ and zero width: a voxel next to one other grain is
    // 0.5 (1 - 0.55 min(1, 1.8 v)) with v = 0.2 for a faint pair, >= 0.7 otherwise
    const sim = simulateEbsd(grains, {
      seed: SEED, iqRange: [0.5, 0.5], boundaryWidth: 0,
      effects: { texture: false, drift: false, noise: false, misalignment: false },
    });
    const faint = new Set(o.pairs.filter((p) => p.faint).map((p) => `${p.a},${p.b}`));
    const [nz, ny, nx] = grains.shape, g = grains.data, iq = sim.iqAligned.data;
    let checked = 0;
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          const i = (z * ny + y) * nx + x;
          if (g[i] === 0) continue;
          const other = new Set<number>();
          if (x > 0) other.add(g[i - 1]);
          if (x + 1 < nx) other.add(g[i + 1]);
          if (y > 0) other.add(g[i - nx]);
          if (y + 1 < ny) other.add(g[i + nx]);
          if (z > 0) other.add(g[i - nx * ny]);
          if (z + 1 < nz) other.add(g[i + nx * ny]);
          other.delete(g[i]);
          if (other.size !== 1 || other.has(0)) continue;
          const w = [...other][0];
          const key = g[i] < w ? `${g[i]},${w}` : `${w},${g[i]}`;
          expect(iq[i] === Math.round(255 * 0.5 * (1 - 0.55 * 0.36)), key).toBe(faint.has(key));
          checked++;
        }
    expect(checked).toBeGreaterThan(1000);
    const frac = faint.size / o.pairs.length;
    expect(frac).toBeGreaterThan(0.1);
    expect(frac).toBeLessThan(0.4);
  });

  it("faint pairs have 3-8 degree disorientations (tree edges), others are mostly high-angle", () => {
    const f = o.pairs.filter((p) => p.faint), other = o.pairs.filter((p) => !p.faint);
    const inRange = f.filter((p) => p.angle >= 3 - 1e-6 && p.angle <= 8 + 1e-6).length;
    expect(inRange).toBeGreaterThan(0.8 * f.length);
    // full boundaries: low-angle only between two faint neighbours of one grain (at most 16 deg)
    expect(other.filter((p) => p.angle < 5).length).toBeLessThan(0.02 * other.length + 1);
    expect(other.filter((p) => p.angle < 10).length).toBeLessThan(0.1 * other.length + 1);
    // reported angles are the disorientations of the stored grain orientations (-3m)
    const sym = crystalSymmetry("-3m");
    const q = (l: number) => [...o.grainOrientation.subarray(4 * l, 4 * l + 4)];
    for (const p of o.pairs.slice(0, 20)) expect((misorientationAngle(q(p.a), q(p.b), sym) * 180) / Math.PI).toBeCloseTo(p.angle, 8);
  });

  it("per-voxel noise as documented; background NaN, phase 0; deterministic", () => {
    const sym = crystalSymmetry("-3m");
    const angles: number[] = [];
    for (let i = 0; i < grains.data.length; i += 37) {
      const l = grains.data[i];
      if (l === 0) {
        expect(Number.isNaN(o.phi1.data[i])).toBe(true);
        expect(o.phase.data[i]).toBe(0);
        continue;
      }
      const v = eulerToQuaternion(o.phi1.data[i], o.Phi.data[i], o.phi2.data[i]);
      angles.push((misorientationAngle(v, [...o.grainOrientation.subarray(4 * l, 4 * l + 4)], sym) * 180) / Math.PI);
    }
    // rotation vector with N(0, 0.3 deg) components: mean angle 0.3 * 2 sqrt(2 / pi) = 0.479 deg
    const mean = angles.reduce((s, v) => s + v, 0) / angles.length;
    expect(mean).toBeGreaterThan(0.44);
    expect(mean).toBeLessThan(0.52);
    const again = ebsdOrientations(grains, { seed: SEED });
    expect(again.phi1.data).toEqual(o.phi1.data);
    expect(ebsdOrientations(grains, { seed: SEED + 1 }).grainOrientation).not.toEqual(o.grainOrientation);
  });

  it("grainsFromOrientations recovers the truth at 2 degrees and merges faint pairs at 10", () => {
    const truth = new Set(Array.from(grains.data).filter((v) => v > 0));
    const quiet = ebsdOrientations(grains, { seed: SEED, noise: 0.1 });
    expect(Math.min(...quiet.pairs.map((p) => p.angle))).toBeGreaterThan(2.5);
    const g2 = grainsFromOrientations(quiet, { threshold: 2 });
    // every recovered grain lies inside one truth grain and the counts agree
    const owner = new Map<number, number>();
    for (let i = 0; i < grains.data.length; i++) {
      const l = g2.labels.data[i];
      expect(l === 0).toBe(grains.data[i] === 0);
      if (l === 0) continue;
      if (!owner.has(l)) owner.set(l, grains.data[i]);
      expect(owner.get(l)).toBe(grains.data[i]);
    }
    // a truth grain may be cut into several 6-connected pieces: count those by flood fill
    const [nz, ny, nx] = grains.shape, seen = new Uint8Array(grains.data.length);
    let pieces = 0;
    for (let s0 = 0; s0 < seen.length; s0++) {
      if (seen[s0] || grains.data[s0] === 0) continue;
      pieces++;
      const stack = [s0];
      seen[s0] = 1;
      while (stack.length) {
        const i = stack.pop()!, x = i % nx, y = Math.floor(i / nx) % ny, z = Math.floor(i / (nx * ny));
        const nb = [x > 0 ? i - 1 : -1, x + 1 < nx ? i + 1 : -1, y > 0 ? i - nx : -1, y + 1 < ny ? i + nx : -1,
          z > 0 ? i - nx * ny : -1, z + 1 < nz ? i + nx * ny : -1];
        for (const j of nb) if (j >= 0 && !seen[j] && grains.data[j] === grains.data[i]) { seen[j] = 1; stack.push(j); }
      }
    }
    expect(pieces).toBeGreaterThanOrEqual(truth.size);
    expect(g2.count).toBe(pieces);
    const g10 = grainsFromOrientations(quiet, { threshold: 10 });
    const faint = o.pairs.filter((p) => p.faint).length;
    expect(g10.count).toBeLessThan(truth.size - faint / 2);
  });

  it("bad input errors", () => {
    expect(() => ebsdOrientations({ ...grains, data: new Float32Array(grains.data.length) } as never)).toThrow(/int32/);
    expect(() => ebsdOrientations(grains, { laueClass: "m3m" })).toThrow(/Laue class.*must be one of/);
    expect(() => ebsdOrientations(grains, { faintAngle: [3, 40] })).toThrow(/faintAngle.*max <= 30/);
    expect(() => ebsdOrientations(grains, { noise: -1 })).toThrow(/noise/);
    expect(() => ebsdOrientations(grains, { faint: 1 } as object)).toThrow(/options\.faint.*not an option/);
  });
});
