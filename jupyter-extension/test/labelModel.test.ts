import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fillAt } from "../src/floodFill.js";
import { LabelFileError } from "../src/labelFile.js";
import { LabelStore } from "../src/labelModel.js";
import { planeToVoxel } from "../src/planes.js";
import {
  DEFAULT_LABEL_CLASSES as DEFAULT_CLASSES,
  sanitizeLabelFileName,
} from "../src/viewerTypes.js";
import * as kernelLabels from "../../kernel-lib/src/display/labels.js";
import { decodeLabelRuns, loadLabels } from "../../kernel-lib/src/display/labels.js";

const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

describe("LabelStore painting", () => {
  it("paints discs of the brush radius (hand-counted voxels)", () => {
    const s = new LabelStore([3, 9, 9]);
    s.beginStroke(1);
    s.paintDisc("xy", 1, 4, 4, 0); // one voxel
    s.endStroke();
    expect(s.counts()).toEqual({ "1": 1 });
    s.beginStroke(2);
    s.paintDisc("xy", 0, 4, 4, 1); // centre + 4 neighbours
    s.endStroke();
    expect(s.counts()).toEqual({ "1": 1, "2": 5 });
    s.beginStroke(3);
    s.paintDisc("xy", 2, 4, 4, 2); // d^2 in {0,1,2,4}: 1 + 4 + 4 + 4
    s.endStroke();
    expect(s.counts()["3"]).toBe(13);
    // clipped at the border: radius 1 at the corner keeps (0,0), (1,0), (0,1)
    s.beginStroke(1);
    s.paintDisc("xy", 1, 0, 0, 1);
    s.endStroke();
    expect(s.counts()["1"]).toBe(4);
  });

  it("maps xz and yz planes to the right voxels", () => {
    expect(planeToVoxel("xy", 2, 5, 7)).toEqual([2, 7, 5]);
    expect(planeToVoxel("xz", 3, 5, 1)).toEqual([1, 3, 5]);
    expect(planeToVoxel("yz", 4, 6, 2)).toEqual([2, 6, 4]);
    const s = new LabelStore([4, 5, 6]);
    s.beginStroke(2);
    s.paintDisc("xz", 3, 5, 1, 0);
    s.paintDisc("yz", 4, 2, 3, 0);
    s.endStroke();
    expect(s.get(1, 3, 5)).toBe(2);
    expect(s.get(3, 2, 4)).toBe(2);
    expect(Array.from(s.planeLabels("xz", 3))[1 * 6 + 5]).toBe(2);
    expect(Array.from(s.planeLabels("yz", 4))[3 * 5 + 2]).toBe(2);
    expect(total(s.counts())).toBe(2);
  });

  it("paints lines without gaps and erases with value 0", () => {
    const s = new LabelStore([1, 10, 20]);
    s.beginStroke(1);
    s.paintLine("xy", 0, 2, 5, 17, 5, 0);
    s.endStroke();
    expect(s.counts()).toEqual({ "1": 16 });
    s.beginStroke(0);
    s.paintLine("xy", 0, 5, 5, 9, 5, 0);
    s.endStroke();
    expect(s.counts()).toEqual({ "1": 11 });
    expect(s.get(0, 5, 7)).toBe(0);
  });

  it("undoes and redoes whole strokes, newest first", () => {
    const s = new LabelStore([1, 10, 10]);
    s.beginStroke(1);
    s.paintLine("xy", 0, 0, 0, 9, 0, 0);
    s.endStroke();
    s.beginStroke(2);
    s.paintLine("xy", 0, 4, 0, 4, 9, 0); // crosses the class-1 line at (4, 0)
    s.endStroke();
    expect(s.counts()).toEqual({ "1": 9, "2": 10 });
    expect(s.undo()).toBe(true);
    expect(s.counts()).toEqual({ "1": 10 });
    expect(s.get(0, 0, 4)).toBe(1);
    expect(s.redo()).toBe(true);
    expect(s.counts()).toEqual({ "1": 9, "2": 10 });
    s.undo();
    s.undo();
    expect(s.counts()).toEqual({});
    expect(s.undo()).toBe(false);
    s.redo();
    s.beginStroke(3);
    s.paintDisc("xy", 0, 9, 9, 0);
    s.endStroke();
    expect(s.canRedo).toBe(false); // a new stroke drops the redo history
  });

  it("flood-fills a 4-connected region on one plane", () => {
    // 7x7 plane with a square ring of 1 (rows/cols 1..5), inside 3x3 unlabelled
    const s = new LabelStore([2, 7, 7]);
    s.beginStroke(1);
    for (let i = 1; i <= 5; i++) {
      s.paintDisc("xy", 0, i, 1, 0);
      s.paintDisc("xy", 0, i, 5, 0);
      s.paintDisc("xy", 0, 1, i, 0);
      s.paintDisc("xy", 0, 5, i, 0);
    }
    s.endStroke();
    expect(s.counts()).toEqual({ "1": 16 });
    expect(fillAt(s, "xy", 0, 3, 3, 2)).toBe(9);
    expect(s.counts()).toEqual({ "1": 16, "2": 9 });
    // outside: 49 - 25 = 24 voxels, only on slice 0
    expect(fillAt(s, "xy", 0, 0, 0, 3)).toBe(24);
    expect(s.get(1, 0, 0)).toBe(0);
    // the ring itself
    expect(fillAt(s, "xy", 0, 1, 1, 2)).toBe(16);
    expect(s.counts()).toEqual({ "2": 25, "3": 24 });
    s.undo();
    expect(s.counts()).toEqual({ "1": 16, "2": 9, "3": 24 });
    // a diagonal gap does not leak with 4-connectivity
    const d = new LabelStore([1, 3, 3]);
    d.beginStroke(1);
    d.paintDisc("xy", 0, 1, 0, 0);
    d.paintDisc("xy", 0, 0, 1, 0);
    d.endStroke();
    expect(fillAt(d, "xy", 0, 0, 0, 2)).toBe(1);
  });
});

