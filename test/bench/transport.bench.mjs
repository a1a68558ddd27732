// Benchmark: the whole sphere-intrusion curve (porosimetry from the six faces, every integer
// radius 1..floor(dt max) = 21 sizes) on the pore phase of the taufactor NMC cathode (256^3,
// ../shared/data/nmc-cathode-taufactor/electrode.tiff, 0 = pore), against PoreSpy's
// `porosimetry` (same sizes, same inlets) and PoreSpy's `local_thickness` (sizes=25, the
// target of issue 13). References live in .cache/bench-venv (see transport.py). Skips with a
// message when the volume is absent.
// Run: npm run bench -- transport [--case <case>]
import { closePool } from "../../kernel-lib/dist/parallel/index.js";
import { intrusionCurve, porosimetry } from "../../kernel-lib/dist/transport/index.js";
import { runBenchmark } from "./harness.mjs";
import { taufactorPore } from "./taufactor.mjs";

const { pore: first, dataFile } = await taufactorPore("transport");
const ref = (tool) => ["--tool", tool, "--data", dataFile, "--shape", first.shape.join(",")];
const size = `${first.shape.join("x")} pore phase`;
const setup = () => first;

async function curve(v) {
  // Default sizes: every integer radius up to the largest distance (21 here), as PoreSpy's;
  // the curve is read at the sizes porosimetry tried.
  const r = await porosimetry(v);
  return intrusionCurve(r, { sizes: r.sizes, mask: v });
}

await runBenchmark(import.meta.url, {
  name: "transport",
  runs: 3,
  cases: [
    {
      case: `intrusion curve ${size} vs PoreSpy porosimetry`,
      setup,
      run: curve,
      reference: ref("porespy-porosimetry"),
    },
    {
      case: `intrusion curve ${size} vs PoreSpy local_thickness`,
      setup,
      run: curve,
      reference: ref("porespy-lt"),
    },
  ],
});
await closePool();
