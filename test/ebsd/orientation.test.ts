import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  axisAngle, crystalSymmetry, eulerToQuaternion, LAUE_CLASSES, misorientationAngle,
  quaternionInverse, quaternionMultiply, quaternionToEuler, quaternionToMatrix, rotationAngle, uniformRotation,
} from "../../kernel-lib/src/ebsd/index.js";
import { createRng } from "../../kernel-lib/src/stats/random.js";

const DEG = Math.PI / 180;
const deg = (r: number) => r / DEG;

// Passive (frame) rotations, written out by hand: Bunge g = Z(phi2) X(Phi) Z(phi1).
const Zp = (a: number) => [[Math.cos(a), Math.sin(a), 0], [-Math.sin(a), Math.cos(a), 0], [0, 0, 1]];
const Xp = (a: number) => [[1, 0, 0], [0, Math.cos(a), Math.sin(a)], [0, -Math.sin(a), Math.cos(a)]];
const mm = (a: number[][], b: number[][]) => a.map((r) => b[0].map((_, j) => r.reduce((s, v, k) => s + v * b[k][j], 0)));

const sameRotation = (a: readonly number[], b: readonly number[]) =>
  Math.abs(Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]) - 1);

describe("Bunge Euler angles to quaternions (passive, specimen to crystal)", () => {
  it("hand cases: phi1 = 90 deg and Phi = 90 deg", () => {
    const s = Math.SQRT1_2;
    const a = eulerToQuaternion(90 * DEG, 0, 0);
    [s, 0, 0, -s].forEach((v, k) => expect(a[k]).toBeCloseTo(v, 12));
    const b = eulerToQuaternion(0, 90 * DEG, 0);
    [s, -s, 0, 0].forEach((v, k) => expect(b[k]).toBeCloseTo(v, 12));
    // the passive frame rotation about z by 90 deg: specimen x is crystal -y
    const m = quaternionToMatrix(a);
    expect(m[1][0]).toBeCloseTo(-1, 12);
    expect(m[0][1]).toBeCloseTo(1, 12);
  });

  it("matrix of the quaternion equals Z(phi2) X(Phi) Z(phi1) for random angles; Euler round trip", () => {
    const rng = createRng(3);
    for (let t = 0; t < 50; t++) {
      const e = [rng.next() * 2 * Math.PI, rng.next() * Math.PI, rng.next() * 2 * Math.PI];
      const q = eulerToQuaternion(e[0], e[1], e[2]);
      expect(q[0]).toBeGreaterThanOrEqual(0);
      const g = mm(mm(Zp(e[2]), Xp(e[1])), Zp(e[0]));
      const m = quaternionToMatrix(q);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(m[i][j]).toBeCloseTo(g[i][j], 10);
      const back = quaternionToEuler(q);
      back.forEach((v, k) => expect(v).toBeCloseTo(e[k], 8));
    }
    // degenerate Phi = 0: only phi1 + phi2 is defined
    const d = quaternionToEuler(eulerToQuaternion(0.3, 0, 0.5));
    expect(d[0]).toBeCloseTo(0.8, 10);
    expect(d[2]).toBe(0);
  });

  it("product, inverse and uniform rotations", () => {
    const a = axisAngle([0, 0, 1], 30 * DEG), b = axisAngle([0, 0, 1], 60 * DEG);
    expect(deg(rotationAngle(quaternionMultiply(a, b)))).toBeCloseTo(90, 10);
    expect(deg(rotationAngle(quaternionMultiply(a, quaternionInverse(a))))).toBeCloseTo(0, 6);
    // x then z: (z90 * x90) rotates x to y (active on vectors): check via the matrix
    const zx = quaternionToMatrix(quaternionMultiply(axisAngle([0, 0, 1], 90 * DEG), axisAngle([1, 0, 0], 90 * DEG)));
    // active matrix of q*p applied to e_y: x90 takes y to z, z90 keeps z
    expect([zx[0][1], zx[1][1], zx[2][1]].map((v) => Math.round(v * 1e9) / 1e9 + 0)).toEqual([0, 0, 1]);
    const rng = createRng(5);
    let meanW = 0;
    const N = 4000;
    for (let i = 0; i < N; i++) {
      const q = uniformRotation(rng.next(), rng.next(), rng.next());
      expect(Math.hypot(...q)).toBeCloseTo(1, 12);
      meanW += q[0] / N;
    }
    // Haar measure: angle density (1 - cos t) / pi, so E[w] = E[cos(t/2)] = 4 / (3 pi) = 0.4244 (sd of the mean 0.004)
    expect(Math.abs(meanW - 4 / (3 * Math.PI))).toBeLessThan(0.015);
  });

  it("bad input errors", () => {
    expect(() => eulerToQuaternion(NaN, 0, 0)).toThrow(/Euler angles.*finite/);
    expect(() => axisAngle([0, 0, 0], 1)).toThrow(/non-zero axis/);
    expect(() => misorientationAngle([1, 0, 0], [1, 0, 0, 0])).toThrow(/q1.*4 finite numbers/);
  });
});

