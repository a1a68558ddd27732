// Cases of the grains benchmark, part "descriptors": Paper 2's grain table (section 2.4) on
// the NMC phase (85) of taufactor's cathode (../shared/data/nmc-cathode-taufactor/
// electrode.tiff, 256^3), split into 865 grains by kernel-lib's splitParticles (h-maxima,
// h = 2, of the phase's distance map, i.e. the h-minima of its negation, as markers of a
// watershed of -D in the phase). The labels are made once (untimed, cached as raw int32 in
// the temp folder) and handed to the reference, scikit-image's regionprops_table
// (test/bench/grains/descriptors.py). Without the volume the part has no cases.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { grainTable } from "../../../kernel-lib/dist/grains/index.js";
import { readTiff, sharedDataPath } from "../../../kernel-lib/dist/io/index.js";
import { splitParticles } from "../../../kernel-lib/dist/morphology/index.js";

const NMC = 85;
const H = 2;
const tiff = sharedDataPath("nmc-cathode-taufactor/electrode.tiff");
const labelsFile = path.join(os.tmpdir(), "tomolab-bench-grains", `descriptors-nmc-h${H}.i32`);
const SHAPE = [256, 256, 256];

/** The grain labels of the NMC phase, from the cache when it is newer than the volume. */
async function nmcGrains() {
  if (existsSync(labelsFile) && statSync(labelsFile).mtimeMs > statSync(tiff).mtimeMs) {
    const buf = readFileSync(labelsFile);
    const data = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    return { data, shape: SHAPE, spacing: [1, 1, 1] };
  }
  const v = await readTiff(tiff);
  if (v.shape.join() !== SHAPE.join())
    throw new Error(
      `descriptors: expected a ${SHAPE.join("x")} volume, received ${v.shape.join("x")}`,
    );
  const mask = {
    data: Uint8Array.from(v.data, (x) => (x === NMC ? 1 : 0)),
    shape: v.shape,
    spacing: [1, 1, 1],
  };
  const { labels, count } = await splitParticles(mask, { h: H });
  console.warn(`descriptors: ${count} grains in the NMC phase (cached in ${labelsFile})`);
  mkdirSync(path.dirname(labelsFile), { recursive: true });
  writeFileSync(
    labelsFile,
    new Uint8Array(labels.data.buffer, labels.data.byteOffset, labels.data.byteLength),
  );
  return labels;
}

const MOMENTS = ["voxels", "centroidZ", "centroidY", "centroidX", "lambda1", "lambda2", "lambda3"];
const ref = (properties, maxRuns) => [
  "descriptors",
  "--labels",
  labelsFile,
  "--shape",
  SHAPE.join(","),
  "--properties",
  properties,
  ...(maxRuns ? ["--max-runs", String(maxRuns)] : []),
];

export const cases = [];
if (tiff === undefined) {
  if (!process.argv.includes("--child"))
    console.log(
      'grains: part "descriptors" skipped (../shared/data/nmc-cathode-taufactor/electrode.tiff is absent)',
    );
} else {
  cases.push(
    {
      case: "descriptors: area, centroid, inertia eigenvalues, 865 NMC grains (256^3) vs skimage",
      setup: nmcGrains,
      run: (labels) => grainTable(labels, { excludeBorder: false, properties: MOMENTS }),
      reference: ref("area,centroid,inertia_tensor_eigvals"),
    },
    {
      case: "descriptors: full table (+ surface, convex hull, d, s, c, e, angles, bbox) vs skimage + bbox, convex_area",
      setup: nmcGrains,
      run: (labels) => grainTable(labels, { excludeBorder: false }),
      // skimage's 3D convex_area takes 30-50 s a run: one run per round.
      reference: ref("area,centroid,inertia_tensor_eigvals,bbox,convex_area", 1),
    },
  );
}
