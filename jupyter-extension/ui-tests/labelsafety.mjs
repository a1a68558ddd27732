// Browser test: painted labels are never lost (run by run.mjs after training.mjs).
//
// One notebook with four saved viewer outputs (small inline volume, no kernel needed), each
// painting its own label file. The test
//   - opens the notebook in two tabs of one browser and paints a different stroke in each at
//     about the same time: the label file must end with both strokes (and each tab shows both);
//   - paints and reloads the page at once (the label file's PUT is aborted, so no save can
//     land first): the browser warns (beforeunload), the reloaded viewer offers the stroke
//     back, "restore" puts it back and saves it;
//   - aborts every request for a label file (server gone): the viewer says the save failed and
//     why, keeps the stroke in browser storage, retries by itself and saves once requests go
//     through again;
//   - answers the label file's PUT with 403 (read-only file): the viewer shows the status and
//     the server's reason, and sends a bounded number of requests over N seconds
//     (TOMOLAB_UI_LABELSAFETY_SECONDS, default 10); "save now" saves once the file is writable.
/* global window, document, localStorage -- code inside page.evaluate runs in the browser */
import fs from "node:fs";
import path from "node:path";
import { codeCell, tslabNotebook } from "./notebook.mjs";

/** Number of checks labelSafetyChecks() reports. */
export const LABEL_SAFETY_CHECKS = 4;

export const LABEL_SAFETY_NOTEBOOK = "labelsafety.ipynb";

const CASES = ["ls-tabs", "ls-reload", "ls-offline", "ls-readonly"];
const file = (name) => `${name}.labels.json`;
const viewerSelector = (name) => `.tl-VolumeViewer[data-labels-file="${file(name)}"]`;

/** A saved `view()` output: 4 x 96 x 96 uint8, inline, painter on `labels`. */
function viewOutput(labels) {
  const [nz, ny, nx] = [4, 96, 96];
  const data = Buffer.alloc(nz * ny * nx);
  for (let i = 0; i < data.length; i++) {
    const x = i % nx;
    const y = Math.floor(i / nx) % ny;
    data[i] = (((x >> 4) + (y >> 4)) % 2) * 120 + ((x * 3 + y) & 63);
  }
  const counts = new Array(64).fill(0);
  for (const v of data) counts[v >> 2]++;
  const payload = {
    version: 1,
    viewId: `labelsafety-${labels}`,
    title: labels,
    shape: [nz, ny, nx],
    spacing: [10, 5, 5],
    unit: "nm",
    channels: [
      {
        name: "SE2",
        dtype: "uint8",
        source: { kind: "inline", base64: data.toString("base64") },
        window: [0, 255],
        range: [0, 255],
        histogram: { min: 0, max: 256, counts },
      },
    ],
    channelMode: "side",
    overlays: [],
    initial: { plane: "xy", slice: 1 },
    labels: {
      path: labels,
      classes: [
        { id: 1, name: "void", color: "#3b82f6" },
        { id: 2, name: "CBD", color: "#f59e0b" },
      ],
    },
  };
  return {
    output_type: "display_data",
    metadata: {},
    data: { "application/vnd.tomolab.volume+json": payload, "text/plain": [`<view ${labels}>`] },
  };
}

export function labelSafetyNotebook() {
  return tslabNotebook(
    CASES.map((name, i) =>
      codeCell(
        name,
        [`// saved output: a viewer painting ${file(name)}`],
        [viewOutput(name)],
        i + 1,
      ),
    ),
  );
}

/** Voxels per class of a label file on disk, decoded from its runs (undefined when absent). */
function fileCounts(dir, name) {
  const p = path.join(dir, file(name));
  if (!fs.existsSync(p)) return undefined;
  const f = JSON.parse(fs.readFileSync(p, "utf8"));
  const bytes = Buffer.from(f.data, "base64");
  const counts = {};
  for (let i = 0; i < bytes.length;) {
    const value = bytes[i++];
    let run = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[i++];
      run += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
    }
    if (value) counts[value] = (counts[value] ?? 0) + run;
  }
  return counts;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Polls `fn` until it returns something truthy or `ms` pass; returns the last value. */
