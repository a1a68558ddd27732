// The pore phase of taufactor's NMC cathode (../shared/data/nmc-cathode-taufactor/electrode.tiff,
// 0 = pore) for the benchmarks that measure on it (morphology, transport, geodesic): read once,
// written as raw uint8 for the Python reference by the parent process, or the benchmark ends
// with a "skipped" line when the file is absent.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readTiff, sharedDataPath } from "../../kernel-lib/dist/io/index.js";

/**
 * @param name - The benchmark (for the skip message and the scratch folder).
 * @returns `{ pore: { data, shape, spacing: [1, 1, 1] }, dataFile }` (1 = pore).
 */
export async function taufactorPore(name) {
  const file = sharedDataPath("nmc-cathode-taufactor/electrode.tiff");
  if (file === undefined) {
    console.log(`${name}: skipped (../shared/data/nmc-cathode-taufactor/electrode.tiff is absent)`);
    process.exit(0);
  }
  const v = await readTiff(file);
  const data = new Uint8Array(v.data.length);
  for (let i = 0; i < data.length; i++) data[i] = v.data[i] === 0 ? 1 : 0;
  const dataFile = path.join(os.tmpdir(), `tomolab-bench-${name}`, "pore.u8");
  if (!process.argv.includes("--child")) {
    mkdirSync(path.dirname(dataFile), { recursive: true });
    writeFileSync(dataFile, data);
  }
  return { pore: { data, shape: v.shape, spacing: [1, 1, 1] }, dataFile };
}
