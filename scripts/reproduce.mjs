#!/usr/bin/env node
// npm run reproduce: run every notebook in notebooks/ headlessly and collect its results.
//
//   figures/executed/<notebook>.ipynb     executed copy (also when a cell failed)
//   figures/<notebook>/<figure-id>.png    every figure the notebook show()ed with an id, and .svg
//   figures/summary.json                  { notebooks: [{name, seconds, ok}], figures: [{id, file, notebook}], numbers: {key: value} }
//
// Contract with kernel-lib: for each notebook the kernel gets
// TOMOLAB_REPRODUCE_DIR=figures/.reproduce/<notebook>; there record(key, value)
// appends {"key", "value"} lines to numbers.jsonl and show(fig, { id }) writes
// figures/<id>.json = { id, figure: {data, layout}, width?, height?, scale? }.
// After the notebooks ran, every figure is exported with kernel-lib's
// exportFigures (one headless Chromium for the whole batch).
//
// Usage: npm run reproduce [-- <notebook name or path> ...] [--timeout <s per cell>]
// Exits non-zero when a notebook or an export failed; summary.json is written anyway.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ensureSetup, readSetupJson } from "./lib/setup.mjs";
import { paths, root } from "./lib/paths.mjs";
import { log, seconds } from "./lib/log.mjs";
import { listNotebooks, runNotebooks, selectNotebooks } from "./lib/notebooks.mjs";
import { table } from "./lib/table.mjs";

/** PNG pixel density when a figure does not say (print quality). */
const DEFAULT_SCALE = 2;
const FIGURE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function parseArgs(argv) {
  const options = { timeout: 1200, selectors: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--timeout") options.timeout = Number(argv[++i]);
    else if (arg.startsWith("--timeout=")) options.timeout = Number(arg.slice("--timeout=".length));
    else if (arg === "--help" || arg === "-h") options.help = true;
    else options.selectors.push(arg);
  }
  if (!Number.isFinite(options.timeout) || options.timeout <= 0) {
    throw new RangeError(
      `--timeout must be a positive number of seconds, received ${options.timeout}`,
    );
  }
  return options;
}

const rel = (file) => path.relative(root, file).split(path.sep).join("/");

/** The numbers a notebook recorded, in order; malformed lines are reported and skipped. */
function readNumbers(dir, notebook, problems) {
  const file = path.join(dir, "numbers.jsonl");
  if (!fs.existsSync(file)) return [];
  const entries = [];
  fs.readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        const { key, value } = JSON.parse(line);
        if (typeof key !== "string" || typeof value !== "number")
          throw new TypeError("needs a string key and a number value");
        entries.push({ key, value });
      } catch (error) {
        problems.push(`${notebook}: ${rel(file)} line ${i + 1}: ${error.message}`);
      }
    });
  return entries;
}

/** The figure records a notebook left (figures/<id>.json), sorted by id. */
function readFigures(dir, notebook, problems) {
  const figDir = path.join(dir, "figures");
  if (!fs.existsSync(figDir)) return [];
  const figures = [];
  for (const name of fs
    .readdirSync(figDir)
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    const file = path.join(figDir, name);
    try {
      const record = JSON.parse(fs.readFileSync(file, "utf8"));
      const id = record.id ?? path.basename(name, ".json");
      if (!FIGURE_ID.test(id))
        throw new RangeError(`figure id "${id}" must be letters, digits, '.', '_' or '-'`);
      if (!record.figure || !Array.isArray(record.figure.data))
        throw new TypeError('needs "figure": { data: [...], layout }');
      figures.push({ id, record });
    } catch (error) {
      problems.push(`${notebook}: ${rel(file)}: ${error.message}`);
    }
  }
  return figures;
}

