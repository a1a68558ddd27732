/**
 * Schema check of a data-samples manifest (`data-samples/manifest.json`), so
 * that `loadSample` never returns a sample with missing volumes or reads a
 * file outside the data folder. @internal
 */
import { describeFieldValue } from "../util/checks.js";
import type { DType } from "../volume/types.js";
import type { Manifest } from "./sampleManifest.js";

/** The volumes each kind of sample has, with their dtype (what `loadSample` assembles). */
export const SAMPLE_FILES: Readonly<Record<"fibsem" | "ebsd", Readonly<Record<string, DType>>>> =
  Object.freeze({
    fibsem: {
      se2: "uint8",
      inlens: "uint8",
      truth: "uint8",
      labels: "uint8",
      redeposition: "uint8",
    },
    ebsd: { iq: "uint8", iqAligned: "uint8", grains: "int32", targets: "uint8" },
  });

const DTYPES: readonly string[] = ["uint8", "uint16", "int32", "uint32", "float32"];
const SHA256 = /^[0-9a-f]{64}$/;

function received(v: unknown): string {
  return describeFieldValue(v, { stringsUpTo: 70, arraysUpTo: 4 });
}

/** Field checks that throw TypeError / RangeError naming the manifest and the field. */
class Checker {
  constructor(private readonly where: string) {}

  fail(field: string, expected: string, v: unknown, Type: ErrorConstructor = RangeError): never {
    throw new Type(`${this.where}: \`${field}\` must be ${expected}, received ${received(v)}`);
  }

  object(v: unknown, field: string, what: string): Record<string, unknown> {
    if (typeof v !== "object" || v === null || Array.isArray(v))
      this.fail(field, what, v, TypeError);
    return v as Record<string, unknown>;
  }

  array(v: unknown, field: string, what: string): unknown[] {
    if (!Array.isArray(v)) this.fail(field, what, v, TypeError);
    return v;
  }

  string(v: unknown, field: string): string {
    if (typeof v !== "string") this.fail(field, "a string", v, TypeError);
    return v;
  }

  integer(v: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== "number") this.fail(field, `an integer in ${min}..${max}`, v, TypeError);
    if (!Number.isInteger(v) || v < min || v > max)
      this.fail(field, `an integer in ${min}..${max}`, v);
    return v;
  }

  finite(v: unknown, field: string): number {
    if (typeof v !== "number") this.fail(field, "a finite number", v, TypeError);
    if (!Number.isFinite(v)) this.fail(field, "a finite number", v);
    return v;
  }

  triple(v: unknown, field: string, kind: "shape" | "spacing"): number[] {
    const what =
      kind === "shape"
        ? "3 positive integers [nz, ny, nx]"
        : "3 positive finite numbers [dz, dy, dx]";
    const a = this.array(v, field, what);
    if (a.length !== 3) this.fail(field, what, v);
    a.forEach((n, i) => {
      if (kind === "shape") this.integer(n, `${field}[${i}]`, 1);
      else if (!(this.finite(n, `${field}[${i}]`) > 0))
        this.fail(`${field}[${i}]`, "a positive finite number", n);
    });
    return a as number[];
  }

  slices(v: unknown, field: string, nz: number): number[] {
    const a = this.array(v, field, `an array of slice indices in 0..${nz - 1}`);
    a.forEach((z, i) => this.integer(z, `${field}[${i}]`, 0, nz - 1));
    return a as number[];
  }
}

/** A relative, normalised path inside the data folder ("/" separated, no "..", not absolute). */
function insidePath(file: string): boolean {
  if (file === "" || file.includes("\\") || file.includes("\0") || file.startsWith("/"))
    return false;
  if (/^[A-Za-z]:/.test(file)) return false;
  return file.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}

/**
 * Check every field of a parsed manifest: `format` 1, `samples` entries with
 * name, kind, description, committed, shape, spacing, seed, the files their
 * kind needs (name, relative path inside the folder, description, dtype,
 * shape and spacing of the sample, sha256 of 64 hex digits; names unique)
 * and the metadata `loadSample` returns (slices within the volume).
 * @param m - The parsed JSON.
 * @param where - Message prefix naming the manifest file.
 * @throws TypeError / RangeError naming the manifest and the field, e.g. `samples[1].files`.
 * @internal
 */
