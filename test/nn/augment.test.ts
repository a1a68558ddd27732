import { describe, expect, it } from "vitest";
import {
  allowedSymmetries,
  applySymmetry,
  extractBox,
  getNnBackend,
  invertSymmetry,
  reflectIndex,
  sampleCropOrigin,
  symmetryShape,
  trainingCrop,
} from "../../kernel-lib/src/nn/index.js";
import { createRng } from "../../kernel-lib/src/stats/random.js";

const { tf } = await getNnBackend({ backend: "cpu", log: false });

/** Values 0..n-1 in a shape, so each voxel is identifiable. */
const iota = (shape: number[]) =>
  Float32Array.from({ length: shape[0]! * shape[1]! * shape[2]! }, (_, i) => i);

describe("isometric augmentation", () => {
  it("counts: 48 for an isotropic cube, 16 with anisotropic z or a flat crop, 8 in 2D", () => {
    expect(allowedSymmetries(3, [8, 8, 8], [50, 50, 50])).toHaveLength(48);
    expect(allowedSymmetries(3, [8, 8, 8], [100, 50, 50])).toHaveLength(16);
    expect(allowedSymmetries(3, [4, 8, 8], [50, 50, 50])).toHaveLength(16);
    expect(allowedSymmetries(3, [8, 8, 8], [30, 50, 70])).toHaveLength(8);
    expect(allowedSymmetries(2, [1, 8, 8], [1, 1, 1])).toHaveLength(8);
    expect(allowedSymmetries(2, [1, 8, 8], [1, 1, 2])).toHaveLength(4);
    // anisotropic z: z stays the first axis in every symmetry
    for (const s of allowedSymmetries(3, [8, 8, 8], [100, 50, 50])) expect(s.perm[0]).toBe(0);
  });

  it("equals tf.transpose + tf.reverse for all 48, and all 48 are distinct", () => {
    const shape = [3, 4, 5];
    const data = iota(shape);
    const seen = new Set<string>();
    // a cube for the permutations between different lengths (the test shape is not cubic)
    for (const s of allowedSymmetries(3, [4, 4, 4], [1, 1, 1])) {
      const out = applySymmetry(data, shape, s);
      const axes = [0, 1, 2].filter((k) => s.flip[k]);
      const ref = tf.tidy(() =>
        tf.reverse(tf.transpose(tf.tensor(data, shape), s.perm), axes).dataSync(),
      );
      expect(Array.from(out)).toEqual(Array.from(ref));
      expect(symmetryShape(shape, s)).toEqual(s.perm.map((p) => shape[p]));
      seen.add(Array.from(out).join(","));
    }
    expect(seen.size).toBe(48);
  });

  it("the inverse of each symmetry restores the array exactly", () => {
    const shape = [3, 4, 5];
    const data = iota(shape);
    const labels = Int32Array.from(data, (v) => v % 7);
    for (const s of allowedSymmetries(3, [4, 4, 4], [1, 1, 1])) {
      const t = applySymmetry(data, shape, s);
      const l = applySymmetry(labels, shape, s);
      const inv = invertSymmetry(s);
      const back = applySymmetry(t, symmetryShape(shape, s), inv);
      expect(Array.from(back)).toEqual(Array.from(data));
      // image and labels move together: the label at each output voxel is still that of its image value
      for (let i = 0; i < t.length; i++) expect(l[i]).toBe(t[i]! % 7);
      expect(Array.from(applySymmetry(l, symmetryShape(shape, s), inv))).toEqual(
        Array.from(labels),
      );
    }
  });
});

