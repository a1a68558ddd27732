// Browser test of what a napari / ilastik user trips over in the viewer (run by run.mjs).
//
// One notebook with saved outputs (no kernel needed): a viewer of an uncalibrated two-phase
// volume with the painter and thresholds, a prediction-only viewer (label overlay with class
// names), a plotly figure, and long markdown cells so the notebook scrolls. The test checks
//   - keys with the viewer focused (click): "2", "b", "a", "d d" act on the viewer and leave
//     the notebook's cells unchanged; a focus ring is shown; Esc gives the keys back;
//   - keys with the pointer over the viewer and the notebook focused (command mode): they go
//     to the viewer, not the notebook; with the pointer elsewhere "b" inserts a cell (control);
//   - the wheel: plain wheel scrolls the notebook past the viewer, Shift + wheel changes the
//     slice, Ctrl + wheel zooms, "wheel: slices" + focus makes the plain wheel change slices;
//   - [ / ] and the radius box, fill bounded to the clicked phase, the threshold preview's
//     pixel colour (phase palette, not a class colour), px / voxels for an uncalibrated volume;
//   - class editor: add, rename, recolour; saved in the label file, back after a reload;
//   - the prediction-only view's legend; export PNG at 3x; plotly without "Share chart", with
//     SVG and 3x PNG downloads.
/* global window, document, getComputedStyle -- code inside page.evaluate runs in the browser */
import fs from "node:fs";
import path from "node:path";
import { codeCell, tslabNotebook } from "./notebook.mjs";

export const UX_NOTEBOOK = "ux.ipynb";
const LABELS = "ux-labels";
const VIEWER = `.tl-VolumeViewer[data-view-id="ux-paint"]`;
const PREDICTION = `.tl-VolumeViewer[data-view-id="ux-prediction"]`;

const steps = [
  "keys with the viewer focused: 2, b, a, d d act on it, the notebook's cells stay (focus ring)",
  "keys with the pointer over the viewer, notebook focused: they reach the viewer, not the notebook",
  "wheel: plain wheel scrolls the notebook, Shift+wheel slices, Ctrl+wheel zooms, toggle",
  "[ / ] change the brush radius and the radius box follows",
  "fill from unlabelled space stays in the clicked phase (intensity tolerance)",
  "threshold preview pixel in the phase palette, not a class colour",
  "uncalibrated volume: scale bar in px, readout in voxels",
  "class editor: add, rename, recolour; saved in the label file and back after a reload",
  "prediction-only view shows a legend of its classes",
  "export PNG of the view at 3x",
  "plotly: no Share chart; SVG and 3x PNG downloads",
];

/** Number of checks uxChecks() reports. */
export const UX_CHECKS = steps.length;

// the painter's volume: 3 x 96 x 128, left half dark (30..39), right half bright (180..189)
const SHAPE = [3, 96, 128];
function voxel(z, y, x) {
  return (x < 64 ? 30 : 180) + ((x * 7 + y * 3 + z) % 10);
}

function volumeOutput(viewId, payload) {
  return {
    output_type: "display_data",
    metadata: {},
    data: {
      "application/vnd.tomolab.volume+json": { version: 1, viewId, ...payload },
      "text/plain": [`<view ${viewId}>`],
    },
  };
}

function channel(data) {
  const counts = new Array(256).fill(0);
  for (const v of data) counts[v]++;
  return {
    name: "SE2",
    dtype: "uint8",
    source: { kind: "inline", base64: Buffer.from(data).toString("base64") },
    window: [0, 255],
    range: [0, 255],
    histogram: { min: 0, max: 256, counts },
  };
}

function paintOutput() {
  const [nz, ny, nx] = SHAPE;
  const data = new Uint8Array(nz * ny * nx);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) data[(z * ny + y) * nx + x] = voxel(z, y, x);
  return volumeOutput("ux-paint", {
    title: "ux painter",
    shape: SHAPE,
    spacing: [1, 1, 1],
    unit: "pixel",
    channels: [channel(data)],
    channelMode: "side",
    overlays: [],
    initial: { plane: "xy", slice: 1 },
    labels: {
      path: LABELS,
      classes: [
        { id: 1, name: "void", color: "#3b82f6" },
        { id: 2, name: "CBD", color: "#f59e0b" },
        { id: 3, name: "NMC", color: "#10b981" },
      ],
    },
    thresholds: [80, 170],
  });
}

