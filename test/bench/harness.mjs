// Benchmark harness: runs tomolab and a reference tool side by side, case by
// case, and writes test/bench/results/<name>.json.
//
// A benchmark file (test/bench/<name>.bench.mjs) calls
//   runBenchmark(import.meta.url, { name, cases, runs })
// with cases { case, setup(), run(state), reference: [args for <name>.py] }.
// Run as a script, the file is the parent: for each case it starts itself as a
// child (`--child <case>`) that times the tomolab side in a fresh process, so
// the reported peak RSS is that case's alone (main thread + workers), then
// runs `/usr/bin/python3 test/bench/<name>.py <args...> --runs N`, which must
// print JSON `{ "reference": "<tool>", "times": [seconds...] }` as its last
// line. Each side reports the best of N runs; rounds alternate the two sides
// (tomolab, reference, tomolab, reference, ...) so background load hits both.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PYTHON = process.env.TOMOLAB_BENCH_PYTHON ?? "/usr/bin/python3";

function argValue(argv, flag, fallback) {
  const i = argv.indexOf(flag);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
}

/** Time `run` `runs` times in this process; print `{ times, peak_rss_mb }` as JSON. */
async function child(spec, caseName, runs) {
  const c = spec.cases.find((x) => x.case === caseName);
  if (!c) throw new Error(`no case "${caseName}" in benchmark ${spec.name}`);
  const state = await c.setup();
  const times = [];
  for (let i = 0; i < runs; i++) {
    // Collect the previous run's volumes (untimed), so peak RSS is that of one run.
    globalThis.gc?.();
    const t0 = performance.now();
    await c.run(state);
    times.push((performance.now() - t0) / 1000);
  }
  if (c.teardown) await c.teardown(state);
  // maxRSS: the process's high-water mark in KiB (includes worker threads).
  const peak = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ times, peak_rss_mb: Math.round(peak) })}\n`);
}

function lastJsonLine(text, what) {
  const line = text
    .trim()
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .at(-1);
  if (!line) throw new Error(`${what} printed no JSON result; output was:\n${text}`);
  return JSON.parse(line);
}

const fmt = (x, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/**
 * Entry point of a benchmark file.
 * @param fileUrl - import.meta.url of the benchmark file.
 * @param spec - { name, cases: [{ case, setup, run, teardown?, reference: string[] }], runs? }
 */
export async function runBenchmark(fileUrl, spec) {
  const file = fileURLToPath(fileUrl);
  const argv = process.argv.slice(2);
  const runs = Number(argValue(argv, "--runs", process.env.TOMOLAB_BENCH_RUNS ?? spec.runs ?? 5));
  const rounds = Number(argValue(argv, "--rounds", process.env.TOMOLAB_BENCH_ROUNDS ?? 2));
  if (!Number.isInteger(runs) || runs < 3)
    throw new RangeError(`--runs must be an integer >= 3, received ${runs}`);
  const childCase = argValue(argv, "--child", undefined);
  if (childCase !== undefined) return child(spec, childCase, runs);

  const only = argValue(argv, "--case", undefined);
  const cases = spec.cases.filter((c) => only === undefined || c.case === only);
  const pyScript = path.join(path.dirname(file), `${spec.name}.py`);
  const rows = [];
  for (const c of cases) {
    const mine = [];
    const theirs = [];
    let peak = 0;
    let reference = "";
    for (let r = 0; r < rounds; r++) {
      const out = execFileSync(
        process.execPath,
        ["--expose-gc", file, "--child", c.case, "--runs", String(runs)],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
          maxBuffer: 16 << 20,
        },
      );
      const t = lastJsonLine(out, `tomolab case ${c.case}`);
      mine.push(...t.times);
      peak = Math.max(peak, t.peak_rss_mb);
      const ref = execFileSync(PYTHON, [pyScript, ...c.reference, "--runs", String(runs)], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 16 << 20,
      });
      const p = lastJsonLine(ref, `reference ${pyScript}`);
      theirs.push(...p.times);
      reference = p.reference;
    }
    const tomolab_s = Math.min(...mine);
    const reference_s = Math.min(...theirs);
    const row = {
      case: c.case,
      tomolab_s: Number(tomolab_s.toFixed(4)),
      reference,
      reference_s: Number(reference_s.toFixed(4)),
      ratio: Number((tomolab_s / reference_s).toFixed(3)),
      peak_rss_mb: peak,
      tomolab_all_s: mine.map((x) => Number(x.toFixed(4))),
      reference_all_s: theirs.map((x) => Number(x.toFixed(4))),
    };
    rows.push(row);
    console.log(
      `${spec.name}/${c.case}: tomolab ${fmt(tomolab_s)} s, ${reference} ${fmt(reference_s)} s, ratio ${fmt(row.ratio)}`,
    );
  }
  const result = { name: spec.name, runs: runs * rounds, rows };
  const dir = path.join(path.dirname(file), "results");
  mkdirSync(dir, { recursive: true });
  const outFile = path.join(dir, `${spec.name}.json`);
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  const table = rows.map((r) => ({
    case: r.case,
    "tomolab s": r.tomolab_s,
    reference: r.reference,
    "reference s": r.reference_s,
    ratio: r.ratio,
    "peak RSS MB": r.peak_rss_mb,
    "tomolab spread s": `${fmt(Math.min(...r.tomolab_all_s))}..${fmt(Math.max(...r.tomolab_all_s))}`,
  }));
  console.log(`\n${spec.name} (best of ${runs * rounds} runs each; ratio = tomolab / reference)`);
  console.table(table);
  console.log(`wrote ${path.relative(process.cwd(), outFile)}`);
  return result;
}
