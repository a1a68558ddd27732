#!/usr/bin/env node
// npm test: setup when needed, then every test phase; exits non-zero when any fails.
//   static     type-check (kernel-lib, tests, extension tests) and eslint
//   unit       vitest run (root vitest.config.ts); then the test files that read ../shared/data
//              again with it hidden (TOMOLAB_SHARED_DATA=none)
//   notebooks  every notebook in notebooks/ and test/notebooks/, executed headlessly (tslab kernel,
//              nbclient) in scratch folders under .cache/tomolab/notebook-runs/; then the notebooks
//              that read ../shared/data again with it hidden
//   ui         the extension's browser tests (hook: jupyter-extension/ui-tests/run.mjs)
// Options: --static, --unit, --notebooks, --ui pick phases (default: all); other arguments go to vitest,
// e.g. `npm test -- --unit test/io`.
import fs from "node:fs";
import path from "node:path";
import { ensureSetup } from "./lib/setup.mjs";
import { paths, root } from "./lib/paths.mjs";
import { log, seconds } from "./lib/log.mjs";
import { runAsync } from "./lib/proc.mjs";
import { listNotebooks, runNotebooks, usesSharedData } from "./lib/notebooks.mjs";
import { runUiTests } from "./lib/ui-tests.mjs";
import { table } from "./lib/table.mjs";

const argv = process.argv.slice(2);
const phaseFlags = ["--static", "--unit", "--notebooks", "--ui"];
const chosen = phaseFlags.filter((flag) => argv.includes(flag)).map((flag) => flag.slice(2));
const phases = chosen.length > 0 ? chosen : ["static", "unit", "notebooks", "ui"];
const vitestArgs = argv.filter((arg) => !phaseFlags.includes(arg));

const t0 = performance.now();
ensureSetup();
const rows = [];
const totals = { passed: 0, failed: 0, skipped: 0 };

/** Type errors and lint errors fail the run (vitest alone strips types without checking them). */
async function staticChecks() {
  const tsc = path.join(paths.nodeModules, "typescript", "bin", "tsc");
  const checks = [
    ["tsc kernel-lib", [tsc, "-p", path.join(root, "kernel-lib"), "--noEmit"]],
    ["tsc test", [tsc, "-p", path.join(root, "test"), "--noEmit"]],
    ["tsc extension tests", [tsc, "-p", path.join(root, "jupyter-extension", "test"), "--noEmit"]],
    ["eslint", [path.join(paths.nodeModules, "eslint", "bin", "eslint.js"), root]],
  ];
  const failedChecks = [];
  for (const [name, args] of checks) {
    if ((await runAsync(process.execPath, args)) !== 0) failedChecks.push(name);
  }
  const ok = failedChecks.length === 0;
  return {
    ok,
    passed: checks.length - failedChecks.length,
    failed: failedChecks.length,
    skipped: 0,
    detail: ok ? `${checks.length} checks clean` : `failed: ${failedChecks.join(", ")}`,
  };
}

