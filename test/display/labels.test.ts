import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  countLabels,
  decodeLabelRuns,
  encodeLabelRuns,
  loadLabels,
  resolveLabelPath,
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
  it("refuses arrays that are not bytes and bad lengths (values would wrap or allocation fail)", () => {
    expect(() => encodeLabelRuns(Uint16Array.from([256, 1]) as never)).toThrow(
      /`data` must be a Uint8Array, received Uint16Array/,
    );
    expect(() => countLabels([1, 2] as never)).toThrow(/`data` must be a Uint8Array/);
    expect(() => decodeLabelRuns("AAE=" as never, 1)).toThrow(/`runs` must be a Uint8Array/);
    expect(() => decodeLabelRuns(Uint8Array.from([0, 1]), -1)).toThrow(
      /`length` must be a voxel count \(integer >= 0\), received number -1/,
    );
    expect(() => decodeLabelRuns(Uint8Array.from([0, 1]), 1.5)).toThrow(/`length`/);
    const allowed = new Uint8Array(256);
    allowed[0] = 1;
    expect(() => decodeLabelRuns(Uint8Array.from([0, 1, 3, 1]), 2, "x", allowed)).toThrow(
      /^x: value 3 \(run at byte 2, voxel 1\) is not 0 or a declared class id/,
    );
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
    expect(() => sanitizeLabelFileName(3 as unknown as string)).toThrow(
      /must be a string, received number/,
    );
  });
  it("gives the same name applied twice (kernel and painter may both apply it)", () => {
    for (const name of ["electrode", "a b/c.labels.json", "x.labels.json.labels.json", "-.v-"]) {
      const once = sanitizeLabelFileName(name);
      expect(sanitizeLabelFileName(once)).toBe(once);
    }
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
    saveLabels({ data: data2, shape: [4, 5, 6], spacing: [10, 5, 5] }, file, { overwrite: true });
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
        classes: [
          { id: 1, name: "void", color: "#3b82f6" },
          { id: 2, name: "CBD", color: "#F59E0B" },
        ],
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

/** A valid 2x1x3 label file ([0 2 2 | 0 0 1]) with some fields replaced (undefined removes one). */
function labelFile(fields: Record<string, unknown> = {}): string {
  const f: Record<string, unknown> = {
    format: "tomolab-labels",
    version: 1,
    shape: [2, 1, 3],
    spacing: [10, 5, 5],
    classes: [
      { id: 1, name: "void", color: "#3b82f6" },
      { id: 2, name: "CBD", color: "#f59e0b" },
    ],
    encoding: "rle-varint",
    data: Buffer.from([0, 1, 2, 2, 0, 2, 1, 1]).toString("base64"),
    counts: { "1": 1, "2": 2 },
    saved: "2024-01-01T00:00:00.000Z",
    ...fields,
  };
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete f[k];
  return JSON.stringify(f);
}

describe("loadLabels checks every field of the file, naming the file and the field", () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-labels-"));
    file = path.join(dir, "f.labels.json");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the valid file; absent spacing, classes and counts take defaults; revision is ignored", () => {
    writeFileSync(file, labelFile({ revision: "r1", ancestors: ["r0"] }));
    const v = loadLabels(file);
    expect([...v.data]).toEqual([0, 2, 2, 0, 0, 1]);
    expect(v.spacing).toEqual([10, 5, 5]);
    expect(v.classes.map((c) => c.id)).toEqual([1, 2]);
    writeFileSync(
      file,
      labelFile({ spacing: undefined, classes: undefined, counts: undefined, saved: undefined }),
    );
    const d = loadLabels(file);
    expect(d.spacing).toEqual([1, 1, 1]);
    expect(d.classes.map((c) => c.name)).toEqual(["void", "CBD", "NMC"]);
    expect(d.counts).toEqual({ "1": 1, "2": 2 });
    // a zero count is the same as an absent one
    writeFileSync(file, labelFile({ counts: { "1": 1, "2": 2, "3": 0 } }));
    expect(loadLabels(file).counts).toEqual({ "1": 1, "2": 2 });
  });

  const cases: [string, Record<string, unknown>, ErrorConstructor, RegExp][] = [
    [
      'spacing [-1, "5", true]',
      { spacing: [-1, "5", true] },
      RangeError,
      /`spacing\[0\]` must be a positive finite number, received -1/,
    ],
    [
      "a string spacing entry",
      { spacing: [1, "5", 1] },
      TypeError,
      /`spacing\[1\]` must be a positive finite number, received "5"/,
    ],
    [
      "a zero spacing",
      { spacing: [1, 1, 0] },
      RangeError,
      /`spacing\[2\]` must be a positive finite number, received 0/,
    ],
    [
      "a null spacing entry",
      { spacing: [1, null, 1] },
      TypeError,
      /`spacing\[1\]` must be a positive finite number, received null/,
    ],
    [
      "spacing of two",
      { spacing: [1, 1] },
      TypeError,
      /`spacing` must be 3 positive finite numbers \[dz, dy, dx\], received an array of length 2/,
    ],
    [
      "class id 2^32",
      { classes: [{ id: 2 ** 32, name: "x", color: "#000000" }] },
      RangeError,
      /`classes\[0\]\.id` must be an integer in 1\.\.255, received 4294967296/,
    ],
    [
      "class id 0",
      { classes: [{ id: 0, name: "x", color: "#000000" }] },
      RangeError,
      /`classes\[0\]\.id` must be an integer in 1\.\.255, received 0/,
    ],
    [
      "class id a string",
      { classes: [{ id: "1", name: "x", color: "#000000" }] },
      TypeError,
      /`classes\[0\]\.id`.*received "1"/,
    ],
    [
      "duplicate class ids",
      {
        classes: [
          { id: 1, name: "a", color: "#000000" },
          { id: 1, name: "b", color: "#ffffff" },
        ],
      },
      RangeError,
      /`classes\[1\]\.id` must be unique, received 1 a second time/,
    ],
    [
      "a class name not a string",
      { classes: [{ id: 1, name: 5, color: "#000000" }] },
      TypeError,
      /`classes\[0\]\.name` must be a string, received number 5/,
    ],
    [
      "a colour not #rrggbb",
      { classes: [{ id: 1, name: "a", color: "red" }] },
      RangeError,
      /`classes\[0\]\.color` must be a colour "#rrggbb", received "red"/,
    ],
    [
      "classes not an array",
      { classes: { 1: "void" } },
      TypeError,
      /`classes` must be an array of \{ id, name, color \}, received an object/,
    ],
    ["a class not an object", { classes: [1, 2] }, TypeError, /`classes\[0\]` must be an object/],
    [
      "a huge shape",
      { shape: [100000, 100000, 100000] },
      RangeError,
      /`shape` 100000x100000x100000 is 1000000000000000 voxels, more than the 2147483648 \(maxVoxels\)/,
    ],
    [
      "a fractional shape",
      { shape: [2, 1.5, 3] },
      RangeError,
      /`shape` must be 3 positive integers \[nz, ny, nx\], received \[2,1\.5,3\]/,
    ],
    [
      "a missing shape",
      { shape: undefined },
      RangeError,
      /`shape` must be 3 positive integers.*received nothing/,
    ],
    [
      "another encoding",
      { encoding: "raw" },
      RangeError,
      /`encoding` must be "rle-varint", received "raw"/,
    ],
    [
      "data a number",
      { data: 5 },
      TypeError,
      /`data` must be a base64 string of runs, received number 5/,
    ],
    ["data not base64", { data: "AB$D" }, RangeError, /`data` must be base64/],
    [
      "runs short of the volume",
      { data: Buffer.from([0, 5]).toString("base64") },
      RangeError,
      /`data`: runs cover 5 voxels, the shape needs 6/,
    ],
    [
      "runs beyond the volume",
      { data: Buffer.from([0, 7]).toString("base64") },
      RangeError,
      /`data`: runs cover more than the 6 voxels/,
    ],
    [
      "an undeclared class value",
      { data: Buffer.from([0, 1, 9, 5]).toString("base64") },
      RangeError,
      /`data`: value 9 \(run at byte 2, voxel 1\) is not 0 or a declared class id/,
    ],
    [
      "counts that differ",
      { counts: { "1": 4 } },
      RangeError,
      /is corrupt: stored counts \{"1":4\} differ from decoded \{"1":1,"2":2\}/,
    ],
    [
      "counts a string",
      { counts: "1:1" },
      TypeError,
      /`counts` must be an object \{ classId: voxels \}, received "1:1"/,
    ],
    [
      "a negative count",
      { counts: { "1": -1 } },
      RangeError,
      /`counts\.1` must be a voxel count \(integer >= 0\), received number -1/,
    ],
    [
      "saved a number",
      { saved: 5 },
      TypeError,
      /`saved` must be an ISO time string, received number 5/,
    ],
    [
      "version 2",
      { version: 2 },
      RangeError,
      /is not a tomolab label file \(expected format "tomolab-labels" version 1, received format "tomolab-labels", version number 2\)/,
    ],
    ["no format", { format: undefined }, RangeError, /is not a tomolab label file/],
  ];
  for (const [name, fields, Type, message] of cases) {
    it(name, () => {
      writeFileSync(file, labelFile(fields));
      expect(() => loadLabels(file)).toThrow(Type);
      expect(() => loadLabels(file)).toThrow(message);
      expect(() => loadLabels(file)).toThrow(/f\.labels\.json/);
    });
  }

  it("JSON that is not an object, a folder, and a smaller memory budget", () => {
    for (const text of ["null", "[1,2]", "3", '"x"']) {
      writeFileSync(file, text);
      expect(() => loadLabels(file)).toThrow(/f\.labels\.json is not a tomolab label file/);
    }
    const folder = path.join(dir, "folder.labels.json");
    mkdirSync(folder);
    expect(() => loadLabels(folder)).toThrow(/folder\.labels\.json is not a file/);
    writeFileSync(file, labelFile());
    expect(() => loadLabels(file, { maxVoxels: 5 })).toThrow(
      /is 6 voxels, more than the 5 \(maxVoxels\)/,
    );
    expect(loadLabels(file, { maxVoxels: 6 }).data.length).toBe(6);
    expect(() => loadLabels(file, { maxVoxels: 0 })).toThrow(
      /`maxVoxels` must be a positive integer/,
    );
    expect(() => loadLabels(file, { shape: [2, 1] as never })).toThrow(/`options\.shape` must be/);
  });
});

