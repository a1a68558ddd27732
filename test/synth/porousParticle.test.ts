import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  connectedComponents,
  dilateBall,
  distanceTransform,
  erodeBall,
} from "../../kernel-lib/src/morphology/index.js";
import { planeDistance, porousParticle } from "../../kernel-lib/src/synth/porousParticle.js";
import {
  generateSample,
  loadSample,
  readManifest,
  SAMPLES,
  volumeSha256,
} from "../../kernel-lib/src/synth/index.js";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";

const VOID = 1;
const CBD = 2;
const NMC = 3;
const sha = (d: Uint8Array) => createHash("sha256").update(d).digest("hex");
const mask = (v: Volume<Uint8Array>, test: (x: number) => boolean): Volume<Uint8Array> => ({
  data: Uint8Array.from(v.data, (x) => (test(x) ? 1 : 0)),
  shape: [...v.shape] as Shape3,
  spacing: [...v.spacing] as [number, number, number],
});
const count = (d: Uint8Array, value = 1) => d.reduce((n, x) => n + (x === value ? 1 : 0), 0);

/**
 * Rolling ball of radius r intruding from outside the box through the void:
 * the void it reaches, and the inner pores (void it does not reach).
 */
async function rollingBall(truth: Volume<Uint8Array>, r: number) {
  const free = mask(truth, (x) => x === VOID);
  const centres = await erodeBall(free, r, { inline: true });
  const cc = await connectedComponents(centres, { connectivity: 6 });
  const [nz, ny, nx] = truth.shape;
  const t = cc.table;
  const outside = new Uint8Array(cc.count + 1);
  for (let k = 0; k < cc.count; k++) {
    outside[k + 1] =
      t.zMin[k] === 0 ||
      t.yMin[k] === 0 ||
      t.xMin[k] === 0 ||
      t.zMax[k] === nz - 1 ||
      t.yMax[k] === ny - 1 ||
      t.xMax[k] === nx - 1
        ? 1
        : 0;
  }
  const seeds = { ...free, data: Uint8Array.from(cc.labels.data, (l) => outside[l]) };
  const reach = await dilateBall(seeds, r, { inline: true });
  const inner = free.data.map((f, i) => (f && !reach.data[i] ? 1 : 0));
  return { free, inner };
}

describe("planeDistance", () => {
  const cz = Float64Array.of(0, 0, 0);
  const cy = Float64Array.of(0, 0, 0);
  const cx = Float64Array.of(0, 0, 100);
  it("is the distance to the bisector for equal weights", () => {
    const w = Float64Array.of(0, 0, 0);
    // cells 1 at x = 0 and 2 at x = 100: the plane is x = 50
    expect(planeDistance(7, -3, 10, 1, 2, cz, cy, cx, w)).toBeCloseTo(40, 12);
    expect(planeDistance(7, -3, 10, 2, 1, cz, cy, cx, w)).toBeCloseTo(-40, 12);
  });
  it("moves the plane away from the heavier cell (radical plane)", () => {
    // w1 = 30^2: x^2 - 900 = (x - 100)^2  =>  x = 54.5
    const w = Float64Array.of(0, 900, 0);
    expect(planeDistance(0, 0, 10, 1, 2, cz, cy, cx, w)).toBeCloseTo(44.5, 12);
    expect(planeDistance(0, 0, 60, 2, 1, cz, cy, cx, w)).toBeCloseTo(5.5, 12);
    expect(planeDistance(0, 0, 50, 2, 1, cz, cy, cx, w)).toBeCloseTo(-4.5, 12);
  });
});

