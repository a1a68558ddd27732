import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  forestFromJSON,
  loadForest,
  type ForestJSON,
} from "../../kernel-lib/src/classify/forest/index.js";
import { packForest } from "../../kernel-lib/src/classify/forest/predictRows.js";

/**
 * A hand-made forest of two trees over 2 features, classes [1, 2]:
 *   tree 0 (3 nodes): x0 <= 0.5 ? leaf [1, 0] : leaf [0, 1]
 *   tree 1 (5 nodes): x1 <= 2 ? (x0 <= 0.25 ? leaf [1, 0] : leaf [0.5, 0.5]) : leaf [0, 1]
 * Node arrays are per tree with local child indices, as toJSON writes them.
 */
interface HandTrees {
  feature: number[][];
  threshold: number[][];
  left: number[][];
  right: number[][];
  value: number[][][];
}

function handTrees(): HandTrees {
  return {
    feature: [
      [0, -1, -1],
      [1, 0, -1, -1, -1],
    ],
    threshold: [
      [0.5, 0, 0],
      [2, 0.25, 0, 0, 0],
    ],
    left: [
      [1, -1, -1],
      [1, 2, -1, -1, -1],
    ],
    right: [
      [2, -1, -1],
      [4, 3, -1, -1, -1],
    ],
    value: [
      [
        [0, 0],
        [1, 0],
        [0, 1],
      ],
      [
        [0, 0],
        [0, 0],
        [1, 0],
        [0.5, 0.5],
        [0, 1],
      ],
    ],
  };
}

