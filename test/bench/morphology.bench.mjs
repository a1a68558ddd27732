// Benchmark: morphology on the pore phase of the taufactor NMC cathode (256^3,
// ../shared/data/nmc-cathode-taufactor/electrode.tiff): exact EDT against scipy and
// seung-lab `edt` (2 threads), the same EDT on a 512^3 volume made by mirroring the 256^3 one
// 2x2x2 (peak memory in the table), 26-connected components against scipy.ndimage.label and
// cc3d, local thickness (25 sizes) against PoreSpy. References other than scipy live in
// .cache/bench-venv (see morphology.py). Skips with a message when the volume is absent.
// Run: npm run bench -- morphology [--case <case>]
import { writeFileSync } from "node:fs";
import path from "node:path";
import {
  connectedComponents,
  distanceTransform,
  localThickness,
} from "../../kernel-lib/dist/morphology/index.js";
import { closePool } from "../../kernel-lib/dist/parallel/index.js";
import { runBenchmark } from "./harness.mjs";
import { taufactorPore } from "./taufactor.mjs";

/** The volume mirrored 2x2x2 (each octant a reflection of the original): twice each side. */
function mirrored(v) {
  const [nz, ny, nx] = v.shape;
  const data = new Uint8Array(8 * nz * ny * nx);
  for (let z = 0, i = 0; z < 2 * nz; z++) {
    const sz = z < nz ? z : 2 * nz - 1 - z;
    for (let y = 0; y < 2 * ny; y++) {
      const sy = y < ny ? y : 2 * ny - 1 - y;
      const row = (sz * ny + sy) * nx;
      for (let x = 0; x < 2 * nx; x++, i++) data[i] = v.data[row + (x < nx ? x : 2 * nx - 1 - x)];
    }
  }
  return { data, shape: [2 * nz, 2 * ny, 2 * nx], spacing: [1, 1, 1] };
}

const { pore: first, dataFile } = await taufactorPore("morphology");
const shapeArg = first.shape.join(",");
const big = first.shape.map((n) => 2 * n);
const bigFile = path.join(path.dirname(dataFile), "pore-mirrored.u8");
if (!process.argv.includes("--child")) {
  writeFileSync(bigFile, mirrored(first).data);
}
const ref = (tool) => ["--tool", tool, "--data", dataFile, "--shape", shapeArg];
const size = `${first.shape.join("x")} pore phase`;
const setup = () => first;

await runBenchmark(import.meta.url, {
  name: "morphology",
  runs: 3,
  cases: [
    {
      case: `EDT ${size} vs scipy`,
      setup,
      run: (v) => distanceTransform(v),
      reference: ref("scipy-edt"),
    },
    { case: `EDT ${size} vs edt`, setup, run: (v) => distanceTransform(v), reference: ref("edt") },
    {
      case: `EDT ${big.join("x")} (${size} mirrored 2x2x2) vs edt`,
      setup: () => mirrored(first),
      run: (v) => distanceTransform(v),
      reference: ["--tool", "edt", "--data", bigFile, "--shape", big.join(",")],
    },
    {
      case: `components 26 ${size} vs scipy`,
      setup,
      run: (v) => connectedComponents(v, { connectivity: 26 }),
      reference: ref("scipy-label"),
    },
    {
      case: `components 26 ${size} vs cc3d`,
      setup,
      run: (v) => connectedComponents(v, { connectivity: 26 }),
      reference: ref("cc3d"),
    },
    {
      case: `local thickness ${size} vs PoreSpy`,
      setup,
      run: (v) => localThickness(v, { sizes: 25 }),
      reference: ref("porespy-lt"),
    },
  ],
});
await closePool();
