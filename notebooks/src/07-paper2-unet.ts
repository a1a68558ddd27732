// %% [markdown]
// # Paper 2: the U-Net boundary map from four labelled slices (Sect. 2.3 step 2, Figs. 2-4)
//
// Furat et al. do not hand-segment grains. They label **four slices** of the aligned IQ stack
// (z = 26, 37, 49, 60 of 91) into grain boundary, grain interior and background, and train a
// **3D U-Net** on them with a masked cross-entropy (Eq. 6: the loss counts only labelled voxels),
// random crops, and random rotations and flips. Its softmax output P(boundary), P(interior),
// P(background) feeds the h-minima watershed of notebook 06.
//
// This notebook trains that network (`trainUNet`, native TensorFlow through tfjs-node), draws it
// (Fig. 3), shows its labels and predictions (Figs. 2 and 4), runs the full pipeline on its
// boundary map, and compares it with the random forest of notebook 06. Notebook 08 tests the same
// two methods on **real hand labels** (the ISBI 2012 EM membrane stack).
//
// **Training budget.** The EBSD U-Net: 600 Adam steps on 64^3 crops, batch 1 (0.4-0.7 s per step
// on two idle cores, 4-7 minutes; 11.5 minutes measured at a load of 8); the forest under a
// minute. Without the native backend (wasm or cpu, 100x slower) the U-Net cells say so and are
// skipped.

// %%
import {
  loadSample, getNnBackend, paper2UNetBoundary, paper2BoundaryForest, paper2Pipeline, paper2UNetArchitectureFigure,
  paper2UNetSlicesFigure, PAPER2_UNET_CLASSES, tableFigure, show, record,
} from "tomolab";

// %% [markdown]
// ## The sample and the backend
// The project's `ebsd-particle` stack (96 x 224 x 224 voxels at 50 nm; notebook 06), aligned. Its
// four labelled slices are spread like the paper's; their targets are the only labels used.

// %%
const sample = await loadSample("ebsd-particle");
const backend = await getNnBackend();
const native = backend.name === "tensorflow";
console.log(`${sample.iq.shape.join(" x ")} voxels; labelled slices ${sample.labelledSlices.join(", ")}`);
console.log(`backend: ${backend.name} ${backend.version}. ${backend.note}`);
if (!native) console.log(`no native TensorFlow (${backend.fallbackReasons.join("; ")}): the U-Net cells are skipped`);

// %% [markdown]
// ## Training (Eq. 6) and prediction
// A 3D U-Net of depth 3 (8, 16, 32 filters, 64 at the bottom; two 3x3x3 convolutions with ReLU
// per level, max-pooling down, nearest-neighbour upsampling and a convolution up, skip
// concatenations, a 1x1x1 softmax head) is trained with Adam (learning rate 10^-3) on random
// 64^3 crops centred on labelled voxels, class-balanced (the paper used 80^3), each crop rotated
// and flipped at random. The loss is the cross-entropy averaged over the labelled voxels of the
// crop only. The trained net predicts the whole stack in overlapping 64^3 tiles, blended.

// %%
const unet = native ? await paper2UNetBoundary(sample, { steps: 600, seed: 0 }) : undefined;
if (unet) {
  const f1 = unet.unlabelledF1!;
  console.log(`trained ${unet.losses.length} steps in ${(unet.timings.train / 1000).toFixed(0)} s (${unet.secondsPerStep.toFixed(2)} s/step); final loss ${unet.losses.slice(-20).reduce((a, b) => a + b, 0) / 20}`);
  console.log(`predicted in ${(unet.timings.predict / 1000).toFixed(0)} s; boundary F1 on the unlabelled slices ${f1.f1.toFixed(3)} (precision ${f1.precision.toFixed(3)}, recall ${f1.recall.toFixed(3)})`);
  record("paper2.unet.steps", unet.losses.length);
  record("paper2.unet.seconds_per_step", unet.secondsPerStep);
  record("paper2.unet.train_s", unet.timings.train / 1000);
  record("paper2.unet.predict_s", unet.timings.predict / 1000);
  record("paper2.unet.unlabelled_boundary_f1", f1.f1);
}