describe("porousParticle", () => {
  const shape: Shape3 = [88, 88, 88];
  const opts = { radius: 800, seed: 5 };
  const a = porousParticle(shape, opts);

  it("is deterministic: same seed, same bytes; another seed, another particle", () => {
    expect(sha(porousParticle(shape, opts).labels.data)).toBe(sha(a.labels.data));
    expect(sha(porousParticle(shape, { ...opts, seed: 6 }).labels.data)).not.toBe(
      sha(a.labels.data),
    );
  });

  it("has the shape, the default 25 nm spacing and the labels 1 void, 2 CBD, 3 NMC", () => {
    expect(a.labels.shape).toEqual(shape);
    expect(a.labels.spacing).toEqual([25, 25, 25]);
    expect(new Set(a.labels.data)).toEqual(new Set([VOID, CBD, NMC]));
    expect(a.center).toEqual([1100, 1100, 1100]);
    expect(a.outlineRange[0]).toBeLessThanOrEqual(800);
    expect(a.outlineRange[1]).toBeGreaterThanOrEqual(800);
  });

  it("is one connected NMC body with nothing solid outside outline + relief + binder", async () => {
    for (const connectivity of [6, 26] as const) {
      const cc = await connectedComponents(
        mask(a.labels, (x) => x === NMC),
        { connectivity },
      );
      expect(cc.count).toBe(1);
    }
    const [nz, ny, nx] = shape;
    const far = a.outlineRange[1] + 0.15 * 350 + 150 + 25;
    const near = a.outlineRange[0] - 0.15 * 350 - 25;
    let solidFar = 0;
    let voidNear = 0;
    let nearCount = 0;
    for (let z = 0, i = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++, i++) {
          const d = Math.hypot(
            (z + 0.5) * 25 - a.center[0],
            (y + 0.5) * 25 - a.center[1],
            (x + 0.5) * 25 - a.center[2],
          );
          if (d > far && a.labels.data[i] !== VOID) solidFar++;
          if (d < near) {
            nearCount++;
            if (a.labels.data[i] === CBD) voidNear++;
          }
        }
    expect(solidFar).toBe(0);
    // binder only at the surface: none deeper than the penetration depth inside the outline
    expect(voidNear).toBe(0);
    expect(nearCount).toBeGreaterThan(0);
  });

  it("closed grain boundaries give a dense particle; open ones intergranular pores that widen with the gap width", () => {
    const dense = porousParticle(shape, {
      ...opts,
      openFraction: 0,
      shellOpenFraction: 0,
      coreVacancy: 0,
      cbdCoverage: 0,
    });
    const open = (w: number) =>
      porousParticle(shape, {
        ...opts,
        openFraction: 1,
        shellOpenFraction: 1,
        coreVacancy: 0,
        cbdCoverage: 0,
        surfaceRelief: 0,
        poreWidth: [w, w],
      });
    const inBall = (v: Volume<Uint8Array>, r: number) => {
      let nmc = 0;
      let all = 0;
      const [nz, ny, nx] = v.shape;
      for (let z = 0, i = 0; z < nz; z++)
        for (let y = 0; y < ny; y++)
          for (let x = 0; x < nx; x++, i++) {
            if (Math.hypot((z + 0.5) * 25 - 1100, (y + 0.5) * 25 - 1100, (x + 0.5) * 25 - 1100) > r)
              continue;
            all++;
            if (v.data[i] === NMC) nmc++;
          }
      return nmc / all;
    };
    expect(count(dense.labels.data, CBD)).toBe(0);
    expect(inBall(dense.labels, 600)).toBe(1);
    const f50 = inBall(open(50).labels, 600);
    const f100 = inBall(open(100).labels, 600);
    expect(f50).toBeLessThan(0.95);
    expect(f100).toBeLessThan(f50 - 0.05);
  });

  it("names the option and what it expects on bad input", () => {
    expect(() => porousParticle(shape, { radius: -1 })).toThrow(/radius/);
    expect(() => porousParticle(shape, { poreWidth: [200, 40] })).toThrow(
      /poreWidth.*\[min, max\] with 0 < min <= max/,
    );
    expect(() => porousParticle(shape, { openFraction: 1.5 })).toThrow(/openFraction/);
    expect(() => porousParticle(shape, { center: [1, 2] as never })).toThrow(/center/);
  });
});

