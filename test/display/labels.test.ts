import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  countLabels,
  decodeLabelRuns,
  encodeLabelRuns,
  loadLabels,
  sanitizeLabelFileName,
  saveLabels,
} from "../../kernel-lib/src/display/labels.js";

describe("label runs", () => {
  it("encodes runs as value byte + LEB128 length (hand-computed)", () => {
    // 3 x 0, 1 x 2, 200 x 0: 200 = 0xC8 -> LEB128 0xC8 0x01
    const data = new Uint8Array(204);
    data[3] = 2;
    expect([...encodeLabelRuns(data)]).toEqual([0, 3, 2, 1, 0, 0xc8, 0x01]);
  });
  it("round-trips random sparse labels", () => {
    const data = new Uint8Array(50_000);
    let s = 7;
    for (let i = 0; i < data.length; i++) {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      if (s % 97 === 0) data.fill(1 + (s % 3), i, Math.min(data.length, i + (s % 300)));
    }
    expect(decodeLabelRuns(encodeLabelRuns(data), data.length)).toEqual(data);
  });
  it("rejects runs that do not cover the shape", () => {
    expect(() => decodeLabelRuns(Uint8Array.from([0, 5]), 6)).toThrow(
      /cover 5 voxels, the shape needs 6/,
    );
    expect(() => decodeLabelRuns(Uint8Array.from([0, 7]), 6)).toThrow(/more than the 6/);
    expect(() => decodeLabelRuns(Uint8Array.from([0, 0x85]), 6)).toThrow(/truncated/);
  });
  it("counts classes", () => {
    expect(countLabels(Uint8Array.from([0, 1, 1, 3, 0, 3, 3]))).toEqual({ "1": 2, "3": 3 });
  });
});

describe("sanitizeLabelFileName", () => {
  it("keeps names in the notebook folder", () => {
    expect(sanitizeLabelFileName("electrode")).toBe("electrode.labels.json");
    expect(sanitizeLabelFileName("../../etc/passwd")).toBe("passwd.labels.json");
    expect(sanitizeLabelFileName("a b/c\\..\\x y.labels.json")).toBe("x-y.labels.json");
    expect(sanitizeLabelFileName(".hidden")).toBe("hidden.labels.json");
    expect(sanitizeLabelFileName("NMC cathode (SE2)")).toBe("NMC-cathode-SE2.labels.json");
  });
  it("throws when nothing is left", () => {
    expect(() => sanitizeLabelFileName("../..")).toThrow(RangeError);
    expect(() => sanitizeLabelFileName("///")).toThrow(/no usable characters/);
  });
});

describe("saveLabels / loadLabels", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-labels-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  it("round-trips a volume and keeps the previous version as .bak", async () => {
    const file = path.join(dir, "v.labels.json");
    const data = new Uint8Array(4 * 5 * 6);
    data[7] = 1;
    data[8] = 1;
    data[100] = 3;
    saveLabels({ data, shape: [4, 5, 6], spacing: [10, 5, 5] }, file);
    const back = loadLabels(file, { shape: [4, 5, 6] });
    expect(back.data).toEqual(data);
    expect(back.spacing).toEqual([10, 5, 5]);
    expect(back.counts).toEqual({ "1": 2, "3": 1 });
    expect(back.classes.map((c) => c.name)).toEqual(["void", "CBD", "NMC"]);
    const data2 = data.slice();
    data2[0] = 2;
    saveLabels({ data: data2, shape: [4, 5, 6], spacing: [10, 5, 5] }, file);
    expect(loadLabels(file).counts).toEqual({ "1": 2, "2": 1, "3": 1 });
    expect(loadLabels(`${file}.bak`).counts).toEqual({ "1": 2, "3": 1 });
    expect(() => loadLabels(file, { shape: [4, 5, 7] })).toThrow(/has shape 4x5x6, expected 4x5x7/);
  });
  it("reads a file written by the painter's format by hand", async () => {
    const file = path.join(dir, "hand.labels.json");
    // 2x1x3: [0 2 2 | 0 0 1] -> runs (0,1) (2,2) (0,2) (1,1)
    const runs = Buffer.from([0, 1, 2, 2, 0, 2, 1, 1]).toString("base64");
    await writeFile(
      file,
      JSON.stringify({
        format: "tomolab-labels",
        version: 1,
        shape: [2, 1, 3],
        spacing: [1, 1, 1],
        classes: [],
        encoding: "rle-varint",
        data: runs,
        counts: { "1": 1, "2": 2 },
        saved: "",
      }),
    );
    expect([...loadLabels(file).data]).toEqual([0, 2, 2, 0, 0, 1]);
  });
  it("gives clear messages for missing and corrupt files", async () => {
    const file = path.join(dir, "bad.labels.json");
    expect(() => loadLabels(file)).toThrow(/bad\.labels\.json does not exist/);
    await writeFile(file, "{ not json");
    expect(() => loadLabels(file)).toThrow(/bad\.labels\.json is not valid JSON/);
    await writeFile(file, JSON.stringify({ format: "other" }));
    expect(() => loadLabels(file)).toThrow(/not a tomolab label file/);
    const runs = Buffer.from([0, 6]).toString("base64");
    await writeFile(
      file,
      JSON.stringify({
        format: "tomolab-labels",
        version: 1,
        shape: [1, 2, 3],
        encoding: "rle-varint",
        data: runs,
        counts: { "1": 4 },
      }),
    );
    expect(() => loadLabels(file)).toThrow(/corrupt: stored counts/);
    expect(existsSync(`${file}.bak`)).toBe(false);
    expect(await readFile(file, "utf8")).toContain('"1":4');
  });
});
