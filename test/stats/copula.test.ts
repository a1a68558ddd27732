import { describe, expect, it } from "vitest";
import { createCopula, rotateData } from "../../kernel-lib/src/stats/copula/copula.js";
import { kendallTau } from "../../kernel-lib/src/stats/copula/tau.js";
import type { CopulaFamily, Rotation } from "../../kernel-lib/src/stats/copula/types.js";
import { integrate } from "../../kernel-lib/src/stats/numeric.js";
import { close, reference } from "./reference.js";

const ROTATIONS: Rotation[] = [0, 90, 180, 270];

describe("copula values vs pyvinecopulib and symbolic derivatives of the CDF formulas", () => {
  for (const ref of [...reference.copulas, ...reference.copulasExtreme]) {
    it(`${ref.family}(${ref.params.join(", ")}) rotation ${ref.rotation} [${ref.source}]`, () => {
      const c = createCopula({
        family: ref.family as CopulaFamily,
        params: ref.params,
        rotation: ref.rotation,
      });
      ref.u1.forEach((a, i) => {
        const b = ref.u2[i]!;
        const at = `at (${a}, ${b})`;
        expect(
          close(c.pdf(a, b), ref.pdf[i]!, 1e-7, 1e-12),
          `pdf ${at}: ${c.pdf(a, b)} vs ${ref.pdf[i]}`,
        ).toBe(true);
        expect(
          close(c.cdf(a, b), ref.cdf[i]!, 1e-8, 1e-12),
          `cdf ${at}: ${c.cdf(a, b)} vs ${ref.cdf[i]}`,
        ).toBe(true);
        expect(
          close(c.hfunc1(a, b), ref.hfunc1[i]!, 1e-7, 1e-10),
          `hfunc1 ${at}: ${c.hfunc1(a, b)} vs ${ref.hfunc1[i]}`,
        ).toBe(true);
        expect(
          close(c.hfunc2(a, b), ref.hfunc2[i]!, 1e-7, 1e-10),
          `hfunc2 ${at}: ${c.hfunc2(a, b)} vs ${ref.hfunc2[i]}`,
        ).toBe(true);
        if (ref.hinv1) {
          // pyvinecopulib's inverses are numerical (tolerance ~1e-6 in u)
          expect(
            close(c.hinv1(a, b), ref.hinv1[i]!, 0, 2e-6),
            `hinv1 ${at}: ${c.hinv1(a, b)} vs ${ref.hinv1[i]}`,
          ).toBe(true);
          expect(
            close(c.hinv2(a, b), ref.hinv2![i]!, 0, 2e-6),
            `hinv2 ${at}: ${c.hinv2(a, b)} vs ${ref.hinv2![i]}`,
          ).toBe(true);
        }
      });
      expect(close(c.tau(), ref.tau, 1e-7, 1e-9), `tau ${c.tau()} vs ${ref.tau}`).toBe(true);
    });
  }
});

const FAMILIES: [CopulaFamily, number[]][] = [
  ["amh", [0.7]],
  ["amh", [-0.6]],
  ["clayton", [2.5]],
  ["frank", [6]],
  ["frank", [-4]],
  ["gumbel", [2.2]],
  ["joe", [3]],
  ["bb1", [0.36, 3.13]],
  ["bb1", [0.47, 1.47]],
  ["bb3", [1.5, 0.8]],
  ["bb3", [1.2, 2.5]],
  ["bb5", [1.5, 1.2]],
  ["bb5", [2, 0.4]],
  ["bb8", [4.24, 0.6]],
  ["bb8", [5.6, 0.52]],
  ["bb8", [1.1, 0.82]],
];

const POINTS: [number, number][] = [
  [0.3, 0.6],
  [0.8, 0.2],
  [0.5, 0.5],
  [0.1, 0.9],
  [0.95, 0.93],
  [0.05, 0.07],
];

