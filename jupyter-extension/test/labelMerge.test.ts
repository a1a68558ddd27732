// Merge of label versions (LabelStore.applyChanges) checked against the rule written out per
// voxel on dense arrays, plus the run helpers it uses.
import { describe, expect, it } from "vitest";
import { LabelFileError, decodeLabelFile } from "../src/labelFile.js";
import { LabelStore } from "../src/labelModel.js";
import { countDifferences, emptyRuns, runCounts, runsEqual } from "../src/labelRuns.js";
import type { Shape } from "../src/planes.js";
import { encodeLabelRuns } from "../../kernel-lib/src/display/labels.js";
import { storeOf } from "./labelTestUtil.js";

function denseOf(s: LabelStore): Uint8Array {
  const [nz, ny, nx] = s.shape;
  const out = new Uint8Array(nz * ny * nx);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) out[(z * ny + y) * nx + x] = s.get(z, y, x);
  return out;
}

/** The 3-way rule per voxel: the other side's change applies where this side kept the base. */
function threeWay(base: Uint8Array, mine: Uint8Array, theirs: Uint8Array): Uint8Array {
  return mine.map((m, i) => (m === base[i] ? theirs[i] : m));
}

/** The overwrite rule per voxel: every change base -> theirs applies. */
function overwrite(base: Uint8Array, mine: Uint8Array, theirs: Uint8Array): Uint8Array {
  return mine.map((m, i) => (theirs[i] !== base[i] ? theirs[i] : m));
}

