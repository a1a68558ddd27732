import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  compareEntries,
  generateSample,
  loadSample,
  readManifest,
  SAMPLES,
  sampleDir,
  volumeSha256,
  writeSample,
} from "../../kernel-lib/src/synth/index.js";

describe("data-samples", () => {
  const dir = sampleDir();

  it("the manifest lists every default sample with shape, spacing, description and sha256 per file", () => {
    const m = readManifest(dir);
    expect(m).toBeDefined();
    expect(m!.samples.map((s) => s.name).sort()).toEqual(Object.keys(SAMPLES).sort());
    for (const s of m!.samples) {
      expect(s.description.length).toBeGreaterThan(20);
      expect(s.shape).toEqual(SAMPLES[s.name].shape);
      for (const f of s.files) {
        expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(f.shape.length).toBe(3);
        expect(f.spacing.length).toBe(3);
        expect(f.file.startsWith(`${s.name}/`)).toBe(true);
      }
    }
  });

  it("committed samples stay small (< 25 MB together)", () => {
    let bytes = 0;
    for (const s of Object.values(SAMPLES)) {
      if (!s.committed) continue;
      const d = path.join(dir, s.name);
      for (const f of readdirSync(d)) bytes += statSync(path.join(d, f)).size;
    }
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(25 * 2 ** 20);
  });

  it("loadSample reads and verifies a committed FIB/SEM sample; regenerating it gives the same bytes", async () => {
    const s = await loadSample("fibsem-nmc-small", { generate: false });
    expect(s.kind).toBe("fibsem");
    expect(s.se2.shape).toEqual([48, 96, 96]);
    expect(s.se2.spacing).toEqual([10, 10, 10]);
    expect(s.labels.data.some((v) => v !== 0)).toBe(true);
    for (let z = s.excluded[0]; z <= s.excluded[1]; z++) {
      expect(s.labels.data.subarray(z * 96 * 96, (z + 1) * 96 * 96).every((v) => v === 0)).toBe(
        true,
      );
    }
    const g = generateSample("fibsem-nmc-small");
    for (const k of ["se2", "inlens", "truth", "labels", "redeposition"] as const) {
      expect(volumeSha256(g[k])).toBe(volumeSha256(s[k]));
    }
    expect(g.testSlice).toBe(s.testSlice);
    expect(g.trainSlices).toEqual(s.trainSlices);
  });

  it("loadSample reads a committed EBSD sample with shifts and the three targets", async () => {
    const s = await loadSample("ebsd-particle-small", { generate: false });
    expect(s.kind).toBe("ebsd");
    expect(s.grains.data).toBeInstanceOf(Int32Array);
    expect(s.shifts.length).toBe(32);
    expect(s.labelledSlices.length).toBeGreaterThan(0);
    for (let i = 0; i < s.targets.data.length; i += 101) {
      expect(s.boundary.data[i] + s.interior.data[i] + s.background.data[i]).toBe(1);
      expect(s.background.data[i]).toBe(s.grains.data[i] === 0 ? 1 : 0);
    }
  });

  it("says how to make a missing sample, and rejects unknown names and stale files", async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "tomolab-samples-"));
    try {
      await expect(
        loadSample("fibsem-nmc-small", { dir: empty, generate: false, verify: false }),
      ).rejects.toThrow(/missing in .*; run `npm run data`/);
      await expect(loadSample("fibsem-nmc-small", { dir: empty })).rejects.toThrow(
        /not in the manifest/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    await expect(loadSample("nope" as never)).rejects.toThrow(
      /unknown sample "nope"; available: fibsem-nmc/,
    );
  });

  it("writeSample writes files matching the manifest; loadSample generates a missing sample, checks and saves it", async () => {
    const ref = readManifest(dir)!.samples.find((s) => s.name === "ebsd-particle-small")!;
    const [out, gen] = [1, 2].map(() => mkdtempSync(path.join(os.tmpdir(), "tomolab-samples-")));
    try {
      const entry = await writeSample("ebsd-particle-small", { dir: out });
      expect(compareEntries(ref, entry)).toEqual([]);
      expect(entry.files.map((f) => f.file)).toEqual(ref.files.map((f) => f.file));
      for (const f of entry.files) expect(existsSync(path.join(out, f.file))).toBe(true);

      writeFileSync(path.join(gen, "manifest.json"), readFileSync(path.join(dir, "manifest.json")));
      const made = await loadSample("ebsd-particle-small", { dir: gen });
      expect(volumeSha256(made.iq)).toBe(ref.files.find((f) => f.name === "iq")!.sha256);
      expect(readdirSync(path.join(gen, "ebsd-particle-small")).sort()).toEqual([
        "grains.tif",
        "iq.tif",
        "iqAligned.tif",
        "targets.tif",
      ]);
      // The saved files are what loadSample reads (and verifies) next time.
      const again = await loadSample("ebsd-particle-small", { dir: gen, verify: false });
      expect(volumeSha256(again.grains)).toBe(volumeSha256(made.grains));
      await expect(
        loadSample("ebsd-particle-small", { dir: gen, verify: "yes" as never }),
      ).rejects.toThrow('`verify` must be a boolean, received "yes"');
    } finally {
      for (const d of [out, gen]) rmSync(d, { recursive: true, force: true });
    }
  });

  it("default-size samples, when generated at setup, match the manifest", async () => {
    for (const name of ["fibsem-nmc", "ebsd-particle", "porous-particle"] as const) {
      if (!existsSync(path.join(dir, name))) {
        console.warn(`skipping ${name}: not generated (run \`npm run data\`)`);
        continue;
      }
      await expect(loadSample(name, { generate: false })).resolves.toBeDefined();
    }
  });
});