/** One vitest run; resolves to its counts (a file that fails to load counts as a failure). */
async function vitestRun(args, { report, env } = {}) {
  fs.mkdirSync(paths.cache, { recursive: true });
  fs.rmSync(report, { force: true });
  const vitest = path.join(paths.nodeModules, "vitest", "vitest.mjs");
  const code = await runAsync(
    process.execPath,
    [
      vitest,
      "run",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${report}`,
      ...args,
    ],
    env ? { env: { ...process.env, ...env } } : {},
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const json = JSON.parse(fs.readFileSync(report, "utf8"));
    passed = json.numPassedTests;
    failed = json.numFailedTests;
    skipped = json.numPendingTests + json.numTodoTests;
    failed += json.testResults.filter(
      (file) =>
        file.status === "failed" && !file.assertionResults.some((a) => a.status === "failed"),
    ).length;
  } catch {
    if (code !== 0) failed += 1;
  }
  if (code !== 0 && failed === 0) failed = 1;
  return { ok: code === 0, passed, failed, skipped };
}

/** Test files that read ../shared/data (they skip parts when it is absent). */
function sharedDataTestFiles(dir = path.join(root, "test")) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "fixtures" && entry.name !== "bench")
        found.push(...sharedDataTestFiles(file));
    } else if (
      entry.name.endsWith(".test.ts") &&
      /\b(SHARED_DATA|sharedDataPath|requireSharedData|realData|isbi2012Path)\b/.test(
        fs.readFileSync(file, "utf8"),
      )
    )
      found.push(path.relative(root, file));
  }
  return found.sort();
}

/**
 * vitest over test/; then, on a full run, the test files that read ../shared/data once
 * more with it hidden (TOMOLAB_SHARED_DATA=none), as on a fresh clone without the data.
 */
async function unit() {
  const main = await vitestRun(vitestArgs, { report: path.join(paths.cache, "vitest.json") });
  const rerun = vitestArgs.length === 0 ? sharedDataTestFiles() : [];
  let hidden = { ok: true, passed: 0, failed: 0, skipped: 0 };
  if (rerun.length > 0) {
    log.step("unit", `again without shared data (TOMOLAB_SHARED_DATA=none): ${rerun.join(", ")}`);
    hidden = await vitestRun(rerun, {
      report: path.join(paths.cache, "vitest-no-shared-data.json"),
      env: { TOMOLAB_SHARED_DATA: "none" },
    });
  }
  const sum = (key) => main[key] + hidden[key];
  return {
    ok: main.ok && hidden.ok,
    passed: sum("passed"),
    failed: sum("failed"),
    skipped: sum("skipped"),
    detail:
      `${main.passed} passed, ${main.failed} failed, ${main.skipped} skipped` +
      (rerun.length > 0
        ? `; without shared data (${rerun.length} files): ${hidden.passed} passed, ${hidden.failed} failed, ${hidden.skipped} skipped`
        : ""),
  };
}

/**
 * Every notebook, each kernel in a scratch folder under .cache/ (tests never write into
 * notebooks/); then the notebooks that read ../shared/data once more with it hidden
 * (TOMOLAB_SHARED_DATA=none), as on a fresh clone without the data.
 */
async function notebooks() {
  const files = [...listNotebooks(paths.notebooks), ...listNotebooks(paths.testNotebooks)];
  if (files.length === 0)
    return { ok: true, passed: 0, failed: 0, skipped: 0, detail: "no notebooks" };
  const scratch = path.join(paths.cache, "notebook-runs");
  fs.rmSync(scratch, { recursive: true, force: true });
  const runs = [
    { label: "", files, dir: "with-data", env: {} },
    {
      label: " (no shared data)",
      files: files.filter(usesSharedData),
      dir: "no-shared-data",
      env: { TOMOLAB_SHARED_DATA: "none" },
    },
  ];
  const all = [];
  let ok = true;
  for (const run of runs) {
    if (run.files.length === 0) continue;
    if (run.label)
      log.step(
        "notebooks",
        `again${run.label}: ${run.files.map((f) => path.basename(f)).join(", ")}`,
      );
    const { code, results } = await runNotebooks(run.files, {
      executedDir: path.join(paths.cache, "executed", run.dir),
      summaryFile: path.join(paths.cache, `test-notebooks-${run.dir}.json`),
      workdir: path.join(scratch, run.dir),
      env: run.env,
    });
    ok &&= code === 0;
    for (const r of results) {
      all.push({ ...r, name: r.name + run.label });
      if (!r.ok)
        log.error(
          "notebooks",
          `${r.path}${run.label} failed (executed copy: ${r.executed ? path.relative(root, r.executed) : "none"})`,
        );
    }
  }
  const failedList = all.filter((r) => !r.ok);
  return {
    ok: ok && failedList.length === 0,
    passed: all.length - failedList.length,
    failed: failedList.length,
    skipped: 0,
    detail: all.map((r) => `${r.name} ${r.ok ? "ok" : "FAILED"} ${r.seconds}s`).join(", "),
  };
}

async function ui() {
  const result = await runUiTests();
  if (result.missing)
    return { ok: true, passed: 0, failed: 0, skipped: 0, detail: `skipped: ${result.missing}` };
  const passed = result.passed ?? 0;
  const skipped = result.skipped ?? 0;
  const failed = result.failed ?? (result.code === 0 ? 0 : 1);
  const ok = result.code === 0 && failed === 0;
  return {
    ok,
    passed,
    failed: ok ? 0 : Math.max(failed, 1),
    skipped,
    detail: `${passed} passed, ${failed} failed, ${skipped} skipped`,
  };
}

const runners = { static: staticChecks, unit, notebooks, ui };
let ok = true;
for (const phase of phases) {
  const start = performance.now();
  log.step("test", `phase ${phase}`);
  let result;
  try {
    result = await runners[phase]();
  } catch (error) {
    log.error(phase, error.message);
    result = { ok: false, passed: 0, failed: 1, skipped: 0, detail: error.message };
  }
  ok &&= result.ok;
  totals.passed += result.passed;
  totals.failed += result.failed;
  totals.skipped += result.skipped;
  rows.push([phase, result.ok ? "ok" : "FAILED", `${seconds(start)} s`, result.detail]);
}

console.log();
console.log(table(["phase", "result", "time", "details"], rows));
console.log(`total time ${seconds(t0)} s`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok ? 0 : 1);