export function checkManifest(m: unknown, where: string): asserts m is Manifest {
  const c: Checker = new Checker(where);
  const root = c.object(m, "(manifest)", "an object { format, note, samples }");
  if (root.format !== 1) c.fail("format", "1 (the only manifest format)", root.format);
  if (root.note !== undefined) c.string(root.note, "note");
  const samples = c.array(root.samples, "samples", "an array of sample entries");
  const names = new Set<string>();
  samples.forEach((entry, i) => {
    const at = `samples[${i}]`;
    const s = c.object(entry, at, "an object describing one sample");
    const name = c.string(s.name, `${at}.name`);
    if (names.has(name)) c.fail(`${at}.name`, "unique (one entry per sample)", name);
    names.add(name);
    const kind = s.kind;
    if (kind !== "fibsem" && kind !== "ebsd") c.fail(`${at}.kind`, '"fibsem" or "ebsd"', kind);
    c.string(s.description, `${at}.description`);
    if (typeof s.committed !== "boolean")
      c.fail(`${at}.committed`, "a boolean", s.committed, TypeError);
    const shape = c.triple(s.shape, `${at}.shape`, "shape");
    const spacing = c.triple(s.spacing, `${at}.spacing`, "spacing");
    c.integer(s.seed, `${at}.seed`, Number.MIN_SAFE_INTEGER);
    const needed = SAMPLE_FILES[kind];
    const files = c.array(s.files, `${at}.files`, "an array of file entries");
    const seen = new Set<string>();
    files.forEach((fe, j) => {
      const ft = `${at}.files[${j}]`;
      const f = c.object(fe, ft, "an object describing one volume file");
      const fname = c.string(f.name, `${ft}.name`);
      if (seen.has(fname)) c.fail(`${ft}.name`, "unique within the sample", fname);
      seen.add(fname);
      const file = c.string(f.file, `${ft}.file`);
      if (!insidePath(file))
        c.fail(
          `${ft}.file`,
          'a relative path inside the data-samples folder ("/" separated, no "..")',
          file,
        );
      c.string(f.description, `${ft}.description`);
      const dtype = c.string(f.dtype, `${ft}.dtype`);
      if (!DTYPES.includes(dtype)) c.fail(`${ft}.dtype`, `one of ${DTYPES.join(", ")}`, dtype);
      const want = needed[fname];
      if (want !== undefined && dtype !== want)
        c.fail(`${ft}.dtype`, `${want} (the dtype of a ${kind} sample's ${fname})`, dtype);
      const fshape = c.triple(f.shape, `${ft}.shape`, "shape");
      if (fshape.some((n, k) => n !== shape[k]))
        c.fail(`${ft}.shape`, `the sample's shape ${JSON.stringify(shape)}`, fshape);
      const fspacing = c.triple(f.spacing, `${ft}.spacing`, "spacing");
      if (fspacing.some((n, k) => n !== spacing[k]))
        c.fail(`${ft}.spacing`, `the sample's spacing ${JSON.stringify(spacing)}`, fspacing);
      const sha = c.string(f.sha256, `${ft}.sha256`);
      if (!SHA256.test(sha)) c.fail(`${ft}.sha256`, "a sha256 of 64 lowercase hex digits", sha);
    });
    const missing = Object.keys(needed).filter((n) => !seen.has(n));
    if (missing.length > 0)
      throw new RangeError(
        `${where}: \`${at}.files\` must list the ${kind} sample's volumes ${Object.keys(needed).join(", ")}; ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing (received ${files.length} file${files.length === 1 ? "" : "s"})`,
      );
    const meta = c.object(s.meta, `${at}.meta`, "an object of sample metadata");
    const nz = shape[0]!;
    if (kind === "fibsem") {
      c.integer(meta.testSlice, `${at}.meta.testSlice`, 0, nz - 1);
      c.integer(meta.gap, `${at}.meta.gap`, 0, nz);
      const ex = c.slices(meta.excluded, `${at}.meta.excluded`, nz);
      if (ex.length !== 2 || ex[0]! > ex[1]!)
        c.fail(`${at}.meta.excluded`, "an inclusive slice range [first, last]", meta.excluded);
      c.slices(meta.trainSlices, `${at}.meta.trainSlices`, nz);
      const classes = c.object(meta.classes, `${at}.meta.classes`, "an object { classId: name }");
      for (const [k, v] of Object.entries(classes)) c.string(v, `${at}.meta.classes.${k}`);
      const counts = c.object(
        meta.labelCounts,
        `${at}.meta.labelCounts`,
        "an object { classId: voxels }",
      );
      for (const [k, v] of Object.entries(counts)) {
        if (!(k in classes))
          c.fail(`${at}.meta.labelCounts`, "counts of the classes in meta.classes only", k);
        c.integer(v, `${at}.meta.labelCounts.${k}`, 0);
      }
      c.integer(meta.strokes, `${at}.meta.strokes`, 0);
      const structure = c.array(
        meta.structureShape,
        `${at}.meta.structureShape`,
        "a shape [nz, ny, nx]",
      );
      if (structure.length !== 3)
        c.fail(`${at}.meta.structureShape`, "a shape [nz, ny, nx]", structure);
      structure.forEach((v, k) => c.integer(v, `${at}.meta.structureShape[${k}]`, 1));
      if (meta.particle !== undefined) {
        // A whole particle (porous-particle samples): where it is and how it was built.
        const pt = `${at}.meta.particle`;
        const particle = c.object(
          meta.particle,
          pt,
          "an object { center, radius, outlineRange, primaries, vacancies }",
        );
        const center = c.array(particle.center, `${pt}.center`, "a centre [z, y, x] in nm");
        if (center.length !== 3) c.fail(`${pt}.center`, "a centre [z, y, x] in nm", center);
        center.forEach((v, k) => c.finite(v, `${pt}.center[${k}]`));
        const radius = c.finite(particle.radius, `${pt}.radius`);
        if (!(radius > 0)) c.fail(`${pt}.radius`, "a radius > 0 (nm)", radius);
        const range = c.array(
          particle.outlineRange,
          `${pt}.outlineRange`,
          "a range [min, max] in nm",
        );
        if (range.length !== 2) c.fail(`${pt}.outlineRange`, "a range [min, max] in nm", range);
        const [lo, hi] = range.map((v, k) => c.finite(v, `${pt}.outlineRange[${k}]`));
        if (!(lo! > 0 && lo! <= hi!))
          c.fail(`${pt}.outlineRange`, "a range [min, max] with 0 < min <= max", range);
        c.integer(particle.primaries, `${pt}.primaries`, 0);
        c.integer(particle.vacancies, `${pt}.vacancies`, 0);
      }
    } else {
      const shifts = c.array(
        meta.shifts,
        `${at}.meta.shifts`,
        `${nz} shifts [dy, dx], one per slice`,
      );
      if (shifts.length !== nz)
        c.fail(`${at}.meta.shifts`, `${nz} shifts [dy, dx], one per slice`, shifts);
      shifts.forEach((d, z) => {
        const pair = c.array(d, `${at}.meta.shifts[${z}]`, "a shift [dy, dx]");
        if (pair.length !== 2) c.fail(`${at}.meta.shifts[${z}]`, "a shift [dy, dx]", d);
        pair.forEach((v, k) => c.finite(v, `${at}.meta.shifts[${z}][${k}]`));
      });
      const rot = c.array(meta.rotations, `${at}.meta.rotations`, `${nz} rotations, one per slice`);
      if (rot.length !== nz) c.fail(`${at}.meta.rotations`, `${nz} rotations, one per slice`, rot);
      rot.forEach((v, z) => c.finite(v, `${at}.meta.rotations[${z}]`));
      c.slices(meta.labelledSlices, `${at}.meta.labelledSlices`, nz);
      c.integer(meta.grainCount, `${at}.meta.grainCount`, 0);
      const codes = c.object(
        meta.targetCodes,
        `${at}.meta.targetCodes`,
        "an object { code: name }",
      );
      for (const [k, v] of Object.entries(codes)) c.string(v, `${at}.meta.targetCodes.${k}`);
    }
  });
}