/** A manifest as edited by the tests (loose JSON). */
type FileDoc = Record<string, unknown>;
interface EntryDoc {
  [key: string]: unknown;
  files: FileDoc[];
  meta: Record<string, unknown> & { shifts: unknown[] };
}
interface Doc {
  [key: string]: unknown;
  samples: EntryDoc[];
}

describe("readManifest / loadSample check the manifest, naming the file and the field", () => {
  const real = JSON.parse(readFileSync(path.join(sampleDir(), "manifest.json"), "utf8")) as {
    samples: Record<string, unknown>[];
  };
  const small = real.samples.findIndex((s) => s.name === "fibsem-nmc-small");
  const ebsd = real.samples.findIndex((s) => s.name === "ebsd-particle-small");
  const particle = real.samples.findIndex((s) => s.name === "porous-particle-small");
  /** A temporary data folder whose manifest is the real one after `edit`. */
  function withManifest(edit: (m: Doc) => void): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tomolab-manifest-"));
    const m = structuredClone(real) as unknown as Doc;
    edit(m);
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(m));
    dirs.push(dir);
    return dir;
  }
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("a sample with files: [] is refused instead of returning undefined volumes", async () => {
    const dir = withManifest((m) => (m.samples[small].files = []));
    const expected = new RegExp(
      `^sample manifest .*manifest\\.json: \`samples\\[${small}\\]\\.files\` must list the fibsem sample's volumes se2, inlens, truth, labels, redeposition; se2, inlens, truth, labels, redeposition are missing \\(received 0 files\\)`,
    );
    expect(() => readManifest(dir)).toThrow(expected);
    await expect(
      loadSample("fibsem-nmc-small", { dir, generate: false, verify: false }),
    ).rejects.toThrow(expected);
    // one volume missing
    const one = withManifest((m) => m.samples[small].files.pop());
    expect(() => readManifest(one)).toThrow(/redeposition is missing \(received 4 files\)/);
  });

  const f0 = (m: Doc) => m.samples[small].files[0];
  const cases: [string, (m: Doc) => void, ErrorConstructor, RegExp][] = [
    [
      "a path leaving the folder",
      (m) => (f0(m).file = "../../etc/passwd"),
      RangeError,
      /`samples\[\d+\]\.files\[0\]\.file` must be a relative path inside the data-samples folder.*received "\.\.\/\.\.\/etc\/passwd"/,
    ],
    [
      "an absolute path",
      (m) => (f0(m).file = "/etc/passwd"),
      RangeError,
      /\.files\[0\]\.file` must be a relative path/,
    ],
    [
      "a short checksum",
      (m) => (f0(m).sha256 = "abc"),
      RangeError,
      /\.files\[0\]\.sha256` must be a sha256 of 64 lowercase hex digits, received "abc"/,
    ],
    [
      "a missing checksum",
      (m) => delete f0(m).sha256,
      TypeError,
      /\.files\[0\]\.sha256` must be a string, received nothing/,
    ],
    [
      "an unknown dtype",
      (m) => (f0(m).dtype = "float64"),
      RangeError,
      /\.files\[0\]\.dtype` must be one of uint8, uint16, int32, uint32, float32, received "float64"/,
    ],
    [
      "grains stored as uint8",
      (m) => (m.samples[ebsd].files.find((f: FileDoc) => f.name === "grains")!.dtype = "uint8"),
      RangeError,
      /\.dtype` must be int32 \(the dtype of a ebsd sample's grains\), received "uint8"/,
    ],
    [
      "a file of another shape",
      (m) => (f0(m).shape = [48, 96, 95]),
      RangeError,
      /\.files\[0\]\.shape` must be the sample's shape \[48,96,96\], received \[48,96,95\]/,
    ],
    [
      "a negative spacing",
      (m) => (f0(m).spacing = [10, -10, 10]),
      RangeError,
      /\.files\[0\]\.spacing\[1\]` must be a positive finite number, received number -10/,
    ],
    [
      "duplicate file names",
      (m) => (m.samples[small].files[1].name = "se2"),
      RangeError,
      /\.files\[1\]\.name` must be unique within the sample, received "se2"/,
    ],
    [
      "a duplicate sample",
      (m) => m.samples.push(structuredClone(m.samples[small])),
      RangeError,
      /`samples\[6\]\.name` must be unique \(one entry per sample\), received "fibsem-nmc-small"/,
    ],
    [
      "an unknown kind",
      (m) => (m.samples[small].kind = "sem"),
      RangeError,
      /\.kind` must be "fibsem" or "ebsd", received "sem"/,
    ],
    [
      "a fractional shape",
      (m) => (m.samples[small].shape = [48, 96.5, 96]),
      RangeError,
      /`samples\[\d\]\.shape\[1\]` must be an integer in 1\.\./,
    ],
    [
      "the test slice outside the volume",
      (m) => (m.samples[small].meta.testSlice = 48),
      RangeError,
      /\.meta\.testSlice` must be an integer in 0\.\.47, received number 48/,
    ],
    [
      "an excluded range backwards",
      (m) => (m.samples[small].meta.excluded = [30, 10]),
      RangeError,
      /\.meta\.excluded` must be an inclusive slice range \[first, last\], received \[30,10\]/,
    ],
    [
      "shifts for too few slices",
      (m) => m.samples[ebsd].meta.shifts.pop(),
      RangeError,
      /\.meta\.shifts` must be 32 shifts \[dy, dx\], one per slice, received an array of length 31/,
    ],
    [
      "a shift that is not a number",
      (m) => (m.samples[ebsd].meta.shifts[3] = [1, "2"]),
      TypeError,
      /\.meta\.shifts\[3\]\[1\]` must be a finite number, received "2"/,
    ],
    [
      "strokes not a count (found by the fuzz suite)",
      (m) => (m.samples[small].meta.strokes = []),
      TypeError,
      /\.meta\.strokes` must be an integer/,
    ],
    [
      "a fractional structure shape",
      (m) => ((m.samples[small].meta.structureShape as number[])[1] = 1.5),
      RangeError,
      /\.meta\.structureShape\[1\]` must be an integer in 1\.\./,
    ],
    [
      "a label count of a class that is not declared",
      (m) => ((m.samples[small].meta.labelCounts as Record<string, number>)["7"] = 3),
      RangeError,
      /\.meta\.labelCounts` must be counts of the classes in meta\.classes only, received "7"/,
    ],
    [
      "a particle's vacancies not a count (found by the fuzz suite)",
      (m) => ((m.samples[particle].meta.particle as Record<string, unknown>).vacancies = [0, 0]),
      TypeError,
      /\.meta\.particle\.vacancies` must be an integer/,
    ],
    [
      "a particle's radius not positive",
      (m) => ((m.samples[particle].meta.particle as Record<string, unknown>).radius = 0),
      RangeError,
      /\.meta\.particle\.radius` must be a radius > 0 \(nm\), received number 0/,
    ],
    [
      "a particle's centre with two coordinates",
      (m) => ((m.samples[particle].meta.particle as Record<string, unknown>).center = [1, 2]),
      RangeError,
      /\.meta\.particle\.center` must be a centre \[z, y, x\] in nm/,
    ],
    [
      "a fractional grain count",
      (m) => (m.samples[ebsd].meta.grainCount = 2.5),
      RangeError,
      /\.meta\.grainCount` must be an integer/,
    ],
    [
      "a target code name that is not a string",
      (m) => ((m.samples[ebsd].meta.targetCodes as Record<string, unknown>)["1"] = 5),
      TypeError,
      /\.meta\.targetCodes\.1` must be a string/,
    ],
    [
      "no meta",
      (m) => delete (m.samples[small] as Record<string, unknown>).meta,
      TypeError,
      /\.meta` must be an object of sample metadata, received nothing/,
    ],
    [
      "files not an array",
      (m) => (m.samples[small].files = {} as never),
      TypeError,
      /\.files` must be an array of file entries, received an object/,
    ],
    [
      "format 2",
      (m) => (m.format = 2),
      RangeError,
      /`format` must be 1 \(the only manifest format\), received number 2/,
    ],
    [
      "samples missing",
      (m) => delete (m as Record<string, unknown>).samples,
      TypeError,
      /`samples` must be an array of sample entries, received nothing/,
    ],
  ];
  for (const [name, edit, Type, message] of cases) {
    it(name, () => {
      const dir = withManifest(edit);
      expect(() => readManifest(dir)).toThrow(Type);
      expect(() => readManifest(dir)).toThrow(message);
      expect(() => readManifest(dir)).toThrow(/^sample manifest .*manifest\.json: /);
    });
  }

  it("text that is not JSON, or not an object", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tomolab-manifest-"));
    dirs.push(dir);
    writeFileSync(path.join(dir, "manifest.json"), "{ nope");
    expect(() => readManifest(dir)).toThrow(/^cannot parse sample manifest .*manifest\.json/);
    writeFileSync(path.join(dir, "manifest.json"), "[]");
    expect(() => readManifest(dir)).toThrow(
      /`\(manifest\)` must be an object \{ format, note, samples \}, received \[\]/,
    );
  });

  it("the committed manifest passes", () => {
    expect(readManifest(sampleDir())!.samples.length).toBe(Object.keys(SAMPLES).length);
  });
});