describe("copula identities for every family and rotation", () => {
  for (const [family, params] of FAMILIES) {
    for (const rotation of ROTATIONS) {
      const c = createCopula({ family, params, rotation });
      const name = `${family}(${params.join(", ")}) rot ${rotation}`;
      it(`${name}: density integrates to 1 over the unit square`, () => {
        // For every u1 the density integrates to 1 in u2 (uniform margins), so the double integral is 1.
        const inner = (a: number): number =>
          integrate((b) => c.pdf(a, b), 0, 1, { absTol: 1e-9, relTol: 1e-8, maxIntervals: 300 });
        for (const a of [0.03, 0.4, 0.77]) expect(inner(a)).toBeCloseTo(1, 5);
        const total = integrate(inner, 0, 1, { absTol: 1e-6, relTol: 1e-6, maxIntervals: 60 });
        expect(total).toBeCloseTo(1, 4);
      });
      it(`${name}: density = mixed finite difference of the cdf, h = first differences`, () => {
        const h = 1e-4;
        for (const [a, b] of POINTS) {
          const fd =
            (c.cdf(a + h, b + h) -
              c.cdf(a + h, b - h) -
              c.cdf(a - h, b + h) +
              c.cdf(a - h, b - h)) /
            (4 * h * h);
          expect(
            close(fd, c.pdf(a, b), 1e-4, 1e-6),
            `pdf at (${a}, ${b}): ${c.pdf(a, b)} vs FD ${fd}`,
          ).toBe(true);
          const h1 = (c.cdf(a + h, b) - c.cdf(a - h, b)) / (2 * h);
          const h2 = (c.cdf(a, b + h) - c.cdf(a, b - h)) / (2 * h);
          expect(c.hfunc1(a, b)).toBeCloseTo(h1, 5);
          expect(c.hfunc2(a, b)).toBeCloseTo(h2, 5);
          expect(c.logpdf(a, b)).toBeCloseTo(Math.log(c.pdf(a, b)), 12);
        }
      });
      it(`${name}: h-functions invert, boundary values, Frechet bounds`, () => {
        for (const [a, b] of POINTS) {
          for (const p of [0.001, 0.37, 0.9]) {
            expect(c.hfunc1(a, c.hinv1(a, p))).toBeCloseTo(p, 9);
            expect(c.hfunc2(c.hinv2(p, b), b)).toBeCloseTo(p, 9);
          }
          expect(c.hinv1(a, c.hfunc1(a, b))).toBeCloseTo(b, 7);
          const C = c.cdf(a, b);
          expect(C).toBeGreaterThanOrEqual(Math.max(a + b - 1, 0) - 1e-12);
          expect(C).toBeLessThanOrEqual(Math.min(a, b) + 1e-12);
        }
        expect(c.cdf(0.3, 1)).toBe(0.3);
        expect(c.cdf(1, 0.6)).toBe(0.6);
        expect(c.cdf(0, 0.6)).toBe(0);
      });
    }
  }
});

describe("rotation conventions (vinecopulib Bicop::rotate_data, counter-clockwise)", () => {
  it("rotateData maps to the base copula's arguments", () => {
    expect(rotateData(0.2, 0.7, 0)).toEqual([0.2, 0.7]);
    expect(rotateData(0.2, 0.7, 90)).toEqual([0.7, 0.8]);
    expect(rotateData(0.2, 0.7, 180)).toEqual([0.8, 0.30000000000000004]);
    expect(rotateData(0.2, 0.7, 270)).toEqual([0.30000000000000004, 0.2]);
  });
  it("90 and 270 flip the sign of tau; 180 keeps it and is the survival copula", () => {
    const c0 = createCopula({ family: "clayton", params: [2], rotation: 0 });
    const c180 = createCopula({ family: "clayton", params: [2], rotation: 180 });
    expect(createCopula({ family: "clayton", params: [2], rotation: 90 }).tau()).toBeCloseTo(
      -0.5,
      14,
    );
    expect(createCopula({ family: "clayton", params: [2], rotation: 270 }).tau()).toBeCloseTo(
      -0.5,
      14,
    );
    // survival: C180(u, v) = u + v - 1 + C0(1 - u, 1 - v); density c180(u, v) = c0(1 - u, 1 - v)
    expect(c180.cdf(0.3, 0.8)).toBeCloseTo(0.3 + 0.8 - 1 + c0.cdf(0.7, 0.2), 14);
    expect(c180.pdf(0.3, 0.8)).toBeCloseTo(c0.pdf(0.7, 0.2), 12);
  });
  it("Frank is radially symmetric: rotating by 180 changes nothing, by 90 equals the negative parameter", () => {
    const f = createCopula({ family: "frank", params: [5] });
    const f180 = createCopula({ family: "frank", params: [5], rotation: 180 });
    const f90 = createCopula({ family: "frank", params: [5], rotation: 90 });
    const fneg = createCopula({ family: "frank", params: [-5] });
    for (const [a, b] of POINTS) {
      expect(f180.pdf(a, b)).toBeCloseTo(f.pdf(a, b), 12);
      expect(f90.pdf(a, b)).toBeCloseTo(fneg.pdf(a, b), 12);
    }
  });
  it("BB8 with delta = 1 is Joe; BB1 with delta = 1 is Clayton; BB3 with theta = 1 is Clayton(delta)", () => {
    const pairs: [ReturnType<typeof createCopula>, ReturnType<typeof createCopula>][] = [
      [
        createCopula({ family: "bb8", params: [3, 1] }),
        createCopula({ family: "joe", params: [3] }),
      ],
      [
        createCopula({ family: "bb1", params: [2, 1] }),
        createCopula({ family: "clayton", params: [2] }),
      ],
      [
        createCopula({ family: "bb3", params: [1, 1.7] }),
        createCopula({ family: "clayton", params: [1.7] }),
      ],
      [
        createCopula({ family: "bb5", params: [2.2, 1e-4] }),
        createCopula({ family: "gumbel", params: [2.2] }),
      ],
    ];
    for (const [a, b] of pairs)
      for (const [u, v] of POINTS) expect(a.pdf(u, v)).toBeCloseTo(b.pdf(u, v), 3);
  });
});