describe("saveLabels never loses or replaces data it should not", () => {
  let dir: string;
  const vol = (fill = 0) => ({
    data: new Uint8Array(6).fill(fill),
    shape: [2, 1, 3] as [number, number, number],
    spacing: [1, 1, 1] as [number, number, number],
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-labels-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses to replace an existing label file unless overwrite: true (then keeps a .bak)", () => {
    const file = path.join(dir, "a.labels.json");
    expect(saveLabels(vol(1), file)).toBe(file);
    const first = readFileSync(file, "utf8");
    expect(() => saveLabels(vol(2), file)).toThrow(
      /a\.labels\.json already exists; pass \{ overwrite: true \} to replace it/,
    );
    expect(readFileSync(file, "utf8")).toBe(first);
    expect(existsSync(`${file}.bak`)).toBe(false);
    saveLabels(vol(2), file, { overwrite: true });
    expect(loadLabels(file).counts).toEqual({ "2": 6 });
    expect(readFileSync(`${file}.bak`, "utf8")).toBe(first);
  });

  it("never writes a file whose name is not <name>.labels.json, nor replaces a non-label file", () => {
    const scan = path.join(dir, "scan.tif");
    writeFileSync(scan, "TIFF bytes");
    for (const overwrite of [false, true])
      expect(() => saveLabels(vol(1), scan, { overwrite })).toThrow(
        /label files are named <name>\.labels\.json, received ".*scan\.tif"/,
      );
    expect(() => saveLabels(vol(1), path.join(dir, ".labels.json"))).toThrow(/named <name>/);
    expect(readFileSync(scan, "utf8")).toBe("TIFF bytes");
    const other = path.join(dir, "notes.labels.json");
    writeFileSync(other, "my notes");
    expect(() => saveLabels(vol(1), other, { overwrite: true })).toThrow(
      /notes\.labels\.json exists and is not a tomolab label file; it is never replaced/,
    );
    expect(readFileSync(other, "utf8")).toBe("my notes");
    expect(existsSync(`${other}.bak`)).toBe(false);
    mkdirSync(path.join(dir, "d.labels.json"));
    expect(() => saveLabels(vol(1), path.join(dir, "d.labels.json"), { overwrite: true })).toThrow(
      /exists and is not a file/,
    );
  });

  it("never writes labels that loadLabels would reject", () => {
    const file = path.join(dir, "b.labels.json");
    expect(() => saveLabels(vol(7), file)).toThrow(
      /`labels` holds 7 at voxel 0, which is not 0 or an id of `classes` \(1, 2, 3\)/,
    );
    expect(() =>
      saveLabels(vol(1), file, { classes: [{ id: 300, name: "x", color: "#000000" }] }),
    ).toThrow(/`classes\[0\]\.id` must be an integer in 1\.\.255, received 300/);
    expect(() => saveLabels(vol(1), file, [{ id: 1, name: "x", color: "blue" }])).toThrow(
      /`classes\[0\]\.color`/,
    );
    expect(existsSync(file)).toBe(false);
    // the class table can still be given alone (the former third argument)
    saveLabels(vol(4), file, [{ id: 4, name: "pore", color: "#123456" }]);
    expect(loadLabels(file).classes).toEqual([{ id: 4, name: "pore", color: "#123456" }]);
  });

  it("resolves relative paths against baseDir and refuses ones that leave it", () => {
    const base = path.join(dir, "notebooks");
    mkdirSync(base);
    expect(() => saveLabels(vol(1), "../x.labels.json", { baseDir: base })).toThrow(
      /label file "\.\.\/x\.labels\.json" is outside the folder .*notebooks it is resolved against/,
    );
    expect(existsSync(path.join(dir, "x.labels.json"))).toBe(false);
    expect(() => loadLabels("../x.labels.json", { baseDir: base })).toThrow(
      /is outside the folder/,
    );
    expect(() => loadLabels("sub/../../x.labels.json", { baseDir: base })).toThrow(/is outside/);
    // inside the folder (even through ..), or absolute: allowed
    expect(saveLabels(vol(1), "sub/../in.labels.json", { baseDir: base })).toBe(
      path.join(base, "in.labels.json"),
    );
    expect(loadLabels("in.labels.json", { baseDir: base }).counts).toEqual({ "1": 6 });
    const outside = path.join(dir, "x.labels.json");
    expect(saveLabels(vol(2), outside)).toBe(outside);
    expect(loadLabels(outside).counts).toEqual({ "2": 6 });
    expect(resolveLabelPath("y.labels.json", { baseDir: base })).toBe(
      path.join(base, "y.labels.json"),
    );
    expect(() => resolveLabelPath("")).toThrow(/non-empty path/);
    expect(() => resolveLabelPath(5 as never)).toThrow(TypeError);
  });
});
