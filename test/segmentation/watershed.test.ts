import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grainWatershed } from "../../kernel-lib/src/segmentation/index.js";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/watershed/watershed.json", import.meta.url), "utf8"),
) as {
  pipeline: {
    shape: Shape3;
    boundary: number[];
    background: number[];
    interior: number[];
    h: number;
    markers: number;
    expected: number[];
    count: number;
    expectedKept: number[];
    countKept: number;
  };
};

const vol = <T extends Volume["data"]>(data: T, shape: Shape3): Volume<T> => ({
  data,
  shape,
  spacing: [1, 1, 1],
});

describe("grainWatershed vs the skimage recipe (test/fixtures/generate_watershed.py)", () => {
  const p = fixture.pipeline;
  const probabilities = {
    boundary: vol(Float32Array.from(p.boundary), p.shape),
    background: vol(Float32Array.from(p.background), p.shape),
    interior: vol(Float32Array.from(p.interior), p.shape),
  };

  it("a particle of Voronoi grains: h-minima markers, watershed, post-processing", () => {
    const r = grainWatershed(probabilities, { h: p.h, ties: "skimage" });
    expect(r.markers).toBe(p.markers);
    expect(r.count).toBe(p.count);
    expect(r.count).toBeGreaterThan(4);
    expect(r.removed).toBe(p.markers - p.count);
    expect(Array.from(r.labels.data)).toEqual(p.expected);
  });

  it("without the removal steps the outside regions stay (the fixture tests them)", () => {
    const r = grainWatershed(probabilities, {
      h: p.h,
      ties: "skimage",
      maxBackgroundFraction: 1,
      largestComponent: false,
    });
    expect(r.count).toBe(p.countKept);
    expect(Array.from(r.labels.data)).toEqual(p.expectedKept);
    expect(p.expectedKept).not.toEqual(p.expected);
  });

  it("the bucket queue (default ties) finds the same grains up to a few tie voxels", () => {
    const r = grainWatershed(probabilities, { h: p.h });
    expect(r.count).toBe(p.count);
    let differ = 0;
    for (let i = 0; i < p.expected.length; i++) if (r.labels.data[i] !== p.expected[i]) differ++;
    expect(differ).toBeLessThanOrEqual(p.expected.length * 0.001);
  });
});

