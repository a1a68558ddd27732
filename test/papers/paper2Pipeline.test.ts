import { beforeAll, describe, expect, it } from "vitest";
import {
  paper2BoundaryForest,
  paper2Pipeline,
  paper2Watershed,
  type Paper2PipelineResult,
} from "../../kernel-lib/src/papers/paper2/index.js";
import { loadSample } from "../../kernel-lib/src/synth/loadSample.js";
import type { EbsdSample } from "../../kernel-lib/src/synth/sampleCatalog.js";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";

const line = (values: number[]): Volume<Float32Array> => ({
  data: Float32Array.from(values),
  shape: [1, 1, values.length],
  spacing: [50, 50, 50],
});

describe("paper2Watershed (h-minima markers, marker watershed, background removal)", () => {
  // x = 0..5 particle, two basins (minima at x = 1 and x = 5, pass 0.9 at x = 3); x = 6..8 background.
  const pb = line([0.1, 0.0, 0.5, 0.9, 0.3, 0.0, 0.0, 0.0, 0.0]);
  const pbg = line([0, 0, 0, 0, 0, 0, 0.9, 0.9, 0.9]);

  it("hand case: two grains meet where the flood from both sides meets; background stays 0", async () => {
    const w = await paper2Watershed(pb, pbg, { h: 0.2, minGrainVoxels: 0 });
    // x = 4 (0.3) leaves the queue before x = 2 (0.5), so the pass voxel x = 3 joins the right grain.
    expect([...w.grains.data]).toEqual([1, 1, 1, 2, 2, 2, 0, 0, 0]);
    expect(w.count).toBe(2);
    expect(w.markers).toBe(2);
  });

  it("removes small grains, and moves the background with the threshold", async () => {
    const small = await paper2Watershed(pb, pbg, { h: 0.2, minGrainVoxels: 4 });
    expect([...small.grains.data]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(small.removed).toBe(2);
    const wide = await paper2Watershed(pb, pbg, {
      h: 0.2,
      minGrainVoxels: 0,
      backgroundThreshold: 0.95,
    });
    expect([...wide.grains.data]).toEqual([1, 1, 1, 2, 2, 2, 2, 2, 2]);
    // a depth beyond the relief's range gives no markers
    expect((await paper2Watershed(pb, pbg, { h: 2 })).count).toBe(0);
  });

  it("checks its inputs", async () => {
    await expect(paper2Watershed(pb, line([0, 0]))).rejects.toThrow(/shape/);
    await expect(paper2Watershed(pb, pbg, { h: 0 })).rejects.toThrow(/h/);
    await expect(paper2Watershed(pb, pbg, { connectivity: 18 as 6 })).rejects.toThrow(
      /connectivity/,
    );
  });
});

describe("paper2Pipeline on ebsd-particle-small", () => {
  let sample: EbsdSample;
  beforeAll(async () => {
    sample = await loadSample("ebsd-particle-small");
  });

  it("with the true probability maps, the glue scores a near-perfect segmentation", async () => {
    const p = (m: Volume<Uint8Array>) => ({ ...m, data: Float32Array.from(m.data) });
    const r = await paper2Pipeline(sample, {
      probabilities: {
        boundary: p(sample.boundary),
        interior: p(sample.interior),
        background: p(sample.background),
      },
      // binary maps: 6-connected markers, or interiors meeting diagonally at the surface merge
      connectivity: 6,
      descriptors: false,
    });
    expect(r.input).toBe("probabilities");
    expect(r.boundaryMap.f1).toBe(1);
    // every predicted grain boundary lies on a true one; true grains without interior are lost (measured 0.854)
    expect(r.grainBoundaries.precision).toBe(1);
    expect(r.matchedFraction).toBeGreaterThan(0.8);
    expect(r.adaptedRand.error).toBeLessThan(0.06); // measured 0.037
    expect(r.truthCount).toBe(405);
  });

  it("forest on the four labelled slices -> watershed -> scores above measured floors", async () => {
    const notes: string[] = [];
    const r: Paper2PipelineResult = await paper2Pipeline(sample, {
      onProgress: (done, total, note) => notes.push(`${done}/${total} ${note}`),
    });
    expect(notes[0]).toBe("0/4 start");
    expect(notes.at(-1)).toBe("4/4 descriptors");
    expect(r.input).toBe("iqAligned");
    const [nz, ny, nx] = sample.grains.shape;
    expect(r.probabilities.boundary.shape).toEqual([nz, ny, nx]);
    const i = 1234;
    const sum =
      r.probabilities.boundary.data[i]! +
      r.probabilities.interior.data[i]! +
      r.probabilities.background.data[i]!;
    expect(sum).toBeCloseTo(1, 5);
    // Measured (seed 1, 50 trees): boundary map F1 0.993, grain boundaries F1 0.983, matched 0.778,
    // adapted Rand error 0.088, 478 grains for 405 true ones. Floors ~0.05-0.1 below: a forest
    // that learnt nothing, markers everywhere or no background removal fall far below them.
    expect(r.boundaryMap.f1).toBeGreaterThan(0.95);
    expect(r.grainBoundaries.f1).toBeGreaterThan(0.93);
    expect(r.matchedFraction).toBeGreaterThan(0.68);
    expect(r.adaptedRand.error).toBeLessThan(0.15);
    expect(r.foreground.vRand).toBeGreaterThan(0.85);
    expect(r.grainCount).toBeGreaterThan(0.8 * r.truthCount);
    expect(r.grainCount).toBeLessThan(1.5 * r.truthCount);
    expect(r.matches.length).toBe(Math.round(r.matchedFraction * r.truthCount));
    // Descriptors of interior grains: sphericity and azimuth distributions agree (measured D 0.076, 0.061);
    // convexity does not (the true Laguerre cells are digitally convex, c = 1; watershed faces are not).
    expect(r.ks!.s.statistic).toBeLessThan(0.2);
    expect(r.ks!.phi.statistic).toBeLessThan(0.2);
    expect(r.ks!.c.statistic).toBeGreaterThan(0.5);
  });

  it("aligns the acquired stack first with `align` (Paper 2's step 1)", async () => {
    const r = await paper2Pipeline(sample, {
      align: true,
      forest: { trees: 10 },
      descriptors: false,
    });
    expect(r.input).toBe("aligned");
    expect(r.alignment!.transforms).toHaveLength(sample.iq.shape[0]);
    // alignStack recovers the synthetic shifts to a fraction of a pixel (measured 0.29)
    expect(r.alignment!.maxShiftError).toBeLessThan(1);
    // measured with 10 trees: grain boundaries F1 0.980, matched 0.674; the unaligned stack
    // (iq: sample.iq, 50 trees) scores F1 0.775, matched 0.069
    expect(r.grainBoundaries.f1).toBeGreaterThan(0.92);
    expect(r.matchedFraction).toBeGreaterThan(0.6);
  });

  it("scores a given watershed as its own (no second flood), and refuses it with watershed options", async () => {
    const p = (m: Volume<Uint8Array>) => ({ ...m, data: Float32Array.from(m.data) });
    const probabilities = {
      boundary: p(sample.boundary),
      interior: p(sample.interior),
      background: p(sample.background),
    };
    const own = await paper2Pipeline(sample, {
      probabilities,
      h: 0.1,
      connectivity: 6,
      descriptors: false,
    });
    const ws = await paper2Watershed(probabilities.boundary, probabilities.background, {
      h: 0.1,
      connectivity: 6,
    });
    const given = await paper2Pipeline(sample, {
      probabilities,
      watershed: ws,
      h: 0.1,
      descriptors: false,
    });
    expect(given.grains).toBe(ws.grains);
    expect(Array.from(given.grains.data)).toEqual(Array.from(own.grains.data));
    expect(given.grainCount).toBe(own.grainCount);
    expect(given.markers).toBe(own.markers);
    expect(given.adaptedRand.error).toBe(own.adaptedRand.error);
    expect(given.matchedFraction).toBe(own.matchedFraction);
    await expect(paper2Pipeline(sample, { watershed: ws, descriptors: false })).rejects.toThrow(
      /options\.watershed: give the `probabilities`/,
    );
    await expect(
      paper2Pipeline(sample, { probabilities, watershed: ws, relief: probabilities.boundary }),
    ).rejects.toThrow(/`watershed` or `relief`/);
    const small = {
      ...ws,
      grains: { ...ws.grains, shape: [1, 1, ws.grains.data.length] as Shape3 },
    };
    await expect(paper2Pipeline(sample, { probabilities, watershed: small })).rejects.toThrow(
      /options\.watershed\.grains/,
    );
  });

  it("checks its inputs", async () => {
    await expect(paper2Pipeline(sample, { align: true, iq: sample.iq })).rejects.toThrow(
      /not both/,
    );
    await expect(paper2Pipeline(sample.grains as unknown as EbsdSample)).rejects.toThrow(
      /EBSD sample/,
    );
    await expect(paper2BoundaryForest(sample.iqAligned)).rejects.toThrow(/targets/);
    await expect(
      paper2BoundaryForest(sample.iqAligned, { targets: sample.targets, slices: [99] }),
    ).rejects.toThrow(/outside the volume/);
    await expect(paper2Pipeline(sample, { tolerance: -1 })).rejects.toThrow(/tolerance/);
  });
});
