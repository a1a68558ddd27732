// Benchmark: geodesic distance through the pore phase of the taufactor NMC cathode (256^3,
// ../shared/data/nmc-cathode-taufactor/electrode.tiff, 0 = pore) from the pore voxels of the
// z = 0 face, 26 neighbours, unit costs, unit spacing: tomolab geodesicDistance against
// skimage.graph.MCP_Geometric(costs, fully_connected=True).find_costs(starts) with costs 1 in the
// pores and inf elsewhere. Skips with a message when the volume is absent.
// Run: npm run bench -- geodesic
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readTiff, sharedDataPath } from "../../kernel-lib/dist/io/index.js";
import { geodesicDistance } from "../../kernel-lib/dist/transport/index.js";
import { runBenchmark } from "./harness.mjs";

const file = sharedDataPath("nmc-cathode-taufactor/electrode.tiff");
if (file === undefined) {
  console.log("geodesic: skipped (../shared/data/nmc-cathode-taufactor/electrode.tiff is absent)");
  process.exit(0);
}
const dataFile = path.join(os.tmpdir(), "tomolab-bench-geodesic", "pore.u8");

async function pore() {
  const v = await readTiff(file);
  const data = new Uint8Array(v.data.length);
  for (let i = 0; i < data.length; i++) data[i] = v.data[i] === 0 ? 1 : 0;
  const [, ny, nx] = v.shape;
  const sources = [];
  for (let i = 0; i < ny * nx; i++) if (data[i]) sources.push(i);
  return { mask: { data, shape: v.shape, spacing: [1, 1, 1] }, sources };
}

const first = await pore();
if (!process.argv.includes("--child")) {
  mkdirSync(path.dirname(dataFile), { recursive: true });
  writeFileSync(dataFile, first.mask.data);
}
const size = `${first.mask.shape.join("x")} pore phase from the z = 0 face`;

await runBenchmark(import.meta.url, {
  name: "geodesic",
  runs: 3,
  cases: [
    {
      case: `geodesic distance 26 ${size} vs skimage MCP_Geometric`,
      setup: () => first,
      run: ({ mask, sources }) => geodesicDistance(mask, sources),
      reference: ["--data", dataFile, "--shape", first.mask.shape.join(",")],
    },
  ],
});
