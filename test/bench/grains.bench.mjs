// Benchmark: Paper 2's grain pipeline (npm run bench -- grains [--case <case>]).
// The cases live in test/bench/grains/<part>.cases.mjs (alignment, h-minima and
// watershed, grain descriptors), each exporting `cases` in the harness's format with
// `reference` arguments that start with the part's name; the reference side,
// grains.py, hands them to test/bench/grains/<part>.py. A part whose file is absent
// is skipped with a message.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runBenchmark } from "./harness.mjs";

const PARTS = ["align", "watershed", "descriptors"];
const cases = [];
for (const part of PARTS) {
  const url = new URL(`./grains/${part}.cases.mjs`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    if (!process.argv.includes("--child")) console.warn(`grains: part "${part}" has no cases file yet, skipped`);
    continue;
  }
  const mod = await import(url.href);
  cases.push(...mod.cases);
}
await runBenchmark(import.meta.url, { name: "grains", cases });
