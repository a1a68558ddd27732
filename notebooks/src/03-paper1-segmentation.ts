// %% [markdown]
// # Paper 1: six ways to segment a FIB/SEM image of a porous NMC cathode (Figs. 1, 3, 4)
//
// Osenberg et al. compare six segmentation methods on a non-infiltrated, hierarchically porous
// NMC111 cathode imaged by FIB/SEM with two detectors (SE2 and InLens). The hard part is
// **shine-through**: through an open pore the detector sees material lying behind the milled face,
// so void is not simply dark. This notebook runs all six methods on tomolab's simulated sample
// `fibsem-nmc` and scores them as the paper does: on one fully labelled test slice, by the average
// weighted error (Eq. 1)
//
// $$\mathrm{awe} = \Big(1 - \sum_i \mathrm{IoU}_i\, p_i\Big) \cdot 100\,\%,$$
//
// with IoU_i the Jaccard index and p_i the true volume fraction of class i (void, CBD, NMC), on the
// full field of view and on a crop inside one NMC particle.
//
// The methods:
// - **3.1 double threshold** on SE2, at the valleys of the test slice's histogram (void < t1 <= CBD < t2 <= NMC).
// - **3.2 triple threshold** on SE2 (void / CBD / NMC / bright void), the best global thresholds against
//   the test slice's truth: a bound on what any global threshold can do.
// - **3.3 z-gradient** (after Salzer et al. 2012): void where the in-plane smoothed SE2 is dark, very
//   bright, or not stationary along the milling direction z (its drop within the next 4 slices); the
//   solid is then split by one InLens threshold (CBD dark, NMC bright). Thresholds fitted on the brush strokes.
// - **3.4-3.6 random forests** (100 trees, as ilastik) trained on sparse brush strokes (no labels within
//   the 30 slices around the test slice): 3.4 SE2 with ilastik's 61 standard features; 3.5 SE2, InLens
//   and SE2 - InLens, 183 features; 3.6 the same plus tailored milling-direction (z) features.
//
// All the work is in `paper1Methods` (kernel-lib `classify/paper1.ts`); the cells below only plot.

// %%
import {
  loadSample, paper1Methods, importanceGroups, segmentationErrors, progress, fibsemSlices,
  barFigure, boxFigure, imagesGrid, tableFigure, subplotGrid, show, record, view,
} from "tomolab";

// %%
const fib = await loadSample("fibsem-nmc");
const s = fibsemSlices(fib);
console.log(`${fib.se2.shape.join(" x ")} voxels; test slice z = ${fib.testSlice}; no labels in z ${fib.excluded.join("-")}`);

// %% [markdown]
// ## Run the six methods
// Forest features are computed only in the blocks that hold brush strokes (training) and for the test
// slice (prediction); the three forests share one feature computation (3.4's features are a subset of
// 3.5's, which are a subset of 3.6's). Permutation importance is measured on 3000 test-slice voxels
// (1000 per class).

// %%
const bar = progress(15, { label: "Paper 1 methods" });
const result = await paper1Methods(fib, { trees: 100, seed: 1, onProgress: (done, _total, note) => bar.update(done, note) });
bar.done();
for (const m of result.methods) {
  record(`paper1.awe.${m.key}`, m.awe);
  if (m.aweCrop !== undefined) record(`paper1.awe_crop.${m.key}`, m.aweCrop);
}
const c = result.crop;
console.log(c
  ? `crop inside an NMC particle: ${c.size} x ${c.size} px at (y ${c.y}, x ${c.x}); NMC ${(100 * c.fractions.nmc).toFixed(0)} %, void ${(100 * c.fractions.void).toFixed(0)} %, CBD ${(100 * c.fractions.cbd).toFixed(1)} %`
  : "no crop inside an NMC particle found");
console.log(`total ${(result.totalMs / 1000).toFixed(1)} s`);

// %% [markdown]
// ## Table: awe per method, ours (simulated sample) and the paper's (real data)
// The crop is the largest square of the test slice with at most 1 % CBD and at least 60 % NMC
// (`nmcCrop`): inside a particle the task is nearly binary (NMC vs inner pores).

