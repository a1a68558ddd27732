#!/usr/bin/env node
// npm run bench -- [name...] [--runs N] [--rounds R] [--case <case>]
// Builds kernel-lib when its sources are newer than dist/, then runs
// test/bench/<name>.bench.mjs for each name (all benchmarks when none is
// given). Each writes test/bench/results/<name>.json and prints a table.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = path.join(root, "test", "bench");
const lib = path.join(root, "kernel-lib");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const marker = path.join(lib, "dist", "index.js");
  const stale =
    !existsSync(marker) || newestMtime(path.join(lib, "src")) > statSync(marker).mtimeMs;
  if (!stale) return;
  console.log("building kernel-lib (tsc)...");
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", lib], { stdio: "inherit" });
  } catch {
    // tsc still emits on type errors; the benchmarks fail loudly if that is not enough.
    console.warn("tsc reported errors; continuing with the emitted JavaScript");
  }
}

const argv = process.argv.slice(2);
const names = [];
const pass = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i].startsWith("--")) {
    pass.push(argv[i]);
    if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) pass.push(argv[++i]);
  } else names.push(argv[i]);
}
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.mjs"))
  .map((f) => f.slice(0, -".bench.mjs".length))
  .sort();
for (const n of names) {
  if (!available.includes(n)) {
    console.error(`unknown benchmark "${n}"; available: ${available.join(", ")}`);
    process.exit(2);
  }
}
buildIfNeeded();
let failed = 0;
for (const name of names.length > 0 ? names : available) {
  console.log(`\n== ${name} ==`);
  try {
    execFileSync(process.execPath, [path.join(benchDir, `${name}.bench.mjs`), ...pass], {
      stdio: "inherit",
      cwd: root,
    });
  } catch {
    console.error(`benchmark ${name} failed`);
    failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
