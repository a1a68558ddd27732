#!/usr/bin/env node
// npm run fuzz: the fuzz suite of the file parsers (test/fuzz/): seeded mutations of
// valid files made by the project's own writers, each run in a child process with a
// time and memory limit; prints inputs and outcomes per parser and exits non-zero on
// hangs, crashes, bad errors or silent wrong results. Failing inputs are saved under
// .cache/tomolab/fuzz/ with a command that replays them.
//
//   npm run fuzz                              all parsers, 1000 inputs each, seed 1
//   npm run fuzz -- --parser tiff,png --count 5000 --seed 7
//   npm run fuzz -- --seconds 30              at most 30 s per parser
//   npm run fuzz -- --replay .cache/tomolab/fuzz/<run>/<parser>/<index>
// Options: --seed N, --count N (per parser), --seconds S (per parser), --parser a,b,
// --jobs N (child processes, default 2), --timeout MS (per input, default 10000),
// --memory MB (per child, default 1024), --show ok-different (log the inputs of these outcomes too).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { paths, root } from "./lib/paths.mjs";
import { table } from "./lib/table.mjs";

const argv = process.argv.slice(2);
function option(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`--${name} needs a value`);
  return v;
}
function number(name, fallback) {
  const v = option(name, undefined);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!(n > 0)) throw new Error(`--${name} must be a positive number, received ${v}`);
  return n;
}

// The children run kernel-lib/dist: compile it first (as the unit tests' global setup does).
const tsc = path.join(paths.nodeModules, "typescript", "bin", "tsc");
const build = spawnSync(process.execPath, [tsc, "-p", paths.kernelLib], { encoding: "utf8" });
if (build.status !== 0)
  process.stderr.write(
    `[fuzz] tsc reported errors building kernel-lib/dist:\n${build.stdout}${build.stderr}\n`,
  );

const { runFuzz, replay, OUTCOMES } = await import("../test/fuzz/engine.mjs");

const replayDir = option("replay", undefined);
if (replayDir) {
  const { info, answer } = await replay(path.resolve(replayDir));
  console.log(`${info.parser} #${info.index} (seed ${info.seed}): ${info.mutation}`);
  console.log(`saved outcome: ${info.outcome}: ${info.detail ?? ""}`);
  console.log(
    `replayed: ${answer.kind}${answer.error ? `: ${answer.error.name}: ${answer.error.message}\n${answer.error.stack}` : answer.detail ? `: ${answer.detail}` : ""}`,
  );
  process.exit(0);
}

const seed = number("seed", 1);
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const saveDir = path.join(root, ".cache", "tomolab", "fuzz", `${stamp}-seed${seed}`);
const parsers = option("parser", undefined)?.split(",");
const result = await runFuzz({
  seed,
  count: number("count", 1000),
  seconds: number("seconds", Infinity),
  parsers,
  jobs: number("jobs", 2),
  timeoutMs: number("timeout", 10_000),
  memoryMb: number("memory", 1024),
  saveDir,
  show: option("show", undefined)?.split(","),
  log: (line) => console.log(line),
});

console.log("");
const total = Object.fromEntries(
  ["tried", ...OUTCOMES].map((k) => [k, result.rows.reduce((n, r) => n + r[k], 0)]),
);
console.log(
  table(
    ["parser", "seeds", "inputs", ...OUTCOMES, "s"],
    [
      ...result.rows.map((r) => [
        r.parser,
        r.seeds,
        r.tried,
        ...OUTCOMES.map((o) => r[o]),
        r.seconds.toFixed(1),
      ]),
      ["total", "", total.tried, ...OUTCOMES.map((o) => total[o]), result.seconds.toFixed(1)],
    ],
  ),
);
console.log(`seed ${seed}; child restarts ${result.restarts}`);
if (result.failures.length > 0) {
  console.log(
    `\n${result.failures.length} failing input(s) saved under ${path.relative(root, saveDir)}; replay one with:`,
  );
  for (const f of result.failures.slice(0, 20))
    console.log(`  ${f.outcome}: ${f.replay.replace(root + path.sep, "")}`);
  process.exit(1);
}
fs.rmSync(saveDir, { recursive: true, force: true });
console.log("no hangs, crashes, bad errors or silent wrong results");