async function exportAll(jobs) {
  if (jobs.length === 0) return [];
  const kernelLib = await import(pathToFileURL(paths.kernelLibDist).href);
  if (typeof kernelLib.exportFigures !== "function") {
    throw new Error(
      "kernel-lib does not export exportFigures (kernel-lib/dist is stale? run npm run setup)",
    );
  }
  const chromium = process.env.TOMOLAB_CHROMIUM || readSetupJson().chromium || undefined;
  return kernelLib.exportFigures(jobs, { ...(chromium ? { chromium } : {}), timeout: 120_000 });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.log(
      "usage: npm run reproduce [-- <notebook name or path> ...] [--timeout <seconds per cell>]",
    );
    return 0;
  }
  const t0 = performance.now();
  ensureSetup();
  const notebooks =
    options.selectors.length > 0
      ? selectNotebooks(options.selectors)
      : listNotebooks(paths.notebooks);
  if (notebooks.length === 0) {
    log.warn("reproduce", "no notebooks in notebooks/");
  }

  // A full run starts from an empty figures/ so nothing stale survives; a partial run
  // replaces only the folders of the notebooks it runs.
  if (options.selectors.length === 0) fs.rmSync(paths.figures, { recursive: true, force: true });
  const reproduceRoot = path.join(paths.figures, ".reproduce");
  const executedDir = path.join(paths.figures, "executed");
  log.step(
    "reproduce",
    `running ${notebooks.length} notebook(s), up to ${options.timeout} s per cell`,
  );
  const { results } = await runNotebooks(notebooks, {
    executedDir,
    reproduceDir: reproduceRoot,
    summaryFile: path.join(reproduceRoot, "run.json"),
    timeout: options.timeout,
  });

  // Collect numbers and figures each notebook left behind.
  const problems = [];
  const numbers = {};
  const numberSource = {};
  const jobs = [];
  const figures = [];
  for (const result of results) {
    const dir = path.join(reproduceRoot, result.name);
    for (const { key, value } of readNumbers(dir, result.name, problems)) {
      if (key in numberSource && numberSource[key] !== result.name) {
        log.warn(
          "numbers",
          `"${key}" recorded by ${numberSource[key]} and ${result.name}; keeping ${result.name}'s`,
        );
      }
      numbers[key] = value;
      numberSource[key] = result.name;
    }
    const outDir = path.join(paths.figures, result.name);
    fs.rmSync(outDir, { recursive: true, force: true });
    for (const { id, record } of readFigures(dir, result.name, problems)) {
      const size = {
        ...(record.width ? { width: record.width } : {}),
        ...(record.height ? { height: record.height } : {}),
      };
      const png = path.join(outDir, `${id}.png`);
      const svg = path.join(outDir, `${id}.svg`);
      jobs.push({
        figure: record.figure,
        path: png,
        ...size,
        scale: record.scale ?? DEFAULT_SCALE,
      });
      jobs.push({ figure: record.figure, path: svg, ...size });
      figures.push({ id, notebook: result.name, file: rel(png), svg: rel(svg) });
    }
  }

  let exportError;
  if (jobs.length > 0) {
    const t1 = performance.now();
    log.step("reproduce", `exporting ${figures.length} figure(s) to PNG and SVG`);
    try {
      fs.mkdirSync(paths.figures, { recursive: true });
      await exportAll(jobs);
      log.ok("reproduce", `exported ${jobs.length} files in ${seconds(t1)} s`);
    } catch (error) {
      exportError = error.message;
      log.error(
        "export",
        `${exportError}\n  (figure export needs Chromium: see README, Troubleshooting)`,
      );
    }
  }
  for (const figure of figures)
    figure.exported = !exportError && fs.existsSync(path.join(root, figure.file));

  const summary = {
    notebooks: results.map((r) => ({
      name: r.name,
      seconds: r.seconds,
      ok: r.ok,
      ...(r.ok ? {} : { error: (r.error ?? "").split("\n").slice(0, 20).join("\n") }),
      executed: r.executed ? rel(r.executed) : null,
    })),
    figures,
    numbers,
    ...(problems.length > 0 || exportError
      ? { problems: [...problems, ...(exportError ? [`export: ${exportError}`] : [])] }
      : {}),
  };
  fs.mkdirSync(paths.figures, { recursive: true });
  const summaryFile = path.join(paths.figures, "summary.json");
  fs.writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);

  console.log();
  console.log(
    table(
      ["notebook", "result", "seconds", "figures", "numbers"],
      results.map((r) => [
        r.name,
        r.ok ? "ok" : "FAILED",
        r.seconds.toFixed(1),
        figures.filter((f) => f.notebook === r.name).length,
        Object.values(numberSource).filter((n) => n === r.name).length,
      ]),
    ),
  );
  for (const problem of problems) log.warn("reproduce", problem);
  const failed = results.filter((r) => !r.ok).length;
  console.log(
    `\n${results.length - failed} of ${results.length} notebooks ok, ${figures.length} figures` +
      `${exportError ? " (export FAILED)" : ""}, ${Object.keys(numbers).length} numbers; ` +
      `summary in ${rel(summaryFile)}; ${seconds(t0)} s`,
  );
  return failed === 0 && !exportError && problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log.error("reproduce", error.message);
    process.exit(1);
  },
);