function predictionOutput() {
  const shape = [2, 64, 64];
  const n = shape[0] * shape[1] * shape[2];
  const image = new Uint8Array(n).map((_, i) => (i % 64 < 32 ? 40 : 200));
  const labels = new Uint8Array(n).map((_, i) => (i % 64 < 32 ? 1 : 2));
  return volumeOutput("ux-prediction", {
    title: "ux prediction",
    shape,
    spacing: [20, 10, 10],
    unit: "nm",
    channels: [channel(image)],
    channelMode: "side",
    overlays: [
      {
        name: "segmentation",
        kind: "labels",
        dtype: "uint8",
        source: { kind: "inline", base64: Buffer.from(labels).toString("base64") },
        opacity: 0.5,
        classes: [
          { id: 1, name: "pore", color: "#222222" },
          { id: 2, name: "particle", color: "#e11d48" },
        ],
      },
    ],
    initial: { plane: "xy", slice: 1 },
  });
}

const PLOT = { width: 500, height: 320 };
function plotOutput() {
  return {
    output_type: "display_data",
    metadata: {},
    data: {
      "application/vnd.plotly.v1+json": {
        data: [{ type: "bar", x: ["void", "CBD", "NMC"], y: [3, 1, 4] }],
        layout: { title: { text: "ux figure" }, ...PLOT },
      },
      "text/plain": ["<plotly figure>"],
    },
  };
}

