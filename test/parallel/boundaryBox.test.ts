// readPadded from a box of the volume (what cluster workers hold) against
// readPadded from the whole volume, for every boundary mode, halos larger
// than the volume included; and paddedSourceBox is the smallest such box.
import { describe, expect, it } from "vitest";
import type { Shape3 } from "../../kernel-lib/src/volume/types.js";
import { BOUNDARY_MODES, boundaryIndex } from "../../kernel-lib/src/parallel/index.js";
import { paddedSourceBox, readPadded } from "../../kernel-lib/src/parallel/boundary.js";

const shape: Shape3 = [5, 7, 6];
const n = shape[0] * shape[1] * shape[2];
const volume = Float32Array.from({ length: n }, (_, i) => i + 1);

function crop(start: Shape3, size: Shape3): Float32Array {
  const out = new Float32Array(size[0] * size[1] * size[2]);
  for (let z = 0; z < size[0]; z++)
    for (let y = 0; y < size[1]; y++)
      for (let x = 0; x < size[2]; x++)
        out[(z * size[1] + y) * size[2] + x] =
          volume[((start[0] + z) * shape[1] + start[1] + y) * shape[2] + start[2] + x]!;
  return out;
}

const cases: [Shape3, Shape3][] = [
  [
    [0, 0, 0],
    [5, 7, 6],
  ], // the whole volume
  [
    [-2, -3, -1],
    [4, 5, 4],
  ], // corner with a halo
  [
    [2, 3, 3],
    [5, 6, 5],
  ], // far corner, past the end
  [
    [-7, -9, -8],
    [19, 25, 22],
  ], // halo larger than the volume (repeated reflections)
  [
    [1, 2, 1],
    [2, 2, 2],
  ], // interior
  [
    [-4, 9, 2],
    [2, 3, 2],
  ], // entirely outside along y
];

describe("readPadded from a box", () => {
  for (const mode of BOUNDARY_MODES) {
    it(`equals the whole-volume read, mode ${mode}`, () => {
      for (const [start, padded] of cases) {
        const len = padded[0] * padded[1] * padded[2];
        const want = new Float32Array(len);
        readPadded(volume, shape, start, padded, mode, -5, want);
        const box = paddedSourceBox(shape, start, padded, mode);
        const got = new Float32Array(len).fill(NaN);
        if (box === null) {
          // nothing inside: every voxel is the fill value
          expect(mode).toBe("constant");
          readPadded(new Float32Array(0), shape, start, padded, mode, -5, got, {
            start: [0, 0, 0],
            shape: [0, 0, 0],
          });
        } else {
          readPadded(crop(box.start, box.shape), shape, start, padded, mode, -5, got, box);
        }
        expect(got).toEqual(want);
      }
    });
  }

  it("paddedSourceBox is the smallest box holding every voxel read", () => {
    for (const mode of BOUNDARY_MODES) {
      for (const [start, padded] of cases) {
        const box = paddedSourceBox(shape, start, padded, mode);
        for (let a = 0; a < 3; a++) {
          const used = Array.from({ length: padded[a]! }, (_, i) =>
            boundaryIndex(start[a]! + i, shape[a]!, mode),
          ).filter((j) => j >= 0);
          if (box === null) continue;
          expect(box.start[a]).toBe(Math.min(...used));
          expect(box.start[a]! + box.shape[a]!).toBe(Math.max(...used) + 1);
        }
      }
    }
    // whole volume with reflect: the box is the volume
    expect(paddedSourceBox(shape, [-1, -1, -1], [7, 9, 8], "reflect")).toEqual({
      start: [0, 0, 0],
      shape,
    });
    // fully outside with constant: nothing to read
    expect(paddedSourceBox(shape, [-4, 9, 2], [2, 3, 2], "constant")).toBeNull();
  });
});