// %% [markdown]
// ### Fig. 3: the architecture
// Drawn from the trained network's weights: each box is a block of two convolutions with its
// channel counts, next to the spatial size of a 64^3 input at that level.

// %%
if (unet) show(paper2UNetArchitectureFigure(unet.model.net, { crop: 64, classNames: [...PAPER2_UNET_CLASSES] }), { id: "paper2-fig3-unet" });

// %% [markdown]
// ### Figs. 2 and 4: labels and predictions
// Top: a labelled slice of the IQ and its three label images. Middle: the network's three class
// probabilities on that slice (it was trained on it). Bottom: on a slice it never saw labels of.

// %%
const zLabelled = sample.labelledSlices[1]!;
const zUnlabelled = Math.round((sample.labelledSlices[1]! + sample.labelledSlices[2]!) / 2);
if (unet) show(paper2UNetSlicesFigure(sample.iqAligned, sample.targets, [unet.boundary, unet.interior, unet.background], { labelled: zLabelled, unlabelled: zUnlabelled }), { id: "paper2-fig2-4-unet" });

// %% [markdown]
// ## U-Net against the forest, into grains
// Both boundary maps go through the same pipeline (h-minima h = 0.1, background removal,
// outside regions dropped), on the stack before misalignment so that only the boundary map
// differs. Scores against the true grains, as in notebook 06: boundary F1 of the boundary map
// and of the grains' boundaries (tolerance 1 voxel), the fraction of true grains matched with
// IoU > 0.5, and the adapted Rand error of the grains. A boundary map can score well voxel by
// voxel and still merge grains: one gap in a faint boundary joins two grains in the watershed,
// so the grain scores are the ones that matter here.

// %%
const t = performance.now();
const forest = await paper2BoundaryForest(sample);
const forestSeconds = (performance.now() - t) / 1000;
const viaForest = await paper2Pipeline(sample, { h: 0.1, probabilities: forest, descriptors: false });
const viaUNet = unet ? await paper2Pipeline(sample, { h: 0.1, probabilities: unet, descriptors: false }) : undefined;
const rows = [
  { name: "forest", key: "paper2.forest", r: viaForest, train: (forest.timings.features + forest.timings.train) / 1000, predict: forest.timings.predict / 1000 },
  ...(unet && viaUNet ? [{ name: "U-Net", key: "paper2.unet", r: viaUNet, train: unet.timings.train / 1000, predict: unet.timings.predict / 1000 }] : []),
];
for (const { key, r } of rows) {
  record(`${key}.boundary_map_f1`, r.boundaryMap.f1);
  record(`${key}.grain_boundary_f1`, r.grainBoundaries.f1);
  record(`${key}.matched_fraction`, r.matchedFraction);
  record(`${key}.adapted_rand_error`, r.adaptedRand.error);
  record(`${key}.grain_count`, r.grainCount);
}
record("paper2.forest.train_s", rows[0]!.train);
console.log(`forest: ${forestSeconds.toFixed(0)} s in all`);
show(tableFigure({
  method: rows.map((x) => x.name),
  "boundary map F1": rows.map((x) => x.r.boundaryMap.f1),
  "grain boundary F1": rows.map((x) => x.r.grainBoundaries.f1),
  "matched (IoU > 0.5)": rows.map((x) => x.r.matchedFraction),
  "adapted Rand error": rows.map((x) => x.r.adaptedRand.error),
  grains: rows.map((x) => x.r.grainCount),
  "train s": rows.map((x) => x.train),
  "predict s": rows.map((x) => x.predict),
}, { title: `ebsd-particle: forest and U-Net boundary maps (truth: ${viaForest.truthCount} grains)`, width: 1100 }), { id: "paper2-unet-vs-forest" });

// %%
if (unet) unet.model.dispose();