describe("copula sampling", () => {
  for (const [family, params] of [
    ["bb8", [4.24, 0.6]],
    ["bb1", [0.36, 3.13]],
    ["bb5", [1.5, 1.2]],
    ["amh", [0.7]],
  ] as [CopulaFamily, number[]][]) {
    for (const rotation of [0, 270] as Rotation[]) {
      it(`${family} rot ${rotation}: empirical Kendall's tau of 3000 draws matches tau(); margins uniform`, () => {
        const c = createCopula({ family, params, rotation });
        const { u1, u2 } = c.sample(3000, 99);
        // sd of the empirical tau is below 0.02 at n = 3000 for these copulas
        expect(Math.abs(kendallTau(u1, u2) - c.tau())).toBeLessThan(0.04);
        for (const u of [u1, u2]) {
          const s = Float64Array.from(u).sort();
          let ks = 0;
          for (let i = 0; i < s.length; i++)
            ks = Math.max(ks, Math.abs(s[i]! - (i + 0.5) / s.length));
          expect(ks).toBeLessThan(1.95 / Math.sqrt(s.length));
        }
      });
    }
  }
});

describe("empirical Kendall's tau", () => {
  it("matches hand-counted values including ties (tau-b)", () => {
    // 5 pairs: concordant 8, discordant 2 -> (8 - 2) / 10
    expect(kendallTau([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.6, 14);
    // scipy 1.10.1: kendalltau([1, 2, 2, 3], [1, 3, 2, 3]).statistic = 0.7999999999999999,
    // kendalltau([1, 1, 2, 2, 3], [1, 2, 1, 2, 3]).statistic = 0.49999999999999994
    expect(kendallTau([1, 2, 2, 3], [1, 3, 2, 3])).toBeCloseTo(0.8, 14);
    expect(kendallTau([1, 1, 2, 2, 3], [1, 2, 1, 2, 3])).toBeCloseTo(0.5, 14);
  });
  it("O(n log n) merge-sort count equals the O(n^2) pair count of tau-b, with many ties", () => {
    // Reference: count every pair (the definition scipy.stats.kendalltau implements).
    const pairCount = (x: number[], y: number[]): number => {
      let s = 0;
      let tx = 0;
      let ty = 0;
      let tot = 0;
      for (let i = 0; i < x.length; i++)
        for (let j = i + 1; j < x.length; j++) {
          tot++;
          const dx = Math.sign(x[i]! - x[j]!);
          const dy = Math.sign(y[i]! - y[j]!);
          s += dx * dy;
          if (dx === 0) tx++;
          if (dy === 0) ty++;
        }
      return s / Math.sqrt((tot - tx) * (tot - ty));
    };
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const [n, levels] of [
      [2, 3],
      [3, 2],
      [17, 4],
      [100, 5],
      [257, 1000],
      [600, 1e9],
    ] as const) {
      const x = Array.from({ length: n }, () => Math.floor(rnd() * levels));
      const y = x.map((v) => Math.floor((0.6 * v + 0.4 * rnd() * levels) % levels));
      const want = pairCount(x, y);
      const got = kendallTau(x, y);
      if (Number.isNaN(want)) expect(got).toBeNaN();
      else expect(Math.abs(got - want), `n ${n}, ${levels} levels`).toBeLessThan(1e-12);
    }
  });
});

describe("copula errors", () => {
  it("says what is wrong", () => {
    expect(() => createCopula({ family: "bb8", params: [0.5, 0.5] })).toThrow(
      "bb8 copula: parameter `theta` must be in [1, 8], received 0.5",
    );
    expect(() => createCopula({ family: "bb1", params: [1] })).toThrow(
      "bb1 copula takes 2 parameter(s) (theta, delta), received 1",
    );
    expect(() => createCopula({ family: "nope" as CopulaFamily, params: [] })).toThrow(
      /unknown copula family "nope"/,
    );
    expect(() =>
      createCopula({ family: "clayton", params: [1], rotation: 45 as Rotation }),
    ).toThrow(/rotation must be 0, 90, 180 or 270, received 45/);
    expect(() => createCopula({ family: "amh", params: [1] })).toThrow(
      /must be in \[-1, 1\), received 1/,
    );
  });
});
