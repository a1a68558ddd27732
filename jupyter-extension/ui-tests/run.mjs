#!/usr/bin/env node
// Browser smoke test of the installed extension, run by `npm test` (phase "ui").
//
// Starts JupyterLab from .venv on a free port with a throwaway folder holding
// one notebook whose saved output is a plotly figure, opens it in headless
// Chromium (playwright-core) and checks that
//   1. the plugin tomolab-jupyterlab:plugin activated (browser console), and
//   2. the plotly MIME renderer drew the figure (an SVG inside .tl-PlotlyRenderer).
// Then it opens a second notebook whose first cell calls kernel-lib's view() on a
// 512^3 uint8 volume (written to tomolab-cache/ and read by range requests) and checks
// the slice viewer: slice-scroll latency, threshold tuner (drag + apply to the kernel),
// label painter (two classes, undo, autosave), kernel restart + loadLabels counts, a
// small saved notebook, and labels restored after a browser reload (viewer.mjs). A third
// notebook views a sample volume with live training: slice histogram, feature picker, Train,
// prediction overlay, importances, live update (training.mjs; skipped without the kernel side).
// A fourth notebook checks that painted labels are never lost: two tabs on one label file,
// reload right after a stroke, server unreachable, read-only file (labelsafety.mjs).
// A fifth notebook checks the viewer's conventions for napari / ilastik users: keys, wheel,
// fill, classes, legends, units, PNG export, plotly downloads without the cloud (ux.mjs).
// TOMOLAB_UI_ONLY=training (or a comma list of viewer, ux, training, labelsafety) runs only the
// plugin check and those checks.
// Screenshots: jupyter-extension/ui-tests/screenshots/*.png (gitignored artefacts).
// Results also go to $TOMOLAB_UI_RESULTS as {"passed", "failed", "skipped"} when set.
// Without a Chromium all checks are skipped (exit 0).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { codeCell, tslabNotebook } from "./notebook.mjs";
import {
  TRAINING_CHECKS,
  TRAINING_NOTEBOOK,
  trainingChecks,
  trainingNotebook,
} from "./training.mjs";
import { VIEWER_CHECKS, viewerNotebook, viewerChecks } from "./viewer.mjs";
import { UX_CHECKS, UX_NOTEBOOK, uxChecks, uxNotebook } from "./ux.mjs";
import {
  LABEL_SAFETY_CHECKS,
  LABEL_SAFETY_NOTEBOOK,
  labelSafetyChecks,
  labelSafetyNotebook,
} from "./labelsafety.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const jupyter = path.join(root, ".venv", "bin", "jupyter");
const HOST = "127.0.0.1";
const PLUGIN = "tomolab-jupyterlab:plugin";