async function eventually(fn, ms) {
  const end = Date.now() + ms;
  let v = await fn();
  while (!v && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    v = await fn();
  }
  return v;
}

async function openNotebook(page, base, token) {
  // ?reset: only this notebook (other tabs of the workspace would autosave into conflicts)
  await page.goto(`${base}/lab/tree/${LABEL_SAFETY_NOTEBOOK}?reset&token=${token}`);
  await page.waitForFunction(
    (selectors) => selectors.every((s) => document.querySelector(s)?.dataset.saveState),
    CASES.map(viewerSelector),
    { timeout: 90_000, polling: 250 },
  );
  await page
    .locator(".jp-toast-button", { hasText: "No" })
    .click({ timeout: 2000 })
    .catch(() => undefined);
}

const counts = (page, name) =>
  page.$eval(viewerSelector(name), (n) => JSON.parse(n.dataset.counts ?? "{}"));
const statusText = (page, name) =>
  page.$eval(
    `${viewerSelector(name)} .tl-saveStatus`,
    (n) => (n.querySelector(".tl-saveText") ?? n).textContent,
  );

async function waitState(page, name, state, timeout = 30_000) {
  await page.waitForFunction(
    ([s, want]) => document.querySelector(s)?.dataset.saveState === want,
    [viewerSelector(name), state],
    { timeout, polling: 100 },
  );
}

/** One brush stroke of `classId` across the viewer's canvas at height fraction `fy`. */
async function stroke(page, name, classId, fy) {
  const viewer = page.locator(viewerSelector(name));
  await viewer.scrollIntoViewIfNeeded();
  await viewer.locator(".tl-tool-brush").click();
  await viewer.locator(`.tl-class[data-class-id="${classId}"]`).click();
  const box = await viewer.locator("canvas.tl-canvas").first().boundingBox();
  const y = box.y + box.height * fy;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, y, { steps: 10 });
  await page.mouse.up();
}

/** Label-file requests of a page (method, time), for counting. */
function requestLog(page, name) {
  const log = [];
  page.on("request", (r) => {
    if (decodeURIComponent(new URL(r.url()).pathname).includes(`/api/contents/${file(name)}`))
      log.push({ method: r.method(), t: Date.now() });
  });
  return log;
}

const routeFor = (name) => (url) =>
  decodeURIComponent(url.pathname)
    .replace(/\.bak$/, "")
    .endsWith(`/api/contents/${file(name)}`);

/** Two tabs paint one label file at about the same time: the file must hold both strokes. */
async function twoTabs({ page, context, base, token, dir, shots }) {
  const second = await context.newPage();
  try {
    await openNotebook(second, base, token);
    await stroke(page, "ls-tabs", 1, 0.3);
    await stroke(second, "ls-tabs", 2, 0.7);
    const mine = await counts(page, "ls-tabs");
    const theirs = await counts(second, "ls-tabs");
    await Promise.all([waitState(page, "ls-tabs", "saved"), waitState(second, "ls-tabs", "saved")]);
    const both = { 1: mine["1"], 2: theirs["2"] };
    const onDisk = await eventually(() => same(fileCounts(dir, "ls-tabs"), both), 15_000);
    // the first tab picks the second one's stroke up when it gets the focus back
    await page.bringToFront();
    await page.evaluate(() => window.dispatchEvent(new Event("focus")));
    const shown = await eventually(async () => same(await counts(page, "ls-tabs"), both), 10_000);
    await page
      .locator(viewerSelector("ls-tabs"))
      .screenshot({ path: path.join(shots, "labels-two-tabs.png") });
    return {
      ok: mine["1"] > 0 && theirs["2"] > 0 && onDisk && shown,
      detail: `tab 1 painted ${JSON.stringify(mine)}, tab 2 ${JSON.stringify(theirs)}; file ${JSON.stringify(fileCounts(dir, "ls-tabs"))}, tab 1 shows ${JSON.stringify(await counts(page, "ls-tabs"))}`,
    };
  } finally {
    await second.close();
  }
}

/**
 * Paint, then reload at once. The label file's PUT is aborted meanwhile, so no save can land
 * before the reload however fast the machine is (as a reload within the 0.6 s autosave delay).
 */
