import { describe, expect, it } from "vitest";
import {
  crystalSymmetry, eulerToQuaternion, grainsFromOrientations, misorientationAngle,
} from "../../kernel-lib/src/ebsd/index.js";
import type { EbsdMap, EbsdPhase, EbsdStack } from "../../kernel-lib/src/io/index.js";
import { readAng, readCtf, sharedDataPath } from "../../kernel-lib/src/io/index.js";

const DEG = Math.PI / 180;
const CUBIC: EbsdPhase = { id: 1, name: "Fe", symmetry: "43", laueClass: "m-3m", crystalSystem: "cubic" };
const ORTHO: EbsdPhase = { id: 2, name: "Olivine", symmetry: "22", laueClass: "mmm", crystalSystem: "orthorhombic" };

/** A map whose point (r, c) has Bunge angles euler(r, c) in degrees (NaN = not indexed), CI ci(r, c). */
function map(rows: number, cols: number, euler: (r: number, c: number) => number[],
  o: { phase?: (r: number, c: number) => number; ci?: (r: number, c: number) => number; phases?: EbsdPhase[] } = {}): EbsdMap {
  const n = rows * cols;
  const m: EbsdMap = {
    file: "hand.ang", format: "ang", rows, cols, grid: "square", step: { x: 1, y: 1 }, unit: "um",
    phi1: new Float32Array(n), Phi: new Float32Array(n), phi2: new Float32Array(n),
    x: new Float32Array(n), y: new Float32Array(n), phase: new Int32Array(n),
    quality: { IQ: new Float32Array(n).fill(1), CI: new Float32Array(n) }, phases: o.phases ?? [CUBIC, ORTHO], header: {},
  };
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c, e = euler(r, c);
      m.phi1[i] = e[0] * DEG; m.Phi[i] = e[1] * DEG; m.phi2[i] = e[2] * DEG;
      m.phase[i] = o.phase ? o.phase(r, c) : 1;
      m.quality.CI[i] = o.ci ? o.ci(r, c) : 1;
    }
  return m;
}
const grid = (l: Int32Array, cols: number) =>
  Array.from({ length: l.length / cols }, (_, r) => Array.from(l.subarray(r * cols, (r + 1) * cols)).join(""));

