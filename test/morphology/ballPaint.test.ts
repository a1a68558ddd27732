import { describe, expect, it } from "vitest";
import {
  ballRows,
  paintedBits,
  paintSegments,
} from "../../kernel-lib/src/morphology/ballPaint.js";
import type { BallRows } from "../../kernel-lib/src/morphology/ballPaint.js";
import type { Shape3 } from "../../kernel-lib/src/volume/types.js";

/** The reference: every voxel of every span tested one by one (as before the painted bits). */
function paintVoxelByVoxel(
  out: Float32Array,
  seg: Int32Array,
  ball: BallRows,
  value: number,
  shape: Shape3,
  zLo: number,
  zHi: number,
): void {
  const [nz, ny, nx] = shape;
  for (let s = 0; s < seg.length; s += 3) {
    const z = Math.floor(seg[s]! / ny);
    const y = seg[s]! - z * ny;
    for (let k = 0; k < ball.w.length; k++) {
      const zz = z + ball.dz[k]!;
      const yy = y + ball.dy[k]!;
      if (zz < zLo || zz >= zHi || zz >= nz || yy < 0 || yy >= ny) continue;
      const o = (zz * ny + yy) * nx;
      const a = o + Math.max(0, seg[s + 1]! - ball.w[k]!);
      const b = o + Math.min(nx - 1, seg[s + 2]! + ball.w[k]!);
      for (let i = a; i <= b; i++) if (out[i] === 0) out[i] = value;
    }
  }
}

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Random segments [row, x0, x1] in raster order. */
function randomSegments(shape: Shape3, count: number, r: () => number): Int32Array {
  const [nz, ny, nx] = shape;
  const seg: number[] = [];
  for (let k = 0; k < count; k++) {
    const row = Math.floor(r() * nz * ny);
    const x0 = Math.floor(r() * nx);
    const x1 = Math.min(nx - 1, x0 + Math.floor(r() * 5));
    seg.push(row, x0, x1);
  }
  return Int32Array.from(seg);
}

describe("paintSegments with painted bits", () => {
  // Row lengths that are and are not multiples of 32, spans crossing words, blocks of planes
  // starting inside a word, several values painted in turn over a partly set volume.
  for (const shape of [
    [7, 9, 45],
    [6, 5, 64],
    [5, 3, 33],
  ] as Shape3[]) {
    it(`equals the voxel-by-voxel painting on ${shape.join("x")}`, () => {
      const r = lcg(shape[2]);
      const n = shape[0] * shape[1] * shape[2];
      const start = new Float32Array(n);
      for (let i = 0; i < n; i++) if (r() < 0.2) start[i] = 9;
      const plain = start.slice();
      const fast = start.slice();
      const blocks = [
        [0, 2],
        [2, 3],
        [3, shape[0]],
      ];
      const radii = [3.2, 2.1, 1.5, 1];
      const segs = radii.map(() => randomSegments(shape, 12, r));
      for (const [zLo, zHi] of blocks) {
        const bits = paintedBits(fast, shape, zLo!, zHi!);
        radii.forEach((radius, k) => {
          const ball = ballRows(radius, [1, 1.3, 0.8]);
          paintVoxelByVoxel(plain, segs[k]!, ball, radius, shape, zLo!, zHi!);
          paintSegments(fast, segs[k]!, ball, radius, shape, zLo, zHi, bits);
        });
      }
      expect(Array.from(fast)).toEqual(Array.from(plain));
      // The painting did something, and left the voxels set at the start alone.
      expect(plain.filter((v) => v !== 0 && v !== 9).length).toBeGreaterThan(n / 10);
      for (let i = 0; i < n; i++) if (start[i] === 9) expect(fast[i]).toBe(9);
    });
  }

  it("a span over one voxel sets exactly that voxel (hand case)", () => {
    const shape: Shape3 = [1, 1, 70];
    const out = new Float32Array(70);
    out[40] = 5;
    const bits = paintedBits(out, shape, 0, 1);
    // Ball of radius 1 on unit spacing: the single voxel; segment x 31..41.
    paintSegments(out, Int32Array.from([0, 31, 41]), ballRows(1, [1, 1, 1]), 2, shape, 0, 1, bits);
    const expected = new Float32Array(70);
    expected.fill(2, 31, 42);
    expected[40] = 5;
    expect(Array.from(out)).toEqual(Array.from(expected));
  });
});