const b64 = (a: Int32Array | Float32Array | Float64Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

function handJSON(edit?: (t: HandTrees) => void): ForestJSON {
  const t = handTrees();
  edit?.(t);
  return {
    format: "tomolab-random-forest",
    version: 1,
    classes: [1, 2],
    nFeatures: 2,
    nTrees: 2,
    oobError: null,
    treeSizes: t.feature.map((f) => f.length),
    feature: b64(Int32Array.from(t.feature.flat())),
    threshold: b64(Float32Array.from(t.threshold.flat())),
    left: b64(Int32Array.from(t.left.flat())),
    right: b64(Int32Array.from(t.right.flat())),
    value: b64(Float32Array.from(t.value.flat(2))),
    importances: b64(Float64Array.from([1, 0, 0.4, 0.6])),
  };
}

/** The hand forest with some top-level fields replaced (a value of undefined removes the field). */
function withFields(fields: Record<string, unknown>): ForestJSON {
  const j: Record<string, unknown> = { ...handJSON(), ...fields };
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete j[k];
  return j as unknown as ForestJSON;
}

describe("forestFromJSON on a hand-made forest", () => {
  it("predicts the hand-computed probabilities and round-trips", () => {
    const f = forestFromJSON(handJSON());
    // rows: [0, 0] -> [1, 0] and [1, 0]; [0.3, 5] -> [1, 0] and [0, 1]; [0.3, 1] -> [1, 0] and [0.5, 0.5]; [0.9, 1] -> [0, 1] and [0.5, 0.5]
    const X = Float32Array.from([0, 0, 0.3, 5, 0.3, 1, 0.9, 1]);
    expect([...f.predictProba(X)]).toEqual([1, 0, 0.5, 0.5, 0.75, 0.25, 0.25, 0.75]);
    expect([...f.predict(X)]).toEqual([1, 1, 1, 2]);
    expect(f.toJSON()).toEqual(handJSON());
  });
});

describe("forestFromJSON rejects forests that are not trees (a cycle would freeze predict)", () => {
  it("a child pointing to itself", () => {
    const bad = handJSON((t) => (t.left[1]![1] = 1));
    expect(() => forestFromJSON(bad)).toThrow(RangeError);
    expect(() => forestFromJSON(bad)).toThrow(
      /^forest JSON: `trees\[1\]\.left\[1\]` \(left\[4\] of the flat array\) must be a node after 1 in its tree \(2\.\.4\), received 1: the tree would loop back/,
    );
  });
  it("a child pointing to an ancestor (the root)", () => {
    expect(() => forestFromJSON(handJSON((t) => (t.right[1]![1] = 0)))).toThrow(
      /`trees\[1\]\.right\[1\]`.*received 0: the tree would loop back/,
    );
  });
  it("a child outside its tree, or negative", () => {
    expect(() => forestFromJSON(handJSON((t) => (t.right[0]![0] = 3)))).toThrow(
      /`trees\[0\]\.right\[0\]`.*\(1\.\.2\), received 3$/,
    );
    expect(() => forestFromJSON(handJSON((t) => (t.left[1]![0] = -5)))).toThrow(
      /`trees\[1\]\.left\[0\]`.*received -5$/,
    );
  });
  it("a node reached twice, and a node not reached at all", () => {
    // tree 1: node 1 splits into 2 and 2 (node 3 orphaned)
    expect(() => forestFromJSON(handJSON((t) => (t.right[1]![1] = 2)))).toThrow(
      /`trees\[1\]\.right\[1\]` \(right\[4\] of the flat array\) = 2 is already a child/,
    );
    // tree 1: root's left child is the leaf 2 (node 1 and 3 orphaned... 1 splits into 3 and 4, root right = 4)
    expect(() =>
      forestFromJSON(
        handJSON((t) => {
          // root -> 2 (leaf), 3 (leaf); node 1 and node 4 unreachable (1 is now a leaf)
          t.left[1] = [2, -1, -1, -1, -1];
          t.right[1] = [3, -1, -1, -1, -1];
          t.feature[1] = [1, -1, -1, -1, -1];
          t.value[1]![1] = [1, 0];
        }),
      ),
    ).toThrow(/`trees\[1\]` node 1 is not reached from the root/);
  });
  it("malformed leaves and splits", () => {
    expect(() => forestFromJSON(handJSON((t) => (t.left[0]![1] = 2)))).toThrow(
      /`trees\[0\]\.left\[1\]`.*must be -1 at a leaf \(feature -1\), received 2/,
    );
    expect(() => forestFromJSON(handJSON((t) => (t.feature[0]![0] = 2)))).toThrow(
      /`trees\[0\]\.feature\[0\]`.*must be -1 \(leaf\) or a feature index in 0\.\.1, received 2/,
    );
    expect(() => forestFromJSON(handJSON((t) => (t.feature[1]![4] = -2)))).toThrow(
      /`trees\[1\]\.feature\[4\]`.*received -2/,
    );
    expect(() => forestFromJSON(handJSON((t) => (t.threshold[1]![1] = NaN)))).toThrow(
      /`trees\[1\]\.threshold\[1\]`.*must be a finite split threshold, received NaN/,
    );
    expect(() => forestFromJSON(handJSON((t) => (t.value[1]![3] = [0.7, 0.7])))).toThrow(
      /`trees\[1\]\.value\[3\]` \(leaf class frequencies\) must sum to 1, received a sum of 1\.4/,
    );
    expect(() => forestFromJSON(handJSON((t) => (t.value[0]![2] = [NaN, 1])))).toThrow(
      /`trees\[0\]\.value\[2\]\[0\]`.*must be in \[0, 1\], received NaN/,
    );
  });
});

describe("forestFromJSON checks every top-level field, naming it", () => {
  const cases: [string, Record<string, unknown>, ErrorConstructor, RegExp][] = [
    [
      "missing classes",
      { classes: undefined },
      TypeError,
      /`classes` must be an array of class values, received nothing/,
    ],
    [
      "classes a string",
      { classes: "1,2" },
      TypeError,
      /`classes` must be an array.*received "1,2"/,
    ],
    [
      "one class",
      { classes: [1] },
      RangeError,
      /`classes` must hold at least two class values, received 1/,
    ],
    [
      "a fractional class",
      { classes: [1, 2.5] },
      RangeError,
      /`classes\[1\]` must be an integer in 0\.\.2147483647, received 2\.5/,
    ],
    [
      "a string class",
      { classes: [1, "2"] },
      TypeError,
      /`classes\[1\]` must be an integer, received "2"/,
    ],
    [
      "unsorted classes",
      { classes: [2, 1] },
      RangeError,
      /ascending and distinct, received classes\[0\] = 2 then classes\[1\] = 1/,
    ],
    [
      "missing treeSizes",
      { treeSizes: undefined },
      TypeError,
      /`treeSizes` must be an array of node counts, received nothing/,
    ],
    ["treeSizes an object", { treeSizes: { 0: 3 } }, TypeError, /`treeSizes` must be an array/],
    [
      "one size too few",
      { treeSizes: [3] },
      RangeError,
      /`treeSizes` must have one entry per tree \(nTrees = 2\), received 1/,
    ],
    [
      "a zero size",
      { treeSizes: [0, 8] },
      RangeError,
      /`treeSizes\[0\]` must be an integer in 1\.\./,
    ],
    [
      "sizes not matching the arrays",
      { treeSizes: [3, 4] },
      RangeError,
      /`feature` must hold 7 Int32 values \(7 nodes, the sum of treeSizes\) = 28 bytes, received 32 bytes/,
    ],
    [
      "nFeatures missing",
      { nFeatures: undefined },
      TypeError,
      /`nFeatures` must be an integer, received nothing/,
    ],
    ["nFeatures 0", { nFeatures: 0 }, RangeError, /`nFeatures` must be an integer in 1\.\./],
    ["nTrees a string", { nTrees: "2" }, TypeError, /`nTrees` must be an integer, received "2"/],
    [
      "feature not a string",
      { feature: [0, -1] },
      TypeError,
      /`feature` must be a base64 string of Int32Array data, received an array of length 2/,
    ],
    ["feature not base64", { feature: "!!!!" }, RangeError, /`feature` must be base64/],
    [
      "value too short",
      { value: "AAAA" },
      RangeError,
      /`value` must hold 16 Float32 values \(8 nodes x 2 classes\)/,
    ],
    [
      "negative importance",
      { importances: b64(Float64Array.from([1, 0, -0.4, 0.6])) },
      RangeError,
      /`importances\[2\]` \(tree 1, feature 0\) must be a finite number >= 0, received -0\.4/,
    ],
    [
      "oobError out of range",
      { oobError: 2 },
      RangeError,
      /`oobError` must be in \[0, 1\], received 2/,
    ],
    ["oobError a string", { oobError: "0.1" }, TypeError, /`oobError` must be a number or null/],
    ["options an array", { options: [] }, TypeError, /`options` must be an object when present/],
    [
      "wrong format",
      { format: "other" },
      TypeError,
      /`format` must be "tomolab-random-forest".*received "other"/,
    ],
    ["wrong version", { version: 2 }, RangeError, /`version` must be 1.*received number 2/],
  ];
  for (const [name, fields, Type, message] of cases) {
    it(name, () => {
      const bad = withFields(fields);
      expect(() => forestFromJSON(bad)).toThrow(Type);
      expect(() => forestFromJSON(bad)).toThrow(message);
      expect(() => forestFromJSON(bad)).toThrow(/^forest JSON: /);
    });
  }
  it("not an object at all", () => {
    for (const v of [null, undefined, 3, "text", []])
      expect(() => forestFromJSON(v as never)).toThrow(TypeError);
    expect(() => forestFromJSON(null as never)).toThrow(
      /^forest JSON: expected the object .*received null/,
    );
  });
  it("names the given source", () => {
    expect(() =>
      forestFromJSON(withFields({ classes: undefined }), { source: "run3.json" }),
    ).toThrow(/^run3\.json: `classes`/);
  });
  it("accepts a leaf whose classes all weigh zero (frequencies all 0)", () => {
    const f = forestFromJSON(handJSON((t) => (t.value[0]![1] = [0, 0])));
    expect([...f.predictProba(Float32Array.from([0, 0]))]).toEqual([0.5, 0]);
  });
});

describe("loadForest", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "tomolab-forest-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("reads a saved forest, and names the file in every error", () => {
    const good = path.join(dir, "good.json");
    writeFileSync(good, JSON.stringify(forestFromJSON(handJSON())));
    expect([...loadForest(good).predict(Float32Array.from([0.9, 1]))]).toEqual([2]);
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify(handJSON((t) => (t.left[1]![1] = 1))));
    expect(() => loadForest(bad)).toThrow(/^forest file .*bad\.json: `trees\[1\]\.left\[1\]`/);
    writeFileSync(bad, "{ nope");
    expect(() => loadForest(bad)).toThrow(/^forest file .*bad\.json is not valid JSON/);
    expect(() => loadForest(path.join(dir, "none.json"))).toThrow(
      /cannot read forest file .*none\.json/,
    );
  });
});

