import { describe, expect, it } from "vitest";
import {
  paper2Relief,
  paper2SelectPostprocessing,
  paper2SliceGrains,
  paper2SliceScores,
  type Paper2Probabilities,
} from "../../kernel-lib/src/papers/paper2/index.js";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";

const vol = <T extends Int32Array | Uint8Array | Float32Array>(
  data: T,
  shape: Shape3,
): Volume<T> => ({
  data,
  shape,
  spacing: [1, 1, 1],
});

describe("paper2SliceGrains (hand grains: 4-connected interior components per labelled slice)", () => {
  it("labels each slice's interior components, unique over the stack, diagonal contact separate", () => {
    // z = 0 (labelled):   z = 1 (not labelled, codes 0 would be refused if read):
    //   2 2 1 2            0 0 0 0
    //   2 2 1 2
    //   1 1 2 1
    const targets = vol(
      Uint8Array.from([2, 2, 1, 2, 2, 2, 1, 2, 1, 1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      [2, 3, 4],
    );
    const g = paper2SliceGrains(targets, [0]);
    expect(g.counts).toEqual([3]);
    // (2, 2) touches (1, 1)'s grain only diagonally, and the right column only diagonally: its own grain.
    expect(Array.from(g.labels.data)).toEqual([1, 1, 0, 2, 1, 1, 0, 2, 0, 0, 3, 0]);
    expect(g.labels.shape).toEqual([1, 3, 4]);
    expect(() => paper2SliceGrains(targets, [1])).toThrow(/codes 1, 2, 3.*received 0 at z = 1/);
    expect(() => paper2SliceGrains(targets, [2])).toThrow(/slices/);
  });
});

describe("paper2SliceScores (cut 3D grains against the hand grains)", () => {
  // One slice 1 x 2 x 5: hand grains A = x 0..1, B = x 3..4 (x = 2 boundary), 2 voxels each... per row.
  const targets = vol(Uint8Array.from([2, 2, 1, 2, 2, 2, 2, 1, 2, 2]), [1, 2, 5]);
  const hand = paper2SliceGrains(targets, [0]);
  it("is 0 / 1 for a cut that keeps the hand grains apart (boundary voxels ignored)", () => {
    const grains = vol(Int32Array.from([4, 4, 4, 9, 9, 4, 4, 9, 9, 9]), [1, 2, 5]);
    const s = paper2SliceScores(grains, hand);
    expect(s.adaptedRandError).toBe(0);
    expect(s.matchedFraction).toBe(1);
  });
  it("gives the hand-computed error of a merge", () => {
    // Both hand grains (4 voxels each) in one cut grain: P = 2 * 4 * 3 = 24 pairs together in
    // both, A = 24 in the hand grains, B = 8 * 7 = 56 in the cut: F = 24 / (0.5 * 56 + 0.5 * 24)
    // = 0.6, error 0.4; IoU of each hand grain with the merged grain 4 / 8 = 0.5, not > 0.5.
    const grains = vol(Int32Array.from([3, 3, 3, 3, 3, 3, 3, 3, 3, 3]), [1, 2, 5]);
    const s = paper2SliceScores(grains, hand);
    expect(s.adaptedRandError).toBeCloseTo(0.4, 12);
    expect(s.sliceErrors[0]).toBeCloseTo(0.4, 12);
    expect(s.matchedFraction).toBe(0);
  });
  it("gives the hand-computed error of a split, a predicted 0 counting as one segment", () => {
    // A split into {x 0} label 1 and {x 1} label 0; B whole (label 2): n = A:(1:2, 0:2), B:(2:4).
    // P = 2 + 2 + 12 = 16, A = 24, B = 2 + 2 + 12 = 16: F = 16 / 20 = 0.8, error 0.2; B matched.
    const grains = vol(Int32Array.from([1, 0, 0, 2, 2, 1, 0, 2, 2, 2]), [1, 2, 5]);
    const s = paper2SliceScores(grains, hand);
    expect(s.adaptedRandError).toBeCloseTo(0.2, 12);
    expect(s.matchedFraction).toBe(0.5);
  });
});

// Two grains x 0..4 and x 7..11 of a 6 x 12 x 12 volume, a boundary plane at x = 5, 6
// (P(boundary) 0.9). Inside the grains P(boundary) is 0.5 with isolated pits of 0.1 on a
// period-3 lattice: unsmoothed, each pit is an h-minimum (depth ~0.4) and seeds a grain, so the
// two grains are split into 16 each; smoothed with sigma 1.5 the pits fade (< h) and the plane stays.
function twoGrains(): { probabilities: Paper2Probabilities; targets: Volume<Uint8Array> } {
  const shape: Shape3 = [6, 12, 12];
  const n = 6 * 12 * 12;
  const pb = new Float32Array(n);
  const targets = new Uint8Array(n);
  for (let z = 0; z < 6; z++)
    for (let y = 0; y < 12; y++)
      for (let x = 0; x < 12; x++) {
        const i = (z * 12 + y) * 12 + x;
        const wall = x === 5 || x === 6;
        const pit = x % 3 === 1 && y % 3 === 1 && z % 3 === 1;
        // Pits of unequal depth (0.1 to 0.118): skimage's h-minima keeps every voxel at a
        // grain's lowest value, so equal pits would stay separate markers even when smoothed.
        pb[i] = wall ? 0.9 : pit ? 0.1 + 0.003 * ((x + 2 * y + 5 * z) % 7) : 0.5;
        targets[i] = z === 1 || z === 4 ? (wall ? 1 : 2) : 0;
      }
  const interior = Float32Array.from(pb, (b) => 1 - b);
  return {
    probabilities: {
      boundary: vol(pb, shape),
      interior: vol(interior, shape),
      background: vol(new Float32Array(n), shape),
    },
    targets: vol(targets, shape),
  };
}

describe("paper2SelectPostprocessing (choice on the labelled slices only)", () => {
  const { probabilities, targets } = twoGrains();
  const candidates = [
    { sigma: 0, h: 0.1 },
    { sigma: 1.5, h: 0.1 },
    { sigma: 1.5, h: 0.1, relief: "notInterior" as const },
  ];
  it("picks the smoothing that keeps the two hand grains whole, reading targets on the slices only", async () => {
    // targets hold 0 off the slices z = 1, 4: reading them would throw.
    const r = await paper2SelectPostprocessing(
      probabilities,
      { targets, slices: [1, 4] },
      { candidates },
    );
    expect(r.handGrains).toEqual([2, 2]);
    expect(r.scores[0]!.grainCount).toBeGreaterThan(8);
    expect(r.scores[0]!.adaptedRandError).toBeGreaterThan(0.5);
    expect(r.scores[1]!.grainCount).toBe(2);
    expect(r.scores[1]!.adaptedRandError).toBe(0);
    expect(r.scores[1]!.matchedFraction).toBe(1);
    // 1 - P(interior) is P(boundary) here: the same grains, the tie goes to the earlier candidate.
    expect(r.scores[2]!.adaptedRandError).toBe(0);
    expect(r.best).toBe(1);
    expect(r.selected).toEqual({ sigma: 1.5, h: 0.1, relief: "boundary" });
    const relief = await paper2Relief(probabilities, r.selected);
    expect(Array.from(r.relief.data)).toEqual(Array.from(relief.data));
    // One held-out slice gives the same choice; "matched" too.
    const one = await paper2SelectPostprocessing(
      probabilities,
      { targets, slices: [1, 4] },
      {
        candidates,
        slices: [4],
        criterion: "matched",
      },
    );
    expect(one.slices).toEqual([4]);
    expect(one.best).toBe(1);
  });
  it("refuses bad options, naming the field", async () => {
    const labels = { targets, slices: [1, 4] };
    await expect(
      paper2SelectPostprocessing(probabilities, labels, { candidates: [{ sigma: 0, h: 0 }] }),
    ).rejects.toThrow(/options\.candidates\[0\]\.h/);
    await expect(
      paper2SelectPostprocessing(probabilities, labels, {
        candidates: [{ sigma: 1, h: 0.1, relief: "edges" as never }],
      }),
    ).rejects.toThrow(/options\.candidates\[0\]\.relief/);
    await expect(
      paper2SelectPostprocessing(probabilities, labels, { candidates: [{ sigma: -1, h: 0.1 }] }),
    ).rejects.toThrow(/sigma/);
    await expect(
      paper2SelectPostprocessing(probabilities, labels, { candidates: [] }),
    ).rejects.toThrow(/options\.candidates/);
    await expect(
      paper2SelectPostprocessing(probabilities, labels, { slices: [2] }),
    ).rejects.toThrow(/z = 2 is not a labelled slice/);
    await expect(
      paper2SelectPostprocessing(probabilities, labels, { criterion: "f1" as never }),
    ).rejects.toThrow(/criterion/);
    await expect(
      paper2SelectPostprocessing(probabilities, labels, { sigma: 1 } as never),
    ).rejects.toThrow(/options\.sigma/);
    await expect(
      paper2SelectPostprocessing(probabilities, { targets, slices: [9] }),
    ).rejects.toThrow(/labels\.slices/);
    const small = vol(new Uint8Array(8), [2, 2, 2]);
    await expect(
      paper2SelectPostprocessing(probabilities, { targets: small, slices: [0] }),
    ).rejects.toThrow(/labels\.targets/);
  });
});
