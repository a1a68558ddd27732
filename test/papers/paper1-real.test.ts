import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeTiff } from "../../kernel-lib/src/io/index.js";
import { sharedDataPath } from "../../kernel-lib/src/io/sharedData.js";
import {
  paper1RealSample,
  paper1TestSlice,
  PAPER1_REAL_VOXEL_NM,
} from "../../kernel-lib/src/papers/index.js";
import { fromArray } from "../../kernel-lib/src/volume/index.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "tomolab-paper1-real-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A taufactor-coded structure (0 pore, 85 NMC, 170 CBD): balls of NMC in pore, CBD slabs. */
function structure(nz: number, ny: number, nx: number): Uint8Array {
  const a = new Uint8Array(nz * ny * nx);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = (z * ny + y) * nx + x;
        const cz = (z % 20) - 10;
        const cy = (y % 20) - 10;
        const cx = (x % 20) - 10;
        if (cz * cz + cy * cy + cx * cx < 49) a[i] = 85;
        else if (x % 20 === 0) a[i] = 170;
      }
  return a;
}

describe("paper1RealSample", () => {
  it("images a label file: truth is the mapped structure of the imaged region, both detectors, strokes", async () => {
    const [nz, ny, nx] = [100, 80, 64];
    const raw = structure(nz, ny, nx);
    const file = path.join(dir, "electrode.tiff");
    await writeTiff(file, fromArray(raw, [nz, ny, nx]));
    const s = await paper1RealSample(file, { slices: 48 });
    // 400 nm shine-through at 10 nm: 40 slices behind; 31 rows beyond +y (400 tan 36 deg / 10, + 1)
    expect(s.se2.shape).toEqual([48, 80 - 31, 64]);
    expect(s.inlens.shape).toEqual(s.se2.shape);
    expect(s.se2.spacing).toEqual([10, 10, 10]);
    expect(s.source).toEqual({
      file,
      shape: [100, 80, 64],
      voxelNm: PAPER1_REAL_VOXEL_NM,
      slicesUsed: 48,
    });
    const map: Record<number, number> = { 0: 1, 85: 3, 170: 2 };
    const [oz, oy, ox] = s.truth.shape;
    let mismatches = 0;
    for (let z = 0; z < oz; z++)
      for (let y = 0; y < oy; y++)
        for (let x = 0; x < ox; x++)
          if (s.truth.data[(z * oy + y) * ox + x] !== map[raw[(z * ny + y) * nx + x]!])
            mismatches++;
    expect(mismatches).toBe(0);
    // the SE2 image is not the truth: shine-through and noise make void grey levels vary
    expect(new Set(s.se2.data).size).toBeGreaterThan(20);
    const test = paper1TestSlice(s);
    expect(test.z).toBe(s.testSlice);
    let strokes = 0;
    for (const v of s.labels.data) if (v !== 0) strokes++;
    expect(strokes).toBeGreaterThan(0);
    for (let z = s.excluded[0]; z <= s.excluded[1]; z++)
      for (let i = 0; i < oy * ox; i++) expect(s.labels.data[z * oy * ox + i]).toBe(0);
  });

  it("names the file and the field on bad input", async () => {
    const small = path.join(dir, "thin.tiff");
    await writeTiff(small, fromArray(new Uint8Array(30 * 40 * 40), [30, 40, 40]));
    await expect(paper1RealSample(small)).rejects.toThrow(
      /thin\.tiff: the structure has 30 slices; imaging needs more than 41/,
    );
    const odd = path.join(dir, "odd.tiff");
    const v = new Uint8Array(100 * 40 * 40);
    v[5] = 7;
    await writeTiff(odd, fromArray(v, [100, 40, 40]));
    await expect(paper1RealSample(odd, { slices: 10 })).rejects.toThrow(/odd\.tiff: .*7/);
    await expect(paper1RealSample(odd, { slices: 61 })).rejects.toThrow(/slices/);
    await expect(paper1RealSample(odd, { slice: 10 } as never)).rejects.toThrow(
      /`options.slice` is not an option/,
    );
  });

  const electrode = sharedDataPath("nmc-cathode-taufactor/electrode.tiff");
  it.skipIf(electrode === undefined)(
    "images taufactor's electrode with its three phases",
    async () => {
      const s = await paper1RealSample(electrode!, { slices: 48 });
      expect(s.se2.shape).toEqual([48, 256 - 31, 256]);
      const counts = [0, 0, 0, 0];
      for (const v of s.truth.data) counts[v]!++;
      expect(counts[0]).toBe(0);
      for (const c of [1, 2, 3]) expect(counts[c]).toBeGreaterThan(0.05 * s.truth.data.length);
    },
  );
});