describe("packForest (defence in depth behind forestFromJSON)", () => {
  it("refuses a split whose child is not after it", () => {
    const arrays = {
      nClasses: 2,
      nFeatures: 1,
      roots: Int32Array.from([0]),
      feature: Int32Array.from([0, -1, -1]),
      threshold: Float32Array.from([0.5, 0, 0]),
      left: Int32Array.from([0, -1, -1]),
      right: Int32Array.from([2, -1, -1]),
      value: new Float32Array(6),
    };
    expect(() => packForest(arrays, false)).toThrow(/internal: forest node 0 .*children 0, 2/);
    arrays.left[0] = 1;
    expect(packForest(arrays, false).feature.length).toBe(3);
  });
  it("stores each tree depth-first: left child next, right child and leaf values by offset", () => {
    // Breadth-first input: 0 splits into 1 (a split into leaves 3, 4) and leaf 2.
    const arrays = {
      nClasses: 2,
      nFeatures: 2,
      roots: Int32Array.from([0]),
      feature: Int32Array.from([0, 1, -1, -1, -1]),
      threshold: Float32Array.from([0.5, 0.25, 0, 0, 0]),
      left: Int32Array.from([1, 3, -1, -1, -1]),
      right: Int32Array.from([2, 4, -1, -1, -1]),
      value: Float32Array.from([0, 0, 0, 0, 1, 0, 0.5, 0.5, 0, 1]),
    };
    const p = packForest(arrays, false);
    // pre-order 0, 1, 3, 4, 2
    expect([...p.feature]).toEqual([0, 1, -1, -1, -1]);
    expect([...p.threshold]).toEqual([0.5, 0.25, 0, 0, 0]);
    expect([...p.right]).toEqual([4, 3, 3 * 2, 4 * 2, 2 * 2]);
    const shared = packForest(arrays, true);
    expect(shared.feature.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...shared.right]).toEqual([...p.right]);
    // a node reached twice (two parents) is refused
    arrays.right[1] = 2;
    expect(() => packForest(arrays, false)).toThrow(/internal: forest node 2 .*reached once/);
  });
});