describe("label file", () => {
  it("encodes runs that kernel-lib's independent decoder reads back", () => {
    const s = new LabelStore([5, 40, 300]);
    s.beginStroke(1);
    s.paintLine("xy", 1, 3, 3, 290, 30, 2);
    s.endStroke();
    s.beginStroke(3);
    s.paintDisc("yz", 150, 20, 3, 4);
    s.endStroke();
    const decoded = decodeLabelRuns(s.encodeRuns(), 5 * 40 * 300);
    for (let z = 0; z < 5; z++)
      for (let y = 0; y < 40; y++)
        for (let x = 0; x < 300; x++)
          if (decoded[(z * 40 + y) * 300 + x] !== s.get(z, y, x))
            throw new Error(`differs at ${z},${y},${x}`);
    expect(s.encodeRuns().length).toBeLessThan(2000);
  });

  it("round-trips through the file format and kernel-lib's loadLabels", async () => {
    const s = new LabelStore([3, 8, 8]);
    s.beginStroke(2);
    s.paintDisc("xz", 4, 4, 1, 1);
    s.endStroke();
    const file = s.toFile(DEFAULT_CLASSES, [10, 5, 5], new Date(0));
    expect(file.counts).toEqual({ "2": 5 });
    const back = LabelStore.fromFile(JSON.stringify(file), [3, 8, 8]).store;
    expect(back.counts()).toEqual({ "2": 5 });
    expect(back.get(1, 4, 4)).toBe(2);
    const dir = await mkdtemp(path.join(tmpdir(), "tomolab-ext-"));
    try {
      await writeFile(path.join(dir, "x.labels.json"), JSON.stringify(file));
      const v = loadLabels(path.join(dir, "x.labels.json"));
      expect(v.counts).toEqual({ "2": 5 });
      expect(v.spacing).toEqual([10, 5, 5]);
      expect(v.data[(1 * 8 + 4) * 8 + 4]).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports corrupt files clearly", () => {
    const ok = new LabelStore([1, 2, 2]).toFile(DEFAULT_CLASSES, [1, 1, 1]);
    const bad = (f: unknown) => () =>
      LabelStore.fromFile(
        typeof f === "string" ? f : JSON.stringify(f),
        [1, 2, 2],
        "a.labels.json",
      );
    expect(bad("{ nope")).toThrow(LabelFileError);
    expect(bad("{ nope")).toThrow(/a\.labels\.json is not valid JSON/);
    expect(bad({ ...ok, format: "x" })).toThrow(/not a tomolab label file/);
    expect(bad({ ...ok, shape: [1, 2, 3] })).toThrow(
      /has shape \[1,2,3\], the volume has \[1,2,2\]/,
    );
    expect(bad({ ...ok, data: btoa(String.fromCharCode(0, 3)) })).toThrow(/runs cover 3 of 4/);
    expect(bad({ ...ok, counts: { "1": 2 } })).toThrow(/stored counts/);
  });
});

describe("sanitizeLabelFileName", () => {
  it("keeps label files in the notebook folder", () => {
    expect(sanitizeLabelFileName("ui volume")).toBe("ui-volume.labels.json");
    expect(sanitizeLabelFileName("../../secret")).toBe("secret.labels.json");
    expect(sanitizeLabelFileName("..\\..\\x.labels.json")).toBe("x.labels.json");
    expect(sanitizeLabelFileName("/etc/.bashrc")).toBe("bashrc.labels.json");
    expect(() => sanitizeLabelFileName("..")).toThrow(/"\.\." has no usable characters/);
    expect(() => sanitizeLabelFileName("")).toThrow(RangeError);
  });

  it("is the kernel's rule (one function through viewerTypes.ts)", () => {
    expect(sanitizeLabelFileName).toBe(kernelLabels.sanitizeLabelFileName);
    expect(DEFAULT_CLASSES).toBe(kernelLabels.DEFAULT_LABEL_CLASSES);
  });
});