describe("crops", () => {
  it("reflectIndex is numpy's reflect", () => {
    // np.pad(np.arange(4), 6, mode="reflect"), written out by hand: mirror at 0 and 3, period 6
    const ref = [0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3];
    expect(Array.from({ length: 16 }, (_, i) => reflectIndex(i - 6, 4))).toEqual(ref);
    expect(reflectIndex(-3, 1)).toBe(0);
  });

  it("extractBox equals tf.mirrorPad (reflect) then slice", () => {
    const shape = [3, 5, 4];
    const data = iota(shape);
    const out = extractBox(data, shape, [-1, -2, 1], [5, 8, 5], new Float32Array(5 * 8 * 5));
    const ref = tf.tidy(() =>
      tf
        .slice(
          tf.mirrorPad(
            tf.tensor(data, shape),
            [
              [1, 1],
              [2, 1],
              [0, 2],
            ],
            "reflect",
          ),
          [0, 0, 1],
          [5, 8, 5],
        )
        .dataSync(),
    );
    expect(Array.from(out)).toEqual(Array.from(ref));
  });

  it("every sampled crop holds a labelled voxel (in 3D with 4 labelled slices, one of the slices)", () => {
    const shape = [40, 30, 30];
    const slices = [9, 17, 25, 33];
    const labelled: number[] = [];
    // only a few labelled voxels per slice, so a crop must be placed around them
    for (const z of slices)
      for (const [y, x] of [
        [3, 4],
        [20, 27],
        [29, 0],
      ])
        labelled.push((z * 30 + y) * 30 + x);
    const set = new Set(labelled);
    const rng = createRng(5);
    for (const crop of [
      [16, 16, 16],
      [8, 32, 32],
      [64, 8, 8],
    ]) {
      for (let k = 0; k < 300; k++) {
        const o = sampleCropOrigin(rng, labelled, shape, crop);
        let hit = false;
        for (let a = 0; a < 3; a++) {
          expect(o[a]).toBeGreaterThanOrEqual(0);
          if (crop[a]! <= shape[a]!) expect(o[a]! + crop[a]!).toBeLessThanOrEqual(shape[a]!);
        }
        for (let z = o[0]; z < o[0] + crop[0]! && z < 40 && !hit; z++)
          for (let y = o[1]; y < o[1] + crop[1]! && y < 30 && !hit; y++)
            for (let x = o[2]; x < o[2] + crop[2]! && x < 30 && !hit; x++)
              hit = set.has((z * 30 + y) * 30 + x);
        expect(hit).toBe(true);
        expect(slices.some((z) => z >= o[0] && z < o[0] + crop[0]!)).toBe(true);
      }
    }
    expect(() => sampleCropOrigin(rng, [], shape, [8, 8, 8])).toThrow(/no labelled voxels/);
  });
});

describe("trainingCrop", () => {
  it("image and labels stay aligned under every isometry, also past the volume's end", () => {
    // labels are a function of the image value (class = value mod 3; -1 on unlabelled voxels
    // with value mod 5 = 0), so alignment can be checked voxel by voxel after the transform
    const shape = [6, 7, 5];
    const image = iota(shape);
    const ids = Int32Array.from(image, (v) => (v % 5 === 0 ? -1 : v % 3));
    const rng = createRng(2);
    for (const s of allowedSymmetries(3, [8, 8, 8], [1, 1, 1])) {
      const origin = [rng.int(4) - 1, rng.int(3), rng.int(3) - 2];
      const c = trainingCrop(image, ids, shape, origin, [8, 8, 8], s, (v) => v * 2);
      expect(c.shape).toEqual([8, 8, 8]);
      // the voxel's position in the volume, before the isometry: invert it on a coordinate grid
      const inv = invertSymmetry(s);
      const back = applySymmetry(Int32Array.from(c.labels), [8, 8, 8], inv);
      const img = applySymmetry(c.image, [8, 8, 8], inv);
      let j = 0;
      for (let z = 0; z < 8; z++)
        for (let y = 0; y < 8; y++)
          for (let x = 0; x < 8; x++, j++) {
            const v = img[j]! / 2;
            const inside = [origin[0]! + z, origin[1]! + y, origin[2]! + x].every(
              (p, a) => p >= 0 && p < shape[a]!,
            );
            expect(back[j]).toBe(inside ? ids[v] : -1);
            if (inside)
              expect(v).toBe(((origin[0]! + z) * 7 + origin[1]! + y) * 5 + origin[2]! + x);
          }
      for (let i = 0; i < c.labels.length; i++)
        if (c.labels[i]! >= 0) expect(c.labels[i]).toBe((c.image[i]! / 2) % 3);
    }
  });
});