describe("Laue groups", () => {
  const SIZES: Record<string, number> = {
    "m-3m": 24, "m-3": 12, "6/mmm": 12, "6/m": 6, "-3m": 6, "-3": 3, "4/mmm": 8, "4/m": 4, mmm: 4, "2/m": 2, "-1": 1,
  };
  it.each(LAUE_CLASSES)("%s: size, distinct unit rotations, closed under products", (laue) => {
    const s = crystalSymmetry(laue);
    expect(s.size).toBe(SIZES[laue]);
    const ops = Array.from({ length: s.size }, (_, i) => [...s.ops.subarray(4 * i, 4 * i + 4)]);
    expect(ops[0]).toEqual([1, 0, 0, 0]);
    for (const a of ops) expect(Math.hypot(...a)).toBeCloseTo(1, 12);
    for (let i = 0; i < ops.length; i++)
      for (let j = i + 1; j < ops.length; j++) expect(sameRotation(ops[i], ops[j])).toBeGreaterThan(1e-6);
    for (const a of ops)
      for (const b of ops) {
        const p = quaternionMultiply(a, b);
        expect(Math.min(...ops.map((o) => sameRotation(o, p)))).toBeLessThan(1e-12);
      }
  });

  it("maps phase records and names; unknown ones are refused", () => {
    expect(crystalSymmetry({ laueClass: "6/mmm", crystalSystem: "hexagonal" }).size).toBe(12);
    expect(crystalSymmetry({ laueClass: "unknown", crystalSystem: "cubic" }).laueClass).toBe("m-3m");
    expect(crystalSymmetry("32").laueClass).toBe("-3m");
    expect(crystalSymmetry("trigonal").laueClass).toBe("-3m");
    expect(() => crystalSymmetry({ name: "X", laueClass: "unknown", crystalSystem: "unknown" }))
      .toThrow(/phase "X": unknown symmetry .*expected a Laue class/);
    expect(() => crystalSymmetry("m3m")).toThrow(/Laue class.*must be one of/);
  });
});

