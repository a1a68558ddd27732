import { beforeAll, describe, expect, it } from "vitest";
import { fromArray } from "../../kernel-lib/src/volume/index.js";
import { nmcPhantom } from "../../kernel-lib/src/synth/nmcPhantom.js";
import {
  INLENS_DETECTOR,
  SE2_DETECTOR,
  simulateFibsem,
  type FibsemSimulation,
} from "../../kernel-lib/src/synth/fibsem.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

/** Grey-value histogram of `image` where `truth` is `cls`. */
function classHistogram(
  image: Volume<Uint8Array>,
  truth: Volume<Uint8Array>,
  cls: number,
): Float64Array {
  const h = new Float64Array(256);
  for (let i = 0; i < image.data.length; i++) if (truth.data[i] === cls) h[image.data[i]]++;
  return h;
}
function quantile(h: Float64Array, q: number): number {
  const n = h.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let g = 0; g < 256; g++) {
    acc += h[g];
    if (acc >= q * n) return g;
  }
  return 255;
}
function mean(h: Float64Array): number {
  let n = 0;
  let s = 0;
  for (let g = 0; g < 256; g++) {
    n += h[g];
    s += g * h[g];
  }
  return s / n;
}
/** Local maxima of a histogram smoothed by a Gaussian (sigma 3 bins), ignoring the clipped end bins. */
function modes(h: Float64Array): number[] {
  const c = h.slice();
  c[0] = 0;
  c[255] = 0;
  const s = new Float64Array(256);
  for (let g = 0; g < 256; g++) {
    let acc = 0;
    let w = 0;
    for (let k = -9; k <= 9; k++) {
      const j = g + k;
      if (j < 0 || j > 255) continue;
      const wk = Math.exp(-(k * k) / 18);
      acc += wk * c[j];
      w += wk;
    }
    s[g] = acc / w;
  }
  const max = Math.max(...s);
  const out: number[] = [];
  for (let g = 1; g < 255; g++)
    if (s[g] > s[g - 1] && s[g] >= s[g + 1] && s[g] > 0.05 * max) out.push(g);
  return out;
}

