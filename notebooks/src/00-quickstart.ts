// %% [markdown]
// # tomolab quick start
//
// This notebook loads a 3D FIB/SEM volume from a multi-page TIFF, looks at two orthogonal slices,
// opens it in the slice viewer, measures phase fractions, draws the grey-value histogram and exports
// the figure for a paper. It runs on the project's own sample, `fibsem-nmc` (a simulated
// hierarchically porous NMC cathode, 160 x 192 x 192 voxels of 10 nm, imaged with an SE2 and an
// InLens detector; `npm run setup` generates it into `data-samples/`). Where the public real data
// sit beside the project (`../shared/data`), the last part repeats the steps on them; without them
// those cells say "Skipped" and do nothing.

// %%
import {
  loadSample, sampleDir, readTiff, readPngStack, realData, showImage, histogramFigure, show, exportFigure,
  phaseFractions, record, view,
} from "tomolab";
import path from "node:path";

// %% [markdown]
// ## Load a multi-page TIFF stack
// `loadSample` makes sure the sample is in `data-samples/` (generating it on first use) and checks
// every volume against the manifest's sha256. Each volume is one multi-page TIFF, so here we read the
// SE2 detector's stack the way any TIFF stack from Fiji or a microscope is read: `readTiff` returns a
// `Volume`, `{ data, shape: [nz, ny, nx], spacing: [dz, dy, dx] }` with x fastest and the spacing in
// nm from the ImageJ calibration.

// %%
const sample = await loadSample("fibsem-nmc");
const se2 = await readTiff(path.join(sampleDir(), "fibsem-nmc", "se2.tif"));
console.log(`shape ${se2.shape.join(" x ")}, ${se2.data.constructor.name}, spacing ${se2.spacing.join(" x ")} nm`);

// %% [markdown]
// ## Two orthogonal slices
// An xy slice (fixed z, the milled face) and an xz slice (fixed y) through the middle of the volume.
// In xz the milling direction runs top to bottom: the bright smears below open pores are shine-through.

// %%
const [nz, ny] = se2.shape;
showImage(se2, "xy", Math.floor(nz / 2), { id: "sample-xy", title: `SE2, xy slice z = ${Math.floor(nz / 2)}` });
showImage(se2, "xz", Math.floor(ny / 2), { id: "sample-xz", title: `SE2, xz slice y = ${Math.floor(ny / 2)}` });

// %% [markdown]
// ## Look through the whole volume
// `view` shows the volume in the tomolab-jupyterlab slice viewer: SE2 and InLens side by side (or
// blended), the true phases as an overlay, every plane. Click the viewer to give it the keyboard, then
// change slices with the slider, the arrow keys or Shift+wheel, zoom with Ctrl+wheel, adjust the
// contrast window, and paint training labels (void / CBD / NMC), which autosave to
// `fibsem-nmc-se2.labels.json` beside this notebook (read them with `loadLabels`).

// %%
const sampleView = view(se2, {
  title: "fibsem-nmc-se2",
  channels: [sample.inlens],
  channelNames: ["SE2", "InLens"],
  overlays: [{ name: "truth", kind: "labels", volume: sample.truth, opacity: 0.35 }],
});

// %% [markdown]
// ## Phase fractions
// The voxel fraction of each phase of the simulated truth (1 = void, 2 = carbon-binder domain,
// 3 = NMC), recorded so `npm run reproduce` can check them without reading a figure.

// %%
const fractions = phaseFractions(sample.truth, { 1: "void", 2: "cbd", 3: "nmc" });
for (const [phase, fraction] of Object.entries(fractions)) record(`quickstart.sample.fraction.${phase}`, fraction);
console.log(fractions);

// %% [markdown]
// ## Grey-value histogram, exported for a paper
// One bin per grey value of the SE2 stack. `exportFigure` renders the figure in headless Chromium at
// a chosen size and scale (PNG, SVG or PDF).

// %%
const fig = histogramFigure(se2, { title: "Grey values of the SE2 stack" });
show(fig, { id: "sample-histogram" });
const written = await exportFigure(fig, "../figures/00-quickstart/sample-histogram-2x.png", { width: 800, height: 450, scale: 2 });
console.log(written);

// %% [markdown]
// ## Real data: taufactor's segmented NMC cathode
// A real three-phase microstructure (256³ voxels; 0 = pore, 85 = NMC active material, 170 =
// carbon-binder domain) from the taufactor project, read from `../shared/data` when it is there.

// %%
const electrodeFile = realData("nmc-cathode-taufactor/electrode.tiff", "taufactor's segmented NMC cathode");
const electrode = electrodeFile ? await readTiff(electrodeFile) : undefined;
if (electrode) {
  console.log(`shape ${electrode.shape.join(" x ")}, ${electrode.data.constructor.name}`);
  showImage(electrode, "xy", 128, { id: "electrode-xy", title: "electrode, xy slice z = 128" });
  const electrodeView = view(electrode, { title: "electrode", thresholds: [42, 128] });
  const electrodeFractions = phaseFractions(electrode, { 0: "pore", 85: "nmc", 170: "cbd" });
  for (const [phase, fraction] of Object.entries(electrodeFractions)) record(`quickstart.fraction.${phase}`, fraction);
  console.log(electrodeFractions);
}

// %% [markdown]
// ## Real data: a grey-value PNG stack
// `readPngStack` reads a folder of PNG slices as one volume: here the 30 serial-section TEM images
// (512 x 512) of the ISBI 2012 challenge, when present.

// %%
const temFolder = realData("isbi2012-membrane/image", "the ISBI 2012 serial-section TEM stack");
const tem = temFolder ? await readPngStack(temFolder) : undefined;
if (tem) {
  console.log(`shape ${tem.shape.join(" x ")}, ${tem.data.constructor.name}`);
  showImage(tem, "xy", 0, { id: "tem-xy", title: "TEM section 0" });
  show(histogramFigure(tem, { title: "Grey values of the TEM stack" }), { id: "tem-histogram" });
}