async function reloadAfterStroke({ page, dir, shots }) {
  const route = routeFor("ls-reload");
  const abortPut = (r) =>
    r.request().method() === "PUT" ? r.abort("connectionrefused") : r.continue();
  await page.route(route, abortPut);
  // JupyterLab warns on unload itself while a document is dirty (the kernel's language_info
  // marks the notebook dirty): save it, so a warning can only come from the label painter
  await page.evaluate(() => window.jupyterapp.commands.execute("docmanager:save"));
  await page.waitForFunction(() => !window.jupyterapp.status.isDirty, undefined, {
    timeout: 30_000,
  });
  let dialog;
  const onDialog = (d) => {
    dialog = d.type();
    void d.accept();
  };
  page.on("dialog", onDialog);
  await stroke(page, "ls-reload", 1, 0.5);
  const painted = await counts(page, "ls-reload");
  await page.reload();
  page.off("dialog", onDialog);
  await page.unroute(route, abortPut);
  const banner = `${viewerSelector("ls-reload")} .tl-labelBanner`;
  await page.waitForFunction(
    (s) => {
      const b = document.querySelector(s);
      return b && !b.hidden;
    },
    banner,
    { timeout: 90_000, polling: 250 },
  );
  const offered = Number(await page.$eval(banner, (n) => n.dataset.voxels));
  const before = fileCounts(dir, "ls-reload");
  await page
    .locator(viewerSelector("ls-reload"))
    .screenshot({ path: path.join(shots, "labels-restore-banner.png") });
  await page.locator(`${viewerSelector("ls-reload")} .tl-restoreDraft`).click();
  await waitState(page, "ls-reload", "saved");
  const restored = fileCounts(dir, "ls-reload");
  return {
    ok:
      dialog === "beforeunload" &&
      before === undefined &&
      offered === painted["1"] &&
      same(restored, painted) &&
      same(await counts(page, "ls-reload"), painted),
    detail: `painted ${JSON.stringify(painted)}, dialog ${dialog}, file before restore ${JSON.stringify(before)}, offered ${offered} voxels, file after ${JSON.stringify(restored)}`,
  };
}

/** Every request for the label file fails (server gone), then goes through again. */
async function serverUnreachable({ page, dir, shots }) {
  const route = routeFor("ls-offline");
  const abortAll = (r) => r.abort("connectionrefused");
  await page.route(route, abortAll);
  await stroke(page, "ls-offline", 2, 0.4);
  const painted = await counts(page, "ls-offline");
  await waitState(page, "ls-offline", "error");
  // two failed attempts (the retry comes by itself), then the server is back
  await page.waitForFunction(
    (s) => Number(document.querySelector(`${s} .tl-saveStatus`)?.dataset.failures) >= 2,
    viewerSelector("ls-offline"),
    { timeout: 30_000, polling: 100 },
  );
  const text = await statusText(page, "ls-offline");
  const kept = await page.evaluate(
    (f) =>
      Object.keys(localStorage).filter(
        (k) => k.startsWith("tomolab-labels-draft|") && k.includes(`|${f}|`),
      ).length,
    file("ls-offline"),
  );
  const whileFailing = fileCounts(dir, "ls-offline");
  await page
    .locator(viewerSelector("ls-offline"))
    .screenshot({ path: path.join(shots, "labels-save-failed.png") });
  await page.unroute(route, abortAll);
  await waitState(page, "ls-offline", "saved", 30_000);
  const saved = fileCounts(dir, "ls-offline");
  return {
    ok:
      /save failed: .*server unreachable/.test(text) &&
      kept === 1 &&
      whileFailing === undefined &&
      same(saved, painted),
    detail: `"${text}", browser copies ${kept}, file while failing ${JSON.stringify(whileFailing)}, after ${JSON.stringify(saved)}`,
  };
}