describe("grainsFromOrientations on hand-made maps", () => {
  it("two orientations across a line: two grains, means, sizes; 4- vs 8-connectivity", () => {
    const m = map(4, 6, (_r, c) => (c < 3 ? [10, 20, 30] : [40, 50, 60]));
    const g = grainsFromOrientations(m);
    expect(g.count).toBe(2);
    expect(grid(g.labels.data, 6)).toEqual(["111222", "111222", "111222", "111222"]);
    expect(Array.from(g.size)).toEqual([0, 12, 12]);
    expect(Array.from(g.phase)).toEqual([0, 1, 1]);
    const want = eulerToQuaternion(40 * DEG, 50 * DEG, 60 * DEG);
    expect(misorientationAngle([...g.orientation.subarray(8, 12)], want)).toBeLessThan(1e-6);
    expect(g.labels.shape).toEqual([1, 4, 6]);
    expect(g.labels.spacing).toEqual([1000, 1000, 1000]);
    // a diagonal chain joins only with 8-connectivity
    const d = map(3, 3, (r, c) => (r === c ? [0, 0, 0] : [45, 45, 0]));
    expect(grainsFromOrientations(d).count).toBe(5);
    expect(grainsFromOrientations(d, { connectivity: 8 }).count).toBe(2);
  });

  it("a gradient just under the threshold per step joins; just over splits; threshold option", () => {
    const under = map(1, 10, (_r, c) => [4.9 * c, 0, 0]);
    expect(grainsFromOrientations(under).count).toBe(1);
    const over = map(1, 10, (_r, c) => [5.1 * c, 0, 0]);
    expect(grainsFromOrientations(over).count).toBe(10);
    expect(grainsFromOrientations(over, { threshold: 5.2 }).count).toBe(1);
  });

  it("crystal symmetry: a 90 deg rotation about z joins under m-3m, not under mmm; phases never join", () => {
    const cubic = map(2, 4, (_r, c) => (c < 2 ? [0, 0, 0] : [90, 0, 0]));
    expect(grainsFromOrientations(cubic).count).toBe(1);
    const ortho = map(2, 4, (_r, c) => (c < 2 ? [0, 0, 0] : [90, 0, 0]), { phase: () => 2 });
    expect(grainsFromOrientations(ortho).count).toBe(2);
    const two = map(2, 4, () => [0, 0, 0], { phase: (_r, c) => (c < 2 ? 1 : 2) });
    const g = grainsFromOrientations(two);
    expect(g.count).toBe(2);
    expect(Array.from(g.phase)).toEqual([0, 1, 2]);
  });

  it("low-confidence points are filled from the closest grain; non-indexed points stay 0", () => {
    // A A A L B B, L at 8 deg: 8 deg from A (0), 12 deg from B (20); N = not indexed
    const e = [0, 0, 0, 8, 20, 20];
    const m = map(1, 6, (_r, c) => [e[c], 0, 0], { ci: (_r, c) => (c === 3 ? 0.05 : 0.5) });
    expect(grid(grainsFromOrientations(m).labels.data, 6)).toEqual(["111233"]);
    const g = grainsFromOrientations(m, { minConfidence: 0.1 });
    expect(grid(g.labels.data, 6)).toEqual(["111122"]);
    expect([g.seeds, g.filled, g.notIndexed]).toEqual([5, 1, 0]);
    // a run of two low-CI points fills in rounds from both ends
    // 0 0 9 13 20 20 with the middle two low-CI: unfiltered 9-13 join (4 deg) apart from both sides
    const run = map(1, 6, (_r, c) => [[0, 0, 9, 13, 20, 20][c], 0, 0], { ci: (_r, c) => (c === 2 || c === 3 ? 0 : 1) });
    expect(grid(grainsFromOrientations(run).labels.data, 6)).toEqual(["112233"]);
    expect(grid(grainsFromOrientations(run, { minConfidence: 0.5 }).labels.data, 6)).toEqual(["111222"]);
    const holes = map(1, 5, (_r, c) => (c === 2 ? [NaN, NaN, NaN] : [0, 0, 0]), { phase: (_r, c) => (c === 4 ? 0 : 1), phases: [CUBIC, ORTHO] });
    const h = grainsFromOrientations(holes);
    expect(grid(h.labels.data, 5)).toEqual(["11020"]);
    expect(h.notIndexed).toBe(2);
  });

  it("small grains merge into their largest neighbour of the phase, or are dropped", () => {
    // a 1-point grain inside grain A; a 2-point grain between A (6 points) and B (4 points)
    const e = (r: number, c: number) => (r === 1 && c === 1 ? [30, 30, 0] : c < 3 ? [0, 0, 0] : c === 3 ? [60, 40, 0] : [10, 70, 20]);
    const m = map(3, 6, e, { phase: (r, c) => (r === 2 && c === 5 ? 2 : 1) });
    const base = grainsFromOrientations(m);
    expect(base.count).toBe(5);
    const g = grainsFromOrientations(m, { minSize: 3 });
    // the 1-point grain joins A; column 3 (3 points) stays; the lone phase-2 point has no phase-2 neighbour: dropped
    expect(grid(g.labels.data, 6)).toEqual(["111233", "111233", "111230"]);
    expect([g.merged, g.dropped, g.count]).toEqual([1, 1, 3]);
    const big = grainsFromOrientations(m, { minSize: 4 });
    // now column 3 (3 points) merges into the largest neighbour: A (9 points) over B (5)
    expect(grid(big.labels.data, 6)).toEqual(["111122", "111122", "111120"]);
  });

  it("a stack: orientations join across sections (6-connectivity)", () => {
    const m = map(2, 2, () => [5, 5, 5]);
    const v = (a: Float32Array | Int32Array) => ({ data: a, shape: [2, 2, 2] as [number, number, number], spacing: [50, 50, 50] as [number, number, number] });
    const cat = <T extends Float32Array | Int32Array>(a: T, b: T): T => { const o = new (a.constructor as new (n: number) => T)(8); o.set(a); o.set(b, 4); return o; };
    const second = new Float32Array(m.phi1).map((_, i) => (i === 3 ? 60 * DEG : 5 * DEG));
    const stack: EbsdStack = {
      phi1: v(cat(m.phi1, second)) as EbsdStack["phi1"], Phi: v(cat(m.Phi, m.Phi)) as EbsdStack["Phi"],
      phi2: v(cat(m.phi2, m.phi2)) as EbsdStack["phi2"], phase: v(cat(m.phase, m.phase)) as EbsdStack["phase"],
      quality: {}, sections: [m, m],
    };
    const g = grainsFromOrientations(stack);
    expect(Array.from(g.labels.data)).toEqual([1, 1, 1, 1, 1, 1, 1, 2]);
    expect(g.labels.spacing).toEqual([50, 50, 50]);
    expect(() => grainsFromOrientations(stack, { connectivity: 4 })).toThrow(/connectivity.*6 or 18 or 26 for a stack, received 4/);
  });

  it("bad input errors", () => {
    const m = map(2, 2, () => [0, 0, 0]);
    expect(() => grainsFromOrientations({} as EbsdMap)).toThrow(/source.*EBSD map.*received/);
    expect(() => grainsFromOrientations(m, { threshold: 0 })).toThrow(/threshold.*\(0, 180\], received 0/);
    expect(() => grainsFromOrientations(m, { minSize: 0.5 })).toThrow(/minSize.*positive integer/);
    expect(() => grainsFromOrientations(m, { connectivity: 6 })).toThrow(/connectivity.*4 or 8 for a map/);
    expect(() => grainsFromOrientations(m, { minConfidence: 0.1, confidence: "BC" })).toThrow(/confidence channel "BC" is not in the data/);
    expect(() => grainsFromOrientations(m, { maxMad: 1 })).toThrow(/maxMad needs a "MAD" channel/);
    expect(() => grainsFromOrientations(m, { min: 3 } as object)).toThrow(/options\.min.*not an option/);
    const unknown = map(1, 2, () => [0, 0, 0], { phases: [{ ...CUBIC, laueClass: "unknown", crystalSystem: "unknown", name: "Q" }] });
    expect(() => grainsFromOrientations(unknown)).toThrow(/phase "Q": unknown symmetry/);
    const lost = map(1, 2, () => [0, 0, 0], { phase: () => 7 });
    expect(() => grainsFromOrientations(lost)).toThrow(/phase id 7 .*not in the phase table/);
  });
});