// %%
const M = result.methods;
const r1 = (v: number | undefined) => (v === undefined ? NaN : Math.round(v * 10) / 10);
show(
  tableFigure({
    method: M.map((m) => `${m.id} ${m.name}`),
    "awe full (ours)": M.map((m) => r1(m.awe)),
    "awe full (paper)": M.map((m) => m.published.full),
    "awe crop (ours)": M.map((m) => r1(m.aweCrop)),
    "awe crop (paper)": M.map((m) => m.published.crop),
    "time (s)": M.map((m) => r1(m.timings.total / 1000)),
  }, { title: "Paper 1: average weighted error (Eq. 1) on the test slice, %", columnWidths: [3.2, 1, 1, 1, 1, 0.8] }),
  { id: "paper1-awe-table", width: 1100, height: 330 },
);

// %% [markdown]
// ## Fig. 1: awe per method
// Bars: our awe on the full field of view and on the crop, next to the published values.

// %%
const names = M.map((m) => m.id);
show(
  subplotGrid([
    barFigure(names, [
      { name: "ours", values: M.map((m) => m.awe) },
      { name: "paper", values: M.map((m) => m.published.full) },
    ], { yTitle: "awe (%)", valueFormat: ".1f" }),
    barFigure(names, [
      { name: "ours", values: M.map((m) => m.aweCrop ?? NaN) },
      { name: "paper", values: M.map((m) => m.published.crop) },
    ], { yTitle: "awe (%)", valueFormat: ".1f" }),
  ], { columns: 2, titles: ["full field of view", "crop inside an NMC particle"] }),
  { id: "paper1-fig1-awe", width: 1100, height: 420 },
);

// %% [markdown]
// ## Fig. 3: which features matter, per class
// Per-class permutation importance (drop of the class's recall when one feature is shuffled) of the
// forests of 3.6 (all inputs, tailored features) grouped by filter group (smooth, edge, texture and the
// milling-direction features), and of 3.5 grouped by input signal. One box per class and group, over
// the group's features. Single-feature importances are small (a few tenths of a percent of recall):
// the 183+ features are strongly correlated, so the forest finds most of a shuffled feature's
// information in its neighbours at other scales. Values near zero and slightly negative are noise of
// the shuffles (3000 voxels, 2 repeats).

// %%
const rf36 = M.find((m) => m.id === "3.6")!.importance!;
const rf35 = M.find((m) => m.id === "3.5")!.importance!;
show(
  boxFigure(importanceGroups(rf36, { by: "group" }), {
    yTitle: "permutation importance",
    title: "Method 3.6: importance by filter group, per class",
  }),
  { id: "paper1-fig3-groups", width: 1100, height: 420 },
);
show(
  boxFigure(importanceGroups(rf35, { by: "input" }), {
    yTitle: "permutation importance",
    title: "Method 3.5: importance by input signal, per class",
  }),
  { id: "paper1-fig3-inputs", width: 1100, height: 420 },
);

// %% [markdown]
// ## Fig. 4: the test slice, truth and segmentations
// Top: SE2 with the truth and with the segmentations of methods 3.2, 3.4, 3.5 and 3.6. Bottom: the
// errors of each method (the wrongly predicted class, coloured as the classes).

// %%
const shown = ["3.2", "3.4", "3.5", "3.6"].map((id) => M.find((m) => m.id === id)!);
show(
  imagesGrid(
    [
      { image: s.se2, labels: result.truth, title: "truth" },
      ...shown.map((m) => ({ image: s.se2, labels: m.segmentation, title: `${m.id}: awe ${m.awe.toFixed(1)} %` })),
      { image: s.se2, title: `SE2, z = ${s.z}` },
      ...shown.map((m) => ({ image: s.se2, labels: segmentationErrors(result.truth, m.segmentation), title: `${m.id}: errors` })),
    ],
    { columns: 5, classNames: fib.classes },
  ),
  { id: "paper1-fig4-segmentations", width: 1400, height: 640 },
);

// %% [markdown]
// The same in the slice viewer: the test slice with every method's segmentation as an overlay to
// toggle and blend.

// %%
const viewer = view(s.se2, {
  title: "paper1-test-slice",
  channels: [s.inlens],
  channelNames: ["SE2", "InLens"],
  overlays: [
    { name: "truth", kind: "labels", volume: result.truth, opacity: 0.4 },
    ...M.map((m) => ({ name: `${m.id} ${m.name}`, kind: "labels" as const, volume: m.segmentation, opacity: 0.4 })),
  ],
  labels: false,
});

// %% [markdown]
// ## Run times
// Wall time of each step (ms): the forests' shared features are counted once, under 3.4.

// %%
for (const m of M) console.log(m.id, JSON.stringify(Object.fromEntries(Object.entries(m.timings).map(([k, v]) => [k, Math.round(v)]))), JSON.stringify(m.details));