/** The label file's PUT answers 403 (read-only file): message, request count over N s, save now. */
async function readOnlyFile({ page, dir, log }) {
  const seconds = Number(process.env.TOMOLAB_UI_LABELSAFETY_SECONDS ?? 10);
  const name = "ls-readonly";
  const route = routeFor(name);
  const forbid = (r) =>
    r.request().method() === "PUT"
      ? r.fulfill({
          status: 403,
          contentType: "application/json",
          body: JSON.stringify({ message: `Permission denied: ${file(name)}`, reason: null }),
        })
      : r.continue();
  const requests = requestLog(page, name);
  await page.route(route, forbid);
  await stroke(page, name, 1, 0.6);
  const painted = await counts(page, name);
  await waitState(page, name, "error");
  const tFail = Date.now();
  const text = await statusText(page, name);
  await page.waitForTimeout(seconds * 1000); // the measurement window itself
  const inWindow = requests.filter((r) => r.t >= tFail - 1000).length;
  // capped doubling from 1 s: attempts at 0, 1, 3, 7, 15, 31, 63 s, then every 60 s
  let attempts = 1;
  for (let t = 1, d = 2; t <= seconds + 1; t += d, d = Math.min(60, d * 2)) attempts++;
  const bound = 2 * attempts; // one check (GET) + one PUT per attempt
  const failures = () =>
    page.$eval(`${viewerSelector(name)} .tl-saveStatus`, (n) => Number(n.dataset.failures));
  const failed = await failures();
  const before = requests.length;
  await page.locator(`${viewerSelector(name)} .tl-saveNow`).click();
  await page.waitForFunction(
    ([s, n]) => Number(document.querySelector(`${s} .tl-saveStatus`)?.dataset.failures) > n,
    [viewerSelector(name), failed],
    { timeout: 30_000, polling: 100 },
  );
  const manual = requests.length - before;
  await page.unroute(route, forbid);
  await page.locator(`${viewerSelector(name)} .tl-saveNow`).click();
  await waitState(page, name, "saved");
  const saved = fileCounts(dir, name);
  log(
    `  403: ${inWindow} label-file requests in the ${seconds + 1} s after the first failure (schedule allows ${bound}); "${text}"`,
  );
  return {
    ok:
      /HTTP 403/.test(text) &&
      text.includes(`Permission denied: ${file(name)}`) &&
      inWindow <= bound &&
      manual >= 2 &&
      same(saved, painted),
    detail: `${inWindow} requests in ${seconds + 1} s (at most ${bound}), "save now" sent ${manual}, file after ${JSON.stringify(saved)}`,
  };
}

/**
 * Runs the label-safety checks (JupyterLab at `base`, notebook folder `dir`) in a browser
 * context of their own.
 * @returns [{ name, ok }]
 */
export async function labelSafetyChecks({ page: mainPage, base, token, dir, shots, log }) {
  const cases = [
    ["two tabs painting one label file: the file ends with both strokes", twoTabs],
    [
      "reload right after a stroke: warned, the stroke is offered back and restored",
      reloadAfterStroke,
    ],
    [
      "server unreachable while saving: error shown, stroke kept, saved when it is back",
      serverUnreachable,
    ],
    [
      "read-only label file (403): status and reason shown, bounded retries, save now",
      readOnlyFile,
    ],
  ];
  const checks = [];
  // own context: its pages are tabs of one browser (shared storage), like a user's
  const context = await mainPage
    .context()
    .browser()
    .newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    let fresh = false;
    for (const [name, run] of cases) {
      try {
        const t0 = Date.now();
        if (!fresh) await openNotebook(page, base, token);
        fresh = true;
        const { ok, detail } = await run({ page, context, base, token, dir, shots, log });
        checks.push({ name: `${name}: ${detail}`, ok });
        log(
          `  label safety: "${name.split(":")[0]}" took ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
      } catch (error) {
        log(`  label safety check "${name}" stopped: ${error.message.split("\n")[0]}`);
        await page
          .screenshot({ path: path.join(shots, "labelsafety-failure.png") })
          .catch(() => undefined);
        checks.push({ name: `${name}: stopped`, ok: false });
        await page.unrouteAll({ behavior: "ignoreErrors" }).catch(() => undefined);
        fresh = false; // start the next case on a freshly opened notebook
      }
    }
  } finally {
    await context.close().catch(() => undefined);
  }
  return checks;
}