export function uxNotebook() {
  const filler = (id) => ({
    id,
    cell_type: "markdown",
    metadata: {},
    source: Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of a long note.\n\n`).join(""),
  });
  return tslabNotebook([
    codeCell(
      "ux-paint",
      ["// saved output: the painter on an uncalibrated volume"],
      [paintOutput()],
      1,
    ),
    filler("ux-note-1"),
    codeCell("ux-prediction", ["// saved output: a prediction-only view"], [predictionOutput()], 2),
    codeCell("ux-plot", ["// saved output: a plotly figure"], [plotOutput()], 3),
    filler("ux-note-2"),
  ]);
}

/** The notebook's cells as [type, id] (what a command-mode shortcut would change). */
const cellList = (page) =>
  page.evaluate(() =>
    window.jupyterapp.shell.currentWidget.content.widgets.map((w) => [w.model.type, w.model.id]),
  );
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const data = (page, sel, key) => page.$eval(sel, (n, k) => n.dataset[k] ?? "", key);

async function openNotebook(page, base, token) {
  await page.goto(`${base}/lab/tree/${UX_NOTEBOOK}?token=${token}`);
  await page.waitForFunction(
    (sels) => sels.every((s) => document.querySelector(s)?.dataset.rendered),
    [VIEWER, PREDICTION],
    { timeout: 90_000, polling: 250 },
  );
  await page.waitForFunction((s) => document.querySelector(s)?.dataset.saveState, VIEWER, {
    timeout: 30_000,
  });
  await page
    .locator(".jp-toast-button", { hasText: "No" })
    .click({ timeout: 2000 })
    .catch(() => undefined);
}

/** Canvas box of the painter, after scrolling it into view. */
async function canvasBox(page, sel = VIEWER) {
  const canvas = page.locator(`${sel} canvas.tl-canvas`).first();
  await canvas.scrollIntoViewIfNeeded();
  return canvas.boundingBox();
}

/** Width and height from a PNG file's IHDR chunk. */
function pngSize(bytes) {
  if (bytes.subarray(1, 4).toString("latin1") !== "PNG") return undefined;
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent("download", { timeout: 30_000 }), click()]);
  const file = await d.path();
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(file) };
}

/** Scroll offset of the notebook's scrolling element. */
const notebookScroll = (page) =>
  page.$eval(VIEWER, (n) => {
    for (let e = n.parentElement; e; e = e.parentElement) {
      const o = getComputedStyle(e).overflowY;
      if ((o === "auto" || o === "scroll") && e.scrollHeight > e.clientHeight) return e.scrollTop;
    }
    return -1;
  });

/**
 * The painters' autosave state (private fields, found through the Lumino widget tree), logged
 * when a save does not finish in time.
 */
function saverDiagnostics(page) {
  return page.evaluate(() => {
    const found = [];
    const walk = (w, depth) => {
      if (!w || depth > 12) return;
      if (w.saver) found.push(w);
      const kids = w.widgets ?? (w.layout?.widgets ? [...w.layout.widgets] : []);
      for (const k of kids) walk(k, depth + 1);
    };
    for (const c of window.jupyterapp.shell.currentWidget.content.widgets) walk(c, 0);
    return found.map((v) => {
      const s = v.saver;
      return {
        view: v.payload.viewId,
        state: s.state,
        failures: s.failures,
        queued: Boolean(s.queued),
        running: s.running,
        timer: s.timer !== undefined,
        unsaved: s.hasUnsaved,
        clean: s.cleanVersion,
        version: v.store.version,
        savedClasses: s.savedClasses,
        classes: JSON.stringify(v.classes),
        loaded: s.loaded,
        disposed: s.disposed,
      };
    });
  });
}

/**
 * Runs the checks (JupyterLab at `base`, notebook folder `dir`).
 * @returns [{ name, ok }]
 */
export async function uxChecks({ page, base, token, dir, shots, log }) {
  const checks = [];
  const add = (ok, detail = "") => {
    const name = steps[checks.length];
    checks.push({ name: detail ? `${name}: ${detail}` : name, ok });
  };
  const errors = [];
  const onError = (e) => errors.push(e.message);
  page.on("pageerror", onError);
  try {
    await openNotebook(page, base, token);
    const cells0 = await cellList(page);

    // ---- keys with the viewer focused
    let box = await canvasBox(page);
    await page.mouse.click(box.x + 20, box.y + 20);
    const focused = await page.$eval(VIEWER, (n) => n.contains(document.activeElement));
    const ring = await page.$eval(VIEWER, (n) => getComputedStyle(n).outlineStyle);
    for (const k of ["2", "b", "a", "d", "d"]) await page.keyboard.press(k);
    const cells1 = await cellList(page);
    // save still reaches JupyterLab from inside the viewer
    const notebookSaved = page
      .waitForRequest(
        (r) => r.method() === "PUT" && r.url().includes(`/api/contents/${UX_NOTEBOOK}`),
        {
          timeout: 10_000,
        },
      )
      .then(
        () => true,
        () => false,
      );
    await page.keyboard.press("Control+s");
    const savedFromViewer = await notebookSaved;
    const tool1 = await data(page, VIEWER, "tool");
    const class1 = await page.$eval(`${VIEWER} .tl-class.tl-mod-active`, (b) => b.textContent);
    await page.locator(VIEWER).screenshot({ path: path.join(shots, "ux-focus-ring.png") });
    add(
      focused &&
        ring === "solid" &&
        same(cells0, cells1) &&
        tool1 === "brush" &&
        class1 === "CBD" &&
        savedFromViewer,
      `focus in viewer ${focused}, ring ${ring}, tool ${tool1}, class ${class1}, cells ${cells1.length} (were ${cells0.length}), Ctrl+S saved the notebook ${savedFromViewer}`,
    );

    // ---- keys with the pointer over the viewer, the notebook focused (command mode)
    await page.keyboard.press("Escape");
    // JupyterLab hands the notebook's focus on to its active cell, in command mode
    const released = await page.$eval(VIEWER, (viewer) => {
      const a = document.activeElement;
      const nb = window.jupyterapp.shell.currentWidget.content;
      return nb.mode === "command" && nb.node.contains(a) && !viewer.contains(a);
    });
    await page.mouse.move(5, 5); // leave the viewer
    box = await canvasBox(page);
    await page.mouse.move(box.x + 40, box.y + 40);
    const hover = await data(page, VIEWER, "keys");
    for (const k of ["e", "3", "a", "b", "d", "d"]) await page.keyboard.press(k);
    const cells2 = await cellList(page);
    const tool2 = await data(page, VIEWER, "tool");
    const class2 = await page.$eval(`${VIEWER} .tl-class.tl-mod-active`, (b) => b.textContent);
    // control: with the pointer elsewhere the same key reaches the notebook
    await page.mouse.move(5, 5);
    await page.keyboard.press("b");
    const cells3 = await cellList(page);
    await page.evaluate(() => window.jupyterapp.commands.execute("notebook:delete-cell"));
    const cells4 = await cellList(page);
    add(
      released &&
        hover === "hover" &&
        same(cells0, cells2) &&
        tool2 === "brush" &&
        class2 === "NMC" &&
        cells3.length === cells0.length + 1 &&
        same(cells0, cells4),
      `Esc -> notebook command mode ${released}, hover state "${hover}", tool ${tool2} (e then b), class ${class2}, cells unchanged ${same(cells0, cells2)}; pointer elsewhere: "b" made ${cells3.length} cells`,
    );

    // ---- wheel
    await page.locator(`${VIEWER} button.tl-fit`).click();
    box = await canvasBox(page);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const slice0 = await data(page, VIEWER, "slice");
    const scroll0 = await notebookScroll(page);
    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, 200);
    await page
      .waitForFunction(
        ([sel, s0]) => {
          const n = document.querySelector(sel);
          for (let e = n.parentElement; e; e = e.parentElement) {
            const o = getComputedStyle(e).overflowY;
            if ((o === "auto" || o === "scroll") && e.scrollHeight > e.clientHeight)
              return e.scrollTop !== s0;
          }
          return false;
        },
        [VIEWER, scroll0],
        { timeout: 5000 },
      )
      .catch(() => undefined);
    const scroll1 = await notebookScroll(page);
    const slice1 = await data(page, VIEWER, "slice");
    box = await canvasBox(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.down("Shift");
    await page.mouse.wheel(0, 100);
    await page.keyboard.up("Shift");
    const slice2 = await data(page, VIEWER, "slice");
    const zoom0 = await data(page, VIEWER, "zoom");
    await page.keyboard.down("Control");
    await page.mouse.wheel(0, -100);
    await page.keyboard.up("Control");
    const zoom1 = await data(page, VIEWER, "zoom");
    await page.locator(`${VIEWER} input.tl-wheelSlices`).check();
    box = await canvasBox(page);
    await page.mouse.click(box.x + 30, box.y + 30, { button: "middle" }); // focus, no paint
    await page.mouse.wheel(0, -100);
    const slice3 = await data(page, VIEWER, "slice");
    await page.locator(`${VIEWER} input.tl-wheelSlices`).uncheck();
    await page.locator(`${VIEWER} button.tl-fit`).click();
    add(
      scroll1 !== scroll0 &&
        slice1 === slice0 &&
        Number(slice2) === Number(slice0) + 1 &&
        Number(zoom1) > Number(zoom0) &&
        Number(slice3) === Number(slice2) - 1,
      `plain wheel: scroll ${scroll0} -> ${scroll1}, slice ${slice0} -> ${slice1}; Shift+wheel slice ${slice2}; Ctrl+wheel zoom ${zoom0} -> ${zoom1}; toggle + focus: slice ${slice3}`,
    );

    // ---- [ / ] and the radius box
    await page.locator(VIEWER).focus();
    await page.keyboard.press("]");
    await page.keyboard.press("]");
    const r1 = await page.$eval(`${VIEWER} input.tl-brushSize`, (i) => i.value);
    await page.keyboard.press("[");
    const r2 = await page.$eval(`${VIEWER} input.tl-brushSize`, (i) => i.value);
    add(r1 === "5" && r2 === "4", `radius box ${r1} after ] ], ${r2} after [`);

    // ---- fill from unlabelled space
    await page.locator(`${VIEWER} .tl-tool-fill`).click();
    await page.locator(`${VIEWER} .tl-class[data-class-id="1"]`).click();
    const tolerance = await page.$eval(`${VIEWER} input.tl-fillTolerance`, (i) => i.value);
    box = await canvasBox(page);
    await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.5);
    await page.waitForFunction((s) => document.querySelector(s)?.dataset.lastFill, VIEWER, {
      timeout: 10_000,
    });
    const filled = Number(await data(page, VIEWER, "lastFill"));
    const countsAfterFill = JSON.parse(await data(page, VIEWER, "counts"));
    const half = SHAPE[1] * 64;
    add(
      filled === half && countsAfterFill["1"] === half,
      `filled ${filled} voxels (the dark half: ${half}; the slice has ${SHAPE[1] * SHAPE[2]}), tolerance ±${tolerance}`,
    );
    await page.keyboard.press("Control+z"); // leave the slice unpainted for the colour check

    // ---- threshold preview pixel colour (read after the render the tick asks for). The undo
    // above schedules a render of its own, which can land after this listener is installed and
    // before the tick: only a render made while the box is ticked counts.
    const drawn = page.evaluate(
      (s) =>
        new Promise((resolve) => {
          const viewer = document.querySelector(s);
          const onRender = () => {
            if (!viewer.querySelector("input.tl-thresholdPreview")?.checked) return;
            viewer.removeEventListener("tl-rendered", onRender);
            resolve(true);
          };
          viewer.addEventListener("tl-rendered", onRender);
        }),
      VIEWER,
    );
    await page.locator(`${VIEWER} input.tl-thresholdPreview`).check();
    await drawn;
    const probe = await page.$eval(`${VIEWER} canvas.tl-canvas`, (c) => {
      // fitted: 128 x 96 image in a 560 x 480 canvas -> scale 4.375, offset (0, 30)
      const ctx = c.getContext("2d");
      const [x, y] = [400, 240];
      return {
        rgb: [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)],
        u: Math.floor(x / 4.375),
        v: Math.floor((y - 30) / 4.375),
      };
    });
    const slice = Number(await data(page, VIEWER, "slice"));
    const grey = voxel(slice, probe.v, probe.u);
    const mix = (c) => c.map((k) => Math.round(grey * 0.45 + k * 0.55));
    const expected = mix([253, 231, 37]); // viridis(1): the brightest of three phases
    const nmc = mix([0x10, 0xb9, 0x81]);
    const close = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 2);
    await page.locator(VIEWER).screenshot({ path: path.join(shots, "ux-threshold-phases.png") });
    await page.locator(`${VIEWER} input.tl-thresholdPreview`).uncheck();
    add(
      close(probe.rgb, expected) && !close(probe.rgb, nmc),
      `pixel (${probe.u}, ${probe.v}) value ${grey}: rgb ${probe.rgb}, phase colour blend ${expected}, NMC class blend would be ${nmc}`,
    );

    // ---- units
    box = await canvasBox(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const readout = await page.$eval(`${VIEWER} .tl-readout`, (n) => n.textContent);
    const bar = await page.$eval(`${VIEWER} canvas.tl-canvas`, (c) => c.dataset.scaleBar);
    const otherBar = await page.$eval(`${PREDICTION} canvas.tl-canvas`, (c) => c.dataset.scaleBar);
    add(
      /px$/.test(bar) &&
        readout.includes("voxels, no calibration") &&
        !/nm/.test(readout) &&
        /nm|µm/.test(otherBar),
      `scale bar "${bar}" (calibrated view: "${otherBar}"), readout "${readout.slice(0, 60)}"`,
    );

    // ---- class editor
    await page.locator(`${VIEWER} button.tl-editClasses`).click();
    await page.locator(`${VIEWER} button.tl-addClass`).click();
    const nameBox = page.locator(`${VIEWER} .tl-classRow[data-class-id="4"] input.tl-className`);
    await nameBox.fill("binder");
    await nameBox.press("Enter");
    await page.$eval(`${VIEWER} .tl-classRow[data-class-id="2"] input.tl-classColor`, (i) => {
      i.value = "#aa00aa";
      i.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await page.locator(`${VIEWER} .tl-class[data-class-id="4"]`).click();
    await page.locator(`${VIEWER} .tl-tool-brush`).click();
    box = await canvasBox(page);
    await page.mouse.move(box.x + 300, box.y + 100);
    await page.mouse.down();
    await page.mouse.move(box.x + 400, box.y + 120, { steps: 6 });
    await page.mouse.up();
    await page
      .waitForFunction((s) => document.querySelector(s)?.dataset.saveState === "saved", VIEWER, {
        timeout: 30_000,
      })
      .catch(async (error) => {
        log(`  label saver state: ${JSON.stringify(await saverDiagnostics(page))}`);
        throw error;
      });
    const row4 = await nameBox.inputValue();
    const file = path.join(dir, `${LABELS}.labels.json`);
    const saved = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    const savedClasses = (saved.classes ?? []).map((c) => `${c.id} ${c.name} ${c.color}`);
    await page.locator(VIEWER).screenshot({ path: path.join(shots, "ux-class-editor.png") });
    await openNotebook(page, base, token);
    const reloaded = await page.$$eval(`${VIEWER} .tl-class`, (bs) => bs.map((b) => b.textContent));
    await page.locator(`${VIEWER} button.tl-editClasses`).click();
    const rows = await page.$$eval(`${VIEWER} input.tl-className`, (is) => is.map((i) => i.value));
    add(
      same(savedClasses, [
        "1 void #3b82f6",
        "2 CBD #aa00aa",
        "3 NMC #10b981",
        "4 binder #ef4444",
      ]) &&
        saved.counts?.["4"] > 0 &&
        same(reloaded, ["void", "CBD", "NMC", "binder"]) &&
        same(rows, reloaded) &&
        row4 === "binder",
      `file classes ${JSON.stringify(savedClasses)}, counts ${JSON.stringify(saved.counts)}; editor row 4 "${row4}"; after reload buttons ${JSON.stringify(reloaded)}, editor ${JSON.stringify(rows)}`,
    );

    // ---- prediction-only legend
    const legend = page.locator(`${PREDICTION} .tl-legend`);
    await legend.scrollIntoViewIfNeeded();
    const items = await page.$$eval(`${PREDICTION} .tl-legendItem`, (es) =>
      es.map((e) => e.textContent),
    );
    const visible = await legend.isVisible();
    await page
      .locator(PREDICTION)
      .screenshot({ path: path.join(shots, "ux-prediction-legend.png") });
    add(
      visible && same(items, ["pore", "particle"]),
      `legend visible ${visible}: ${JSON.stringify(items)}`,
    );

    // ---- export PNG
    await page.locator(VIEWER).scrollIntoViewIfNeeded();
    await page.locator(`${VIEWER} select.tl-exportScale`).selectOption("3");
    const png = await download(page, () => page.locator(`${VIEWER} button.tl-exportPng`).click());
    const size = pngSize(png.bytes);
    fs.writeFileSync(path.join(shots, "ux-export-3x.png"), png.bytes);
    add(
      same(size, [560 * 3, 480 * 3]) && png.name.endsWith("-3x.png"),
      `${png.name}: ${size?.join(" x ")} px, ${(png.bytes.length / 1024).toFixed(0)} KiB`,
    );

    // ---- plotly modebar (of this notebook's figure)
    const panel = await page.evaluate(() => window.jupyterapp.shell.currentWidget.id);
    const plotSel = `#${panel} .tl-PlotlyRenderer`;
    const plot = page.locator(plotSel).first();
    await plot.scrollIntoViewIfNeeded();
    await plot.hover();
    const titles = await page.$$eval(`${plotSel} .modebar-btn`, (bs) =>
      bs.map((b) => b.getAttribute("data-title")),
    );
    const share = titles.filter((t) => /share|cloud|chart studio/i.test(t ?? ""));
    const svg = await download(page, () =>
      page.locator(`${plotSel} .modebar-btn[data-title^="Download as SVG"]`).click({ force: true }),
    );
    const hi = await download(page, () =>
      page
        .locator(`${plotSel} .modebar-btn[data-title^="Download as PNG, 3x"]`)
        .click({ force: true }),
    );
    const hiSize = pngSize(hi.bytes);
    add(
      share.length === 0 &&
        svg.bytes.toString("utf8", 0, 200).includes("<svg") &&
        same(hiSize, [PLOT.width * 3, PLOT.height * 3]),
      `modebar ${JSON.stringify(titles)}; ${svg.name} ${svg.bytes.length} bytes; ${hi.name} ${hiSize?.join(" x ")}`,
    );
  } catch (error) {
    log(`  ux checks stopped at "${steps[checks.length]}": ${error.message.split("\n")[0]}`);
    await page.screenshot({ path: path.join(shots, "ux-failure.png") }).catch(() => undefined);
    while (checks.length < steps.length) add(false, "not reached");
  }
  page.off("pageerror", onError);
  if (errors.length) log(`  page errors during the ux checks:\n    ${errors.join("\n    ")}`);
  // close this notebook (saved: the cell checks edited it), so later checks see only theirs
  await page
    .evaluate(async () => {
      const app = window.jupyterapp;
      await app.commands.execute("docmanager:save");
      await app.commands.execute("application:close-all");
    })
    .catch(() => undefined);
  return checks;
}