describe("misorientation angles", () => {
  const id = [1, 0, 0, 0];
  const ang = (q: readonly number[], laue: string) => deg(misorientationAngle(id, q, crystalSymmetry(laue)));
  it("hand cases per Laue class", () => {
    const z90 = axisAngle([0, 0, 1], 90 * DEG);
    const expected90: Record<string, number> = {
      "m-3m": 0, "m-3": 90, "6/mmm": 30, "6/m": 30, "-3m": 30, "-3": 30, "4/mmm": 0, "4/m": 0, mmm: 90, "2/m": 90, "-1": 90,
    };
    for (const [laue, v] of Object.entries(expected90)) expect(ang(z90, laue), laue).toBeCloseTo(v, 8);
    const z60 = axisAngle([0, 0, 1], 60 * DEG);
    expect(ang(z60, "6/mmm")).toBeCloseTo(0, 6);
    expect(ang(z60, "6/m")).toBeCloseTo(0, 6);
    expect(ang(z60, "-3m")).toBeCloseTo(60, 8);
    expect(ang(z60, "m-3m")).toBeCloseTo(30, 8);
    // two-fold about y (90 deg from a1): in 622, not in 32 (321 setting), where it is 60 away
    const y180 = axisAngle([0, 1, 0], 180 * DEG);
    expect(ang(y180, "6/mmm")).toBeCloseTo(0, 6);
    expect(ang(y180, "-3m")).toBeCloseTo(60, 6);
    expect(ang(y180, "2/m")).toBeCloseTo(0, 6);
    expect(ang(axisAngle([1, 0, 0], 180 * DEG), "-3m")).toBeCloseTo(0, 6);
    expect(ang(axisAngle([0, 0, 1], 180 * DEG), "2/m")).toBeCloseTo(180, 6);
    expect(ang(axisAngle([1, 1, 1], 60 * DEG), "m-3m")).toBeCloseTo(60, 8); // the Sigma3 twin
    expect(ang(axisAngle([1, 0, 0], 90 * DEG), "4/m")).toBeCloseTo(90, 8);
  });

  it("invariant under symmetry on either side; at most the Mackenzie maxima (62.8 cubic, 93.8 hexagonal)", () => {
    const rng = createRng(11);
    const rand = () => uniformRotation(rng.next(), rng.next(), rng.next());
    for (const [laue, max] of [["m-3m", 62.8], ["6/mmm", 93.85], ["4/mmm", 98.43], ["-3m", 104.48], ["mmm", 120]] as const) {
      const s = crystalSymmetry(laue);
      let top = 0;
      for (let t = 0; t < 300; t++) {
        const a = rand(), b = rand();
        const v = deg(misorientationAngle(a, b, s));
        top = Math.max(top, v);
        const k = t % s.size, S = [...s.ops.subarray(4 * k, 4 * k + 4)];
        expect(deg(misorientationAngle(quaternionMultiply(S, a), b, s))).toBeCloseTo(v, 6);
        expect(deg(misorientationAngle(b, a, s))).toBeCloseTo(v, 6);
        // the single-sided reduction equals the double minimum, computed with a "different" symmetry object
        expect(deg(misorientationAngle(a, b, s, { ...s, laueClass: "-1" as const }))).toBeCloseTo(v, 6);
      }
      expect(top).toBeLessThanOrEqual(max + 0.01);
      expect(top).toBeGreaterThan(max - 25);
    }
  });

  // Made by test/fixtures/generate_ebsd_orientation.py (scipy Rotation, brute force over S_i, S_j).
  const fixture = JSON.parse(readFileSync(new URL("../fixtures/ebsd-orientation/misorientation.json", import.meta.url), "utf8")) as {
    cases: { laue: string; groupSize: number; euler1: number[]; euler2: number[]; angleDeg: number; plainDeg: number; g1: number[][] }[];
  };
  it(`matches the scipy brute-force fixture (${fixture.cases.length} pairs, all Laue classes)`, () => {
    for (const c of fixture.cases) {
      const s = crystalSymmetry(c.laue);
      expect(s.size).toBe(c.groupSize);
      const q1 = eulerToQuaternion(c.euler1[0], c.euler1[1], c.euler1[2]);
      const q2 = eulerToQuaternion(c.euler2[0], c.euler2[1], c.euler2[2]);
      const m = quaternionToMatrix(q1);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(m[i][j]).toBeCloseTo(c.g1[i][j], 10);
      expect(deg(misorientationAngle(q1, q2))).toBeCloseTo(c.plainDeg, 6);
      expect(deg(misorientationAngle(q1, q2, s)), `${c.laue}`).toBeCloseTo(c.angleDeg, 6);
    }
  });
});
