// %% [markdown]
// # tomolab quick start
//
// This notebook loads a real 3D volume, looks at two orthogonal slices, draws its grey-value
// histogram and exports the figure for a paper. The volume is the segmented NMC cathode of the
// taufactor project (256³ voxels; 0 = pore, 85 = NMC active material, 170 = carbon-binder domain),
// read from `../shared/data` beside the project.

// %%
import { readTiff, readPngStack, requireSharedData, showImage, histogramFigure, show, exportFigure, phaseFractions, record, view } from "tomolab";

// %% [markdown]
// ## Load a multi-page TIFF stack
// `readTiff` returns a `Volume`: `{ data, shape: [nz, ny, nx], spacing: [dz, dy, dx] }`, x fastest.

// %%
const volume = await readTiff(requireSharedData("nmc-cathode-taufactor/electrode.tiff"));
console.log(`shape ${volume.shape.join(" x ")}, ${volume.data.constructor.name}, spacing ${volume.spacing.join(" x ")}`);

// %% [markdown]
// ## Two orthogonal slices
// An xy slice (fixed z) and an xz slice (fixed y) through the middle of the volume.

// %%
showImage(volume, "xy", 128, { id: "electrode-xy", title: "xy slice, z = 128" });
showImage(volume, "xz", 128, { id: "electrode-xz", title: "xz slice, y = 128" });

// %% [markdown]
// ## Look through the whole volume
// `view` shows the volume in the tomolab-jupyterlab slice viewer: scroll slices (wheel, arrow keys),
// switch between xy, xz and yz, zoom with Ctrl+wheel, adjust the contrast window, move double
// thresholds on the histogram and paint training labels (void / CBD / NMC), which autosave to
// `electrode.labels.json` beside this notebook (read them with `loadLabels`). The 16 MiB volume is
// written to `tomolab-cache/` and read slice by slice, so the saved notebook stays small.

// %%
const electrodeView = view(volume, { title: "electrode", thresholds: [42, 128] });

// %% [markdown]
// ## Phase fractions
// The voxel fraction of each phase, recorded so `npm run reproduce` can check it without reading a figure.

// %%
const fractions = phaseFractions(volume, { 0: "pore", 85: "nmc", 170: "cbd" });
for (const [phase, fraction] of Object.entries(fractions)) record(`quickstart.fraction.${phase}`, fraction);

// %% [markdown]
// ## A grey-value image stack and its histogram
// `readPngStack` reads a folder of PNG slices as one volume: here the 30 serial-section TEM
// images (512 x 512) of the ISBI 2012 challenge. Its histogram has one bin per grey value.

// %%
const tem = await readPngStack(requireSharedData("isbi2012-membrane/image"));
console.log(`shape ${tem.shape.join(" x ")}, ${tem.data.constructor.name}`);
showImage(tem, "xy", 0, { id: "tem-xy", title: "TEM section 0" });
view(tem, { title: "isbi-tem", slice: 0, labels: false });
const fig = histogramFigure(tem, { title: "Grey values of the TEM stack" });
show(fig, { id: "tem-histogram" });

// %% [markdown]
// ## Export for a paper
// `exportFigure` renders the figure in headless Chromium at a chosen size and scale (PNG, SVG or PDF).

// %%
const written = await exportFigure(fig, "../figures/00-quickstart/tem-histogram-2x.png", { width: 800, height: 450, scale: 2 });
console.log(written);
