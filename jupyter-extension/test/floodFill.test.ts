// Flood fill of the label painter: 4-connected region of the seed's label, bounded by intensity.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultTolerance, fillAt, floodRegion } from "../src/floodFill.js";
import { LabelStore } from "../src/labelModel.js";

interface FloodFixture {
  width: number;
  height: number;
  image: number[];
  labels: number[];
  cases: { name: string; seed: [number, number]; tolerance: number | null; region: number[] }[];
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/flood.json", import.meta.url), "utf8"),
) as FloodFixture;

const sorted = (a: Int32Array): number[] => [...a].sort((x, y) => x - y);

describe("floodRegion", () => {
  it("is 4-connected and bounded by the tolerance, by hand", () => {
    // 3 x 3, all unlabelled; values:
    //   0 0 9
    //   0 9 9
    //   9 9 0   <- the 0 at (2, 2) touches the others only diagonally
    const values = [0, 0, 9, 0, 9, 9, 9, 9, 0];
    const labels = new Uint8Array(9);
    expect(sorted(floodRegion(labels, 3, 3, 0, 0, { values, tolerance: 0 }))).toEqual([0, 1, 3]);
    expect(sorted(floodRegion(labels, 3, 3, 2, 2, { values, tolerance: 0 }))).toEqual([8]);
    // tolerance 9 joins everything (|9 - 0| <= 9: the bound is inclusive)
    expect(floodRegion(labels, 3, 3, 0, 0, { values, tolerance: 9 }).length).toBe(9);
    expect(floodRegion(labels, 3, 3, 0, 0, { values, tolerance: 8.99 }).length).toBe(3);
  });

  it("keeps to the seed's label: a painted wall stops an unlabelled fill", () => {
    // 5 x 3, column 2 labelled 1, all values equal
    const labels = Uint8Array.from([0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
    const values = new Float32Array(15).fill(7);
    expect(sorted(floodRegion(labels, 5, 3, 0, 1, { values, tolerance: 0 }))).toEqual([
      0, 1, 5, 6, 10, 11,
    ]);
    // relabelling the wall: the whole column, without an intensity bound
    expect(sorted(floodRegion(labels, 5, 3, 2, 0))).toEqual([2, 7, 12]);
  });

  it("does not flood a whole two-phase slice from unlabelled space", () => {
    // left half dark (10 +- 2), right half bright (100 +- 2), nothing painted
    const w = 40;
    const h = 20;
    const values = new Float32Array(w * h);
    for (let v = 0; v < h; v++)
      for (let u = 0; u < w; u++) values[v * w + u] = (u < 20 ? 10 : 100) + ((u * 3 + v) % 5) - 2;
    const labels = new Uint8Array(w * h);
    const region = floodRegion(labels, w, h, 5, 5, {
      values,
      tolerance: defaultTolerance([0, 110]),
    });
    expect(region.length).toBe(20 * h); // exactly the dark half
    expect([...region].every((p) => p % w < 20)).toBe(true);
  });

  it("matches scikit-image's flood (connectivity 1) on the committed fixture", () => {
    const { width, height, image, labels } = fixture;
    expect(fixture.cases.length).toBeGreaterThanOrEqual(8);
    for (const c of fixture.cases) {
      const options = c.tolerance === null ? {} : { values: image, tolerance: c.tolerance };
      const region = floodRegion(labels, width, height, c.seed[0], c.seed[1], options);
      expect(sorted(region), c.name).toEqual(c.region);
    }
  });

  it("returns nothing outside the plane, never joins NaN, checks its inputs", () => {
    const labels = new Uint8Array(4);
    expect(floodRegion(labels, 2, 2, 2, 0).length).toBe(0);
    expect(floodRegion(labels, 2, 2, -1, 0).length).toBe(0);
    const values = [1, NaN, 1, 1];
    expect(sorted(floodRegion(labels, 2, 2, 0, 0, { values, tolerance: 5 }))).toEqual([0, 2, 3]);
    // a NaN seed stays alone
    expect(sorted(floodRegion(labels, 2, 2, 1, 0, { values, tolerance: 5 }))).toEqual([1]);
    expect(() => floodRegion(labels, 2, 2, 0, 0, { values, tolerance: -1 })).toThrow(
      /tolerance.*>= 0, received -1/,
    );
    expect(() => floodRegion(labels, 2, 2, 0, 0, { tolerance: 1 })).toThrow(/needs `values`/);
    expect(() => floodRegion(labels, 3, 2, 0, 0)).toThrow(/3 x 2 = 6 pixels, received 4/);
  });

  it("default tolerance is 10 % of the window", () => {
    expect(defaultTolerance([0, 255])).toBe(26);
    expect(defaultTolerance([0.1, 0.5])).toBe(0.04);
    expect(defaultTolerance([5, 5])).toBe(1);
  });
});

describe("fillAt (the painter's fill tool)", () => {
  // 2 x 20 x 40 volume; xy slice 1: left half dark (~10), right half bright (~100)
  const w = 40;
  const h = 20;
  const values = new Float32Array(w * h);
  for (let v = 0; v < h; v++)
    for (let u = 0; u < w; u++) values[v * w + u] = (u < 20 ? 10 : 100) + ((u + 2 * v) % 5) - 2;

  it("fills unlabelled space only within the tolerance of the clicked intensity", () => {
    const store = new LabelStore([2, h, w]);
    const changed = fillAt(store, "xy", 1, 3, 4, 2, { values, tolerance: 11 });
    expect(changed).toBe(20 * h);
    expect(store.counts()).toEqual({ "2": 20 * h });
    expect(store.get(1, 4, 3)).toBe(2);
    expect(store.get(1, 4, 25)).toBe(0); // the bright half stays unlabelled
    expect(store.get(0, 4, 3)).toBe(0); // other slices untouched
    expect(store.undo()).toBe(true); // one undo step
    expect(store.counts()).toEqual({});
  });

  it("refills a painted region whole and stops at other labels", () => {
    const store = new LabelStore([2, h, w]);
    store.beginStroke(1);
    for (let v = 0; v < h; v++) store.paintDisc("xy", 1, 30, v, 0); // a wall at u = 30
    store.endStroke();
    expect(fillAt(store, "xy", 1, 30, 0, 3, { values, tolerance: 0 })).toBe(h);
    expect(store.counts()).toEqual({ "3": h });
    // without an intensity bound the unlabelled fill stops at the wall, not at the phases
    expect(fillAt(store, "xy", 1, 35, 5, 1)).toBe(9 * h);
    // clicking a pixel that already has the class changes nothing, leaves no undo step
    const version = store.version;
    expect(fillAt(store, "xy", 1, 35, 5, 1)).toBe(0);
    expect(store.version).toBe(version);
  });

  it("works on xz planes (u = x, v = z)", () => {
    const store = new LabelStore([3, 4, 5]);
    expect(fillAt(store, "xz", 2, 0, 0, 1)).toBe(15);
    for (let z = 0; z < 3; z++) for (let x = 0; x < 5; x++) expect(store.get(z, 2, x)).toBe(1);
    expect(store.counts()).toEqual({ "1": 15 });
    expect(fillAt(store, "xz", 2, 5, 0, 1)).toBe(0); // outside the plane
  });
});
