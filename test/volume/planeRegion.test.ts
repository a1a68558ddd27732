import { describe, expect, it } from "vitest";
import { planeRegion, planeSpacing } from "../../kernel-lib/src/volume/planeRegion.js";
import { slice } from "../../kernel-lib/src/volume/slice.js";
import type { Shape3 } from "../../kernel-lib/src/volume/types.js";

describe("planeRegion", () => {
  it("maps planes to regions and image sizes like the viewer", () => {
    const shape: Shape3 = [4, 5, 6];
    expect(planeRegion("xy", 2, shape)).toEqual({
      origin: [2, 0, 0],
      shape: [1, 5, 6],
      width: 6,
      height: 5,
    });
    expect(planeRegion("xz", 4, shape)).toEqual({
      origin: [0, 4, 0],
      shape: [4, 1, 6],
      width: 6,
      height: 4,
    });
    expect(planeRegion("yz", 0, shape)).toEqual({
      origin: [0, 0, 0],
      shape: [4, 5, 1],
      width: 5,
      height: 4,
    });
    expect(() => planeRegion("xy", 4, shape)).toThrow(
      "`slice` must be an integer in [0, 3] for plane xy, received 4",
    );
    expect(() => planeRegion("xz", 1.5, shape)).toThrow(
      "`slice` must be an integer in [0, 4] for plane xz, received 1.5",
    );
    expect(() => planeRegion("zz" as never, 0, shape)).toThrow(
      '`plane` must be "xy", "xz" or "yz", received "zz"',
    );
  });
});

describe("planeSpacing", () => {
  it("gives each plane image the spacing slice() gives it", () => {
    const volume = {
      data: new Uint8Array(4 * 5 * 6),
      shape: [4, 5, 6] as Shape3,
      spacing: [30, 5, 7] as [number, number, number],
    };
    expect(planeSpacing("xy", volume.spacing)).toEqual([1, 5, 7]);
    expect(planeSpacing("xz", volume.spacing)).toEqual([1, 30, 7]);
    expect(planeSpacing("yz", volume.spacing)).toEqual([1, 30, 5]);
    for (const plane of ["xy", "xz", "yz"] as const)
      expect(planeSpacing(plane, volume.spacing)).toEqual(slice(volume, plane, 1).spacing);
    expect(() => planeSpacing("zx" as never, volume.spacing)).toThrow(
      '`plane` must be "xy", "xz" or "yz", received "zx"',
    );
  });
});