describe("grainsFromOrientations on real maps (shared data)", () => {
  const file = (f: string) => sharedDataPath(`ebsd-mtex/${f}`);
  /** Every pair of 4-neighbours inside one grain joined through points under the threshold; across grains, above it. */
  function checkBoundaries(m: EbsdMap, labels: Int32Array, threshold: number) {
    const sym = crystalSymmetry(m.phases[0]);
    const across: number[] = [];
    for (let r = 0; r < m.rows; r++)
      for (let c = 0; c + 1 < m.cols; c++) {
        const i = r * m.cols + c, j = i + 1;
        if (labels[i] === 0 || labels[j] === 0 || labels[i] === labels[j]) continue;
        const a = eulerToQuaternion(m.phi1[i], m.Phi[i], m.phi2[i]), b = eulerToQuaternion(m.phi1[j], m.Phi[j], m.phi2[j]);
        const v = misorientationAngle(a, b, sym) / DEG;
        expect(v).toBeGreaterThanOrEqual(threshold - 1e-4);
        across.push(v);
      }
    return across;
  }
  it.skipIf(!file("DC06_2uniax.ang"))("DC06_2uniax.ang (alpha iron, cubic, 51 x 101, one-phase .ang with phase 0)", async () => {
    const m = await readAng(file("DC06_2uniax.ang")!);
    const g = grainsFromOrientations(m, { threshold: 5 });
    expect(g.notIndexed).toBe(0);
    expect(g.labels.data.every((v) => v > 0)).toBe(true);
    expect(g.count).toBeGreaterThan(20);
    expect(g.count).toBeLessThan(m.rows * m.cols / 4);
    expect(checkBoundaries(m, g.labels.data, 5).length).toBeGreaterThan(0);
    const g10 = grainsFromOrientations(m, { threshold: 10 });
    expect(g10.count).toBeLessThan(g.count);
    console.log(`DC06_2uniax.ang: ${g.count} grains at 5 deg, ${g10.count} at 10 deg, ${grainsFromOrientations(m, { minSize: 5 }).count} with minSize 5`);
  });
  it.skipIf(!file("twins.ctf"))("twins.ctf (magnesium, 6/mmm, 167 x 137)", async () => {
    const m = await readCtf(file("twins.ctf")!);
    const g = grainsFromOrientations(m, { threshold: 5 });
    const unindexed = Array.from(m.phase).filter((p) => p === 0).length;
    expect(g.notIndexed).toBe(unindexed);
    expect(g.count).toBeGreaterThan(10);
    const angles = checkBoundaries(m, g.labels.data, 5);
    const gs = grainsFromOrientations(m, { threshold: 5, minSize: 3 });
    expect(gs.count).toBeLessThan(g.count);
    // {10-12} tension twins in magnesium are 86 deg about <11-20>: many boundary pairs sit near that angle
    expect(angles.filter((a) => a > 82 && a < 90).length).toBeGreaterThan(angles.length / 10);
    console.log(`twins.ctf: ${g.count} grains at 5 deg (${unindexed} not indexed), ${gs.count} with minSize 3`);
  });
  it.skipIf(!file("testdata_sqr.ctf") || !file("testdata_hex.ctf"))("testdata_sqr.ctf and the resampled testdata_hex.ctf (monoclinic)", async () => {
    for (const f of ["testdata_sqr.ctf", "testdata_hex.ctf"]) {
      const m = await readCtf(file(f)!);
      const g = grainsFromOrientations(m);
      checkBoundaries(m, g.labels.data, 5);
      expect(g.count).toBeGreaterThan(1);
      expect(g.count).toBeLessThan(60);
      console.log(`${f}: ${g.count} grains at 5 deg`);
    }
  });
});
