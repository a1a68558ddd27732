// Browser test of the slice viewer, threshold tuner and label painter (run by run.mjs).
//
// The notebook's first cell makes a 512^3 uint8 volume in the tslab kernel and calls view():
// 128 MiB is far above the inline limit, so kernel-lib writes tomolab-cache/<hash>.uint8.raw
// and the viewer reads z slabs with HTTP range requests. The test then
//   - scrolls 60 slices with the mouse wheel and jumps to 12 far slices (measuring the time
//     from the wheel event to the drawn slice),
//   - drags a threshold of the double-threshold tuner and applies it to the kernel,
//   - paints a stroke of class 1 and two of class 2, undoes the last one (Ctrl+Z), waits
//     for the autosave,
//   - restarts the kernel and reads the labels back with loadLabels() in the second cell,
//   - saves the notebook (must stay small), reloads the page and checks the labels come back.
/* global window, document, WheelEvent -- code inside page.evaluate runs in the browser */
import fs from "node:fs";
import path from "node:path";
import { codeCell, tslabNotebook } from "./notebook.mjs";

/** Number of checks viewerChecks() reports (for the "skipped" count without a browser). */
export const VIEWER_CHECKS = 8;

const LABELS_FILE = "ui-volume.labels.json";

const code = (id, source) => codeCell(id, source);

export function viewerNotebook() {
  return tslabNotebook([
    code(
      "view",
      [
        'import { view } from "tomolab";',
        "const n = 512;",
        "const data = new Uint8Array(n * n * n);",
        "for (let z = 0; z < n; z++)",
        "  for (let y = 0; y < n; y++) {",
        "    const row = (z * n + y) * n;",
        "    for (let x = 0; x < n; x++) data[row + x] = (((x >> 5) + (y >> 5) + (z >> 3)) % 3) * 90 + ((x * 7 + y * 13 + z) & 31);",
        "  }",
        'const handle = view({ data, shape: [n, n, n], spacing: [10, 5, 5] }, { title: "ui volume", thresholds: [80, 170] });',
      ].join("\n"),
    ),
    code(
      "load",
      [
        'import { loadLabels } from "tomolab";',
        `console.log("COUNTS " + JSON.stringify(loadLabels(${JSON.stringify(LABELS_FILE)}).counts));`,
      ].join("\n"),
    ),
    code(
      "channels",
      [
        'import { view as view2 } from "tomolab";',
        "const m = 64;",
        "const vox = m * m * m;",
        "const se2 = new Float32Array(vox), inlens = new Float32Array(vox), phases = new Uint8Array(vox);",
        "const prob = new Float32Array(vox), grains = new Int32Array(vox);",
        "for (let i = 0; i < vox; i++) {",
        "  const x = i % m, y = Math.floor(i / m) % m, z = Math.floor(i / (m * m));",
        "  const r = Math.hypot(x - 32, y - 32, (z - 32) * 2);",
        "  se2[i] = r < 20 ? 200 : 50 + ((x + y) % 30);",
        "  inlens[i] = r < 20 ? 60 : 180 - ((x * y) % 40);",
        "  phases[i] = r < 20 ? 3 : x < 12 ? 1 : 0;",
        "  prob[i] = Math.max(0, 1 - Math.abs(r - 20) / 6);",
        "  grains[i] = 1 + (x >> 4) + 4 * (y >> 4);",
        "}",
        "const grid = { shape: [m, m, m] as [number, number, number], spacing: [20, 10, 10] as [number, number, number] };",
        "view2({ ...grid, data: se2 }, {",
        '  title: "two channels", channels: [{ ...grid, data: inlens }], channelNames: ["SE2", "InLens"], labels: false,',
        "  overlays: [",
        '    { kind: "labels", name: "phases", volume: { ...grid, data: phases } },',
        '    { kind: "probability", name: "P(NMC)", volume: { ...grid, data: prob }, palette: "#ff00ff" },',
        '    { kind: "instances", name: "grains", volume: { ...grid, data: grains }, opacity: 0.25 },',
        "  ],",
        "});",
      ].join("\n"),
    ),
  ]);
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return {
    n: s.length,
    median: +q(0.5).toFixed(1),
    p95: +q(0.95).toFixed(1),
    max: +s[s.length - 1].toFixed(1),
  };
};

async function runCell(page, index) {
  await page.evaluate(async (i) => {
    const app = window.jupyterapp;
    const panel = app.shell.currentWidget;
    panel.content.activeCellIndex = i;
    await app.commands.execute("notebook:run-cell");
  }, index);
}