function browserPath() {
  if (process.env.TOMOLAB_CHROMIUM) return process.env.TOMOLAB_CHROMIUM;
  try {
    const saved = JSON.parse(
      fs.readFileSync(path.join(root, ".tomolab-setup.json"), "utf8"),
    ).chromium;
    if (saved) return saved;
  } catch {
    // no setup file
  }
  return "/usr/bin/chromium";
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function plotlyNotebook() {
  const figure = {
    data: [
      {
        type: "scatter",
        mode: "lines+markers",
        x: [1, 2, 3, 4],
        y: [3, 1, 4, 1],
        name: "ui smoke",
      },
    ],
    layout: { title: { text: "tomolab ui smoke" }, width: 500, height: 320 },
  };
  return tslabNotebook([
    codeCell(
      "plot",
      ["// output saved in the file: rendered by tomolab-jupyterlab's plotly renderer"],
      [
        {
          output_type: "display_data",
          metadata: {},
          data: { "application/vnd.plotly.v1+json": figure, "text/plain": ["<plotly figure>"] },
        },
      ],
      1,
    ),
  ]);
}

async function waitForServer(url, server) {
  for (let i = 0; i < 240 && server.exitCode === null; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`JupyterLab did not answer at ${url}`);
}

function report(passed, failed, skipped = 0) {
  if (process.env.TOMOLAB_UI_RESULTS) {
    fs.writeFileSync(process.env.TOMOLAB_UI_RESULTS, JSON.stringify({ passed, failed, skipped }));
  }
  console.log(`ui: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
}

async function main() {
  if (!fs.existsSync(jupyter)) throw new Error(`${jupyter} is missing: run npm run setup`);
  const executable = browserPath();
  if (!fs.existsSync(executable)) {
    console.log(`  skip: no Chromium at ${executable} (see README, Troubleshooting: No Chromium)`);
    report(0, 0, 2 + VIEWER_CHECKS + UX_CHECKS + TRAINING_CHECKS + LABEL_SAFETY_CHECKS);
    return 0;
  }
  // inside the repository, so the kernel resolves `import ... from "tomolab"` (node_modules)
  const scratch = path.join(root, ".cache", "tomolab");
  fs.mkdirSync(scratch, { recursive: true });
  const dir = fs.mkdtempSync(path.join(scratch, "ui-"));
  fs.writeFileSync(path.join(dir, "plotly.ipynb"), JSON.stringify(plotlyNotebook(), null, 1));
  fs.writeFileSync(path.join(dir, "viewer.ipynb"), JSON.stringify(viewerNotebook(), null, 1));
  fs.writeFileSync(path.join(dir, TRAINING_NOTEBOOK), JSON.stringify(trainingNotebook(), null, 1));
  fs.writeFileSync(path.join(dir, UX_NOTEBOOK), JSON.stringify(uxNotebook(), null, 1));
  fs.writeFileSync(
    path.join(dir, LABEL_SAFETY_NOTEBOOK),
    JSON.stringify(labelSafetyNotebook(), null, 1),
  );
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const base = `http://${HOST}:${port}`;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const server = spawn(
    jupyter,
    [
      "lab",
      "--no-browser",
      `--ServerApp.ip=${HOST}`,
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--ServerApp.root_dir=${dir}`,
      `--IdentityProvider.token=${token}`,
      // workspaces in the scratch folder: tabs of earlier runs are not restored (and ~/.jupyter stays untouched)
      `--LabApp.workspaces_dir=${path.join(dir, ".workspaces")}`,
      "--LabApp.news_url=",
      "--LabApp.expose_app_in_browser=True",
      ...(isRoot ? ["--ServerApp.allow_root=True"] : []),
    ],
    {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, JUPYTER_PREFER_ENV_PATH: "1" },
    },
  );
  let serverLog = "";
  server.stderr.on("data", (chunk) => (serverLog += chunk));

  const checks = [];
  let browser;
  try {
    await waitForServer(`${base}/api/status?token=${token}`, server);
    browser = await chromium.launch({
      executablePath: executable,
      headless: true,
      args: ["--no-sandbox"],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleLines = [];
    page.on("console", (message) => consoleLines.push(message.text()));
    await page.goto(`${base}/lab/tree/plotly.ipynb?token=${token}`);

    let plotted = false;
    try {
      await page.waitForSelector(".tl-PlotlyRenderer svg.main-svg", { timeout: 90_000 });
      plotted = true;
    } catch {
      // reported below
    }
    const activated = consoleLines.some((line) => line.includes(`${PLUGIN} activated`));
    checks.push({ name: `${PLUGIN} activates in JupyterLab`, ok: activated });
    checks.push({ name: "plotly output renders through tomolab-jupyterlab", ok: plotted });
    const shot = path.join(root, ".cache", "tomolab", "ui-smoke.png");
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    if (!activated || !plotted) {
      console.log(`browser console:\n  ${consoleLines.join("\n  ")}`);
      console.log(`screenshot: ${path.relative(root, shot)}`);
    }
    const shots = path.join(root, "jupyter-extension", "ui-tests", "screenshots");
    fs.mkdirSync(shots, { recursive: true });
    const only = process.env.TOMOLAB_UI_ONLY?.split(",");
    const wanted = (name) => !only || only.includes(name);
    const viewerResults = !wanted("viewer")
      ? []
      : await viewerChecks({
          page,
          base,
          token,
          dir,
          shots,
          log: (l) => console.log(l),
        });
    checks.push(...viewerResults);
    const uxResults = !wanted("ux")
      ? []
      : await uxChecks({ page, base, token, dir, shots, log: (l) => console.log(l) });
    checks.push(...uxResults);
    const trainingResults = !wanted("training")
      ? []
      : await trainingChecks({
          page,
          base,
          token,
          root,
          shots,
          log: (l) => console.log(l),
        });
    checks.push(...trainingResults);
    const safetyResults = !wanted("labelsafety")
      ? []
      : await labelSafetyChecks({ page, base, token, dir, shots, log: (l) => console.log(l) });
    checks.push(...safetyResults);
    if ([...viewerResults, ...uxResults, ...trainingResults, ...safetyResults].some((c) => !c.ok)) {
      await page.screenshot({ path: path.join(shots, "failure.png") }).catch(() => undefined);
      console.log(`browser console (tail):\n  ${consoleLines.slice(-30).join("\n  ")}`);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    server.kill("SIGTERM");
    await new Promise((r) => (server.exitCode === null ? server.once("exit", r) : r()));
    fs.rmSync(dir, { recursive: true, force: true });
  }

  for (const check of checks)
    console.log(`  ${check.skip ? "skip" : check.ok ? "ok  " : "FAIL"} ${check.name}`);
  const skipped = checks.filter((c) => c.skip).length;
  const passed = checks.filter((c) => c.ok && !c.skip).length;
  const failed = checks.length - passed - skipped;
  if (failed > 0 && serverLog)
    console.log(`server log (tail):\n${serverLog.split("\n").slice(-20).join("\n")}`);
  report(passed, failed, skipped);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`ui tests: ${error.message}`);
    report(0, 1);
    process.exit(1);
  },
);
