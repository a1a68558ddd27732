// What each fuzz target runs on one input, inside a fuzz child process
// (test/fuzz/child.mjs), against the compiled library (kernel-lib/dist). Each
// runner returns a plain result the parent compares with the seed's result.
// A new parser (e.g. an EBSD .ang/.ctf reader) needs one runner here and one
// target in test/fuzz/targets.mjs.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { zarrBoxes } from "./zarrTarget.mjs";

const dist = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "kernel-lib",
  "dist",
);
const load = (rel) => import(pathToFileURL(path.join(dist, rel)).href);

const volume = (v) => ({
  shape: [...v.shape],
  dtype: v.data.constructor.name,
  spacing: [...v.spacing],
  data: v.data,
});

/** Rows of features for a forest: a fixed formula, so the prediction is reproducible. */
function forestInput(nFeatures, rows = 48) {
  const x = new Float32Array(rows * nFeatures);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 1000) / 100 - 5;
  return x;
}

/** An EBSD map as a plain result: its structure, then the per-point channels. */
const ebsdResult = (m) => ({
  rows: m.rows,
  cols: m.cols,
  grid: m.grid,
  step: { ...m.step },
  unit: m.unit,
  format: m.format,
  phases: m.phases.map((p) => ({ ...p, lattice: p.lattice ? [...p.lattice] : undefined })),
  header: { ...m.header },
  columns: Object.keys(m.quality),
  points: { phi1: m.phi1, Phi: m.Phi, phi2: m.phi2, x: m.x, y: m.y, phase: m.phase, ...m.quality },
});

export const runners = {
  async tiff(input) {
    const { readTiff } = await load("io/readTiff.js");
    return volume(await readTiff(input.file, input.options));
  },

  async "tiff-lazy"(input) {
    const { openTiff } = await load("io/openTiff.js");
    const s = await openTiff(input.file, input.options);
    try {
      const [nz, ny, nx] = s.shape;
      const slices = [];
      for (let z = nz - 1; z >= 0; z--) slices[z] = await s.readSlice(z); // last first: lazily, out of order
      const data = new slices[0].constructor(nz * ny * nx);
      slices.forEach((sl, z) => data.set(sl, z * ny * nx));
      return { shape: [...s.shape], dtype: data.constructor.name, spacing: [...s.spacing], data };
    } finally {
      await s.close();
    }
  },

  async png(input) {
    const { readPngStack } = await load("io/readPngStack.js");
    return volume(await readPngStack(input.dir, input.options));
  },

  async labels(input) {
    const { loadLabels } = await load("display/labels.js");
    const v = loadLabels(input.file, input.options);
    const classes = v.classes.map(({ id, name, color }) => ({ id, name, color })); // the fields the library uses
    return { ...volume(v), classes, counts: v.counts };
  },

  async forest(input) {
    const { loadForest } = await load("classify/forest/loadForest.js");
    const f = loadForest(input.file);
    const summary = {
      classes: [...f.classes],
      nFeatures: f.nFeatures,
      nTrees: f.nTrees,
      oobError: f.oobError ?? null,
    };
    if (!(f.nFeatures <= 100_000))
      return { ...summary, proba: "not predicted: nFeatures too large" };
    const proba = f.predictProba(forestInput(f.nFeatures));
    return { ...summary, proba, importances: f.featureImportances() };
  },

  async manifest(input) {
    const { readManifest } = await load("synth/samples.js");
    const m = readManifest(input.dir);
    if (!m) return { manifest: null };
    // The fields of the Manifest schema (unknown keys are ignored by the library); meta is an open record.
    const pick = (o, keys) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
    const file = (f) =>
      pick(f, ["name", "file", "description", "dtype", "shape", "spacing", "sha256"]);
    const sample = (s) => ({
      ...pick(s, ["name", "kind", "description", "committed", "shape", "spacing", "seed", "meta"]),
      files: s.files.map(file),
    });
    return { manifest: { ...pick(m, ["format", "note"]), samples: m.samples.map(sample) } };
  },

  async ang(input) {
    const { readAng } = await load("io/ebsdAng.js");
    return ebsdResult(await readAng(input.file));
  },

  async ctf(input) {
    const { readCtf } = await load("io/ebsdCtf.js");
    return ebsdResult(await readCtf(input.file));
  },

  async zarr(input) {
    const { openZarr, readZarr } = await load("io/zarr.js");
    const z = await openZarr(input.dir, input.options);
    // Chunk-wise reads of level 0 first (lazily: the last voxel, the first chunk, a box
    // across chunk boundaries), then every level whole.
    const boxes = zarrBoxes(z.shape, z.chunks);
    const regions = [];
    for (const b of boxes) regions.push((await z.readRegion(b)).data);
    const level = [];
    const levelShapes = [];
    for (let k = 0; k < z.levels; k++) {
      levelShapes.push([...z.levelShape(k)]);
      const v = await readZarr(input.dir, { ...input.options, level: k });
      level.push({
        shape: [...v.shape],
        dtype: v.data.constructor.name,
        spacing: [...v.spacing],
        data: v.data,
      });
    }
    return {
      shape: [...z.shape],
      chunks: [...z.chunks],
      dtype: level[0].dtype,
      spacing: [...z.spacing],
      unit: z.unit,
      levels: z.levels,
      levelShapes,
      boxes,
      regions,
      level,
    };
  },
};
