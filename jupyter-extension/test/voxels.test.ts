// Voxel buffers (voxels.ts) and source checks (volumeSource.ts) on hand-worked cases.
import { describe, expect, it } from "vitest";
import { bytesToBase64 } from "../src/base64.js";
import { checkCacheFile, checkLevels, coarseLevel, inlineVoxels } from "../src/volumeSource.js";
import { newVoxels, rangeVoxels, upsamplePlane } from "../src/voxels.js";

const P = "tomolab-cache/abcdef12.uint16.raw";

describe("rangeVoxels", () => {
  it("reads the range answered, or keeps the whole file a server sent instead", () => {
    const range = Uint16Array.from([12, 13]).buffer;
    const exact = rangeVoxels("uint16", P, range, 4, 2, 6);
    expect(Array.from(exact.voxels)).toEqual([12, 13]);
    expect(exact.whole).toBeUndefined();
    // whole file of 6 values; bytes 4..8 are values 2 and 3
    const file = Uint16Array.from([10, 11, 12, 13, 14, 15]).buffer;
    const whole = rangeVoxels("uint16", P, file, 4, 2, 6);
    expect(Array.from(whole.voxels)).toEqual([12, 13]);
    expect(Array.from(whole.whole!)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(() => rangeVoxels("uint16", P, new ArrayBuffer(6), 4, 2, 6)).toThrow(
      `${P}: expected 4 bytes at 4, received 6`,
    );
  });

  it("makes zeroed arrays of the dtype", () => {
    const v = newVoxels("float32", 3);
    expect(v).toBeInstanceOf(Float32Array);
    expect(Array.from(v)).toEqual([0, 0, 0]);
  });
});

describe("upsamplePlane", () => {
  it("repeats each level pixel factor times along both axes, cut at the plane's edge", () => {
    // level 2 x 2 (u fastest) [1 2 / 3 4], factor 2, plane 3 x 3
    const out = upsamplePlane(Uint8Array.from([1, 2, 3, 4]), 2, 2, 3, 3, 2);
    expect(Array.from(out)).toEqual([1, 1, 2, 1, 1, 2, 3, 3, 4]);
  });
});

describe("volume sources", () => {
  it("decodes inline bytes little-endian and checks their count", () => {
    const b64 = bytesToBase64(Uint8Array.from([1, 0, 2, 1]));
    expect(Array.from(inlineVoxels(b64, [1, 1, 2], "uint16"))).toEqual([1, 258]);
    expect(() => inlineVoxels(b64, [1, 1, 4], "uint16")).toThrow(
      "inline array has 4 bytes, shape 1x1x4 uint16 needs 8",
    );
  });

  it("reads only cache files of the right size", () => {
    expect(() => checkCacheFile(P, 16, [1, 2, 4], "uint16")).not.toThrow();
    expect(() => checkCacheFile(P, 15, [1, 2, 4], "uint16")).toThrow(
      `${P} has 15 bytes, shape 1x2x4 uint16 needs 16`,
    );
    expect(() =>
      checkCacheFile("tomolab-cache/../etc.uint16.raw", 16, [1, 2, 4], "uint16"),
    ).toThrow(/refusing to read .*not a tomolab-cache file/);
  });

  it("sorts levels finest first; xz / yz come from the finest that fits", () => {
    // shape 5 x 6 x 7 uint8: factor 2 -> 3 x 3 x 4 = 36 bytes, factor 4 -> 2 x 2 x 2 = 8 bytes
    const l2 = {
      factor: 2,
      path: "tomolab-cache/22222222.uint8.raw",
      bytes: 36,
      shape: [3, 3, 4] as [number, number, number],
    };
    const l4 = {
      factor: 4,
      path: "tomolab-cache/44444444.uint8.raw",
      bytes: 8,
      shape: [2, 2, 2] as [number, number, number],
    };
    const levels = checkLevels(
      { kind: "file", path: "tomolab-cache/00000000.uint8.raw", bytes: 210, levels: [l4, l2] },
      [5, 6, 7],
      "uint8",
    );
    expect(levels.map((l) => l.factor)).toEqual([2, 4]);
    expect(coarseLevel(levels, 36)?.factor).toBe(2);
    expect(coarseLevel(levels, 35)?.factor).toBe(4);
    expect(coarseLevel(levels, 7)).toBeUndefined();
    expect(() =>
      checkLevels(
        { kind: "file", path: P, bytes: 420, levels: [{ ...l2, factor: 1.5 }] },
        [5, 6, 7],
        "uint16",
      ),
    ).toThrow(/factor 1.5 shape 3x3x4, expected an integer factor >= 2 and shape 4x4x5/);
  });
});
