#!/usr/bin/env node
/**
 * npm run data: make tomolab's sample data in data-samples/, deterministically.
 *
 * For each default sample (kernel-lib/src/synth/samples.ts: SAMPLES) whose files
 * are missing (or all, with --force) the generator runs in a worker thread (two
 * at a time by default), writes <name>/<array>.tif (deflate TIFF, spacing in nm)
 * and its manifest entry: shape, spacing, description and the sha256 of each
 * volume's voxel data. Present files are checked against the manifest.
 *
 *   npm run data                      generate missing samples, check the rest
 *   npm run data -- --force           regenerate every sample
 *   npm run data -- --only=fibsem-nmc-small,ebsd-particle-small
 *   npm run data -- --check           only check present files, generate nothing
 *   npm run data -- --update-manifest accept new hashes (after a generator change)
 *   npm run data -- --jobs=1          worker threads (default: min(2, CPUs))
 *
 * Exit code 1 when a file or a regenerated sample disagrees with the manifest.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "kernel-lib", "dist", "synth", "samples.js");

if (!isMainThread) {
  const lib = await import(pathToFileURL(dist).href);
  const t0 = performance.now();
  const entry = await lib.writeSample(workerData.name, { dir: workerData.dir });
  parentPort.postMessage({ entry, seconds: (performance.now() - t0) / 1000 });
} else {
  await main();
}

function newestMtime(dir) {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

function ensureBuilt() {
  const src = path.join(root, "kernel-lib", "src");
  // tsc (incremental) re-emits only changed files: compare the newest output with the newest source.
  if (existsSync(dist) && newestMtime(path.dirname(path.dirname(dist))) >= newestMtime(src)) return;
  console.log("data: compiling kernel-lib (tsc -p kernel-lib) ...");
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", path.join(root, "kernel-lib")], {
    stdio: "inherit",
  });
  if (!existsSync(dist)) {
    console.error(`data: kernel-lib did not compile (exit ${r.status}); fix the errors above`);
    process.exit(1);
  }
}

function runWorker(name, dir) {
  return new Promise((resolve, reject) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { name, dir } });
    w.once("message", resolve);
    w.once("error", reject);
    w.once("exit", (code) => {
      if (code !== 0) reject(new Error(`worker for ${name} exited with code ${code}`));
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (f) => args.includes(`--${f}`);
  const value = (k) => args.find((a) => a.startsWith(`--${k}=`))?.split("=")[1];
  for (const a of args) {
    if (!/^--(force|check|update-manifest|only=.+|jobs=\d+|dir=.+)$/.test(a)) {
      console.error(`data: unknown argument ${a}; see the header of scripts/data.mjs`);
      process.exit(2);
    }
  }
  ensureBuilt();
  const lib = await import(pathToFileURL(dist).href);
  const dir = value("dir") ? path.resolve(value("dir")) : lib.sampleDir();
  const names = value("only") ? value("only").split(",") : Object.keys(lib.SAMPLES);
  for (const n of names) {
    if (!(n in lib.SAMPLES)) {
      console.error(`data: unknown sample ${n}; available: ${Object.keys(lib.SAMPLES).join(", ")}`);
      process.exit(2);
    }
  }
  const jobs = Number(
    value("jobs") ?? Math.max(1, Math.min(2, os.availableParallelism?.() ?? os.cpus().length)),
  );
  const manifest = lib.readManifest(dir) ?? { format: 1, note: "", samples: [] };
  manifest.note =
    "Sample data made by `npm run data` (kernel-lib/src/synth/samples.ts). sha256 = hash of each volume's voxel data " +
    "(little-endian bytes, x fastest), independent of the TIFF compression. Samples with committed=false are generated at setup.";
  const problems = [];
  const todo = [];
  for (const name of names) {
    const entry = manifest.samples.find((s) => s.name === name);
    const present = entry && entry.files.every((f) => existsSync(path.join(dir, f.file)));
    if (present && !flag("force")) {
      try {
        await lib.loadSample(name, { dir, generate: false, verify: true });
        console.log(`data: ${name} present and matches the manifest`);
      } catch (error) {
        problems.push(error.message);
        console.error(`data: ${error.message}`);
      }
    } else if (flag("check")) {
      console.log(`data: ${name} missing (not generated: --check)`);
    } else {
      todo.push(name);
    }
  }
  // Longest first.
  const sizeOf = (n) => lib.SAMPLES[n].shape.reduce((a, b) => a * b, 1);
  todo.sort((a, b) => sizeOf(b) - sizeOf(a));
  const t0 = performance.now();
  const results = new Map();
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const name = todo[next++];
      console.log(`data: generating ${name} ...`);
      const r = await runWorker(name, dir);
      console.log(`data: ${name} written in ${r.seconds.toFixed(1)} s`);
      results.set(name, r.entry);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, todo.length) }, worker));
  if (todo.length > 0)
    console.log(
      `data: generated ${todo.length} sample(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s with ${jobs} worker(s)`,
    );

  let changed = false;
  for (const [name, entry] of results) {
    const i = manifest.samples.findIndex((s) => s.name === name);
    if (i < 0) {
      manifest.samples.push(entry);
      changed = true;
      continue;
    }
    const diff = lib.compareEntries(manifest.samples[i], entry);
    if (diff.length === 0) continue;
    if (flag("update-manifest")) {
      console.log(`data: ${name} changed, manifest updated:\n  ${diff.join("\n  ")}`);
      manifest.samples[i] = entry;
      changed = true;
    } else {
      problems.push(...diff);
      console.error(
        `data: regenerated ${name} differs from the manifest:\n  ${diff.join("\n  ")}\n` +
          "  (a generator change needs `npm run data -- --force --update-manifest` and a commit of data-samples/)",
      );
    }
  }
  const order = Object.keys(lib.SAMPLES);
  manifest.samples.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  if (changed || !existsSync(path.join(dir, "manifest.json"))) {
    // One line per number array (shapes, shifts) keeps the manifest readable.
    const text = JSON.stringify(manifest, null, 1).replace(/\[[-\d.,\s]*\]/g, (m) =>
      m.replace(/\s+/g, ""),
    );
    writeFileSync(path.join(dir, "manifest.json"), text + "\n");
    console.log(`data: wrote ${path.join(dir, "manifest.json")}`);
  }
  if (problems.length > 0) process.exit(1);
}
