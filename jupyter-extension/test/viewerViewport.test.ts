// The viewer's viewport (viewport.ts: fit, zoom, pan, canvas -> plane pixel -> voxel) and its
// readout line (viewerReadout.ts), worked out by hand.
import { describe, expect, it } from "vitest";
import { Viewport } from "../src/viewport.js";
import { readoutText } from "../src/viewerReadout.js";
import type { LabelClass } from "../src/viewerTypes.js";

describe("viewport", () => {
  // volume z 4, y 20, x 10; spacing dz 2, dy 1, dx 1
  const make = () => new Viewport([4, 20, 10], [2, 1, 1], "xy", 1);

  it("fits the image, centred, and maps canvas points to plane pixels", () => {
    const v = make();
    // xy image 10 x 20 on a 100 x 100 canvas: scale min(100/10, 100/20) = 5, offset (25, 0)
    expect(v.geometry(100, 100, 10, 20)).toEqual({
      width: 100,
      height: 100,
      offset: [25, 0],
      scale: 5,
      aspect: 1,
    });
    expect(v.pixelAt(25, 0)).toEqual([0, 0]);
    expect(v.pixelAt(74.9, 99.9)).toEqual([9, 19]);
    expect(v.pixelAt(24.9, 50)).toBeUndefined();
    expect(v.pixelAt(75, 50)).toBeUndefined();
  });

  it("stretches v by the voxel aspect on xz and keeps zoom / pan until refit", () => {
    const v = make();
    expect(v.setPlane("xz")).toBe(true);
    expect([v.plane, v.slice, v.depth(), v.axis()]).toEqual(["xz", 10, 20, "y"]);
    // xz image 10 x 4, pixel 1 x 2: aspect 2, scale min(100/10, 100/8) = 10, offset (0, 10)
    const g = v.geometry(100, 100, 10, 4);
    expect([g.scale, g.aspect, g.offset]).toEqual([10, 2, [0, 10]]);
    expect(v.pixelAt(15, 10 + 2 * 20 + 1)).toEqual([1, 2]);
    expect(v.voxelAt(1, 2)).toEqual([2, 10, 1]);
    // zoom in about (0, 10): scale 12.5, offset stays; pan by (4, -2) client px at k = 2
    v.zoomAt(0, 10, true);
    v.startPan(100, 100);
    v.panTo(104, 98, 2);
    v.endPan();
    v.panTo(200, 200, 2); // no pan under way: nothing moves
    expect(v.geometry(100, 100, 10, 4).offset).toEqual([8, 6]);
    expect(v.geometry(100, 100, 10, 4).scale).toBe(12.5);
    v.refit();
    expect(v.geometry(100, 100, 10, 4).scale).toBe(10);
  });

  it("clamps and rounds slices", () => {
    const v = make();
    expect(v.setSlice(1.2)).toBe(false); // rounds to the current slice
    expect(v.setSlice(99)).toBe(true);
    expect(v.slice).toBe(3);
    expect(v.setSlice(-5)).toBe(true);
    expect(v.slice).toBe(0);
    expect(v.setPlane("xy")).toBe(false);
  });
});

describe("readout", () => {
  const classes: LabelClass[] = [{ id: 2, name: "pore", color: "#000000" }];

  it("voxel, physical position, values, label and prediction", () => {
    const text = readoutText({
      voxel: [3, 4, 5],
      spacing: [10, 5, 2.5],
      unit: "nm",
      channels: [
        { name: "SE2", value: 123.456789 },
        { name: "InLens", value: undefined },
      ],
      overlays: [{ name: "p", value: 0.123456 }],
      label: 2,
      classes,
      predicted: "predicted pore",
    });
    expect(text).toBe(
      "z 3  y 4  x 5  (30, 20, 12.5 nm)  |  SE2 123.46  |  InLens …  |  p 0.1235  |  label 2 pore  |  predicted pore",
    );
  });

  it("voxels without calibration, unlabelled", () => {
    const text = readoutText({
      voxel: [0, 1, 2],
      spacing: [1, 1, 1],
      unit: "pixel",
      channels: [],
      overlays: [],
      label: 0,
      classes,
    });
    expect(text).toBe("z 0  y 1  x 2  (voxels, no calibration)  |  label -");
  });
});
