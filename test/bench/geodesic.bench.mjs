// Benchmark: geodesic distance through the pore phase of the taufactor NMC cathode (256^3,
// ../shared/data/nmc-cathode-taufactor/electrode.tiff, 0 = pore) from the pore voxels of the
// z = 0 face, 26 neighbours, unit costs, unit spacing: tomolab geodesicDistance against
// skimage.graph.MCP_Geometric(costs, fully_connected=True).find_costs(starts) with costs 1 in the
// pores and inf elsewhere. Skips with a message when the volume is absent.
// Run: npm run bench -- geodesic
import { geodesicDistance } from "../../kernel-lib/dist/transport/index.js";
import { runBenchmark } from "./harness.mjs";
import { taufactorPore } from "./taufactor.mjs";

const { pore, dataFile } = await taufactorPore("geodesic");
const [, ny, nx] = pore.shape;
const sources = [];
for (let i = 0; i < ny * nx; i++) if (pore.data[i]) sources.push(i);
const first = { mask: pore, sources };
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