describe("porous-particle samples", () => {
  it("porous-particle-small loads from its committed files and regenerates to the same bytes", async () => {
    const s = await loadSample("porous-particle-small", { generate: false });
    expect(s.kind).toBe("fibsem");
    expect(s.truth.shape).toEqual([104, 104, 104]);
    expect(s.truth.spacing).toEqual([25, 25, 25]);
    expect(s.particle?.radius).toBe(1000);
    expect(s.particle?.center).toEqual([1300, 1300, 1300]);
    expect(new Set(s.truth.data)).toEqual(new Set([VOID, CBD, NMC]));
    const g = generateSample("porous-particle-small");
    for (const k of ["se2", "inlens", "truth", "labels", "redeposition"] as const)
      expect(volumeSha256(g[k])).toBe(volumeSha256(s[k]));
    expect(g.particle).toEqual(s.particle);
  }, 60_000);

  it("images: NMC brighter than the void outside in both detectors, few clipped pixels", async () => {
    const s = await loadSample("porous-particle-small", { generate: false });
    for (const img of [s.se2, s.inlens]) {
      let nmc = 0;
      let nn = 0;
      let out = 0;
      let no = 0;
      let clipped = 0;
      for (let i = 0; i < img.data.length; i++) {
        const v = img.data[i];
        if (v === 0 || v === 255) clipped++;
        if (s.truth.data[i] === NMC) {
          nmc += v;
          nn++;
        } else if (s.truth.data[i] === VOID && s.redeposition.data[i] === 0) {
          out += v;
          no++;
        }
      }
      expect(nmc / nn).toBeGreaterThan(out / no + 30);
      expect(clipped / img.data.length).toBeLessThan(0.01);
    }
    expect(count(s.redeposition.data)).toBe(0);
  });

  it("has inner pores a 150 nm ball cannot reach, connected to the outside, and a denser shell", async () => {
    const s = await loadSample("porous-particle-small", { generate: false });
    const { inner, free } = await rollingBall(s.truth, 150);
    const nInner = count(inner);
    const nNmc = count(s.truth.data, NMC);
    expect(nInner).toBeGreaterThan(0.05 * nNmc);
    // The particle (NMC and inner pores) has about the nominal radius.
    const volume = (nInner + nNmc) * 25 ** 3;
    const rEq = Math.cbrt((3 * volume) / (4 * Math.PI));
    expect(Math.abs(rEq - 1000)).toBeLessThan(60);
    // Most inner pore space is open to the outside through narrow gaps (pore paths exist).
    const cc = await connectedComponents(free, { connectivity: 6 });
    const corner = cc.labels.data[0];
    expect(corner).toBeGreaterThan(0);
    let connected = 0;
    for (let i = 0; i < inner.length; i++) if (inner[i] && cc.labels.data[i] === corner) connected++;
    expect(connected).toBeGreaterThan(0.5 * nInner);
    // NMC volume fraction of the particle: higher within 300 nm of its boundary than deeper than 500 nm.
    const particle = { ...free, data: inner.map((p, i) => (p || s.truth.data[i] === NMC ? 1 : 0)) };
    const depth = await distanceTransform(particle, { inline: true });
    const shell = [0, 0];
    const core = [0, 0];
    for (let i = 0; i < inner.length; i++) {
      if (!particle.data[i]) continue;
      const acc = depth.data[i] < 300 ? shell : depth.data[i] > 500 ? core : undefined;
      if (!acc) continue;
      acc[0] += s.truth.data[i] === NMC ? 1 : 0;
      acc[1]++;
    }
    expect(shell[0] / shell[1]).toBeGreaterThan(core[0] / core[1] + 0.05);
  }, 60_000);

  it("the default porous-particle holds the whole particle, deep enough for d_l = 2 um", () => {
    const spec = SAMPLES["porous-particle"];
    const entry = readManifest()!.samples.find((e) => e.name === "porous-particle")!;
    const p = entry.meta.particle as { center: number[]; radius: number; outlineRange: number[] };
    expect(p.radius).toBe(spec.particle!.radius);
    // the centre lies deeper than 2 um plus one primary below the lowest outline (less the relief)
    expect(p.outlineRange[0] - 0.15 * 350).toBeGreaterThan(2000 + 350);
    const reach = p.outlineRange[1] + 0.15 * 350 + 150;
    p.center.forEach((c, a) => {
      expect(c - reach).toBeGreaterThan(0);
      expect(c + reach).toBeLessThan(spec.shape[a] * spec.spacing[a]);
    });
  });
});