describe("grainWatershed by hand", () => {
  // A row of 12 voxels: background (B = 0.9) on both ends, a particle of two grains in the
  // middle split by a boundary peak, and a dip of the boundary map in the left background.
  //   x:          0    1    2    3    4    5    6    7    8    9   10   11
  const boundary = [0.3, 0.0, 0.3, 0.4, 0.1, 0.05, 0.9, 0.1, 0.05, 0.2, 0.5, 0.6];
  const background = [0.9, 0.9, 0.9, 0.6, 0.1, 0.0, 0.05, 0.0, 0.1, 0.2, 0.8, 0.9];
  const shape: Shape3 = [1, 1, 12];
  const input = {
    boundary: vol(Float32Array.from(boundary), shape),
    background: vol(Float32Array.from(background), shape),
  };

  it("background voxels become 0, the region seeded in the background is removed, labels 1..n", () => {
    // minima of depth >= 0.2: x = 1 (0.0, in the background) and x = 5, x = 8 (the grains).
    // Flood: x = 0..3 from x = 1; x = 4..6 from x = 5 (the peak at 6 reached first from the
    // left: equal age order); x = 7..11 from x = 8. Background (B > 0.5): x = 0..3, 10, 11.
    const r = grainWatershed(input, { h: 0.2, ties: "skimage" });
    expect(r.markers).toBe(3);
    expect(r.count).toBe(2);
    expect(r.removed).toBe(1);
    expect(Array.from(r.labels.data)).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0]);
    // a lower threshold makes more background: B = 0.2 at x = 9 now counts
    const low = grainWatershed(input, { h: 0.2, backgroundThreshold: 0.15 });
    expect(Array.from(low.labels.data)).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 0, 0, 0]);
  });

  it("keeps only the largest connected part of the grains (detached outside bits go)", () => {
    // x = 1 is not background here: its region survives step 2 but lies apart from the particle
    const b = background.slice();
    b[1] = 0.2;
    const detached = { ...input, background: vol(Float32Array.from(b), shape) };
    const all = grainWatershed(detached, { h: 0.2, largestComponent: false });
    expect(Array.from(all.labels.data)).toEqual([0, 1, 0, 0, 2, 2, 2, 3, 3, 3, 0, 0]);
    const particle = grainWatershed(detached, { h: 0.2 });
    expect(Array.from(particle.labels.data)).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0]);
    expect(particle.removed).toBe(1);
  });

  it("floods a single relief inside a mask (no post-processing beyond the renumbering)", () => {
    const relief = vol(Float32Array.from(boundary), shape);
    const mask = vol(Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]), shape);
    const r = grainWatershed(relief, { h: 0.2, mask });
    // the minimum at x = 1 is outside the mask: its marker is dropped, labels stay 1..2
    expect(r.markers).toBe(3);
    expect(Array.from(r.labels.data)).toEqual(
      [0, 0, 0, 0, 2, 2, 2, 3, 3, 3, 3, 3].map((l) => (l ? l - 1 : 0)),
    );
    expect(r.count).toBe(2);
  });

  it('order "foreground": grains touching the background are not joined through it (2D hand case)', () => {
    // 3 x 5: row 0 is background with P(boundary) 0, rows 1-2 two grains split by a ridge at
    // x = 2 that does not reach into the background.
    const pb = [0, 0, 0, 0, 0, 0, 0, 0.9, 0, 0, 0, 0, 0.9, 0, 0];
    const pbg = [0.9, 0.9, 0.9, 0.9, 0.9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const s2: Shape3 = [1, 3, 5];
    const p = {
      boundary: vol(Float32Array.from(pb), s2),
      background: vol(Float32Array.from(pbg), s2),
    };
    // the paper's order: the zero plateau runs through the background, one marker, one grain
    const paper = grainWatershed(p, { h: 0.2 });
    expect(paper.markers).toBe(1);
    expect(paper.count).toBe(1);
    expect(Array.from(paper.labels.data).slice(5)).toEqual(new Array(10).fill(1));
    // foreground first: two markers, two grains; the ridge goes to one of them
    const fg = grainWatershed(p, { h: 0.2, order: "foreground", ties: "skimage" });
    expect(fg.markers).toBe(2);
    expect(fg.count).toBe(2);
    const l = Array.from(fg.labels.data);
    expect(l.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect([l[5], l[6], l[10], l[11]]).toEqual([1, 1, 1, 1]);
    expect([l[8], l[9], l[13], l[14]]).toEqual([2, 2, 2, 2]);
    // the ridge voxels join a neighbour each; small grains go
    expect([1, 2]).toContain(l[7]);
    expect([1, 2]).toContain(l[12]);
    const sizes = [1, 2].map((g) => l.filter((v) => v === g).length);
    expect(sizes[0]! + sizes[1]!).toBe(10);
    const keepBoth = grainWatershed(p, {
      h: 0.2,
      order: "foreground",
      ties: "skimage",
      minGrainVoxels: Math.min(...sizes),
    });
    expect(keepBoth.count).toBe(2);
    const none = grainWatershed(p, {
      h: 0.2,
      order: "foreground",
      ties: "skimage",
      minGrainVoxels: Math.max(...sizes) + 1,
    });
    expect(none.count).toBe(0);
    expect(none.removed).toBe(2);
    expect(Array.from(none.labels.data).every((v) => v === 0)).toBe(true);
    expect(() => grainWatershed(p, { h: 0.2, order: "bogus" as "paper" })).toThrow(/options.order/);
    expect(() => grainWatershed(p.boundary, { h: 0.2, order: "foreground" })).toThrow(
      /order.*needs the probabilities/,
    );
  });

  it("mergeBelow joins a fragment to the neighbour behind its weakest boundary (hand case)", () => {
    // A (x = 0..3, relief 0), fragment B (x = 5, 0.1) behind a weak ridge (0.5 at x = 4),
    // C (x = 7..13, 0) behind a strong one (0.9 at x = 6)
    const row = [0, 0, 0, 0, 0.5, 0.1, 0.9, 0, 0, 0, 0, 0, 0, 0];
    const relief = vol(Float32Array.from(row), [1, 1, 14]);
    const plain = grainWatershed(relief, { h: 0.05, ties: "skimage" });
    expect(plain.count).toBe(3);
    const l = Array.from(plain.labels.data);
    expect(l[5]).not.toBe(l[3]);
    expect(l.filter((v) => v === l[5])).toHaveLength(1); // B is one voxel
    // B's faces: with A mean (0.5 + 0.1) / 2 = 0.3, with C (0.1 + 0.9) / 2 = 0.5: it joins A
    const merged = grainWatershed(relief, { h: 0.05, ties: "skimage", mergeBelow: 2 });
    expect(merged.count).toBe(2);
    const m = Array.from(merged.labels.data);
    expect(m.slice(0, 6)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(m.slice(6).every((v) => v === 2)).toBe(true);
    // regions at least mergeBelow voxels large stay apart
    expect(grainWatershed(relief, { h: 0.05, ties: "skimage", mergeBelow: 1 }).count).toBe(3);
  });

  it("rejects bad input with clear messages", () => {
    const relief = vol(Float32Array.from(boundary), shape);
    expect(() => grainWatershed(input, {} as { h: number })).toThrow(/`options.h`.*required/);
    expect(() => grainWatershed(input, { h: -1 })).toThrow(/options.h/);
    expect(() => grainWatershed({ boundary: input.boundary } as never, { h: 0.2 })).toThrow(
      /needs the `boundary` and `background`/,
    );
    expect(() =>
      grainWatershed({ ...input, background: vol(new Float32Array(6), [1, 1, 6]) }, { h: 0.2 }),
    ).toThrow(/input.background.*shape/);
    expect(() =>
      grainWatershed({ ...input, background: vol(new Uint8Array(12), shape) }, { h: 0.2 }),
    ).toThrow(/input.background/);
    expect(() => grainWatershed(relief, { h: 0.2, backgroundThreshold: 0.5 })).toThrow(
      /backgroundThreshold.*needs the probabilities/,
    );
    expect(() => grainWatershed(input, { h: 0.2, connectivity: 18 as 6 })).toThrow(/connectivity/);
    expect(() => grainWatershed(input, { h: 0.2, backgroundThreshold: 2 })).toThrow(
      /backgroundThreshold/,
    );
    expect(() => grainWatershed(input, { h: 0.2, speed: 1 } as never)).toThrow(/options.speed/);
    expect(() =>
      grainWatershed({ ...input, foreground: input.boundary } as never, { h: 0.2 }),
    ).toThrow(/input.foreground/);
  });
});
