// %% [markdown]
// # Live training: a random forest on painted labels (Paper 1, methods 3.4-3.6)
//
// Osenberg et al. segment FIB/SEM images of a porous NMC cathode with ilastik: paint a few strokes
// per class, tick features in a filter x scale dialog, let the random forest retrain and watch the
// prediction update ("live update"). tomolab does the same inside the notebook: `view(..., {
// training: true })` adds a training panel to the slice viewer with ilastik's feature picker (plus
// the tailored milling-direction features and the input signals), a Train button and a Live update
// toggle. The forest (100 trees) trains on the features of the painted voxels only; the plane on
// screen is predicted and overlaid with its uncertainty, and each feature's importance is shown.
//
// In JupyterLab you paint and click. This notebook also runs headlessly, so it seeds the label
// file with the sample's brush strokes (only when the file does not exist: painted labels are
// never overwritten) and calls `retrain()`, which is exactly what the Train button sends.

// %%
import { existsSync } from "node:fs";
import {
  loadSample, view, saveLabels, trainingImages, weightedError, barFigure, show, record, slice,
  imagesGrid, predictVolume,
} from "tomolab";

// %%
const fib = await loadSample("fibsem-nmc");
const z = fib.testSlice;
console.log(`${fib.se2.shape.join(" x ")} voxels; test slice z = ${z}, no labels in z ${fib.excluded.join("-")}`);

// %% [markdown]
// ## The viewer with its training panel
// SE2 and InLens are the two input signals; the picker also offers their difference
// ("SE2 - InLens"), as in Paper 1's method 3.5.

// %%
const labelFile = "fibsem-nmc-training.labels.json";
if (!existsSync(labelFile)) saveLabels(fib.labels, labelFile);
const viewer = view(fib.se2, {
  title: "fibsem-nmc-training",
  channels: [fib.inlens],
  channelNames: ["SE2", "InLens"],
  labels: labelFile,
  training: true,
  slice: z,
});

// %% [markdown]
// ## Train on the strokes, predict the test slice
// The default selection: Gaussian smoothing at 0.7, 1.6 and 3.5 and one scale (1.6) of LoG,
// gradient magnitude, DoG and Hessian eigenvalues, on SE2 and InLens.

// %%
const first = await viewer.retrain({ plane: "xy", slice: z });
console.log(`trained on ${Object.entries(first.samples).map(([c, n]) => `${n} ${fib.classes[Number(c)]}`).join(", ")} voxels, ${first.channels} channels`);
console.log(`timings (ms): ${JSON.stringify(first.timings)}; out-of-bag error ${(100 * (first.oobError ?? NaN)).toFixed(1)} %`);
const truthSlice = slice(fib.truth, "xy", z);
const aweDefault = weightedError(truthSlice, trainingImages(first).prediction, { classes: [1, 2, 3] });
console.log(`awe on the test slice: ${aweDefault.toFixed(1)} %`);
record("live.awe.default_selection", aweDefault);

// %% [markdown]
// ## Which features did the forest use?
// Gini importance (mean decrease in impurity) per picker cell, summed over inputs and eigenvalues:
// what the training panel shades in its feature grid.

// %%
const top = first.importances.slice(0, 12);
show(
  barFigure(top.map((f) => f.label), top.map((f) => f.importance), {
    orientation: "h",
    xTitle: "Gini importance",
    title: "Live forest: feature importance (default selection)",
  }),
  { id: "live-importance", width: 800, height: 420 },
);

// %% [markdown]
// ## Predict the whole volume
// `predictVolume` runs the forest trained above block by block on the worker pool: each block's features
// are computed (with the halo the filters need), classified and dropped, so the feature stack of the
// whole volume is never held. The result goes back into the viewer as overlays.

// %%
const trained = viewer.training()!;
const whole = await predictVolume(trained.forest, trained.inputs, trained.spec, { uncertainty: true });
const aweWhole = weightedError(fib.truth, whole.labels, { classes: [1, 2, 3] });
console.log(`awe over the whole volume: ${aweWhole.toFixed(1)} % (brush-stroke slices included)`);
record("live.awe.whole_volume", aweWhole);
view(fib.se2, {
  title: "fibsem-nmc-prediction",
  channels: [fib.inlens],
  channelNames: ["SE2", "InLens"],
  overlays: [
    { name: "prediction", kind: "labels", volume: whole.labels, opacity: 0.4 },
    { name: "uncertainty", kind: "probability", volume: whole.uncertainty!, opacity: 0.6, palette: "#d946ef" },
  ],
  slice: z,
  labels: false,
});

// %% [markdown]
// ## Tick more features: all detectors, their difference and the tailored z features
// The same call with another picker state, as after ticking boxes in the panel: the milling-direction
// features (Paper 1, method 3.6) see how a pore's signal evolves from slice to slice.

// %%
const tailored = await viewer.retrain({
  plane: "xy",
  slice: z,
  selection: {
    inputs: ["SE2", "InLens", "SE2 - InLens"],
    filters: { GaussianSmoothing: [0.7, 1.6, 3.5], GaussianGradientMagnitude: [1.6], HessianOfGaussianEigenvalues: [1.6] },
    tailored: ["ZForwardDifference", "ZBackwardDifference", "ZRunningMax", "ZRunningMin", "ZGradient"],
  },
});
const aweTailored = weightedError(truthSlice, trainingImages(tailored).prediction, { classes: [1, 2, 3] });
console.log(`awe with tailored z features: ${aweTailored.toFixed(1)} % (default selection ${aweDefault.toFixed(1)} %)`);
record("live.awe.tailored_selection", aweTailored);

// %% [markdown]
// ## The test slice: truth, prediction and uncertainty
// Uncertainty is ilastik's: one minus the margin between the two most probable classes. It is high on
// phase boundaries and where shine-through makes void look like solid: where to paint next.

// %%
const images = trainingImages(tailored);
show(
  imagesGrid(
    [
      { image: slice(fib.se2, "xy", z), labels: truthSlice, title: "SE2 with truth" },
      { image: slice(fib.se2, "xy", z), labels: images.prediction, title: "live prediction" },
      { image: images.uncertainty, title: "uncertainty" },
    ],
    { classNames: fib.classes, shareRange: false },
  ),
  { id: "live-test-slice", width: 1200, height: 460 },
);