/** Small seeded generator (mulberry32), so the random cases repeat. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("3-way merge of label versions", () => {
  const shape: Shape = [1, 1, 8];
  it("keeps both sides' strokes, erasures, and this side's value where both changed (hand case)", () => {
    //                         voxel: 0  1  2  3  4  5  6  7
    const base = Uint8Array.from([0, 0, 1, 1, 2, 0, 3, 0]);
    const mine = Uint8Array.from([1, 0, 1, 0, 2, 2, 3, 0]); // painted 0, erased 3, painted 5
    const theirs = Uint8Array.from([0, 2, 0, 1, 2, 3, 3, 1]); // painted 1, erased 2, painted 5 (other class), painted 7
    const s = storeOf(shape, mine);
    const r = s.applyChanges(encodeLabelRuns(base), encodeLabelRuns(theirs), "three-way");
    // 0: mine   1: theirs   2: theirs (erased)   3: mine (erased)   5: both changed -> mine
    // 7: theirs
    expect(Array.from(denseOf(s))).toEqual([1, 2, 0, 0, 2, 2, 3, 1]);
    expect(r).toEqual({ applied: 3, conflicts: 1 });
    expect(s.counts()).toEqual({ "1": 2, "2": 3, "3": 1 });
  });

  it("overwrite: every change of the other version wins (restoring a draft)", () => {
    const base = Uint8Array.from([0, 0, 1, 1, 2, 0, 3, 0]);
    const mine = Uint8Array.from([1, 0, 1, 0, 2, 2, 3, 0]);
    const theirs = Uint8Array.from([0, 2, 0, 1, 2, 3, 3, 1]);
    const s = storeOf(shape, mine);
    const r = s.applyChanges(encodeLabelRuns(base), encodeLabelRuns(theirs), "overwrite");
    expect(Array.from(denseOf(s))).toEqual([1, 2, 0, 0, 2, 3, 3, 1]);
    expect(r).toEqual({ applied: 4, conflicts: 1 });
  });

  it("matches the per-voxel rules on random sparse versions, including multi-slice runs", () => {
    const random = rng(7);
    const big: Shape = [3, 5, 70]; // rows longer than 127 voxels: multi-byte run lengths
    const n = big[0] * big[1] * big[2];
    for (let trial = 0; trial < 25; trial++) {
      const base = new Uint8Array(n);
      for (let i = 0; i < n; i++) if (random() < 0.2) base[i] = 1 + Math.floor(random() * 3);
      const edit = (from: Uint8Array) =>
        from.map((v) =>
          random() < 0.15 ? (random() < 0.3 ? 0 : 1 + Math.floor(random() * 3)) : v,
        );
      const mine = edit(base);
      const theirs = edit(base);
      for (const mode of ["three-way", "overwrite"] as const) {
        const s = storeOf(big, mine);
        const before = s.version;
        const dry = s.applyChanges(encodeLabelRuns(base), encodeLabelRuns(theirs), mode, true);
        expect(Array.from(denseOf(s))).toEqual(Array.from(mine)); // dry run writes nothing
        const r = s.applyChanges(encodeLabelRuns(base), encodeLabelRuns(theirs), mode);
        const expected =
          mode === "three-way" ? threeWay(base, mine, theirs) : overwrite(base, mine, theirs);
        expect(Array.from(denseOf(s))).toEqual(Array.from(expected));
        let applied = 0;
        let conflicts = 0;
        for (let i = 0; i < n; i++) {
          if (expected[i] !== mine[i]) applied++;
          if (base[i] !== theirs[i] && mine[i] !== base[i] && mine[i] !== theirs[i]) conflicts++;
        }
        expect(r).toEqual({ applied, conflicts });
        expect(dry).toEqual(r);
        expect(s.version).toBe(applied > 0 ? before + 1 : before);
        // the store's own encoding equals the kernel's encoder on the same voxels
        expect(runsEqual(s.encodeRuns(), encodeLabelRuns(expected))).toBe(true);
      }
    }
  });

  it("rejects runs that do not cover the shape", () => {
    const s = new LabelStore([1, 2, 2]);
    const ok = encodeLabelRuns(new Uint8Array(4));
    expect(() => s.applyChanges(ok, Uint8Array.from([1, 3]), "three-way")).toThrow(
      /cover 3 of 4 voxels/,
    );
    expect(() => s.applyChanges(ok, Uint8Array.from([1, 5]), "three-way")).toThrow(
      /do not match the 4 voxels/,
    );
    expect(() => s.applyChanges(ok, Uint8Array.from([1, 4, 0]), "three-way")).toThrow(
      /run past the 4 voxels/,
    );
  });
});

describe("run helpers", () => {
  it("emptyRuns, runCounts and countDifferences (hand-counted)", () => {
    const shape: Shape = [2, 10, 10]; // 200 voxels: run length 200 = 0xc8 0x01
    expect(Array.from(emptyRuns(shape))).toEqual([0, 0xc8, 0x01]);
    expect(runCounts(emptyRuns(shape), shape)).toEqual({});
    const a = new Uint8Array(200);
    a.fill(2, 10, 20);
    a[150] = 1;
    const b = a.slice();
    b.fill(0, 15, 20);
    b[199] = 3;
    expect(runCounts(encodeLabelRuns(a), shape)).toEqual({ "1": 1, "2": 10 });
    expect(countDifferences(encodeLabelRuns(a), encodeLabelRuns(b), shape)).toBe(6);
    expect(countDifferences(emptyRuns(shape), encodeLabelRuns(a), shape)).toBe(11);
  });

  it("decodeLabelFile names the file and what is wrong", () => {
    const shape: Shape = [1, 2, 2];
    const s = new LabelStore(shape);
    const good = s.toFile([], [1, 1, 1], new Date(0), { revision: "r1", ancestors: ["r0"] });
    const { file, runs } = decodeLabelFile(JSON.stringify(good), shape, "x.labels.json");
    expect(file.revision).toBe("r1");
    expect(file.ancestors).toEqual(["r0"]);
    expect(runsEqual(runs, emptyRuns(shape))).toBe(true);
    const bad = (f: unknown) => () => decodeLabelFile(JSON.stringify(f), shape, "x.labels.json");
    expect(bad({ ...good, data: btoa(String.fromCharCode(0, 9)) })).toThrow(LabelFileError);
    expect(bad({ ...good, data: btoa(String.fromCharCode(0, 9)) })).toThrow(
      /x\.labels\.json is corrupt \(shape 1x2x2\)/,
    );
    expect(bad({ ...good, counts: { "1": 1 } })).toThrow(/stored counts/);
  });
});
