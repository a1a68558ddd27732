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
// boundary map, and compares it with the random forest of notebook 06. Then the same two methods
// are tested on **real hand labels**: the ISBI 2012 EM membrane stack, trained on four slices and
// scored on the other 26 with the challenge's metrics.
//
// **Training budget.** The EBSD U-Net: 600 Adam steps on 64^3 crops, batch 1 (0.4-0.7 s per step
// on two idle cores, 4-7 minutes; 11.5 minutes measured at a load of 8). The ISBI U-Net: 600 steps
// of four 128^2 crops (0.45-0.56 s per step, about 5 minutes). The forests take under a minute
// each. The whole notebook ran in 20 minutes on two shared cores (load 6-8). Without the
// native backend (wasm or cpu, 100x slower) the U-Net cells say so and are skipped.

// %%
import {
  loadSample, getNnBackend, paper2UNetBoundary, paper2BoundaryForest, paper2Pipeline, paper2UNetArchitectureFigure,
  paper2UNetSlicesFigure, PAPER2_UNET_CLASSES, isbi2012Path, loadIsbi2012, isbiUNet, isbiForest, imagesGrid,
  tableFigure, show, record,
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
let t = performance.now();
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

// %% [markdown]
// ## Real hand labels: ISBI 2012
// The training stack of the ISBI 2012 EM segmentation challenge (30 serial-section TEM slices of
// 512 x 512 pixels, 4 x 4 x 50 nm, membranes hand-labelled) is the same problem on real data:
// learn a boundary map from a few labelled slices, watershed it into cells. Both methods train on
// four slices (0, 10, 20, 29) only and are scored on the other 26:
//
// - a **2D U-Net** (depth 4, 16 to 256 filters, 2.2 M parameters; the sections are 50 nm apart,
//   too far for 3D context), 600 Adam steps on four random 128^2 crops each;
// - the **forest** on a 2D ilastik feature bank (six filters at 0.7-10 pixels), 50 trees on 20,000
//   pixels of each class drawn from the four slices.
//
// Segments: per slice, the h-minima watershed of P(membrane) after a Gaussian of sigma s; h and s
// are chosen on the **training** slices (best V-Rand there), never on the scored ones. Scores
// (Arganda-Carreras et al. 2015): pixel error (fraction of pixels on the wrong side of
// P = 0.5), boundary F1 of that membrane mask (tolerance 2 pixels), and the foreground-restricted
// Rand and information scores V-Rand and V-Info of the segments (1 = perfect; computed on the
// pixels the hand labels call cell interior, as the challenge's Fiji scripts do).

// %%
const isbiDir = isbi2012Path();
const isbi = isbiDir ? await loadIsbi2012() : undefined;
if (!isbi) console.log("../shared/data/isbi2012-membrane not found: the ISBI part is skipped");
const isbiRuns = [];
if (isbi) {
  t = performance.now();
  const f = await isbiForest(isbi);
  isbiRuns.push({ name: "forest", key: "isbi.forest", r: f, seconds: (performance.now() - t) / 1000 });
  if (native) {
    t = performance.now();
    const u = await isbiUNet(isbi, { steps: 600, seed: 0 });
    isbiRuns.push({ name: "U-Net", key: "isbi.unet", r: u, seconds: (performance.now() - t) / 1000 });
    record("isbi.unet.steps", 600);
    record("isbi.unet.seconds_per_step", Number(u.details.secondsPerStep));
  }
  for (const { name, key, r, seconds } of isbiRuns) {
    const s = r.scores;
    console.log(`${name}: pixel error ${s.pixelError.toFixed(3)}, boundary F1 ${s.boundaryF1.toFixed(3)}, V-Rand ${s.vRand.toFixed(3)} (split ${s.vRandSplit.toFixed(3)}, merge ${s.vRandMerge.toFixed(3)}), V-Info ${s.vInfo.toFixed(3)}; watershed h ${r.details.h}, sigma ${r.details.smooth}; ${seconds.toFixed(0)} s`);
    record(`${key}.pixel_error`, s.pixelError);
    record(`${key}.boundary_f1`, s.boundaryF1);
    record(`${key}.v_rand`, s.vRand);
    record(`${key}.v_info`, s.vInfo);
    record(`${key}.train_s`, r.timings.train / 1000);
    record(`${key}.predict_s`, r.timings.predict / 1000);
  }
  show(tableFigure({
    method: isbiRuns.map((x) => x.name),
    "pixel error": isbiRuns.map((x) => x.r.scores.pixelError),
    "boundary F1": isbiRuns.map((x) => x.r.scores.boundaryF1),
    "V-Rand": isbiRuns.map((x) => x.r.scores.vRand),
    "V-Info": isbiRuns.map((x) => x.r.scores.vInfo),
    "segments / slice": isbiRuns.map((x) => x.r.scores.segmentsPerSlice),
    "train s": isbiRuns.map((x) => x.r.timings.train / 1000),
    "predict s": isbiRuns.map((x) => x.r.timings.predict / 1000),
  }, { title: "ISBI 2012: trained on 4 slices, scored on the other 26", width: 1100 }), { id: "isbi-scores" });
}

// %% [markdown]
// ### One unseen ISBI slice
// The TEM image, its hand-labelled membranes, and each method's P(membrane) and segments.

// %%
if (isbi && isbiRuns.length > 0) {
  const k = 0;
  const z = isbiRuns[0]!.r.test[k]!;
  const plane = 512 * 512;
  const one = (data: ArrayLike<number>, offset: number) => ({ data: Float32Array.from({ length: plane }, (_, i) => data[offset + i]!), shape: [1, 512, 512] as [number, number, number], spacing: [50, 4, 4] as [number, number, number] }); // 4 nm pixels
  const image = one(isbi.image.data, z * plane);
  const panels = [
    { image, title: `TEM, z = ${z}` },
    { image: one(isbi.labels.data, z * plane), title: "hand labels" },
    ...isbiRuns.flatMap(({ name, r }) => [
      { image: one(r.boundary.data, k * plane), title: `${name}: P(membrane)` },
      { image, labels: { ...one(r.segments.data, k * plane), data: Int32Array.from(r.segments.data.subarray(k * plane, (k + 1) * plane)) }, title: `${name}: segments` },
    ]),
  ];
  show(imagesGrid(panels, { columns: 2 + 2 * isbiRuns.length > 4 ? 3 : 2, shareRange: false, labelKind: "instances", labelOpacity: 0.45, title: "ISBI 2012, an unseen slice", width: 1200, height: 820 }), { id: "isbi-slice" });
}
if (unet) unet.model.dispose();
for (const { r } of isbiRuns) r.model?.dispose();