async function kernelIdle(page, timeout = 120_000) {
  await page.waitForFunction(
    () => {
      const k = window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel;
      return k && k.status === "idle" && k.connectionStatus === "connected";
    },
    undefined,
    { timeout, polling: 250 },
  );
}

async function openNotebook(page, base, token) {
  await page.goto(`${base}/lab/tree/viewer.ipynb?token=${token}`);
  await page.waitForFunction(
    () => window.jupyterapp?.shell.currentWidget?.content?.widgets?.length === 3,
    undefined,
    {
      timeout: 90_000,
    },
  );
  await kernelIdle(page);
  // JupyterLab asks about news in a toast that covers part of the page: say no
  await page
    .locator(".jp-toast-button", { hasText: "No" })
    .click({ timeout: 2000 })
    .catch(() => undefined);
}

const counts = (page) =>
  page.$eval(".tl-VolumeViewer", (n) => JSON.parse(n.dataset.counts ?? "{}"));

/**
 * Runs the viewer checks on an open page (JupyterLab at `base`, notebook folder `dir`).
 * @returns [{ name, ok, detail }]
 */
export async function viewerChecks({ page, base, token, dir, shots, log }) {
  const checks = [];
  const add = (name, ok, detail = "") => {
    checks.push({ name: detail ? `${name}: ${detail}` : name, ok });
  };
  const steps = [
    "view() of a 512^3 uint8 volume renders from tomolab-cache (range requests)",
    "slice scroll latency 512^3",
    "threshold tuner: drag + apply reaches the kernel",
    "painter: two classes, undo, autosave",
    "labels survive a kernel restart (loadLabels counts)",
    "saved notebook stays small",
    "labels restored after a browser reload",
    "two channels with label / probability / instance overlays: side by side, blended, xz",
  ];
  let step = 0;
  try {
    await openNotebook(page, base, token);
    const t0 = Date.now();
    await runCell(page, 0);
    await page.waitForSelector(".tl-VolumeViewer[data-rendered]", { timeout: 180_000 });
    const cache = fs.readdirSync(path.join(dir, "tomolab-cache"));
    add(
      steps[step++],
      cache.some((f) => f.endsWith(".uint8.raw")),
      `shown ${((Date.now() - t0) / 1000).toFixed(1)} s after run, cache ${cache.join(", ")}`,
    );
    await page.locator(".tl-VolumeViewer").scrollIntoViewIfNeeded();

    // ---- slice scroll latency: wheel event -> slice drawn
    const latency = await page.evaluate(async () => {
      const node = document.querySelector(".tl-VolumeViewer");
      const canvas = node.querySelector("canvas.tl-canvas");
      const r = canvas.getBoundingClientRect();
      const drawn = (slice) =>
        new Promise((resolve) => {
          const on = (e) => {
            if (e.detail.slice === slice) {
              node.removeEventListener("tl-rendered", on);
              resolve();
            }
          };
          node.addEventListener("tl-rendered", on);
        });
      const scroll = [];
      for (let i = 0; i < 60; i++) {
        const target = Number(node.dataset.slice) + 1;
        const done = drawn(target);
        const t = performance.now();
        canvas.dispatchEvent(
          new WheelEvent("wheel", {
            deltaY: 100,
            shiftKey: true, // Shift + wheel changes the slice (the plain wheel scrolls the notebook)
            clientX: r.left + 50,
            clientY: r.top + 50,
            bubbles: true,
            cancelable: true,
          }),
        );
        await done;
        scroll.push(performance.now() - t);
      }
      const slider = node.querySelector("input.tl-slice");
      const jump = [];
      for (const target of [20, 480, 100, 400, 5, 300, 200, 505, 60, 350, 150, 440]) {
        const done = drawn(target);
        const t = performance.now();
        slider.value = String(target);
        slider.dispatchEvent(new Event("input"));
        await done;
        jump.push(performance.now() - t);
      }
      // xz needs the whole 128 MiB in the browser: time to the first xz slice, then y scrolling
      const plane = node.querySelector("select.tl-plane");
      const xzDrawn = new Promise((resolve) => {
        const on = (e) => {
          if (e.detail.plane === "xz") {
            node.removeEventListener("tl-rendered", on);
            resolve();
          }
        };
        node.addEventListener("tl-rendered", on);
      });
      let t = performance.now();
      plane.value = "xz";
      plane.dispatchEvent(new Event("change"));
      await xzDrawn;
      const xzFirst = performance.now() - t;
      const xzScroll = [];
      for (let i = 0; i < 20; i++) {
        const target = Number(node.dataset.slice) + 1;
        const done = drawn(target);
        t = performance.now();
        canvas.dispatchEvent(
          new WheelEvent("wheel", {
            deltaY: 100,
            shiftKey: true, // Shift + wheel changes the slice (the plain wheel scrolls the notebook)
            clientX: r.left + 50,
            clientY: r.top + 50,
            bubbles: true,
            cancelable: true,
          }),
        );
        await done;
        xzScroll.push(performance.now() - t);
      }
      plane.value = "xy";
      plane.dispatchEvent(new Event("change"));
      await drawn(256);
      return { scroll, jump, xzFirst, xzScroll };
    });
    const scroll = stats(latency.scroll);
    const jump = stats(latency.jump);
    const xz = { first: +latency.xzFirst.toFixed(0), scroll: stats(latency.xzScroll) };
    log(
      `  latency 512^3 uint8: wheel scroll (next slice) ${JSON.stringify(scroll)} ms; jump to an unread slab ${JSON.stringify(jump)} ms; xz: first slice ${xz.first} ms (loads the whole volume), scroll ${JSON.stringify(xz.scroll)} ms`,
    );
    fs.writeFileSync(
      path.join(shots, "latency.txt"),
      JSON.stringify({ scroll, jump, xz, raw: latency }, null, 1),
    );
    add(
      steps[step++],
      scroll.median < 100 && jump.median < 1000,
      `scroll median ${scroll.median} ms (p95 ${scroll.p95}), cold jump median ${jump.median} ms, xz first ${xz.first} ms`,
    );
    await page.locator(".tl-VolumeViewer").screenshot({ path: path.join(shots, "viewer.png") });

    // ---- threshold tuner
    await page.click(".tl-thresholdPreview");
    const hist = page.locator("canvas.tl-histogram");
    const box = await hist.boundingBox();
    const [hmin, hmax] = JSON.parse(await hist.getAttribute("data-range"));
    const before = JSON.parse(await page.$eval(".tl-VolumeViewer", (n) => n.dataset.thresholds));
    const x0 = box.x + ((before[0] - hmin) / (hmax - hmin)) * box.width;
    await page.mouse.move(x0, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(x0 + 20, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const after = JSON.parse(await page.$eval(".tl-VolumeViewer", (n) => n.dataset.thresholds));
    await page.click(".tl-applyThresholds");
    await page.waitForSelector(
      ".tl-applyStatus[data-state=ok], .tl-applyStatus[data-state=error]",
      { timeout: 60_000 },
    );
    const applied = await page.$eval(".tl-applyStatus", (n) => [n.dataset.state, n.textContent]);
    await page.locator(".tl-tuner").screenshot({ path: path.join(shots, "threshold-tuner.png") });
    await page
      .locator(".tl-VolumeViewer")
      .screenshot({ path: path.join(shots, "threshold-preview.png") });
    await page.click(".tl-thresholdPreview");
    add(
      steps[step++],
      after[0] > before[0] && after[1] === before[1] && applied[0] === "ok",
      `thresholds ${before} -> ${after}, ${applied[1]}`,
    );

    // ---- painter
    await page.click(".tl-tool-brush");
    const canvas = page.locator("canvas.tl-canvas").first();
    const cb = await canvas.boundingBox();
    const cx = cb.x + cb.width / 2;
    const cy = cb.y + cb.height / 2;
    const stroke = async (ax, ay, bx, by) => {
      await page.mouse.move(ax, ay);
      await page.mouse.down();
      await page.mouse.move(bx, by, { steps: 12 });
      await page.mouse.up();
    };
    await page.click('.tl-class[data-class-id="1"]');
    await stroke(cx - 150, cy - 60, cx + 150, cy - 60);
    const c1 = await counts(page);
    await page.click('.tl-class[data-class-id="2"]');
    await stroke(cx - 120, cy + 40, cx + 60, cy + 100);
    const c2 = await counts(page);
    await stroke(cx + 100, cy - 150, cx + 100, cy + 150);
    const c3 = await counts(page);
    await canvas.focus().catch(() => undefined);
    await page.keyboard.press("Control+z");
    const undone = await counts(page);
    await page.waitForSelector(".tl-VolumeViewer[data-save-state=saved]", { timeout: 30_000 });
    await page.waitForTimeout(300);
    const savedState = await page.$eval(".tl-VolumeViewer", (n) => n.dataset.saveState);
    await page.locator(".tl-VolumeViewer").screenshot({ path: path.join(shots, "painter.png") });
    const paintedOk =
      c1["1"] > 0 &&
      !c1["2"] &&
      c2["2"] > 0 &&
      c2["1"] === c1["1"] &&
      c3["2"] > c2["2"] &&
      JSON.stringify(undone) === JSON.stringify(c2) &&
      savedState === "saved";
    add(
      steps[step++],
      paintedOk,
      `after stroke 1 ${JSON.stringify(c1)}, 2 ${JSON.stringify(c2)}, 3 ${JSON.stringify(c3)}, undo ${JSON.stringify(undone)}`,
    );

    // ---- kernel restart, loadLabels
    log("  restarting the kernel");
    await page.evaluate(async () => {
      const ctx = window.jupyterapp.shell.currentWidget.sessionContext;
      await ctx.restartKernel();
      // tslab answers kernel_info once it is up again; that also refreshes the status
      for (let i = 0; i < 120; i++) {
        const k = ctx.session?.kernel;
        const info = k
          ? await Promise.race([
              k.requestKernelInfo().then(() => true),
              new Promise((r) => setTimeout(() => r(false), 1000)),
            ])
          : false;
        if (info) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error("the kernel did not answer after the restart");
    });
    log(
      `  kernel status after restart: ${await page.evaluate(() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status)}`,
    );
    await runCell(page, 1);
    const line = await page
      .waitForFunction(
        () => {
          const cell = window.jupyterapp.shell.currentWidget.content.widgets[1];
          const text = cell.node.querySelector(".jp-OutputArea")?.textContent ?? "";
          const m = /COUNTS (\{[^}]*\})/.exec(text);
          return m ? m[1] : /Error[^\n]*/.exec(text)?.[0] ? `ERR ${text.slice(0, 300)}` : false;
        },
        undefined,
        { timeout: 60_000, polling: 250 },
      )
      .then((h) => h.jsonValue());
    const kernelCounts = line.startsWith("ERR") ? line : JSON.parse(line);
    add(
      steps[step++],
      JSON.stringify(kernelCounts) === JSON.stringify(undone),
      `loadLabels counts ${JSON.stringify(kernelCounts)}`,
    );

    // ---- saved notebook size
    await page.evaluate(() => window.jupyterapp.commands.execute("docmanager:save"));
    await page.waitForTimeout(1000);
    const size = fs.statSync(path.join(dir, "viewer.ipynb")).size;
    add(steps[step++], size < 200_000, `${(size / 1024).toFixed(1)} KiB for a 128 MiB volume`);

    // ---- reload: labels come back from the file
    await openNotebook(page, base, token);
    await page.waitForSelector(".tl-VolumeViewer[data-counts]", { timeout: 90_000 });
    await page.waitForFunction(
      () => document.querySelector(".tl-VolumeViewer")?.dataset.saveState === "saved",
      undefined,
      { timeout: 30_000 },
    );
    const restored = await counts(page);
    add(
      steps[step++],
      JSON.stringify(restored) === JSON.stringify(undone),
      `counts after reload ${JSON.stringify(restored)}`,
    );

    // ---- channels and overlays (inline payload)
    await runCell(page, 2);
    const second = page.locator(".tl-VolumeViewer").nth(1);
    await page.waitForFunction(
      () => document.querySelectorAll(".tl-VolumeViewer[data-rendered]").length === 2,
      undefined,
      { timeout: 60_000 },
    );
    await second.scrollIntoViewIfNeeded();
    const sideCanvases = await second.locator("canvas.tl-canvas").count();
    await second.screenshot({ path: path.join(shots, "channels-overlays.png") });
    await second.locator("select.tl-channelMode").selectOption("blend");
    const blendCanvases = await second.locator("canvas.tl-canvas").count();
    await second.locator("select.tl-plane").selectOption("xz");
    await page.waitForFunction(
      () => document.querySelectorAll(".tl-VolumeViewer")[1].dataset.rendered === "xz:32",
      undefined,
      { timeout: 30_000 },
    );
    await second.screenshot({ path: path.join(shots, "channels-blended-xz.png") });
    add(
      steps[step++],
      sideCanvases === 2 && blendCanvases === 1,
      `${sideCanvases} canvases side by side, ${blendCanvases} blended`,
    );
  } catch (error) {
    log(`  viewer checks stopped at "${steps[step]}": ${error.message.split("\n")[0]}`);
    const outputs = await page
      .evaluate(() =>
        window.jupyterapp.shell.currentWidget.content.widgets.map(
          (c) => c.node.querySelector(".jp-OutputArea")?.textContent ?? "",
        ),
      )
      .catch(() => []);
    log(`  cell outputs: ${JSON.stringify(outputs).slice(0, 1000)}`);
    for (; step < steps.length; step++) add(steps[step], false, "not reached");
  }
  return checks;
}