describe("simulateFibsem", () => {
  // A phantom with margins behind the last slice and beyond +y, imaged in its front part.
  let structure: Volume<Uint8Array>;
  let sim: FibsemSimulation;
  const out: [number, number, number] = [40, 128, 128];
  beforeAll(() => {
    structure = nmcPhantom([80, 159, 128], { seed: 1 });
    sim = simulateFibsem(structure, { outputShape: out, seed: 1 });
  });

  it("is deterministic: same seed, same bytes; another seed changes the noise", () => {
    const small = nmcPhantom([30, 40, 40], { seed: 2 });
    const a = simulateFibsem(small, { outputShape: [20, 32, 40], seed: 7 });
    const b = simulateFibsem(small, { outputShape: [20, 32, 40], seed: 7 });
    const c = simulateFibsem(small, { outputShape: [20, 32, 40], seed: 8 });
    expect(Buffer.from(a.se2.data).equals(Buffer.from(b.se2.data))).toBe(true);
    expect(Buffer.from(a.inlens.data).equals(Buffer.from(b.inlens.data))).toBe(true);
    expect(Buffer.from(a.se2.data).equals(Buffer.from(c.se2.data))).toBe(false);
    expect(Buffer.from(a.truth.data).equals(Buffer.from(c.truth.data))).toBe(true);
  });

  it("returns the truth of the imaged region and uint8 stacks of that shape", () => {
    expect(sim.se2.shape).toEqual(out);
    expect(sim.inlens.data).toBeInstanceOf(Uint8Array);
    const [, ny, nx] = structure.shape;
    for (const [z, y, x] of [
      [0, 0, 0],
      [39, 127, 127],
      [17, 64, 5],
    ]) {
      expect(sim.truth.data[(z * 128 + y) * 128 + x]).toBe(structure.data[(z * ny + y) * nx + x]);
    }
  });

  it("void grey values in SE2 are bimodal (dark pores, bright shine-through) and overlap both solids", () => {
    const hv = classHistogram(sim.se2, sim.truth, 1);
    const hc = classHistogram(sim.se2, sim.truth, 2);
    const hn = classHistogram(sim.se2, sim.truth, 3);
    const m = modes(hv);
    const cbdMedian = quantile(hc, 0.5);
    const nmcMedian = quantile(hn, 0.5);
    expect(m.some((g) => g < cbdMedian)).toBe(true); // dark pores
    expect(m.some((g) => g > nmcMedian)).toBe(true); // bright shine-through
    const n = hv.reduce((a, b) => a + b, 0);
    const within = (lo: number, hi: number) => {
      let s = 0;
      for (let g = lo; g <= hi; g++) s += hv[g];
      return s / n;
    };
    // A sizeable part of the void lies inside the interquartile range of each solid.
    expect(within(quantile(hc, 0.25), quantile(hc, 0.75))).toBeGreaterThan(0.05);
    expect(within(quantile(hn, 0.25), quantile(hn, 0.75))).toBeGreaterThan(0.05);
  });

  it("InLens shows less shine-through than SE2 (ablation of the shine-through)", () => {
    const off = simulateFibsem(structure, {
      outputShape: out,
      seed: 1,
      effects: { shineThrough: false },
    });
    const lift = (on: Volume<Uint8Array>, noShine: Volume<Uint8Array>) => {
      // Mean rise of void grey values due to shine-through, relative to the NMC-to-dark-void contrast.
      const voidOn = mean(classHistogram(on, sim.truth, 1));
      const voidOff = mean(classHistogram(noShine, sim.truth, 1));
      const nmc = mean(classHistogram(on, sim.truth, 3));
      return (voidOn - voidOff) / (nmc - voidOff);
    };
    const se2 = lift(sim.se2, off.se2);
    const inlens = lift(sim.inlens, off.inlens);
    expect(se2).toBeGreaterThan(0.15);
    expect(inlens).toBeLessThan(0.75 * se2);
  });

  it("shine-through is consistent: a pore pixel shows solid material that exists behind it at z' > z", () => {
    const [nz, ny, nx] = structure.shape;
    const shift = Math.tan((36 * Math.PI) / 180);
    let checked = 0;
    let faceSolidWithDepth = 0;
    let poreWithoutDepth = 0;
    let noSolidBehind = 0;
    let solidInFront = 0;
    for (let z = 0; z < out[0]; z++)
      for (let y = 0; y < out[1]; y++)
        for (let x = 0; x < out[2]; x++) {
          const i = (z * out[1] + y) * out[2] + x;
          const t = sim.shineDepth.data[i];
          if (sim.truth.data[i] >= 2) {
            if (t !== 0) faceSolidWithDepth++;
            continue;
          }
          if (t === 0) poreWithoutDepth++;
          if (t === 0 || t === 255) continue;
          if (structure.data[((z + t) * ny + y + Math.round(t * shift)) * nx + x] < 2)
            noSolidBehind++;
          // ... and nothing solid in front of it along the line of sight.
          for (let k = 1; k < t; k++)
            if (structure.data[((z + k) * ny + y + Math.round(k * shift)) * nx + x] >= 2)
              solidInFront++;
          checked++;
        }
    expect([faceSolidWithDepth, poreWithoutDepth, noSolidBehind, solidInFront]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(checked).toBeGreaterThan(1000);
    expect(nz).toBe(80);
  });

  it("re-deposited pixels are void in the truth", () => {
    let n = 0;
    for (let i = 0; i < sim.redeposition.data.length; i++) {
      if (!sim.redeposition.data[i]) continue;
      n++;
      expect(sim.truth.data[i]).toBe(1);
    }
    expect(n).toBeGreaterThan(100);
  });

  it("with every effect off, the face shows the detectors' material signals exactly", () => {
    const none = {
      shineThrough: false,
      topography: false,
      texture: false,
      redeposition: false,
      curtaining: false,
      gradient: false,
      flicker: false,
      noise: false,
      drift: false,
    };
    const s = simulateFibsem(structure, { outputShape: [4, 32, 32], effects: none, psf: 0 });
    const grey = (d: typeof SE2_DETECTOR, v: number) => Math.round(d.offset + d.gain * v);
    for (let i = 0; i < s.se2.data.length; i++) {
      const c = s.truth.data[i];
      const se2 = c === 3 ? SE2_DETECTOR.nmc : c === 2 ? SE2_DETECTOR.cbd : SE2_DETECTOR.voidFloor;
      const inl =
        c === 3 ? INLENS_DETECTOR.nmc : c === 2 ? INLENS_DETECTOR.cbd : INLENS_DETECTOR.voidFloor;
      expect(s.se2.data[i]).toBe(grey(SE2_DETECTOR, se2));
      expect(s.inlens.data[i]).toBe(grey(INLENS_DETECTOR, inl));
    }
  });

  it("drift shifts the images by the returned amounts", () => {
    const small = nmcPhantom([12, 48, 48], { seed: 2 });
    const opts = {
      outputShape: [12, 48, 48] as [number, number, number],
      seed: 3,
      effects: { noise: false },
    };
    const still = simulateFibsem(small, opts);
    const moved = simulateFibsem(small, {
      ...opts,
      effects: { noise: false, drift: true },
      driftStep: 1,
    });
    expect(still.drift.every(([a, b]) => a === 0 && b === 0)).toBe(true);
    const [dy, dx] = moved.drift[11];
    expect(Math.hypot(dy, dx)).toBeGreaterThan(0);
    // Bilinear shift of the still image by the returned drift reproduces the drifted image inside the field.
    const z = 11;
    const img = (v: FibsemSimulation, y: number, x: number) => v.se2.data[(z * 48 + y) * 48 + x];
    let err = 0;
    let n = 0;
    for (let y = 8; y < 40; y++)
      for (let x = 8; x < 40; x++) {
        const sy = y - dy;
        const sx = x - dx;
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const fy = sy - y0;
        const fx = sx - x0;
        const v =
          (1 - fy) * ((1 - fx) * img(still, y0, x0) + fx * img(still, y0, x0 + 1)) +
          fy * ((1 - fx) * img(still, y0 + 1, x0) + fx * img(still, y0 + 1, x0 + 1));
        err += Math.abs(v - img(moved, y, x));
        n++;
      }
    expect(err / n).toBeLessThan(1.5); // rounding to uint8 before and after the shift
  });

  it("rejects bad inputs with clear messages", () => {
    const s = nmcPhantom([4, 8, 8], { seed: 1 });
    expect(() => simulateFibsem(fromArray(new Float32Array(8), [2, 2, 2]))).toThrow(
      /`structure` must have dtype uint8/,
    );
    expect(() => simulateFibsem(s, { outputShape: [5, 8, 8] })).toThrow(
      /`outputShape` \(5x8x8\) must fit inside the structure \(shape 4x8x8\)/,
    );
    expect(() => simulateFibsem(s, { viewAngle: 90 })).toThrow(
      /`viewAngle` must be in \[0, 80\) degrees, received 90/,
    );
    expect(() => simulateFibsem(s, { effects: { shine: false } as never })).toThrow(
      /`effects.shine` is not an effect/,
    );
    expect(() => simulateFibsem(s, { se2: { dose: 0 } })).toThrow(
      /`se2.dose` must be a finite number > 0, received 0/,
    );
    expect(() => simulateFibsem(s, { inlens: { brightness: 1 } as never })).toThrow(
      /`inlens.brightness` is not a detector parameter/,
    );
    expect(() => simulateFibsem(s, { redepositionCoverage: 2 })).toThrow(
      /`redepositionCoverage` must be a number in \[0, 1\]/,
    );
  });
});
